//! The lifecycle tracker: the audit's hot loop. Events arrive in input order; a reorder buffer
//! releases them in time order (input order breaks ties) once they are older than the
//! reorder window; each is checked against its entity's current state with an O(1) lookup in
//! the legal-edge matrix. An entity is dropped once it is terminal, has no pending events and
//! its terminal event is older than the window, so memory follows the entities in flight.

use std::collections::VecDeque;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxBuildHasher;

use crate::finding::{Finding, RecordAt, RecordContext, Severity};
use crate::lifecycle::Lifecycles;
use crate::lifecycle::graph::StateId;
use crate::registry;
use crate::source::{FileId, Span};

use super::histogram::Histogram;
use super::reorder::{Reorder, Timed};
use super::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    time: i64,
    seq: u64,
    entity: u32,
    state: StateId,
    file: u32,
    line: RecordAt,
}

impl Timed for Pending {
    fn time(&self) -> i64 {
        self.time
    }
}

#[derive(Debug)]
struct Entity {
    lifecycle: u8,
    key: Box<str>,
    /// The key's hash in its lifecycle's table.
    hash: u64,
    state: Option<StateId>,
    entered: i64,
    entered_at: (u32, RecordAt),
    last_at: (u32, RecordAt),
    /// The time of its terminal record, or of the latest record after it: it is let go once
    /// the window has passed that time.
    terminal_at: Option<i64>,
    pending: u32,
}

/// Per-lifecycle counts for the summary.
#[derive(Debug, Clone, Default)]
pub struct LifecycleStats {
    pub events: u64,
    pub entities: u64,
    pub open_at_end: u64,
    pub repeats: u64,
    pub late: u64,
    /// `transitions[from * n + to]`, legal and illegal.
    pub transitions: Vec<u64>,
    /// Time spent in each state before leaving it (seconds).
    pub dwell: Vec<Histogram>,
}

pub struct Tracker<'l> {
    lifecycles: &'l Lifecycles,
    window: i64,
    strict: bool,
    watermark: i64,
    /// The horizon of the last drain: everything at or before it has been applied.
    drained_upto: i64,
    seq: u64,
    pending: Reorder<Pending>,
    /// Entity key → entity id, per lifecycle. The tables hold ids only: an id's key and hash
    /// are in its entity, so a key is hashed once, when its record arrives, and an entity
    /// leaves its table by hash and id without its key being read (Fx hashing: keys are
    /// trusted ids, the loop is hot).
    maps: Vec<HashTable<u32>>,
    hasher: FxBuildHasher,
    entities: Vec<Option<Entity>>,
    free: Vec<u32>,
    release: VecDeque<(i64, u32)>,
    /// Scratch space for the events a drain releases.
    ready: Vec<Pending>,
    pub findings: Vec<Finding>,
    pub stats: Vec<LifecycleStats>,
    /// Largest number of entities held at once.
    pub peak_entities: usize,
    live: usize,
}

impl<'l> Tracker<'l> {
    /// `window` in microseconds.
    pub fn new(lifecycles: &'l Lifecycles, window: i64, strict: bool) -> Self {
        Tracker {
            lifecycles,
            window,
            strict,
            watermark: i64::MIN,
            drained_upto: i64::MIN,
            seq: 0,
            pending: Reorder::new((window / 1_000_000).saturating_mul(4).saturating_add(60)),
            maps: vec![HashTable::new(); lifecycles.specs.len()],
            hasher: FxBuildHasher,
            entities: Vec::new(),
            free: Vec::new(),
            release: VecDeque::new(),
            ready: Vec::new(),
            findings: Vec::new(),
            stats: lifecycles
                .graphs
                .iter()
                .map(|g| LifecycleStats {
                    transitions: vec![0; g.len() * g.len()],
                    dwell: vec![Histogram::default(); g.len()],
                    ..LifecycleStats::default()
                })
                .collect(),
            peak_entities: 0,
            live: 0,
        }
    }

    fn horizon(&self) -> i64 {
        self.watermark.saturating_sub(self.window)
    }

    fn context(&self, lifecycle: u8, key: &str, t: i64, line: RecordAt) -> RecordContext {
        RecordContext {
            line: line.line,
            at: line.pos,
            lifecycle: Some(self.lifecycles.specs[lifecycle as usize].name.clone()),
            entity: Some(key.to_string()),
            time: Some(time::format(t)),
            from: None,
            to: None,
        }
    }

    /// One event, in input order.
    pub fn push(
        &mut self,
        lifecycle: u8,
        key: &str,
        state: StateId,
        t: i64,
        file: FileId,
        line: RecordAt,
    ) {
        let lc = lifecycle as usize;
        if t < self.horizon() {
            self.stats[lc].late += 1;
            let g = &self.lifecycles.graphs[lc];
            let mut ctx = self.context(lifecycle, key, t, line);
            ctx.to = Some(g.names[state as usize].clone());
            self.findings.push(
                Finding::new(
                    &registry::LATE_RECORD,
                    file,
                    Span::default(),
                    format!(
                        "{} `{key}`: record at {} arrived after records up to {}, beyond the reorder window",
                        self.lifecycles.specs[lc].name,
                        time::format(t),
                        time::format(self.watermark)
                    ),
                )
                .help("widen --reorder-window, or sort the dump by time")
                .at_record(ctx),
            );
            return;
        }
        let hash = self.hasher.hash_one(key);
        let entities = &self.entities;
        let entry = self.maps[lc].entry(
            hash,
            |&id| {
                entities[id as usize]
                    .as_ref()
                    .is_some_and(|e| &*e.key == key)
            },
            |&id| entities[id as usize].as_ref().map_or(0, |e| e.hash),
        );
        let entity = match entry {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(slot) => {
                let e = Entity {
                    lifecycle,
                    key: key.into(),
                    hash,
                    state: None,
                    entered: t,
                    entered_at: (file.0 as u32, line),
                    last_at: (file.0 as u32, line),
                    terminal_at: None,
                    pending: 0,
                };
                let id = match self.free.pop() {
                    Some(id) => {
                        self.entities[id as usize] = Some(e);
                        id
                    }
                    None => {
                        self.entities.push(Some(e));
                        (self.entities.len() - 1) as u32
                    }
                };
                slot.insert(id);
                self.stats[lc].entities += 1;
                self.live += 1;
                self.peak_entities = self.peak_entities.max(self.live);
                id
            }
        };
        if let Some(e) = self.entities[entity as usize].as_mut() {
            e.pending += 1;
        }
        self.pending.push(Pending {
            time: t,
            seq: self.seq,
            entity,
            state,
            file: file.0 as u32,
            line,
        });
        self.seq += 1;
        self.watermark = self.watermark.max(t);
        // A drain up to an unchanged horizon finds only what was pushed since at or before
        // it: when the watermark stood still and this event is later, there is nothing.
        let upto = self.horizon();
        if upto != self.drained_upto || t <= upto {
            self.drain(upto);
            self.drained_upto = upto;
        }
    }

    /// Applies every pending event at or before `upto`, then releases finished entities.
    fn drain(&mut self, upto: i64) {
        let mut ready = std::mem::take(&mut self.ready);
        self.pending.drain_upto(upto, |p| ready.push(p));
        for p in ready.drain(..) {
            self.apply(p);
        }
        self.ready = ready;
        while let Some(&(t, id)) = self.release.front() {
            if t >= upto && upto != i64::MAX {
                break;
            }
            self.release.pop_front();
            let done = self.entities[id as usize].as_ref().is_some_and(|e| {
                e.pending == 0
                    && e.terminal_at
                        .is_some_and(|at| at < upto || upto == i64::MAX)
            });
            if done {
                let e = self.entities[id as usize].take().expect("checked");
                // Found by its hash and id: the key is not read, nor hashed again.
                if let Ok(slot) = self.maps[e.lifecycle as usize].find_entry(e.hash, |&x| x == id) {
                    slot.remove();
                }
                self.free.push(id);
                self.live -= 1;
            }
        }
    }

    fn apply(&mut self, p: Pending) {
        let Some(e) = self.entities[p.entity as usize].as_mut() else {
            return;
        };
        e.pending -= 1;
        let lc = e.lifecycle as usize;
        let spec = &self.lifecycles.specs[lc];
        let g = &self.lifecycles.graphs[lc];
        let n = g.len();
        let stats = &mut self.stats[lc];
        stats.events += 1;
        let file = FileId(p.file as usize);
        let name = |s: StateId| g.names[s as usize].clone();
        let ctx = |from: Option<StateId>, to: StateId, line: RecordAt, key: &str| RecordContext {
            line: line.line,
            at: line.pos,
            lifecycle: Some(spec.name.clone()),
            entity: Some(key.to_string()),
            time: Some(time::format(p.time)),
            from: from.map(name),
            to: Some(name(to)),
        };
        let Some(current) = e.state else {
            // First event of the entity.
            if !g.is_initial(p.state) {
                let mut f = Finding::new(
                    &registry::STARTED_MID_LIFECYCLE,
                    file,
                    Span::default(),
                    format!(
                        "{} `{}` is first seen in state {} (the dump starts mid-lifecycle)",
                        spec.name,
                        e.key,
                        name(p.state)
                    ),
                )
                .at_record(ctx(None, p.state, p.line, &e.key));
                if self.strict {
                    f.severity = Severity::Error;
                }
                self.findings.push(f);
            }
            e.state = Some(p.state);
            e.entered = p.time;
            e.entered_at = (p.file, p.line);
            e.last_at = (p.file, p.line);
            if g.is_terminal(p.state) {
                e.terminal_at = Some(p.time);
                self.release.push_back((p.time, p.entity));
            }
            return;
        };
        e.last_at = (p.file, p.line);
        if g.is_terminal(current) {
            // Keep it until this later record is out of the window too.
            e.terminal_at = Some(p.time);
            self.release.push_back((p.time, p.entity));
        }
        if current == p.state {
            stats.repeats += 1;
            return;
        }
        if g.is_terminal(current) {
            self.findings.push(
                Finding::new(
                    &registry::EVENT_AFTER_TERMINAL,
                    file,
                    Span::default(),
                    format!(
                        "{} `{}` reports {} after it ended in {}",
                        spec.name,
                        e.key,
                        name(p.state),
                        name(current)
                    ),
                )
                .help(format!(
                    "{} is terminal; check for a reused id or a misordered stream",
                    name(current)
                ))
                .at_record(ctx(Some(current), p.state, p.line, &e.key)),
            );
            stats.transitions[current as usize * n + p.state as usize] += 1;
            return;
        }
        stats.transitions[current as usize * n + p.state as usize] += 1;
        let dwell = ((p.time - e.entered).max(0) / 1_000_000) as u64;
        stats.dwell[current as usize].record(dwell);
        if let Some(max) = g.max_dwell[current as usize]
            && dwell > max
        {
            self.findings.push(
                Finding::new(
                    &registry::DWELL_EXCEEDED,
                    FileId(e.entered_at.0 as usize),
                    Span::default(),
                    format!(
                        "{} `{}` stayed in {} for {} (limit {})",
                        spec.name,
                        e.key,
                        name(current),
                        human_duration(dwell),
                        human_duration(max)
                    ),
                )
                .help(format!(
                    "it left {} at {} (line {})",
                    name(current),
                    time::format(p.time),
                    p.line.line
                ))
                .at_record(RecordContext {
                    time: Some(time::format(e.entered)),
                    ..ctx(Some(current), p.state, e.entered_at.1, &e.key)
                }),
            );
        }
        if !g.legal(current, p.state) {
            let legal: Vec<String> = g.successors(current).into_iter().map(name).collect();
            self.findings.push(
                Finding::new(
                    &registry::ILLEGAL_TRANSITION,
                    file,
                    Span::default(),
                    format!(
                        "{} `{}`: {} → {} is not a legal transition",
                        spec.name,
                        e.key,
                        name(current),
                        name(p.state)
                    ),
                )
                .help(if legal.is_empty() {
                    format!("{} has no legal successor", name(current))
                } else {
                    format!(
                        "from {} a {} goes to {}",
                        name(current),
                        spec.name,
                        legal.join(", ")
                    )
                })
                .at_record(ctx(Some(current), p.state, p.line, &e.key)),
            );
        }
        e.state = Some(p.state);
        e.entered = p.time;
        e.entered_at = (p.file, p.line);
        if g.is_terminal(p.state) {
            e.terminal_at = Some(p.time);
            self.release.push_back((p.time, p.entity));
        }
    }

    /// Applies everything still pending and reports the entities left open.
    pub fn finish(&mut self) {
        self.drain(i64::MAX);
        let now = self.watermark;
        let mut open: Vec<&Entity> = self.entities.iter().flatten().collect();
        open.sort_by_key(|e| (e.last_at, e.lifecycle));
        for e in open {
            let Some(state) = e.state else { continue };
            let lc = e.lifecycle as usize;
            let g = &self.lifecycles.graphs[lc];
            let spec = &self.lifecycles.specs[lc];
            if g.is_terminal(state) {
                continue;
            }
            let has_terminal = g.terminal.iter().any(|t| *t);
            let stayed = ((now - e.entered).max(0) / 1_000_000) as u64;
            // The entity still in `state`, seen at `line`.
            let still = |line: RecordAt| RecordContext {
                line: line.line,
                at: line.pos,
                lifecycle: Some(spec.name.clone()),
                entity: Some(e.key.to_string()),
                time: Some(time::format(e.entered)),
                from: Some(g.names[state as usize].clone()),
                to: None,
            };
            if let Some(max) = g.max_dwell[state as usize]
                && stayed > max
            {
                self.findings.push(
                    Finding::new(
                        &registry::DWELL_EXCEEDED,
                        FileId(e.entered_at.0 as usize),
                        Span::default(),
                        format!(
                            "{} `{}` has been in {} for {} at the end of the dump (limit {})",
                            spec.name,
                            e.key,
                            g.names[state as usize],
                            human_duration(stayed),
                            human_duration(max)
                        ),
                    )
                    .at_record(still(e.entered_at.1)),
                );
            }
            if has_terminal {
                self.stats[lc].open_at_end += 1;
                let mut f = Finding::new(
                    &registry::OPEN_AT_END,
                    FileId(e.last_at.0 as usize),
                    Span::default(),
                    format!(
                        "{} `{}` is still {} at the end of the dump",
                        spec.name, e.key, g.names[state as usize]
                    ),
                )
                .at_record(still(e.last_at.1));
                if self.strict {
                    f.severity = Severity::Error;
                }
                self.findings.push(f);
            }
        }
    }
}

/// `45s`, `1m30s`, `3h05m`, `2d4h`: the two largest units.
pub fn human_duration(secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m{s:02}s"),
        (0, _, _) => format!("{h}h{m:02}m"),
        _ => format!("{d}d{h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entities are found by their key through the tables' growth, leave their table when let
    /// go, and a key seen again after that is a new entity: 5,000 runs in flight at once,
    /// then each ended, let go and started again.
    #[test]
    fn entities_are_found_by_key_through_growth_and_release() {
        let l = Lifecycles::builtin();
        let lc = l.specs.iter().position(|s| s.name == "run").expect("run");
        let g = &l.graphs[lc];
        let state = |name: &str| g.state(name).expect(name);
        let mut t = Tracker::new(&l, 0, false);
        let n = 5_000i64;
        let mut at = 0i64;
        let mut step = |t: &mut Tracker, i: i64, name: &str| {
            at += 1_000_000;
            let key = format!("run-{i}");
            t.push(
                lc as u8,
                &key,
                state(name),
                at,
                FileId(0),
                RecordAt::line(1),
            );
        };
        for name in ["Starting", "Queued"] {
            for i in 0..n {
                step(&mut t, i, name);
            }
        }
        assert_eq!(t.stats[lc].entities, n as u64);
        assert_eq!(t.peak_entities, n as usize);
        assert_eq!(t.maps[lc].len(), n as usize);
        for name in ["Running", "Completed"] {
            for i in 0..n {
                step(&mut t, i, name);
            }
        }
        for i in 0..n {
            step(&mut t, i, "Starting");
        }
        // Every ended run was let go (the window is zero) before its key came back.
        assert_eq!(t.stats[lc].entities, 2 * n as u64);
        assert_eq!(t.maps[lc].len(), n as usize);
        assert_eq!(t.live, n as usize);
        assert_eq!(t.stats[lc].events, 5 * n as u64);
        assert!(t.findings.is_empty(), "{:?}", t.findings.first());
    }

    #[test]
    fn durations_read_in_their_two_largest_units() {
        let cases = [
            (0, "0s"),
            (45, "45s"),
            (90, "1m30s"),
            (600, "10m00s"),
            (3599, "59m59s"),
            (3600, "1h00m"),
            (3 * 3600 + 5 * 60 + 59, "3h05m"),
            (86_399, "23h59m"),
            (2 * 86_400 + 4 * 3600 + 59 * 60, "2d4h"),
        ];
        for (secs, text) in cases {
            assert_eq!(human_duration(secs), text, "{secs}");
        }
    }
}
