//! Evaluating one metric alert rule over a [`SeriesSet`] the way Azure Monitor does.
//!
//! Sources (public): "Understand how metric alerts work in Azure Monitor"
//! (https://learn.microsoft.com/en-us/azure/azure-monitor/alerts/alerts-metric-overview) and
//! "What are Azure Monitor alerts?"
//! (https://learn.microsoft.com/en-us/azure/azure-monitor/alerts/alerts-overview):
//! - the rule runs every `evaluationFrequency` and looks at the metric's values over the last
//!   `windowSize`, aggregated with the criterion's `timeAggregation`, compared with the
//!   threshold;
//! - there is one time series per combination of the values of the dimensions the criteria
//!   filter on (`Include`/`Exclude`/`StartsWith`, `*` for every value), and an alert fires per
//!   time series; dimensions the rule does not name are aggregated over;
//! - with several criteria (`allOf`), all must hold;
//! - a stateful rule (`autoMitigate`, the default) resolves an alert after three consecutive
//!   evaluations in which the condition is not met; a stateless one (`autoMitigate: false`)
//!   fires each time the condition is met and is never resolved automatically.
//!
//! What the pages leave open, and what this module does (one place, so that it can change):
//! - evaluation times are aligned to multiples of the frequency since 1970-01-01T00:00Z (or to
//!   the phase a [`Schedule`] gives), and the window of an evaluation at `T` is the minutes
//!   `[T - window, T)`;
//! - a window without any sample gives no value: the condition is not met there;
//! - when the rule leaves `evaluationFrequency` or `windowSize` unset, 1 and 5 minutes apply,
//!   the defaults of `az monitor metrics alert create` and of Terraform's
//!   `azurerm_monitor_metric_alert`;
//! - dimension values are matched case-insensitively, like dimension names.

use std::collections::BTreeMap;
use std::fmt;

use super::series::{Dims, Evidence, Minute, Point, Series, SeriesSet, same_dimension};
use crate::duration::Duration;
use crate::model::{AlertRule, Criterion, Threshold};
use crate::vocab::{Aggregation, DimensionOperator, Operator};

/// Consecutive clean evaluations after which a stateful metric alert resolves.
pub const CLEAN_EVALUATIONS_TO_RESOLVE: u32 = 3;
/// `evaluationFrequency` when the rule leaves it unset.
pub const DEFAULT_FREQUENCY: Duration = Duration::minutes(1);
/// `windowSize` when the rule leaves it unset.
pub const DEFAULT_WINDOW: Duration = Duration::minutes(5);
/// How many records an alert lists as evidence.
pub const EVIDENCE_PER_ALERT: usize = 5;

/// Which evaluation times to consider: every `T` in `from..=to` with
/// `(T - phase)` a multiple of the rule's frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub from: Minute,
    pub to: Minute,
    pub phase: Minute,
}

impl Schedule {
    /// Evaluations over data that spans `first..=last` minutes: from the first evaluation whose
    /// window holds the first minute to the first one whose window holds the last.
    pub fn covering(first: Minute, last: Minute) -> Schedule {
        Schedule {
            from: first.saturating_add(1),
            to: last.saturating_add(1),
            phase: 0,
        }
    }

    /// The evaluation times for a frequency of `every` minutes (`every` ≥ 1). The last
    /// evaluation is the first aligned time at or after `to`, so that the last minute of data
    /// is evaluated whatever the alignment.
    pub fn times(&self, every: i64) -> impl Iterator<Item = Minute> + use<> {
        let every = every.max(1);
        let first = align_up(self.from, every, self.phase);
        let last = align_up(self.to, every, self.phase);
        let count = if last < first {
            0
        } else {
            (last - first) / every + 1
        };
        (0..count).map(move |k| first + k * every)
    }
}

fn align_up(t: Minute, every: i64, phase: Minute) -> Minute {
    let r = (t - phase).rem_euclid(every);
    if r == 0 { t } else { t + (every - r) }
}

/// Why a rule was not evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum NotEvaluated {
    /// A log alert rule (scheduledQueryRules).
    LogRule,
    /// `enabled: false`: Azure does not evaluate it.
    Disabled,
    NoCriteria,
    /// A dynamic threshold is learned by Azure from weeks of history; it cannot be reproduced.
    DynamicThreshold {
        metric: String,
    },
    /// A criterion lacks a field the evaluation needs (already reported by the linter).
    Incomplete {
        metric: String,
        field: &'static str,
    },
    /// Frequency or window is not a positive whole number of minutes.
    BadSchedule {
        what: &'static str,
        value: Duration,
    },
    /// The data does not determine this metric.
    UnknownMetric {
        metric: String,
    },
    /// The data determines the metric but not this dimension of it.
    UnknownDimension {
        metric: String,
        dimension: String,
    },
}

impl fmt::Display for NotEvaluated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotEvaluated::LogRule => {
                write!(f, "log alert rule: only metric alert rules are evaluated")
            }
            NotEvaluated::Disabled => {
                write!(f, "disabled (`enabled: false`): Azure does not evaluate it")
            }
            NotEvaluated::NoCriteria => {
                write!(f, "no criterion could be read (`amlguard lint` shows why)")
            }
            NotEvaluated::DynamicThreshold { metric } => write!(
                f,
                "`{metric}` has a dynamic threshold, which Azure learns from its own history of the metric"
            ),
            NotEvaluated::Incomplete { metric, field } => {
                write!(f, "the criterion on `{metric}` has no valid {field}")
            }
            NotEvaluated::BadSchedule { what, value } => write!(
                f,
                "{what} {} is not a positive whole number of minutes",
                value.iso()
            ),
            NotEvaluated::UnknownMetric { metric } => {
                write!(f, "the logs do not determine the metric `{metric}`")
            }
            NotEvaluated::UnknownDimension { metric, dimension } => write!(
                f,
                "the logs determine `{metric}` but not its dimension `{dimension}`"
            ),
        }
    }
}

/// One criterion's value at an alert.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionValue {
    pub metric: String,
    pub aggregation: Aggregation,
    pub operator: Operator,
    pub value: f64,
    pub threshold: f64,
}

/// One alert: a time series of the rule whose condition held.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// The series' dimension values (empty when the rule splits on nothing).
    pub series: Dims,
    /// The evaluation at which the condition first held.
    pub fired_at: Minute,
    /// The evaluation that resolved it (the third clean one in a row); `None` while it still
    /// fires at the end of the schedule, and always for a stateless rule.
    pub resolved_at: Option<Minute>,
    /// Each criterion's value at `fired_at`, in the rule's order.
    pub values: Vec<CriterionValue>,
    /// The first records behind the values that crossed.
    pub evidence: Vec<Evidence>,
}

impl Alert {
    /// The first criterion's value (the one the JSON's `value` reports).
    pub fn value(&self) -> f64 {
        self.values.first().map_or(f64::NAN, |v| v.value)
    }

    pub fn threshold(&self) -> f64 {
        self.values.first().map_or(f64::NAN, |v| v.threshold)
    }

    /// Whether the alert is active at evaluation time `t`.
    pub fn active_at(&self, t: Minute) -> bool {
        self.fired_at <= t && self.resolved_at.is_none_or(|r| t < r)
    }
}

/// A criterion's aggregated value at each evaluation, for one series (what a plot draws).
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub criterion: usize,
    pub series: Dims,
    /// `(evaluation time, value)`; `None` where the window holds no sample.
    pub values: Vec<(Minute, Option<f64>)>,
}

/// The outcome of evaluating one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub frequency: Duration,
    pub window: Duration,
    /// Stateful (resolves automatically) or not.
    pub stateful: bool,
    /// Every evaluation time.
    pub times: Vec<Minute>,
    /// Each criterion's threshold, in the rule's order.
    pub thresholds: Vec<f64>,
    pub alerts: Vec<Alert>,
    pub traces: Vec<Trace>,
}

struct Prepared {
    metric: String,
    aggregation: Aggregation,
    operator: Operator,
    threshold: f64,
    series: Vec<Series>,
}

/// Evaluates a metric alert rule over `data` at the times `schedule` gives.
pub fn evaluate(
    rule: &AlertRule,
    data: &SeriesSet,
    schedule: &Schedule,
) -> Result<Evaluation, NotEvaluated> {
    if rule.is_log() {
        return Err(NotEvaluated::LogRule);
    }
    if rule.enabled.as_ref().is_some_and(|e| !e.value) {
        return Err(NotEvaluated::Disabled);
    }
    if rule.criteria.is_empty() {
        return Err(NotEvaluated::NoCriteria);
    }
    let frequency = rule
        .frequency
        .as_ref()
        .map_or(DEFAULT_FREQUENCY, |f| f.value);
    let window = rule.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value);
    let every = whole_minutes("evaluation frequency", frequency)?;
    let width = whole_minutes("window size", window)?;
    let prepared = rule
        .criteria
        .iter()
        .map(|c| prepare(c, data))
        .collect::<Result<Vec<_>, _>>()?;
    let stateful = rule.auto_mitigate.as_ref().is_none_or(|a| a.value);
    let times: Vec<Minute> = schedule.times(every).collect();

    // Each criterion's value per series per evaluation.
    let values: Vec<Vec<Vec<Option<f64>>>> = prepared
        .iter()
        .map(|p| {
            p.series
                .iter()
                .map(|s| {
                    times
                        .iter()
                        .map(|&t| aggregate(&s.points, t - width, t, p.aggregation))
                        .collect()
                })
                .collect()
        })
        .collect();

    let mut alerts = Vec::new();
    for (key, idx) in join(&prepared) {
        let mut clean = 0u32;
        let mut open: Option<Alert> = None;
        for (ti, &t) in times.iter().enumerate() {
            let mut crossing = Vec::with_capacity(prepared.len());
            for (c, p) in prepared.iter().enumerate() {
                match values[c][idx[c]][ti] {
                    Some(v) if p.operator.holds(v, p.threshold) => crossing.push(CriterionValue {
                        metric: p.metric.clone(),
                        aggregation: p.aggregation,
                        operator: p.operator,
                        value: v,
                        threshold: p.threshold,
                    }),
                    _ => break,
                }
            }
            let met = crossing.len() == prepared.len();
            if !stateful {
                if met {
                    alerts.push(new_alert(&key, t, crossing, &prepared, &idx, width));
                }
                continue;
            }
            match (&mut open, met) {
                (None, true) => {
                    open = Some(new_alert(&key, t, crossing, &prepared, &idx, width));
                    clean = 0;
                }
                (Some(_), true) => clean = 0,
                (Some(_), false) => {
                    clean += 1;
                    if clean >= CLEAN_EVALUATIONS_TO_RESOLVE {
                        let mut a = open.take().expect("an open alert");
                        a.resolved_at = Some(t);
                        alerts.push(a);
                        clean = 0;
                    }
                }
                (None, false) => {}
            }
        }
        alerts.extend(open);
    }
    alerts.sort_by(|a, b| (a.fired_at, &a.series).cmp(&(b.fired_at, &b.series)));

    let traces = prepared
        .iter()
        .enumerate()
        .flat_map(|(c, p)| {
            let times = &times;
            let values = &values;
            p.series.iter().enumerate().map(move |(si, s)| Trace {
                criterion: c,
                series: s.dims.clone(),
                values: times
                    .iter()
                    .copied()
                    .zip(values[c][si].iter().copied())
                    .collect(),
            })
        })
        .collect();

    Ok(Evaluation {
        frequency,
        window,
        stateful,
        times,
        thresholds: prepared.iter().map(|p| p.threshold).collect(),
        alerts,
        traces,
    })
}

fn whole_minutes(what: &'static str, d: Duration) -> Result<i64, NotEvaluated> {
    if d.0 == 0 || !d.0.is_multiple_of(60) {
        return Err(NotEvaluated::BadSchedule { what, value: d });
    }
    i64::try_from(d.0 / 60).map_err(|_| NotEvaluated::BadSchedule { what, value: d })
}

fn new_alert(
    key: &Dims,
    t: Minute,
    values: Vec<CriterionValue>,
    prepared: &[Prepared],
    idx: &[usize],
    width: i64,
) -> Alert {
    let mut evidence: Vec<Evidence> = Vec::new();
    'outer: for (p, &i) in prepared.iter().zip(idx) {
        for (_, records) in p.series[i].evidence.range(t - width..t) {
            for e in records {
                if evidence.len() >= EVIDENCE_PER_ALERT {
                    break 'outer;
                }
                if !evidence.contains(e) {
                    evidence.push(e.clone());
                }
            }
        }
    }
    Alert {
        series: key.clone(),
        fired_at: t,
        resolved_at: None,
        values,
        evidence,
    }
}

/// The time aggregation over the points in `[from, to)`; `None` when there is none.
pub fn aggregate(
    points: &BTreeMap<Minute, Point>,
    from: Minute,
    to: Minute,
    aggregation: Aggregation,
) -> Option<f64> {
    let mut it = points.range(from..to).map(|(_, p)| *p);
    let mut acc = it.next()?;
    for p in it {
        acc.merge(&p);
    }
    Some(match aggregation {
        Aggregation::Total => acc.sum,
        Aggregation::Count => acc.count as f64,
        Aggregation::Average => acc.sum / acc.count.max(1) as f64,
        Aggregation::Minimum => acc.min,
        Aggregation::Maximum => acc.max,
    })
}

fn prepare(c: &Criterion, data: &SeriesSet) -> Result<Prepared, NotEvaluated> {
    let metric = c.metric.value.clone();
    let incomplete = |field| NotEvaluated::Incomplete {
        metric: metric.clone(),
        field,
    };
    let threshold = match &c.threshold {
        Some(Threshold::Static(t)) if t.value.is_finite() => t.value,
        Some(Threshold::Static(_)) | None => return Err(incomplete("threshold")),
        Some(Threshold::Dynamic(_)) => {
            return Err(NotEvaluated::DynamicThreshold { metric });
        }
    };
    let aggregation = c
        .aggregation
        .as_ref()
        .map(|a| a.value)
        .ok_or_else(|| incomplete("aggregation"))?;
    let operator = c
        .operator
        .as_ref()
        .map(|o| o.value)
        .filter(|o| *o != Operator::GreaterOrLessThan)
        .ok_or_else(|| incomplete("operator"))?;
    let md = data
        .metric(&metric)
        .ok_or_else(|| NotEvaluated::UnknownMetric {
            metric: metric.clone(),
        })?;
    // Each filter: the data's dimension name, operator, values.
    let mut filters: Vec<(&str, DimensionOperator, Vec<String>)> = Vec::new();
    for f in &c.dimensions {
        let name = md
            .dimension(&f.name.value)
            .ok_or_else(|| NotEvaluated::UnknownDimension {
                metric: metric.clone(),
                dimension: f.name.value.clone(),
            })?;
        let op = f
            .operator
            .as_ref()
            .map_or(DimensionOperator::Include, |o| o.value);
        let values = f.values.iter().map(|v| v.value.clone()).collect();
        filters.push((name, op, values));
    }
    let mut grouped: BTreeMap<Dims, Series> = BTreeMap::new();
    for s in md.series.values() {
        let mut key = Dims::new();
        let mut keep = true;
        for (name, op, values) in &filters {
            let v = s
                .dims
                .iter()
                .find(|(k, _)| same_dimension(k, name))
                .map_or("", |(_, v)| v.as_str());
            if !passes(v, *op, values) {
                keep = false;
                break;
            }
            key.insert((*name).to_string(), v.to_string());
        }
        if !keep {
            continue;
        }
        let g = grouped
            .entry(key.clone())
            .or_insert_with(|| Series::new(key));
        for (&m, p) in &s.points {
            let ev = s.evidence.get(&m).map_or(&[][..], Vec::as_slice);
            g.add(m, *p, ev);
        }
    }
    Ok(Prepared {
        metric: md.name.clone(),
        aggregation,
        operator,
        threshold,
        series: grouped.into_values().collect(),
    })
}

/// Whether a series with value `v` of a dimension passes a filter on it.
pub fn passes(v: &str, op: DimensionOperator, values: &[String]) -> bool {
    let any = |f: &dyn Fn(&str) -> bool| values.iter().any(|x| f(x));
    match op {
        DimensionOperator::Include => any(&|x| x == "*" || x.eq_ignore_ascii_case(v)),
        DimensionOperator::Exclude => !any(&|x| x.eq_ignore_ascii_case(v)),
        DimensionOperator::StartsWith => any(&|x| {
            v.len() >= x.len()
                && v.is_char_boundary(x.len())
                && v[..x.len()].eq_ignore_ascii_case(x)
        }),
    }
}

/// The combined series of a multi-criteria rule: one per combination of the criteria's series
/// that agree on every dimension they share (a natural join), with each criterion's series index.
fn join(prepared: &[Prepared]) -> Vec<(Dims, Vec<usize>)> {
    let mut combos: Vec<(Dims, Vec<usize>)> = vec![(Dims::new(), Vec::new())];
    for p in prepared {
        let mut next = Vec::new();
        for (key, idx) in &combos {
            for (i, s) in p.series.iter().enumerate() {
                let agrees = s.dims.iter().all(|(k, v)| {
                    key.iter()
                        .find(|(k2, _)| same_dimension(k2, k))
                        .is_none_or(|(_, v2)| v2.eq_ignore_ascii_case(v))
                });
                if agrees {
                    let mut k = key.clone();
                    for (d, v) in &s.dims {
                        if !k.keys().any(|k2| same_dimension(k2, d)) {
                            k.insert(d.clone(), v.clone());
                        }
                    }
                    let mut ix = idx.clone();
                    ix.push(i);
                    next.push((k, ix));
                }
            }
        }
        combos = next;
    }
    combos
}
