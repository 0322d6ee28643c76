//! One audit run: read every dump in path order, cut it into chunks of whole records, parse
//! the chunks on worker threads, and feed the events to the tracker in input order. Because
//! the tracker sees exactly the sequence a single thread would, chunking never changes the
//! findings; memory is bounded by the chunks in flight and the entities being tracked.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::config::Excludes;
use crate::finding::{Finding, RecordAt, RecordContext, SeverityCounts};
use crate::inputs::{self, InputError};
use crate::lifecycle::Lifecycles;
use crate::policy::Policy;
use crate::registry;
use crate::source::Span;
use crate::source::{FileId, SourceFile, SourceMap};

use super::classify::{ChunkOut, Classifier};
use super::input::{
    self, Chunk, ChunkParts, CsvChunker, Format, JsonChunker, LineChunker, Sniffed,
};
use super::record::{RecordError, Slots, read_json_known};
use super::tracker::{LifecycleStats, Tracker};

/// The most `unreadable-record` findings reported per reason; the summary counts them all.
pub const MAX_UNREADABLE_PER_REASON: usize = 100;

#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub lifecycles: Vec<PathBuf>,
    /// Reorder window in seconds.
    pub reorder_window: u64,
    pub strict: bool,
    pub threads: usize,
    pub progress: bool,
    pub policy: Policy,
    pub exclude: Excludes,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            lifecycles: Vec::new(),
            reorder_window: 3600,
            strict: false,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            progress: false,
            policy: Policy::default(),
            exclude: Excludes::default(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StateDwell {
    pub count: u64,
    pub p50_seconds: Option<u64>,
    pub p95_seconds: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LifecycleSummary {
    pub events: u64,
    pub entities: u64,
    pub open_at_end: u64,
    pub repeats: u64,
    pub late: u64,
    pub transitions: BTreeMap<String, u64>,
    pub dwell: BTreeMap<String, StateDwell>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditSummary {
    pub files: usize,
    /// Every record read: `audited + skipped`.
    pub records: u64,
    pub audited: u64,
    pub skipped: u64,
    pub skipped_by_reason: BTreeMap<String, u64>,
    pub entities: u64,
    pub peak_entities_in_flight: usize,
    pub by_lifecycle: BTreeMap<String, LifecycleSummary>,
    /// `lifecycle → "From->To" → count`.
    pub transitions: BTreeMap<String, BTreeMap<String, u64>>,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl AuditSummary {
    /// Records how many findings of each severity were reported.
    pub fn set_counts(&mut self, counts: SeverityCounts) {
        self.errors = counts.errors;
        self.warnings = counts.warnings;
        self.notes = counts.notes;
    }
}

#[derive(Debug, Default)]
pub struct AuditReport {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    pub input_errors: Vec<InputError>,
    pub summary: AuditSummary,
}

/// Lifecycles from the built-in specs and the user's files; spec problems are findings.
pub fn load_lifecycles(
    paths: &[PathBuf],
    sources: &mut SourceMap,
) -> (Lifecycles, Vec<Finding>, Vec<InputError>) {
    let mut extra = Vec::new();
    let mut errors = Vec::new();
    let mut findings = Vec::new();
    for p in paths {
        let mut scratch = SourceMap::new();
        match inputs::read(p, &mut scratch) {
            Ok((id, None)) => extra.push(scratch.get(id).clone()),
            Ok((id, Some(mut bad))) => {
                bad.file = sources.add(scratch.get(id).clone());
                findings.push(bad);
            }
            Err(e) => errors.push(e),
        }
    }
    let (l, f) = Lifecycles::load(sources, extra);
    findings.extend(f);
    (l, findings, errors)
}

/// Audits files and directories (walked in path order; every regular file is read, its
/// format decided by content). `-` reads stdin. Returns every finding, sorted.
pub fn audit_paths(paths: &[PathBuf], options: &AuditOptions) -> AuditReport {
    let mut findings = Vec::new();
    let mut report = audit_paths_streaming(paths, options, &mut |_, f| {
        findings.push(f);
        ControlFlow::Continue(())
    });
    sort(&mut findings);
    report.findings = findings;
    report
}

/// [`audit_paths`] that hands each finding to `sink` as soon as it is made (policy applied,
/// `unreadable-record` capped per reason), in the order the tracker makes them, instead of
/// keeping them: memory does not grow with the number of findings. The report's `findings`
/// stay empty; its summary counts every finding given to the sink. A sink that breaks (its
/// output is closed) ends the run early.
pub fn audit_paths_streaming(
    paths: &[PathBuf],
    options: &AuditOptions,
    sink: &mut dyn FnMut(&SourceMap, Finding) -> ControlFlow<()>,
) -> AuditReport {
    let mut report = AuditReport::default();
    let (lifecycles, spec_findings, errors) =
        load_lifecycles(&options.lifecycles, &mut report.sources);
    report.input_errors.extend(errors);
    let (files, errors) = inputs::expand_all(paths, &options.exclude);
    report.input_errors.extend(errors);
    let inputs: Vec<(PathBuf, FileId)> = files
        .into_iter()
        .map(|p| {
            let name = if p.as_os_str() == "-" {
                "<stdin>".to_string()
            } else {
                p.display().to_string()
            };
            let id = report.sources.add(SourceFile::new(name, ""));
            (p, id)
        })
        .collect();
    report.summary.files = inputs.len();
    let opener = |p: &Path| -> std::io::Result<Box<dyn Read + Send>> {
        if p.as_os_str() == "-" {
            Ok(Box::new(std::io::stdin()))
        } else {
            Ok(Box::new(std::fs::File::open(p)?))
        }
    };
    let mut severities = SeverityCounts::default();
    let mut unreadable: HashMap<String, usize> = HashMap::new();
    let sources = &report.sources;
    let mut admit = |f: Finding| {
        if !within_unreadable_cap(&mut unreadable, &f) {
            return ControlFlow::Continue(());
        }
        let Some(f) = options.policy.admit(f) else {
            return ControlFlow::Continue(());
        };
        severities.add(f.severity);
        sink(sources, f)
    };
    let spec_broken = Lifecycles::has_errors(&spec_findings);
    for f in spec_findings {
        let _ = admit(f);
    }
    let (stats, counts, errors, peak) = if spec_broken {
        // A spec with errors is never used: nothing is audited against it.
        report.input_errors.push(InputError {
            path: options
                .lifecycles
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            message: "the lifecycle specs have errors (reported below); nothing was audited".into(),
        });
        (Vec::new(), Counts::default(), Vec::new(), 0)
    } else {
        run_pipeline_with(&lifecycles, &inputs, &opener, options, &mut admit)
    };
    report.input_errors.extend(errors);
    summarize(&mut report.summary, &lifecycles, &stats, counts, peak);
    if let Some(e) = nothing_audited(paths, &report.summary) {
        report.input_errors.push(e);
    }
    report.summary.set_counts(severities);
    report
}

/// Records were read but none could be audited: the run must not look clean.
fn nothing_audited(paths: &[PathBuf], s: &AuditSummary) -> Option<InputError> {
    if s.records == 0 || s.audited > 0 {
        return None;
    }
    let reasons: Vec<String> = s
        .skipped_by_reason
        .iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    Some(InputError {
        path: paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        message: format!(
            "none of the {} records read could be audited (skipped: {}); is this an Azure ML \
             resource-log dump?",
            s.records,
            reasons.join(", ")
        ),
    })
}

/// Totals a run accumulates outside the tracker.
#[derive(Debug, Default)]
pub struct Counts {
    pub read: u64,
    pub audited: u64,
    pub skipped: BTreeMap<String, u64>,
}

type PipelineOut = (
    Vec<Finding>,
    Vec<LifecycleStats>,
    Counts,
    Vec<InputError>,
    usize,
);

/// Reads, parses and tracks, and collects the findings (capped per unreadable reason).
/// `open` yields the byte stream of an input.
pub fn run_pipeline(
    lifecycles: &Lifecycles,
    inputs: &[(PathBuf, FileId)],
    open: &(dyn Fn(&Path) -> std::io::Result<Box<dyn Read + Send>> + Sync),
    options: &AuditOptions,
) -> PipelineOut {
    let mut findings = Vec::new();
    let (stats, counts, errors, peak) =
        run_pipeline_with(lifecycles, inputs, open, options, &mut |f| {
            findings.push(f);
            ControlFlow::Continue(())
        });
    cap_unreadable(&mut findings);
    (findings, stats, counts, errors, peak)
}

/// What [`run_pipeline_with`] returns besides the findings it streams.
type StreamedOut = (Vec<LifecycleStats>, Counts, Vec<InputError>, usize);

/// Reads, parses and tracks; each finding goes to `sink` as soon as the tracker has made it.
/// When the sink breaks (its output is closed), reading stops: the rest of the input is not
/// read and the counts cover what was read.
pub fn run_pipeline_with(
    lifecycles: &Lifecycles,
    inputs: &[(PathBuf, FileId)],
    open: &(dyn Fn(&Path) -> std::io::Result<Box<dyn Read + Send>> + Sync),
    options: &AuditOptions,
    sink: &mut dyn FnMut(Finding) -> ControlFlow<()>,
) -> StreamedOut {
    let classifier = Classifier::new(lifecycles);
    let threads = options.threads.max(1);
    let mut tracker = Tracker::new(
        lifecycles,
        (options.reorder_window as i64).saturating_mul(1_000_000),
        options.strict,
    );
    let mut counts = Counts::default();
    let errors: Mutex<Vec<InputError>> = Mutex::new(Vec::new());
    // Findings about an input as a whole (a CSV header), made while reading it.
    let notes: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let progress = progress_bar(options.progress);
    let outs = OutPool::default();
    let flow = std::thread::scope(|scope| {
        let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(threads * 2);
        let pool: input::BufferPool = Arc::default();
        let (out_tx, out_rx) = sync_channel::<(u64, ChunkOut)>(threads * 2);
        let chunk_rx = Arc::new(Mutex::new(chunk_rx));
        let errors = &errors;
        let notes = &notes;
        let progress = &progress;
        let producer_pool = Arc::clone(&pool);
        scope.spawn(move || {
            produce(
                inputs,
                open,
                chunk_tx,
                errors,
                notes,
                progress,
                producer_pool,
            )
        });
        for _ in 0..threads {
            let rx = Arc::clone(&chunk_rx);
            let tx = out_tx.clone();
            let classifier = &classifier;
            let pool = Arc::clone(&pool);
            let outs = &outs;
            scope.spawn(move || work(classifier, &rx, &tx, &pool, outs));
        }
        drop(out_tx);
        consume(out_rx, &mut tracker, sink, &mut counts, &outs)
    });
    tracker.finish();
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let notes = notes.into_inner().unwrap_or_default();
    // A sink that has stopped is not called again.
    if flow.is_continue() {
        for f in notes.into_iter().chain(tracker.findings.drain(..)) {
            if sink(f).is_break() {
                break;
            }
        }
    }
    let peak = tracker.peak_entities;
    (
        tracker.stats,
        counts,
        errors.into_inner().unwrap_or_default(),
        peak,
    )
}

/// A progress bar only when asked for and stderr is a terminal: never in a pipe, a file or a
/// CI log, where its redrawing would be noise.
fn shows_progress(wanted: bool, terminal: bool) -> bool {
    wanted && terminal
}

fn progress_bar(wanted: bool) -> Option<indicatif::ProgressBar> {
    if !shows_progress(wanted, std::io::stderr().is_terminal()) {
        return None;
    }
    let p = indicatif::ProgressBar::new_spinner();
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {bytes} read ({bytes_per_sec}) {msg}")
    {
        p.set_style(style);
    }
    p.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(p)
}

/// The reader thread: each input in order, cut into chunks.
fn produce(
    inputs: &[(PathBuf, FileId)],
    open: &(dyn Fn(&Path) -> std::io::Result<Box<dyn Read + Send>> + Sync),
    tx: SyncSender<Chunk>,
    errors: &Mutex<Vec<InputError>>,
    notes: &Mutex<Vec<Finding>>,
    progress: &Option<indicatif::ProgressBar>,
    pool: input::BufferPool,
) {
    let mut seq = 0u64;
    let fail = |p: &Path, e: String| {
        if let Ok(mut v) = errors.lock() {
            v.push(InputError {
                path: p.display().to_string(),
                message: e,
            });
        }
    };
    for (path, file) in inputs {
        if let Some(p) = progress {
            p.set_message(path.display().to_string());
        }
        let reader = match open(path).and_then(input::open) {
            Ok(r) => r,
            Err(e) => {
                fail(path, e.to_string());
                continue;
            }
        };
        let (format, reader, mark) = match input::sniff_marked(reader) {
            Ok((Sniffed::Dump(f), r, mark)) => (f, r, mark),
            Ok((Sniffed::NotADump(why), _, _)) => {
                fail(path, why);
                continue;
            }
            Err(e) => {
                fail(path, e.to_string());
                continue;
            }
        };
        let mut next: Box<dyn FnMut() -> std::io::Result<Option<ChunkParts>>> = match format {
            Format::JsonLines => {
                let mut c = LineChunker::new(reader)
                    .at_offset(mark)
                    .with_pool(Arc::clone(&pool));
                Box::new(move || c.next_chunk())
            }
            Format::JsonArray | Format::JsonDocument => {
                let mut c = JsonChunker::new(reader).at_offset(mark);
                Box::new(move || c.next_chunk())
            }
            Format::Csv => match CsvChunker::new(reader).map(|c| c.at_offset(mark)) {
                Ok(mut c) => {
                    if let Ok(mut v) = notes.lock() {
                        v.extend(
                            c.repeated_columns()
                                .iter()
                                .map(|r| repeated_column(*file, r)),
                        );
                    }
                    Box::new(move || c.next_chunk())
                }
                Err(e) => {
                    fail(path, e);
                    continue;
                }
            },
        };
        loop {
            match next() {
                Ok(Some((bytes, units, skips))) => {
                    if let Some(p) = progress {
                        p.inc(bytes.len() as u64);
                    }
                    let chunk = Chunk {
                        seq,
                        file: *file,
                        bytes,
                        units,
                        skips,
                    };
                    seq += 1;
                    if tx.send(chunk).is_err() {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    fail(path, format!("read error: {e}"));
                    break;
                }
            }
        }
    }
}

/// A repeated CSV column, as a finding at its name in the header line.
fn repeated_column(file: FileId, r: &input::RepeatedColumn) -> Finding {
    Finding::new(
        &registry::UNREADABLE_RECORD,
        file,
        Span::default(),
        format!(
            "repeated CSV column: the header names `{}` in columns {} and {}; column {} is \
             read, column {} is ignored in every row",
            r.name, r.first, r.index, r.first, r.index
        ),
    )
    .label("repeated column")
    .help("rename or remove one of the columns (names compare case-insensitively)")
    .at_record(RecordContext {
        line: 1,
        at: r.at,
        ..RecordContext::default()
    })
}

#[derive(serde::Deserialize)]
struct EventHubBody<'a> {
    #[serde(borrow)]
    records: Vec<&'a RawValue>,
}

/// Emptied chunk results, handed back by the consuming thread for the workers to fill again:
/// their vectors keep their room, so a chunk's events are not regrown (and copied) from
/// nothing, nor freed and allocated again for every chunk.
type OutPool = Mutex<Vec<ChunkOut>>;

/// How many emptied chunk results are kept for reuse.
const OUT_POOL: usize = 16;

/// A worker thread: parse chunks into events.
fn work(
    classifier: &Classifier,
    rx: &Mutex<Receiver<Chunk>>,
    tx: &SyncSender<(u64, ChunkOut)>,
    pool: &input::BufferPool,
    outs: &OutPool,
) {
    loop {
        let chunk = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        let Ok(chunk) = chunk else { return };
        let mut out = outs
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default();
        process_chunk_into(classifier, &chunk, &mut out);
        let seq = chunk.seq;
        if let Ok(mut p) = pool.lock()
            && p.len() < 16
        {
            p.push(chunk.bytes);
        }
        if tx.send((seq, out)).is_err() {
            return;
        }
    }
}

/// Parses every record of a chunk (public for tests and benchmarks).
pub fn process_chunk(classifier: &Classifier, chunk: &Chunk) -> ChunkOut {
    let mut out = ChunkOut::default();
    process_chunk_into(classifier, chunk, &mut out);
    out
}

/// [`process_chunk`] into an empty [`ChunkOut`] (one emptied with [`ChunkOut::clear`]),
/// reusing its room.
pub fn process_chunk_into(classifier: &Classifier, chunk: &Chunk, out: &mut ChunkOut) {
    let mut slots = Slots::new(classifier.fields.len());
    for skip in &chunk.skips {
        out.read += 1;
        out.skip(
            skip.reason,
            chunk.file,
            RecordAt::line(skip.line),
            skip.detail.clone(),
        );
    }
    for u in &chunk.units {
        let unit = &chunk.bytes[u.start as usize..u.end as usize];
        let printable = input::printable_ascii(unit);
        let line = RecordAt {
            line: u.line,
            pos: u.place_of(unit, printable),
        };
        out.read += 1;
        let Ok(text) = simdutf8::basic::from_utf8(unit) else {
            out.skip(
                "invalid UTF-8",
                chunk.file,
                line,
                "record is not valid UTF-8".into(),
            );
            continue;
        };
        if is_event_hub_body(unit) {
            match serde_json::from_slice::<EventHubBody>(unit) {
                Ok(body) => {
                    out.read += body.records.len() as u64;
                    out.read -= 1;
                    for r in body.records {
                        slots.clear();
                        let inner = r.get();
                        // A sub-slice of the unit: where it lies follows from the pointers.
                        let from = (inner.as_ptr() as usize).saturating_sub(unit.as_ptr() as usize);
                        let sub = u.sub(&chunk.bytes, from, from + inner.len());
                        let printable = printable || input::printable_ascii(inner.as_bytes());
                        let at = RecordAt {
                            line: sub.line,
                            pos: sub.place_of(inner.as_bytes(), printable),
                        };
                        record(
                            classifier, inner, printable, &mut slots, chunk.file, at, out,
                        );
                    }
                }
                Err(e) => out.skip(
                    "invalid JSON",
                    chunk.file,
                    line,
                    format!("unreadable Event Hub body: {e}"),
                ),
            }
            continue;
        }
        slots.clear();
        record(
            classifier, text, printable, &mut slots, chunk.file, line, out,
        );
    }
}

fn is_event_hub_body(unit: &[u8]) -> bool {
    let head = &unit[..unit.len().min(24)];
    head.starts_with(b"{") && head.windows(9).any(|w| w == b"\"records\"")
}

/// Reads and classifies one record; `printable` says whether its text is all printable ASCII.
fn record<'a>(
    classifier: &Classifier,
    text: &'a str,
    printable: bool,
    slots: &mut Slots<'a>,
    file: FileId,
    line: RecordAt,
    out: &mut ChunkOut,
) {
    match read_json_known(text, printable, &classifier.fields, slots) {
        Ok(()) => classifier.classify(slots, file, line, out),
        Err(RecordError::Json(e)) => out.skip(
            "invalid JSON",
            file,
            line,
            format!("unreadable record: {e}"),
        ),
        Err(RecordError::NotObject) => {
            // CSV rows that could not be read arrive as a one-string array with the reason.
            let detail = serde_json::from_str::<Vec<String>>(text)
                .ok()
                .and_then(|v| v.into_iter().next())
                .unwrap_or_else(|| "record is not a JSON object".into());
            out.skip("not a record", file, line, detail);
        }
    }
}

/// The main thread: results in chunk order into the tracker.
/// Findings leave as soon as each chunk is applied: the tracker's list never grows past one
/// chunk's worth.
/// Returning early drops the receiver, which stops the workers and then the reader; the
/// result says whether the sink stopped it.
fn consume(
    rx: Receiver<(u64, ChunkOut)>,
    tracker: &mut Tracker,
    sink: &mut dyn FnMut(Finding) -> ControlFlow<()>,
    counts: &mut Counts,
    outs: &OutPool,
) -> ControlFlow<()> {
    let mut pending: BTreeMap<u64, ChunkOut> = BTreeMap::new();
    let mut next = 0u64;
    let mut findings = Vec::new();
    let mut step = |mut out: ChunkOut, tracker: &mut Tracker| -> ControlFlow<()> {
        apply_from(&mut out, tracker, &mut findings, counts);
        out.clear();
        if let Ok(mut v) = outs.lock()
            && v.len() < OUT_POOL
        {
            v.push(out);
        }
        let mut flow = ControlFlow::Continue(());
        for f in findings.drain(..).chain(tracker.findings.drain(..)) {
            if flow.is_continue() {
                flow = sink(f);
            }
        }
        flow
    };
    for (seq, out) in rx {
        pending.insert(seq, out);
        while let Some(out) = pending.remove(&next) {
            step(out, tracker)?;
            next += 1;
        }
    }
    for (_, out) in std::mem::take(&mut pending) {
        step(out, tracker)?;
    }
    ControlFlow::Continue(())
}

/// Feeds one chunk's results to the tracker (public for tests of chunking).
pub fn apply(
    mut out: ChunkOut,
    tracker: &mut Tracker,
    findings: &mut Vec<Finding>,
    counts: &mut Counts,
) {
    apply_from(&mut out, tracker, findings, counts);
}

/// [`apply`], taking the findings and skip counts out of `out` and leaving its events.
fn apply_from(
    out: &mut ChunkOut,
    tracker: &mut Tracker,
    findings: &mut Vec<Finding>,
    counts: &mut Counts,
) {
    for e in &out.events {
        let key = out.key(e);
        tracker.push(e.lifecycle, key, e.state, e.time, e.file, e.line);
    }
    counts.read += out.read;
    counts.audited += out.audited;
    for (k, v) in std::mem::take(&mut out.skipped) {
        *counts.skipped.entry(k).or_default() += v;
    }
    findings.append(&mut out.findings);
}

fn cap_unreadable(findings: &mut Vec<Finding>) {
    let mut seen = HashMap::new();
    findings.retain(|f| within_unreadable_cap(&mut seen, f));
}

/// Whether `f` is kept: any finding but the 101st and later `unreadable-record` finding of one
/// reason. Counted by reason (the label), not by message: messages quote the bad values.
fn within_unreadable_cap(seen: &mut HashMap<String, usize>, f: &Finding) -> bool {
    if f.check.name != "unreadable-record" {
        return true;
    }
    let n = match seen.get_mut(&f.label) {
        Some(n) => n,
        None => seen.entry(f.label.clone()).or_default(),
    };
    *n += 1;
    *n <= MAX_UNREADABLE_PER_REASON
}

fn summarize(
    s: &mut AuditSummary,
    lifecycles: &Lifecycles,
    stats: &[LifecycleStats],
    counts: Counts,
    peak: usize,
) {
    s.records = counts.read;
    s.audited = counts.audited;
    s.skipped = counts.skipped.values().sum();
    s.skipped_by_reason = counts.skipped;
    s.peak_entities_in_flight = peak;
    for (i, st) in stats.iter().enumerate() {
        let g = &lifecycles.graphs[i];
        let name = lifecycles.specs[i].name.clone();
        let n = g.len();
        let mut transitions = BTreeMap::new();
        for from in 0..n {
            for to in 0..n {
                let c = st.transitions[from * n + to];
                if c > 0 {
                    transitions.insert(format!("{}->{}", g.names[from], g.names[to]), c);
                }
            }
        }
        let mut dwell = BTreeMap::new();
        for (state, h) in st.dwell.iter().enumerate() {
            if h.count() > 0 {
                dwell.insert(
                    g.names[state].clone(),
                    StateDwell {
                        count: h.count(),
                        p50_seconds: h.quantile(0.5),
                        p95_seconds: h.quantile(0.95),
                    },
                );
            }
        }
        s.entities += st.entities;
        if st.events > 0 || st.entities > 0 {
            s.transitions.insert(name.clone(), transitions.clone());
            s.by_lifecycle.insert(
                name,
                LifecycleSummary {
                    events: st.events,
                    entities: st.entities,
                    open_at_end: st.open_at_end,
                    repeats: st.repeats,
                    late: st.late,
                    transitions,
                    dwell,
                },
            );
        }
    }
}

/// Findings in file and line order.
fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let la = a.record.as_ref().map_or(0, |r| r.line);
        let lb = b.record.as_ref().map_or(0, |r| r.line);
        (a.file, la, a.span.start, a.check.code, &a.message).cmp(&(
            b.file,
            lb,
            b.span.start,
            b.check.code,
            &b.message,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_only_when_asked_for_on_a_terminal() {
        for (wanted, terminal, shown) in [
            (true, true, true),
            (true, false, false),
            (false, true, false),
            (false, false, false),
        ] {
            assert_eq!(
                shows_progress(wanted, terminal),
                shown,
                "wanted {wanted}, terminal {terminal}"
            );
        }
    }
}
