//! Merging `amlguard.toml` with command-line flags: flags win; list flags add to the file's.

use std::path::PathBuf;

use crate::config::{self, Config, ConfigError};

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// Read settings from this file instead of the nearest amlguard.toml.
    #[arg(long, value_name = "FILE", global = true, help_heading = super::GLOBAL)]
    pub config: Option<PathBuf>,
    /// Ignore any amlguard.toml.
    #[arg(long, global = true, conflicts_with = "config", help_heading = super::GLOBAL)]
    pub no_config: bool,
}

impl ConfigArgs {
    /// The config in force; an error is shown on stderr before it is returned.
    pub fn load(&self, color: bool) -> Result<Config, super::Error> {
        if self.no_config {
            return Ok(Config::default());
        }
        let path = match &self.config {
            Some(p) => Some(p.clone()),
            None => std::env::current_dir()
                .ok()
                .and_then(|d| config::discover(&d)),
        };
        match path {
            None => Ok(Config::default()),
            Some(p) => config::load(&p).map_err(|e| {
                print_error(&e, color);
                super::Error::Reported
            }),
        }
    }
}

fn print_error(e: &ConfigError, color: bool) {
    let file = crate::source::SourceFile::new(e.path.clone(), e.text.clone());
    let span = e
        .span
        .clone()
        .map(|r| crate::source::Span::new(r.start, r.end.max(r.start)));
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    // A closed stderr leaves nowhere to report to; the exit status still says it.
    let _ = crate::report::human::write_located(
        &mut err,
        &file,
        span,
        &format!("invalid configuration: {}", e.message),
        "here",
        color,
    );
}
