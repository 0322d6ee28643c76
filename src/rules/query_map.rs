//! Where each character of a query read from a string literal sits in the file: a query may
//! be written in a JSON string with escapes, a YAML block scalar, a Bicep multi-line string,
//! whose characters are not at one constant distance from the file's.

use crate::model::SpanMap;
use crate::source::Span;

/// Maps the decoded value of a string literal back into the file: a JSON (or YAML
/// double-quoted) string decodes its escapes; plain and single-quoted YAML scalars copy their
/// characters; block scalars (`|`, `>`) and Bicep's `'''` strings drop their indentation.
/// Each character of the value is found in order in the scalar's source; what lies between
/// (indentation, line breaks a fold turned into spaces, escape backslashes) is skipped. When
/// the value cannot be aligned so (an escape that is not a plain copy, an interpolation),
/// every character maps to the start of the literal: the finding is placed at the string,
/// never at a wrong column.
pub fn map(file_text: &str, span: Span, value: &str) -> SpanMap {
    let Some(raw) = file_text.get(span.start..span.end) else {
        return collapsed(value.len(), span.start);
    };
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'))
        && let Some((decoded, map)) = SpanMap::json_string(inner, span.start + 1)
        && decoded == value
    {
        return map;
    }
    // A YAML block scalar's span starts at its first line of content, after the header
    // (`|`, `>-`, ...), so the content may itself start with `|` or `>`. Only Bicep's `'''`
    // strings keep their line breaks as written; in any other literal a break may be a folded
    // space.
    let skip = if raw.starts_with("'''") {
        3
    } else {
        usize::from(raw.starts_with('"') || raw.starts_with('\''))
    };
    let folded = !raw.starts_with("'''");
    let bytes = raw.as_bytes();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut r = skip;
    let mut gap = usize::MAX;
    for (q, ch) in value.char_indices() {
        let mut buf = [0u8; 4];
        let want = ch.encode_utf8(&mut buf).as_bytes();
        loop {
            if r >= bytes.len() {
                return collapsed(value.len(), span.start);
            }
            if bytes[r..].starts_with(want) {
                break;
            }
            // A fold turns a line break into a space: the space is the break.
            if folded && ch == ' ' && matches!(bytes[r], b'\n' | b'\r') {
                break;
            }
            if !matches!(bytes[r], b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'\'') {
                return collapsed(value.len(), span.start);
            }
            r += 1;
        }
        let file_at = span.start + r;
        if file_at.wrapping_sub(q) != gap {
            pieces.push((q, file_at));
            gap = file_at.wrapping_sub(q);
        }
        // A space that a line break stands for is one byte, as the break is.
        r += want.len();
    }
    pieces.push((value.len(), span.start + r));
    SpanMap::from_pieces(pieces)
}

/// A map that sends every character of a query to one place: the literal (or the reference to
/// a value written elsewhere) that the query was read from.
pub fn collapsed(len: usize, at: usize) -> SpanMap {
    SpanMap::from_pieces((0..=len).map(|i| (i, at)).collect())
}
