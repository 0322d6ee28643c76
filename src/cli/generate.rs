//! `amlguard generate rules N` and `generate dump N`: reproducible synthetic input for
//! benchmarks and scale tests.

use std::io::Write;

use clap::{Args, Subcommand};

use super::{Error, ExitStatus};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: What,
}

#[derive(Debug, Subcommand)]
pub enum What {
    /// N alert rules in the YAML rule format.
    Rules {
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Plant a mistake in every K-th rule (0: none).
        #[arg(long, default_value_t = 0)]
        broken_every: usize,
    },
    /// A diagnostic-settings dump (JSON lines) of N runs, with jobs and cluster events.
    Dump {
        runs: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write records up to this many seconds out of time order (0: in order).
        #[arg(long, default_value_t = 0)]
        shuffle_seconds: u64,
        /// Plant a violation in every K-th run (0: none).
        #[arg(long, default_value_t = 0)]
        plant_every: usize,
        /// Where to write the planted violations as JSON lines (check, line, entity).
        #[arg(long, value_name = "FILE")]
        manifest: Option<std::path::PathBuf>,
        /// Plant COUNT runs entering STATUS within the minute TIME (repeatable), e.g.
        /// `Failed@2026-11-18T11:30Z x20`: a backtest must show the alerts they cause. Burst
        /// runs belong to the experiment `burst`.
        #[arg(long = "burst", value_name = "STATUS@TIME[ xCOUNT]", value_parser = crate::generate::dump::Burst::parse)]
        bursts: Vec<crate::generate::dump::Burst>,
    },
}

pub fn run(args: GenerateArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match args.what {
        What::Rules {
            count,
            seed,
            broken_every,
        } => {
            out.write_all(crate::generate::rules_yaml(count, seed, broken_every).as_bytes())?;
        }
        What::Dump {
            runs,
            seed,
            shuffle_seconds,
            plant_every,
            manifest,
            bursts,
        } => {
            let spec = crate::generate::dump::DumpSpec {
                runs,
                seed,
                shuffle_seconds,
                plant_every,
                bursts,
            };
            let (planted, _) = crate::generate::dump::write_dump(&spec, out)?;
            if let Some(path) = manifest {
                let text: String = planted
                    .iter()
                    .map(|p| serde_json::to_string(p).unwrap_or_default() + "\n")
                    .collect();
                if let Err(e) = std::fs::write(&path, text) {
                    return Err(Error::Usage(format!(
                        "cannot write {}: {e}",
                        crate::report::sanitize::text(&path.display().to_string())
                    )));
                }
            }
        }
    }
    Ok(ExitStatus::Clean)
}
