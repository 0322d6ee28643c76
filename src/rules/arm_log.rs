//! `Microsoft.Insights/scheduledQueryRules` in ARM templates (API 2021-08-01,
//! 2023-03-15-preview and later), wherever the template reader finds resources: top level,
//! child resources, nested deployments, policy `deployIfNotExists` deployments. The query keeps
//! exact spans through JSON escapes and through `[variables('q')]`; a query that is an ARM
//! expression the reader does not evaluate (`[concat(…)]`, `[format(…)]`) gets a located note
//! saying it was not checked. Rules of the legacy API (2018-04-16, `source`/`schedule`/`action`)
//! have their query checked and are reported as legacy.
//!
//! Facts: "Scheduled Query Rules - Create Or Update", Azure REST API reference
//! (<https://learn.microsoft.com/rest/api/monitor/scheduled-query-rules/create-or-update>).

use crate::finding::Sink;
use crate::model::{AlertRule, FailingPeriods, LogCriterion, LogRule, LogRuleKind, Query, Target};
use crate::registry;
use crate::schema::{self, Sp};
use crate::vocab::{Aggregation, Operator};
use crate::yaml::{Node, Value};

use super::arm::{Scope, dimensions, get, literal_in_file, resolve, string, typed};
use super::yaml::{duration, keyword};

/// Reads one scheduled query rule resource.
pub(crate) fn log_alert<'a>(
    r: &'a Node,
    scope: &'a Scope<'a>,
    sink: &mut Sink,
) -> Option<AlertRule> {
    let props = get(r, "properties")?;
    // A property set to null (a Bicep parameter `T?` not given) is not set.
    let get = |n: &'a Node, key: &str| get(n, key).filter(|v| !matches!(v.value, Value::Null));
    let name = get(r, "name").and_then(|n| string(n, scope, "name", sink));
    let mut rule = AlertRule::new(sink.file, r.span);
    rule.name = name;
    rule.description =
        get(props, "description").and_then(|n| string(n, scope, "description", sink));
    let int = |key: &str, node: Option<&Node>, sink: &mut Sink| {
        node.and_then(|n| typed(n, scope, key, sink, schema::integer_or_text))
    };
    let boolean = |key: &str, sink: &mut Sink| {
        get(props, key).and_then(|n| typed(n, scope, key, sink, schema::boolean_or_text))
    };
    let dur = |key: &str, sink: &mut Sink| {
        get(props, key).and_then(|n| typed(n, scope, key, sink, duration))
    };
    if get(props, "source").is_some() && get(props, "criteria").is_none() {
        return legacy(r, props, scope, rule, sink);
    }
    rule.severity = int("severity", get(props, "severity"), sink);
    rule.enabled = boolean("enabled", sink);
    rule.auto_mitigate = boolean("autoMitigate", sink);
    rule.frequency = dur("evaluationFrequency", sink);
    rule.window = dur("windowSize", sink);
    let mut log = LogRule {
        kind: get(r, "kind").and_then(|n| {
            let n = resolve(n, scope, "kind", sink)?;
            keyword(
                &n,
                "log rule kind",
                |s| {
                    LogRuleKind::ALL
                        .into_iter()
                        .find(|k| k.as_str().eq_ignore_ascii_case(s))
                },
                LogRuleKind::ALL.map(LogRuleKind::as_str),
                sink,
            )
        }),
        override_query_time_range: dur("overrideQueryTimeRange", sink),
        mute_actions_duration: dur("muteActionsDuration", sink),
        skip_query_validation: boolean("skipQueryValidation", sink),
        target_resource_types: strings(get(props, "targetResourceTypes"), scope, sink),
        scopes: strings(get(props, "scopes"), scope, sink),
        criteria: Vec::new(),
    };
    let kind = log.kind.as_ref().map(|k| k.value);
    if let Some(list) = get(props, "criteria").and_then(|c| get(c, "allOf")) {
        let list = resolve(list, scope, "allOf", sink);
        let items = match &list {
            Some(l) => schema::list(l, "allOf", false, sink).unwrap_or_default(),
            None => Vec::new(),
        };
        // Items of a resolved list are copies: read them in the template when it is literal.
        let literal: Vec<&Node> = match get(props, "criteria")
            .and_then(|c| get(c, "allOf"))
            .map(|l| &l.value)
        {
            Some(Value::Seq(items)) => items.iter().collect(),
            _ => Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            let node = literal.get(i).copied().unwrap_or(item);
            log.criteria.push(criterion(node, scope, kind, sink));
        }
    }
    rule.target = Target::Unstated;
    rule.log = Some(log);
    Some(rule)
}

/// A list of strings (`scopes`, `targetResourceTypes`), each resolved where it can be.
fn strings<'a>(node: Option<&Node>, scope: &'a Scope<'a>, sink: &mut Sink) -> Vec<Sp<String>> {
    let Some(node) = node else { return Vec::new() };
    let Some(list) = resolve(node, scope, "list", sink) else {
        return Vec::new();
    };
    match &list.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| {
                let v = resolve(i, scope, "list item", sink)?;
                match v.value {
                    Value::String(s) => Some(Sp::new(s, i.span)),
                    _ => None,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One entry of `criteria.allOf`; every field is read on its own.
fn criterion<'a>(
    c: &'a Node,
    scope: &'a Scope<'a>,
    kind: Option<LogRuleKind>,
    sink: &mut Sink,
) -> LogCriterion {
    let get = |n: &'a Node, key: &str| get(n, key).filter(|v| !matches!(v.value, Value::Null));
    let field = |key: &str, sink: &mut Sink| get(c, key).and_then(|n| resolve(n, scope, key, sink));
    let mut out = LogCriterion::new(c.span);
    match get(c, "query") {
        Some(q) => out.query = query(q, scope, sink),
        None if kind != Some(LogRuleKind::LogToMetric) => sink.push(
            sink.at(
                &registry::MISSING_KEY,
                c.span,
                "a log alert criterion has no `query`",
            )
            .label("needs `query`"),
        ),
        None => {}
    }
    out.time_aggregation = field("timeAggregation", sink).and_then(|n| {
        keyword(
            &n,
            "aggregation",
            Aggregation::parse,
            Aggregation::spellings(),
            sink,
        )
    });
    out.metric_measure_column = field("metricMeasureColumn", sink)
        .and_then(|n| schema::string(&n, "metricMeasureColumn", sink));
    out.resource_id_column =
        field("resourceIdColumn", sink).and_then(|n| schema::string(&n, "resourceIdColumn", sink));
    if let Some(op) = field("operator", sink)
        && let Some(text) = schema::string(&op, "operator", sink)
    {
        out.operator = keyword(
            &op,
            "log alert operator",
            Operator::parse_log,
            Operator::log_spellings(),
            sink,
        );
        out.operator_text = Some(text);
    }
    out.threshold = get(c, "threshold")
        .and_then(|n| typed(n, scope, "threshold", sink, schema::number_or_text));
    out.dimensions = dimensions(c, scope, sink);
    if let Some(fp) = get(c, "failingPeriods") {
        let count = |key: &str, sink: &mut Sink| {
            get(fp, key).and_then(|n| typed(n, scope, key, sink, schema::integer_or_text))
        };
        out.failing_periods = Some(FailingPeriods {
            span: fp.span,
            evaluation_periods: count("numberOfEvaluationPeriods", sink),
            min_failing_periods: count("minFailingPeriodsToAlert", sink),
        });
    }
    out.metric_name =
        field("metricName", sink).and_then(|n| schema::string(&n, "metricName", sink));
    out
}

/// The query of a criterion, mapped to where its text is written: in the string itself, or in
/// the variable or parameter default it refers to. A query from a parameter file maps to the
/// reference; one that does not resolve has been noted by [`resolve`].
fn query<'a>(q: &'a Node, scope: &'a Scope<'a>, sink: &mut Sink) -> Option<Query> {
    let value = resolve(q, scope, "query", sink)?;
    let text = schema::string(&value, "query", sink)?.value;
    if text.trim().is_empty() {
        sink.push(
            sink.at(&registry::MISSING_KEY, q.span, "the query is empty")
                .label("empty query")
                .help("write the KQL the alert runs"),
        );
        return None;
    }
    let (map, span) = match (literal_in_file(q, scope), scope.text) {
        (Some(lit), Some(file)) => (super::query_map::map(file, lit.span, &text), lit.span),
        _ => (
            super::query_map::collapsed(text.len(), q.span.start),
            q.span,
        ),
    };
    Some(Query { text, map, span })
}

/// A rule of the legacy API (2018-04-16): `source.query`, `schedule` and `action`. Its query is
/// checked; its schedule follows other limits and is not; the rule is reported as legacy.
fn legacy<'a>(
    r: &'a Node,
    props: &'a Node,
    scope: &'a Scope<'a>,
    mut rule: AlertRule,
    sink: &mut Sink,
) -> Option<AlertRule> {
    let source = get(props, "source")?;
    let mut c = LogCriterion::new(source.span);
    if let Some(q) = get(source, "query") {
        c.query = query(q, scope, sink);
    }
    let api = get(r, "apiVersion")
        .and_then(|a| match &a.value {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "2018-04-16".into());
    sink.push(
        sink.at(
            &registry::LEGACY_LOG_ALERT_API,
            get(r, "apiVersion").map_or(r.span, |a| a.span),
            format!(
                "`{}` uses the legacy log alert API ({api}): only its query is checked",
                rule.display_name()
            ),
        )
        .label("legacy scheduledQueryRules API")
        .help("move the rule to API version 2021-08-01 or later (`criteria.allOf` with `query`, `evaluationFrequency`, `windowSize`); see \"Upgrade to the Log Alerts API from the legacy Log Analytics alerts API\"")
        .source("Upgrade to the Log Alerts API from the legacy Log Analytics alerts API (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-log-api-switch)"),
    );
    rule.log = Some(LogRule {
        criteria: vec![c],
        ..LogRule::default()
    });
    Some(rule)
}
