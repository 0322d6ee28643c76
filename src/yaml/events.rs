//! The common case in one pass: a [`Node`] tree built straight from the YAML parser's events.
//!
//! serde-saphyr's `Spanned<T>` path costs three quarters of a lint run: a serde state machine per
//! value, a map-shaped detour per span, and a second tree to convert. Rule files are plain data,
//! so this builder reads the same parser's events (serde-saphyr's own parser, with the same
//! options) and resolves scalars the way serde-saphyr does for the forms it recognises. Whatever
//! it is not sure of — a tag, an anchor or alias, a merge key, a repeated key, a number in any
//! but the plain decimal forms, a document near a budget limit, a syntax error — makes it give
//! up, and [`super::parse`] reads the text through serde-saphyr, whose checks and messages stay
//! the only ones users see. Debug builds compare the two on every document the tests parse.

use std::borrow::Cow;
use std::ops::Range;

use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle};

use super::{Key, MAX_EVENTS, MAX_NODES, Node, Value};
use crate::source::Span;

/// serde-saphyr's default limits that this builder must not exceed unnoticed: nesting depth
/// and bytes of scalar text. It stops well short of each (and of the event and node budgets).
pub(super) const MAX_DEPTH: usize = 60;
const MAX_SCALAR_BYTES: usize = 60 << 20;
const MARGIN: usize = 1_000_000;

/// A collection being read.
enum Frame {
    Seq(Span, Vec<Node>),
    /// The mapping's span, its entries, and the key whose value comes next.
    Map(Span, Vec<(Key, Node)>, Option<Key>),
}

/// What a document (or a part of one) spent of serde-saphyr's budgets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    events: usize,
    nodes: usize,
    scalar_bytes: usize,
}

impl Counts {
    /// Adds another part's counts.
    pub fn add(&mut self, other: Counts) {
        self.events += other.events;
        self.nodes += other.nodes;
        self.scalar_bytes += other.scalar_bytes;
    }

    /// One scalar event of `len` bytes of text.
    pub(super) fn add_scalar(&mut self, len: usize) {
        self.events += 1;
        self.nodes += 1;
        self.scalar_bytes += len;
    }

    /// One collection: its start and end events.
    pub(super) fn add_collection(&mut self) {
        self.events += 2;
        self.nodes += 1;
    }

    /// Whether these counts stay clear of every budget serde-saphyr would enforce.
    pub fn fit(&self) -> bool {
        self.events <= MAX_EVENTS - MARGIN
            && self.nodes <= MAX_NODES - MARGIN
            && self.scalar_bytes <= MAX_SCALAR_BYTES
    }
}

/// The document's tree, or `None` when serde-saphyr must read it (see the module docs).
pub(super) fn build(text: &str) -> Option<Node> {
    let mut counts = Counts::default();
    build_in(text, 0..text.len(), 0, None, &mut counts)
}

/// The tree of the document `text[range]`, its spans offsets in `text`, read as if it stood
/// `depth` levels deep in a larger document. With `on_item`, each item of a root sequence is
/// handed over as soon as it is read instead of being kept in the tree.
pub(super) fn build_in(
    text: &str,
    range: Range<usize>,
    depth: usize,
    mut on_item: Option<&mut dyn FnMut(Node)>,
    counts: &mut Counts,
) -> Option<Node> {
    let base = range.start;
    let part = text.get(range)?;
    let mut parser = Parser::new_from_str_with_options(part, parser_options());
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, at) = next.ok()?;
        counts.events += 1;
        if !counts.fit() {
            return None;
        }
        let span = span_of(&at, base, part.len())?;
        let node = match event {
            Event::StreamStart | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                counts.nodes += 1;
                counts.scalar_bytes += value.len();
                if !counts.fit() {
                    return None;
                }
                if let Some(Frame::Map(_, _, key @ None)) = stack.last_mut() {
                    *key = Some(Key {
                        name: key_text(value, style)?,
                        span,
                    });
                    continue;
                }
                Node {
                    value: scalar(value, style)?,
                    span,
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                // A collection as a mapping key is serde-saphyr's to judge.
                if anchor != 0
                    || tag.is_some()
                    || matches!(stack.last(), Some(Frame::Map(_, _, None)))
                {
                    return None;
                }
                counts.nodes += 1;
                if !counts.fit() || depth + stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq(span, Vec::new()),
                    _ => Frame::Map(span, Vec::new(), None),
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Frame::Seq(mut span, items) => {
                    if let Some(last) = items.last() {
                        span.end = span.end.max(last.span.end);
                    }
                    Node {
                        value: Value::Seq(items),
                        span,
                    }
                }
                Frame::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Frame::Map(mut span, entries, None) => {
                    if repeats_a_key(&entries) {
                        return None;
                    }
                    if let Some((_, last)) = entries.last() {
                        span.end = span.end.max(last.span.end);
                    }
                    Node {
                        value: Value::Map(entries),
                        span,
                    }
                }
                _ => return None,
            },
            // Aliases, anchors' names, comments: not plain data.
            _ => return None,
        };
        match (stack.as_mut_slice(), &mut on_item) {
            ([], _) if root.is_none() => root = Some(node),
            ([Frame::Seq(..)], Some(f)) => f(node),
            ([.., Frame::Seq(_, items)], _) => items.push(node),
            ([.., Frame::Map(_, entries, key @ Some(_))], _) => entries.push((key.take()?, node)),
            _ => return None,
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// The parser options serde-saphyr derives from [`super::options`]'s budget.
fn parser_options() -> granit_parser::Options {
    let saphyr = super::options();
    let budget = saphyr.budget.unwrap_or_default();
    let mut options = granit_parser::Options::default();
    options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
    options.flow_nesting_limit = budget.flow_nesting_limit;
    options.block_nesting_limit = options
        .block_nesting_limit
        .max(budget.max_depth.saturating_add(1));
    options.strict_indentation = saphyr.strict_indentation;
    options.bom_inside_document_as_content = saphyr.bom_inside_document_as_content;
    options.set_emit_comments(false);
    options
}

/// The event's byte range in a part of `len` bytes at `base`, as serde-saphyr's location gives
/// it.
fn span_of(at: &granit_parser::Span, base: usize, len: usize) -> Option<Span> {
    let offset = at.start.byte_offset()?;
    let start = offset.min(len);
    let end = (start + at.end.byte_offset()?.saturating_sub(offset)).min(len);
    Some(Span::new(base + start, base + end))
}

/// A scalar's value, resolved as serde-saphyr resolves an untagged scalar (YAML 1.2 core schema,
/// strict booleans), or `None` for the forms left to it.
pub(super) fn scalar(value: Cow<'_, str>, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(value.into_owned()));
    }
    Some(match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        s => match s.as_bytes()[0] {
            b'0'..=b'9' | b'-' => decimal(s)?,
            // Signs, leading dots (`.inf`, `.5`) and underscores are numbers' business.
            b'+' | b'.' | b'_' => return None,
            _ => Value::String(value.into_owned()),
        },
    })
}

/// `-?(0|[1-9][0-9]*)` as an integer and the same followed by `.` and digits as a float, short
/// enough that neither overflows; every other spelling is `None`.
fn decimal(s: &str) -> Option<Value> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let plain = |d: &str| !d.is_empty() && d.len() <= 17 && d.bytes().all(|b| b.is_ascii_digit());
    if !plain(int) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    match frac {
        None => s.parse().ok().map(Value::Int),
        Some(frac) if plain(frac) => s.parse().ok().map(Value::Float),
        Some(_) => None,
    }
}

/// A mapping key's text: a string (quoted, or plain and not a null, boolean or number), and
/// not the merge key `<<`.
pub(super) fn key_text(value: Cow<'_, str>, style: ScalarStyle) -> Option<String> {
    if value == "<<" {
        return None;
    }
    match scalar(value, style)? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// Whether two entries share a key (serde-saphyr reports that).
pub(super) fn repeats_a_key(entries: &[(Key, Node)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries[..i].iter().any(|(j, _)| j.name == k.name));
    }
    let mut names: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(events: usize, nodes: usize, scalar_bytes: usize) -> Counts {
        Counts {
            events,
            nodes,
            scalar_bytes,
        }
    }

    /// Each budget is added up on its own.
    #[test]
    fn counts_add_up_each_budget() {
        let mut c = counts(1, 2, 3);
        c.add(counts(10, 20, 30));
        assert_eq!(c, counts(11, 22, 33));
        c.add_scalar(7);
        assert_eq!(c, counts(12, 23, 40));
        c.add_collection();
        assert_eq!(c, counts(14, 24, 40));
    }

    /// Counts fit up to each budget's edge (less the margin for what a part does not see), and
    /// not one past it.
    #[test]
    fn counts_fit_up_to_each_budget_edge() {
        let events = MAX_EVENTS - MARGIN;
        let nodes = MAX_NODES - MARGIN;
        assert!(counts(events, nodes, MAX_SCALAR_BYTES).fit());
        assert!(!counts(events + 1, 0, 0).fit());
        assert!(!counts(0, nodes + 1, 0).fit());
        assert!(!counts(0, 0, MAX_SCALAR_BYTES + 1).fit());
    }

    /// A stream of more than one document is serde-saphyr's to refuse, empty documents too.
    #[test]
    fn a_second_document_is_left_to_serde_saphyr() {
        for text in [
            "a: 1\n---\nb: 2\n",
            "a: 1\n---\n",
            "a: 1\n...\n---\n",
            "---\n---\n",
            "--- a\n--- b\n",
            "a: 1\n--- # only a comment\n...\n",
        ] {
            assert_eq!(build(text), None, "{text:?}");
        }
        assert!(build("---\na: 1\n...\n").is_some());
    }

    /// An anchored or tagged collection is serde-saphyr's to read, as an anchored or tagged
    /// scalar is; comments and a byte-order mark are not (rule files are full of comments).
    #[test]
    fn anchors_and_tags_are_left_to_serde_saphyr_and_comments_are_not() {
        for text in [
            "a: &x [1]\n",
            "a: &x {b: 1}\n",
            "a: !!seq [1]\n",
            "a: !custom {b: 1}\n",
            "a: &x\n  - 1\n",
        ] {
            assert_eq!(build(text), None, "{text:?}");
        }
        for text in [
            "# a rule file\na: 1 # the first\nb: [1, 2] # a list\n",
            "\u{feff}a: 1\n",
        ] {
            assert!(build(text).is_some(), "{text:?}");
        }
    }

    /// Numbers in any but the plain decimal forms are serde-saphyr's: it reads an exponent,
    /// and refuses one past a float's range, which must not slip through as infinity.
    #[test]
    fn only_plain_decimals_are_read_here() {
        for (text, value) in [
            ("-12", Value::Int(-12)),
            ("0.25", Value::Float(0.25)),
            ("12345678901234567", Value::Int(12345678901234567)),
        ] {
            assert_eq!(
                scalar(text.into(), ScalarStyle::Plain),
                Some(value),
                "{text}"
            );
        }
        for text in [
            "1.5e3",
            "1.5e500",
            "1.",
            "1.5_0",
            "1e5",
            "123456789012345678",
            "01",
        ] {
            assert_eq!(scalar(text.into(), ScalarStyle::Plain), None, "{text}");
        }
        let error = super::super::parse("a: 1.5e500\n").unwrap_err();
        assert_eq!(error.message, "value `1.5e500` is not a finite number");
    }

    /// A whole document is counted event by event: its stream and document markers, each
    /// collection's start and end and each scalar (keys too), and the scalars' bytes.
    #[test]
    fn a_document_is_counted_event_by_event() {
        let mut c = Counts::default();
        let text = "a: [bc, 1]\n";
        let node = build_in(text, 0..text.len(), 0, None, &mut c).unwrap();
        assert!(matches!(node.value, Value::Map(_)));
        // stream start and end, document start and end, two collections, three scalars.
        assert_eq!(c, counts(4 + 2 * 2 + 3, 2 + 3, "abc1".len()));
    }
}
