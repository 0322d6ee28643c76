//! SARIF 2.1.0, as GitHub code scanning reads it: one run, the tool's rules with their help
//! text from `explain`, and a result per finding with a repository-relative, percent-encoded
//! location. Results are written one by one. GitHub accepts at most 25,000 results per run
//! ("SARIF support for code scanning", GitHub Docs,
//! <https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>):
//! past [`MAX_RESULTS`] the rest are counted, and the run says so in a tool notification and
//! in `run.properties`.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::finding::{Finding, Severity};
use crate::registry;
use crate::source::SourceMap;

use super::json::write_nested;
use super::sanitize::uri_path;
use super::{Emitter, End, position};

pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The most results one SARIF run holds.
pub const MAX_RESULTS: u64 = 25_000;

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

/// The SARIF emitter.
#[derive(Debug, Default)]
pub struct Sarif {
    written: u64,
    dropped: u64,
}

impl Emitter for Sarif {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
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
        let tool = json!({
            "driver": {
                "name": "amlguard",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/amlguard",
                "rules": rules,
            }
        });
        write!(
            w,
            "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": "
        )?;
        write_nested(w, &tool, 3)?;
        w.write_all(b",\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [")
    }

    fn finding(&mut self, w: &mut dyn Write, sources: &SourceMap, f: &Finding) -> io::Result<()> {
        if self.written >= MAX_RESULTS {
            self.dropped += 1;
            return Ok(());
        }
        let file = sources.get(f.file);
        let p = position(sources, f);
        let mut region = json!({"startLine": p.line.max(1), "startColumn": p.column.max(1)});
        if f.record.as_ref().is_none_or(|r| r.at.end_line != 0) {
            let end_column = p
                .end_column
                .max(p.column + usize::from(p.end_line == p.line));
            region["endLine"] = json!(p.end_line.max(p.line).max(1));
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
                    "artifactLocation": {"uri": uri_path(&relative_uri(file.name()))},
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
                                "artifactLocation": {"uri": uri_path(&relative_uri(other.name()))},
                                "region": {"startLine": lc.line, "startColumn": lc.column},
                            }
                        })
                    })
                    .collect(),
            );
        }
        w.write_all(if self.written == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        self.written += 1;
        write_nested(w, &result, 4)
    }

    fn end(&mut self, w: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        w.write_all(if self.written == 0 {
            b"]"
        } else {
            b"\n      ]"
        })?;
        let not_shown = end.folded + self.dropped;
        if not_shown > 0 {
            let text = format!(
                "{} results are not in this file: {} over the limit of {MAX_RESULTS} results per run, {} folded by --max-repeats",
                not_shown, self.dropped, end.folded
            );
            let invocations = json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": [{
                    "level": "warning",
                    "message": {"text": text},
                }],
            }]);
            w.write_all(b",\n      \"invocations\": ")?;
            write_nested(w, &invocations, 3)?;
            let properties = json!({
                "truncated": self.dropped > 0,
                "resultsOverLimit": self.dropped,
                "resultsFolded": end.folded,
            });
            w.write_all(b",\n      \"properties\": ")?;
            write_nested(w, &properties, 3)?;
        }
        w.write_all(b"\n    }\n  ]\n}\n")
    }
}
