//! Extracting the fields the lifecycles need from one record, without building a JSON tree:
//! a serde visitor walks the object (and its `properties`, given as an object or as a
//! JSON-encoded string) and keeps only the wanted keys, matched case-insensitively.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::lifecycle::{LifecycleSpec, RecordCheck};

/// A field value: text (borrowed from the input where possible) or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
}

impl FieldValue<'_> {
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            FieldValue::Text(t) => Cow::Borrowed(t.as_ref()),
            FieldValue::Number(n) => Cow::Owned(n.to_string()),
            FieldValue::Bool(b) => Cow::Owned(b.to_string()),
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            FieldValue::Number(n) => Some(*n),
            FieldValue::Text(t) => t.trim().parse().ok(),
            FieldValue::Bool(_) => None,
        }
    }
}

/// A wanted field name, lowercase, with what compares a name of up to 16 bytes with it in two
/// word operations: a byte of the name equals the wanted letter in either case exactly when the
/// name's byte with bit 5 set equals the lowercase letter, and any other byte must be equal.
#[derive(Debug, Clone)]
struct Wanted {
    lower: String,
    slot: usize,
    /// The lowercase name, zero-padded, as two little-endian words.
    words: [u64; 2],
    /// Bit 5 of each byte that is a letter.
    fold: [u64; 2],
}

impl Wanted {
    fn new(lower: &str, slot: usize) -> Wanted {
        let fold: Vec<u8> = lower
            .bytes()
            .map(|b| if b.is_ascii_lowercase() { 0x20 } else { 0 })
            .collect();
        Wanted {
            lower: lower.to_string(),
            slot,
            words: Wanted::words(lower.as_bytes()).unwrap_or_default(),
            fold: Wanted::words(&fold).unwrap_or_default(),
        }
    }

    /// Up to 16 bytes, zero-padded, as two little-endian words.
    #[inline]
    fn words(bytes: &[u8]) -> Option<[u64; 2]> {
        if bytes.len() > 16 {
            return None;
        }
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        let (a, b) = buf.split_at(8);
        Some([
            u64::from_le_bytes(a.try_into().ok()?),
            u64::from_le_bytes(b.try_into().ok()?),
        ])
    }

    /// The name `text[from..to]` (at most 16 bytes) as [`Wanted::words`], read in place when
    /// 16 bytes follow `from` (a key in a record always has its `":` and value after it): two
    /// word loads and a mask, where a copy into a buffer would cost a `memcpy` call and a
    /// stalled load of what it stored.
    #[inline]
    fn words_at(text: &[u8], from: usize, to: usize) -> Option<[u64; 2]> {
        let len = to.checked_sub(from)?;
        let Some(window) = text.get(from..from + 16) else {
            return Wanted::words(text.get(from..to)?);
        };
        if len > 16 {
            return None;
        }
        let (a, b) = window.split_at(8);
        let keep = |n: usize| {
            if n >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            }
        };
        Some([
            u64::from_le_bytes(a.try_into().ok()?) & keep(len),
            u64::from_le_bytes(b.try_into().ok()?) & keep(len.saturating_sub(8)),
        ])
    }

    /// Whether a name of this one's length, as [`Wanted::words`], is this one in any case.
    #[inline]
    fn matches(&self, name: [u64; 2]) -> bool {
        (name[0] | self.fold[0]) == self.words[0] && (name[1] | self.fold[1]) == self.words[1]
    }
}

/// The fields every lifecycle reads, each with a slot number.
#[derive(Debug, Clone)]
pub struct FieldSet {
    index: HashMap<String, usize>,
    /// Names by length, for an allocation- and hash-free case-insensitive lookup.
    by_len: Vec<Vec<Wanted>>,
    pub names: Vec<String>,
    /// Slots of the record-type fields: `Type` (Log Analytics), `category` (diagnostic settings).
    pub type_slot: usize,
    pub category_slot: usize,
    /// `properties`, compared as the wanted names are (it has no slot).
    properties: Wanted,
}

impl FieldSet {
    pub fn new(specs: &[LifecycleSpec]) -> FieldSet {
        let mut fs = FieldSet {
            index: HashMap::new(),
            by_len: Vec::new(),
            names: Vec::new(),
            type_slot: 0,
            category_slot: 0,
            properties: Wanted::new("properties", usize::MAX),
        };
        fs.type_slot = fs.add("Type");
        fs.category_slot = fs.add("category");
        for s in specs {
            for k in &s.key {
                fs.add(k);
            }
            fs.add(&s.state);
            for t in &s.time {
                fs.add(t);
            }
            if let Some(a) = &s.agree {
                fs.add(&a.field);
            }
            for c in &s.checks {
                match c {
                    RecordCheck::NonNegative { fields, .. }
                    | RecordCheck::Ordered { fields, .. } => {
                        for f in fields {
                            fs.add(f);
                        }
                    }
                    RecordCheck::AtMost { fields, limit, .. } => {
                        for f in fields {
                            fs.add(f);
                        }
                        fs.add(limit);
                    }
                }
            }
        }
        fs
    }

    /// The record-type fields and these names (for readers other than the lifecycles).
    pub fn of_names<'n>(names: impl IntoIterator<Item = &'n str>) -> FieldSet {
        let mut fs = FieldSet::new(&[]);
        for n in names {
            fs.add(n);
        }
        fs
    }

    fn add(&mut self, name: &str) -> usize {
        let key = name.to_ascii_lowercase();
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.names.len();
        if self.by_len.len() <= key.len() {
            self.by_len.resize(key.len() + 1, Vec::new());
        }
        self.by_len[key.len()].push(Wanted::new(&key, i));
        self.index.insert(key, i);
        self.names.push(name.to_string());
        i
    }

    /// The slot of a field name, case-insensitively, without allocating or hashing.
    #[inline]
    pub fn slot(&self, name: &str) -> Option<usize> {
        let wanted = self.by_len.get(name.len())?;
        let name = name.as_bytes();
        match Wanted::words(name) {
            Some(words) => wanted.iter().find(|w| w.matches(words)),
            None => wanted
                .iter()
                .find(|w| w.lower.as_bytes().eq_ignore_ascii_case(name)),
        }
        .map(|w| w.slot)
    }

    /// [`FieldSet::slot`] of the name `text[from..to]`, which must lie on character
    /// boundaries; reads the name in place, as two words, without copying it.
    #[inline]
    pub fn slot_at(&self, text: &str, from: usize, to: usize) -> Option<usize> {
        let wanted = self.by_len.get(to.checked_sub(from)?)?;
        match Wanted::words_at(text.as_bytes(), from, to) {
            Some(words) => wanted.iter().find(|w| w.matches(words)).map(|w| w.slot),
            None => self.slot(text.get(from..to)?),
        }
    }

    /// Whether the name `text[from..to]` is `properties` in any case (the nested record of a
    /// diagnostic-settings record), read as [`FieldSet::slot_at`] reads it.
    #[inline]
    pub fn is_properties_at(&self, text: &str, from: usize, to: usize) -> bool {
        to.checked_sub(from) == Some(self.properties.lower.len())
            && Wanted::words_at(text.as_bytes(), from, to)
                .is_some_and(|words| self.properties.matches(words))
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The wanted fields of one record.
#[derive(Debug, Default)]
pub struct Slots<'a> {
    /// Read them here; fill them with [`Slots::put`], which keeps `filled` right.
    pub values: Vec<Option<FieldValue<'a>>>,
    /// Bit `i`: slot `i` may hold a value (slots past 64 are not tracked: with that many,
    /// [`Slots::clear`] empties them all).
    filled: u64,
}

impl<'a> Slots<'a> {
    pub fn new(n: usize) -> Self {
        Slots {
            values: vec![None; n],
            filled: 0,
        }
    }

    /// Sets a slot's value. Always inlined: called out of line, the value travels through
    /// memory and its copy into the slot waits on the stores that wrote it.
    #[inline(always)]
    pub fn put(&mut self, slot: usize, value: FieldValue<'a>) {
        self.values[slot] = Some(value);
        if slot < 64 {
            self.filled |= 1 << slot;
        }
    }

    pub fn get(&self, slot: usize) -> Option<&FieldValue<'a>> {
        self.values.get(slot).and_then(Option::as_ref)
    }

    /// Empties every slot: only those filled since the last clear when there are at most 64
    /// (a record fills a handful of the thirty-odd), all of them otherwise.
    #[inline]
    pub fn clear(&mut self) {
        if self.values.len() > 64 {
            self.values.fill(None);
        } else {
            let mut filled = self.filled;
            while filled != 0 {
                // `take`, not `= None`: the assignment is compiled as a copy of a `None` built
                // on the stack, whose load waits on the narrower store that built it.
                self.values[filled.trailing_zeros() as usize].take();
                filled &= filled - 1;
            }
        }
        self.filled = 0;
    }
}

/// Why a JSON record could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordError {
    /// Not JSON, or truncated: the parser's message.
    Json(String),
    /// JSON, but not an object.
    NotObject,
}

/// Reads one JSON object into `slots`. `properties` (an object, or a string holding one)
/// is read too, its fields taking precedence.
pub fn read_json<'a>(
    bytes: &'a [u8],
    fields: &FieldSet,
    slots: &mut Slots<'a>,
) -> Result<(), RecordError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => read_json_str(text, fields, slots),
        Err(_) => read_json_full(bytes, fields, slots),
    }
}

/// [`read_json`] on text already known to be UTF-8: the key scanner of [`super::scan`] reads
/// the record when it can, the full parse otherwise (with the same result either way).
pub fn read_json_str<'a>(
    text: &'a str,
    fields: &FieldSet,
    slots: &mut Slots<'a>,
) -> Result<(), RecordError> {
    let printable = super::input::printable_ascii(text.as_bytes());
    read_json_known(text, printable, fields, slots)
}

/// [`read_json_str`] when the caller has already found whether `text` is all printable ASCII
/// ([`super::input::printable_ascii`]; `false` is always safe).
pub fn read_json_known<'a>(
    text: &'a str,
    printable: bool,
    fields: &FieldSet,
    slots: &mut Slots<'a>,
) -> Result<(), RecordError> {
    if super::scan::scan_record(text, printable, fields, slots).is_some() {
        return Ok(());
    }
    slots.clear();
    read_json_full(text.as_bytes(), fields, slots)
}

/// [`read_json`] by a full serde parse of the record: what the scanner is held to, and what
/// words the error of a record that is not valid JSON.
pub fn read_json_full<'a>(
    bytes: &'a [u8],
    fields: &FieldSet,
    slots: &mut Slots<'a>,
) -> Result<(), RecordError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut encoded: Option<String> = None;
    let seed = ObjectSeed {
        fields,
        slots,
        encoded_properties: &mut encoded,
        depth: 0,
    };
    seed.deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(json_error)?;
    if let Some(text) = encoded {
        let mut inner = Slots::new(fields.len());
        let mut none = None;
        let mut de = serde_json::Deserializer::from_str(&text);
        ObjectSeed {
            fields,
            slots: &mut inner,
            encoded_properties: &mut none,
            depth: 1,
        }
        .deserialize(&mut de)
        .map_err(|e| RecordError::Json(format!("in the JSON-encoded properties: {e}")))?;
        for (slot, v) in inner.values.into_iter().enumerate() {
            if let Some(v) = v {
                slots.put(
                    slot,
                    match v {
                        FieldValue::Text(t) => FieldValue::Text(Cow::Owned(t.into_owned())),
                        FieldValue::Number(n) => FieldValue::Number(n),
                        FieldValue::Bool(b) => FieldValue::Bool(b),
                    },
                );
            }
        }
    }
    Ok(())
}

fn json_error(e: serde_json::Error) -> RecordError {
    if e.to_string().contains("expected a JSON object") {
        RecordError::NotObject
    } else {
        RecordError::Json(e.to_string())
    }
}

struct ObjectSeed<'s, 'a> {
    fields: &'s FieldSet,
    slots: &'s mut Slots<'a>,
    encoded_properties: &'s mut Option<String>,
    depth: u8,
}

impl<'de, 's> DeserializeSeed<'de> for ObjectSeed<'s, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 's> Visitor<'de> for ObjectSeed<'s, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut props_done = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if self.depth == 0 && !props_done && key.eq_ignore_ascii_case("properties") {
                props_done = true;
                map.next_value_seed(PropertiesSeed {
                    fields: self.fields,
                    slots: &mut *self.slots,
                    encoded: &mut *self.encoded_properties,
                })?;
                continue;
            }
            match self.fields.slot(&key) {
                Some(slot) => {
                    // Inside `properties` a field always wins; at the top level the first one
                    // stays (so top-level fields never override `properties`).
                    if let Some(v) = map.next_value_seed(ValueSeed)?
                        && (self.depth > 0 || self.slots.values[slot].is_none())
                    {
                        self.slots.put(slot, v);
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct PropertiesSeed<'s, 'a> {
    fields: &'s FieldSet,
    slots: &'s mut Slots<'a>,
    encoded: &'s mut Option<String>,
}

impl<'de, 's> DeserializeSeed<'de> for PropertiesSeed<'s, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 's> Visitor<'de> for PropertiesSeed<'s, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("properties as an object or a JSON-encoded string")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut none = None;
        ObjectSeed {
            fields: self.fields,
            slots: self.slots,
            encoded_properties: &mut none,
            depth: 1,
        }
        .visit_map(map)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        *self.encoded = Some(v.to_string());
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        self.visit_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        *self.encoded = Some(v);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
}

/// A scalar field value; objects and arrays are ignored (`None`).
pub(crate) struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Option<FieldValue<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Option<FieldValue<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(FieldValue::Text(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(FieldValue::Text(Cow::Owned(v.to_string()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(FieldValue::Text(Cow::Owned(v))))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(FieldValue::Number(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(FieldValue::Number(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(FieldValue::Number(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(FieldValue::Bool(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::Lifecycles;

    fn fields() -> FieldSet {
        FieldSet::new(&Lifecycles::builtin().specs)
    }

    fn get(f: &FieldSet, s: &Slots, name: &str) -> Option<String> {
        s.get(f.slot(name).unwrap()).map(|v| v.text().into_owned())
    }

    proptest::proptest! {
        /// The word-wise lookup finds exactly what a case-insensitive comparison with every
        /// wanted name finds: letters in either case, every other byte as it is (`@` is not
        /// `` ` ``, `[` is not `{`, `_` is not DEL), names longer than 16 bytes included.
        #[test]
        fn slot_lookup_is_ascii_case_insensitive_and_nothing_more(
            wanted in proptest::collection::vec("[a-zA-Z_@`\\[{\\x7f0-9é]{1,20}", 1..8),
            names in proptest::collection::vec("[a-zA-Z_@`\\[{\\x7f0-9é]{1,20}", 0..8),
            flips in proptest::collection::vec(proptest::prelude::any::<bool>(), 20),
            before in "[a-z\":{]{0,3}",
            after in "[a-zA-Z\":,{}é ]{0,20}",
        ) {
            let fs = FieldSet::of_names(wanted.iter().map(String::as_str));
            // Each wanted name with bit 5 flipped here and there (a letter's case, or `@` for
            // `` ` ``, `[` for `{`, `_` for DEL, a digit for a control character), and others.
            let flipped = wanted.iter().map(|w| {
                w.chars()
                    .zip(flips.iter().cycle())
                    .map(|(c, &f)| if f && c.is_ascii() { char::from(c as u8 ^ 0x20) } else { c })
                    .collect::<String>()
            });
            let nested = ["properties", "PROPERTIES", "proPerties", "propertie", "properties_"];
            for name in flipped.chain(names.iter().cloned()).chain(nested.map(String::from)) {
                let expected = fs.names.iter().position(|n| n.eq_ignore_ascii_case(&name));
                proptest::prop_assert_eq!(fs.slot(&name), expected, "{:?}", name);
                // Read in place, with whatever text is around it (or none).
                let text = format!("{before}{name}{after}");
                let (from, to) = (before.len(), before.len() + name.len());
                proptest::prop_assert_eq!(fs.slot_at(&text, from, to), expected, "{:?}", text);
                proptest::prop_assert_eq!(
                    fs.is_properties_at(&text, from, to),
                    name.eq_ignore_ascii_case("properties"),
                    "{:?}", text
                );
            }
        }
    }

    proptest::proptest! {
        /// Clearing empties every slot filled since the last clear, with up to 64 slots (only
        /// those are visited) or more (all are), over several rounds of one `Slots`.
        #[test]
        fn clearing_empties_every_filled_slot(
            n in 1usize..100,
            rounds in proptest::collection::vec(proptest::collection::vec(0usize..100, 0..12), 1..4),
        ) {
            let mut slots = Slots::new(n);
            for puts in rounds {
                for &p in &puts {
                    slots.put(p % n, FieldValue::Number(p as f64));
                }
                for &p in &puts {
                    proptest::prop_assert!(slots.values[p % n].is_some());
                }
                slots.clear();
                proptest::prop_assert!(slots.values.iter().all(Option::is_none));
                proptest::prop_assert_eq!(slots.values.len(), n);
            }
        }
    }

    #[test]
    fn a_field_set_always_holds_the_record_type_fields() {
        let f = FieldSet::of_names(std::iter::empty());
        assert!(!f.is_empty());
        assert_eq!(f.names, ["Type", "category"]);
        let f = FieldSet::of_names(["RunId", "runid", "Status"]);
        assert!(!f.is_empty());
        assert_eq!(f.len(), 4, "names are case-insensitive: {:?}", f.names);
    }

    #[test]
    fn reads_diagnostic_settings_records_with_properties_object_or_string() {
        let f = fields();
        let line = br#"{"time":"2026-11-25T08:00:00Z","category":"AmlRunStatusChangedEvent","operationName":"x","properties":{"runId":"r1","status":"Running","Extra":[1,2]}}"#;
        let mut s = Slots::new(f.len());
        read_json(line, &f, &mut s).unwrap();
        assert_eq!(get(&f, &s, "RunId").as_deref(), Some("r1"));
        assert_eq!(get(&f, &s, "Status").as_deref(), Some("Running"));
        assert_eq!(
            get(&f, &s, "category").as_deref(),
            Some("AmlRunStatusChangedEvent")
        );
        let line = br#"{"time":"2026-11-25T08:00:00Z","category":"AmlComputeClusterEvent","properties":"{\"ClusterName\":\"gpu\",\"CurrentNodeCount\":3}"}"#;
        let mut s = Slots::new(f.len());
        read_json(line, &f, &mut s).unwrap();
        assert_eq!(get(&f, &s, "ClusterName").as_deref(), Some("gpu"));
        assert_eq!(
            s.get(f.slot("CurrentNodeCount").unwrap()).unwrap().number(),
            Some(3.0)
        );
    }

    #[test]
    fn bad_records_are_errors_not_panics() {
        let f = fields();
        for bad in [
            &b"{\"time\": \"x\""[..],
            b"[1,2]",
            b"",
            b"{\"a\":1} x",
            b"\"s\"",
        ] {
            let mut s = Slots::new(f.len());
            assert!(
                read_json(bad, &f, &mut s).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
