//! Log alert rules (Azure's `Microsoft.Insights/scheduledQueryRules`): the parts a metric rule
//! does not have. The fields a log rule shares with a metric rule (name, description, severity,
//! enabled, evaluation frequency as `frequency`, window size as `window`, auto-mitigation, the
//! target) stay on [`super::AlertRule`].
//!
//! Facts: "Scheduled Query Rules - Create Or Update" in the Azure REST API reference
//! (<https://learn.microsoft.com/rest/api/monitor/scheduled-query-rules/create-or-update>),
//! API versions 2021-08-01 and 2023-03-15-preview.

use super::metric::DimensionFilter;
use super::{Sp, SpanMap};
use crate::duration::Duration;
use crate::source::Span;
use crate::vocab::{Aggregation, Operator};

/// The `kind` of a scheduled query rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogRuleKind {
    /// `LogAlert`: fires on the query's (aggregated) result.
    LogAlert,
    /// `LogToMetric`: turns the query into a metric (`metricName`); it never fires itself.
    LogToMetric,
    /// `SimpleLogAlert` (newer API versions): fires per returned row.
    SimpleLogAlert,
}

impl LogRuleKind {
    pub const ALL: [LogRuleKind; 3] = [
        LogRuleKind::LogAlert,
        LogRuleKind::LogToMetric,
        LogRuleKind::SimpleLogAlert,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LogRuleKind::LogAlert => "LogAlert",
            LogRuleKind::LogToMetric => "LogToMetric",
            LogRuleKind::SimpleLogAlert => "SimpleLogAlert",
        }
    }
}

/// What only a log alert rule has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogRule {
    /// `kind`; `None` when the source does not say (ARM's default is `LogAlert`).
    pub kind: Option<Sp<LogRuleKind>>,
    /// `overrideQueryTimeRange`: the look-back when it is not window × periods.
    pub override_query_time_range: Option<Sp<Duration>>,
    /// `muteActionsDuration`.
    pub mute_actions_duration: Option<Sp<Duration>>,
    /// `skipQueryValidation`.
    pub skip_query_validation: Option<Sp<bool>>,
    /// `targetResourceTypes`, as written.
    pub target_resource_types: Vec<Sp<String>>,
    /// `scopes`, as written (resource IDs or expressions).
    pub scopes: Vec<Sp<String>>,
    /// `criteria.allOf`.
    pub criteria: Vec<LogCriterion>,
}

/// One entry of a log rule's `criteria.allOf`. A field that could not be read (already
/// reported by the reader) is `None`, and every check that does not need it still runs.
#[derive(Debug, Clone, PartialEq)]
pub struct LogCriterion {
    pub span: Span,
    pub query: Option<Query>,
    /// `timeAggregation`.
    pub time_aggregation: Option<Sp<Aggregation>>,
    /// `metricMeasureColumn`.
    pub metric_measure_column: Option<Sp<String>>,
    /// `resourceIdColumn`.
    pub resource_id_column: Option<Sp<String>>,
    /// `dimensions`: split (Include `*`) or filter the query's result by these columns.
    pub dimensions: Vec<DimensionFilter>,
    pub operator: Option<Sp<Operator>>,
    /// The operator as the source spelt it (`Equals`, `Equal`, `>`…), for checks on the
    /// spelling a format expects.
    pub operator_text: Option<Sp<String>>,
    pub threshold: Option<Sp<f64>>,
    pub failing_periods: Option<FailingPeriods>,
    /// `metricName` (LogToMetric rules).
    pub metric_name: Option<Sp<String>>,
}

impl LogCriterion {
    /// A criterion with no fields set yet.
    pub fn new(span: Span) -> Self {
        LogCriterion {
            span,
            query: None,
            time_aggregation: None,
            metric_measure_column: None,
            resource_id_column: None,
            dimensions: Vec::new(),
            operator: None,
            operator_text: None,
            threshold: None,
            failing_periods: None,
            metric_name: None,
        }
    }
}

/// The KQL of a criterion: its text as Azure receives it (escapes decoded, placeholders
/// substituted) and where each of its characters sits in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub text: String,
    pub map: SpanMap,
    /// The span of the whole query expression in the file (the string literal, heredoc or
    /// argument it was read from).
    pub span: Span,
}

/// `failingPeriods`: how many of the last evaluations must breach before the rule fires.
#[derive(Debug, Clone, PartialEq)]
pub struct FailingPeriods {
    pub span: Span,
    /// `numberOfEvaluationPeriods`.
    pub evaluation_periods: Option<Sp<i64>>,
    /// `minFailingPeriodsToAlert`.
    pub min_failing_periods: Option<Sp<i64>>,
}
