//! Derived metrics account for every record: on random dumps (statuses, times out of order,
//! missing dimensions, garbage lines), the run counts add up to the records written, and
//! arbitrary bytes never panic the reader.

use std::io::Write;

use amlguard::derive::derive_paths;
use amlguard::derive::spec::DeriveSpec;
use proptest::prelude::*;

const STATUSES: [&str; 6] = [
    "Failed",
    "Completed",
    "Running",
    "NotResponding",
    "Queued",
    "Bogus",
];

fn record() -> impl Strategy<Value = (usize, u32, Option<&'static str>, bool)> {
    (
        0..STATUSES.len(),
        0u32..3600,
        prop::option::of(prop::sample::select(vec!["exp-a", "exp-b"])),
        any::<bool>(),
    )
}

fn write(lines: &[String]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn run_counts_add_up_to_the_records_written(records in prop::collection::vec(record(), 1..200)) {
        let mut lines = Vec::new();
        let mut failed = 0u64;
        let mut garbage = 0u64;
        for (s, secs, exp, broken) in &records {
            let time = jiff::Timestamp::from_second(1_795_000_000 + i64::from(*secs)).unwrap();
            let exp = exp.map(|e| format!(",\"ExperimentName\":\"{e}\"")).unwrap_or_default();
            lines.push(format!(
                "{{\"time\":\"{time}\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"r\",\"Status\":\"{}\"{exp}}}}}",
                STATUSES[*s]
            ));
            if STATUSES[*s] == "Failed" {
                failed += 1;
            }
            if *broken {
                lines.push("{\"time\": \"2026-11-18T11:00:00Z\", \"category\": \"AmlRunSta".into());
                garbage += 1;
            }
        }
        let f = write(&lines);
        let (set, stats, errors) = derive_paths(&[f.path().to_path_buf()], &DeriveSpec::builtin());
        prop_assert!(errors.is_empty());
        prop_assert_eq!(stats.records, records.len() as u64 + garbage);
        prop_assert_eq!(stats.skipped.values().sum::<u64>(), garbage);
        let total: f64 = set
            .metric("Failed Runs")
            .map(|m| m.series.values().flat_map(|s| s.points.values()).map(|p| p.sum).sum())
            .unwrap_or(0.0);
        prop_assert_eq!(total, failed as f64);
        // Every point's minute lies within the data's span.
        let (first, last) = set.span().unwrap();
        for m in set.metrics() {
            for s in m.series.values() {
                for minute in s.points.keys() {
                    prop_assert!(first <= *minute && *minute <= last);
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&bytes).unwrap();
        let _ = derive_paths(&[f.path().to_path_buf()], &DeriveSpec::builtin());
    }
}
