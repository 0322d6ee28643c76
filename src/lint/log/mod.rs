//! The checks of log alert rules (`scheduledQueryRules`): each criterion's KQL against the
//! table schemas, the columns the rule reads from the query's result, and the schedule limits
//! Azure puts on log alerts. Metric checks never run on a log rule, nor these on a metric rule.

mod criterion;
mod facts;
mod schedule;

use crate::kql::Schemas;
use crate::model::LogRule;

use super::RuleContext;

/// Runs every log check over one log rule.
pub(super) fn check(ctx: &mut RuleContext, log: &LogRule, schemas: &Schemas) {
    super::schedule::severity(ctx, facts::TEMPLATE_REFERENCE);
    schedule::check(ctx, log);
    for c in &log.criteria {
        criterion::check(ctx, c, schemas);
        schedule::lookback(ctx, log, c);
    }
}
