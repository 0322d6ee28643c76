//! `amlguard generate rules N`: reproducible synthetic input for benchmarks.

use clap::{Args, Subcommand};

use super::EXIT_CLEAN;

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
    },
}

pub fn run(args: GenerateArgs) -> u8 {
    match args.what {
        What::Rules {
            count,
            seed,
            broken_every,
        } => {
            print!("{}", crate::generate::rules_yaml(count, seed, broken_every));
        }
        What::Dump {
            runs,
            seed,
            shuffle_seconds,
            plant_every,
            manifest,
        } => {
            let spec = crate::generate::dump::DumpSpec {
                runs,
                seed,
                shuffle_seconds,
                plant_every,
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            let planted = match crate::generate::dump::write_dump(&spec, &mut out).and_then(|p| {
                std::io::Write::flush(&mut out)?;
                Ok(p)
            }) {
                Ok((p, _)) => p,
                Err(e) => {
                    eprintln!("error: {e}");
                    return super::EXIT_ERROR;
                }
            };
            if let Some(path) = manifest {
                let text: String = planted
                    .iter()
                    .map(|p| serde_json::to_string(p).unwrap_or_default() + "\n")
                    .collect();
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("error: {}: {e}", path.display());
                    return super::EXIT_ERROR;
                }
            }
        }
    }
    EXIT_CLEAN
}
