//! `amlguard coverage`: which failure signals no enabled rule watches.
//!
//! The signals are data: every lifecycle state marked `failure:` in the lifecycle specs (with
//! the workspace metric that counts it), every `max-dwell` limit (a stuck entity), and every
//! catalog metric marked `signal:`. A rule covers
//! - a failure state when it is a metric rule on the metric that counts the state, or a log
//!   rule whose query filters one of the lifecycle's tables on that state (`where Status ==
//!   "Failed"`, or a field that agrees with the state, such as `EventType == "JobFailed"`);
//! - a dwell limit when it is a log rule whose query filters on the state;
//! - a metric signal when it is a metric rule on one of the signal's metrics and, for a signal
//!   singled out by a dimension value (`statusCodeClass` = `5xx`), keeps that value.
//!
//! Disabled rules (`enabled: false`) cover nothing.

mod query;

use serde::Serialize;

use crate::catalog::{Catalog, FailureSignal};
use crate::lifecycle::{LifecycleSpec, Lifecycles};
use crate::model::{AlertRule, Criterion, DimensionFilter, Target};
use crate::vocab::DimensionOperator;

pub use query::{StateFilter, state_filters};

/// What kind of failure a signal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// A lifecycle state (or a dwell limit on one).
    State,
    /// A failure-signalling metric.
    Metric,
}

/// One failure signal and the rules that watch it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    pub kind: SignalKind,
    /// The lifecycle of a state signal.
    pub lifecycle: Option<String>,
    pub name: String,
    /// Names of the enabled rules that watch it, in rule order, each once.
    pub covered_by: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub covered: usize,
    pub total: usize,
    /// Covered signals in percent of all, rounded to one decimal; 100 when there are none.
    pub percent: f64,
}

/// The coverage report: `{"signals": […], "summary": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub signals: Vec<Signal>,
    pub summary: Summary,
}

impl Coverage {
    /// Whether coverage is below `percent` (compared unrounded, so 66.66… is below 66.7).
    pub fn below(&self, percent: f64) -> bool {
        let exact = if self.summary.total == 0 {
            100.0
        } else {
            100.0 * self.summary.covered as f64 / self.summary.total as f64
        };
        exact < percent
    }
}

/// The failure signals of the lifecycles and the catalog, each with the enabled rules that
/// watch it.
pub fn coverage(rules: &[AlertRule], catalog: &Catalog, lifecycles: &Lifecycles) -> Coverage {
    let enabled: Vec<&AlertRule> = rules
        .iter()
        .filter(|r| r.enabled.as_ref().is_none_or(|e| e.value))
        .collect();
    let filters: Vec<Vec<StateFilter>> = enabled.iter().map(|r| log_filters(r)).collect();
    let mut signals = Vec::new();
    for spec in &lifecycles.specs {
        for failure in &spec.failures {
            let metric = failure.metric.as_deref().and_then(|m| catalog.metric(m));
            let covered_by = names(enabled.iter().zip(&filters).filter(|(rule, f)| {
                metric.is_some_and(|m| metric_criteria(rule, catalog).any(|(i, _)| i == m))
                    || watches_state(f, spec, &failure.state)
            }));
            signals.push(Signal {
                kind: SignalKind::State,
                lifecycle: Some(spec.name.clone()),
                name: failure.state.clone(),
                covered_by,
            });
        }
        for (state, limit) in &spec.max_dwell {
            let covered_by = names(
                enabled
                    .iter()
                    .zip(&filters)
                    .filter(|(_, f)| watches_state(f, spec, &state.name)),
            );
            signals.push(Signal {
                kind: SignalKind::State,
                lifecycle: Some(spec.name.clone()),
                name: format!("{} longer than {}", state.name, limit.iso()),
                covered_by,
            });
        }
    }
    // Metric signals, in catalog order, one per signal name.
    let mut seen: Vec<String> = Vec::new();
    for m in &catalog.metrics {
        let Some(signal) = &m.signal else { continue };
        if seen.iter().any(|s| s.eq_ignore_ascii_case(&signal.name)) {
            continue;
        }
        seen.push(signal.name.clone());
        let covered_by = names(enabled.iter().zip(&filters).filter(|(rule, _)| {
            metric_criteria(rule, catalog).any(|(i, c)| {
                catalog.metrics[i]
                    .signal
                    .as_ref()
                    .is_some_and(|s| s.name.eq_ignore_ascii_case(&signal.name))
                    && keeps(c, signal)
            })
        }));
        signals.push(Signal {
            kind: SignalKind::Metric,
            lifecycle: None,
            name: signal.name.clone(),
            covered_by,
        });
    }
    let covered = signals.iter().filter(|s| !s.covered_by.is_empty()).count();
    let total = signals.len();
    let percent = if total == 0 {
        100.0
    } else {
        (1000.0 * covered as f64 / total as f64).round() / 10.0
    };
    Coverage {
        signals,
        summary: Summary {
            covered,
            total,
            percent,
        },
    }
}

fn names<'a, T>(rules: impl Iterator<Item = (&'a &'a AlertRule, T)>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (rule, _) in rules {
        let name = rule.display_name().to_string();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The catalog metric of each criterion of a metric rule, found in the criterion's namespace,
/// else the rule's target, else (target unknown) any namespace.
fn metric_criteria<'r>(
    rule: &'r AlertRule,
    catalog: &'r Catalog,
) -> impl Iterator<Item = (usize, &'r Criterion)> + 'r {
    let target = match &rule.target {
        Target::Unstated => Some(catalog.namespace.as_str()),
        Target::Type(t) => Some(t.value.as_str()),
        Target::Unresolved(_) => None,
    };
    rule.criteria.iter().filter_map(move |c| {
        let ns = c
            .namespace
            .as_ref()
            .and_then(|n| catalog.namespace_named(&n.value))
            .or(target);
        let name = c.metric.value.as_str();
        let found = match ns {
            Some(ns) => catalog.metric_in(ns, name),
            None => catalog
                .namespaces()
                .into_iter()
                .find_map(|ns| catalog.metric_in(ns, name)),
        };
        found.map(|i| (i, c))
    })
}

/// Whether a criterion keeps the series a signal is about: always when the signal has no
/// dimension; otherwise only when the criterion filters that dimension to keep one of the
/// signal's values (a rule on all requests watches traffic, not 5xx responses).
fn keeps(c: &Criterion, signal: &FailureSignal) -> bool {
    let Some(dim) = &signal.dimension else {
        return true;
    };
    c.dimensions
        .iter()
        .filter(|d| d.name.value.eq_ignore_ascii_case(dim))
        .any(|d| signal.values.iter().any(|v| filter_keeps(d, v)))
}

/// Whether a dimension filter lets the series with dimension value `value` through.
pub fn filter_keeps(d: &DimensionFilter, value: &str) -> bool {
    let matches = |pattern: &str| pattern == "*" || pattern.eq_ignore_ascii_case(value);
    match d.operator.as_ref().map(|o| o.value) {
        None | Some(DimensionOperator::Include) => d.values.iter().any(|v| matches(&v.value)),
        Some(DimensionOperator::Exclude) => !d.values.iter().any(|v| matches(&v.value)),
        Some(DimensionOperator::StartsWith) => d.values.iter().any(|v| {
            value
                .to_ascii_lowercase()
                .starts_with(&v.value.to_ascii_lowercase())
        }),
    }
}

/// The state filters of a log rule's queries and of its criteria's dimension filters.
fn log_filters(rule: &AlertRule) -> Vec<StateFilter> {
    let Some(log) = &rule.log else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for c in &log.criteria {
        let Some(q) = &c.query else { continue };
        let mut found = state_filters(&q.text);
        // `dimensions: [{name: Status, operator: Include, values: [Failed]}]` on the result
        // filters as a where-clause would, on every table the query reads.
        let tables: Vec<String> = found
            .iter()
            .map(|f| f.table.clone())
            .chain(query::tables(&q.text))
            .collect();
        for d in &c.dimensions {
            if matches!(
                d.operator.as_ref().map(|o| o.value),
                Some(DimensionOperator::Exclude)
            ) {
                continue;
            }
            for v in &d.values {
                for t in &tables {
                    found.push(StateFilter {
                        table: t.clone(),
                        field: d.name.value.clone(),
                        value: v.value.clone(),
                        exact: false,
                    });
                }
            }
        }
        out.extend(found);
    }
    out
}

/// Whether any filter selects `state` of `spec`: on one of its tables, its state field equal
/// to the state, or its agreement field equal to a value that implies the state.
fn watches_state(filters: &[StateFilter], spec: &LifecycleSpec, state: &str) -> bool {
    filters.iter().any(|f| {
        if !spec
            .categories
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&f.table))
        {
            return false;
        }
        let same = |a: &str, b: &str| {
            if f.exact {
                a == b
            } else {
                a.eq_ignore_ascii_case(b)
            }
        };
        if f.field.eq_ignore_ascii_case(&spec.state) && same(&f.value, state) {
            return true;
        }
        spec.agree.as_ref().is_some_and(|agree| {
            f.field.eq_ignore_ascii_case(&agree.field)
                && agree
                    .pairs
                    .iter()
                    .any(|(value, implied)| same(&f.value, value) && implied == state)
        })
    })
}

#[cfg(test)]
mod tests;
