//! The source-agnostic alert-rule model. Every field keeps the span it was read from, so a
//! check can point at it whichever format the rule came from.

pub mod yaml;

use crate::duration::Duration;
use crate::schema::Sp;
use crate::source::{FileId, Span};
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};

/// One metric alert rule (Azure's `Microsoft.Insights/metricAlerts`).
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    pub file: FileId,
    /// The whole rule.
    pub span: Span,
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub severity: Option<Sp<i64>>,
    pub enabled: Option<Sp<bool>>,
    pub frequency: Option<Sp<Duration>>,
    pub window: Option<Sp<Duration>>,
    pub auto_mitigate: Option<Sp<bool>>,
    pub criteria: Vec<Criterion>,
}

impl AlertRule {
    /// The span a rule-level finding points at: its name, or the rule itself.
    pub fn anchor(&self) -> Span {
        self.name.as_ref().map_or(self.span, |n| n.span)
    }

    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or("<unnamed>", |n| n.value.as_str())
    }
}

/// One metric criterion of a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub span: Span,
    pub metric: Sp<String>,
    pub namespace: Option<Sp<String>>,
    pub aggregation: Sp<Aggregation>,
    pub operator: Sp<Operator>,
    pub threshold: Threshold,
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
    pub sensitivity: Sp<Sensitivity>,
    /// `numberOfEvaluationPeriods`.
    pub evaluation_periods: Sp<i64>,
    /// `minFailingPeriodsToAlert`.
    pub min_failing_periods: Sp<i64>,
    pub ignore_data_before: Option<Sp<String>>,
}

/// `{name, operator, values}` on one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionFilter {
    pub span: Span,
    pub name: Sp<String>,
    pub operator: Sp<DimensionOperator>,
    pub values: Vec<Sp<String>>,
}
