//! `amlguard explain [CODE|NAME]`

use clap::Args;

use crate::registry;

use super::{EXIT_CLEAN, EXIT_ERROR};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A check code (AML103) or name (dimension-not-applicable); without one, list every check.
    pub check: Option<String>,
}

pub fn run(args: ExplainArgs) -> u8 {
    match args.check {
        None => {
            for c in registry::ALL {
                println!(
                    "{}  {:<32} {:<8} {}",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    c.summary
                );
            }
            EXIT_CLEAN
        }
        Some(q) => match registry::lookup(&q) {
            Some(c) => {
                println!(
                    "{} {} ({}, {} by default)\n",
                    c.code,
                    c.name,
                    c.family.as_str(),
                    c.severity
                );
                println!("{}\n", c.summary);
                println!("{}", c.explanation);
                EXIT_CLEAN
            }
            None => {
                let names = registry::ALL.iter().flat_map(|c| [c.code, c.name]);
                let hint = crate::suggest::did_you_mean(&q, names)
                    .map(|h| format!(": {h}"))
                    .unwrap_or_default();
                eprintln!("error: no check is named `{q}`{hint}");
                EXIT_ERROR
            }
        },
    }
}
