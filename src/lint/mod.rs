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

use std::sync::OnceLock;

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::kql::Schemas;
use crate::model::{AlertRule, Criterion};
use crate::registry::CheckInfo;
use crate::source::Span;

/// Runs every check over a set of rules (the rules of every file of one run, so that
/// cross-file checks such as duplicate names see them all).
pub fn check_rules(catalog: &Catalog, rules: &[AlertRule]) -> Vec<Finding> {
    let schemas = OnceLock::new();
    let mut checked = Checked::default();
    for rule in rules {
        checked.rule(catalog, &schemas, rule);
    }
    checked.finish(catalog)
}

/// The checks of rules taken one at a time, in the run's order, so that a rule can be dropped
/// as soon as it is checked: the findings so far, and what the checks across rules (duplicate
/// names, inverted percentile thresholds) need to remember of each rule. Parts checked apart
/// (on other threads) are joined with [`Checked::append`] in the order of their rules.
#[derive(Debug, Default)]
pub struct Checked<'c> {
    pub findings: Vec<Finding>,
    /// Rules checked.
    pub rules: usize,
    names: Vec<names::Name>,
    bounds: Vec<percentiles::Bound<'c>>,
}

impl<'c> Checked<'c> {
    /// Runs the checks of one rule. `schemas` is built from the catalog by the first log alert.
    pub fn rule(&mut self, catalog: &'c Catalog, schemas: &OnceLock<Schemas>, rule: &AlertRule) {
        self.rules += 1;
        self.names.extend(names::Name::of(rule));
        let out = &mut self.findings;
        if let Some(l) = &rule.log {
            let schemas = schemas.get_or_init(|| Schemas::from_catalog(catalog));
            let mut ctx = RuleContext {
                catalog,
                rule,
                namespace: &catalog.namespace,
                out,
            };
            log::check(&mut ctx, l, schemas);
            return;
        }
        let namespace = match target::decide(catalog, rule, out) {
            target::Checked::Namespace(ns) => Some(ns),
            target::Checked::ScheduleOnly => None,
            target::Checked::Nothing => return,
        };
        let mut ctx = RuleContext {
            catalog,
            rule,
            namespace: namespace.unwrap_or(&catalog.namespace),
            out,
        };
        schedule::check(&mut ctx);
        if namespace.is_none() {
            return;
        }
        for criterion in &rule.criteria {
            let metric = metric::check(&mut ctx, criterion);
            dimension::check(&mut ctx, criterion, metric);
            threshold::check(&mut ctx, criterion, metric);
            if let Some(m) = metric
                && let Some(bound) = percentiles::Bound::of(catalog, rule, criterion, m)
            {
                self.bounds.push(bound);
            }
        }
    }

    /// Adds the rules checked after these.
    pub fn append(&mut self, mut later: Checked<'c>) {
        self.rules += later.rules;
        self.findings.append(&mut later.findings);
        self.names.append(&mut later.names);
        self.bounds.append(&mut later.bounds);
    }

    /// Runs the checks across rules, and gives every finding.
    pub fn finish(mut self, catalog: &Catalog) -> Vec<Finding> {
        percentiles::check(catalog, &self.bounds, &mut self.findings);
        names::check(&self.names, &mut self.findings);
        self.findings
    }
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
