//! `amlguard lint PATH…`

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::config::Config;
use crate::linter::{self, LintOptions};
use crate::report::{self, Stream};

use super::common::{Format, OutputArgs, PolicyArgs};
use super::{CatalogFiles, Error, ExitStatus, warn};

#[derive(Debug, Args)]
#[command(
    override_usage = "amlguard lint [OPTIONS] <PATH>...\n       amlguard lint [OPTIONS] --condition <CONDITION> [PATH]...\n       amlguard lint [OPTIONS] --query <KQL> [PATH]..."
)]
pub struct LintArgs {
    /// Rule files, ARM templates, Bicep, Terraform, scripts, KQL files or directories (searched
    /// recursively); `-` for stdin. Required unless --condition or --query is given.
    #[arg(value_name = "PATH", required_unless_present_any = ["conditions", "queries"])]
    pub paths: Vec<PathBuf>,
    /// An ARM parameter file whose values resolve `[parameters('x')]` (repeatable).
    #[arg(long = "parameters", value_name = "FILE")]
    pub parameters: Vec<PathBuf>,
    /// Lint a condition string as the az CLI takes it, e.g. "avg GpuUtilization < 10" (repeatable).
    #[arg(long = "condition", value_name = "CONDITION")]
    pub conditions: Vec<String>,
    /// Exit 0 when no alert rule is found (by default a run that finds none is an error).
    #[arg(long)]
    pub allow_empty: bool,
    /// Check a KQL log-alert query against the Azure ML tables, e.g.
    /// "AmlComputeJobEvent | where EventType == 'JobFailed'" (repeatable).
    #[arg(long = "query", value_name = "KQL")]
    pub queries: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub catalog: CatalogFiles,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

pub fn run(
    args: LintArgs,
    config: Config,
    color: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let policy = args.policy.policy(&config)?;
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
        allow_empty: args.allow_empty || config.allow_empty,
        keep_rules: false,
    };
    let report = linter::lint_paths(&args.paths, &options);
    for e in &report.input_errors {
        warn(format_args!(
            "error: {}",
            report::sanitize::text(&e.to_string())
        ));
    }
    let format = args.output.format;
    let mut stream = Stream::new(out, format.into(), &args.output.options(color))?;
    stream.findings(&report.sources, &report.findings)?;
    stream.end(
        &report.sources,
        report::Summary::Lint(&report.summary),
        &report.input_errors,
    )?;
    Ok(if !report.input_errors.is_empty() {
        ExitStatus::Failure
    } else if format != Format::Sarif && options.policy.fails(&report.findings) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
