//! Workspace metrics derived from resource logs: run-status counts from
//! AmlRunStatusChangedEvent, node counts per cluster from AmlComputeClusterEvent, at Azure
//! Monitor's 1-minute grain with the dimensions the records carry. Which field yields which
//! metric is data ([`spec::BUILTIN`], with its sources). Input is streamed with the audit's
//! readers (JSON lines, JSON arrays, Event Hub bodies, CSV, gzip); memory grows with minutes ×
//! series, not with records. Every point keeps the file and line of its first records.

pub mod spec;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::audit::input::{self, CsvChunker, Format, JsonChunker, LineChunker, Sniffed};
use crate::audit::record::{FieldSet, Slots, read_json};
use crate::audit::time;
use crate::evaluate::{Dims, Evidence, Minute, Point, SeriesSet, minute_of_micros};
use crate::inputs::InputError;
use spec::{DeriveSpec, Kind};

/// What reading the logs counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeriveStats {
    pub files: usize,
    pub records: u64,
    /// Records of a table the mapping reads.
    pub used: u64,
    /// Records that could not be read (bad JSON, no time), by reason.
    pub skipped: BTreeMap<String, u64>,
}

/// A table of the mapping, resolved to field slots.
struct Table {
    name: String,
    kind: Kind,
    state: Option<usize>,
    dims: Vec<(String, usize)>,
    /// (state value or field name, field slot for gauges, metric).
    metrics: Vec<(String, usize, String)>,
}

/// The mapping, compiled: shared read-only by the parsing threads.
pub struct Mapping {
    fields: FieldSet,
    time: Vec<usize>,
    tables: Vec<Table>,
}

/// What one record contributes, worked out on a parsing thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Not read: the reason.
    Skip(&'static str),
    /// A record with a time: its minute, and what it yields if its table is mapped.
    Record { minute: Minute, hit: Option<Hit> },
}

/// A record of a mapped table.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    table: usize,
    /// (dimension index in the table, value).
    dims: Vec<(usize, String)>,
    /// `count` tables: the metric its state names.
    count: Option<usize>,
    /// `gauge` tables: (metric index, value).
    gauges: Vec<(usize, f64)>,
}

impl Mapping {
    pub fn new(spec: &DeriveSpec) -> Mapping {
        let mut names: Vec<&str> = spec.time.iter().map(String::as_str).collect();
        for t in &spec.tables {
            names.extend(t.state.as_deref());
            names.extend(t.dimensions.iter().map(String::as_str));
            if t.kind == Kind::Gauge {
                names.extend(t.metrics.keys().map(String::as_str));
            }
        }
        let fields = FieldSet::of_names(names);
        let slot = |n: &str| fields.slot(n).expect("every field has a slot");
        let tables = spec
            .tables
            .iter()
            .map(|t| Table {
                name: t.table.clone(),
                kind: t.kind,
                state: t.state.as_deref().map(slot),
                dims: t.dimensions.iter().map(|d| (d.clone(), slot(d))).collect(),
                metrics: t
                    .metrics
                    .iter()
                    .map(|(k, m)| {
                        let s = if t.kind == Kind::Gauge { slot(k) } else { 0 };
                        (k.clone(), s, m.clone())
                    })
                    .collect(),
            })
            .collect();
        Mapping {
            time: spec.time.iter().map(|t| slot(t)).collect(),
            fields,
            tables,
        }
    }

    pub fn fields(&self) -> &FieldSet {
        &self.fields
    }

    /// What a record's fields contribute.
    pub fn parse(&self, slots: &Slots) -> Parsed {
        let Some(micros) = self
            .time
            .iter()
            .find_map(|&s| slots.get(s).and_then(|v| time::parse(&v.text())))
        else {
            return Parsed::Skip("no time");
        };
        let minute = minute_of_micros(micros);
        let kind = [self.fields.type_slot, self.fields.category_slot]
            .iter()
            .find_map(|&s| slots.get(s));
        let table = kind.and_then(|k| {
            let k = k.text();
            self.tables
                .iter()
                .position(|t| t.name.eq_ignore_ascii_case(&k))
        });
        let Some(ti) = table else {
            return Parsed::Record { minute, hit: None };
        };
        let t = &self.tables[ti];
        let dims = t
            .dims
            .iter()
            .enumerate()
            .filter_map(|(i, (_, slot))| {
                let v = slots.get(*slot)?.text();
                (!v.is_empty()).then(|| (i, v.into_owned()))
            })
            .collect();
        let mut hit = Hit {
            table: ti,
            dims,
            count: None,
            gauges: Vec::new(),
        };
        match t.kind {
            Kind::Count => {
                if let Some(state) = t.state.and_then(|s| slots.get(s)) {
                    let state = state.text();
                    hit.count = t
                        .metrics
                        .iter()
                        .position(|(k, _, _)| k.eq_ignore_ascii_case(&state));
                }
            }
            Kind::Gauge => {
                for (i, (_, slot, _)) in t.metrics.iter().enumerate() {
                    if let Some(v) = slots.get(*slot).and_then(|v| v.number())
                        && v.is_finite()
                    {
                        hit.gauges.push((i, v));
                    }
                }
            }
        }
        Parsed::Record {
            minute,
            hit: Some(hit),
        }
    }
}

struct Gauge {
    last: Minute,
    value: f64,
    evidence: Evidence,
}

/// Turns parsed records, in input order, into metric points.
pub struct Deriver<'m> {
    mapping: &'m Mapping,
    /// Per table: seen at all; each dimension seen; each metric (gauge field) seen.
    seen: Vec<(bool, Vec<bool>, Vec<bool>)>,
    set: SeriesSet,
    gauges: HashMap<(usize, usize, Dims), Gauge>,
    pub stats: DeriveStats,
}

impl<'m> Deriver<'m> {
    pub fn new(mapping: &'m Mapping) -> Deriver<'m> {
        Deriver {
            seen: mapping
                .tables
                .iter()
                .map(|t| {
                    (
                        false,
                        vec![false; t.dims.len()],
                        vec![false; t.metrics.len()],
                    )
                })
                .collect(),
            mapping,
            set: SeriesSet::new(),
            gauges: HashMap::new(),
            stats: DeriveStats::default(),
        }
    }

    fn skip(&mut self, reason: &str) {
        self.stats.records += 1;
        *self.stats.skipped.entry(reason.to_string()).or_default() += 1;
    }

    /// One record's fields (parsed here).
    pub fn record(&mut self, slots: &Slots, at: Evidence) {
        let parsed = self.mapping.parse(slots);
        self.apply(parsed, at);
    }

    /// One parsed record.
    pub fn apply(&mut self, parsed: Parsed, at: Evidence) {
        let (minute, hit) = match parsed {
            Parsed::Skip(reason) => return self.skip(reason),
            Parsed::Record { minute, hit } => (minute, hit),
        };
        self.stats.records += 1;
        self.set.observe(minute);
        let Some(hit) = hit else { return };
        self.stats.used += 1;
        let t = &self.mapping.tables[hit.table];
        let seen = &mut self.seen[hit.table];
        seen.0 = true;
        let mut dims = Dims::new();
        for (i, v) in hit.dims {
            seen.1[i] = true;
            dims.insert(t.dims[i].0.clone(), v);
        }
        if let Some(m) = hit.count {
            self.set
                .add(&t.metrics[m].2, &dims, minute, Point::sample(1.0), &[at]);
            return;
        }
        for &(m, _) in &hit.gauges {
            seen.2[m] = true;
        }
        for (m, value) in hit.gauges {
            self.gauge(hit.table, m, &dims, minute, value, &at);
        }
    }

    fn gauge(
        &mut self,
        table: usize,
        m: usize,
        dims: &Dims,
        minute: Minute,
        value: f64,
        at: &Evidence,
    ) {
        let metric = self.mapping.tables[table].metrics[m].2.as_str();
        let key = (table, m, dims.clone());
        if let Some(g) = self.gauges.get_mut(&key) {
            if minute < g.last {
                // Out of time order: a sample in its minute; the held value stays.
                self.set.add(
                    metric,
                    dims,
                    minute,
                    Point::sample(value),
                    std::slice::from_ref(at),
                );
                return;
            }
            for held in g.last + 1..minute {
                self.set.add(
                    metric,
                    dims,
                    held,
                    Point::sample(g.value),
                    std::slice::from_ref(&g.evidence),
                );
            }
            g.last = minute;
            g.value = value;
            g.evidence = at.clone();
        } else {
            self.gauges.insert(
                key,
                Gauge {
                    last: minute,
                    value,
                    evidence: at.clone(),
                },
            );
        }
        self.set.add(
            metric,
            dims,
            minute,
            Point::sample(value),
            std::slice::from_ref(at),
        );
    }

    /// The series: gauges held to the last minute of the data; every metric of a table that
    /// appeared declared (a gauge only if some record reported it), with the dimensions its
    /// records carried.
    pub fn finish(mut self) -> (SeriesSet, DeriveStats) {
        if let Some((_, end)) = self.set.span() {
            for ((table, m, dims), g) in std::mem::take(&mut self.gauges) {
                let metric = self.mapping.tables[table].metrics[m].2.as_str();
                for held in g.last + 1..=end {
                    self.set.add(
                        metric,
                        &dims,
                        held,
                        Point::sample(g.value),
                        std::slice::from_ref(&g.evidence),
                    );
                }
            }
        }
        for (t, (seen, dims_seen, metrics_seen)) in self.mapping.tables.iter().zip(&self.seen) {
            if !seen {
                continue;
            }
            let dims: Vec<&str> = t
                .dims
                .iter()
                .zip(dims_seen)
                .filter(|(_, seen)| **seen)
                .map(|((n, _), _)| n.as_str())
                .collect();
            for (i, (_, _, m)) in t.metrics.iter().enumerate() {
                if t.kind == Kind::Count || metrics_seen[i] {
                    self.set.declare(m, &dims);
                }
            }
        }
        (self.set, self.stats)
    }
}

/// A chunk of one input, numbered in reading order.
struct Job {
    seq: u64,
    file: Arc<str>,
    parts: input::ChunkParts,
}

/// Derives the metrics of every dump under `paths` (files as given, directories walked, `-`
/// for stdin). Inputs that cannot be opened or are not dumps are errors; the others are read.
/// One thread reads, the others parse chunks of whole records, and the calling thread applies
/// them in input order (so the result does not depend on the number of threads).
pub fn derive_paths(
    paths: &[PathBuf],
    spec: &DeriveSpec,
) -> (SeriesSet, DeriveStats, Vec<InputError>) {
    let (files, errors) = crate::inputs::expand_all(paths, &Default::default());
    let errors = Mutex::new(errors);
    let mapping = Mapping::new(spec);
    let mut deriver = Deriver::new(&mapping);
    deriver.stats.files = files.len();
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = sync_channel::<Job>(threads * 2);
        let (out_tx, out_rx) = sync_channel::<(u64, Vec<(Parsed, Evidence)>)>(threads * 2);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let errors = &errors;
        let files = &files;
        scope.spawn(move || read_all(files, &job_tx, errors));
        for _ in 0..threads {
            let rx = Arc::clone(&job_rx);
            let tx = out_tx.clone();
            let mapping = &mapping;
            scope.spawn(move || {
                loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let seq = job.seq;
                    if tx.send((seq, parse_chunk(mapping, job))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(out_tx);
        let mut pending: BTreeMap<u64, Vec<(Parsed, Evidence)>> = BTreeMap::new();
        let mut next = 0u64;
        for (seq, out) in out_rx {
            pending.insert(seq, out);
            while let Some(out) = pending.remove(&next) {
                for (p, at) in out {
                    deriver.apply(p, at);
                }
                next += 1;
            }
        }
        for (_, out) in std::mem::take(&mut pending) {
            for (p, at) in out {
                deriver.apply(p, at);
            }
        }
    });
    let (set, stats) = deriver.finish();
    (set, stats, errors.into_inner().unwrap_or_default())
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// The reading thread: every input in order, cut into chunks.
fn read_all(files: &[PathBuf], tx: &SyncSender<Job>, errors: &Mutex<Vec<InputError>>) {
    let mut seq = 0u64;
    for path in files {
        let name = display_name(path);
        let file: Arc<str> = Arc::from(name.as_str());
        if let Err(message) = read_one(path, &file, tx, &mut seq)
            && let Ok(mut e) = errors.lock()
        {
            e.push(InputError {
                path: name,
                message,
            });
        }
    }
}

fn open(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(std::io::stdin()))
    } else {
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

fn read_one(
    path: &Path,
    file: &Arc<str>,
    tx: &SyncSender<Job>,
    seq: &mut u64,
) -> Result<(), String> {
    let reader = open(path)
        .and_then(input::open)
        .map_err(|e| e.to_string())?;
    let (format, reader, mark) = match input::sniff_marked(reader) {
        Ok((Sniffed::Dump(f), r, mark)) => (f, r, mark),
        Ok((Sniffed::NotADump(why), _, _)) => return Err(why),
        Err(e) => return Err(e.to_string()),
    };
    let mut next: Box<dyn FnMut() -> std::io::Result<Option<input::ChunkParts>>> = match format {
        Format::JsonLines => {
            let mut c = LineChunker::new(reader).at_offset(mark);
            Box::new(move || c.next_chunk())
        }
        Format::JsonArray | Format::JsonDocument => {
            let mut c = JsonChunker::new(reader).at_offset(mark);
            Box::new(move || c.next_chunk())
        }
        Format::Csv => {
            let mut c = CsvChunker::new(reader)?.at_offset(mark);
            Box::new(move || c.next_chunk())
        }
    };
    while let Some(parts) = next().map_err(|e| format!("read error: {e}"))? {
        let job = Job {
            seq: *seq,
            file: Arc::clone(file),
            parts,
        };
        *seq += 1;
        if tx.send(job).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// Parses every record of a chunk.
fn parse_chunk(mapping: &Mapping, job: Job) -> Vec<(Parsed, Evidence)> {
    let (bytes, units, skips) = job.parts;
    let at = |line| Evidence {
        file: Arc::clone(&job.file),
        line,
    };
    let mut out = Vec::with_capacity(units.len() + skips.len());
    for s in &skips {
        out.push((Parsed::Skip("unreadable"), at(s.line)));
    }
    let mut slots = Slots::new(mapping.fields().len());
    for u in &units {
        let unit = &bytes[u.start as usize..u.end as usize];
        if is_event_hub_body(unit) {
            #[derive(serde::Deserialize)]
            struct Body<'a> {
                #[serde(borrow)]
                records: Vec<&'a serde_json::value::RawValue>,
            }
            match serde_json::from_slice::<Body>(unit) {
                Ok(body) => {
                    for r in body.records {
                        let inner = r.get().as_bytes();
                        let from = (inner.as_ptr() as usize).saturating_sub(unit.as_ptr() as usize);
                        let sub = u.sub(&bytes, from, from + inner.len());
                        out.push((one(mapping, inner, &mut slots), at(sub.line)));
                    }
                }
                Err(_) => out.push((Parsed::Skip("invalid JSON"), at(u.line))),
            }
            continue;
        }
        out.push((one(mapping, unit, &mut slots), at(u.line)));
    }
    out
}

fn one<'a>(mapping: &Mapping, bytes: &'a [u8], slots: &mut Slots<'a>) -> Parsed {
    slots.clear();
    match read_json(bytes, mapping.fields(), slots) {
        Ok(()) => mapping.parse(slots),
        Err(_) => Parsed::Skip("invalid JSON"),
    }
}

fn is_event_hub_body(unit: &[u8]) -> bool {
    let head = &unit[..unit.len().min(24)];
    head.starts_with(b"{") && head.windows(9).any(|w| w == b"\"records\"")
}

#[cfg(test)]
mod tests;
