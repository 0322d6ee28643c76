//! Maps offsets in a query's text back into the file the query was written in: a query may sit
//! in a JSON string (with `\"` and `\n` escapes), a Terraform heredoc, a YAML block scalar or a
//! shell argument, where its characters are not at one constant distance from the file's.

use crate::source::Span;

/// Pieces of the query that map contiguously: `(query offset, file offset)`, by query offset.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanMap {
    pieces: Vec<(usize, usize)>,
}

impl SpanMap {
    /// The query is a verbatim slice of the file starting at `base`.
    pub fn offset(base: usize) -> SpanMap {
        SpanMap {
            pieces: vec![(0, base)],
        }
    }

    /// Builds a map from pieces `(query offset, file offset)`; each piece runs until the next.
    pub fn from_pieces(mut pieces: Vec<(usize, usize)>) -> SpanMap {
        pieces.sort_unstable();
        if pieces.first().is_none_or(|p| p.0 != 0) {
            pieces.insert(0, (0, pieces.first().map_or(0, |p| p.1)));
        }
        SpanMap { pieces }
    }

    /// The map of a text whose byte `i` sits at `offsets[i]` in the file (`offsets` holds one
    /// more entry, for the end): one piece for each run of bytes that sit side by side.
    pub fn from_offsets(offsets: &[usize]) -> SpanMap {
        let mut pieces = vec![(0, offsets.first().copied().unwrap_or(0))];
        pieces.extend(
            offsets
                .windows(2)
                .enumerate()
                .filter(|(_, pair)| pair[1] != pair[0] + 1)
                .map(|(i, pair)| (i + 1, pair[1])),
        );
        SpanMap { pieces }
    }

    /// Decodes the inside of a JSON string literal (`raw` is the text between its quotes, which
    /// starts at `base` in the file); returns the query text and its map, or `None` when an
    /// escape is malformed.
    pub fn json_string(raw: &str, base: usize) -> Option<(String, SpanMap)> {
        let mut out = String::with_capacity(raw.len());
        let mut pieces = vec![(0, base)];
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (_, e) = chars.next()?;
            let decoded = match e {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let hex = |chars: &mut std::iter::Peekable<std::str::CharIndices>| {
                        let mut v = 0u32;
                        for _ in 0..4 {
                            v = v * 16 + chars.next()?.1.to_digit(16)?;
                        }
                        Some(v)
                    };
                    let hi = hex(&mut chars)?;
                    let cp = if (0xD800..0xDC00).contains(&hi) {
                        if chars.next()?.1 != '\\' || chars.next()?.1 != 'u' {
                            return None;
                        }
                        let lo = hex(&mut chars)?;
                        0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)? & 0x3FF)
                    } else {
                        hi
                    };
                    char::from_u32(cp)?
                }
                _ => return None,
            };
            pieces.push((out.len(), base + i));
            out.push(decoded);
            let next = chars.peek().map_or(raw.len(), |(j, _)| *j);
            pieces.push((out.len(), base + next));
        }
        Some((out, SpanMap::from_pieces(pieces)))
    }

    /// The file offset of a query offset.
    pub fn offset_of(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= at).saturating_sub(1);
        let (q, f) = self.pieces[i];
        f + (at - q)
    }

    pub fn map(&self, span: Span) -> Span {
        let start = self.offset_of(span.start);
        let end = if span.end > span.start {
            // The end of the last character (after its whole escape), found from the piece
            // that holds it.
            let i = self.pieces.partition_point(|p| p.0 < span.end);
            match self.pieces.get(i) {
                Some(&(q, f)) if q == span.end => f,
                _ => self.offset_of(span.end - 1) + 1,
            }
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_map_back_to_the_file() {
        // The file: {"query": "T\n| where EventType == \"JobFaild\""}
        let file = r#"{"query": "T\n| where EventType == \"JobFaild\""}"#;
        let start = file.find("T\\n").unwrap();
        let end = file.rfind('"').unwrap();
        let (query, map) = SpanMap::json_string(&file[start..end], start).unwrap();
        assert_eq!(query, "T\n| where EventType == \"JobFaild\"");
        let v = query.find("\"JobFaild\"").unwrap();
        let span = map.map(Span::new(v, v + "\"JobFaild\"".len()));
        assert_eq!(&file[span.start..span.end], r#"\"JobFaild\""#);
        let w = query.find("where").unwrap();
        let span = map.map(Span::new(w, w + 5));
        assert_eq!(&file[span.start..span.end], "where");
    }

    #[test]
    fn malformed_escapes_are_refused() {
        assert!(SpanMap::json_string(r"\x", 0).is_none());
        assert!(SpanMap::json_string(r"\u12", 0).is_none());
        assert!(SpanMap::json_string("\\", 0).is_none());
        assert_eq!(SpanMap::json_string(r"\ud83d\ude00", 0).unwrap().0, "😀");
    }

    #[test]
    fn offsets_make_one_piece_per_run() {
        // `ab\"c` written as `a`, `b`, then an escape of two bytes, then `c`: the text `ab"c`.
        let map = SpanMap::from_offsets(&[10, 11, 12, 14, 15]);
        assert_eq!(map.pieces, [(0, 10), (3, 14)]);
        assert_eq!(map.map(Span::new(0, 2)), Span::new(10, 12));
        assert_eq!(map.map(Span::new(2, 3)), Span::new(12, 14));
        assert_eq!(map.map(Span::new(3, 4)), Span::new(14, 15));
        assert_eq!(SpanMap::from_offsets(&[4, 5, 6]).pieces, [(0, 4)]);
        assert_eq!(SpanMap::from_offsets(&[]).pieces, [(0, 0)]);
    }

    #[test]
    fn offset_maps_shift() {
        let m = SpanMap::offset(10);
        assert_eq!(m.map(Span::new(2, 5)), Span::new(12, 15));
    }
}
