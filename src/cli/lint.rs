//! `amlguard lint PATH…`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::config::Config;
use crate::finding::Severity;
use crate::linter::{self, LintOptions};
use crate::policy::{FailOn, Policy};
use crate::report;

use super::{CatalogFiles, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Rule files or directories (searched recursively for *.yaml and *.yml); `-` for stdin.
    #[arg(value_name = "PATH", required_unless_present = "conditions")]
    pub paths: Vec<PathBuf>,
    /// An ARM parameter file whose values resolve `[parameters('x')]` (repeatable).
    #[arg(long = "parameters", value_name = "FILE")]
    pub parameters: Vec<PathBuf>,
    /// Lint a condition string as the az CLI takes it, e.g. "avg GpuUtilization < 10" (repeatable).
    #[arg(long = "condition", value_name = "CONDITION")]
    pub conditions: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub catalog: CatalogFiles,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 for GitHub code scanning (exit status 0 unless the run failed: the results are in the file).
    Sarif,
    /// GitHub workflow annotations.
    Github,
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

pub fn run(args: LintArgs, config: Config, color: bool) -> u8 {
    let policy = Policy {
        select: if args.select.is_empty() {
            config.select
        } else {
            args.select
        },
        ignore: config.ignore.into_iter().chain(args.ignore).collect(),
        severity: config.severity.into_iter().chain(args.severity).collect(),
        fail_on: args.fail_on.or(config.fail_on).unwrap_or_default(),
    };
    let unknown = policy.unknown_selectors();
    if !unknown.is_empty() {
        eprintln!(
            "error: no check is named {} (see `amlguard explain`)",
            unknown
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return EXIT_ERROR;
    }
    let options = LintOptions {
        catalogs: config
            .catalogs
            .into_iter()
            .chain(args.catalog.catalogs)
            .collect(),
        policy,
        exclude: config.exclude,
        conditions: args.conditions,
        parameters: config
            .parameters
            .into_iter()
            .chain(args.parameters)
            .collect(),
    };
    let report = linter::lint_paths(&args.paths, &options);
    for e in &report.input_errors {
        eprintln!("error: {e}");
    }
    let out = match args.format {
        Format::Human => {
            report::human::render(&report.sources, &report.findings, &report.summary, color)
        }
        Format::Json => report::json::render(
            &report.sources,
            &report.findings,
            &report.summary,
            &report.input_errors,
        ),
        Format::Sarif => report::sarif::render(&report.sources, &report.findings),
        Format::Github => report::github::render(&report.sources, &report.findings),
    };
    print!("{out}");
    if !report.input_errors.is_empty() {
        EXIT_ERROR
    } else if args.format != Format::Sarif && options.policy.fails(&report.findings) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
