//! Terraform string values as Terraform reads them, with a map back into the file: quoted
//! strings (`"…"` with `\n`, `\"`, `\uNNNN` escapes), heredocs (`<<QUERY`, and `<<-QUERY`,
//! whose common leading whitespace is stripped) and the template sequences `$${` and `%%{`.
//! A value that interpolates (`${…}`) or holds a directive (`%{…}`) is not a literal: the span
//! of its first interpolation is given instead, and its expression when the value is nothing
//! else (`"${local.query}"`), so that a caller can resolve a local.
//!
//! Facts: "Strings and Templates" in the Terraform language documentation
//! (<https://developer.hashicorp.com/terraform/language/expressions/strings>).

use crate::model::SpanMap;
use crate::source::Span;

/// A string value read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A literal: its text and where each character sits in the file.
    Literal(String, SpanMap),
    /// The value interpolates or holds a directive at `at`; `only` is the expression inside
    /// `${…}` when the value is that one interpolation and nothing else.
    Template { at: Span, only: Option<String> },
    /// Not a string literal or heredoc, or a malformed one (already refused by the HCL
    /// parser, so only reached on text the parser accepted differently).
    NotAString,
}

/// Decodes the string or heredoc whose whole expression is `span` in `text`.
pub fn decode(text: &str, span: Span) -> Decoded {
    let Some(raw) = text.get(span.start..span.end) else {
        return Decoded::NotAString;
    };
    if raw.starts_with('"') && raw.len() >= 2 && raw.ends_with('"') {
        return quoted(&raw[1..raw.len() - 1], span.start + 1);
    }
    if raw.starts_with("<<") {
        return heredoc(raw, span.start);
    }
    Decoded::NotAString
}

/// Builds the text of a template body piece by piece: each pushed character remembers the file
/// offset it came from.
struct Builder {
    out: String,
    pieces: Vec<(usize, usize)>,
    /// The file offset the next plain character is expected at (a new piece starts when it is
    /// not).
    next: Option<usize>,
    interpolation: Option<Span>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            out: String::new(),
            pieces: Vec::new(),
            next: None,
            interpolation: None,
        }
    }

    /// Pushes `c`, which stands for the file text `from..to`.
    fn push(&mut self, c: char, from: usize, to: usize) {
        if self.next != Some(from) {
            // Text was skipped (a heredoc's stripped indent, an interpolation): a piece at the
            // end of the previous character ends it there, and the next piece, at the same
            // query offset, starts this one.
            if let Some(end) = self.next {
                self.pieces.push((self.out.len(), end));
            }
            self.pieces.push((self.out.len(), from));
        }
        self.out.push(c);
        if to - from == c.len_utf8() {
            self.next = Some(to);
        } else {
            // An escape: the character covers the whole escape, and what follows is a new
            // piece.
            self.pieces.push((self.out.len(), to));
            self.next = Some(to);
        }
    }

    fn finish(self, text_len_fallback: usize) -> Decoded {
        if let Some(at) = self.interpolation {
            return Decoded::Template { at, only: None };
        }
        let mut pieces = self.pieces;
        if pieces.is_empty() {
            pieces.push((0, text_len_fallback));
        }
        Decoded::Literal(self.out, SpanMap::from_pieces(pieces))
    }
}

/// The end (exclusive, relative to `s`) of the `${…}` or `%{…}` sequence opening at 0: braces
/// nest, and quoted strings inside are skipped.
fn sequence_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Handles a template sequence at `rest` (file offset `at`): `$${`/`%%{` are pushed as `${`/`%{`;
/// `${`/`%{` are recorded as an interpolation. Returns the bytes consumed, or 0 when `rest`
/// does not start a sequence.
fn sequence(b: &mut Builder, rest: &str, at: usize) -> usize {
    if rest.starts_with("$${") || rest.starts_with("%%{") {
        let c = rest.as_bytes()[0] as char;
        b.push(c, at, at + 2);
        return 2;
    }
    if rest.starts_with("${") || rest.starts_with("%{") {
        let end = sequence_end(rest);
        if b.interpolation.is_none() {
            b.interpolation = Some(Span::new(at, at + end));
        }
        return end;
    }
    0
}

/// The inside of a quoted string, which starts at `base` in the file.
fn quoted(raw: &str, base: usize) -> Decoded {
    let mut b = Builder::new();
    let mut i = 0;
    while i < raw.len() {
        let rest = &raw[i..];
        let n = sequence(&mut b, rest, base + i);
        if n > 0 {
            i += n;
            continue;
        }
        let c = rest.chars().next().expect("in bounds");
        if c != '\\' {
            b.push(c, base + i, base + i + c.len_utf8());
            i += c.len_utf8();
            continue;
        }
        let Some(e) = rest[1..].chars().next() else {
            return Decoded::NotAString;
        };
        let (decoded, len) = match e {
            'n' => ('\n', 2),
            'r' => ('\r', 2),
            't' => ('\t', 2),
            '"' => ('"', 2),
            '\\' => ('\\', 2),
            'u' | 'U' => {
                let digits = if e == 'u' { 4 } else { 8 };
                let Some(hex) = rest.get(2..2 + digits) else {
                    return Decoded::NotAString;
                };
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => (c, 2 + digits),
                    None => return Decoded::NotAString,
                }
            }
            _ => return Decoded::NotAString,
        };
        b.push(decoded, base + i, base + i + len);
        i += len;
    }
    let only = only_interpolation(raw);
    match b.finish(base) {
        Decoded::Template { at, .. } => Decoded::Template { at, only },
        d => d,
    }
}

/// The expression of a template that is one `${…}` and nothing else.
fn only_interpolation(raw: &str) -> Option<String> {
    let t = raw.trim();
    (t.starts_with("${") && sequence_end(t) == t.len()).then(|| {
        t[2..t.len() - 1]
            .trim()
            .trim_matches('~')
            .trim()
            .to_string()
    })
}

/// A heredoc (`<<ID` or `<<-ID`, its lines, then `ID` alone on a line), starting at `base`.
fn heredoc(raw: &str, base: usize) -> Decoded {
    let flush = raw.starts_with("<<-");
    let head = if flush { 3 } else { 2 };
    let Some(nl) = raw.find('\n') else {
        return Decoded::NotAString;
    };
    let delimiter = raw[head..nl].trim_end_matches('\r').trim();
    if delimiter.is_empty() {
        return Decoded::NotAString;
    }
    // The body's lines, each with its newline, up to the line holding only the delimiter.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = nl + 1;
    let mut closed = false;
    while at <= raw.len() {
        let end = raw[at..].find('\n').map_or(raw.len(), |j| at + j + 1);
        let line = &raw[at..end];
        if line.trim() == delimiter {
            closed = true;
            break;
        }
        if end == at {
            break;
        }
        lines.push((at, line));
        at = end;
    }
    if !closed {
        return Decoded::NotAString;
    }
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let strip = if flush {
        lines
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| indent(l))
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let mut b = Builder::new();
    let mut body = String::new();
    for (start, line) in lines {
        let skip = strip.min(indent(line));
        let mut i = skip;
        body.push_str(&line[skip..]);
        while i < line.len() {
            let rest = &line[i..];
            let n = sequence(&mut b, rest, base + start + i);
            if n > 0 {
                i += n;
                continue;
            }
            let c = rest.chars().next().expect("in bounds");
            b.push(c, base + start + i, base + start + i + c.len_utf8());
            i += c.len_utf8();
        }
    }
    let only = only_interpolation(&body);
    match b.finish(base + nl + 1) {
        Decoded::Template { at, .. } => Decoded::Template { at, only },
        d => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(text: &str, from: &str) -> (String, SpanMap, usize) {
        let start = text.find(from).unwrap();
        let end = text.rfind(['"', 'Y']).unwrap() + 1;
        match decode(text, Span::new(start, end)) {
            Decoded::Literal(s, m) => (s, m, start),
            other => panic!("{other:?}"),
        }
    }

    fn at<'t>(text: &'t str, query: &str, map: &SpanMap, needle: &str) -> &'t str {
        let i = query.find(needle).unwrap();
        let s = map.map(Span::new(i, i + needle.len()));
        &text[s.start..s.end]
    }

    #[test]
    fn quoted_strings_decode_escapes_and_map_back() {
        let text = r#"query = "T\n| where EventType == \"JobFaild\" and x == \u00e9 $${y}""#;
        let (q, map, _) = literal(text, "\"T");
        assert_eq!(q, "T\n| where EventType == \"JobFaild\" and x == é ${y}");
        assert_eq!(at(text, &q, &map, "\"JobFaild\""), r#"\"JobFaild\""#);
        assert_eq!(at(text, &q, &map, "where"), "where");
        assert_eq!(at(text, &q, &map, "é"), r"\u00e9");
        assert_eq!(at(text, &q, &map, "${y}"), "$${y}");
        // Every escape HCL has, each mapped to its whole escape.
        let text = r#"q = "a\rb\tc\\d\U0001F600e\nf""#;
        let (q, map, _) = literal(text, "\"a");
        assert_eq!(q, "a\rb\tc\\d\u{1F600}e\nf");
        assert_eq!(at(text, &q, &map, "\r"), r"\r");
        assert_eq!(at(text, &q, &map, "\\"), r"\\");
        assert_eq!(at(text, &q, &map, "\u{1F600}"), r"\U0001F600");
        assert_eq!(at(text, &q, &map, "f"), "f");
    }

    #[test]
    fn a_run_of_plain_characters_is_one_piece_of_the_map() {
        // Plain text, multi-byte characters included, maps by one shift; the text after an
        // escape starts a new piece.
        let text = r#"q = "Aé|b""#;
        assert_eq!(
            decode(text, Span::new(4, text.len())),
            Decoded::Literal("Aé|b".into(), SpanMap::offset(5))
        );
        let text = r#"q = "é\tb""#;
        assert_eq!(
            decode(text, Span::new(4, text.len())),
            Decoded::Literal("é\tb".into(), SpanMap::from_pieces(vec![(0, 5), (3, 9)]))
        );
    }

    #[test]
    fn indented_heredocs_strip_the_common_indent() {
        let text = "  query = <<-QUERY\n      AmlComputeJobEvent\n\n        | where EventType == \"JobFaild\"\n      QUERY\n";
        let (q, map, _) = literal(text, "<<-");
        assert_eq!(
            q,
            "AmlComputeJobEvent\n\n  | where EventType == \"JobFaild\"\n"
        );
        assert_eq!(at(text, &q, &map, "\"JobFaild\""), "\"JobFaild\"");
        assert_eq!(at(text, &q, &map, "| where"), "| where");
        assert_eq!(
            at(text, &q, &map, "AmlComputeJobEvent"),
            "AmlComputeJobEvent"
        );
    }

    #[test]
    fn plain_heredocs_keep_their_indent() {
        let text = "q = <<EOT\n  T | take 1\nEOT\n";
        let start = text.find("<<").unwrap();
        let end = text.rfind("EOT").unwrap() + 3;
        let Decoded::Literal(q, _) = decode(text, Span::new(start, end)) else {
            panic!()
        };
        assert_eq!(q, "  T | take 1\n");
    }

    #[test]
    fn heredocs_decode_template_escapes_and_locate_interpolations() {
        let text = "q = <<-QUERY\n  T | where x == \"$${y}\" and z == \"%%{w}\"\n  QUERY\n";
        let (q, map, _) = literal(text, "<<-");
        assert_eq!(q, "T | where x == \"${y}\" and z == \"%{w}\"\n");
        assert_eq!(at(text, &q, &map, "${y}"), "$${y}");
        assert_eq!(at(text, &q, &map, "%{w}"), "%%{w}");
        assert_eq!(at(text, &q, &map, "and z"), "and z");
        // An empty body maps to where it would start: the line after the head.
        let text = "q = <<-QUERY\n  QUERY\n";
        assert_eq!(
            decode(text, Span::new(4, text.len() - 1)),
            Decoded::Literal(String::new(), SpanMap::from_pieces(vec![(0, 13)]))
        );
        let text = "q = <<EOT\nT | where x == ${var.v} | take 1\nEOT\n";
        let start = text.find("<<").unwrap();
        let end = text.rfind("EOT").unwrap() + 3;
        match decode(text, Span::new(start, end)) {
            Decoded::Template { at, only } => {
                assert_eq!(&text[at.start..at.end], "${var.v}");
                assert_eq!(only, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn interpolations_are_located() {
        let text = r#"q = "T | where x == \"${var.v}\" | where y == 1""#;
        let start = text.find('"').unwrap();
        match decode(text, Span::new(start, text.len())) {
            Decoded::Template { at, only } => {
                assert_eq!(&text[at.start..at.end], "${var.v}");
                assert_eq!(only, None);
            }
            other => panic!("{other:?}"),
        }
        let text = r#"q = "${ local.query }""#;
        let start = text.find('"').unwrap();
        match decode(text, Span::new(start, text.len())) {
            Decoded::Template { only, .. } => assert_eq!(only.as_deref(), Some("local.query")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_interpolation_ends_at_its_own_closing_brace() {
        // Braces nest, and a brace inside a quoted string in the expression does not count.
        let text = r#"q = "${merge({a = "}"}, {b = 1})} | x""#;
        match decode(text, Span::new(4, text.len())) {
            Decoded::Template { at, only } => {
                assert_eq!(&text[at.start..at.end], r#"${merge({a = "}"}, {b = 1})}"#);
                assert_eq!(only, None);
            }
            other => panic!("{other:?}"),
        }
        // An escaped quote does not end a string inside the expression.
        let text = r#"q = "${f("a\"}")} | x""#;
        match decode(text, Span::new(4, text.len())) {
            Decoded::Template { at, .. } => {
                assert_eq!(&text[at.start..at.end], r#"${f("a\"}")}"#)
            }
            other => panic!("{other:?}"),
        }
        // Never closed, nor a string inside it, nor an escape: it runs to the end of the string.
        for (text, interpolation) in [
            (r#"q = "x ${abc""#, "${abc"),
            (r#"q = "x ${f("abc""#, r#"${f("abc"#),
            (r#"q = "x ${f("a""#, r#"${f("a"#),
        ] {
            match decode(text, Span::new(4, text.len())) {
                Decoded::Template { at, only } => {
                    assert_eq!(&text[at.start..at.end], interpolation);
                    assert_eq!(only, None);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn hostile_input_is_refused_not_panicked_on() {
        for raw in [
            "\"\\",
            "\"\\u12\"",
            "\"\\q\"",
            "<<-",
            "<<-X\nno end",
            "<<\n",
            "\"${",
            "\"\\U0011ffff\"",
        ] {
            let d = decode(raw, Span::new(0, raw.len()));
            assert!(
                !matches!(d, Decoded::Literal(..)) || raw == "\"${",
                "{raw}: {d:?}"
            );
        }
        assert_eq!(decode("abc", Span::new(2, 9)), Decoded::NotAString);
    }
}
