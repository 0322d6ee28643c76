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
    }
    EXIT_CLEAN
}
