//! Would this rule have fired? The metric-alert evaluator: one rule, metric data at 1-minute
//! grain ([`SeriesSet`]), a [`Schedule`] of evaluation times → the alerts Azure Monitor would
//! have raised, each with when it fired, when it resolved, its series and values. A library
//! with no CLI: `amlguard backtest` and rule unit tests both run on it.
//!
//! The semantics, and the public pages they come from, are documented in [`engine`].

pub mod engine;
pub mod series;

pub use engine::{
    Alert, CLEAN_EVALUATIONS_TO_RESOLVE, CriterionValue, DEFAULT_FREQUENCY, DEFAULT_WINDOW,
    Evaluation, NotEvaluated, Schedule, Trace, aggregate, evaluate,
};
pub use series::{
    Dims, EVIDENCE_PER_POINT, Evidence, MetricData, Minute, Point, Series, SeriesSet,
    minute_of_micros, rfc3339, same_dimension,
};

#[cfg(test)]
mod tests;
