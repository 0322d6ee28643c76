//! The few lines of source a human-readable finding shows, cut out of the file once per finding.
//!
//! The snippet holds only the lines around the labels (never the whole file, so rendering
//! costs the same on line 10 as on line 100,000), each line clipped to a window of
//! [`WINDOW`] characters around its label (so a minified one-line template or a 1 MB condition
//! shows a readable excerpt, and no width ever reaches the formatter's 65,535 limit), and its
//! characters sanitised ([`super::sanitize`]). Line numbers in the gutter and the
//! `file:line:column` header stay those of the real file.

use std::fmt::Write as _;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{LineCol, SourceFile, Span};

use super::sanitize;

/// The most characters of one source line shown.
pub const WINDOW: usize = 120;
/// Labels further than this many lines from the primary one are listed, not drawn.
pub const MAX_LINES_APART: usize = 12;
/// A span over more lines than this is drawn on its first line only.
const MAX_SPAN_LINES: usize = 6;

/// A labelled span in the real file.
#[derive(Debug, Clone)]
pub struct Mark {
    pub span: Span,
    pub text: Option<String>,
    pub primary: bool,
}

/// The cut-out source, with labels mapped into it.
#[derive(Debug)]
pub struct Snippet {
    name: String,
    text: String,
    /// 0-based number of the real line the snippet starts with.
    first_line: usize,
    /// Each label: its span in `text` and its real start position.
    pub labels: Vec<(SourceSpan, LineCol, Mark)>,
}

impl Snippet {
    /// Cuts the lines around `marks` (all in `file`) out of the file.
    pub fn new(file: &SourceFile, marks: Vec<Mark>) -> Snippet {
        let text = file.text();
        let starts = file.line_starts();
        let line_of = |off: usize| starts.partition_point(|&s| s <= off).saturating_sub(1);
        let line_end = |l: usize| {
            starts
                .get(l + 1)
                .map_or(text.len(), |&s| s.saturating_sub(1))
                .max(starts[l])
        };
        let clamp = |off: usize| {
            let mut o = off.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            o
        };
        // Normalise each mark: within the text, on char boundaries, at most MAX_SPAN_LINES.
        let marks: Vec<Mark> = marks
            .into_iter()
            .map(|mut m| {
                let s = clamp(m.span.start);
                let mut e = clamp(m.span.end.max(s));
                let (ls, le) = (line_of(s), line_of(e));
                if le >= ls + MAX_SPAN_LINES {
                    e = line_end(ls).max(s);
                }
                m.span = Span::new(s, e);
                m
            })
            .collect();
        let lines: Vec<(usize, usize)> = marks
            .iter()
            .map(|m| (line_of(m.span.start), line_of(m.span.end)))
            .collect();
        let first = lines
            .iter()
            .map(|l| l.0)
            .min()
            .unwrap_or(0)
            .saturating_sub(1);
        let last = (lines.iter().map(|l| l.1).max().unwrap_or(0) + 1).min(starts.len() - 1);

        let mut out = String::new();
        let mut map: Vec<(usize, usize)> = Vec::new(); // (real offset, snippet offset)
        let mut wanted: Vec<usize> = marks
            .iter()
            .flat_map(|m| [m.span.start, m.span.end])
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        for (l, &ls) in starts.iter().enumerate().take(last + 1).skip(first) {
            let le = line_end(l);
            let line = &text[ls..le];
            let line = line.strip_suffix('\r').unwrap_or(line);
            let le = ls + line.len();
            // The window: the whole line if short; else around the first label on this line.
            let (ws, we) = if line.len() <= WINDOW {
                (ls, le)
            } else {
                let anchor = marks
                    .iter()
                    .map(|m| m.span.start)
                    .filter(|&s| s >= ls && s <= le)
                    .min()
                    .or_else(|| {
                        marks
                            .iter()
                            .map(|m| m.span.end)
                            .filter(|&e| e >= ls && e <= le)
                            .min()
                    })
                    .unwrap_or(ls);
                let ws = clamp(anchor.saturating_sub(WINDOW / 3).max(ls));
                let we = clamp((ws + WINDOW).min(le));
                (ws, we)
            };
            if ws > ls {
                out.push('…');
            }
            let window_start_out = out.len();
            // Real offsets before the window map to its start.
            for &w in wanted.iter().filter(|&&w| w >= ls && w < ws) {
                map.push((w, window_start_out));
            }
            let piece = &text[ws..we];
            let mut from = 0;
            for &w in wanted.iter().filter(|&&w| w >= ws && w <= we) {
                push_clean(&mut out, &piece[from..w - ws]);
                from = w - ws;
                map.push((w, out.len()));
            }
            push_clean(&mut out, &piece[from..]);
            let window_end_out = out.len();
            for &w in wanted.iter().filter(|&&w| w > we && w <= le) {
                map.push((w, window_end_out));
            }
            if we < le {
                out.push('…');
            }
            // Offsets in the line break (after the line's end) map to the end of the line.
            for &w in wanted.iter().filter(|&&w| w > le && w < line_end(l) + 1) {
                map.push((w, window_end_out));
            }
            if l < last || file.text().len() > line_end(l) {
                out.push('\n');
            }
        }
        let find = |off: usize| {
            map.iter()
                .find(|(r, _)| *r == off)
                .map_or(out.len(), |(_, s)| *s)
        };
        let labels = marks
            .into_iter()
            .map(|m| {
                let s = find(m.span.start);
                let e = find(m.span.end).max(s);
                (
                    SourceSpan::new(s.into(), e - s),
                    file.line_col(m.span.start),
                    m,
                )
            })
            .collect();
        Snippet {
            name: sanitize::text(file.name()).into_owned(),
            text: out,
            first_line: first,
            labels,
        }
    }
}

/// Appends a piece of a source line, its hidden characters escaped and `##vso[` broken up.
/// Tabs stay (they are layout, and miette expands them).
fn push_clean(out: &mut String, piece: &str) {
    for c in piece.chars() {
        if c == '\t' {
            out.push(c);
        } else if sanitize::is_hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else if c == '['
            && out.len() >= 5
            && out.is_char_boundary(out.len() - 5)
            && out[out.len() - 5..].eq_ignore_ascii_case("##vso")
        {
            out.push_str("\\u{5b}");
        } else {
            out.push(c);
        }
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let line = inner.line() + self.first_line;
        let column = self
            .labels
            .iter()
            .find(|(s, _, _)| s == span)
            .map_or(inner.column(), |(_, lc, _)| lc.column.saturating_sub(1));
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}
