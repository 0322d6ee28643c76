//! `amlguard audit PATH…`

use std::fmt::Write;
use std::path::PathBuf;

use clap::Args;

use crate::audit::run::{AuditOptions, AuditReport, audit_paths};
use crate::audit::tracker::human_duration;
use crate::config::Config;
use crate::duration::Duration;
use crate::report;

use super::common::{Format, PolicyArgs};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Dump files or directories (walked in path order); `-` for stdin. Formats are recognised
    /// by content: JSON lines (diagnostic settings, Event Hub), a JSON array (Log Analytics),
    /// CSV (portal export); gzip is read transparently.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// A lifecycle file that adds or overrides lifecycles by name (repeatable).
    #[arg(long = "lifecycle", value_name = "FILE")]
    pub lifecycles: Vec<PathBuf>,
    /// How far out of time order records may arrive (e.g. 1h, 15m, PT2H; 0 for none).
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_window)]
    pub reorder_window: Duration,
    /// Entities first seen mid-lifecycle or still open at the end are errors, not notes.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads, at most the number of cores [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Never draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

fn parse_window(s: &str) -> Result<Duration, String> {
    if s.trim() == "0" {
        return Ok(Duration(0));
    }
    Duration::parse(s).ok_or_else(|| format!("`{s}` is not a duration (0, 1h, 15m, PT2H)"))
}

pub fn run(args: AuditArgs, config: Config, color: bool) -> u8 {
    let policy = match args.policy.policy(&config) {
        Ok(p) => p,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let mut options = AuditOptions {
        lifecycles: config
            .lifecycles
            .into_iter()
            .chain(args.lifecycles)
            .collect(),
        reorder_window: args.reorder_window.0,
        strict: args.strict,
        progress: !args.no_progress && args.format == Format::Human,
        policy,
        exclude: config.exclude,
        ..AuditOptions::default()
    };
    if let Some(t) = args.threads {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if t > cores {
            eprintln!("note: --threads {t} is more than the {cores} cores; using {cores}");
        }
        options.threads = t.clamp(1, cores);
    }
    let format = args.format;
    let report = audit_paths(&args.paths, &options);
    for e in &report.input_errors {
        eprintln!("error: {e}");
    }
    let out = match args.format {
        Format::Json => report::json::render_with(
            &report.sources,
            &report.findings,
            &report.summary,
            &report.input_errors,
        ),
        Format::Human => human(&report, color),
        Format::Sarif => report::sarif::render(&report.sources, &report.findings),
        Format::Github => report::github::render(&report.sources, &report.findings),
    };
    print!("{out}");
    if !report.input_errors.is_empty() {
        EXIT_ERROR
    } else if format != Format::Sarif && options.policy.fails(&report.findings) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn human(report: &AuditReport, color: bool) -> String {
    let mut out = report::human::render_findings(&report.sources, &report.findings, color);
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} records read in {}: {} audited, {} skipped; {} entities",
        s.records,
        if s.files == 1 {
            "1 file".to_string()
        } else {
            format!("{} files", s.files)
        },
        s.audited,
        s.skipped,
        s.entities
    );
    for (reason, n) in &s.skipped_by_reason {
        let _ = writeln!(out, "  skipped {n}: {reason}");
    }
    for (name, l) in &s.by_lifecycle {
        let _ = writeln!(
            out,
            "  {name}: {} events, {} entities, {} open at the end",
            l.events, l.entities, l.open_at_end
        );
        let dwell: Vec<String> = l
            .dwell
            .iter()
            .map(|(state, d)| {
                format!(
                    "{state} p50 {} p95 {}",
                    human_duration(d.p50_seconds.unwrap_or(0)),
                    human_duration(d.p95_seconds.unwrap_or(0))
                )
            })
            .collect();
        if !dwell.is_empty() {
            let _ = writeln!(out, "    dwell: {}", dwell.join("; "));
        }
    }
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "{}, {}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note")
    );
    out
}
