//! What Azure accepts in an alert rule's schedule (evaluation frequency, window, look-back),
//! as catalog data: the `alert-schedules:` section, with a `metric:` part for metric alerts and
//! a `log:` part for scheduled query rules. Every list cites the public document it comes from.
//!
//! A `--catalog` file that gives a list replaces the built-in list as a whole (and its
//! citation): what the file says is exactly what is allowed.

use serde::Serialize;

use crate::duration::Duration;

/// Citation of a list a user catalog gives without `source:`.
pub const USER_CITATION: &str = "user catalog files (--catalog)";

/// A list of durations Azure accepts, with where that is documented.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DurationList {
    #[serde(serialize_with = "iso_list")]
    pub values: Vec<Duration>,
    pub source: String,
}

impl DurationList {
    pub fn contains(&self, d: &Duration) -> bool {
        self.values.contains(d)
    }
}

/// One limit, with where it is documented.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DurationLimit {
    #[serde(serialize_with = "iso")]
    pub value: Duration,
    pub source: String,
}

/// An inclusive integer range, with where it is documented.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Range {
    pub min: i64,
    pub max: i64,
    pub source: String,
}

impl Range {
    pub fn contains(&self, v: &i64) -> bool {
        (self.min..=self.max).contains(v)
    }
}

/// Metric alerts (`Microsoft.Insights/metricAlerts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricSchedule {
    pub frequencies: DurationList,
    pub windows: DurationList,
}

/// Log alerts (`Microsoft.Insights/scheduledQueryRules`). Serialized with the keys of the
/// catalog file, so `amlguard catalog schedules --format json` reads back as `alert-schedules:`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogSchedule {
    /// `evaluationFrequency`.
    pub frequencies: DurationList,
    /// `windowSize` of a rule evaluated every minute.
    pub windows_at_one_minute: DurationList,
    /// `windowSize` of any other rule.
    pub windows: DurationList,
    /// `overrideQueryTimeRange`.
    pub query_time_range_overrides: DurationList,
    /// `muteActionsDuration`.
    pub mute_durations: DurationList,
    /// The longest look-back (window × periods, or the override).
    pub max_lookback: DurationLimit,
    /// `numberOfEvaluationPeriods` and `minFailingPeriodsToAlert`.
    pub failing_periods: Range,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlertSchedules {
    pub metric: MetricSchedule,
    pub log: LogSchedule,
}

/// One line of `amlguard catalog schedules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow<'a> {
    /// `metric` or `log`.
    pub alert: &'static str,
    /// The property, as Azure names it.
    pub setting: &'static str,
    /// What is allowed (`PT1M, PT5M`, `at most P2D`, `1 to 6`).
    pub allowed: String,
    pub source: &'a str,
}

impl AlertSchedules {
    /// Every list and limit, metric alerts first.
    pub fn rows(&self) -> Vec<ScheduleRow<'_>> {
        let (m, l) = (&self.metric, &self.log);
        vec![
            row("metric", "evaluationFrequency", &m.frequencies),
            row("metric", "windowSize", &m.windows),
            row("log", "evaluationFrequency", &l.frequencies),
            row(
                "log",
                "windowSize (evaluationFrequency PT1M)",
                &l.windows_at_one_minute,
            ),
            row("log", "windowSize (any other frequency)", &l.windows),
            row(
                "log",
                "overrideQueryTimeRange",
                &l.query_time_range_overrides,
            ),
            row("log", "muteActionsDuration", &l.mute_durations),
            ScheduleRow {
                alert: "log",
                setting: "look-back (windowSize × numberOfEvaluationPeriods, or the override)",
                allowed: format!("at most {}", l.max_lookback.value.iso()),
                source: &l.max_lookback.source,
            },
            ScheduleRow {
                alert: "log",
                setting: "numberOfEvaluationPeriods, minFailingPeriodsToAlert",
                allowed: format!("{} to {}", l.failing_periods.min, l.failing_periods.max),
                source: &l.failing_periods.source,
            },
        ]
    }
}

fn row<'a>(alert: &'static str, setting: &'static str, l: &'a DurationList) -> ScheduleRow<'a> {
    ScheduleRow {
        alert,
        setting,
        allowed: l
            .values
            .iter()
            .map(|d| d.iso())
            .collect::<Vec<_>>()
            .join(", "),
        source: &l.source,
    }
}

fn iso<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.iso())
}

fn iso_list<S: serde::Serializer>(v: &[Duration], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|d| d.iso()))
}
