//! Hand-computed evaluation cases: every expected time and value below was worked out by hand
//! from the semantics in `engine`'s documentation.

use super::*;
use crate::rules::{AlertRule, read_source};
use crate::source::FileId;

fn rule(yaml: &str) -> AlertRule {
    let read = read_source("r.yaml", yaml, FileId(0), true, &[]).expect("a rule file");
    assert_eq!(read.rules.len(), 1, "{:#?}", read.findings);
    read.rules.into_iter().next().unwrap()
}

fn metric_rule(freq: &str, window: &str, criterion: &str) -> AlertRule {
    rule(&format!(
        "rules:\n  - name: r\n    frequency: {freq}\n    window: {window}\n    criteria:\n      - {criterion}\n"
    ))
}

fn dims(pairs: &[(&str, &str)]) -> Dims {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

/// (minute, dimension values, value).
type Sample<'a> = (Minute, &'a [(&'a str, &'a str)], f64);

fn data(metric: &str, samples: &[Sample]) -> SeriesSet {
    let mut set = SeriesSet::new();
    for (m, d, v) in samples {
        set.add_sample(metric, &dims(d), *m, *v);
    }
    set
}

fn run(rule: &AlertRule, set: &SeriesSet, from: Minute, to: Minute) -> Evaluation {
    evaluate(rule, set, &Schedule { from, to, phase: 0 }).expect("evaluated")
}

/// (fired_at, resolved_at) of every alert.
fn times(e: &Evaluation) -> Vec<(Minute, Option<Minute>)> {
    e.alerts
        .iter()
        .map(|a| (a.fired_at, a.resolved_at))
        .collect()
}

#[test]
fn schedule_aligns_to_multiples_of_the_frequency() {
    let s = Schedule {
        from: 1001,
        to: 1031,
        phase: 0,
    };
    assert_eq!(s.times(15).collect::<Vec<_>>(), [1005, 1020, 1035]);
    assert_eq!(
        s.times(5).collect::<Vec<_>>(),
        [1005, 1010, 1015, 1020, 1025, 1030, 1035]
    );
    assert_eq!(s.times(1).count(), 31);
    let shifted = Schedule { phase: 3, ..s };
    assert_eq!(shifted.times(15).collect::<Vec<_>>(), [1008, 1023, 1038]);
    let covering = Schedule::covering(1000, 1004);
    assert_eq!(covering.times(5).collect::<Vec<_>>(), [1005]);
    let empty = Schedule {
        from: 10,
        to: 5,
        phase: 0,
    };
    assert_eq!(empty.times(5).count(), 0);
}

#[test]
fn window_holds_the_minutes_before_the_evaluation_and_not_its_own() {
    let r = metric_rule("PT5M", "PT5M", "total Failed Runs > 0");
    // A failure at 10:04 is in the window [10:00, 10:05) of the 10:05 evaluation.
    let e = run(&r, &data("Failed Runs", &[(1004, &[], 1.0)]), 995, 1030);
    assert_eq!(times(&e), [(1005, Some(1020))]);
    // One at 10:05 is not: it belongs to the 10:10 evaluation.
    let e = run(&r, &data("Failed Runs", &[(1005, &[], 1.0)]), 995, 1030);
    assert_eq!(times(&e), [(1010, Some(1025))]);
    // One at 09:59 (minute 999) with a 5-minute window is seen at 10:00 only.
    let e = run(&r, &data("Failed Runs", &[(999, &[], 1.0)]), 995, 1030);
    assert_eq!(times(&e), [(1000, Some(1015))]);
}

#[test]
fn a_long_window_keeps_the_condition_met_across_evaluations() {
    // Window 15, frequency 5: one failure at minute 1001 is seen by 1005, 1010 and 1015; the
    // three clean evaluations are 1020, 1025, 1030.
    let r = metric_rule("PT5M", "PT15M", "total Failed Runs > 0");
    let e = run(&r, &data("Failed Runs", &[(1001, &[], 1.0)]), 1000, 1040);
    assert_eq!(times(&e), [(1005, Some(1030))]);
    assert_eq!(e.alerts[0].value(), 1.0);
    assert_eq!(e.alerts[0].threshold(), 0.0);
}

#[test]
fn frequency_alignment_decides_which_evaluation_sees_a_burst() {
    // Frequency 15 with a 15-minute window: evaluations at 990, 1005, 1020, … (multiples of 15).
    let r = metric_rule("PT15M", "PT15M", "total Failed Runs >= 3");
    // Three failures split across 1004 and 1006 fall into two windows, 2 + 1: never 3.
    let set = data(
        "Failed Runs",
        &[(1004, &[], 1.0), (1004, &[], 1.0), (1006, &[], 1.0)],
    );
    assert!(run(&r, &set, 990, 1060).alerts.is_empty());
    // The same three inside [1005, 1020) fire at 1020.
    let set = data(
        "Failed Runs",
        &[(1005, &[], 1.0), (1010, &[], 1.0), (1019, &[], 1.0)],
    );
    assert_eq!(times(&run(&r, &set, 990, 1100)), [(1020, Some(1065))]);
}

#[test]
fn total_average_count_minimum_maximum_over_the_same_window() {
    // Minute 1000: samples 10, 10, 10; minute 1002: sample 40 (minute 1001 has none).
    let set = data(
        "Active Nodes",
        &[
            (1000, &[], 10.0),
            (1000, &[], 10.0),
            (1000, &[], 10.0),
            (1002, &[], 40.0),
        ],
    );
    let value = |agg: &str| {
        let r = metric_rule("PT5M", "PT5M", &format!("{agg} Active Nodes >= 0"));
        run(&r, &set, 1005, 1005).alerts[0].value()
    };
    assert_eq!(value("total"), 70.0);
    assert_eq!(value("count"), 4.0);
    // Azure averages the samples (70 / 4), not the per-minute averages ((10 + 40) / 2).
    assert_eq!(value("avg"), 17.5);
    assert_eq!(value("min"), 10.0);
    assert_eq!(value("max"), 40.0);
}

#[test]
fn average_of_a_count_metric_is_one_per_sample() {
    // Five failed runs in the window, each one sample of 1: Total 5, Average 1. A rule
    // `avg Failed Runs > 1` never fires, however many runs fail.
    let samples: Vec<Sample> = (0..5).map(|i| (1000 + i, &[][..], 1.0)).collect();
    let set = data("Failed Runs", &samples);
    let r = metric_rule("PT5M", "PT5M", "avg Failed Runs > 1");
    assert!(run(&r, &set, 1000, 1010).alerts.is_empty());
    let r = metric_rule("PT5M", "PT5M", "total Failed Runs > 1");
    assert_eq!(run(&r, &set, 1000, 1010).alerts[0].value(), 5.0);
}

fn by_run_type() -> SeriesSet {
    let mut samples: Vec<Sample> = Vec::new();
    for _ in 0..3 {
        samples.push((1001, &[("RunType", "Experiment")], 1.0));
    }
    samples.push((1001, &[("RunType", "PipelineRun")], 1.0));
    for _ in 0..5 {
        samples.push((1002, &[("RunType", "Sweep")], 1.0));
    }
    data("Failed Runs", &samples)
}

fn alerted_series(e: &Evaluation) -> Vec<(String, f64)> {
    e.alerts
        .iter()
        .map(|a| {
            let s = a
                .series
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            (s, a.value())
        })
        .collect()
}

#[test]
fn include_exclude_and_star_split_into_one_series_per_value() {
    let set = by_run_type();
    let check = |cond: &str, expected: &[(&str, f64)]| {
        let r = metric_rule("PT5M", "PT5M", cond);
        let got = alerted_series(&run(&r, &set, 1005, 1005));
        let want: Vec<(String, f64)> = expected
            .iter()
            .map(|(s, v)| ((*s).to_string(), *v))
            .collect();
        assert_eq!(got, want, "{cond}");
    };
    check(
        "total Failed Runs > 2 where RunType includes Experiment or PipelineRun",
        &[("RunType=Experiment", 3.0)],
    );
    check(
        "total Failed Runs > 0 where RunType includes *",
        &[
            ("RunType=Experiment", 3.0),
            ("RunType=PipelineRun", 1.0),
            ("RunType=Sweep", 5.0),
        ],
    );
    check(
        "total Failed Runs > 0 where RunType excludes Sweep",
        &[("RunType=Experiment", 3.0), ("RunType=PipelineRun", 1.0)],
    );
    // Values match case-insensitively.
    check(
        "total Failed Runs > 0 where RunType includes experiment",
        &[("RunType=Experiment", 3.0)],
    );
    // No filter: one series, the total over every run type.
    check("total Failed Runs > 8", &[("", 9.0)]);
}

#[test]
fn starts_with_filters_by_prefix() {
    let r = rule(
        "rules:\n  - name: r\n    frequency: PT5M\n    window: PT5M\n    criteria:\n      - metric: Failed Runs\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n        dimensions:\n          - name: runtype\n            operator: StartsWith\n            values: [pipe]\n",
    );
    let got = alerted_series(&run(&r, &by_run_type(), 1005, 1005));
    assert_eq!(got, [("RunType=PipelineRun".to_string(), 1.0)]);
}

#[test]
fn resolves_after_three_consecutive_clean_evaluations() {
    let r = metric_rule("PT1M", "PT1M", "total Failed Runs > 0");
    // Failures at 1000 and 1002: met at 1001 and 1003, clean at 1002 (one only), then 1004,
    // 1005, 1006 clean: resolved at 1006.
    let set = data("Failed Runs", &[(1000, &[], 1.0), (1002, &[], 1.0)]);
    assert_eq!(times(&run(&r, &set, 1000, 1010)), [(1001, Some(1006))]);
    // A failure four minutes later is a new alert.
    let set = data("Failed Runs", &[(1000, &[], 1.0), (1004, &[], 1.0)]);
    assert_eq!(
        times(&run(&r, &set, 1000, 1010)),
        [(1001, Some(1004)), (1005, Some(1008))]
    );
    // Still firing when the schedule ends: no resolution.
    let set = data("Failed Runs", &[(1000, &[], 1.0)]);
    assert_eq!(times(&run(&r, &set, 1000, 1002)), [(1001, None)]);
}

#[test]
fn stateless_rules_fire_at_every_evaluation_that_meets_the_condition() {
    let r = rule(
        "rules:\n  - name: r\n    frequency: PT1M\n    window: PT2M\n    auto-mitigate: false\n    criteria:\n      - total Failed Runs > 0\n",
    );
    let set = data("Failed Runs", &[(1000, &[], 1.0)]);
    let e = run(&r, &set, 1000, 1010);
    assert!(!e.stateful);
    assert_eq!(times(&e), [(1001, None), (1002, None)]);
}

#[test]
fn gaps_are_no_samples_not_zeros() {
    // Average over [1000, 1005) with samples only at 1000 and 1004: (2 + 4) / 2 = 3, not 6 / 5.
    let set = data("Active Nodes", &[(1000, &[], 2.0), (1004, &[], 4.0)]);
    let r = metric_rule("PT5M", "PT5M", "avg Active Nodes = 3");
    assert_eq!(times(&run(&r, &set, 1005, 1005)), [(1005, None)]);
    // A window without any sample has no value: `< 1` does not fire on it.
    let r = metric_rule("PT5M", "PT5M", "max Active Nodes < 1");
    let e = run(&r, &set, 1005, 1030);
    assert!(e.alerts.is_empty());
    let trace = &e.traces[0].values;
    assert_eq!(trace[0], (1005, Some(4.0)));
    assert_eq!(trace[1], (1010, None));
}

#[test]
fn every_criterion_must_hold_on_the_same_series() {
    let r = rule(
        "rules:\n  - name: r\n    frequency: PT5M\n    window: PT5M\n    criteria:\n      - total Failed Runs > 0 where RunType includes *\n      - total Completed Runs < 2 where RunType includes *\n",
    );
    let mut set = by_run_type();
    // Experiment completed 5 runs (condition 2 fails), PipelineRun 1, Sweep none at all (no
    // value: condition 2 is not met either).
    for _ in 0..5 {
        set.add_sample(
            "Completed Runs",
            &dims(&[("RunType", "Experiment")]),
            1003,
            1.0,
        );
    }
    set.add_sample(
        "Completed Runs",
        &dims(&[("RunType", "PipelineRun")]),
        1003,
        1.0,
    );
    let e = run(&r, &set, 1005, 1005);
    assert_eq!(
        alerted_series(&e),
        [("RunType=PipelineRun".to_string(), 1.0)]
    );
    assert_eq!(e.alerts[0].values.len(), 2);
    assert_eq!(e.alerts[0].values[1].value, 1.0);
}

#[test]
fn evidence_comes_from_the_window_that_fired() {
    let mut set = SeriesSet::new();
    let ev = |line| Evidence {
        file: "dump.json".into(),
        line,
    };
    set.add(
        "Failed Runs",
        &Dims::new(),
        990,
        Point::sample(1.0),
        &[ev(1)],
    );
    set.add(
        "Failed Runs",
        &Dims::new(),
        1003,
        Point::sample(1.0),
        &[ev(7)],
    );
    set.add(
        "Failed Runs",
        &Dims::new(),
        1004,
        Point::sample(1.0),
        &[ev(9)],
    );
    let r = metric_rule("PT5M", "PT5M", "total Failed Runs > 1");
    let e = run(&r, &set, 1005, 1005);
    assert_eq!(e.alerts[0].evidence, [ev(7), ev(9)]);
}

#[test]
fn rules_that_cannot_be_evaluated_say_why() {
    let set = by_run_type();
    let why = |r: &AlertRule| {
        evaluate(r, &set, &Schedule::covering(1000, 1010))
            .err()
            .map(|e| e.to_string())
    };
    let r = metric_rule("PT5M", "PT5M", "avg Failed Runs > dynamic medium 2 of 4");
    assert_eq!(
        why(&r).unwrap(),
        "`Failed Runs` has a dynamic threshold, which Azure learns from its own history of the metric"
    );
    let r = metric_rule("PT5M", "PT5M", "avg GpuUtilization < 10");
    assert_eq!(
        why(&r).unwrap(),
        "the logs do not determine the metric `GpuUtilization`"
    );
    let r = metric_rule(
        "PT5M",
        "PT5M",
        "total Failed Runs > 0 where ComputeType includes *",
    );
    assert_eq!(
        why(&r).unwrap(),
        "the logs determine `Failed Runs` but not its dimension `ComputeType`"
    );
    let r = metric_rule("30s", "PT5M", "total Failed Runs > 0");
    assert_eq!(
        why(&r).unwrap(),
        "evaluation frequency PT30S is not a positive whole number of minutes"
    );
    let r = rule(
        "rules:\n  - name: r\n    enabled: false\n    criteria:\n      - total Failed Runs > 0\n",
    );
    assert!(why(&r).unwrap().starts_with("disabled"));
}

#[test]
fn unset_frequency_and_window_default_to_one_and_five_minutes() {
    let r = rule("rules:\n  - name: r\n    criteria:\n      - total Failed Runs > 0\n");
    let e = run(&r, &data("Failed Runs", &[(1000, &[], 1.0)]), 1000, 1010);
    assert_eq!((e.frequency, e.window), (DEFAULT_FREQUENCY, DEFAULT_WINDOW));
    // Seen by the evaluations at 1001 … 1005; clean at 1006, 1007, 1008.
    assert_eq!(times(&e), [(1001, Some(1008))]);
}
