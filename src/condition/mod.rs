//! The az CLI metric-alert condition language (`az monitor metrics alert create --condition`):
//! its AST, a nom parser, a canonical printer, and the conversion to the rule model's
//! [`Criterion`], so every lint check applies to conditions too.
//!
//! ```text
//! avg GpuUtilization < 10 where RunId includes * and DeviceId excludes 0
//! total "Failed Runs" > 0 where RunType includes Experiment or PipelineRun
//! avg CpuUtilization > dynamic medium 2 of 4 since 2026-01-01T00:00:00Z
//! ```
//!
//! The normative grammar is `grammar/condition.ebnf`.

pub mod embed;
pub mod log;
mod parse;
mod print;

use crate::model::{Criterion, DimensionFilter, DynamicThreshold, Threshold};
use crate::schema::Sp;
use crate::source::Span;
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};

pub use parse::{ParseError, parse};
pub use print::print;

/// A value and the span (in the condition text) it was read from. Equality ignores the span,
/// so that a parsed condition compares equal to the one it was printed from.
#[derive(Debug, Clone, Copy)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for At<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> At<T> {
    pub fn new(value: T, span: Span) -> Self {
        At { value, span }
    }
}

/// A parsed condition. Text fields borrow from the condition string.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition<'a> {
    pub aggregation: At<Aggregation>,
    /// The metric namespace written before the metric (`ns.Metric`), if any.
    pub namespace: Option<At<&'a str>>,
    /// The metric name, without quotes.
    pub metric: At<&'a str>,
    pub operator: At<Operator>,
    pub threshold: ConditionThreshold<'a>,
    pub dimensions: Vec<ConditionDimension<'a>>,
    /// `with skipmetricvalidation`.
    pub skip_metric_validation: Option<At<()>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConditionThreshold<'a> {
    Static(At<f64>),
    /// `dynamic SENSITIVITY VIOLATIONS of WINDOWS [since DATETIME]`.
    Dynamic {
        span: At<()>,
        sensitivity: At<Sensitivity>,
        violations: At<u32>,
        windows: At<u32>,
        since: Option<At<&'a str>>,
    },
}

/// `NAME includes|excludes V [or V]…`
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionDimension<'a> {
    pub name: At<&'a str>,
    pub operator: At<DimensionOperator>,
    pub values: Vec<At<&'a str>>,
}

/// The model's filter for `NAME includes|excludes V [or V]…` (in a metric or a log
/// condition), its span from the name to the last value, every span moved through `map`.
pub(crate) fn dimension_filter<S: AsRef<str>>(
    name: &At<S>,
    operator: &At<DimensionOperator>,
    values: &[At<S>],
    map: &dyn Fn(Span) -> Span,
) -> DimensionFilter {
    let text = |a: &At<S>| Sp::new(a.value.as_ref().to_string(), map(a.span));
    DimensionFilter {
        span: map(Span::new(
            name.span.start,
            values.last().map_or(operator.span.end, |v| v.span.end),
        )),
        name: text(name),
        operator: Some(Sp::new(operator.value, map(operator.span))),
        values: values.iter().map(text).collect(),
    }
}

impl Condition<'_> {
    /// The criterion this condition stands for, with every span moved into the file through
    /// `map` (a span of the condition text → a span of the file) and `whole` as the
    /// criterion's span.
    pub fn to_criterion(&self, whole: Span, map: &dyn Fn(Span) -> Span) -> Criterion {
        let m = map;
        let text = |a: &At<&str>| Sp::new(a.value.to_string(), m(a.span));
        let threshold = match &self.threshold {
            ConditionThreshold::Static(t) => Threshold::Static(Sp::new(t.value, m(t.span))),
            ConditionThreshold::Dynamic {
                span,
                sensitivity,
                violations,
                windows,
                since,
            } => Threshold::Dynamic(DynamicThreshold {
                span: m(span.span),
                sensitivity: Some(Sp::new(sensitivity.value, m(sensitivity.span))),
                evaluation_periods: Some(Sp::new(i64::from(windows.value), m(windows.span))),
                min_failing_periods: Some(Sp::new(i64::from(violations.value), m(violations.span))),
                ignore_data_before: since.as_ref().map(text),
            }),
        };
        Criterion {
            span: whole,
            metric: text(&self.metric),
            namespace: self.namespace.as_ref().map(text),
            aggregation: Some(Sp::new(self.aggregation.value, m(self.aggregation.span))),
            operator: Some(Sp::new(self.operator.value, m(self.operator.span))),
            threshold: Some(threshold),
            dimensions: self
                .dimensions
                .iter()
                .map(|d| dimension_filter(&d.name, &d.operator, &d.values, m))
                .collect(),
            skip_metric_validation: self
                .skip_metric_validation
                .map(|s| Sp::new(true, m(s.span))),
        }
    }
}

#[cfg(test)]
mod tests;
