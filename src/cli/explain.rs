//! `amlguard explain [CODE|NAME]`

use std::io::Write;

use clap::Args;

use crate::registry;
use crate::report::sanitize::text as clean;

use super::{Error, ExitStatus};

#[derive(Debug, Args)]
#[command(
    after_help = "Families: input, catalog, threshold, schedule, rule-set (lint); audit, lifecycle (audit). A family name works wherever a check is selected (--select, --ignore, --severity)."
)]
pub struct ExplainArgs {
    /// A check code (AML103) or name (dimension-not-applicable); without one, list every check.
    pub check: Option<String>,
}

pub fn run(args: ExplainArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match args.check {
        None => {
            for c in registry::ALL {
                writeln!(
                    out,
                    "{}  {:<32} {:<8} {}",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    c.summary
                )?;
            }
            Ok(ExitStatus::Clean)
        }
        Some(q) => match registry::lookup(&q) {
            Some(c) => {
                writeln!(
                    out,
                    "{} {} ({}, {} by default)\n",
                    c.code,
                    c.name,
                    c.family.as_str(),
                    c.severity
                )?;
                writeln!(out, "{}\n", c.summary)?;
                writeln!(out, "{}", c.explanation)?;
                Ok(ExitStatus::Clean)
            }
            None => {
                let names = registry::ALL.iter().flat_map(|c| [c.code, c.name]);
                let hint = crate::suggest::did_you_mean(&q, names)
                    .map(|h| format!(": {}", clean(&h)))
                    .unwrap_or_default();
                Err(Error::Usage(format!(
                    "no check is named `{}`{hint}",
                    clean(&q)
                )))
            }
        },
    }
}
