//! Property tests of the audit through its real readers: a dump read in arbitrary pieces, with
//! entities interleaved and arbitrary bad lines inserted, accounts for every line written
//! (`records == audited + skipped == lines`), and the findings on the good records are the
//! same as without the bad lines.

use std::io::Read;
use std::path::{Path, PathBuf};

use amlguard::audit::run::{AuditOptions, run_pipeline};
use amlguard::lifecycle::Lifecycles;
use amlguard::source::FileId;
use proptest::prelude::*;

fn lifecycles() -> &'static Lifecycles {
    static L: std::sync::OnceLock<Lifecycles> = std::sync::OnceLock::new();
    L.get_or_init(Lifecycles::builtin)
}

/// Yields its bytes in pieces of the given sizes, in turn.
struct Pieces {
    bytes: Vec<u8>,
    at: usize,
    sizes: Vec<usize>,
    turn: usize,
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()].max(1);
        self.turn += 1;
        let n = size.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

const STATES: [&str; 6] = [
    "Starting",
    "Queued",
    "Running",
    "Finalizing",
    "Completed",
    "Failed",
];

/// A good record: run `run` in state `state`, at second `i`.
fn good(i: usize, run: u8, state: u8) -> String {
    format!(
        "{{\"time\":\"2026-11-24T10:{:02}:{:02}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"r{run}\",\"Status\":\"{}\"}}}}",
        (i / 60) % 60,
        i % 60,
        STATES[state as usize % STATES.len()]
    )
}

/// `(check, good-record index, entity, message)` of each finding, with lines mapped back to the
/// good records (`line_of[k]` is the line of good record `k`).
type Key = (String, usize, String, String);

fn audit(text: &[u8], sizes: Vec<usize>, good_lines: &[u64]) -> (u64, u64, u64, Vec<Key>) {
    let bytes = text.to_vec();
    let open = move |_: &Path| -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(Pieces {
            bytes: bytes.clone(),
            at: 0,
            sizes: sizes.clone(),
            turn: 0,
        }))
    };
    let options = AuditOptions {
        threads: 2,
        ..AuditOptions::default()
    };
    let inputs = vec![(PathBuf::from("d.json"), FileId(0))];
    let (findings, _, counts, errors, _) = run_pipeline(lifecycles(), &inputs, &open, &options);
    assert!(errors.is_empty(), "{errors:?}");
    let skipped: u64 = counts.skipped.values().sum();
    let mut keys: Vec<Key> = findings
        .iter()
        .filter(|f| f.check.name != "unreadable-record")
        .map(|f| {
            let r = f.record.as_ref().unwrap();
            let k = good_lines
                .iter()
                .position(|l| *l == r.line)
                .unwrap_or_else(|| panic!("a finding on a bad line: {f:?}"));
            (
                f.check.name.to_string(),
                k,
                r.entity.clone().unwrap_or_default(),
                f.message.clone(),
            )
        })
        .collect();
    keys.sort();
    (counts.read, counts.audited, skipped, keys)
}

/// Lines of text with the bad lines inserted before the good records they name; returns the
/// text and the line of each good record.
fn dump(good: &[String], bad: &[(usize, String)], array: bool) -> (Vec<u8>, Vec<u64>) {
    let mut lines: Vec<&str> = Vec::new();
    let mut good_lines = Vec::new();
    let mut bad = bad.to_vec();
    bad.sort_by_key(|(at, _)| *at);
    let mut b = bad.iter().peekable();
    for (k, g) in good.iter().enumerate() {
        while let Some((_, text)) = b.next_if(|(at, _)| *at <= k) {
            lines.push(text);
        }
        lines.push(g);
        good_lines.push(0);
        let n = good_lines.len();
        good_lines[n - 1] = lines.len() as u64 + u64::from(array);
    }
    for (_, text) in b {
        lines.push(text);
    }
    let text = if array {
        format!("[\n{}\n]\n", lines.join(",\n"))
    } else {
        format!("{}\n", lines.join("\n"))
    };
    (text.into_bytes(), good_lines)
}

fn good_records(steps: &[(u8, u8)]) -> Vec<String> {
    steps
        .iter()
        .enumerate()
        .map(|(i, (run, state))| good(i, *run % 4, *state))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    /// JSON lines with arbitrary bad lines (any bytes but a newline, not blank).
    #[test]
    fn json_lines_account_for_every_line(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>()), 3..60),
        bad in proptest::collection::vec((any::<usize>(), proptest::collection::vec(any::<u8>(), 1..40)), 0..12),
        sizes in proptest::collection::vec(1usize..5000, 1..8),
    ) {
        let good = good_records(&steps);
        let bad: Vec<(usize, String)> = bad
            .into_iter()
            .map(|(at, bytes)| {
                let mut s = String::from_utf8_lossy(&bytes).replace(['\n', '\r'], "x");
                if s.trim().is_empty() {
                    s.push('x');
                }
                (at % (good.len() + 1), s)
            })
            .filter(|(_, s)| serde_json::from_str::<serde_json::Value>(s).map_or(true, |v| !v.is_object()) || s.trim_start().starts_with("{}"))
            .take(good.len() / 3)
            .collect();
        let (clean, clean_lines) = dump(&good, &[], false);
        let (text, lines) = dump(&good, &bad, false);
        let (_, audited0, skipped0, want) = audit(&clean, vec![1 << 16], &clean_lines);
        prop_assert_eq!((audited0, skipped0), (good.len() as u64, 0));
        let (read, audited, skipped, got) = audit(&text, sizes, &lines);
        prop_assert_eq!(read, (good.len() + bad.len()) as u64);
        prop_assert_eq!(read, audited + skipped);
        prop_assert_eq!(audited, good.len() as u64);
        prop_assert_eq!(got, want);
    }

    /// A Log Analytics array with malformed elements among the good ones.
    #[test]
    fn arrays_account_for_every_element(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>()), 3..60),
        bad in proptest::collection::vec((any::<usize>(), 0usize..7), 0..12),
        sizes in proptest::collection::vec(1usize..5000, 1..8),
    ) {
        const BAD: [&str; 7] = ["x", "{\"time\":", "{\"a\":\"b", "[1,2", "{}", "\"text\"", "{\"a\":{\"b\":1}"];
        let good = good_records(&steps);
        let bad: Vec<(usize, String)> = bad
            .into_iter()
            .map(|(at, k)| (at % (good.len() + 1), BAD[k].to_string()))
            .take(good.len() / 3)
            .collect();
        let (clean, clean_lines) = dump(&good, &[], true);
        let (text, lines) = dump(&good, &bad, true);
        let (_, audited0, skipped0, want) = audit(&clean, vec![1 << 16], &clean_lines);
        prop_assert_eq!((audited0, skipped0), (good.len() as u64, 0));
        let (read, audited, skipped, got) = audit(&text, sizes, &lines);
        prop_assert_eq!(read, (good.len() + bad.len()) as u64, "{}", String::from_utf8_lossy(&text));
        prop_assert_eq!(read, audited + skipped);
        prop_assert_eq!(audited, good.len() as u64);
        prop_assert_eq!(got, want);
    }
}

/// Runs the whole read path on raw bytes; returns `(read, audited, skipped)`.
fn raw(bytes: Vec<u8>) -> (u64, u64, u64) {
    let open = move |_: &Path| -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(bytes.clone())))
    };
    let options = AuditOptions {
        threads: 1,
        ..AuditOptions::default()
    };
    let inputs = vec![(PathBuf::from("d"), FileId(0))];
    let (_, _, counts, _, _) = run_pipeline(lifecycles(), &inputs, &open, &options);
    (counts.read, counts.audited, counts.skipped.values().sum())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Any bytes, plain or gzipped, JSON-shaped or not: nothing panics, and every record read
    /// is audited or skipped.
    #[test]
    fn any_input_is_accounted_for(
        head in proptest::sample::select(vec!["", "[", "{\"records\":[", "{\n", "a,b\n", "\u{feff}"]),
        body in proptest::collection::vec(
            proptest::sample::select(vec![
                "{", "}", "[", "]", ",", ":", "\"", "\\", "\n", " ", "x", "1", "\"records\"",
                "{\"time\":\"2026-11-24T10:00:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r\",\"Status\":\"Running\"}}",
                "\u{0}", "\r\n", "\u{feff}",
            ]),
            0..80,
        ),
        gzip in any::<bool>(),
    ) {
        let text = format!("{head}{}", body.concat());
        let bytes = if gzip {
            use std::io::Write;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(text.as_bytes()).unwrap();
            gz.finish().unwrap()
        } else {
            text.into_bytes()
        };
        let (read, audited, skipped) = raw(bytes);
        prop_assert_eq!(read, audited + skipped);
    }
}

/// The collecting pipeline keeps at most 100 unreadable-record findings of each kind, and
/// counts every skip.
#[test]
fn the_pipeline_caps_unreadable_findings_per_kind() {
    let mut text = String::new();
    for i in 0..130 {
        text.push_str(&format!(
            "{}\n",
            good(i, 1, 0).replace("2026-11-24T", "not a time ")
        ));
    }
    text.push_str(&"{broken\n".repeat(110));
    text.push_str(&format!("{}\n", good(0, 2, 0)));
    let bytes = text.into_bytes();
    let open = move |_: &Path| -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(bytes.clone())))
    };
    let inputs = vec![(PathBuf::from("d.json"), FileId(0))];
    let (findings, _, counts, errors, _) =
        run_pipeline(lifecycles(), &inputs, &open, &AuditOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((counts.read, counts.audited), (241, 1));
    assert_eq!(counts.skipped.values().sum::<u64>(), 240);
    let lines = |reason: &str| -> Vec<u64> {
        findings
            .iter()
            .filter(|f| f.check.name == "unreadable-record" && f.message.starts_with(reason))
            .map(|f| f.record.as_ref().unwrap().line)
            .collect()
    };
    assert_eq!(
        lines("run record with an unreadable time"),
        (1..=100).collect::<Vec<_>>()
    );
    assert_eq!(lines("unreadable record"), (131..=230).collect::<Vec<_>>());
}
