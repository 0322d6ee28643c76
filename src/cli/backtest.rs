//! `amlguard backtest RULES… --logs DUMP…`

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::backtest::{self, output};
use crate::config::Config;
use crate::report::sanitize;

use super::{Error, ExitStatus, warn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    /// Per rule, its alerts or why it was not replayed; then a summary.
    Human,
    /// One JSON document: alerts, rules, summary, errors.
    Json,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Rule files or directories, in any format `lint` reads; `-` for stdin.
    #[arg(value_name = "RULES", required = true)]
    pub rules: Vec<PathBuf>,
    /// Resource-log dumps or directories, in any format `audit` reads; `-` for stdin.
    #[arg(long = "logs", value_name = "DUMP", required = true, num_args = 1..)]
    pub logs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BacktestFormat::Human)]
    pub format: BacktestFormat,
    /// Also draw, per replayed rule, its series, threshold and fired intervals as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

pub fn run(args: BacktestArgs, config: Config, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    if args
        .rules
        .iter()
        .chain(&args.logs)
        .filter(|p| p.as_os_str() == "-")
        .count()
        > 1
    {
        return Err(Error::Usage(
            "`-` (stdin) can be given once, for the rules or for the logs".into(),
        ));
    }
    let b = backtest::backtest_paths(&args.rules, &args.logs, &config.exclude);
    match args.format {
        BacktestFormat::Human => output::write_human(out, &b)?,
        BacktestFormat::Json => output::write_json(out, &b)?,
    }
    if let Some(path) = &args.plot {
        let shown = sanitize::text(&path.display().to_string()).into_owned();
        let svg = backtest::plot::svg(&b)
            .map_err(|e| Error::Usage(format!("cannot draw {shown}: {e}")))?;
        std::fs::write(path, svg)
            .map_err(|e| Error::Usage(format!("cannot write {shown}: {e}")))?;
    }
    for e in &b.input_errors {
        warn(format_args!("error: {}", sanitize::text(&e.to_string())));
    }
    // A backtest is a report: what fired is not a failure; only unreadable inputs are.
    Ok(if b.input_errors.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Failure
    })
}
