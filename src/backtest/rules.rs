//! The rules to replay: every file the linter would read, in every format it reads.

use std::path::PathBuf;

use crate::config::Excludes;
use crate::inputs::{self, InputError};
use crate::linter::RULE_EXTENSIONS;
use crate::model::AlertRule;
use crate::rules;
use crate::source::SourceMap;

#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub rules: Vec<AlertRule>,
    pub errors: Vec<InputError>,
    /// Files whose reader reported an error (the rules it could read are kept).
    pub files_with_errors: usize,
}

/// Reads rule files and directories as `amlguard lint` does (directories walked for rule
/// extensions, skipping what `exclude` prunes; `-` for stdin).
pub fn load(paths: &[PathBuf], exclude: &Excludes) -> Loaded {
    let mut loaded = Loaded::default();
    let (files, errors) = inputs::expand_with_pipelines(paths, RULE_EXTENSIONS, exclude);
    loaded.errors.extend(errors);
    for path in &files {
        let explicit = paths.iter().any(|p| p == path);
        match inputs::read(path, &mut loaded.sources) {
            Ok((_, Some(_))) => loaded.files_with_errors += 1,
            Ok((id, None)) if rules::bicep::handles(loaded.sources.get(id).name()) => {
                let read = rules::bicep::read(id, &mut loaded.sources, &[]);
                if has_errors(&read.findings) {
                    loaded.files_with_errors += 1;
                }
                loaded.rules.extend(read.rules.into_iter().map(|r| r.rule));
            }
            Ok((id, None)) => {
                let file = loaded.sources.get(id);
                if let Some(read) = rules::read_source(file.name(), file.text(), id, explicit, &[])
                {
                    if has_errors(&read.findings) {
                        loaded.files_with_errors += 1;
                    }
                    loaded.rules.extend(read.rules);
                }
            }
            Err(e) => loaded.errors.push(e),
        }
    }
    loaded
}

fn has_errors(findings: &[crate::finding::Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.severity == crate::finding::Severity::Error)
}
