//! Log alert rules in the YAML rule format: a rule whose criteria carry a `query:` is a log
//! alert (`scheduledQueryRules`). Its keys read like the metric ones:
//!
//! ```yaml
//! rules:
//!   - name: failed-jobs
//!     severity: 2
//!     frequency: PT5M
//!     window: PT15M
//!     auto-mitigate: false
//!     mute-actions: PT1H
//!     criteria:
//!       - query: |
//!           AmlComputeJobEvent
//!           | where EventType == "JobFailed"
//!           | summarize Failed = count() by ClusterName, bin(TimeGenerated, 15m)
//!         aggregation: Total
//!         measure-column: Failed
//!         operator: GreaterThan
//!         threshold: 0
//!         dimensions:
//!           - {name: ClusterName, values: ["*"]}
//!         failing-periods: {evaluation-periods: 1, min-failing-periods: 1}
//! ```
//!
//! The query keeps exact spans whatever its YAML style (plain, quoted, `|` or `>` block), so a
//! finding inside it points at the character in the file.

use crate::finding::Sink;
#[cfg(test)]
use crate::model::SpanMap;
use crate::model::{FailingPeriods, LogCriterion, LogRule, LogRuleKind, Query};
use crate::registry;
use crate::schema::{self, MapReader};
use crate::source::Span;
use crate::vocab::{Aggregation, Operator};
use crate::yaml::{Node, Value};

use super::yaml::{ALIASES, duration, keyword, read_dimension};

/// The rule keys only a log rule has.
pub(super) const LOG_RULE_KEYS: &[&str] = &[
    "kind",
    "override-query-time-range",
    "mute-actions",
    "skip-query-validation",
    "target-resource-types",
];

pub(super) const LOG_CRITERION_KEYS: &[&str] = &[
    "query",
    "aggregation",
    "measure-column",
    "resource-id-column",
    "operator",
    "threshold",
    "dimensions",
    "failing-periods",
    "metric-name",
];

const FAILING_PERIODS_KEYS: &[&str] = &["evaluation-periods", "min-failing-periods"];

/// Whether a criterion node is a log criterion (a mapping with `query`).
pub(super) fn is_log_criterion(node: &Node) -> bool {
    matches!(&node.value, Value::Map(entries) if entries.iter().any(|(k, _)| k.name == "query"))
}

/// Whether a rule mapping says it is a log rule by a key only log rules have.
pub(super) fn has_log_keys(node: &Node) -> bool {
    matches!(&node.value, Value::Map(entries)
        if entries.iter().any(|(k, _)| LOG_RULE_KEYS.contains(&k.name.as_str())))
}

/// Reads the rule-level log keys; the criteria are added by the caller.
pub(super) fn read_log_fields(r: &mut MapReader, sink: &mut Sink) -> LogRule {
    let kind = r.get("kind").and_then(|(_, n)| {
        keyword(
            n,
            "log rule kind",
            |s| {
                LogRuleKind::ALL
                    .into_iter()
                    .find(|k| k.as_str().eq_ignore_ascii_case(s))
            },
            LogRuleKind::ALL.map(LogRuleKind::as_str),
            sink,
        )
    });
    let override_query_time_range = r
        .get("override-query-time-range")
        .and_then(|(_, n)| duration(n, "override-query-time-range", sink));
    let mute_actions_duration = r
        .get("mute-actions")
        .and_then(|(_, n)| duration(n, "mute-actions", sink));
    let skip_query_validation = r
        .get("skip-query-validation")
        .and_then(|(_, n)| schema::boolean(n, "skip-query-validation", sink));
    let target_resource_types = r
        .get("target-resource-types")
        .and_then(|(_, n)| schema::string_list(n, "target-resource-types", sink))
        .unwrap_or_default();
    LogRule {
        kind,
        override_query_time_range,
        mute_actions_duration,
        skip_query_validation,
        target_resource_types,
        scopes: Vec::new(),
        criteria: Vec::new(),
    }
}

/// Reads one log criterion. `kind` decides which fields are required.
pub(super) fn read_log_criterion(
    node: &Node,
    text: &str,
    kind: Option<LogRuleKind>,
    sink: &mut Sink,
) -> Option<LogCriterion> {
    let mut r = MapReader::new(node, "a log criterion", sink)?;
    let mut c = LogCriterion::new(node.span);
    let alerting = kind.is_none_or(|k| k == LogRuleKind::LogAlert);
    c.query = r.required("query", sink).and_then(|n| {
        let q = schema::text(n, "query", sink)?;
        if q.value.trim().is_empty() {
            sink.push(
                sink.at(&registry::MISSING_KEY, n.span, "the query is empty")
                    .label("empty query")
                    .help("write the KQL the alert runs"),
            );
            return None;
        }
        let map = super::query_map::map(text, n.span, &q.value);
        // A block scalar's node runs to the next key: the query ends at its last character.
        let raw = text.get(n.span.start..n.span.end).unwrap_or("");
        let span = Span::new(n.span.start, n.span.start + raw.trim_end().len());
        Some(Query {
            text: q.value,
            map,
            span,
        })
    });
    let aggregation = if alerting {
        r.required("aggregation", sink)
    } else {
        r.get("aggregation").map(|(_, n)| n)
    };
    c.time_aggregation = aggregation.and_then(|n| {
        keyword(
            n,
            "aggregation",
            Aggregation::parse,
            Aggregation::spellings(),
            sink,
        )
    });
    c.metric_measure_column = r
        .get("measure-column")
        .and_then(|(_, n)| column(n, text, "measure-column", sink));
    c.resource_id_column = r
        .get("resource-id-column")
        .and_then(|(_, n)| column(n, text, "resource-id-column", sink));
    let operator = if alerting {
        r.required("operator", sink)
    } else {
        r.get("operator").map(|(_, n)| n)
    };
    c.operator = operator.and_then(|n| {
        keyword(
            n,
            "log alert operator",
            Operator::parse_log,
            Operator::log_spellings(),
            sink,
        )
    });
    let threshold = if alerting {
        r.required("threshold", sink)
    } else {
        r.get("threshold").map(|(_, n)| n)
    };
    c.threshold = threshold.and_then(|n| schema::number(n, "threshold", sink));
    if let Some((_, list)) = r.get("dimensions") {
        for item in schema::list(list, "dimensions", false, sink).unwrap_or_default() {
            if let Some(d) = read_dimension(item, sink) {
                c.dimensions.push(d);
            }
        }
    }
    c.failing_periods = r
        .get("failing-periods")
        .and_then(|(_, n)| read_failing_periods(n, sink));
    c.metric_name = r
        .get("metric-name")
        .and_then(|(_, n)| schema::string(n, "metric-name", sink));
    r.finish(LOG_CRITERION_KEYS, ALIASES, sink);
    Some(c)
}

/// A column name as written: a plain scalar that YAML reads as a boolean or a number (`N`,
/// `on`, `1e3`) is the name spelt in the file, not `false` or `1000`.
fn column(
    node: &Node,
    text: &str,
    what: &str,
    sink: &mut Sink,
) -> Option<crate::schema::Sp<String>> {
    match &node.value {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            let raw = text.get(node.span.start..node.span.end)?.trim();
            Some(crate::schema::Sp::new(raw.to_string(), node.span))
        }
        _ => schema::string(node, what, sink),
    }
}

fn read_failing_periods(node: &Node, sink: &mut Sink) -> Option<FailingPeriods> {
    let mut r = MapReader::new(node, "failing periods", sink)?;
    let evaluation_periods = r
        .get("evaluation-periods")
        .and_then(|(_, n)| schema::integer(n, "evaluation-periods", sink));
    let min_failing_periods = r
        .get("min-failing-periods")
        .and_then(|(_, n)| schema::integer(n, "min-failing-periods", sink));
    r.finish(FAILING_PERIODS_KEYS, ALIASES, sink);
    Some(FailingPeriods {
        span: node.span,
        evaluation_periods,
        min_failing_periods,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    /// The query of `rules[0].criteria[0]` and where each character maps.
    fn query_of(text: &str) -> (String, SpanMap) {
        let doc = yaml::parse(text).unwrap().unwrap();
        let Value::Map(top) = &doc.value else {
            panic!()
        };
        let Value::Seq(rules) = &top[0].1.value else {
            panic!()
        };
        let Value::Map(rule) = &rules[0].value else {
            panic!()
        };
        let (_, crit) = rule.iter().find(|(k, _)| k.name == "criteria").unwrap();
        let Value::Seq(items) = &crit.value else {
            panic!()
        };
        let Value::Map(c) = &items[0].value else {
            panic!()
        };
        let (_, q) = c.iter().find(|(k, _)| k.name == "query").unwrap();
        let Value::String(s) = &q.value else { panic!() };
        (s.clone(), crate::rules::query_map::map(text, q.span, s))
    }

    /// The rules of a rule file, and its findings.
    fn rules_of(text: &str) -> crate::rules::yaml::ReadRules {
        crate::rules::yaml::read(text, crate::source::FileId(0))
    }

    fn lands(text: &str, word: &str) {
        let (q, map) = query_of(text);
        let at = q
            .find(word)
            .unwrap_or_else(|| panic!("{word} not in {q:?}"));
        let span = map.map(Span::new(at, at + word.len()));
        assert_eq!(&text[span.start..span.end], word, "in {text:?}");
    }

    #[test]
    fn block_scalars_keep_exact_spans() {
        let text = "rules:\n  - name: a\n    criteria:\n      - query: |\n          AmlComputeJobEvent\n            | where EventType == \"JobFaild\"\n          | count\n";
        lands(text, "\"JobFaild\"");
        lands(text, "AmlComputeJobEvent");
        lands(text, "count");
        let folded = "rules:\n  - name: a\n    criteria:\n      - query: >-\n          AmlComputeJobEvent\n          | where EventType == \"JobFaild\"\n";
        lands(folded, "\"JobFaild\"");
        // The span starts at the content, which may itself start with `|` or `>`.
        let piped = "rules:\n  - name: a\n    criteria:\n      - query: |\n          | where EventType == \"JobFaild\"\n          > 3\n";
        lands(piped, "\"JobFaild\"");
        lands(piped, "3");
    }

    /// A key only log rules have makes a rule a log rule, whose criteria then each need a
    /// query; without one, the same rule is a metric rule.
    #[test]
    fn a_key_only_log_rules_have_makes_a_log_rule() {
        let rule = |extra: &str| {
            format!(
                "rules:\n  - name: a\n    severity: 2\n{extra}    criteria:\n      - metric: Active Cores\n        aggregation: Average\n        operator: GreaterThan\n        threshold: 1\n"
            )
        };
        for key in LOG_RULE_KEYS {
            let value = match *key {
                "kind" => "LogAlert",
                "skip-query-validation" => "true",
                "target-resource-types" => "[Microsoft.MachineLearningServices/workspaces]",
                _ => "PT10M",
            };
            let text = rule(&format!("    {key}: {value}\n"));
            let read = rules_of(&text);
            assert!(read.rules[0].log.is_some(), "{key}");
            let at = text.find("metric: Active Cores").unwrap();
            assert!(
                read.findings.iter().any(|f| f.check.name == "missing-key"
                    && f.message == "a log alert's criterion needs a `query`"
                    && f.span.start == at),
                "{key}: {:?}",
                read.findings
            );
        }
        let read = rules_of(&rule(""));
        assert!(read.rules[0].log.is_none());
    }

    /// A log alert's criterion needs an aggregation, an operator and a threshold; a
    /// log-to-metric one does not. A query's span ends at its last character.
    #[test]
    fn what_a_criterion_needs_follows_the_rule_kind() {
        let rule = |kind: &str| {
            format!(
                "rules:\n  - name: a\n{kind}    criteria:\n      - query: |\n          AmlComputeJobEvent\n          | count\n\n        metric-name: Jobs\n"
            )
        };
        for (kind, missing) in [
            ("", 3),
            ("    kind: LogAlert\n", 3),
            ("    kind: LogToMetric\n", 0),
        ] {
            let text = rule(kind);
            let read = rules_of(&text);
            let named: Vec<&str> = read
                .findings
                .iter()
                .filter(|f| f.check.name == "missing-key")
                .map(|f| f.message.as_str())
                .collect();
            assert_eq!(named.len(), missing, "{kind:?}: {named:?}");
            let q = read.rules[0].log.as_ref().unwrap().criteria[0]
                .query
                .as_ref()
                .unwrap();
            let end = text.find("| count").unwrap() + "| count".len();
            assert_eq!(q.span.end, end, "{kind:?}");
        }
    }

    /// A column named like a number or a boolean in YAML (`measure-column: 1e3`) is the
    /// name as written, not a wrong type.
    #[test]
    fn a_column_named_like_a_number_is_that_name() {
        let text = "rules:\n  - name: a\n    criteria:\n      - query: T | summarize count() by bin(TimeGenerated, 5m)\n        aggregation: Total\n        measure-column: 1e3\n        resource-id-column: true\n        operator: GreaterThan\n        threshold: 1\n";
        let read = rules_of(text);
        assert!(read.findings.is_empty(), "{:?}", read.findings);
        let c = &read.rules[0].log.as_ref().unwrap().criteria[0];
        let measure = c.metric_measure_column.as_ref().unwrap();
        assert_eq!(measure.value, "1e3");
        assert_eq!(&text[measure.span.start..measure.span.end], "1e3");
        assert_eq!(c.resource_id_column.as_ref().unwrap().value, "true");
    }

    #[test]
    fn quoted_scalars_keep_exact_spans() {
        // In a flow collection a continuation line may start at column 1: the line break is
        // the space the fold makes.
        lands(
            "rules: [{name: a, criteria: [{query: \"T\n| where Bee == 1\"}]}]\n",
            "Bee",
        );
        lands(
            "rules: [{name: a, criteria: [{query: T\n| where Bee == 1}]}]\n",
            "Bee",
        );
        lands(
            "rules: [{name: a, criteria: [{query: \"T\n\n| where Bee == 1\"}]}]\n",
            "Bee",
        );
        // An escaped line break joins the lines: what follows it is the next character.
        lands(
            r#"rules:
  - name: a
    criteria:
      - query: "T | where A ==\
          1 | where Bee == 1"
"#,
            "Bee",
        );
        lands(
            "rules:\n  - name: a\n    criteria:\n      - query: \"T | where A == \\\"x\\\" | where Bee == 1\"\n",
            "Bee",
        );
        lands(
            "rules:\n  - name: a\n    criteria:\n      - query: 'T | where A == ''x'' | where Bee == 1'\n",
            "Bee",
        );
        lands(
            "rules:\n  - name: a\n    criteria:\n      - query: T | where A == 'x'\n          | where Bee == 1\n",
            "Bee",
        );
    }
}
