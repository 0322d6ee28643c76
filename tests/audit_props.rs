//! Property tests of the audit: walks along legal edges audit clean; one illegal step yields
//! exactly one illegal-transition finding at that record; cutting a dump into chunks at any
//! line boundaries gives the same findings as one chunk.

use amlguard::audit::classify::Classifier;
use amlguard::audit::input::{Chunk, LineChunker};
use amlguard::audit::run::{
    AuditOptions, Counts, apply, audit_paths, process_chunk, run_pipeline_with,
};
use amlguard::audit::tracker::Tracker;
use amlguard::finding::{Finding, Severity};
use amlguard::generate::dump::{DumpSpec, write_dump};
use amlguard::lifecycle::Lifecycles;
use amlguard::source::FileId;
use proptest::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

fn lifecycles() -> &'static Lifecycles {
    static L: std::sync::OnceLock<Lifecycles> = std::sync::OnceLock::new();
    L.get_or_init(Lifecycles::builtin)
}

fn line(i: usize, run: &str, status: &str) -> String {
    format!(
        "{{\"time\":\"2026-11-24T10:{:02}:{:02}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"{run}\",\"Status\":\"{status}\"}}}}\n",
        i / 60,
        i % 60
    )
}

fn audit(text: &str) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.json");
    std::fs::write(&p, text).unwrap();
    let options = AuditOptions {
        threads: 2,
        ..AuditOptions::default()
    };
    let r = audit_paths(&[p], &options);
    assert!(r.input_errors.is_empty());
    assert_eq!(r.summary.records, r.summary.audited + r.summary.skipped);
    r.findings
}

/// A random walk along the run lifecycle's legal edges, from an initial state.
fn walk(choices: &[u16]) -> Vec<u16> {
    let l = lifecycles();
    let g = &l.graphs[l.find("run").unwrap()];
    let initials: Vec<u16> = (0..g.len() as u16).filter(|s| g.is_initial(*s)).collect();
    let mut w = vec![initials[choices[0] as usize % initials.len()]];
    for c in &choices[1..] {
        let cur = *w.last().unwrap();
        let next = g.successors(cur);
        if g.is_terminal(cur) || next.is_empty() {
            break;
        }
        w.push(next[*c as usize % next.len()]);
    }
    w
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn legal_walks_audit_clean(choices in proptest::collection::vec(any::<u16>(), 1..16)) {
        let l = lifecycles();
        let g = &l.graphs[l.find("run").unwrap()];
        let w = walk(&choices);
        let text: String = w.iter().enumerate().map(|(i, s)| line(i, "r1", &g.names[*s as usize])).collect();
        let findings = audit(&text);
        for f in &findings {
            prop_assert_eq!(f.severity, Severity::Note, "{}", f.message);
            prop_assert_eq!(f.check.name, "open-at-end");
        }
    }

    #[test]
    fn one_illegal_step_one_finding(choices in proptest::collection::vec(any::<u16>(), 1..12), pick in any::<u16>()) {
        let l = lifecycles();
        let g = &l.graphs[l.find("run").unwrap()];
        let mut w = walk(&choices);
        while w.len() > 1 && g.is_terminal(*w.last().unwrap()) {
            w.pop();
        }
        let last = *w.last().unwrap();
        prop_assume!(!g.is_terminal(last));
        let illegal: Vec<u16> = (0..g.len() as u16).filter(|s| *s != last && !g.legal(last, *s)).collect();
        prop_assume!(!illegal.is_empty());
        let x = illegal[pick as usize % illegal.len()];
        w.push(x);
        let text: String = w.iter().enumerate().map(|(i, s)| line(i, "r1", &g.names[*s as usize])).collect();
        let findings = audit(&text);
        let illegal_found: Vec<&Finding> = findings.iter().filter(|f| f.check.name == "illegal-transition").collect();
        prop_assert_eq!(illegal_found.len(), 1);
        prop_assert_eq!(illegal_found[0].record.as_ref().unwrap().line, w.len() as u64);
        for f in &findings {
            prop_assert!(f.check.name == "illegal-transition" || f.severity == Severity::Note, "{}", f.message);
        }
    }

    #[test]
    fn chunk_boundaries_do_not_change_findings(cuts in proptest::collection::vec(any::<u16>(), 0..12), seed in 0u64..50) {
        let mut dump = Vec::new();
        let spec = DumpSpec { runs: 60, seed, shuffle_seconds: 300, plant_every: 7, bursts: Vec::new() };
        write_dump(&spec, &mut dump).unwrap();
        let l = lifecycles();
        let classifier = Classifier::new(l);
        let mut c = LineChunker::new(&dump[..]);
        let (bytes, units, _) = c.next_chunk().unwrap().unwrap();
        let run = |groups: Vec<Vec<amlguard::audit::input::Unit>>| {
            let mut tracker = Tracker::new(l, 3_600_000_000, false);
            let mut findings = Vec::new();
            let mut counts = Counts::default();
            for (seq, units) in groups.into_iter().enumerate() {
                let chunk = Chunk { seq: seq as u64, file: FileId(0), bytes: bytes.clone(), units, skips: Vec::new() };
                apply(process_chunk(&classifier, &chunk), &mut tracker, &mut findings, &mut counts);
            }
            tracker.finish();
            findings.append(&mut tracker.findings);
            let mut v: Vec<(u64, &'static str, String)> = findings
                .iter()
                .map(|f| (f.record.as_ref().map_or(0, |r| r.line), f.check.name, f.message.clone()))
                .collect();
            v.sort();
            (v, counts.read, counts.audited)
        };
        let whole = run(vec![units.clone()]);
        let mut at: Vec<usize> = cuts.iter().map(|c| *c as usize % (units.len() + 1)).collect();
        at.sort();
        let mut groups = Vec::new();
        let mut prev = 0;
        for a in at.into_iter().chain([units.len()]) {
            groups.push(units[prev..a].to_vec());
            prev = a;
        }
        prop_assert_eq!(run(groups), whole);
    }
}

/// Findings stream out as each chunk is applied, in input order: a sink that stops at the
/// first finding, which lies a few MiB into a long dump, stops the reading soon after it,
/// instead of after the whole input, and is not called again.
#[test]
fn a_sink_that_stops_stops_the_reading_soon_after_its_finding() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let record = |i: usize, run: &str, status: &str| {
        format!(
            "{{\"time\":\"2026-11-{:02}T{:02}:{:02}:{:02}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"{run}\",\"Status\":\"{status}\"}}}}\n",
            1 + i / 86_400,
            i / 3600 % 24,
            i / 60 % 60,
            i % 60
        )
    };
    let mut text = String::new();
    let mut i = 0;
    let mut planted = false;
    // About 4 MiB of clean runs, one illegal step, then about 40 MiB more.
    while text.len() < 44 << 20 {
        let run = format!("run-{i}");
        let illegal = text.len() >= 4 << 20 && !planted;
        planted |= illegal;
        let (run, steps): (&str, &[&str]) = if illegal {
            ("bad", &["Starting", "Queued", "Running", "Queued"])
        } else {
            (
                run.as_str(),
                &["Starting", "Queued", "Running", "Completed"],
            )
        };
        for s in steps {
            text.push_str(&record(i, run, s));
        }
        i += 1;
    }

    /// Counts the bytes the audit reads.
    struct Counting(std::io::Cursor<Vec<u8>>, Arc<AtomicUsize>);
    impl Read for Counting {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.fetch_add(n, Ordering::Relaxed);
            Ok(n)
        }
    }
    let read = Arc::new(AtomicUsize::new(0));
    let bytes = text.into_bytes();
    let total = bytes.len();
    let open = {
        let read = Arc::clone(&read);
        move |_: &Path| -> std::io::Result<Box<dyn Read + Send>> {
            Ok(Box::new(Counting(
                std::io::Cursor::new(bytes.clone()),
                Arc::clone(&read),
            )))
        }
    };
    let options = AuditOptions {
        threads: 2,
        reorder_window: 0,
        ..AuditOptions::default()
    };
    let inputs = [(PathBuf::from("d.json"), FileId(0))];
    let mut seen = Vec::new();
    run_pipeline_with(lifecycles(), &inputs, &open, &options, &mut |f| {
        seen.push(f.check.name);
        std::ops::ControlFlow::Break(())
    });
    assert_eq!(seen, vec!["illegal-transition"]);
    let read = read.load(Ordering::Relaxed);
    assert!(
        read < total / 2,
        "read {read} of {total} bytes after the sink stopped"
    );
}

/// `audit_paths` returns its findings in line order, not in the time order the tracker
/// makes them in.
#[test]
fn findings_come_back_in_line_order() {
    let text = [
        line(0, "a", "Starting"),
        line(5, "b", "Starting"),
        line(6, "b", "Completed"),
        line(1, "a", "Completed"),
    ]
    .concat();
    let got: Vec<(&str, u64)> = audit(&text)
        .iter()
        .map(|f| (f.check.name, f.record.as_ref().map_or(0, |r| r.line)))
        .collect();
    assert_eq!(
        got,
        vec![("illegal-transition", 3), ("illegal-transition", 4)]
    );
}
