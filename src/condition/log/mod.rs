//! The az CLI log-alert condition language (`az monitor scheduled-query create --condition`):
//! its AST, a parser, a canonical printer, and the conversion to the rule model's
//! [`LogCriterion`].
//!
//! ```text
//! count 'Placeholder_1' > 0 resource id _ResourceId at least 1 violations out of 5 aggregated points
//! avg "Failed" from 'Placeholder_1' >= 2 where ClusterName includes gpu or cpu
//! ```
//!
//! The grammar is `grammar/log-condition.ebnf`, restated from ScheduleQueryCondition.g4 of the
//! Azure CLI's scheduled-query extension
//! (<https://github.com/Azure/azure-cli-extensions/tree/main/src/scheduled-query>) and the
//! command's reference (<https://learn.microsoft.com/cli/azure/monitor/scheduled-query>).

mod parse;
mod print;

use super::At;
use crate::model::{FailingPeriods, LogCriterion, Query};
use crate::schema::Sp;
use crate::source::Span;
use crate::vocab::{Aggregation, DimensionOperator, Operator};

pub use parse::parse;
pub use print::print;

/// A parsed log condition.
#[derive(Debug, Clone, PartialEq)]
pub struct LogCondition {
    pub aggregation: At<Aggregation>,
    /// `"COLUMN" from`: the metric measure column.
    pub measure: Option<At<String>>,
    /// The quoted query: a placeholder that `--condition-query` defines, or the KQL itself,
    /// its escapes (`\'`, `\"`, `\\`) decoded. Its span is inside the quotes.
    pub query: At<String>,
    /// Where each byte of `query` (and its end) is in the condition text.
    pub query_offsets: Offsets,
    pub operator: At<Operator>,
    pub threshold: At<f64>,
    /// `resource id COLUMN`.
    pub resource_id: Option<At<String>>,
    pub dimensions: Vec<LogDimension>,
    /// `at least N violations out of M aggregated points`.
    pub failing: Option<Failing>,
}

/// Offsets into the condition text; equal whatever they hold, so that a parsed condition
/// compares equal to the one it was printed from.
#[derive(Debug, Clone, Default)]
pub struct Offsets(pub Vec<usize>);

impl PartialEq for Offsets {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// `NAME includes|excludes V [or V]…`
#[derive(Debug, Clone, PartialEq)]
pub struct LogDimension {
    pub name: At<String>,
    pub operator: At<DimensionOperator>,
    pub values: Vec<At<String>>,
}

/// `at least VIOLATIONS violations out of POINTS aggregated points`.
#[derive(Debug, Clone, PartialEq)]
pub struct Failing {
    pub span: At<()>,
    pub violations: At<u32>,
    pub points: At<u32>,
}

impl LogCondition {
    /// The criterion this condition stands for, every span moved into the file through `map`
    /// (a span of the condition text → a span of the file), `whole` as its span and `query` as
    /// its query (resolved by the caller from the placeholder).
    pub fn to_criterion(
        &self,
        whole: Span,
        map: &dyn Fn(Span) -> Span,
        query: Option<Query>,
    ) -> LogCriterion {
        let m = map;
        let text = |a: &At<String>| Sp::new(a.value.clone(), m(a.span));
        let mut c = LogCriterion::new(whole);
        c.query = query;
        c.time_aggregation = Some(Sp::new(self.aggregation.value, m(self.aggregation.span)));
        c.metric_measure_column = self.measure.as_ref().map(text);
        c.resource_id_column = self.resource_id.as_ref().map(text);
        c.operator = Some(Sp::new(self.operator.value, m(self.operator.span)));
        c.operator_text = Some(Sp::new(
            self.operator.value.symbol().to_string(),
            m(self.operator.span),
        ));
        c.threshold = Some(Sp::new(self.threshold.value, m(self.threshold.span)));
        c.dimensions = self
            .dimensions
            .iter()
            .map(|d| super::dimension_filter(&d.name, &d.operator, &d.values, m))
            .collect();
        c.failing_periods = self.failing.as_ref().map(|f| FailingPeriods {
            span: m(f.span.span),
            evaluation_periods: Some(Sp::new(i64::from(f.points.value), m(f.points.span))),
            min_failing_periods: Some(Sp::new(i64::from(f.violations.value), m(f.violations.span))),
        });
        c
    }
}

#[cfg(test)]
mod tests;
