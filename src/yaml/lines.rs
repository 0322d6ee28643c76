//! The commonest shape of all, read line by line: one item of a block list whose lines are
//! printable ASCII, with one key or one value per line.
//!
//! A rule list is mostly `key: value` lines, flow lists and flow mappings on one line. Reading
//! them does not need a YAML scanner's token queue: this reader takes an item's lines as they
//! come and builds the same [`Node`] tree, with the same spans, that [`super::events`] builds
//! from the parser's events. It accepts only what it is sure of and gives up on everything else
//! — a tab, a carriage return, a byte outside printable ASCII, a block scalar, a multi-line
//! scalar, an escape, a tag, an anchor, an alias, an empty list entry, a key of another type,
//! a repeated key, a list at its key's indentation, a number in any but the plain decimal forms
//! — and the item is then read by the event builder. Debug builds compare the two on every
//! item this reader reads, and property tests hold them to each other on arbitrary items.

use std::borrow::Cow;

use serde_saphyr::granit_parser::ScalarStyle;

use super::events::{Counts, key_text, repeats_a_key, scalar};
use super::{Key, Node, Value};
use crate::source::Span;

/// Deeper nesting than this is left to the event builder (whose own limit is higher).
pub(super) const MAX_NESTING: usize = 16;

/// The item of a block list at `text[range]` (its first line `- …` at the list's indentation,
/// its other lines indented further, blank, or comments), with what it spent of the budgets;
/// `None` when this reader leaves it to the event builder.
pub(super) fn item(text: &str, range: std::ops::Range<usize>) -> Option<(Node, Counts)> {
    let part = text.as_bytes().get(range.clone())?;
    if !part
        .iter()
        .all(|&b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        end: range.end,
        line: range.start,
        counts: Counts::default(),
        depth: 0,
    };
    let (_, dash) = r.content()?;
    if r.b.get(dash) != Some(&b'-') {
        return None;
    }
    let node = r.item_of_seq(dash)?;
    // Nothing may follow the item's value but blank lines and comments.
    if r.content().is_some() {
        return None;
    }
    Some((node, r.counts))
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    /// The end of the item.
    end: usize,
    /// The start of the line being read.
    line: usize,
    counts: Counts,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// The end of the line that starts at `at` (its `\n`, or the item's end).
    fn line_end(&self, at: usize) -> usize {
        memchr::memchr(b'\n', &self.b[at..self.end]).map_or(self.end, |i| at + i)
    }

    /// Moves to the next line that holds content (not blank, not a comment), and gives its
    /// indentation and where its content starts; `None` at the item's end.
    fn content(&mut self) -> Option<(usize, usize)> {
        while self.line < self.end {
            let eol = self.line_end(self.line);
            let first = self.b[self.line..eol]
                .iter()
                .position(|&c| c != b' ')
                .map(|i| self.line + i);
            match first {
                Some(at) if self.b[at] != b'#' => return Some((at - self.line, at)),
                _ => self.line = eol + 1,
            }
        }
        None
    }

    /// Moves past the rest of the line from `at`: only spaces and a comment may be left.
    fn finish_line(&mut self, at: usize) -> Option<()> {
        let eol = self.line_end(self.line);
        let rest = &self.b[at..eol];
        let spaces = rest.iter().take_while(|&&c| c == b' ').count();
        // A comment needs a space before it.
        if spaces < rest.len() && !(rest[spaces] == b'#' && (spaces > 0 || at == self.line)) {
            return None;
        }
        self.line = eol + 1;
        Some(())
    }

    fn scalar_node(&mut self, value: Cow<'a, str>, style: ScalarStyle, span: Span) -> Option<Node> {
        self.counts.add_scalar(value.len());
        Some(Node {
            value: scalar(value, style)?,
            span,
        })
    }

    /// The item whose `-` is at `dash`, on the current line.
    fn item_of_seq(&mut self, dash: usize) -> Option<Node> {
        let eol = self.line_end(self.line);
        let after = dash + 1;
        // `-` alone, or `-x`: left to the event builder.
        if after >= eol || self.b[after] != b' ' {
            return None;
        }
        let at = after
            + self.b[after..eol]
                .iter()
                .take_while(|&&c| c == b' ')
                .count();
        if at == eol || self.b[at] == b'#' {
            return None;
        }
        if self.key_at(at, eol).is_some() {
            // `- key: …`: a mapping whose keys stand at this column.
            return self.block_mapping(at - self.line);
        }
        self.inline_value(at, eol)
    }

    /// Where the key of a `key:` entry that starts at `at` ends, if one does.
    fn key_at(&self, at: usize, eol: usize) -> Option<usize> {
        let end = match self.b[at] {
            b'"' | b'\'' => self.quoted_end(at, eol)?,
            _ => self.plain_end(at, eol, false)?,
        };
        (self.b.get(end) == Some(&b':') && (end + 1 == eol || self.b[end + 1] == b' '))
            .then_some(end)
    }

    /// A value that starts at `at` and ends on this line (a scalar or a flow collection).
    fn inline_value(&mut self, at: usize, eol: usize) -> Option<Node> {
        let (node, after) = match self.b[at] {
            b'[' | b'{' => self.flow(at, eol)?,
            b'"' | b'\'' => self.quoted(at, eol)?,
            _ => {
                let end = self.plain_end(at, eol, false)?;
                let span = Span::new(at, end);
                (
                    self.scalar_node(Cow::Borrowed(&self.text[at..end]), ScalarStyle::Plain, span)?,
                    end,
                )
            }
        };
        // A line indented further would continue a multi-line scalar, or be an error: every
        // caller gives up on the next line's indentation.
        self.finish_line(after)?;
        Some(node)
    }

    /// A block mapping whose keys stand at column `column` (the first one on the current
    /// line).
    fn block_mapping(&mut self, column: usize) -> Option<Node> {
        self.enter()?;
        self.counts.add_collection();
        let mut entries: Vec<(Key, Node)> = Vec::new();
        loop {
            let eol = self.line_end(self.line);
            let at = self.line + column;
            let key_end = self.key_at(at, eol)?;
            let key = self.key(at, key_end)?;
            let value_at = key_end
                + 1
                + self.b[key_end + 1..eol]
                    .iter()
                    .take_while(|&&c| c == b' ')
                    .count();
            let value = if value_at == eol || self.b[value_at] == b'#' {
                self.finish_line(key_end + 1)?;
                self.nested(column, key.span.end)?
            } else {
                self.inline_value(value_at, eol)?
            };
            entries.push((key, value));
            // A line at this column is the next key (a list item there is no key, and the
            // item is then the event builder's); a line left of it ends the mapping. A line
            // that no collection takes (indented between two of them) is left over, and the
            // item is then the event builder's too.
            match self.content() {
                Some((next, _)) if next == column => {}
                _ => break,
            }
        }
        if repeats_a_key(&entries) {
            return None;
        }
        self.depth -= 1;
        let start = entries[0].0.span.start;
        let end = entries.last().map_or(start, |(_, v)| v.span.end);
        Some(Node {
            value: Value::Map(entries),
            span: Span::new(start, end),
        })
    }

    /// A key from `at` to `end` (its `:` at `end`).
    fn key(&mut self, at: usize, end: usize) -> Option<Key> {
        let (value, style) = match self.b[at] {
            b'"' | b'\'' => self.unquote(at, end)?,
            _ => (Cow::Borrowed(&self.text[at..end]), ScalarStyle::Plain),
        };
        self.counts.add_scalar(value.len());
        Some(Key {
            name: key_text(value, style)?,
            span: Span::new(at, end),
        })
    }

    /// The value of a key whose line ends after the `:`: a block collection indented further
    /// on the next lines, or null.
    fn nested(&mut self, column: usize, key_end: usize) -> Option<Node> {
        match self.content() {
            Some((next, at)) if next > column => {
                let eol = self.line_end(self.line);
                // `-` starts a list (whose items refuse `-` alone and `-x`, as the scalar
                // resolution refuses a key `-x`).
                if self.b[at] == b'-' {
                    self.block_seq(next)
                } else if self.key_at(at, eol).is_some() {
                    self.block_mapping(next)
                } else {
                    None
                }
            }
            // A list at the key's own indentation is left over for the caller to refuse.
            // The parser reads the missing value as the scalar `~`, and its budget counts that
            // byte.
            _ => {
                self.counts.add_scalar("~".len());
                Some(Node {
                    value: Value::Null,
                    span: Span::new(key_end, key_end),
                })
            }
        }
    }

    /// A block sequence whose dashes stand at column `column`, the first on the current line.
    fn block_seq(&mut self, column: usize) -> Option<Node> {
        self.enter()?;
        self.counts.add_collection();
        let start = self.line + column;
        let mut items = vec![self.item_of_seq(start)?];
        // A line at this column is the next item; a line left of it ends the list. A line that
        // no collection takes is left over, and the item is then the event builder's.
        while let Some((next, dash)) = self.content()
            && next == column
        {
            if self.b[dash] != b'-' {
                return None;
            }
            items.push(self.item_of_seq(dash)?);
        }
        self.depth -= 1;
        let end = items[items.len() - 1].span.end;
        Some(Node {
            value: Value::Seq(items),
            span: Span::new(start, end),
        })
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_NESTING).then_some(())
    }

    /// Where a plain scalar that starts at `at` ends (before trailing spaces, a comment, a `: `
    /// or, in a flow collection, a flow indicator); `None` for what it does not read as one.
    fn plain_end(&self, at: usize, eol: usize, flow: bool) -> Option<usize> {
        let b = self.b;
        // A `-` is let through: the scalar's resolution refuses a plain scalar that starts with
        // one unless it is a number (`- x`, `-`, `-x` are the event builder's).
        match b[at] {
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => return None,
            _ => {}
        }
        let mut i = at;
        let mut end = at;
        while i < eol {
            match b[i] {
                b':' if i + 1 == eol || b[i + 1] == b' ' => break,
                // In a flow collection, `:` anywhere and the flow indicators are left alone.
                b':' | b',' | b'[' | b']' | b'{' | b'}' if flow => {
                    if b[i] == b':' {
                        return None;
                    }
                    break;
                }
                b'#' if b[i - 1] == b' ' => break,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        // Empty only at the line's end inside a flow collection, which then refuses the line.
        Some(end)
    }

    /// Where a quoted scalar that starts at `at` ends (after its closing quote), on this line.
    fn quoted_end(&self, at: usize, eol: usize) -> Option<usize> {
        let quote = self.b[at];
        let mut i = at + 1;
        while i < eol {
            match self.b[i] {
                b'\\' if quote == b'"' => return None,
                c if c == quote => {
                    // `''` inside single quotes (never across `eol`: a line feed, or the next
                    // item's indentation).
                    if quote == b'\'' && self.b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(i + 1);
                }
                _ => i += 1,
            }
        }
        None
    }

    /// The text of the quoted scalar `text[at..end]`, its quotes included.
    fn unquote(&self, at: usize, end: usize) -> Option<(Cow<'a, str>, ScalarStyle)> {
        let inner = &self.text[at + 1..end - 1];
        Some(if self.b[at] == b'\'' {
            let value = if inner.contains("''") {
                Cow::Owned(inner.replace("''", "'"))
            } else {
                Cow::Borrowed(inner)
            };
            (value, ScalarStyle::SingleQuoted)
        } else {
            (Cow::Borrowed(inner), ScalarStyle::DoubleQuoted)
        })
    }

    /// A quoted scalar that starts at `at`, and where it ends.
    fn quoted(&mut self, at: usize, eol: usize) -> Option<(Node, usize)> {
        let end = self.quoted_end(at, eol)?;
        let (value, style) = self.unquote(at, end)?;
        Some((self.scalar_node(value, style, Span::new(at, end))?, end))
    }

    /// A flow list or mapping that starts at `at` and closes on this line, and where it ends
    /// (after the closing bracket).
    fn flow(&mut self, at: usize, eol: usize) -> Option<(Node, usize)> {
        self.enter()?;
        self.counts.add_collection();
        let map = self.b[at] == b'{';
        let close = if map { b'}' } else { b']' };
        let mut i = self.spaces(at + 1, eol);
        let mut items = Vec::new();
        let mut entries = Vec::new();
        if self.b.get(i) == Some(&close) {
            i += 1;
        } else {
            loop {
                if map {
                    let key_end = match self.b.get(i)? {
                        b'"' | b'\'' => self.quoted_end(i, eol)?,
                        _ => self.plain_end(i, eol, true)?,
                    };
                    if self.b.get(key_end) != Some(&b':') || self.b.get(key_end + 1) != Some(&b' ')
                    {
                        return None;
                    }
                    let key = self.key(i, key_end)?;
                    let v = self.spaces(key_end + 1, eol);
                    let (value, after) = self.flow_value(v, eol)?;
                    entries.push((key, value));
                    i = self.spaces(after, eol);
                } else {
                    let (value, after) = self.flow_value(i, eol)?;
                    items.push(value);
                    i = self.spaces(after, eol);
                }
                match self.b.get(i)? {
                    b',' => {
                        i = self.spaces(i + 1, eol);
                        // A trailing comma, or an empty entry: left to the event builder.
                        if matches!(self.b.get(i)?, b',' | b']' | b'}') {
                            return None;
                        }
                    }
                    &c if c == close => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        if i > eol {
            return None;
        }
        self.depth -= 1;
        let last_end = if map {
            if repeats_a_key(&entries) {
                return None;
            }
            entries.last().map(|(_, v): &(Key, Node)| v.span.end)
        } else {
            items.last().map(|v: &Node| v.span.end)
        };
        // An empty collection's span is its opening bracket.
        let span = Span::new(at, last_end.unwrap_or(at + 1));
        let value = if map {
            Value::Map(entries)
        } else {
            Value::Seq(items)
        };
        Some((Node { value, span }, i))
    }

    /// A value inside a flow collection, and where it ends.
    fn flow_value(&mut self, at: usize, eol: usize) -> Option<(Node, usize)> {
        match *self.b.get(at)? {
            b'[' | b'{' => self.flow(at, eol),
            b'"' | b'\'' => self.quoted(at, eol),
            _ => {
                let end = self.plain_end(at, eol, true)?;
                let node = self.scalar_node(
                    Cow::Borrowed(&self.text[at..end]),
                    ScalarStyle::Plain,
                    Span::new(at, end),
                )?;
                Some((node, end))
            }
        }
    }

    fn spaces(&self, mut i: usize, eol: usize) -> usize {
        while i < eol && self.b[i] == b' ' {
            i += 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::super::events;
    use super::*;

    /// What the event builder makes of the one item at `text[range]`.
    fn built(text: &str, range: std::ops::Range<usize>) -> Option<Node> {
        let mut items = Vec::new();
        let mut counts = Counts::default();
        let root = events::build_in(text, range, 1, Some(&mut |n| items.push(n)), &mut counts)?;
        (matches!(root.value, Value::Seq(_)) && items.len() == 1).then(|| items.remove(0))
    }

    /// The line reader's item and the event builder's, for a list of one item.
    fn both(lines: &str) -> (Option<Node>, Option<Node>) {
        let text = format!("rules:\n{lines}");
        let range = "rules:\n".len()..text.len();
        (
            item(&text, range.clone()).map(|(n, _)| n),
            built(&text, range),
        )
    }

    /// Every rule `amlguard generate rules` writes is read line by line.
    #[test]
    fn generated_rules_are_read_line_by_line() {
        let text = crate::generate::rules_yaml(300, 5, 7);
        let starts: Vec<usize> = text.match_indices("\n  - ").map(|(i, _)| i + 1).collect();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            let (node, _) =
                item(&text, start..end).unwrap_or_else(|| panic!("{}", &text[start..end]));
            assert_eq!(Some(node), built(&text, start..end));
        }
    }

    /// Items of the shapes this reader reads give the event builder's tree and spans.
    #[test]
    fn read_shapes_match_the_event_builder() {
        for lines in [
            "  - name: a b # c\n    x: \"q\"\n    y:\n    z: [a, \"b\", {c: d}]\n",
            "  - w:\n      - 1\n      - k: v\n        j: 2\n    n: \n",
            "  - plain\n",
            "  - [x]\n",
            "  - []\n",
            "  - x: []\n    y: {}\n    s: 'it''s'\n    v: [ a , b ]\n    u: {a: 1, b: [2]}\n",
            "  - a: # c\n    b: 1\n\n    # between\n    c: -2.5\n",
            "  - 'k': v\n    \"l\": true\n    m: null\n    o: ~\n    p: http://x/y?z=1\n",
            "  - url: a:b\n    t: x,y]z\n    h: a#b\n",
            "  -   spaced: 1\n      next: 2\n",
            "  - a:\n      b:\n        c: [[1, 2], {d: [e]}]\n",
            "  - metric: Failed Runs\n    threshold: 0\n",
            "  - x:\n      a b: 1\n",
            "  - a: 'x\\y'\n",
            "  - x: {'k': 1, \"l\": [2]}\n",
            // More collections one after the other than the reader nests deep.
            &format!(
                "  - k: 1\n{}",
                (0..20)
                    .map(|i| format!("    k{i}: [{{a: [1]}}]\n    m{i}:\n      - n: 1\n"))
                    .collect::<String>()
            ),
        ] {
            let (fast, slow) = both(lines);
            assert!(fast.is_some(), "not read: {lines:?}");
            assert_eq!(fast, slow, "{lines:?}");
        }
    }

    /// Shapes it leaves to the event builder (which reads some and rejects others).
    #[test]
    fn other_shapes_are_left_to_the_event_builder() {
        for lines in [
            "  -\n    a: 1\n",
            // Not an item: a key `-x` (a list's items never reach the reader this way).
            "  -x: 1\n",
            "  - a: |\n      text\n",
            "  - a: >\n      text\n",
            "  - a: b\n      continued\n",
            "  - a: \"x\\ty\"\n",
            "  - a: &x 1\n",
            "  - a: *x\n",
            "  - a: !!str 1\n",
            "  - a: 1\n    a: 2\n",
            "  - a:\n    - 1\n",
            "  - a: [1,]\n",
            "  - a: [1, , 2]\n",
            "  - a: [1,\n      2]\n",
            "  - a: {b:1}\n",
            "  - a: 1e3\n",
            "  - a: +1\n",
            "  - a: .5\n",
            "  - a:\tb\n",
            "  - a: b\r\n",
            "  - a: é\n",
            "  - 1: a\n",
            "  - true: a\n",
            "  - a : b\n",
            "  - a: b: c\n",
            "  - a: [b]#c\n",
            "  - ? a\n    : b\n",
            "  - - 1\n",
            "  - a: 1\n   b: 2\n",
            "  - a: 1\n      b: 2\n",
            "  - a: 'x\n      y'\n",
            // A flow mapping's key not followed by `: `.
            "  - x: {\"a\"  b}\n",
            "  - x: {a}\n",
            // Unclosed at the very end of the text.
            "  - a: 'x",
            "  - a: [x",
            "  - a: [x, ",
        ] {
            let (fast, _) = both(lines);
            assert_eq!(fast, None, "read: {lines:?}");
        }
    }

    /// Pieces of rule files, joined into lines of one item.
    fn line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            4 => Just("a".to_string()),
            2 => Just("Failed Runs".to_string()),
            3 => Just(": ".to_string()),
            2 => Just(":".to_string()),
            2 => Just("- ".to_string()),
            2 => Just("-".to_string()),
            3 => Just(" ".to_string()),
            2 => Just("[".to_string()),
            2 => Just("]".to_string()),
            2 => Just("{".to_string()),
            2 => Just("}".to_string()),
            2 => Just(", ".to_string()),
            1 => Just(",".to_string()),
            2 => Just("\"".to_string()),
            2 => Just("'".to_string()),
            1 => Just(" #".to_string()),
            1 => Just("#".to_string()),
            2 => Just("1".to_string()),
            1 => Just("-2.5".to_string()),
            1 => Just("0.".to_string()),
            1 => Just("~".to_string()),
            1 => Just("true".to_string()),
            1 => Just("null".to_string()),
            1 => Just("|".to_string()),
            1 => Just("&".to_string()),
            1 => Just("?".to_string()),
            1 => Just("\\".to_string()),
            1 => Just("''".to_string()),
            1 => "[ -~]{1,3}",
        ];
        (0usize..9, proptest::collection::vec(piece, 0..7))
            .prop_map(|(indent, p)| format!("{}{}\n", " ".repeat(indent), p.concat()))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Whatever an item's lines hold, what the line reader reads is what the event builder
        /// builds, spans included, and nothing it reads is an error to the event builder.
        #[test]
        fn the_line_reader_agrees_with_the_event_builder(
            first in line(),
            rest in proptest::collection::vec(line(), 0..6),
        ) {
            let first = format!("  - {}", first.trim_start());
            let lines = format!("{first}{}", rest.iter().map(|l| format!("   {l}")).collect::<String>());
            let (fast, slow) = both(&lines);
            if fast.is_some() {
                proptest::prop_assert_eq!(fast, slow, "{:?}", lines);
            }
        }

        /// What the line reader counts of an item is what the event builder counts of it, less
        /// the list around it (its stream, document and sequence markers and the sequence node):
        /// the budgets see the same document whichever reader read each item.
        #[test]
        fn the_line_reader_counts_what_the_event_builder_counts(
            first in line(),
            rest in proptest::collection::vec(line(), 0..6),
        ) {
            let first = format!("  - {}", first.trim_start());
            let lines = format!("{first}{}", rest.iter().map(|l| format!("   {l}")).collect::<String>());
            let text = format!("rules:\n{lines}");
            let range = "rules:\n".len()..text.len();
            if let Some((_, mut by_lines)) = item(&text, range.clone()) {
                let mut by_events = Counts::default();
                events::build_in(&text, range, 1, Some(&mut |_| ()), &mut by_events).unwrap();
                let mut list = Counts::default();
                events::build_in("- ~\n", 0..4, 1, None, &mut list).unwrap();
                let mut lone = Counts::default();
                lone.add_scalar("~".len());
                // `list` is the one-item list `- ~`: the list around an item, and the item `~`.
                by_lines.add(list);
                let mut expected = by_events;
                expected.add(lone);
                proptest::prop_assert_eq!(by_lines, expected, "{:?}", lines);
            }
        }

        /// Generated rules with a piece put in anywhere: the same agreement.
        #[test]
        fn edited_rules_agree_with_the_event_builder(
            seed in 0u64..1000,
            at in proptest::prelude::any::<proptest::sample::Index>(),
            piece in line(),
        ) {
            let rule = crate::generate::rules_yaml(1, seed, 2);
            let mut lines = rule["rules:\n".len()..].to_string();
            let at = at.index(lines.len() - 4) + 4;
            lines.insert_str(at, piece.trim_end_matches('\n'));
            let (fast, slow) = both(&lines);
            if fast.is_some() {
                proptest::prop_assert_eq!(fast, slow, "{:?}", lines);
            }
        }
    }
}
