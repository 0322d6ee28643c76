//! `amlguard query LIFECYCLE --dialect spark|kql`: a lifecycle's audit as one query.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::audit::run::load_lifecycles;
use crate::compile::{self, Dialect, Options};
use crate::config::Config;
use crate::duration::Duration;
use crate::lifecycle::Lifecycles;
use crate::report::sanitize::text as clean;
use crate::source::SourceMap;

use super::{Error, ExitStatus, report_to_stderr, warn};

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The lifecycle to compile (run, compute-job, cluster, node, operation, or one of yours);
    /// `all` for every lifecycle in one query.
    pub lifecycle: String,
    /// The query language: Spark SQL over the diagnostic-settings archive, or KQL over the Log
    /// Analytics tables.
    #[arg(long, value_enum)]
    pub dialect: DialectArg,
    /// A lifecycle file that adds or overrides lifecycles by name (repeatable).
    #[arg(long = "lifecycle", value_name = "FILE")]
    pub lifecycles: Vec<PathBuf>,
    /// Entities still open are judged at this time (RFC 3339) instead of the data's end.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<i64>,
    /// How far out of time order records may arrive (e.g. 1h, 15m; 0 for none), as in `audit`.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_window)]
    pub reorder_window: Duration,
    /// Entities first seen mid-lifecycle or still open at the end are errors, not notes.
    #[arg(long)]
    pub strict: bool,
    /// Spark: the table or view that holds the records (file_index, file, line, record).
    #[arg(long, value_name = "NAME", default_value = "amlguard_records", value_parser = parse_table_name)]
    pub source: String,
    /// KQL: wrap the query as a scheduled query rule that fires on any finding.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub as_alert: Option<AlertFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    Spark,
    Kql,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlertFormat {
    Arm,
    Bicep,
    Terraform,
    Yaml,
}

pub(crate) fn parse_window(s: &str) -> Result<Duration, String> {
    if s.trim() == "0" {
        return Ok(Duration(0));
    }
    Duration::parse(s).ok_or_else(|| format!("`{s}` is not a duration (0, 1h, 15m, PT2H)"))
}

/// A Spark table name, plain or qualified (`db.table`, `catalog.db.table`), each part a
/// letters-digits-underscores identifier or a backquoted one: the name is written into the
/// query as it is, so nothing else may pass.
fn parse_table_name(s: &str) -> Result<String, String> {
    let part_ok = |p: &str| {
        let plain = p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let quoted = p.len() > 2
            && p.starts_with('`')
            && p.ends_with('`')
            && !p[1..p.len() - 1].contains('`')
            && !p.chars().any(char::is_control);
        plain || quoted
    };
    if !s.is_empty() && s.split('.').all(part_ok) {
        Ok(s.to_string())
    } else {
        Err("not a table name: letters, digits and `_`, parts joined by `.`, or a part in backquotes".into())
    }
}

fn parse_time(s: &str) -> Result<i64, String> {
    crate::audit::time::parse(s)
        .ok_or_else(|| format!("`{s}` is not a time (2026-11-25T08:00:00Z)"))
}

/// Loads the lifecycles in force; a spec with errors is reported and is a usage error.
pub(crate) fn lifecycles(
    files: &[PathBuf],
    config: &Config,
    color: bool,
) -> Result<Lifecycles, Error> {
    let mut sources = SourceMap::new();
    let paths: Vec<PathBuf> = config.lifecycles.iter().chain(files).cloned().collect();
    let (lifecycles, findings, errors) = load_lifecycles(&paths, &mut sources);
    for e in &errors {
        warn(format_args!("error: {}", clean(&e.to_string())));
    }
    report_to_stderr(&sources, &findings, color);
    if !errors.is_empty() {
        return Err(Error::Reported);
    }
    if Lifecycles::has_errors(&findings) {
        return Err(Error::Usage(
            "the lifecycle specs have errors (reported above); nothing was compiled".into(),
        ));
    }
    Ok(lifecycles)
}

pub fn run(
    args: QueryArgs,
    config: Config,
    color: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let lifecycles = lifecycles(&args.lifecycles, &config, color)?;
    let which: Vec<usize> = if args.lifecycle.eq_ignore_ascii_case("all") {
        (0..lifecycles.specs.len()).collect()
    } else {
        match lifecycles.find(&args.lifecycle) {
            Some(i) => vec![i],
            None => {
                let names: Vec<&str> = lifecycles.specs.iter().map(|s| s.name.as_str()).collect();
                return Err(Error::Usage(format!(
                    "no lifecycle is named `{}`{} (lifecycles: {}, or all)",
                    clean(&args.lifecycle),
                    crate::suggest::did_you_mean(&args.lifecycle, names.iter().copied())
                        .map(|h| format!("; {}", clean(&h)))
                        .unwrap_or_default(),
                    clean(&names.join(", "))
                )));
            }
        }
    };
    let dialect = match args.dialect {
        DialectArg::Spark => Dialect::Spark,
        DialectArg::Kql => Dialect::Kql,
    };
    if args.as_alert.is_some() && dialect != Dialect::Kql {
        return Err(Error::Usage(
            "--as-alert wraps KQL as a log alert: use it with --dialect kql".into(),
        ));
    }
    let options = Options {
        reorder_window: args.reorder_window.0,
        until: args.until,
        strict: args.strict,
        source: args.source,
    };
    let query = compile::compile(&lifecycles, &which, options, dialect)
        .map_err(|e| Error::Usage(format!("cannot compile: {}", clean(&e.0))))?;
    let text = match args.as_alert {
        None => query,
        Some(format) => {
            let names: Vec<&str> = which
                .iter()
                .map(|&i| lifecycles.specs[i].name.as_str())
                .collect();
            compile::alert::wrap(&query, &names.join("-"), format.into())
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(ExitStatus::Clean)
}

impl From<AlertFormat> for compile::alert::Format {
    fn from(f: AlertFormat) -> Self {
        match f {
            AlertFormat::Arm => compile::alert::Format::Arm,
            AlertFormat::Bicep => compile::alert::Format::Bicep,
            AlertFormat::Terraform => compile::alert::Format::Terraform,
            AlertFormat::Yaml => compile::alert::Format::Yaml,
        }
    }
}
