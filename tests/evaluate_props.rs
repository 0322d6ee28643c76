//! Invariants of the metric-alert evaluator, on random data and thresholds.

use amlguard::evaluate::{Dims, Evaluation, Minute, Schedule, SeriesSet, evaluate};
use amlguard::rules::{AlertRule, read_source};
use amlguard::source::FileId;
use proptest::prelude::*;

fn rule(condition: &str, freq: u32, window: u32) -> AlertRule {
    let text = format!(
        "rules:\n  - name: r\n    frequency: PT{freq}M\n    window: PT{window}M\n    criteria:\n      - {condition}\n"
    );
    let read = read_source("r.yaml", &text, FileId(0), true, &[]).unwrap();
    assert_eq!(read.rules.len(), 1, "{text}");
    read.rules.into_iter().next().unwrap()
}

/// (minute offset, cluster index, value) samples of a gauge-like metric.
fn samples() -> impl Strategy<Value = Vec<(i64, usize, u32)>> {
    prop::collection::vec((0i64..120, 0usize..3, 0u32..50), 0..80)
}

fn schedules() -> impl Strategy<Value = (u32, u32)> {
    prop::sample::select(vec![
        (1u32, 1u32),
        (1, 5),
        (5, 5),
        (5, 15),
        (15, 15),
        (15, 60),
    ])
}

fn aggregations() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["total", "avg", "min", "max", "count"])
}

const BASE: Minute = 29_000_000;

fn set(samples: &[(i64, usize, u32)]) -> SeriesSet {
    let mut set = SeriesSet::new();
    set.declare("Unusable Nodes", &["ClusterName"]);
    for (m, c, v) in samples {
        let dims: Dims = [("ClusterName".to_string(), format!("c{c}"))].into();
        set.add_sample("Unusable Nodes", &dims, BASE + m, f64::from(*v));
    }
    set
}

fn eval(r: &AlertRule, s: &SeriesSet) -> Evaluation {
    evaluate(r, s, &Schedule::covering(BASE, BASE + 120)).unwrap()
}

/// (series, evaluation time) pairs at which an alert is active.
fn active(e: &Evaluation) -> Vec<(Dims, Minute)> {
    let mut out = Vec::new();
    for &t in &e.times {
        for a in &e.alerts {
            if a.active_at(t) {
                out.push((a.series.clone(), t));
            }
        }
    }
    out
}

/// Evaluation times at which the condition held on some series (an alert fired or was still
/// met): the traces' values compared with the threshold.
fn met_times(e: &Evaluation, threshold: f64) -> Vec<Minute> {
    let mut out: Vec<Minute> = e
        .traces
        .iter()
        .flat_map(|t| t.values.iter())
        .filter(|(_, v)| v.is_some_and(|v| v > threshold))
        .map(|(t, _)| *t)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_threshold_above_every_value_never_fires(
        data in samples(), (f, w) in schedules(), agg in aggregations(),
    ) {
        let s = set(&data);
        // No aggregation over at most 80 samples of at most 49 exceeds 80 × 49.
        let r = rule(&format!("{agg} Unusable Nodes > 3920 where ClusterName includes *"), f, w);
        prop_assert!(eval(&r, &s).alerts.is_empty());
        let r = rule(&format!("{agg} Unusable Nodes > 3920"), f, w);
        prop_assert!(eval(&r, &s).alerts.is_empty());
    }

    #[test]
    fn lowering_the_threshold_never_removes_an_alert(
        data in samples(), (f, w) in schedules(), agg in aggregations(),
        high in 0u32..200, drop in 0u32..200,
    ) {
        let s = set(&data);
        let low = high.saturating_sub(drop);
        let hi = eval(&rule(&format!("{agg} Unusable Nodes > {high} where ClusterName includes *"), f, w), &s);
        let lo = eval(&rule(&format!("{agg} Unusable Nodes > {low} where ClusterName includes *"), f, w), &s);
        // Every evaluation at which an alert fired under the higher threshold finds an alert
        // on the same series active under the lower one.
        for a in &hi.alerts {
            prop_assert!(
                lo.alerts.iter().any(|b| b.series == a.series && b.active_at(a.fired_at)),
                "alert {:?} lost", a
            );
        }
        let hi_active = active(&hi);
        let lo_active = active(&lo);
        for x in &hi_active {
            prop_assert!(lo_active.contains(x));
        }
    }

    #[test]
    fn splitting_by_a_dimension_never_loses_an_alert(
        data in samples(), (f, w) in schedules(), threshold in 0u32..100,
    ) {
        let s = set(&data);
        // Maximum: the whole exceeds the threshold exactly when some cluster does.
        let whole = eval(&rule(&format!("max Unusable Nodes > {threshold}"), f, w), &s);
        let split = eval(&rule(&format!("max Unusable Nodes > {threshold} where ClusterName includes *"), f, w), &s);
        prop_assert_eq!(met_times(&whole, f64::from(threshold)), met_times(&split, f64::from(threshold)));
        for a in &whole.alerts {
            prop_assert!(split.alerts.iter().any(|b| b.active_at(a.fired_at)), "{:?}", a);
        }
        // Total of non-negative values: a cluster over the threshold puts the whole over it.
        let whole = eval(&rule(&format!("total Unusable Nodes > {threshold}"), f, w), &s);
        let split = eval(&rule(&format!("total Unusable Nodes > {threshold} where ClusterName includes *"), f, w), &s);
        for a in &split.alerts {
            prop_assert!(whole.alerts.iter().any(|b| b.active_at(a.fired_at)), "{:?}", a);
        }
    }

    #[test]
    fn alerts_are_well_formed(
        data in samples(), (f, w) in schedules(), agg in aggregations(), threshold in 0u32..100,
    ) {
        let s = set(&data);
        let e = eval(&rule(&format!("{agg} Unusable Nodes > {threshold} where ClusterName includes *"), f, w), &s);
        for a in &e.alerts {
            prop_assert!(e.times.contains(&a.fired_at));
            if let Some(r) = a.resolved_at {
                prop_assert!(r > a.fired_at);
                // Resolution takes three evaluations.
                prop_assert!(r - a.fired_at >= 3 * i64::from(f));
            }
            prop_assert!(a.value() > f64::from(threshold));
        }
        // Alerts of one series never overlap.
        for a in &e.alerts {
            for b in &e.alerts {
                if !std::ptr::eq(a, b) && a.series == b.series {
                    prop_assert!(!a.active_at(b.fired_at), "{:?} overlaps {:?}", a, b);
                }
            }
        }
    }
}
