//! SARIF 2.1.0, as GitHub code scanning reads it: one run, the tool's rules with their help
//! text from `explain`, and a result per finding with a repository-relative location.

use serde_json::{Value, json};

use crate::finding::{Finding, Severity};
use crate::registry;
use crate::source::SourceMap;

use super::position;

pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A path relative to the working directory, with forward slashes, as code scanning wants.
pub fn relative_uri(name: &str) -> String {
    let path = std::path::Path::new(name);
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| path.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    let rules: Vec<Value> = registry::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.name,
                "shortDescription": {"text": c.summary},
                "fullDescription": {"text": c.summary},
                "help": {"text": c.explanation, "markdown": c.explanation},
                "defaultConfiguration": {"level": level(c.severity)},
                "properties": {"tags": [c.family.as_str()]},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let file = sources.get(f.file);
            let (line, column, end_line, end_column) = match &f.record {
                Some(r) => (r.line as usize, 1, r.line as usize, 1),
                None => {
                    let p = position(sources, f);
                    (
                        p.line,
                        p.column,
                        p.end_line,
                        p.end_column
                            .max(p.column + usize::from(p.end_line == p.line)),
                    )
                }
            };
            let mut region = json!({"startLine": line.max(1), "startColumn": column.max(1)});
            if f.record.is_none() {
                region["endLine"] = json!(end_line.max(line).max(1));
                region["endColumn"] = json!(end_column.max(1));
            }
            let mut text = f.message.clone();
            if let Some(h) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let rule_index = registry::ALL
                .iter()
                .position(|c| c.code == f.check.code)
                .unwrap_or(0);
            let mut result = json!({
                "ruleId": f.check.code,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": relative_uri(file.name())},
                        "region": region,
                    }
                }],
            });
            if !f.related.is_empty() {
                result["relatedLocations"] = Value::Array(
                    f.related
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let other = sources.get(r.file);
                            let lc = other.line_col(r.span.start);
                            json!({
                                "id": i,
                                "message": {"text": r.text},
                                "physicalLocation": {
                                    "artifactLocation": {"uri": relative_uri(other.name())},
                                    "region": {"startLine": lc.line, "startColumn": lc.column},
                                }
                            })
                        })
                        .collect(),
                );
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "amlguard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://crates.io/crates/amlguard",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("serializable");
    s.push('\n');
    s
}
