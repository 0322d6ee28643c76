//! Merging `amlguard.toml` with command-line flags: flags win; list flags add to the file's.

use std::path::PathBuf;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

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

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {message}")]
struct Located {
    message: String,
    src: NamedSource<String>,
    span: Option<std::ops::Range<usize>>,
}

impl Diagnostic for Located {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.span
            .as_ref()
            .map(|_| &self.src as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".into()), span),
        )))
    }
}

fn print_error(e: &ConfigError, color: bool) {
    let diag = Located {
        message: e.message.clone(),
        src: NamedSource::new(&e.path, e.text.clone()),
        span: e.span.clone(),
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    if GraphicalReportHandler::new_themed(theme)
        .render_report(&mut out, &diag)
        .is_ok()
    {
        super::warn(format_args!("{}", out.trim_end()));
    } else {
        super::warn(format_args!("error: {e}"));
    }
}
