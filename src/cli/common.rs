//! Arguments `lint` and `audit` share: the output format and what is shown and what fails.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, ValueEnum};

use crate::config::Config;
use crate::finding::Severity;
use crate::policy::{FailOn, Policy};
use crate::report;

/// The output formats of `lint` and `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with source snippets, then a summary.
    Human,
    /// One JSON document: findings, summary, input errors.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning (exit status 0 unless the run failed: the results are in the file).
    Sarif,
    /// GitHub Actions workflow annotations (::error …).
    Github,
    /// Azure Pipelines logging commands (##vso[task.logissue …]).
    Azure,
}

impl From<Format> for report::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Human => report::Format::Human,
            Format::Json => report::Format::Json,
            Format::Sarif => report::Format::Sarif,
            Format::Github => report::Format::Github,
            Format::Azure => report::Format::Azure,
        }
    }
}

/// How findings are shown: format and repeat limit.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Show at most N findings of one kind (same check and transition, or same check and
    /// message shape); the rest are counted in one summary finding. 0 shows all.
    #[arg(long, value_name = "N", default_value_t = report::aggregate::DEFAULT_MAX_REPEATS)]
    pub max_repeats: usize,
}

impl OutputArgs {
    pub fn options(&self, color: bool) -> report::Options {
        report::Options {
            color: color && self.format == Format::Human,
            max_repeats: self.max_repeats,
        }
    }
}

const FAMILIES: &str =
    "Families: input, catalog, threshold, schedule, rule-set (lint); audit, lifecycle (audit).";

#[derive(Debug, Args)]
#[command(after_long_help = FAMILIES)]
pub struct PolicyArgs {
    /// Show only these checks: a code (AML103), a name (unknown-metric), a code prefix (AML1)
    /// or a family (catalog, audit…; see `amlguard explain`). Repeatable, comma-separated.
    #[arg(long, value_name = "CHECK", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Hide these checks: a code, a name, a code prefix or a family. Repeatable, comma-separated.
    #[arg(long, value_name = "CHECK", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Change a check's severity: CHECK=error|warning|note (repeatable).
    #[arg(long = "severity", value_name = "CHECK=SEVERITY", value_parser = parse_override)]
    pub severity: Vec<(String, Severity)>,
    /// The lowest severity that makes the exit status 1 [default: error].
    #[arg(
        long,
        value_name = "SEVERITY",
        value_parser = clap::builder::PossibleValuesParser::new([
            PossibleValue::new("error"),
            PossibleValue::new("warning").alias("warn"),
            PossibleValue::new("note").alias("info"),
            PossibleValue::new("never").alias("none"),
        ])
        .map(|s| FailOn::parse(&s).unwrap_or_default())
    )]
    pub fail_on: Option<FailOn>,
}

fn parse_override(s: &str) -> Result<(String, Severity), String> {
    let (check, sev) = s.split_once('=').ok_or("expected CHECK=SEVERITY")?;
    let sev = Severity::parse(sev)
        .ok_or_else(|| format!("unknown severity `{sev}` (error, warning, note)"))?;
    Ok((check.trim().to_string(), sev))
}

impl PolicyArgs {
    /// The policy in force: flags over `amlguard.toml`.
    pub fn policy(self, config: &Config) -> Result<Policy, super::Error> {
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
            Err(super::Error::Usage(format!(
                "no check is named {} (see `amlguard explain`)",
                unknown
                    .iter()
                    .map(|s| format!("`{}`", report::sanitize::text(s)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }
}
