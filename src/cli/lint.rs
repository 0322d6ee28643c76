//! `amlguard lint PATH…`

use std::path::PathBuf;

use clap::Args;

use crate::config::Config;
use crate::linter::{self, LintOptions};
use crate::report;

use super::common::{Format, PolicyArgs};
use super::{CatalogFiles, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Rule files or directories (searched recursively for *.yaml and *.yml); `-` for stdin.
    #[arg(value_name = "PATH", required_unless_present_any = ["conditions", "queries"])]
    pub paths: Vec<PathBuf>,
    /// An ARM parameter file whose values resolve `[parameters('x')]` (repeatable).
    #[arg(long = "parameters", value_name = "FILE")]
    pub parameters: Vec<PathBuf>,
    /// Lint a condition string as the az CLI takes it, e.g. "avg GpuUtilization < 10" (repeatable).
    #[arg(long = "condition", value_name = "CONDITION")]
    pub conditions: Vec<String>,
    /// Check a KQL log-alert query against the Azure ML tables, e.g.
    /// "AmlComputeJobEvent | where EventType == 'JobFailed'" (repeatable).
    #[arg(long = "query", value_name = "KQL")]
    pub queries: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub catalog: CatalogFiles,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

pub fn run(args: LintArgs, config: Config, color: bool) -> u8 {
    let policy = match args.policy.policy(&config) {
        Ok(p) => p,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let options = LintOptions {
        catalogs: config
            .catalogs
            .into_iter()
            .chain(args.catalog.catalogs)
            .collect(),
        policy,
        exclude: config.exclude,
        conditions: args.conditions,
        queries: args.queries,
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
