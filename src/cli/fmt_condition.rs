//! `amlguard fmt-condition "…"`: print conditions in canonical form.

use clap::Args;

use crate::condition;
use crate::finding::Sink;
use crate::linter::Summary;
use crate::report;
use crate::source::{SourceFile, SourceMap};

use super::{EXIT_CLEAN, EXIT_FINDINGS};

#[derive(Debug, Args)]
pub struct FmtConditionArgs {
    /// Conditions as the az CLI takes them; each is printed in canonical form on its own line.
    #[arg(value_name = "CONDITION", required = true)]
    pub conditions: Vec<String>,
}

pub fn run(args: FmtConditionArgs, color: bool) -> u8 {
    let mut sources = SourceMap::new();
    let mut findings = Vec::new();
    for (i, text) in args.conditions.iter().enumerate() {
        match condition::parse(text) {
            Ok(c) => println!("{}", condition::print(&c)),
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
        return EXIT_CLEAN;
    }
    let mut summary = Summary::default();
    summary.count(&findings);
    eprint!(
        "{}",
        report::human::render_findings(&sources, &findings, color)
    );
    EXIT_FINDINGS
}
