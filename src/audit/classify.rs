//! From a record's fields to an event: which lifecycle, which entity, which state, when; and
//! the in-record checks. Runs on the worker threads; produces compact events whose key text
//! lives in a per-chunk arena, so reading a record allocates nothing in the common case.

use std::collections::BTreeMap;

use crate::finding::{Finding, RecordAt, RecordContext};
use crate::lifecycle::graph::StateId;
use crate::lifecycle::{Lifecycles, RecordCheck};
use crate::registry;
use crate::source::{FileId, Span};
use crate::suggest;

use super::record::{FieldSet, Slots};
use super::time;

/// The state id of an event whose record has no state (in-record checks only).
pub const NO_STATE: StateId = StateId::MAX;

/// One record, ready for the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub lifecycle: u8,
    pub state: StateId,
    pub time: i64,
    /// The entity key: a range of the chunk's arena.
    pub key: (u32, u32),
    pub file: FileId,
    pub line: RecordAt,
}

/// What a worker makes of a chunk.
#[derive(Debug, Default)]
pub struct ChunkOut {
    pub events: Vec<Event>,
    pub arena: String,
    pub findings: Vec<Finding>,
    pub read: u64,
    pub audited: u64,
    pub skipped: BTreeMap<String, u64>,
    /// Scratch space for a skip reason.
    reason: String,
}

impl ChunkOut {
    /// Empties it for another chunk, keeping the room of its vectors.
    pub fn clear(&mut self) {
        self.events.clear();
        self.arena.clear();
        self.findings.clear();
        self.read = 0;
        self.audited = 0;
        self.skipped.clear();
        self.reason.clear();
    }

    pub fn key(&self, e: &Event) -> &str {
        &self.arena[e.key.0 as usize..e.key.1 as usize]
    }

    /// Counts a skipped record and reports it, with the reason as the finding's label.
    pub fn skip(&mut self, reason: &str, file: FileId, line: RecordAt, detail: String) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
        self.findings.push(
            Finding::new(&registry::UNREADABLE_RECORD, file, Span::default(), detail)
                .label(reason)
                .at_record(line.context()),
        );
    }
}

struct Compiled {
    key: Vec<usize>,
    state: usize,
    time: Vec<usize>,
    /// The field that must agree with the state, and its pairs: lowercase value → state (a
    /// later pair of the same value wins). A handful: searched, not hashed.
    agree: Option<(usize, Vec<(String, String)>)>,
}

/// Everything a worker needs, shared read-only between threads.
pub struct Classifier<'l> {
    pub lifecycles: &'l Lifecycles,
    pub fields: FieldSet,
    /// Category or table name → lifecycle, compared case-insensitively.
    by_category: Vec<(String, u8)>,
    compiled: Vec<Compiled>,
}

impl<'l> Classifier<'l> {
    pub fn new(lifecycles: &'l Lifecycles) -> Self {
        let fields = FieldSet::new(&lifecycles.specs);
        let slot = |n: &str| fields.slot(n).expect("every spec field has a slot");
        let mut by_category: Vec<(String, u8)> = Vec::new();
        let mut compiled = Vec::new();
        for (i, spec) in lifecycles.specs.iter().enumerate() {
            for c in &spec.categories {
                if !by_category.iter().any(|(n, _)| n.eq_ignore_ascii_case(c)) {
                    by_category.push((c.clone(), i as u8));
                }
            }
            compiled.push(Compiled {
                key: spec.key.iter().map(|k| slot(k)).collect(),
                state: slot(&spec.state),
                time: spec.time.iter().map(|t| slot(t)).collect(),
                agree: spec.agree.as_ref().map(|a| {
                    (
                        slot(&a.field),
                        a.pairs.iter().fold(Vec::new(), |mut pairs, (k, v)| {
                            let k = k.to_lowercase();
                            match pairs.iter_mut().find(|(have, _)| *have == k) {
                                Some(pair) => pair.1 = v.clone(),
                                None => pairs.push((k, v.clone())),
                            }
                            pairs
                        }),
                    )
                }),
            });
        }
        Classifier {
            lifecycles,
            fields,
            by_category,
            compiled,
        }
    }

    /// The lifecycle of a record: by its `Type` or `category`, else the first lifecycle whose
    /// key and state fields it carries; otherwise the category it names (`None`: it names
    /// none).
    fn lifecycle<'s>(&self, slots: &'s Slots) -> Result<u8, Option<std::borrow::Cow<'s, str>>> {
        for s in [self.fields.type_slot, self.fields.category_slot] {
            if let Some(v) = slots.get(s) {
                let t = v.text();
                return self
                    .by_category
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&t))
                    .map(|(_, lc)| *lc)
                    .ok_or(Some(t));
            }
        }
        self.compiled
            .iter()
            .position(|c| {
                slots.get(c.state).is_some() && c.key.iter().all(|k| slots.get(*k).is_some())
            })
            .map(|i| i as u8)
            .ok_or(None)
    }

    /// Turns one record into an event (or a skip, or in-record findings).
    pub fn classify(&self, slots: &Slots, file: FileId, line: RecordAt, out: &mut ChunkOut) {
        let lc = match self.lifecycle(slots) {
            Ok(lc) => lc,
            Err(category) => {
                // Records of tables without a lifecycle are expected in mixed dumps (often most of
                // them): counted, not reported, and without allocating once the reason is known.
                out.reason.clear();
                match category {
                    Some(c) => {
                        out.reason.push_str("category ");
                        out.reason.push_str(&c);
                        out.reason.push_str(" has no lifecycle");
                    }
                    None => out
                        .reason
                        .push_str("no category, and no lifecycle's key and state fields"),
                }
                match out.skipped.get_mut(out.reason.as_str()) {
                    Some(n) => *n += 1,
                    None => {
                        out.skipped.insert(out.reason.clone(), 1);
                    }
                }
                return;
            }
        };
        let spec = &self.lifecycles.specs[lc as usize];
        let c = &self.compiled[lc as usize];
        let Some(time_text) = c.time.iter().find_map(|&s| slots.get(s)) else {
            out.skip(
                "missing time",
                file,
                line,
                format!(
                    "{} record without a time field ({})",
                    spec.name,
                    spec.time.join(", ")
                ),
            );
            return;
        };
        let time_text = time_text.text();
        let Some(t) = time::parse(&time_text) else {
            out.skip(
                "bad time",
                file,
                line,
                format!("{} record with an unreadable time `{time_text}`", spec.name),
            );
            return;
        };
        // The key: its fields joined with '/'.
        let start = out.arena.len();
        for (i, &k) in c.key.iter().enumerate() {
            let Some(v) = slots.get(k) else {
                out.arena.truncate(start);
                out.skip(
                    "missing key",
                    file,
                    line,
                    format!(
                        "{} record without its key field `{}`",
                        spec.name, spec.key[i]
                    ),
                );
                return;
            };
            let text = v.text();
            if text.trim().is_empty() {
                out.arena.truncate(start);
                out.skip(
                    "empty key",
                    file,
                    line,
                    format!(
                        "{} record whose key field `{}` is empty",
                        spec.name, spec.key[i]
                    ),
                );
                return;
            }
            if i > 0 {
                out.arena.push('/');
            }
            out.arena.push_str(&text);
        }
        let key = (start as u32, out.arena.len() as u32);
        let g = &self.lifecycles.graphs[lc as usize];
        let state = slots.get(c.state).map(|v| v.text());
        // Findings are rare: the key text is copied only when one is made.
        let ctx = |key_text: &str, from: Option<String>, to: Option<String>| RecordContext {
            line: line.line,
            at: line.pos,
            lifecycle: Some(spec.name.clone()),
            entity: Some(key_text.to_string()),
            time: Some(time::format(t)),
            from,
            to,
        };
        for (message, source) in self.record_checks(lc, slots, state.as_deref()) {
            let context = ctx(
                &out.arena[start..],
                None,
                state.as_deref().map(str::to_string),
            );
            out.findings.push(
                Finding::new(
                    &registry::RECORD_INCONSISTENT,
                    file,
                    Span::default(),
                    message,
                )
                .source(source.to_string())
                .at_record(context),
            );
        }
        out.audited += 1;
        let Some(state_text) = state else {
            if spec.state_optional {
                out.arena.truncate(start);
            } else {
                out.audited -= 1;
                out.arena.truncate(start);
                out.skip(
                    "missing state",
                    file,
                    line,
                    format!(
                        "{} record without its state field `{}`",
                        spec.name, spec.state
                    ),
                );
            }
            return;
        };
        let Some(state) = g.state(state_text.trim()) else {
            let key_text = out.arena[start..].to_string();
            out.arena.truncate(start);
            out.findings.push(
                Finding::new(
                    &registry::UNKNOWN_STATE,
                    file,
                    Span::default(),
                    format!(
                        "{} `{key_text}`: `{state_text}` is not a state of the {} lifecycle",
                        spec.name, spec.name
                    ),
                )
                .help(
                    suggest::did_you_mean(&state_text, g.names.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("states: {}", g.names.join(", "))),
                )
                .at_record(ctx(&key_text, None, Some(state_text.to_string()))),
            );
            return;
        };
        out.events.push(Event {
            lifecycle: lc,
            state,
            time: t,
            key,
            file,
            line,
        });
    }

    /// The in-record checks: a message and its source for each that fails.
    fn record_checks<'s>(
        &'s self,
        lc: u8,
        slots: &Slots,
        state: Option<&str>,
    ) -> Vec<(String, &'s str)> {
        let spec = &self.lifecycles.specs[lc as usize];
        let c = &self.compiled[lc as usize];
        let mut failed = Vec::new();
        let mut report = |msg: String, source: &'s str| failed.push((msg, source));
        let num = |name: &str| {
            self.fields
                .slot(name)
                .and_then(|s| slots.get(s))
                .and_then(|v| v.number())
        };
        if let (Some((slot, pairs)), Some(state), Some(agree)) = (&c.agree, state, &spec.agree)
            && let Some(v) = slots.get(*slot)
        {
            let v = v.text();
            // An ASCII value is lowercased by ASCII rules, so its pair is found without
            // lowercasing it (which allocates).
            let expected = if v.is_ascii() {
                pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(&v))
            } else {
                let lower = v.to_lowercase();
                pairs.iter().find(|(k, _)| *k == lower)
            };
            if let Some((_, expected)) = expected
                && !expected.eq_ignore_ascii_case(state.trim())
            {
                report(
                    format!(
                        "{} record says {} `{v}` but {} `{state}` (expected {expected})",
                        spec.name, agree.field, spec.state
                    ),
                    &agree.source,
                );
            }
        }
        for check in &spec.checks {
            match check {
                RecordCheck::NonNegative { fields, source } => {
                    for f in fields {
                        if let Some(v) = num(f).filter(|v| *v < 0.0) {
                            report(
                                format!("{} record has {f} = {v}, a negative count", spec.name),
                                source,
                            );
                        }
                    }
                }
                RecordCheck::AtMost {
                    fields,
                    limit,
                    source,
                } => {
                    if let Some(max) = num(limit) {
                        for f in fields {
                            if let Some(v) = num(f).filter(|v| *v > max) {
                                report(
                                    format!(
                                        "{} record has {f} = {v}, above {limit} = {max}",
                                        spec.name
                                    ),
                                    source,
                                );
                            }
                        }
                    }
                }
                RecordCheck::Ordered { fields, source } => {
                    let mut prev: Option<(&String, i64)> = None;
                    for f in fields {
                        let t = self
                            .fields
                            .slot(f)
                            .and_then(|s| slots.get(s))
                            .and_then(|v| time::parse(&v.text()));
                        if let Some(t) = t {
                            if let Some((pf, pt)) = prev
                                && t < pt
                            {
                                report(
                                    format!(
                                        "{} record has {f} ({}) before {pf} ({})",
                                        spec.name,
                                        time::format(t),
                                        time::format(pt)
                                    ),
                                    source,
                                );
                            }
                            prev = Some((f, t));
                        }
                    }
                }
            }
        }
        failed
    }
}
