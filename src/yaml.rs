//! A YAML document as a tree of nodes that each know their source span.
//!
//! Parsing is done by `serde-saphyr` (panic-free, with budgets against alias bombs and
//! duplicate-key detection); its `Spanned<T>` wrapper gives every key and value its byte
//! range, which the rule and catalog readers turn into exact diagnostics. Plain documents (no
//! tags, anchors, aliases or merge keys: every rule file in practice) are built in one pass from
//! the same parser's events instead ([`events`]), with the same tree and spans; anything else,
//! and every error, goes through serde-saphyr.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use crate::source::Span;

mod events;
mod lines;

/// A YAML value with the span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

impl Value {
    /// What a user would call this kind of value, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A document that could not be parsed, with the span where parsing stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// The budget's limits on tokens and values; generous enough for tens of thousands of rules.
const MAX_EVENTS: usize = 20_000_000;
const MAX_NODES: usize = 10_000_000;

/// Limits for one document.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_events = MAX_EVENTS;
    budget.max_nodes = MAX_NODES;
    let mut opts = Options::default();
    opts.duplicate_keys = DuplicateKeyPolicy::Error;
    // YAML 1.2 booleans only (`true`, `false`): a rule named `n` or a dimension value `N`, `on`
    // or `yes` is text, as in Azure and in every YAML 1.2 reader.
    opts.strict_booleans = true;
    opts.budget = Some(budget);
    opts
}

pub use events::Counts;

/// Reads the items of a block list that start at `starts` (each item ends where the next
/// starts, the last at `end`), a part cut from a larger document `text` where the list stands
/// `depth` levels deep, handing each item to `each` as soon as it is read (spans are offsets in
/// `text`): a long list is never held whole. An item of the commonest shape is read line by
/// line ([`lines`]), any other by the parser's events ([`events`]). `None` when an item is not
/// plain data; then [`parse`] must read the whole document, which reports what is wrong. The
/// caller adds up the parts' [`Counts`] and checks that they [`Counts::fit`] the budgets that
/// [`parse`] enforces on the whole.
pub fn each_item(
    text: &str,
    starts: &[usize],
    end: usize,
    depth: usize,
    mut each: impl FnMut(Node),
) -> Option<Counts> {
    let mut counts = Counts::default();
    for (i, &start) in starts.iter().enumerate() {
        let next = starts.get(i + 1).copied().unwrap_or(end);
        let range = start..next;
        // For the event builder, the item reaches up to the next item's dash: a scalar that
        // ends the item (a block scalar) takes in that line's indentation, as it does when the
        // whole list is parsed.
        let to_dash = next
            + text.as_bytes()[next..]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
        // The line reader nests at most `lines::MAX_NESTING` deep, within the events' limit.
        let by_lines = (depth + lines::MAX_NESTING < events::MAX_DEPTH)
            .then(|| lines::item(text, range.clone()))
            .flatten();
        match by_lines {
            Some((node, spent)) => {
                // Every test run checks the line reader against the event builder.
                #[cfg(debug_assertions)]
                {
                    let mut built = Vec::new();
                    let mut scratch = Counts::default();
                    let root = events::build_in(
                        text,
                        start..to_dash,
                        depth,
                        Some(&mut |n| built.push(n)),
                        &mut scratch,
                    );
                    debug_assert!(root.is_some(), "{:?}", &text[start..]);
                    debug_assert_eq!(built, std::slice::from_ref(&node));
                }
                counts.add(spent);
                each(node);
            }
            None => {
                let root =
                    events::build_in(text, start..to_dash, depth, Some(&mut each), &mut counts)?;
                if !matches!(root.value, Value::Seq(_)) {
                    return None;
                }
            }
        }
        if !counts.fit() {
            return None;
        }
    }
    Some(counts)
}

/// The tree of the document `text[range]` (spans are offsets in `text`) and what it spent of the
/// budgets, when it is plain data that the one-pass builder reads; `None` otherwise.
pub fn plain_part(text: &str, range: std::ops::Range<usize>) -> Option<(Node, Counts)> {
    let mut counts = Counts::default();
    let node = events::build_in(text, range, 0, None, &mut counts)?;
    Some((node, counts))
}

/// Parses one YAML document. An empty document (only comments or blanks) is `Ok(None)`.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    if text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    }) {
        return Ok(None);
    }
    if let Some(node) = events::build(text) {
        // Every test run checks the shortcut against serde-saphyr's reading of the same text.
        #[cfg(debug_assertions)]
        if text.len() <= 1 << 16 {
            let full = serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, options());
            debug_assert_eq!(
                full.ok().map(|n| spanned_node(n, text)).as_ref(),
                Some(&node)
            );
        }
        return Ok(Some(node));
    }
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, options()) {
        Ok(n) => Ok(Some(spanned_node(n, text))),
        Err(e) => {
            let mut span = e
                .location()
                .map(|loc| location_span(&loc, text))
                .unwrap_or_default();
            let tab = tab_error(&e);
            if let Some(at) = tab.and_then(|kind| tab_offset(kind, text, span.start)) {
                span = Span::new(at, at + 1);
            }
            let message = match tab {
                Some(TabError::AtBlockScalarStart) => {
                    "a tab starts the first line of this block scalar: indent it with spaces"
                        .to_string()
                }
                Some(_) => "a tab in the indentation: YAML indents with spaces only".to_string(),
                None => user_message(&e),
            };
            Err(YamlError { message, span })
        }
    }
}

/// What went wrong, in the terms of someone writing YAML rather than of the parser's API
/// (serde-saphyr's own messages name its `Options` and print budget structs).
fn user_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::{Error, MessageFormatter, UserMessageFormatter};
    let mut inner = e;
    while let Error::WithSnippet { error, .. } | Error::AliasError { error, .. } = inner {
        inner = error;
    }
    match inner {
        Error::DuplicateMappingKey { key: Some(k), .. } => {
            format!("the key `{k}` appears twice in one mapping")
        }
        Error::DuplicateMappingKey { key: None, .. } => {
            "a key appears twice in one mapping".to_string()
        }
        Error::UnknownAnchor { .. } => {
            "this alias (`*name`) refers to no anchor (`&name`) defined before it".to_string()
        }
        Error::InvalidScalar { ty, .. } => {
            let tag = match *ty {
                t if t.starts_with('u') || t.starts_with('i') => "!!int",
                t if t.starts_with('f') => "!!float",
                _ => "its tag",
            };
            format!("this value is not what {tag} says it is")
        }
        Error::BinaryNotUtf8 { .. } => "a `!!binary` value that is not UTF-8 text".to_string(),
        Error::MultipleDocuments { .. } => {
            "more than one YAML document (`---`) in one file".to_string()
        }
        Error::Budget { breach, .. } => {
            format!(
                "the document is too large to read: {}",
                breach_reason(breach)
            )
        }
        other => first_line(&UserMessageFormatter.format_message(other)),
    }
}

/// Which of the parser's budgets a document went over, in a user's words.
fn breach_reason(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach;
    match breach {
        BudgetBreach::Events { events } => {
            format!("more than {} YAML tokens", events.saturating_sub(1))
        }
        BudgetBreach::Nodes { nodes } => {
            format!("more than {} values", nodes.saturating_sub(1))
        }
        BudgetBreach::Depth { depth } => {
            format!("nesting deeper than {} levels", depth.saturating_sub(1))
        }
        BudgetBreach::ScalarBytes { total_scalar_bytes } => {
            format!("{total_scalar_bytes} bytes of text in its values")
        }
        BudgetBreach::Documents { documents } => {
            format!("{documents} YAML documents")
        }
        BudgetBreach::MergeKeys { merge_keys } => {
            format!("{merge_keys} merge keys (`<<`)")
        }
        BudgetBreach::Aliases { .. }
        | BudgetBreach::Anchors { .. }
        | BudgetBreach::AliasAnchorRatio { .. }
        | BudgetBreach::RecordedAnchorEvents { .. }
        | BudgetBreach::RecordedAnchorBytes { .. } => {
            "aliases (`*name`) that expand to more than a rule file can hold \
             (an alias bomb?)"
                .to_string()
        }
        _ => "more than a rule file can hold".to_string(),
    }
}

/// The parser's message without the position prefix or suffix it adds: the span carries that.
fn first_line(msg: &str) -> String {
    let mut line = msg.lines().next().unwrap_or("invalid YAML").trim();
    line = line.strip_prefix("error: ").unwrap_or(line);
    if line.starts_with("line ")
        && let Some(i) = line.find(": ")
    {
        line = &line[i + 2..];
    }
    match line.find(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}

/// The tab errors the scanner can report, which it locates at the start of the scalar or
/// after the whitespace rather than at the tab itself.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TabError {
    /// A continuation line of a plain scalar is indented with a tab.
    InPlainScalar,
    /// A line of a block mapping or sequence is indented with a tab.
    InBlockIndentation,
    /// The first line of a block scalar (`|`, `>`) starts with a tab.
    AtBlockScalarStart,
}

fn tab_error(e: &serde_saphyr::Error) -> Option<TabError> {
    use serde_saphyr::granit_parser::ErrorKind;
    use serde_saphyr::{Error, ExternalMessageSource};
    let mut inner = e;
    while let Error::WithSnippet { error, .. } | Error::AliasError { error, .. } = inner {
        inner = error;
    }
    let Error::ExternalMessage { source, .. } = inner else {
        return None;
    };
    let ExternalMessageSource::Parser(scan) = &**source else {
        return None;
    };
    match scan.kind() {
        ErrorKind::TabInPlainScalar => Some(TabError::InPlainScalar),
        ErrorKind::TabInBlockIndentation => Some(TabError::InBlockIndentation),
        ErrorKind::TabAtBlockScalarStart => Some(TabError::AtBlockScalarStart),
        _ => None,
    }
}

/// The byte offset of the tab behind `kind`, given where the parser located the error.
fn tab_offset(kind: TabError, text: &str, at: usize) -> Option<usize> {
    let at = at.min(text.len());
    match kind {
        TabError::InPlainScalar => {
            // The first line after the scalar's start whose indentation holds a tab and that
            // has content (a blank or comment-only line may hold tabs).
            let mut start = at + text[at..].find('\n')? + 1;
            while start < text.len() {
                let line = line_at(text, start);
                let (indent, content) = split_indent(line);
                if let Some(tab) = indent.find('\t')
                    && !content.is_empty()
                    && !content.starts_with('#')
                {
                    return Some(start + tab);
                }
                start += line.len() + 1;
            }
            None
        }
        TabError::InBlockIndentation => {
            // The parser stops after the line's whitespace: the tab is in it.
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let (indent, _) = split_indent(line_at(text, start));
            indent.find('\t').map(|tab| start + tab)
        }
        TabError::AtBlockScalarStart => {
            // The parser points at the `|` or `>`: the tab starts the next line.
            let start = at + text[at..].find('\n')? + 1;
            (text[start..].starts_with('\t')).then_some(start)
        }
    }
}

/// The line that starts at byte `start`, without its `\n`.
fn line_at(text: &str, start: usize) -> &str {
    let line = &text[start..];
    &line[..line.find('\n').unwrap_or(line.len())]
}

/// A line's leading blanks (spaces and tabs) and the rest, without a trailing `\r`.
fn split_indent(line: &str) -> (&str, &str) {
    let rest = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - rest.len()];
    (indent, rest.trim_end_matches('\r'))
}

fn location_span(loc: &serde_saphyr::Location, text: &str) -> Span {
    let sp = loc.span();
    if let (Some(off), Some(len)) = (sp.byte_offset(), sp.byte_len()) {
        let start = (off as usize).min(text.len());
        let end = (start + len as usize).min(text.len());
        return Span::new(start, end);
    }
    // Fall back to line/column (1-based, characters).
    let line = loc.line().max(1) as usize;
    let col = loc.column().max(1) as usize;
    let file = crate::source::SourceFile::new("", text);
    let start = file.offset_of(line, col).unwrap_or(text.len());
    Span::new(start, start)
}

fn spanned_node(n: Spanned<RawNode>, text: &str) -> Node {
    let mut span = location_span(&n.referenced, text);
    let value = match n.value {
        RawNode::Null => Value::Null,
        RawNode::Bool(b) => Value::Bool(b),
        RawNode::Int(i) => Value::Int(i),
        RawNode::Float(f) => Value::Float(f),
        RawNode::String(s) => Value::String(s),
        RawNode::Seq(items) => {
            let items: Vec<Node> = items.into_iter().map(|i| spanned_node(i, text)).collect();
            if let Some(last) = items.last() {
                span.end = span.end.max(last.span.end);
            }
            Value::Seq(items)
        }
        RawNode::Map(entries) => {
            let entries: Vec<(Key, Node)> = entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        span: location_span(&k.referenced, text),
                        name: k.value.0,
                    };
                    (key, spanned_node(v, text))
                })
                .collect();
            if let Some((_, last)) = entries.last() {
                span.end = span.end.max(last.span.end);
            }
            Value::Map(entries)
        }
    };
    Node { value, span }
}

/// The shape serde sees; converted to [`Node`] once spans are resolved to byte offsets.
enum RawNode {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<KeyText>, Spanned<RawNode>)>),
}

/// A mapping key: any scalar, as text.
struct KeyText(String);

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = map.next_key()? {
            let v = map.next_value()?;
            entries.push((k, v));
        }
        Ok(RawNode::Map(entries))
    }
}

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'v> Visitor<'v> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<KeyText, E> {
                Ok(KeyText(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText(String::new()))
            }
            fn visit_seq<A: SeqAccess<'v>>(self, _: A) -> Result<KeyText, A::Error> {
                Err(de::Error::custom("a list cannot be a mapping key"))
            }
            fn visit_map<A: MapAccess<'v>>(self, _: A) -> Result<KeyText, A::Error> {
                Err(de::Error::custom("a mapping cannot be a mapping key"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each budget a document can go over is named in a user's words, with its limit.
    #[test]
    fn budget_breaches_are_worded_for_users() {
        use serde_saphyr::budget::BudgetBreach;
        let cases = [
            (
                BudgetBreach::Events { events: 101 },
                "more than 100 YAML tokens",
            ),
            (BudgetBreach::Nodes { nodes: 51 }, "more than 50 values"),
            (
                BudgetBreach::Depth { depth: 65 },
                "nesting deeper than 64 levels",
            ),
            (
                BudgetBreach::ScalarBytes {
                    total_scalar_bytes: 7,
                },
                "7 bytes of text in its values",
            ),
            (BudgetBreach::Documents { documents: 3 }, "3 YAML documents"),
            (
                BudgetBreach::MergeKeys { merge_keys: 9 },
                "9 merge keys (`<<`)",
            ),
            (
                BudgetBreach::Aliases { aliases: 5 },
                "aliases (`*name`) that expand to more than a rule file can hold (an alias bomb?)",
            ),
            (
                BudgetBreach::Anchors { anchors: 5 },
                "aliases (`*name`) that expand to more than a rule file can hold (an alias bomb?)",
            ),
        ];
        for (breach, want) in cases {
            assert_eq!(breach_reason(&breach), want);
        }
    }

    /// The parser's position prefix and suffix are cut from its messages.
    #[test]
    fn parser_messages_lose_their_positions() {
        assert_eq!(
            first_line("line 3 column 4: did not find expected key at line 3 column 4\nmore"),
            "did not find expected key"
        );
        assert_eq!(first_line("error: bad thing"), "bad thing");
        assert_eq!(first_line("plain"), "plain");
        assert_eq!(first_line(""), "invalid YAML");
    }

    /// A document of comments, blank lines and document markers only is no document.
    #[test]
    fn comments_and_markers_alone_are_no_document() {
        for text in [
            "",
            "\n\n",
            "# only\n\n  # comments\n",
            "---\n# c\n...\n",
            "#\n---\n",
        ] {
            assert_eq!(parse(text).unwrap(), None, "{text:?}");
        }
        assert!(parse("# c\na: 1\n").unwrap().is_some());
    }

    /// "expected a list, found a string": each kind of value is named as a user would.
    #[test]
    fn value_kinds_are_named_for_messages() {
        let kind = |text: &str| parse(text).unwrap().unwrap().value.kind();
        assert_eq!(
            [
                kind("~"),
                kind("true"),
                kind("3"),
                kind("2.5"),
                kind("x"),
                kind("[1]"),
                kind("{a: 1}")
            ],
            [
                "null",
                "a boolean",
                "an integer",
                "a number",
                "a string",
                "a list",
                "a mapping"
            ]
        );
    }

    /// The parser's API (`Options`, `DuplicateKeyPolicy`, budget structs) never reaches users.
    #[test]
    fn errors_are_worded_for_users() {
        let cases = [
            (
                "rules:\n  - name: a\n    name: b\n",
                "the key `name` appears twice",
            ),
            ("a: !!int x\n", "!!int"),
            ("a: !!float x\n", "what !!float says"),
            ("rules: *x\n", "refers to no anchor"),
            ("a: 1\n---\nb: 2\n", "more than one YAML document"),
        ];
        // The parser recurses once per level before it checks the depth: more stack than a test
        // thread's default.
        let deep = std::thread::Builder::new().stack_size(64 << 20);
        let e = deep
            .spawn(|| parse(&format!("rules: {}{}", "[".repeat(100), "]".repeat(100))))
            .unwrap()
            .join()
            .unwrap()
            .expect_err("too deep");
        assert!(
            e.message.contains("nesting deeper than 64"),
            "{}",
            e.message
        );
        for (text, want) in cases {
            let e = parse(text).expect_err(want);
            assert!(e.message.contains(want), "{want}: {}", e.message);
            for internal in ["Options", "Policy", "budget", "{", "u64"] {
                assert!(!e.message.contains(internal), "{}", e.message);
            }
            assert!(e.span.end <= text.len());
        }
    }

    fn at<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.span.start..n.span.end]
    }

    #[test]
    fn spans_point_at_keys_and_scalars() {
        let text = "rules:\n  - name: a b\n    severity: 2\n    q: \"x y\"\n";
        let doc = parse(text).unwrap().unwrap();
        let Value::Map(top) = &doc.value else {
            panic!()
        };
        assert_eq!(top[0].0.name, "rules");
        assert_eq!(&text[top[0].0.span.start..top[0].0.span.end], "rules");
        let Value::Seq(rules) = &top[0].1.value else {
            panic!()
        };
        let Value::Map(rule) = &rules[0].value else {
            panic!()
        };
        assert_eq!(rule[0].0.name, "name");
        assert_eq!(at(text, &rule[0].1), "a b");
        assert_eq!(rule[1].1.value, Value::Int(2));
        assert_eq!(at(text, &rule[1].1), "2");
        assert_eq!(rule[2].1.value, Value::String("x y".into()));
        assert!(at(text, &rule[2].1).contains("x y"));
    }

    #[test]
    fn syntax_error_is_located() {
        let text = "rules:\n  - name: [unclosed\n";
        let err = parse(text).unwrap_err();
        // The span points at the bracket that is never closed: line 2, column 11.
        assert_eq!(err.span, Span::new(17, 17));
        assert_eq!(&text[17..18], "[");
        assert_eq!(err.message, "unclosed bracket '['");
    }

    /// Each tab error points at the tab (one byte), whatever position the parser gave.
    #[test]
    fn tab_errors_point_at_the_tab() {
        let cases = [
            // A plain scalar's continuation line indented with a tab: the parser locates the
            // error at the scalar (`a`, 2:11).
            (
                "rules:\n  - name: a\n\tcriteria: []\n",
                19,
                "a tab in the indentation",
            ),
            // Blank and comment-only lines may hold tabs; the one that breaks is further on.
            ("a: x\n\t# c\n  \t\n\ty\n", 14, "a tab in the indentation"),
            ("a: x\r\n\ty\r\n", 6, "a tab in the indentation"),
            // A tab after spaces: the column is the tab's, not the line's.
            ("a:\n  b: c\n \td: 1\n", 11, "a tab in the indentation"),
            // Block indentation: the parser locates it after the whitespace (2:2).
            ("a:\n\tb: 1\n", 3, "a tab in the indentation"),
            ("a:\n  b:\n  \t c: 1\n", 10, "a tab in the indentation"),
            // A block scalar's first line: the parser points at the `|`.
            (
                "a: |\n\tx\n",
                5,
                "a tab starts the first line of this block scalar",
            ),
            (
                "a: >\n\t",
                5,
                "a tab starts the first line of this block scalar",
            ),
        ];
        for (text, at, message) in cases {
            let e = parse(text).expect_err(text);
            assert_eq!(e.span, Span::new(at, at + 1), "{text:?}: {}", e.message);
            assert_eq!(&text[at..=at], "\t", "{text:?}");
            assert!(e.message.starts_with(message), "{text:?}: {}", e.message);
        }
    }

    /// Tabs that YAML allows (inside flow collections, after content, in blank lines) are no
    /// error.
    #[test]
    fn allowed_tabs_are_no_error() {
        for text in ["a:\t1\n", "a: [1,\t2]\n", "a: x\n\t\n", "a: x\t# c\n"] {
            assert!(parse(text).is_ok(), "{text:?}: {:?}", parse(text));
        }
    }

    proptest::proptest! {
        /// Wherever a tab lands in a rule file, a tab error points at a tab, and any error's
        /// span lies inside the text.
        #[test]
        fn a_tab_error_points_at_a_tab(
            lines in proptest::collection::vec(
                ("[ \t]{0,4}", "(- )?(name|criteria|x)(: ?)?(a b|\\[\\]|\\|)?[ \t]?"),
                1..6,
            )
        ) {
            let text: String = lines.iter().map(|(i, l)| format!("{i}{l}\n")).collect();
            if let Err(e) = parse(&text) {
                proptest::prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len());
                if e.message.contains("a tab") {
                    proptest::prop_assert_eq!(&text[e.span.start..e.span.end], "\t", "{:?}", text);
                }
            }
        }
    }

    /// What serde-saphyr reads from `text`, without the one-pass builder.
    fn full(text: &str) -> Option<Node> {
        serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, options())
            .ok()
            .map(|n| spanned_node(n, text))
    }

    const SCALARS: &[&str] = &[
        "a",
        "a b",
        "x:y",
        "-x",
        "PT5M",
        "é",
        "",
        "~",
        "null",
        "NULL",
        "Null",
        "true",
        "True",
        "TRUE",
        "False",
        "FALSE",
        "yes",
        "n",
        "on",
        "0",
        "-0",
        "00",
        "07",
        "1",
        "-12",
        "+1",
        "1_000",
        "0x1F",
        "0X1F",
        "0o17",
        "0b1",
        "1.5",
        "-0.0",
        "0.25",
        "1.",
        ".5",
        "1e3",
        "1E-3",
        "-1.5e3",
        ".inf",
        "-.inf",
        ".nan",
        "-.nan",
        "inf",
        "nan",
        "123456789012345678",
        "12345678901234567",
        "99999999999999999999",
        "1.23456789012345678",
        "'1'",
        "\"2\"",
        "'a''b'",
        "\"\\t\"",
        "[a, 1]",
        "{a: 1, b: ~}",
        "[]",
        "{}",
        "&x a",
        "*x",
        "!!str 1",
        "!!int 2",
        "!custom z",
        "|\n    block\n",
        ">-\n    folded\n    more\n",
        "a # c",
        "'multi\n    line'",
    ];
    const KEYS: &[&str] = &[
        "a", "b", "name", "'a'", "\"b\"", "1", "true", "~", "<<", "? c", "x y", "",
    ];

    proptest::proptest! {
        /// The one-pass builder gives serde-saphyr's tree, spans included, or gives up and lets
        /// serde-saphyr read the document.
        #[test]
        fn one_pass_tree_is_serde_saphyrs(
            lines in proptest::collection::vec(
                (0usize..3, proptest::bool::ANY, 0..KEYS.len(), 0..SCALARS.len()),
                1..8,
            )
        ) {
            let text: String = lines
                .iter()
                .map(|&(indent, dash, k, v)| {
                    format!(
                        "{}{}{}: {}\n",
                        "  ".repeat(indent),
                        if dash { "- " } else { "" },
                        KEYS[k],
                        SCALARS[v]
                    )
                })
                .collect();
            if let Some(fast) = events::build(&text) {
                proptest::prop_assert_eq!(Some(fast), full(&text), "{:?}", text);
            }
        }

        /// The same for a lone scalar, a list of them and a flow mapping of them.
        #[test]
        fn one_pass_scalars_are_serde_saphyrs(v in 0..SCALARS.len(), w in 0..SCALARS.len()) {
            for text in [
                format!("{}\n", SCALARS[v]),
                format!("- {}\n- {}\n", SCALARS[v], SCALARS[w]),
                format!("{{a: {}, b: [{}]}}\n", SCALARS[v], SCALARS[w]),
            ] {
                if let Some(fast) = events::build(&text) {
                    proptest::prop_assert_eq!(Some(fast), full(&text), "{:?}", text);
                }
            }
        }
    }

    /// Generated rule files (the benchmarks' input) take the one-pass path.
    #[test]
    fn rule_files_take_the_one_pass_path() {
        let text = crate::generate::rules_yaml(200, 1, 10);
        let fast = events::build(&text).expect("plain rule file");
        assert_eq!(Some(fast), full(&text));
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "a: 0x10\n",
        ] {
            assert_eq!(events::build(text), None, "{text:?}");
        }
    }

    /// The forms the one-pass builder leaves to serde-saphyr (a tag or anchor anywhere sends
    /// the whole document there) are read with their values and key texts.
    #[test]
    fn the_full_reader_keeps_every_scalar_kind() {
        let text = "anchor: &a 1\n\
                    big: 18446744073709551615\n\
                    hex: 0x10\n\
                    exp: 1e3\n\
                    neg: -7\n\
                    yes: true\n\
                    none: ~\n\
                    text: !!str 12\n\
                    true: bool key\n\
                    12: int key\n\
                    2.5: float key\n\
                    ~: null key\n\
                    list: [a, {b: 1}]\n";
        assert_eq!(events::build(text), None, "the full reader must read this");
        let node = parse(text).unwrap().unwrap();
        let Value::Map(entries) = &node.value else {
            panic!("{node:?}")
        };
        let seen: Vec<(&str, &Value)> = entries
            .iter()
            .map(|(k, v)| (k.name.as_str(), &v.value))
            .collect();
        let list = Value::Seq(vec![
            Node {
                value: Value::String("a".into()),
                span: Span::new(text.find("[a").unwrap() + 1, text.find("[a").unwrap() + 2),
            },
            Node {
                value: Value::Map(vec![(
                    Key {
                        name: "b".into(),
                        span: Span::new(text.find("{b").unwrap() + 1, text.find("{b").unwrap() + 2),
                    },
                    Node {
                        value: Value::Int(1),
                        span: Span::new(
                            text.find("{b: 1").unwrap() + 4,
                            text.find("{b: 1").unwrap() + 5,
                        ),
                    },
                )]),
                // A mapping ends where its last value ends.
                span: Span::new(text.find("{b").unwrap(), text.find("1}").unwrap() + 1),
            },
        ]);
        assert_eq!(
            seen,
            [
                ("anchor", &Value::Int(1)),
                ("big", &Value::Float(18446744073709551615.0)),
                ("hex", &Value::Int(16)),
                ("exp", &Value::Float(1000.0)),
                ("neg", &Value::Int(-7)),
                ("yes", &Value::Bool(true)),
                ("none", &Value::Null),
                ("text", &Value::String("12".into())),
                ("true", &Value::String("bool key".into())),
                ("12", &Value::String("int key".into())),
                ("2.5", &Value::String("float key".into())),
                ("", &Value::String("null key".into())),
                ("list", &list),
            ]
        );
        // Keys and values are placed on their text.
        for (key, value) in entries {
            let written = if key.name.is_empty() {
                "~"
            } else {
                key.name.as_str()
            };
            assert_eq!(&text[key.span.start..key.span.end], written);
            assert!(value.span.start > key.span.end, "{key:?} {value:?}");
        }
    }

    /// A collection as a mapping key is refused in the user's words.
    #[test]
    fn a_collection_as_a_key_is_refused() {
        let err = parse("? [a, b]\n: 1\n").unwrap_err();
        assert!(
            err.message.contains("a list cannot be a mapping key"),
            "{}",
            err.message
        );
        let err = parse("? {a: b}\n: 1\n").unwrap_err();
        assert!(
            err.message.contains("a mapping cannot be a mapping key"),
            "{}",
            err.message
        );
    }

    #[test]
    fn duplicate_keys_are_an_error() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.message, "the key `a` appears twice in one mapping");
    }

    #[test]
    fn blank_and_comment_only_documents_are_empty() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# nothing\n\n").unwrap(), None);
    }

    #[test]
    fn only_yaml_1_2_spellings_are_booleans() {
        let node = parse("a: [n, N, on, off, yes, no, y, true, False]\n")
            .unwrap()
            .unwrap();
        let Value::Map(entries) = node.value else {
            panic!("{node:?}")
        };
        let Value::Seq(items) = &entries[0].1.value else {
            panic!("{entries:?}")
        };
        let seen: Vec<String> = items
            .iter()
            .map(|i| match &i.value {
                Value::String(s) => s.clone(),
                Value::Bool(b) => format!("bool {b}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            seen,
            [
                "n",
                "N",
                "on",
                "off",
                "yes",
                "no",
                "y",
                "bool true",
                "bool false"
            ]
        );
    }
}
