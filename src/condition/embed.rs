//! Conditions embedded in other text (a YAML scalar, a shell argument): parse them and map
//! their spans back into the file, so findings point at the right column inside the string.

use crate::finding::{Finding, Sink};
use crate::model::Criterion;
use crate::registry;
use crate::source::Span;

use super::parse;

/// Maps offsets of a scalar's decoded value to offsets of the file, for the quoting styles
/// whose decoding is a plain character-for-character copy; `None` when it is not (escapes,
/// folded or block scalars).
pub fn scalar_map(file_text: &str, span: Span, value: &str) -> Option<Vec<usize>> {
    let raw = file_text.get(span.start..span.end)?;
    let (inner, base, single) =
        if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            (inner, span.start + 1, false)
        } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            (inner, span.start + 1, true)
        } else {
            (raw, span.start, false)
        };
    // offsets[i] = file offset of value byte i; one extra entry for the end.
    let mut offsets = Vec::with_capacity(value.len() + 1);
    let mut r = 0;
    let bytes = inner.as_bytes();
    for _ in value.bytes() {
        if r >= bytes.len() {
            return None;
        }
        offsets.push(base + r);
        // `''` in a single-quoted scalar is one quote.
        if single && bytes[r] == b'\'' && bytes.get(r + 1) == Some(&b'\'') {
            r += 2;
        } else {
            r += 1;
        }
    }
    if r != bytes.len() {
        return None;
    }
    offsets.push(base + r);
    // The copy must be exact, byte for byte.
    let decoded_ok = value
        .bytes()
        .zip(&offsets)
        .all(|(b, &o)| file_text.as_bytes().get(o) == Some(&b));
    decoded_ok.then_some(offsets)
}

/// Parses `value`, the text of a condition found at `span` in a file whose text is `file_text`.
/// On success the criterion's spans point into the file; on failure the finding does.
pub fn criterion_from_text(
    value: &str,
    span: Span,
    file_text: &str,
    sink: &mut Sink,
) -> Option<Criterion> {
    let offsets = scalar_map(file_text, span, value);
    let map = |s: Span| match &offsets {
        Some(o) => Span::new(o[s.start.min(o.len() - 1)], o[s.end.min(o.len() - 1)]),
        None => span,
    };
    criterion_mapped(value, span, &map, sink)
}

/// Parses `value`, the text of a condition found at `span`, with `map` taking a span of the
/// value to a span of the file. On success the criterion's spans point into the file; on
/// failure the finding does.
pub fn criterion_mapped(
    value: &str,
    span: Span,
    map: &dyn Fn(Span) -> Span,
    sink: &mut Sink,
) -> Option<Criterion> {
    match parse(value) {
        Ok(c) => Some(c.to_criterion(span, map)),
        Err(e) => {
            sink.push(syntax_finding(sink, &e, map(e.span)));
            None
        }
    }
}

/// The `condition-syntax` finding for a parse error, at `span` in the sink's file.
pub fn syntax_finding(sink: &Sink, e: &super::ParseError, span: Span) -> Finding {
    sink.at(&registry::CONDITION_SYNTAX, span, e.message.clone())
        .label(if span.is_empty() {
            "here"
        } else {
            "this token"
        })
        .maybe_help(e.help.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_plain_and_quoted_scalars() {
        let text = "a: avg X > 5\nb: \"avg X > 5\"\nc: 'it''s'\nd: \"a\\tb\"\n";
        assert_eq!(
            scalar_map(text, Span::new(3, 12), "avg X > 5").unwrap()[4],
            7
        );
        assert_eq!(
            scalar_map(text, Span::new(16, 27), "avg X > 5").unwrap()[0],
            17
        );
        let m = scalar_map(text, Span::new(31, 38), "it's").unwrap();
        assert_eq!(m, vec![32, 33, 34, 36, 37]);
        assert_eq!(scalar_map(text, Span::new(42, 48), "a\tb"), None);
    }
}
