//! Metric criteria (Azure's `MetricCriteria` and `DynamicMetricCriteria`).

use super::Sp;
use crate::source::Span;
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};

/// One metric criterion of a rule. A field that could not be read (already reported by the
/// reader) is `None`, and every check that does not need it still runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub span: Span,
    pub metric: Sp<String>,
    pub namespace: Option<Sp<String>>,
    pub aggregation: Option<Sp<Aggregation>>,
    pub operator: Option<Sp<Operator>>,
    pub threshold: Option<Threshold>,
    pub dimensions: Vec<DimensionFilter>,
    pub skip_metric_validation: Option<Sp<bool>>,
}

/// A static number or a dynamic (machine-learned) threshold.
#[derive(Debug, Clone, PartialEq)]
pub enum Threshold {
    Static(Sp<f64>),
    Dynamic(DynamicThreshold),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DynamicThreshold {
    pub span: Span,
    pub sensitivity: Option<Sp<Sensitivity>>,
    /// `numberOfEvaluationPeriods`.
    pub evaluation_periods: Option<Sp<i64>>,
    /// `minFailingPeriodsToAlert`.
    pub min_failing_periods: Option<Sp<i64>>,
    pub ignore_data_before: Option<Sp<String>>,
}

/// `{name, operator, values}` on one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionFilter {
    pub span: Span,
    pub name: Sp<String>,
    /// `None` when it could not be read (already reported): the name and values are still
    /// checked.
    pub operator: Option<Sp<DimensionOperator>>,
    pub values: Vec<Sp<String>>,
}
