//! Independent expectations for the metric-alert evaluator: each row is a scenario built from
//! what Azure's public documentation says, with the alerts worked out by hand from the
//! documents (not from `src/evaluate`). A wrong semantic fails a row here.
//!
//! Sources:
//! - "Understand how metric alerts work in Azure Monitor" (alerts-metric-overview,
//!   https://learn.microsoft.com/en-us/azure/azure-monitor/alerts/alerts-metric-overview): the
//!   rule runs every `Frequency` and looks at the values over the last `Period`; the example
//!   "runs every 1 min and looks at metric values for the last 5 minutes and checks if the
//!   average of those values exceeds 70"; with dimensions, the rule monitors each combination of
//!   dimension values as its own time series (`*` selects all values, including ones that
//!   appear later) and fires for each separately; with several conditions, all of them must be
//!   met for the alert to fire.
//! - "What are Azure Monitor alerts?" (alerts-overview,
//!   https://learn.microsoft.com/en-us/azure/azure-monitor/alerts/alerts-overview): a stateful
//!   metric alert is resolved when its condition isn't met for three consecutive evaluations;
//!   stateless alerts fire each time the condition is met.
//! - ARM `Microsoft.Insights/metricAlerts` (2018-03-01): `timeAggregation` Average, Minimum,
//!   Maximum, Total, Count; `autoMitigate` defaults to true.
//!
//! Times are minutes after 10:00 on 2026-01-01 (UTC); an evaluation at `T` covers `[T - window,
//! T)` (documented in `src/evaluate/engine.rs` as amlguard's reading of "the last N minutes").

use amlguard::evaluate::{Dims, Minute, Schedule, SeriesSet, evaluate};
use amlguard::rules::read_source;
use amlguard::source::FileId;

/// 2026-01-01T10:00Z in minutes since the epoch.
const TEN: Minute = 29_454_360;

struct Row {
    /// What the documents say, which this row checks.
    fact: &'static str,
    /// The rule, in the YAML rule format (frequency, window, auto-mitigate, criteria lines).
    rule: &'static str,
    /// (metric, dimension values as `Name=value,…` or "", minute after 10:00, value)
    samples: &'static [(&'static str, &'static str, i64, f64)],
    /// Evaluations considered: minutes after 10:00, inclusive.
    schedule: (i64, i64),
    /// Expected alerts: (series as `Name=value,…` or "", fired, resolved).
    alerts: &'static [(&'static str, i64, Option<i64>)],
}

const ROWS: &[Row] = &[
    Row {
        fact: "every 1 min, the average over the last 5 minutes exceeds 70; resolved after three consecutive clean evaluations",
        rule: "frequency: PT1M\n    window: PT5M\n    criteria:\n      - avg Active Nodes > 70",
        // 60 60 80 80 80 90 60 60 60 60 at 10:00 … 10:09
        samples: &[
            ("Active Nodes", "", 0, 60.0),
            ("Active Nodes", "", 1, 60.0),
            ("Active Nodes", "", 2, 80.0),
            ("Active Nodes", "", 3, 80.0),
            ("Active Nodes", "", 4, 80.0),
            ("Active Nodes", "", 5, 90.0),
            ("Active Nodes", "", 6, 60.0),
            ("Active Nodes", "", 7, 60.0),
            ("Active Nodes", "", 8, 60.0),
            ("Active Nodes", "", 9, 60.0),
        ],
        // 10:04 sees 60 60 80 80 = 70 (not above); 10:05 sees 60 60 80 80 80 = 72: fires.
        // 10:06 78, 10:07 78, 10:08 74 hold; 10:09 70, 10:10 66, 10:11 60: three clean.
        schedule: (1, 12),
        alerts: &[("", 5, Some(11))],
    },
    Row {
        fact: "one clean evaluation between two that meet the condition does not resolve the alert",
        rule: "frequency: PT1M\n    window: PT1M\n    criteria:\n      - total Failed Runs > 0",
        samples: &[
            ("Failed Runs", "", 0, 1.0),
            ("Failed Runs", "", 2, 1.0),
            ("Failed Runs", "", 4, 1.0),
        ],
        // met at 10:01, 10:03, 10:05 (each followed by one clean); clean 10:06, 10:07, 10:08.
        schedule: (1, 10),
        alerts: &[("", 1, Some(8))],
    },
    Row {
        fact: "`*` monitors every value of the dimension as its own time series, and fires per series",
        rule: "frequency: PT5M\n    window: PT5M\n    criteria:\n      - max Unusable Nodes > 0 where ClusterName includes *",
        samples: &[
            ("Unusable Nodes", "ClusterName=gpu", 1, 2.0),
            ("Unusable Nodes", "ClusterName=cpu", 1, 0.0),
            ("Unusable Nodes", "ClusterName=cpu", 7, 1.0),
        ],
        // gpu: met at 10:05 only, clean 10:10, 10:15, 10:20. cpu: met at 10:10, clean 10:15,
        // 10:20, 10:25.
        schedule: (5, 25),
        alerts: &[
            ("ClusterName=gpu", 5, Some(20)),
            ("ClusterName=cpu", 10, Some(25)),
        ],
    },
    Row {
        fact: "without a dimension filter the rule watches one series, aggregated over every value",
        rule: "frequency: PT5M\n    window: PT5M\n    criteria:\n      - total Failed Runs > 2",
        samples: &[
            ("Failed Runs", "RunType=Experiment", 1, 1.0),
            ("Failed Runs", "RunType=Experiment", 2, 1.0),
            ("Failed Runs", "RunType=PipelineRun", 3, 1.0),
        ],
        // 3 failures in [10:00, 10:05) across both run types: fires at 10:05.
        schedule: (5, 20),
        alerts: &[("", 5, Some(20))],
    },
    Row {
        fact: "Include names the values watched; Exclude watches every other value",
        rule: "frequency: PT5M\n    window: PT5M\n    criteria:\n      - total Failed Runs > 0 where RunType excludes Experiment",
        samples: &[
            ("Failed Runs", "RunType=Experiment", 1, 5.0),
            ("Failed Runs", "RunType=PipelineRun", 1, 1.0),
            ("Failed Runs", "RunType=Sweep", 6, 1.0),
        ],
        schedule: (5, 25),
        alerts: &[
            ("RunType=PipelineRun", 5, Some(20)),
            ("RunType=Sweep", 10, Some(25)),
        ],
    },
    Row {
        fact: "with several conditions, all must be met",
        rule: "frequency: PT5M\n    window: PT5M\n    criteria:\n      - total Failed Runs > 0\n      - total Completed Runs < 1",
        samples: &[
            ("Failed Runs", "", 1, 1.0),
            ("Completed Runs", "", 2, 3.0),
            ("Failed Runs", "", 6, 1.0),
            ("Completed Runs", "", 7, 0.0),
        ],
        // [10:00, 10:05): failures but 3 completions; [10:05, 10:10): a failure and 0
        // completions (a sample of 0): both met at 10:10.
        schedule: (5, 25),
        alerts: &[("", 10, Some(25))],
    },
    Row {
        fact: "a stateless rule (autoMitigate false) fires each time the condition is met, and is never resolved by Azure",
        rule: "frequency: PT1M\n    window: PT2M\n    auto-mitigate: false\n    criteria:\n      - total Failed Runs > 0",
        samples: &[("Failed Runs", "", 0, 1.0)],
        // The sample at 10:00 is in the windows of 10:01 and 10:02.
        schedule: (1, 6),
        alerts: &[("", 1, None), ("", 2, None)],
    },
    Row {
        fact: "Count counts the samples, Total adds them",
        rule: "frequency: PT5M\n    window: PT5M\n    criteria:\n      - count Active Nodes >= 3\n      - total Active Nodes = 12",
        samples: &[
            ("Active Nodes", "", 0, 2.0),
            ("Active Nodes", "", 1, 4.0),
            ("Active Nodes", "", 1, 6.0),
        ],
        schedule: (5, 20),
        alerts: &[("", 5, Some(20))],
    },
    Row {
        fact: "a window longer than the frequency keeps seeing a sample in every evaluation it covers",
        rule: "frequency: PT5M\n    window: PT15M\n    criteria:\n      - total Failed Runs > 0",
        samples: &[("Failed Runs", "", 4, 1.0)],
        // Seen at 10:05, 10:10, 10:15 ([10:00, 10:15)); clean 10:20, 10:25, 10:30.
        schedule: (5, 35),
        alerts: &[("", 5, Some(30))],
    },
    Row {
        fact: "Minimum and Maximum take the extremes of the window's samples",
        rule: "frequency: PT5M\n    window: PT5M\n    criteria:\n      - min Idle Nodes < 1\n      - max Idle Nodes > 5",
        samples: &[
            ("Idle Nodes", "", 0, 3.0),
            ("Idle Nodes", "", 2, 0.0),
            ("Idle Nodes", "", 4, 6.0),
            ("Idle Nodes", "", 6, 3.0),
        ],
        schedule: (5, 20),
        alerts: &[("", 5, Some(20))],
    },
];

fn dims(text: &str) -> Dims {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn every_documented_scenario_gives_the_alerts_worked_out_by_hand() {
    let mut failures = Vec::new();
    for row in ROWS {
        let text = format!("rules:\n  - name: r\n    {}\n", row.rule);
        let read = read_source("r.yaml", &text, FileId(0), true, &[]).unwrap();
        assert_eq!(read.rules.len(), 1, "{}: {:#?}", row.fact, read.findings);
        let mut set = SeriesSet::new();
        for (metric, d, m, v) in row.samples {
            set.add_sample(metric, &dims(d), TEN + m, *v);
        }
        let schedule = Schedule {
            from: TEN + row.schedule.0,
            to: TEN + row.schedule.1,
            phase: 0,
        };
        let e = evaluate(&read.rules[0], &set, &schedule)
            .unwrap_or_else(|why| panic!("{}: not evaluated: {why}", row.fact));
        let got: Vec<(Dims, i64, Option<i64>)> = e
            .alerts
            .iter()
            .map(|a| {
                (
                    a.series.clone(),
                    a.fired_at - TEN,
                    a.resolved_at.map(|r| r - TEN),
                )
            })
            .collect();
        let mut want: Vec<(Dims, i64, Option<i64>)> = row
            .alerts
            .iter()
            .map(|(s, f, r)| (dims(s), *f, *r))
            .collect();
        want.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        if got != want {
            failures.push(format!(
                "{}:\n  expected {want:?}\n  got      {got:?}",
                row.fact
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ten_o_clock_is_what_the_rows_say() {
    assert_eq!(amlguard::evaluate::rfc3339(TEN), "2026-01-01T10:00:00Z");
}
