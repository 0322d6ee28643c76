//! `amlguard.toml`: project settings, found upward from the working directory or given with
//! `--config`. Paths in it are relative to the file's directory.
//!
//! ```toml
//! [lint]
//! exclude = ["rules/examples"]        # pruned when walking directories
//! ignore = ["newer-source-only"]
//! select = []                          # empty: all checks
//! fail-on = "error"                    # error | warning | note | never
//! catalogs = ["catalog/extra.yaml"]
//! lifecycles = ["ops/lifecycles.yaml"]  # for `audit`
//! parameters = ["infra/alerts.parameters.json"]
//! allow-empty = false                  # `lint` finding no rule at all is an error
//!
//! [lint.severity]
//! display-name-used = "warning"
//! ```

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::finding::Severity;
use crate::policy::FailOn;

pub const FILE_NAME: &str = "amlguard.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    lint: RawLint,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLint {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    fail_on: Option<String>,
    #[serde(default)]
    catalogs: Vec<PathBuf>,
    #[serde(default)]
    lifecycles: Vec<PathBuf>,
    #[serde(default)]
    parameters: Vec<PathBuf>,
    #[serde(default)]
    allow_empty: bool,
    #[serde(default)]
    severity: std::collections::BTreeMap<String, String>,
}

/// Settings read from a config file.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file's directory: the root paths are relative to.
    pub root: PathBuf,
    pub path: Option<PathBuf>,
    pub exclude: Excludes,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub catalogs: Vec<PathBuf>,
    /// Lifecycle files for `audit` and `graph`.
    pub lifecycles: Vec<PathBuf>,
    /// ARM parameter files for `lint`.
    pub parameters: Vec<PathBuf>,
    /// `lint` exits 0 when it finds no alert rule.
    pub allow_empty: bool,
    pub severity: Vec<(String, Severity)>,
}

/// A config file that could not be read, with the byte range of the problem.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub text: String,
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
}

/// Glob patterns, relative to the config's directory, that directory walking prunes.
#[derive(Debug, Default, Clone)]
pub struct Excludes {
    root: PathBuf,
    set: Option<GlobSet>,
}

impl Excludes {
    pub fn new(root: &Path, patterns: &[String]) -> Result<Self, String> {
        if patterns.is_empty() {
            return Ok(Excludes::default());
        }
        let mut b = GlobSetBuilder::new();
        for p in patterns {
            let p = p.trim_end_matches('/');
            b.add(Glob::new(p).map_err(|e| format!("bad exclude pattern `{p}`: {e}"))?);
        }
        Ok(Excludes {
            root: absolute(root),
            set: Some(b.build().map_err(|e| e.to_string())?),
        })
    }

    /// Whether a discovered path is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        let Some(set) = &self.set else { return false };
        let abs = absolute(path);
        abs.strip_prefix(&self.root)
            .is_ok_and(|rel| set.is_match(rel))
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The nearest `amlguard.toml` in `start` or its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.display().to_string(),
        text: String::new(),
        message: e.to_string(),
        span: None,
    })?;
    let err = |message: String, span: Option<std::ops::Range<usize>>| ConfigError {
        path: path.display().to_string(),
        text: text.clone(),
        message,
        span,
    };
    let raw: RawConfig =
        toml::from_str(&text).map_err(|e| err(e.message().to_string(), e.span()))?;
    let root = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let exclude = Excludes::new(&root, &raw.lint.exclude).map_err(|m| err(m, None))?;
    let fail_on = raw
        .lint
        .fail_on
        .map(|s| {
            FailOn::parse(&s).ok_or_else(|| {
                err(
                    format!("unknown fail-on `{s}` (error, warning, note, never)"),
                    None,
                )
            })
        })
        .transpose()?;
    let mut severity = Vec::new();
    for (check, sev) in raw.lint.severity {
        let s = Severity::parse(&sev).ok_or_else(|| {
            err(
                format!("unknown severity `{sev}` for `{check}` (error, warning, note)"),
                None,
            )
        })?;
        severity.push((check, s));
    }
    Ok(Config {
        catalogs: raw
            .lint
            .catalogs
            .into_iter()
            .map(|c| root.join(c))
            .collect(),
        lifecycles: raw
            .lint
            .lifecycles
            .into_iter()
            .map(|c| root.join(c))
            .collect(),
        parameters: raw
            .lint
            .parameters
            .into_iter()
            .map(|c| root.join(c))
            .collect(),
        allow_empty: raw.lint.allow_empty,
        root,
        path: Some(path.to_path_buf()),
        exclude,
        select: raw.lint.select,
        ignore: raw.lint.ignore,
        fail_on,
        severity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_reports_unknown_keys_with_a_span() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, "[lint]\nexclude = [\"rules/examples\"]\nfail-on = \"warning\"\n[lint.severity]\nAML110 = \"warning\"\n").unwrap();
        let c = load(&p).unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert!(c.exclude.excludes(&dir.path().join("rules/examples")));
        assert!(
            !c.exclude
                .excludes(&dir.path().join("rules/examples/a.yaml"))
        );
        assert!(!c.exclude.excludes(&dir.path().join("rules")));
        std::fs::write(&p, "[lint]\nignored = []\n").unwrap();
        let e = load(&p).unwrap_err();
        assert_eq!(e.span, Some(7..14));
        assert!(e.message.contains("unknown field"), "{}", e.message);
    }
}
