//! `amlguard audit PATH…`

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

use clap::Args;

use crate::audit::run::{AuditOptions, audit_paths_streaming};
use crate::config::Config;
use crate::duration::Duration;
use crate::report::{self, Stream};

use super::common::{Format, OutputArgs, PolicyArgs};
use super::{Error, ExitStatus, warn};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Dump files or directories (walked in path order); `-` for stdin. Formats are recognised
    /// by content: JSON lines (diagnostic settings, Event Hub), a JSON array (Log Analytics),
    /// CSV (portal export); gzip is read transparently.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
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
    /// Where the audit runs: the native streaming audit, or Spark (the lifecycles compiled to
    /// a Spark SQL script, run with spark-submit or python + pyspark).
    #[arg(long, value_enum, default_value_t = Engine::Native)]
    pub engine: Engine,
    /// With `--engine spark`: the Spark master (`local[*]`, `local[2]`, `spark://host:7077`,
    /// `yarn`, …).
    #[arg(long, value_name = "URL", default_value = "local[*]")]
    pub spark_master: String,
    /// With `--engine spark`: checkpoint each stage to this directory (one every executor
    /// reaches: hdfs://, abfss://, a shared mount), so that losing an executor is recomputed
    /// rather than failing the run. Without it, stages are checkpointed locally on the executors.
    #[arg(long, value_name = "DIR")]
    pub spark_checkpoint_dir: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    Native,
    Spark,
}

fn parse_window(s: &str) -> Result<Duration, String> {
    if s.trim() == "0" {
        return Ok(Duration(0));
    }
    Duration::parse(s).ok_or_else(|| format!("`{s}` is not a duration (0, 1h, 15m, PT2H)"))
}

pub fn run(
    args: AuditArgs,
    config: Config,
    color: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let policy = args.policy.policy(&config)?;
    let format = args.output.format;
    let mut options = AuditOptions {
        lifecycles: config
            .lifecycles
            .into_iter()
            .chain(args.lifecycles)
            .collect(),
        reorder_window: args.reorder_window.0,
        strict: args.strict,
        progress: !args.no_progress && format == Format::Human,
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
    let mut stream = Stream::new(out, format.into(), &args.output.options(color))?;
    // Findings are written as the tracker makes them; the first write error stops the run
    // (a closed pipe then ends quietly, any other error is reported: see `cli::run`).
    let mut failed: Option<std::io::Error> = None;
    let mut sink = |sources: &crate::source::SourceMap, f: crate::finding::Finding| {
        if failed.is_some() {
            return ControlFlow::Break(());
        }
        match stream.finding(sources, &f) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        }
    };
    let report = match args.engine {
        Engine::Native => audit_paths_streaming(&args.paths, &options, &mut sink),
        Engine::Spark => crate::engine::spark::audit(
            &args.paths,
            &options,
            &crate::engine::spark::SparkOptions {
                master: args.spark_master.clone(),
                checkpoint_dir: args.spark_checkpoint_dir.clone(),
            },
            &mut sink,
        ),
    };
    if let Some(e) = failed {
        return Err(Error::Write(e));
    }
    for e in &report.input_errors {
        warn(format_args!(
            "error: {}",
            report::sanitize::text(&e.to_string())
        ));
    }
    let fails = match options.policy.fail_on {
        crate::policy::FailOn::Never => false,
        crate::policy::FailOn::Error => stream.errors > 0,
        crate::policy::FailOn::Warning => stream.errors + stream.warnings > 0,
        crate::policy::FailOn::Note => stream.errors + stream.warnings + stream.notes > 0,
    };
    stream.end(
        &report.sources,
        report::Summary::Audit(&report.summary),
        &report.input_errors,
    )?;
    Ok(if !report.input_errors.is_empty() {
        ExitStatus::Failure
    } else if format != Format::Sarif && fails {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
