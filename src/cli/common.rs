//! Arguments `lint` and `audit` share: the output format and what is shown and what fails.

use clap::{Args, ValueEnum};

use crate::config::Config;
use crate::finding::Severity;
use crate::policy::{FailOn, Policy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 for GitHub code scanning (exit status 0 unless the run failed: the results are in the file).
    Sarif,
    /// GitHub workflow annotations.
    Github,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Show only these checks: code (AML103), name, code prefix (AML1) or family (repeatable).
    #[arg(long, value_name = "CHECK", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Hide these checks: code, name, code prefix or family (repeatable).
    #[arg(long, value_name = "CHECK", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Change a check's severity: CHECK=error|warning|note (repeatable).
    #[arg(long = "severity", value_name = "CHECK=SEVERITY", value_parser = parse_override)]
    pub severity: Vec<(String, Severity)>,
    /// The lowest severity that makes the exit status 1 [default: error].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,
}

fn parse_override(s: &str) -> Result<(String, Severity), String> {
    let (check, sev) = s.split_once('=').ok_or("expected CHECK=SEVERITY")?;
    let sev = Severity::parse(sev)
        .ok_or_else(|| format!("unknown severity `{sev}` (error, warning, note)"))?;
    Ok((check.trim().to_string(), sev))
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    FailOn::parse(s).ok_or_else(|| format!("unknown severity `{s}` (error, warning, note, never)"))
}

impl PolicyArgs {
    /// The policy in force: flags over `amlguard.toml`. Names no check → the message to print.
    pub fn policy(self, config: &Config) -> Result<Policy, String> {
        let policy = Policy {
            select: if self.select.is_empty() {
                config.select.clone()
            } else {
                self.select
            },
            ignore: config.ignore.iter().cloned().chain(self.ignore).collect(),
            severity: config
                .severity
                .iter()
                .cloned()
                .chain(self.severity)
                .collect(),
            fail_on: self.fail_on.or(config.fail_on).unwrap_or_default(),
        };
        let unknown = policy.unknown_selectors();
        if unknown.is_empty() {
            Ok(policy)
        } else {
            Err(format!(
                "no check is named {} (see `amlguard explain`)",
                unknown
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }
}
