//! Reading typed values out of a spanned YAML tree, with a located finding for every key that
//! is unknown, missing or of the wrong type. Shared by the rule reader and the catalog reader.

use crate::finding::Sink;
use crate::registry;
use crate::source::Span;
use crate::suggest;
use crate::yaml::{Key, Node, Value};

pub use crate::model::Sp;

/// The keys of one mapping, read one by one; whatever is left over is reported as unknown.
pub struct MapReader<'a> {
    entries: &'a [(Key, Node)],
    used: Vec<bool>,
    pub span: Span,
    what: &'static str,
}

impl<'a> MapReader<'a> {
    /// Starts reading `node` as a mapping; reports `wrong-type` and returns `None` otherwise.
    pub fn new(node: &'a Node, what: &'static str, sink: &mut Sink) -> Option<Self> {
        match &node.value {
            Value::Map(entries) => Some(MapReader {
                entries,
                used: vec![false; entries.len()],
                span: node.span,
                what,
            }),
            other => {
                wrong_type(sink, node, &format!("{what} must be a mapping"), other);
                None
            }
        }
    }

    /// The entry for `key`, marking it as read.
    pub fn get(&mut self, key: &str) -> Option<(&'a Key, &'a Node)> {
        let i = self.entries.iter().position(|(k, _)| k.name == key)?;
        self.used[i] = true;
        let (k, v) = &self.entries[i];
        Some((k, v))
    }

    /// Whether an unread key looks like a misspelling of `key` (then the unknown-key finding,
    /// with its suggestion, says all there is to say and "missing" would be a second finding
    /// for one typo).
    pub fn misspelt(&self, key: &str) -> bool {
        self.entries.iter().enumerate().any(|(i, (k, _))| {
            !self.used[i] && k.name != key && suggest::nearest(&k.name, [key], 1).len() == 1
        })
    }

    /// The value for `key`; `missing-key` when absent (unless a misspelt key stands for it).
    pub fn required(&mut self, key: &str, sink: &mut Sink) -> Option<&'a Node> {
        let found = self.get(key).map(|(_, v)| v);
        if found.is_none() && !self.misspelt(key) {
            let span = self.head_span();
            sink.push(
                sink.at(
                    &registry::MISSING_KEY,
                    span,
                    format!("{} has no `{key}`", self.what),
                )
                .label(format!("needs `{key}`")),
            );
        }
        found
    }

    /// The span of the mapping's first key: where a "missing key" is shown.
    pub fn head_span(&self) -> Span {
        self.entries.first().map_or(self.span, |(k, _)| k.span)
    }

    /// Whether the mapping has `key` (without marking it read).
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.name == key)
    }

    /// Reports every key not read, with the nearest known key or an alias hint.
    pub fn finish(self, known: &[&str], aliases: &[(&str, &str)], sink: &mut Sink) {
        for (i, (key, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let alias = aliases
                .iter()
                .find(|(from, _)| from.eq_ignore_ascii_case(&key.name))
                .map(|(_, to)| format!("this format calls it `{to}`"));
            let help = alias
                .or_else(|| suggest::did_you_mean(&key.name, known.iter().copied()))
                .unwrap_or_else(|| format!("known keys: {}", known.join(", ")));
            sink.push(
                sink.at(
                    &registry::UNKNOWN_KEY,
                    key.span,
                    format!("unknown key `{}` in {}", key.name, self.what),
                )
                .label("unknown key")
                .help(help),
            );
        }
    }
}

pub fn wrong_type(sink: &mut Sink, node: &Node, message: &str, found: &Value) {
    sink.push(
        sink.at(&registry::WRONG_TYPE, node.span, message.to_string())
            .label(format!("found {}", found.kind())),
    );
}

/// A string scalar. Numbers and booleans are accepted as their text (YAML reads `0` as a
/// number, but a dimension value `0` is the text "0").
pub fn string(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<String>> {
    let text = match &node.value {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        other => {
            wrong_type(sink, node, &format!("{what} must be text"), other);
            return None;
        }
    };
    Some(Sp::new(text, node.span))
}

/// A string scalar only: numbers and booleans are a type error (used for names).
pub fn text(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<String>> {
    match &node.value {
        Value::String(s) => Some(Sp::new(s.clone(), node.span)),
        other => {
            wrong_type(sink, node, &format!("{what} must be text"), other);
            None
        }
    }
}

pub fn boolean(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<bool>> {
    match &node.value {
        Value::Bool(b) => Some(Sp::new(*b, node.span)),
        other => {
            wrong_type(sink, node, &format!("{what} must be true or false"), other);
            None
        }
    }
}

pub fn integer(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<i64>> {
    match &node.value {
        Value::Int(i) => Some(Sp::new(*i, node.span)),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Some(Sp::new(*f as i64, node.span))
        }
        other => {
            wrong_type(sink, node, &format!("{what} must be an integer"), other);
            None
        }
    }
}

pub fn number(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<f64>> {
    match &node.value {
        Value::Int(i) => Some(Sp::new(*i as f64, node.span)),
        Value::Float(f) if f.is_finite() => Some(Sp::new(*f, node.span)),
        other => {
            wrong_type(sink, node, &format!("{what} must be a number"), other);
            None
        }
    }
}

/// A number that may also be written as text, as ARM accepts it (a `"type": "string"`
/// parameter with the default `"90"`); text that is not a number is a located error.
pub fn number_or_text(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<f64>> {
    match &node.value {
        Value::String(s) => match numeric_text(s) {
            Some(v) => Some(Sp::new(v, node.span)),
            None => {
                wrong_type(
                    sink,
                    node,
                    &format!("{what} must be a number; `{s}` is not one"),
                    &node.value,
                );
                None
            }
        },
        _ => number(node, what, sink),
    }
}

/// An integer that may also be written as text (`"3"`), as ARM accepts it.
pub fn integer_or_text(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<i64>> {
    match &node.value {
        Value::String(s) => match numeric_text(s) {
            Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Some(Sp::new(v as i64, node.span)),
            _ => {
                wrong_type(
                    sink,
                    node,
                    &format!("{what} must be an integer; `{s}` is not one"),
                    &node.value,
                );
                None
            }
        },
        _ => integer(node, what, sink),
    }
}

/// A boolean that may also be written as text (`"true"`, `"False"`), as ARM accepts it.
pub fn boolean_or_text(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<bool>> {
    match &node.value {
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(Sp::new(true, node.span)),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => {
            Some(Sp::new(false, node.span))
        }
        _ => boolean(node, what, sink),
    }
}

/// The value of a decimal number written as text (`"90"`, `"-1.5"`, `"1e3"`); `None` for
/// anything else, including `"NaN"`, `"inf"` and empty text.
pub fn numeric_text(s: &str) -> Option<f64> {
    let t = s.trim();
    let plain = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit());
    if !plain {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The items of a list. A single scalar is accepted as a one-item list when `lenient`.
pub fn list<'a>(
    node: &'a Node,
    what: &str,
    lenient: bool,
    sink: &mut Sink,
) -> Option<Vec<&'a Node>> {
    match &node.value {
        Value::Seq(items) => Some(items.iter().collect()),
        Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) if lenient => {
            Some(vec![node])
        }
        other => {
            wrong_type(sink, node, &format!("{what} must be a list"), other);
            None
        }
    }
}

/// A list of strings (scalars accepted as text).
pub fn string_list(node: &Node, what: &str, sink: &mut Sink) -> Option<Vec<Sp<String>>> {
    let items = list(node, what, true, sink)?;
    Some(
        items
            .into_iter()
            .filter_map(|n| string(n, what, sink))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::yaml::parse;

    #[test]
    fn unknown_keys_are_reported_with_suggestions() {
        let doc = parse("metric: a\ntheshold: 1\nmetricName: b\n")
            .unwrap()
            .unwrap();
        let mut sink = Sink::new(FileId(0));
        let mut r = MapReader::new(&doc, "criterion", &mut sink).unwrap();
        assert!(r.get("metric").is_some());
        r.finish(
            &["metric", "threshold"],
            &[("metricName", "metric")],
            &mut sink,
        );
        let helps: Vec<_> = sink
            .findings
            .iter()
            .map(|f| f.help.clone().unwrap())
            .collect();
        assert_eq!(
            helps,
            ["did you mean `threshold`?", "this format calls it `metric`"]
        );
        assert_eq!(sink.findings[0].span, Span::new(10, 18));
    }

    #[test]
    fn numeric_text_is_a_number_and_nothing_else() {
        assert_eq!(numeric_text("90"), Some(90.0));
        assert_eq!(numeric_text(" -1.5 "), Some(-1.5));
        assert_eq!(numeric_text("1e3"), Some(1000.0));
        for bad in ["", "NaN", "inf", "-", "e", "ninety", "0x10", "1e999", "1,5"] {
            assert_eq!(numeric_text(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn numeric_text_round_trips(v in -1.0e12f64..1.0e12) {
            proptest::prop_assert_eq!(numeric_text(&v.to_string()), Some(v));
        }

        /// Anything numeric_text accepts is the standard parse of the trimmed text, finite; what
        /// it refuses has no number in it, does not parse, is not finite, or is spelled in
        /// words (`inf`, `NaN`), which a threshold in a template never is.
        #[test]
        fn numeric_text_is_the_standard_parse_of_plain_numbers(s in "\\PC{0,4}|[ +\\-.0-9eE]{0,12}|[0-9]{1,2}e[0-9]{3}|[ +\\-]{0,2}(inf|infinity|nan|NaN|[0-9]{1,3})[ ]?") {
            let t = s.trim();
            let standard = t.parse::<f64>().ok();
            match numeric_text(&s) {
                Some(v) => {
                    proptest::prop_assert!(v.is_finite());
                    proptest::prop_assert_eq!(standard, Some(v));
                }
                None => proptest::prop_assert!(
                    standard.is_none_or(|v| !v.is_finite() || t.bytes().any(|b| b.is_ascii_alphabetic() && !matches!(b, b'e' | b'E'))),
                    "{s:?} parses to {standard:?}"
                ),
            }
        }
    }

    #[test]
    fn wrong_types_are_located() {
        let doc = parse("severity: high\n").unwrap().unwrap();
        let mut sink = Sink::new(FileId(0));
        let mut r = MapReader::new(&doc, "rule", &mut sink).unwrap();
        let v = r.required("severity", &mut sink).unwrap();
        assert!(integer(v, "severity", &mut sink).is_none());
        assert_eq!(sink.findings[0].check.name, "wrong-type");
        assert_eq!(sink.findings[0].span, Span::new(10, 14));
        assert!(r.required("name", &mut sink).is_none());
        assert_eq!(sink.findings[1].check.name, "missing-key");
    }
}
