//! `amlguard fmt-condition "…"`: print conditions in canonical form.

use std::io::Write;

use clap::Args;

use crate::condition;
use crate::finding::Sink;
use crate::report::sanitize::text as clean;
use crate::source::{SourceFile, SourceMap};

use super::{Error, ExitStatus, report_to_stderr};

#[derive(Debug, Args)]
pub struct FmtConditionArgs {
    /// Conditions as the az CLI takes them; each is printed in canonical form on its own line.
    #[arg(value_name = "CONDITION", required = true)]
    pub conditions: Vec<String>,
}

pub fn run(args: FmtConditionArgs, color: bool, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut sources = SourceMap::new();
    let mut findings = Vec::new();
    for (i, text) in args.conditions.iter().enumerate() {
        match condition::parse(text) {
            Ok(c) => writeln!(out, "{}", clean(&condition::print(&c)))?,
            Err(e) => {
                let id = sources.add(SourceFile::new(
                    format!("<condition {}>", i + 1),
                    format!("{text}\n"),
                ));
                let sink = Sink::new(id);
                findings.push(condition::embed::syntax_finding(&sink, &e, e.span));
            }
        }
    }
    if findings.is_empty() {
        return Ok(ExitStatus::Clean);
    }
    out.flush()?;
    report_to_stderr(&sources, &findings, color);
    Ok(ExitStatus::Findings)
}
