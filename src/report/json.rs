//! `--format json`: one JSON document, `{"findings": [...], "summary": {...}, "input_errors":
//! [...]}`, written finding by finding (never held whole in memory). Strings keep the input's
//! text exactly; characters that could drive a terminal or a CI log are written as `\uXXXX`
//! ([`super::sanitize::JsonEscapes`]).

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::Finding;
use crate::source::SourceMap;

use super::sanitize::write_json;
use super::{Emitter, End, Summary, position};

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

/// The JSON emitter.
#[derive(Debug, Default)]
pub struct Json {
    count: u64,
}

const INDENT: &[u8] = b"  ";

impl Emitter for Json {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        w.write_all(b"{\n  \"findings\": [")
    }

    fn finding(&mut self, w: &mut dyn Write, sources: &SourceMap, f: &Finding) -> io::Result<()> {
        let p = position(sources, f);
        let rec = f.record.as_deref();
        let doc = JsonFinding {
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
            offset: rec.map_or(f.span.start, |r| {
                usize::try_from(r.at.offset).unwrap_or(usize::MAX)
            }),
            length: rec.map_or(f.span.len(), |r| {
                usize::try_from(r.at.length).unwrap_or(usize::MAX)
            }),
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
        };
        w.write_all(if self.count == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        self.count += 1;
        write_nested(w, &doc, 2)
    }

    fn end(&mut self, w: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        w.write_all(if self.count == 0 {
            b"],\n"
        } else {
            b"\n  ],\n"
        })?;
        w.write_all(b"  \"summary\": ")?;
        match end.summary {
            Summary::Lint(s) => write_nested(w, s, 1)?,
            Summary::Audit(s) => write_nested(w, s, 1)?,
            Summary::Test(s) => write_nested(w, s, 1)?,
            Summary::None => w.write_all(b"null")?,
        }
        if end.folded > 0 {
            write!(w, ",\n  \"not_shown\": {}", end.folded)?;
        }
        if !end.input_errors.is_empty() {
            let errors: Vec<String> = end.input_errors.iter().map(ToString::to_string).collect();
            w.write_all(b",\n  \"input_errors\": ")?;
            write_nested(w, &errors, 1)?;
        }
        w.write_all(b"\n}\n")
    }
}

/// Pretty JSON whose continuation lines are indented `depth` levels.
pub(crate) fn write_nested<T: Serialize + ?Sized>(
    w: &mut dyn Write,
    v: &T,
    depth: usize,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(512);
    write_json(&mut buf, v, INDENT)?;
    let pad = INDENT.repeat(depth);
    for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            w.write_all(b"\n")?;
            w.write_all(&pad)?;
        }
        w.write_all(line)?;
    }
    Ok(())
}
