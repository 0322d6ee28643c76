//! The lint checks: each module holds one family of checks over the [`AlertRule`] model, and
//! reads every Azure fact from the [`Catalog`]; no metric or dimension name appears here.

mod dimension;
mod log;
mod metric;
mod names;
mod percentiles;
mod schedule;
mod target;
mod threshold;

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::kql::Schemas;
use crate::model::{AlertRule, Criterion};
use crate::registry::CheckInfo;
use crate::source::Span;

/// Runs every check over a set of rules (the rules of every file of one run, so that
/// cross-file checks such as duplicate names see them all).
pub fn check_rules(catalog: &Catalog, rules: &[AlertRule]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut bounds = Vec::new();
    let mut schemas: Option<Schemas> = None;
    for rule in rules {
        if let Some(l) = &rule.log {
            let schemas = schemas.get_or_insert_with(|| Schemas::from_catalog(catalog));
            let mut ctx = RuleContext {
                catalog,
                rule,
                namespace: &catalog.namespace,
                out: &mut out,
            };
            log::check(&mut ctx, l, schemas);
            continue;
        }
        let namespace = match target::decide(catalog, rule, &mut out) {
            target::Checked::Namespace(ns) => Some(ns),
            target::Checked::ScheduleOnly => None,
            target::Checked::Nothing => continue,
        };
        let mut ctx = RuleContext {
            catalog,
            rule,
            namespace: namespace.unwrap_or(&catalog.namespace),
            out: &mut out,
        };
        schedule::check(&mut ctx);
        if namespace.is_none() {
            continue;
        }
        for criterion in &rule.criteria {
            let metric = metric::check(&mut ctx, criterion);
            dimension::check(&mut ctx, criterion, metric);
            threshold::check(&mut ctx, criterion, metric);
            if let Some(m) = metric
                && percentiles::is_bound(catalog, criterion, m)
            {
                bounds.push(percentiles::Bound {
                    rule,
                    criterion,
                    metric: m,
                    namespace: catalog.metrics[m].namespace.as_str(),
                });
            }
        }
    }
    percentiles::check(catalog, &bounds, &mut out);
    names::check(rules, &mut out);
    out
}

/// What a check of one rule can see, and where it reports.
pub(crate) struct RuleContext<'a> {
    pub catalog: &'a Catalog,
    pub rule: &'a AlertRule,
    /// The catalog namespace the rule's target resolves to.
    pub namespace: &'a str,
    pub out: &'a mut Vec<Finding>,
}

impl RuleContext<'_> {
    /// A finding in this rule's file.
    pub fn at(&self, check: &'static CheckInfo, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(check, self.rule.file, span, message)
    }

    pub fn push(&mut self, f: Finding) {
        self.out.push(f);
    }
}

/// The metric name as the criterion wrote it, for messages.
pub(crate) fn metric_label(c: &Criterion) -> &str {
    &c.metric.value
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn english_list<S: AsRef<str>>(items: &[S]) -> String {
    joined(items, "and")
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn either<S: AsRef<str>>(items: &[S]) -> String {
    joined(items, "or")
}

fn joined<S: AsRef<str>>(items: &[S], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} {conjunction} {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(english_list::<&str>(&[]), "");
        assert_eq!(english_list(&["a"]), "a");
        assert_eq!(english_list(&["a", "b"]), "a and b");
        assert_eq!(english_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(either(&["a"]), "a");
        assert_eq!(either(&["a", "b"]), "a or b");
        assert_eq!(either(&["a", "b", "c", "d"]), "a, b, c or d");
    }
}
