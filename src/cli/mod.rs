//! Command-line interface: clap definitions and one module per subcommand. Each subcommand
//! returns an [`ExitCode`]-like number; `main` only exits with it.

mod audit;
mod catalog;
mod common;
mod explain;
mod fmt_condition;
mod generate;
mod graph;
mod lint;
mod settings;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status: no finding at or above the fail threshold.
pub const EXIT_CLEAN: u8 = 0;
/// Exit status: findings at or above the fail threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, I/O or internal error.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "amlguard",
    version,
    about = "Keeps Azure Machine Learning monitoring honest: lints alert rules against the documented metrics and dimensions.",
    after_help = "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error."
)]
pub struct Cli {
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
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
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint alert-rule files and directories (`-` reads stdin).
    Lint(lint::LintArgs),
    /// Audit Azure ML resource-log dumps against the lifecycles of runs, jobs, clusters and nodes.
    Audit(audit::AuditArgs),
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
    /// Write reproducible synthetic input (for benchmarks and scale tests).
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

/// Catalog files shared by the subcommands that read the catalog.
#[derive(Debug, clap::Args)]
pub struct CatalogFiles {
    /// A catalog file merged over the built-in catalog (repeatable; later files win).
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
}

/// Parses the arguments and runs the command; returns the exit status.
pub fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
        }
    };
    let color = cli.color.enabled();
    match cli.command {
        Command::Lint(args) => match cli.config.load(color) {
            Ok(config) => lint::run(args, config, color),
            Err(()) => EXIT_ERROR,
        },
        Command::Audit(args) => match cli.config.load(color) {
            Ok(config) => audit::run(args, config, color),
            Err(()) => EXIT_ERROR,
        },
        Command::Graph(args) => graph::graph(args, color),
        Command::Lifecycles(args) => graph::list(args, color),
        Command::Catalog(args) => catalog::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Generate(args) => generate::run(args),
        Command::FmtCondition(args) => fmt_condition::run(args, color),
    }
}
