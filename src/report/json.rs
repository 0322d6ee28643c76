//! `--format json`: one JSON document with every finding and a summary.

use serde::Serialize;

use crate::finding::Finding;
use crate::inputs::InputError;
use crate::linter::Summary;
use crate::source::SourceMap;

use super::position;

#[derive(Serialize)]
struct Document<'a, S: Serialize> {
    findings: Vec<JsonFinding<'a>>,
    summary: &'a S,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    input_errors: Vec<String>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    family: &'static str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// Byte offsets of the span in the file.
    offset: usize,
    length: usize,
    label: &'a str,
    help: Option<&'a str>,
    source: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lifecycle: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
}

pub fn render(
    sources: &SourceMap,
    findings: &[Finding],
    summary: &Summary,
    errors: &[InputError],
) -> String {
    render_with(sources, findings, summary, errors)
}

/// The same document with any serializable summary (the audit's is richer than lint's).
pub fn render_with<S: Serialize>(
    sources: &SourceMap,
    findings: &[Finding],
    summary: &S,
    errors: &[InputError],
) -> String {
    let doc = Document {
        findings: findings
            .iter()
            .map(|f| {
                let mut p = position(sources, f);
                let rec = f.record.as_deref();
                if let Some(r) = rec {
                    p = super::Position {
                        line: r.line as usize,
                        column: 1,
                        end_line: r.line as usize,
                        end_column: 1,
                    };
                }
                JsonFinding {
                    code: f.check.code,
                    name: f.check.name,
                    severity: f.severity.as_str(),
                    family: f.check.family.as_str(),
                    message: &f.message,
                    file: sources.get(f.file).name(),
                    line: p.line,
                    column: p.column,
                    end_line: p.end_line,
                    end_column: p.end_column,
                    offset: f.span.start,
                    length: f.span.len(),
                    label: &f.label,
                    help: f.help.as_deref(),
                    source: f.source.as_deref(),
                    related: f
                        .related
                        .iter()
                        .map(|r| {
                            let file = sources.get(r.file);
                            let lc = file.line_col(r.span.start);
                            JsonRelated {
                                message: &r.text,
                                file: file.name(),
                                line: lc.line,
                                column: lc.column,
                            }
                        })
                        .collect(),
                    lifecycle: rec.and_then(|r| r.lifecycle.as_deref()),
                    entity: rec.and_then(|r| r.entity.as_deref()),
                    time: rec.and_then(|r| r.time.as_deref()),
                    from: rec.and_then(|r| r.from.as_deref()),
                    to: rec.and_then(|r| r.to.as_deref()),
                }
            })
            .collect(),
        summary,
        input_errors: errors.iter().map(ToString::to_string).collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("serializable");
    s.push('\n');
    s
}
