//! The fast path of [`super::record::read_json`]: a key scanner that reads the wanted fields of
//! one record without tokenising the rest.
//!
//! It validates what it skips (strings, numbers, literals, nesting, trailing bytes) but keeps
//! nothing of it, and borrows the wanted values straight from the input. Whatever it does not
//! handle itself — an escape in a key or a wanted value, a `\u` escape anywhere, a number with
//! an exponent or of unusual length, `properties` given as a JSON-encoded string, deep nesting,
//! and every kind of invalid JSON — makes it give up, and the record is read by the full serde
//! parse, which then also words the error. So the scanner never decides anything the full parse
//! would decide differently; the property tests in `tests` below hold it to that on arbitrary
//! JSON, escapes and broken records included.

use std::borrow::Cow;

use serde::de::DeserializeSeed;

use super::record::{FieldSet, FieldValue, Slots, ValueSeed};

/// Deeper nesting than this is left to the full parse (whose own limit is 128).
const MAX_DEPTH: u32 = 64;
/// Longer numbers are left to the full parse (it may find them out of range).
const MAX_NUMBER: usize = 24;

/// Reads the wanted fields of one JSON object into `slots`, exactly as the full parse would.
/// `None` means "not handled here": `slots` may then hold part of the record and must be
/// cleared before the full parse runs.
/// `printable` says that `text` is all printable ASCII ([`super::input::printable_ascii`]):
/// then no string in it can hold a control character, and a string's end is found by
/// searching for its quote. `false` is always safe.
pub(crate) fn scan_record<'a>(
    text: &'a str,
    printable: bool,
    fields: &FieldSet,
    slots: &mut Slots<'a>,
) -> Option<()> {
    debug_assert!(!printable || super::input::printable_ascii(text.as_bytes()));
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        i: 0,
        printable,
    };
    s.ws();
    s.eat(b'{')?;
    s.fields_object(fields, slots, 0)?;
    s.ws();
    (s.i == s.b.len()).then_some(())
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    /// The text holds no byte outside printable ASCII.
    printable: bool,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

impl<'a> Scanner<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// The members of an object whose `{` has been read, keeping the wanted fields: at depth 0
    /// the first value of a field stays and `properties` is read as a nested record; at depth 1
    /// (inside `properties`) a later value wins.
    fn fields_object(&mut self, fields: &FieldSet, slots: &mut Slots<'a>, depth: u8) -> Option<()> {
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        let mut props_done = false;
        loop {
            self.ws();
            self.eat(b'"')?;
            let (from, to, escaped) = self.string()?;
            if escaped {
                return None;
            }
            self.ws();
            self.eat(b':')?;
            self.ws();
            if depth == 0 && !props_done && fields.is_properties_at(self.text, from, to) {
                props_done = true;
                match self.peek()? {
                    b'{' => {
                        self.i += 1;
                        self.fields_object(fields, slots, 1)?;
                    }
                    // A JSON-encoded object: the full parse reads it.
                    b'"' => return None,
                    _ => self.skip_value(1)?,
                }
            } else if let Some(slot) = fields.slot_at(self.text, from, to) {
                if let Some(v) = self.value()?
                    && (depth > 0 || slots.values[slot].is_none())
                {
                    slots.put(slot, v);
                }
            } else if self.peek()? == b'"' {
                // The commonest skipped value, without a call into the general skip.
                self.i += 1;
                self.string()?;
            } else {
                self.skip_value(1)?;
            }
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A wanted value: scalars are kept (borrowed), containers and `null` are skipped.
    fn value(&mut self) -> Option<Option<FieldValue<'a>>> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                let (from, to, escaped) = self.string()?;
                if escaped {
                    return None;
                }
                Some(Some(FieldValue::Text(Cow::Borrowed(&self.text[from..to]))))
            }
            b't' => self.literal(b"true").map(|_| Some(FieldValue::Bool(true))),
            b'f' => self
                .literal(b"false")
                .map(|_| Some(FieldValue::Bool(false))),
            b'n' => self.literal(b"null").map(|_| None),
            b'-' | b'0'..=b'9' => {
                let (from, to) = self.number()?;
                // Rare (node counts): converted by serde_json itself, so the value is the same
                // bit for bit.
                let mut de = serde_json::Deserializer::from_str(&self.text[from..to]);
                ValueSeed.deserialize(&mut de).ok()
            }
            _ => self.skip_value(1).map(|_| None),
        }
    }

    fn skip_value(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.string().map(|_| ())
            }
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.eat(b'"')?;
                    self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number().map(|_| ()),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Some(())
        } else {
            None
        }
    }

    /// A number in JSON's grammar, without an exponent and of a length that cannot overflow.
    fn number(&mut self) -> Option<(usize, usize)> {
        let from = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let at = self.i;
            self.digits();
            if self.i == at {
                return None;
            }
        }
        match self.peek() {
            Some(b'e' | b'E') => return None,
            // `01`, `1-`: let the full parse word it.
            Some(b'0'..=b'9' | b'-' | b'+' | b'.') => return None,
            _ => {}
        }
        (self.i - from <= MAX_NUMBER).then_some((from, self.i))
    }

    #[inline]
    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    /// The rest of a string whose opening quote has been read: its content range, and whether
    /// it holds an escape. Gives up on `\u` escapes (surrogates are the full parse's business),
    /// on unknown escapes and on control characters.
    #[inline(always)]
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        let from = self.i;
        let mut escaped = false;
        loop {
            if self.printable {
                self.skip_plain::<true>();
            } else {
                self.skip_plain::<false>();
            }
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some((from, self.i - 1, escaped));
                }
                b'\\' => {
                    escaped = true;
                    match self.b.get(self.i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    /// Moves past bytes that need no attention in a string: anything but `"`, `\` and control
    /// characters, sixteen at a time (two words: keys and most short values end in the first
    /// step, so the loop's exit is well predicted). In `PRINTABLE` text (no byte outside
    /// printable ASCII) only `"` and `\` can stop it, and since no byte has its high bit set, a
    /// byte is zero exactly when adding 0x7F leaves its high bit clear, with no carry into the
    /// next byte.
    #[inline]
    fn skip_plain<const PRINTABLE: bool>(&mut self) {
        const SEVENS: u64 = ONES * 0x7F;
        // The high bit of each byte of `x` that stops the run.
        let stops = |x: u64| {
            let quote = x ^ (ONES * u64::from(b'"'));
            let slash = x ^ (ONES * u64::from(b'\\'));
            let mask = if PRINTABLE {
                !(quote.wrapping_add(SEVENS) & slash.wrapping_add(SEVENS))
            } else {
                (quote.wrapping_sub(ONES) & !quote)
                    | (slash.wrapping_sub(ONES) & !slash)
                    | (x.wrapping_sub(ONES * 0x20) & !x)
            };
            mask & HIGHS
        };
        let step = |w: &[u8]| {
            let (low, high) = w.split_at(8);
            let low = stops(u64::from_le_bytes(low.try_into().expect("eight bytes")));
            let high = stops(u64::from_le_bytes(high.try_into().expect("eight bytes")));
            u128::from(low) | (u128::from(high) << 64)
        };
        while let Some(w) = self.b.get(self.i..self.i + 16) {
            let mask = step(w);
            if mask != 0 {
                self.i += (mask.trailing_zeros() / 8) as usize;
                return;
            }
            self.i += 16;
        }
        // Fewer than 16 bytes left: the text's last 16, overlapping what was read, with the
        // bytes before `i` shifted out (a record's last string ends here).
        if let Some(start) = self.b.len().checked_sub(16)
            && self.i < self.b.len()
        {
            let mask = step(&self.b[start..]) >> (8 * (self.i - start));
            self.i = if mask != 0 {
                self.i + (mask.trailing_zeros() / 8) as usize
            } else {
                self.b.len()
            };
            return;
        }
        while let Some(&c) = self.b.get(self.i) {
            if c == b'"' || c == b'\\' || (!PRINTABLE && c < 0x20) {
                return;
            }
            self.i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::{read_json_full, read_json_str};
    use super::*;
    use crate::lifecycle::Lifecycles;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    fn fields() -> &'static FieldSet {
        static FIELDS: std::sync::OnceLock<FieldSet> = std::sync::OnceLock::new();
        FIELDS.get_or_init(|| FieldSet::new(&Lifecycles::builtin().specs))
    }

    /// The scanner either declines, or agrees with the full parse: same fields, and the full
    /// parse accepts the record too.
    fn agrees(text: &str) -> bool {
        let f = fields();
        let mut full = Slots::new(f.len());
        let full_ok = read_json_full(text.as_bytes(), f, &mut full).is_ok();
        // Both ways of finding a string's end, when the text allows the search.
        let printable = super::super::input::printable_ascii(text.as_bytes());
        let mut handled_by = Vec::new();
        for flag in [false, printable] {
            let mut fast = Slots::new(f.len());
            let handled = scan_record(text, flag, f, &mut fast).is_some();
            if handled {
                assert!(full_ok, "scanner accepted what serde rejects: {text:?}");
                assert_eq!(fast.values, full.values, "{text:?}");
            }
            handled_by.push(handled);
        }
        assert_eq!(handled_by[0], handled_by[1], "{text:?}");
        let handled = handled_by[0];
        // And the public entry point, whatever path it takes, is the full parse.
        let mut via = Slots::new(f.len());
        let via_ok = read_json_str(text, f, &mut via).is_ok();
        assert_eq!(via_ok, full_ok, "{text:?}");
        if via_ok {
            assert_eq!(via.values, full.values, "{text:?}");
        }
        handled
    }

    #[test]
    fn generated_records_take_the_fast_path() {
        let spec = crate::generate::dump::DumpSpec {
            runs: 40,
            seed: 7,
            shuffle_seconds: 60,
            plant_every: 5,
            bursts: Vec::new(),
        };
        let mut bytes = Vec::new();
        crate::generate::dump::write_dump(&spec, &mut bytes).expect("dump");
        let dump = String::from_utf8(bytes).expect("utf-8");
        let mut n = 0;
        let f = fields();
        for line in dump.lines().filter(|l| !l.trim().is_empty()) {
            // Every record the full parse reads (all but the planted broken ones) is read by
            // the scanner.
            let valid = read_json_full(line.as_bytes(), f, &mut Slots::new(f.len())).is_ok();
            assert_eq!(agrees(line), valid, "{line}");
            n += usize::from(valid);
        }
        assert!(n > 100, "{n}");
    }

    #[test]
    fn hand_picked_records() {
        for (text, handled) in [
            (
                r#"{"time":"t","properties":{"RunId":"r","Status":"Running"}}"#,
                true,
            ),
            (
                r#" { "RUNID" : "a" , "properties" : { "runid" : "b" } } "#,
                true,
            ),
            (r#"{"properties":{"runid":"b"},"RunId":"a"}"#, true),
            (
                r#"{"properties":{"runid":"b"},"properties":{"runid":"c"}}"#,
                true,
            ),
            (r#"{"properties":null,"Status":"x"}"#, true),
            (r#"{"properties":[1,{"a":[]}],"Status":"x"}"#, true),
            (r#"{"CurrentNodeCount":3,"TargetNodeCount":-0.50}"#, true),
            (r#"{"Status":true,"RunId":null,"JobId":{"a":1}}"#, true),
            (r#"{"a":"q\"\\\/\b\f\n\r\t","Status":"x"}"#, true),
            (r#"{"Status":"a\"b"}"#, false),
            (r#"{"St\u0061tus":"x"}"#, false),
            (r#"{"a":"\ud800"}"#, false),
            (r#"{"properties":"{\"RunId\":\"r\"}"}"#, false),
            (r#"{"CurrentNodeCount":1e400}"#, false),
            (r#"{"a":01}"#, false),
            (r#"{"a":1,}"#, false),
            (r#"{"a":[1,]}"#, false),
            (r#"{"a":1} x"#, false),
            (r#"{"a":"x"#, false),
            (r#"{"a":tru}"#, false),
            ("{\"a\":\"\u{1}\"}", false),
            (r#"[1]"#, false),
            ("", false),
            (r#"{"a":-}"#, false),
            (r#"{"a":1.}"#, false),
            (r#"{"a":"é","Status":"ü"}"#, true),
        ] {
            assert_eq!(agrees(text), handled, "{text}");
        }
        // Numbers up to 24 characters are the scanner's, longer ones the full parse's (which
        // finds 400 nines out of range), wherever they stand in the record.
        let nines = |n: usize| "9".repeat(n);
        for (text, handled) in [
            (format!(r#"{{"a":{}}}"#, nines(24)), true),
            (format!(r#"{{"a":{}}}"#, nines(25)), false),
            (format!(r#"{{"Status":"x","a":-{}.5}}"#, nines(21)), true),
            (format!(r#"{{"Status":"x","a":-{}.5}}"#, nines(22)), false),
            (
                format!(r#"{{"Status":"x","CurrentNodeCount":{}}}"#, nines(400)),
                false,
            ),
            (format!(r#"{{"Status":"x","a":{}}}"#, nines(400)), false),
        ] {
            assert_eq!(agrees(&text), handled, "{text}");
        }
    }

    /// A string's run of plain bytes is read sixteen at a time: whatever stops it — the
    /// closing quote, an escape, a control character, a byte above ASCII — is found at every
    /// place in the first, second or a later step, and in the bytes short of a step at the
    /// end of the record, in a skipped value and in a wanted one.
    #[test]
    fn strings_stop_at_every_place_where_the_full_parse_says() {
        for len in 0..40 {
            for at in 0..=len {
                for (stop, handled) in [
                    ("", true),
                    ("\\n", true),
                    ("\\\"", true),
                    ("\\u0041", false),
                    ("\u{1}", false),
                    ("\u{7f}", true),
                    ("é", true),
                ] {
                    let s = format!("{}{stop}{}", "a".repeat(at), "b".repeat(len - at));
                    let skipped = format!(r#"{{"Status":"x","a":"{s}"}}"#);
                    assert_eq!(agrees(&skipped), handled, "{skipped}");
                    let wanted = format!(r#"{{"a":1,"RunId":"{s}"}}"#);
                    // A wanted value with an escape goes to the full parse.
                    let plain = handled && !stop.starts_with('\\');
                    assert_eq!(agrees(&wanted), plain, "{wanted}");
                }
            }
        }
    }

    /// Values nested up to 63 deep in a record are the scanner's; deeper ones go to the full
    /// parse, which refuses past its own limit of 128, so that the scanner never accepts a
    /// record the full parse would refuse.
    #[test]
    fn deep_nesting_goes_to_the_full_parse() {
        for n in [1, 63, 64, 65, 127, 128, 200] {
            let objects = format!(
                r#"{{"Status":"x","a":{}1{}}}"#,
                r#"{"b":"#.repeat(n),
                "}".repeat(n)
            );
            let arrays = format!(
                r#"{{"Status":"x","a":{}1{}}}"#,
                "[".repeat(n),
                "]".repeat(n)
            );
            for text in [objects, arrays] {
                assert_eq!(agrees(&text), n <= 63, "{n} deep: {text}");
            }
        }
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "time",
                "TIME",
                "category",
                "Type",
                "properties",
                "Properties",
                "RunId",
                "runid",
                "Status",
                "JobId",
                "CurrentNodeCount",
                "TargetNodeCount",
                "ClusterName",
                "EventType",
                "ExecutionState",
                "AllocationState",
                "MaximumNodeCount",
                "TimeGenerated",
            ])
            .prop_map(String::from),
            "\\PC{0,6}",
            "[\"\\\\/\u{0}-\u{1f}a-z]{0,4}",
        ]
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1_000_000i32..1_000_000).prop_map(|n| Value::from(f64::from(n) / 100.0)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,40}".prop_map(Value::String),
            "[\"\\\\/\u{0}-\u{1f}\u{d7ff}\u{e000}a-z]{0,8}".prop_map(Value::String),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    fn record() -> impl Strategy<Value = Value> {
        (
            prop::collection::vec((key(), value()), 0..8),
            prop::option::of(prop::collection::vec((key(), value()), 0..8)),
            any::<bool>(),
        )
            .prop_map(|(top, props, encode)| {
                let mut m: Map<String, Value> = top.into_iter().collect();
                if let Some(p) = props {
                    let p = Value::Object(p.into_iter().collect());
                    m.insert(
                        "properties".into(),
                        if encode {
                            Value::String(p.to_string())
                        } else {
                            p
                        },
                    );
                }
                Value::Object(m)
            })
    }

    /// Whether the scanner must read this value itself: no escapes, no exponents.
    fn plain(v: &Value) -> bool {
        let plain_str = |s: &str| !s.chars().any(|c| c == '"' || c == '\\' || c < ' ');
        match v {
            Value::String(s) => plain_str(s),
            Value::Number(n) => {
                let t = n.to_string();
                !t.contains(['e', 'E']) && t.len() <= MAX_NUMBER
            }
            Value::Array(a) => a.iter().all(plain),
            Value::Object(m) => m.iter().all(|(k, v)| plain_str(k) && plain(v)),
            Value::Null | Value::Bool(_) => true,
        }
    }

    /// Compact or pretty, with the keys in the generated order (a duplicate key is spliced in
    /// as text so that "first/last wins" is exercised too); and whether it is plain.
    fn text() -> impl Strategy<Value = (String, bool)> {
        (record(), any::<bool>(), prop::option::of((key(), scalar()))).prop_map(
            |(v, pretty, dup)| {
                let mut t = if pretty {
                    serde_json::to_string_pretty(&v).expect("json")
                } else {
                    v.to_string()
                };
                let encoded =
                    |k: &str, x: &Value| k.eq_ignore_ascii_case("properties") && x.is_string();
                let mut is_plain = plain(&v)
                    && !v
                        .as_object()
                        .is_some_and(|m| m.iter().any(|(k, x)| encoded(k, x)));
                if let Some((k, x)) = dup {
                    is_plain &= !encoded(&k, &x);
                    let sep = if t == "{}" { "" } else { "," };
                    t.insert_str(1, &format!("{}:{}{sep}", Value::String(k.clone()), x));
                    is_plain &= plain(&Value::String(k)) && plain(&x);
                }
                (t, is_plain)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn scanner_agrees_with_the_full_parse((t, plain) in text()) {
            let handled = agrees(&t);
            // Records without escapes, encoded properties or exponents are always read by the
            // scanner: the fast path is not dead code.
            if plain {
                prop_assert!(handled, "declined: {}", t);
            }
        }

        #[test]
        fn scanner_agrees_on_broken_records((t, _) in text(), cut in any::<prop::sample::Index>(), byte in any::<u8>(), at in any::<prop::sample::Index>()) {
            // Truncated anywhere.
            let n = cut.index(t.len() + 1);
            if t.is_char_boundary(n) {
                agrees(&t[..n]);
            }
            // One ASCII byte replaced or inserted.
            if byte.is_ascii() {
                let i = at.index(t.len() + 1);
                if t.is_char_boundary(i) {
                    let mut ins = t.clone();
                    ins.insert(i, byte as char);
                    agrees(&ins);
                    if i < t.len() && t.is_char_boundary(i + 1) {
                        let mut rep = t.clone();
                        rep.replace_range(i..i + 1, &(byte as char).to_string());
                        agrees(&rep);
                    }
                }
            }
        }
    }
}
