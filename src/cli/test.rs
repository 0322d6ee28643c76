//! `amlguard test FILE…`

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::config::Config;
use crate::report::{self, Stream};
use crate::ruletest;
use crate::source::SourceMap;

use super::common::{Format, OutputArgs};
use super::{Error, ExitStatus, warn};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files, or directories searched for `*.test.yaml` and `*.test.yml`.
    #[arg(value_name = "FILE", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(
    args: TestArgs,
    config: Config,
    color: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let mut sources = SourceMap::new();
    let (findings, summary, input_errors) =
        ruletest::test_paths(&args.paths, &config.exclude, &mut sources);
    for e in &input_errors {
        warn(format_args!(
            "error: {}",
            report::sanitize::text(&e.to_string())
        ));
    }
    let format = args.output.format;
    let mut stream = Stream::new(out, format.into(), &args.output.options(color))?;
    stream.findings(&sources, &findings)?;
    let errors = stream.errors;
    stream.end(&sources, report::Summary::Test(&summary), &input_errors)?;
    Ok(if !input_errors.is_empty() {
        ExitStatus::Failure
    } else if format != Format::Sarif && (errors > 0 || summary.failed > 0) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
