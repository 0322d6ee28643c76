//! Renderers: one per output format; no check prints anything itself.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::finding::Finding;
use crate::source::SourceMap;

/// A finding's position as 1-based line/column; the end is exclusive (the position just after
/// the last character), as SARIF and editors count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn position(sources: &SourceMap, f: &Finding) -> Position {
    let file = sources.get(f.file);
    let start = file.line_col(f.span.start);
    let end = file.line_col(f.span.end.max(f.span.start));
    Position {
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}
