//! `amlguard coverage RULES…`

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::audit::run::load_lifecycles;
use crate::config::Config;
use crate::coverage::{self, Coverage, SignalKind};
use crate::finding::Severity;
use crate::linter::{self, LintOptions};
use crate::registry::Family;
use crate::report::sanitize;

use super::{CatalogFiles, Error, ExitStatus, report_to_stderr, warn};

#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Rule files, ARM templates, Bicep, Terraform, scripts or directories (searched
    /// recursively); `-` for stdin.
    #[arg(value_name = "RULES", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CoverageFormat::Human)]
    pub format: CoverageFormat,
    /// Exit 1 when fewer than PERCENT of the failure signals are covered (0–100).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub fail_under: Option<f64>,
    /// An ARM parameter file whose values resolve `[parameters('x')]` (repeatable).
    #[arg(long = "parameters", value_name = "FILE")]
    pub parameters: Vec<PathBuf>,
    /// A lifecycle file that adds or overrides lifecycles (its `failure:` states and
    /// `max-dwell` limits are signals too; repeatable).
    #[arg(long = "lifecycle", value_name = "FILE")]
    pub lifecycles: Vec<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogFiles,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CoverageFormat {
    /// A table of signals and the rules that watch them, then a summary line.
    Human,
    /// `{"signals": [...], "summary": {"covered", "total", "percent"}}`.
    Json,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a percentage between 0 and 100")),
    }
}

pub fn run(
    args: CoverageArgs,
    config: Config,
    color: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let options = LintOptions {
        catalogs: config
            .catalogs
            .into_iter()
            .chain(args.catalog.catalogs)
            .collect(),
        exclude: config.exclude,
        parameters: config
            .parameters
            .into_iter()
            .chain(args.parameters)
            .collect(),
        keep_rules: true,
        ..LintOptions::default()
    };
    let mut report = linter::lint_paths(&args.paths, &options);
    let (lifecycles, lifecycle_findings, lifecycle_errors) = load_lifecycles(
        &config
            .lifecycles
            .into_iter()
            .chain(args.lifecycles)
            .collect::<Vec<_>>(),
        &mut report.sources,
    );
    // What kept a rule from being read is shown: a rule lost to a syntax error would
    // otherwise pass as a gap in coverage. The lint checks themselves are `lint`'s business.
    let unread: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check.family == Family::Input && f.severity == Severity::Error)
        .chain(&lifecycle_findings)
        .cloned()
        .collect();
    report_to_stderr(&report.sources, &unread, color);
    let errors: Vec<_> = report
        .input_errors
        .iter()
        .chain(&lifecycle_errors)
        .collect();
    for e in &errors {
        warn(format_args!("error: {}", sanitize::text(&e.to_string())));
    }
    if !errors.is_empty() {
        return Ok(ExitStatus::Failure);
    }
    let result = coverage::coverage(&report.rules, &report.catalog, &lifecycles);
    match args.format {
        CoverageFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &result).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        CoverageFormat::Human => human(&result, out)?,
    }
    Ok(match args.fail_under {
        Some(p) if result.below(p) => ExitStatus::Findings,
        _ => ExitStatus::Clean,
    })
}

fn human(c: &Coverage, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["Signal", "Kind", "Watched by"]);
    for s in &c.signals {
        let name = match &s.lifecycle {
            Some(l) => format!("{l}: {}", s.name),
            None => s.name.clone(),
        };
        let kind = match s.kind {
            SignalKind::State => "state",
            SignalKind::Metric => "metric",
        };
        let by = if s.covered_by.is_empty() {
            "✗ no rule".to_string()
        } else {
            s.covered_by.join(", ")
        };
        table.add_row([sanitize::text(&name), kind.into(), sanitize::text(&by)]);
    }
    writeln!(out, "{table}")?;
    let uncovered = c.summary.total - c.summary.covered;
    writeln!(
        out,
        "{} of {} failure signals watched ({}%); {} watched by no enabled rule",
        c.summary.covered, c.summary.total, c.summary.percent, uncovered
    )
}
