use std::io::Write;

use super::spec::DeriveSpec;
use super::*;
use crate::catalog::Catalog;

fn derive(text: &str) -> (SeriesSet, DeriveStats) {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    let (set, stats, errors) = derive_paths(&[f.path().to_path_buf()], &DeriveSpec::builtin());
    assert!(errors.is_empty(), "{errors:?}");
    (set, stats)
}

fn minute(t: &str) -> Minute {
    minute_of_micros(time::parse(t).unwrap())
}

const RUNS: &str = r#"{"time":"2026-01-01T10:00:10Z","category":"AmlRunStatusChangedEvent","properties":{"RunId":"a","Status":"Failed","RunType":"Experiment"}}
{"time":"2026-01-01T10:00:50Z","category":"AmlRunStatusChangedEvent","properties":{"RunId":"b","Status":"failed","RunType":"Experiment"}}
{"time":"2026-01-01T10:01:00Z","category":"AmlRunStatusChangedEvent","properties":{"RunId":"c","Status":"Completed","RunType":"PipelineRun"}}
not json
{"TimeGenerated":"2026-01-01T10:02:00Z","Type":"AmlRunStatusChangedEvent","RunId":"d","Status":"Failed"}
"#;

#[test]
fn run_status_changes_count_runs_entering_each_status_per_minute() {
    let (set, stats) = derive(RUNS);
    assert_eq!(stats.records, 5);
    assert_eq!(stats.used, 4);
    assert_eq!(stats.skipped.get("invalid JSON"), Some(&1));
    let failed = set.metric("failed runs").unwrap();
    assert_eq!(failed.dimensions, ["RunType"]);
    let exp: Dims = [("RunType".to_string(), "Experiment".to_string())].into();
    let s = &failed.series[&exp];
    let p = s.points[&minute("2026-01-01T10:00:00Z")];
    assert_eq!((p.sum, p.count), (2.0, 2));
    let lines: Vec<u64> = s.evidence[&minute("2026-01-01T10:00:00Z")]
        .iter()
        .map(|e| e.line)
        .collect();
    assert_eq!(lines, [1, 2]);
    // The Log Analytics row carries no RunType: its series has no dimension value.
    let bare = &failed.series[&Dims::new()];
    assert_eq!(bare.points.len(), 1);
    // Every run metric is determined once the table appears, with or without samples.
    let queued = set.metric("Queued Runs").unwrap();
    assert!(queued.series.is_empty());
    assert_eq!(queued.dimensions, ["RunType"]);
    assert!(set.metric("Active Nodes").is_none());
    assert_eq!(
        set.span(),
        Some((
            minute("2026-01-01T10:00:00Z"),
            minute("2026-01-01T10:02:00Z")
        ))
    );
}

#[test]
fn cluster_node_counts_hold_until_the_next_record() {
    let text = r#"{"time":"2026-01-01T10:00:30Z","category":"AmlComputeClusterEvent","properties":{"ClusterName":"gpu","UnusableNodeCount":2,"CurrentNodeCount":4}}
{"time":"2026-01-01T10:03:10Z","category":"AmlComputeClusterEvent","properties":"{\"ClusterName\":\"gpu\",\"UnusableNodeCount\":\"0\",\"CurrentNodeCount\":4}"}
{"time":"2026-01-01T10:05:00Z","category":"AmlRunStatusChangedEvent","properties":{"RunId":"a","Status":"Running"}}
"#;
    let (set, _) = derive(text);
    let unusable = set.metric("Unusable Nodes").unwrap();
    let gpu: Dims = [("ClusterName".to_string(), "gpu".to_string())].into();
    let s = &unusable.series[&gpu];
    let t0 = minute("2026-01-01T10:00:00Z");
    let values: Vec<(i64, f64)> = s.points.iter().map(|(m, p)| (m - t0, p.max)).collect();
    assert_eq!(
        values,
        [(0, 2.0), (1, 2.0), (2, 2.0), (3, 0.0), (4, 0.0), (5, 0.0)]
    );
    // Fields no record carries are not determined.
    assert!(set.metric("Preempted Nodes").is_none());
    // A held minute's evidence is the record that set the value.
    assert_eq!(s.evidence[&(t0 + 2)][0].line, 1);
    assert_eq!(s.evidence[&(t0 + 4)][0].line, 2);
}

#[test]
fn every_derived_metric_and_dimension_is_in_the_catalog() {
    let catalog = Catalog::builtin();
    let spec = DeriveSpec::builtin();
    for m in spec.metrics() {
        assert!(catalog.metric(m).is_some(), "{m}");
    }
    for t in &spec.tables {
        for d in &t.dimensions {
            assert!(catalog.dimension(d).is_some(), "{d}");
        }
    }
    for u in &spec.undetermined {
        for m in &u.metrics {
            assert!(catalog.metric(m).is_some(), "{m}");
            assert!(!spec.metrics().any(|d| d.eq_ignore_ascii_case(m)), "{m}");
        }
    }
}

#[test]
fn hostile_input_is_skipped_not_fatal() {
    let text = "\u{0}\u{1}{\"time\":\n{\"time\":\"not a time\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"Status\":\"Failed\"}}\n{\"time\":\"2026-01-01T10:00:00Z\",\"category\":\"AmlComputeClusterEvent\",\"properties\":{\"ClusterName\":\"c\",\"IdleNodeCount\":\"NaN\",\"UnusableNodeCount\":1e308}}\n";
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    let (set, stats, _) = derive_paths(&[f.path().to_path_buf()], &DeriveSpec::builtin());
    assert!(stats.skipped.values().sum::<u64>() >= 1);
    // No record reported a usable IdleNodeCount: the logs do not determine Idle Nodes.
    assert!(set.metric("Idle Nodes").is_none());
    assert_eq!(set.metric("Unusable Nodes").unwrap().series.len(), 1);
}
