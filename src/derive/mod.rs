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
use std::sync::Arc;

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

struct Table {
    kind: Kind,
    state: Option<usize>,
    dims: Vec<(String, usize)>,
    /// (state value or field slot, metric).
    metrics: Vec<(String, usize, String)>,
    seen: bool,
    seen_dims: Vec<bool>,
    /// Gauge fields some record carried (a gauge no record reports is not determined).
    seen_metrics: Vec<bool>,
}

struct Gauge {
    last: Minute,
    value: f64,
    evidence: Evidence,
}

/// Turns records into metric points.
pub struct Deriver {
    fields: FieldSet,
    time: Vec<usize>,
    tables: Vec<(String, Table)>,
    set: SeriesSet,
    gauges: HashMap<(String, Dims), Gauge>,
    pub stats: DeriveStats,
}

impl Deriver {
    pub fn new(spec: &DeriveSpec) -> Deriver {
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
            .map(|t| {
                let table = Table {
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
                    seen: false,
                    seen_dims: vec![false; t.dimensions.len()],
                    seen_metrics: vec![false; t.metrics.len()],
                };
                (t.table.clone(), table)
            })
            .collect();
        Deriver {
            time: spec.time.iter().map(|t| slot(t)).collect(),
            fields,
            tables,
            set: SeriesSet::new(),
            gauges: HashMap::new(),
            stats: DeriveStats::default(),
        }
    }

    pub fn fields(&self) -> &FieldSet {
        &self.fields
    }

    fn skip(&mut self, reason: &str) {
        *self.stats.skipped.entry(reason.to_string()).or_default() += 1;
    }

    /// One record's fields.
    pub fn record(&mut self, slots: &Slots, at: Evidence) {
        self.stats.records += 1;
        let Some(micros) = self
            .time
            .iter()
            .find_map(|&s| slots.get(s).and_then(|v| time::parse(&v.text())))
        else {
            self.skip("no time");
            return;
        };
        let minute = minute_of_micros(micros);
        self.set.observe(minute);
        let kind = [self.fields.type_slot, self.fields.category_slot]
            .iter()
            .find_map(|&s| slots.get(s).map(|v| v.text().into_owned()));
        let Some(kind) = kind else { return };
        let Some(ti) = self
            .tables
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(&kind))
        else {
            return;
        };
        self.stats.used += 1;
        let table = &mut self.tables[ti].1;
        table.seen = true;
        let mut dims = Dims::new();
        for (i, (name, slot)) in table.dims.iter().enumerate() {
            if let Some(v) = slots.get(*slot) {
                let v = v.text();
                if !v.is_empty() {
                    table.seen_dims[i] = true;
                    dims.insert(name.clone(), v.into_owned());
                }
            }
        }
        match table.kind {
            Kind::Count => {
                let Some(state) = table.state.and_then(|s| slots.get(s)) else {
                    return;
                };
                let state = state.text();
                let Some((_, _, metric)) = table
                    .metrics
                    .iter()
                    .find(|(k, _, _)| k.eq_ignore_ascii_case(&state))
                else {
                    return;
                };
                let metric = metric.clone();
                self.set
                    .add(&metric, &dims, minute, Point::sample(1.0), &[at]);
            }
            Kind::Gauge => {
                let mut updates: Vec<(String, f64)> = Vec::new();
                for (i, (_, slot, m)) in table.metrics.iter().enumerate() {
                    if let Some(v) = slots.get(*slot).and_then(|v| v.number())
                        && v.is_finite()
                    {
                        table.seen_metrics[i] = true;
                        updates.push((m.clone(), v));
                    }
                }
                for (metric, value) in updates {
                    self.gauge(&metric, &dims, minute, value, &at);
                }
            }
        }
    }

    fn gauge(&mut self, metric: &str, dims: &Dims, minute: Minute, value: f64, at: &Evidence) {
        let key = (metric.to_string(), dims.clone());
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
            for m in g.last + 1..minute {
                self.set.add(
                    metric,
                    dims,
                    m,
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
    /// appeared declared, with the dimensions its records carried.
    pub fn finish(mut self) -> (SeriesSet, DeriveStats) {
        if let Some((_, end)) = self.set.span() {
            for ((metric, dims), g) in std::mem::take(&mut self.gauges) {
                for m in g.last + 1..=end {
                    self.set.add(
                        &metric,
                        &dims,
                        m,
                        Point::sample(g.value),
                        std::slice::from_ref(&g.evidence),
                    );
                }
            }
        }
        for (_, t) in &self.tables {
            if !t.seen {
                continue;
            }
            let dims: Vec<&str> = t
                .dims
                .iter()
                .zip(&t.seen_dims)
                .filter(|(_, seen)| **seen)
                .map(|((n, _), _)| n.as_str())
                .collect();
            for (i, (_, _, m)) in t.metrics.iter().enumerate() {
                if t.kind == Kind::Count || t.seen_metrics[i] {
                    self.set.declare(m, &dims);
                }
            }
        }
        (self.set, self.stats)
    }
}

/// Derives the metrics of every dump under `paths` (files as given, directories walked, `-`
/// for stdin). Inputs that cannot be opened or are not dumps are errors; the others are read.
pub fn derive_paths(
    paths: &[PathBuf],
    spec: &DeriveSpec,
) -> (SeriesSet, DeriveStats, Vec<InputError>) {
    let (files, mut errors) = crate::inputs::expand_all(paths, &Default::default());
    let mut deriver = Deriver::new(spec);
    for path in &files {
        deriver.stats.files += 1;
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        if let Err(message) = derive_one(path, Arc::from(name.as_str()), &mut deriver) {
            errors.push(InputError {
                path: name,
                message,
            });
        }
    }
    let (set, stats) = deriver.finish();
    (set, stats, errors)
}

fn open(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(std::io::stdin()))
    } else {
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

fn derive_one(path: &Path, file: Arc<str>, deriver: &mut Deriver) -> Result<(), String> {
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
    let n = deriver.fields().len();
    loop {
        let Some((bytes, units, skips)) = next().map_err(|e| format!("read error: {e}"))? else {
            return Ok(());
        };
        let mut slots = Slots::new(n);
        for _ in &skips {
            deriver.stats.records += 1;
            deriver.skip("unreadable");
        }
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
                            let from =
                                (inner.as_ptr() as usize).saturating_sub(unit.as_ptr() as usize);
                            let sub = u.sub(&bytes, from, from + inner.len());
                            one(deriver, inner, &mut slots, &file, sub.line);
                        }
                    }
                    Err(_) => {
                        deriver.stats.records += 1;
                        deriver.skip("invalid JSON");
                    }
                }
                continue;
            }
            one(deriver, unit, &mut slots, &file, u.line);
        }
    }
}

fn one<'a>(
    deriver: &mut Deriver,
    bytes: &'a [u8],
    slots: &mut Slots<'a>,
    file: &Arc<str>,
    line: u64,
) {
    slots.clear();
    if read_json(bytes, deriver.fields(), slots).is_err() {
        deriver.stats.records += 1;
        deriver.skip("invalid JSON");
        return;
    }
    deriver.record(
        slots,
        Evidence {
            file: Arc::clone(file),
            line,
        },
    );
}

fn is_event_hub_body(unit: &[u8]) -> bool {
    let head = &unit[..unit.len().min(24)];
    head.starts_with(b"{") && head.windows(9).any(|w| w == b"\"records\"")
}

#[cfg(test)]
mod tests;
