//! Command-line interface: clap definitions and one module per subcommand. Each subcommand
//! writes its output to the `&mut dyn Write` it is given and returns
//! `Result<ExitStatus, Error>`; [`run`] is the one place where errors become exit statuses.

mod audit;
mod backtest;
mod catalog;
mod common;
mod coverage;
mod explain;
mod fmt_condition;
mod generate;
mod graph;
mod lint;
mod query;
mod settings;
mod test;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::report::sanitize;
use clap::{Parser, Subcommand, ValueEnum};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above the fail threshold: exit 0.
    Clean,
    /// Findings at or above the fail threshold: exit 1.
    Findings,
    /// An input could not be read or a usage error was reported on stderr: exit 2.
    Failure,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Failure => 2,
        }
    }
}

/// Why a subcommand could not finish.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or settings: the message is printed as `error: …`.
    #[error("{0}")]
    Usage(String),
    /// The output could not be written.
    #[error("cannot write the output")]
    Write(#[source] io::Error),
    /// The problem has already been shown on stderr (a located configuration error).
    #[error("see the error above")]
    Reported,
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Write(e)
    }
}

/// Prints a line on stderr; a closed stderr is ignored (there is nowhere left to say it).
pub(crate) fn warn(message: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

const GLOBAL: &str = "Global options";

#[derive(Debug, Parser)]
#[command(
    name = "amlguard",
    version,
    about = "Checks Azure Machine Learning monitoring: lints alert rules against the documented metrics and dimensions, audits resource-log dumps against the lifecycles of runs, jobs, clusters and nodes.",
    after_help = "Commands that report findings (lint, audit, test) exit 0 when clean, 1 with findings at or above --fail-on, 2 on a usage or I/O error.\nSee `amlguard explain` for every check, `amlguard help COMMAND` for a command's options."
)]
pub struct Cli {
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, help_heading = GLOBAL)]
    pub color: Color,
    #[command(flatten)]
    pub config: settings::ConfigArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint alert rules: YAML rule files, ARM templates, Terraform, az CLI scripts (`-` reads stdin).
    Lint(lint::LintArgs),
    /// Audit Azure ML resource-log dumps against the lifecycles of runs, jobs, clusters and nodes.
    Audit(audit::AuditArgs),
    /// Replay metric alert rules on resource-log dumps: when would each have fired, and why.
    Backtest(backtest::BacktestArgs),
    /// Draw a lifecycle as DOT or Mermaid, optionally with what a dump did.
    Graph(graph::GraphArgs),
    /// List the lifecycles in force and check their specs.
    Lifecycles(graph::LifecyclesArgs),
    /// Show the catalog of metrics, dimensions, log tables and categories.
    Catalog(catalog::CatalogArgs),
    /// Explain a check by code (AML103) or name (dimension-not-applicable); list all without one.
    Explain(explain::ExplainArgs),
    /// Print az CLI conditions in canonical form.
    FmtCondition(fmt_condition::FmtConditionArgs),
    /// Compile a lifecycle's audit into one query: Spark SQL or KQL (optionally as a log alert).
    Query(query::QueryArgs),
    /// Run rule unit tests: input series, evaluation times and the alerts expected to be open.
    Test(test::TestArgs),
    /// Show which failure signals (failure states, dwell limits, failure metrics) no enabled rule watches.
    Coverage(coverage::CoverageArgs),
    /// Write reproducible synthetic rule files and dumps (for benchmarks and scale tests).
    Generate(generate::GenerateArgs),
}

/// Catalog files shared by the subcommands that read the catalog.
#[derive(Debug, clap::Args)]
pub struct CatalogFiles {
    /// A catalog file merged over the built-in catalog (repeatable; later files win).
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
}

/// Parses the arguments, runs the command and maps its outcome to an exit status: the one
/// place where errors become exit codes. A closed output (broken pipe) ends quietly with 0,
/// as ripgrep does: the reader has all it asked for. Any other write error is exit 2.
pub fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            print_usage_error(&e);
            return ExitStatus::Failure.code();
        }
        Err(e) => {
            // --help and --version: nothing of the user's is repeated.
            let _ = e.print();
            return ExitStatus::Clean.code();
        }
    };
    // Line-buffered on a terminal, so findings appear as they are made; block-buffered into a
    // file or a pipe (as ripgrep does).
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let lock = stdout.lock();
    let mut out: Box<dyn Write> = if terminal {
        Box::new(io::LineWriter::new(lock))
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, lock))
    };
    let result = dispatch(cli, &mut out).and_then(|status| {
        out.flush()?;
        Ok(status)
    });
    match result {
        Ok(status) => status.code(),
        Err(e) => exit_for(&e),
    }
}

/// Prints a usage error without letting the arguments it repeats drive the terminal or a CI
/// log: the arguments are parsed again with every control, invisible and workflow-command
/// character escaped (see [`crate::report::sanitize`]), and that error, which names the same
/// problem in the escaped text, is printed with clap's layout and colours. Should the escaped
/// arguments parse, the first error is printed as plain text, escaped line by line.
fn print_usage_error(e: &clap::Error) {
    let escaped: Vec<String> = std::env::args_os()
        .map(|a| sanitize::text(&a.to_string_lossy()).into_owned())
        .collect();
    match Cli::try_parse_from(&escaped) {
        Err(again) if again.kind() == e.kind() => {
            let _ = again.print();
        }
        _ => {
            let plain = e.render().to_string();
            let mut err = io::stderr().lock();
            for line in plain.lines() {
                let _ = writeln!(err, "{}", sanitize::text(line));
            }
        }
    }
}

/// The exit status for an error, after saying what it was (except for a broken pipe).
fn exit_for(e: &Error) -> u8 {
    match e {
        Error::Write(io) if io.kind() == io::ErrorKind::BrokenPipe => ExitStatus::Clean.code(),
        Error::Write(io) => {
            warn(format_args!("error: cannot write the output: {io}"));
            ExitStatus::Failure.code()
        }
        Error::Usage(message) => {
            warn(format_args!("error: {message}"));
            ExitStatus::Failure.code()
        }
        Error::Reported => ExitStatus::Failure.code(),
    }
}

fn dispatch(cli: Cli, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let color = cli.color.enabled();
    match cli.command {
        Command::Lint(args) => lint::run(args, cli.config.load(color)?, color, out),
        Command::Audit(args) => audit::run(args, cli.config.load(color)?, color, out),
        Command::Backtest(args) => backtest::run(args, cli.config.load(color)?, out),
        Command::Graph(args) => graph::graph(args, color, out),
        Command::Lifecycles(args) => graph::list(args, color, out),
        Command::Catalog(args) => catalog::run(args, out),
        Command::Explain(args) => explain::run(args, out),
        Command::Test(args) => test::run(args, cli.config.load(color)?, color, out),
        Command::Coverage(args) => coverage::run(args, cli.config.load(color)?, color, out),
        Command::Generate(args) => generate::run(args, out),
        Command::Query(args) => query::run(args, cli.config.load(color)?, color, out),
        Command::FmtCondition(args) => fmt_condition::run(args, color, out),
    }
}

/// Writes findings about the tool's own inputs (catalog and lifecycle files) to stderr.
pub(crate) fn report_to_stderr(
    sources: &crate::source::SourceMap,
    findings: &[crate::finding::Finding],
    color: bool,
) {
    if findings.is_empty() {
        return;
    }
    let stderr = io::stderr();
    let mut err = io::BufWriter::new(stderr.lock());
    // stderr closed: nowhere to report to, and the exit status still says it.
    let _ = crate::report::write_findings(&mut err, sources, findings, color);
}
