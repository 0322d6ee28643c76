//! Terraform log alerts, from source (`.tf`) or a plan: `azurerm_monitor_scheduled_query_rules_alert_v2`
//! read into the log-rule model field by field, and the legacy
//! `azurerm_monitor_scheduled_query_rules_alert`, read as far as it maps and noted as
//! superseded.
//!
//! Facts: the Terraform registry pages of both resources
//! (<https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2>,
//! <https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert>):
//! `auto_mitigation_enabled` defaults to `false` there (ARM's `autoMitigate` to `true`), the
//! v2 operator is spelt `Equal`, and the legacy resource's `frequency` and `time_window` are
//! minutes.

use crate::duration::Duration;
use crate::finding::Sink;
use crate::model::{
    AlertRule, DimensionFilter, FailingPeriods, LogCriterion, LogRule, LogRuleKind, Query,
};
use crate::registry;
use crate::schema::{self, Sp};
use crate::source::Span;
use crate::vocab::{Aggregation, DimensionOperator, Operator};
use crate::yaml::{Node, Value};

use super::arm::get;
use super::target::{Hint, from_hints};
use super::yaml::{duration, keyword};

/// How a reader gets a criterion's query from its `query` node: the source's own decoding
/// (HCL escapes and heredocs, JSON escapes in a plan) with its map into the file.
pub type QueryOf<'q> = dyn FnMut(&Node, &mut Sink) -> Option<Query> + 'q;

/// The value of `key`, unless it is absent or `null` (a plan lists every optional argument that
/// is not set as `null`).
fn field<'a>(v: &'a Node, key: &str) -> Option<&'a Node> {
    get(v, key).filter(|n| !matches!(n.value, Value::Null))
}

/// The operators the Terraform resources take, `Equal` among them; `Equals` (the ARM
/// spelling) is read too, and left to the checks to flag.
fn operator(n: &Node, sink: &mut Sink) -> (Option<Sp<Operator>>, Option<Sp<String>>) {
    let parse = |s: &str| {
        if s.eq_ignore_ascii_case("Equal") {
            Some(Operator::Equals)
        } else {
            Operator::parse(s)
        }
    };
    let spellings = [
        "Equal",
        "GreaterThan",
        "GreaterThanOrEqual",
        "LessThan",
        "LessThanOrEqual",
    ];
    let op = keyword(n, "operator", parse, spellings, sink);
    let text = match &n.value {
        Value::String(s) => Some(Sp::new(s.trim().to_string(), n.span)),
        _ => None,
    };
    (op, text)
}

fn strings(v: &Node, key: &str, sink: &mut Sink) -> Vec<Sp<String>> {
    field(v, key)
        .and_then(|n| schema::string_list(n, key, sink))
        .unwrap_or_default()
}

/// The rule-level fields both resources share.
fn common(r: &Node, v: &Node, sink: &mut Sink) -> AlertRule {
    let mut rule = AlertRule::new(sink.file, r.span);
    rule.name = field(v, "name").and_then(|n| schema::string(n, "name", sink));
    rule.description = field(v, "description").and_then(|n| schema::string(n, "description", sink));
    rule.severity = field(v, "severity").and_then(|n| schema::integer_or_text(n, "severity", sink));
    rule.enabled = field(v, "enabled").and_then(|n| schema::boolean(n, "enabled", sink));
    rule.resource_group = super::terraform::resource_group(v);
    rule
}

/// `azurerm_monitor_scheduled_query_rules_alert_v2`: `r` is `{address, values}` (a plan
/// resource, or a source block in the same shape).
pub(crate) fn alert_v2(r: &Node, query: &mut QueryOf, sink: &mut Sink) -> Option<AlertRule> {
    let v = field(r, "values")?;
    let mut rule = common(r, v, sink);
    // Read for its type only: the model names a rule by `name`.
    if let Some(n) = field(v, "display_name") {
        schema::string(n, "display_name", sink);
    }
    rule.frequency =
        field(v, "evaluation_frequency").and_then(|n| duration(n, "evaluation_frequency", sink));
    rule.window = field(v, "window_duration").and_then(|n| duration(n, "window_duration", sink));
    // Terraform's default is `false` (ARM's is `true`): stated here so that checks see it.
    let anchor = field(r, "address").map_or(r.span, |a| a.span);
    rule.auto_mitigate = match field(v, "auto_mitigation_enabled") {
        Some(n) => schema::boolean(n, "auto_mitigation_enabled", sink),
        None => Some(Sp::new(false, anchor)),
    };
    let target_resource_types = strings(v, "target_resource_types", sink);
    rule.target = from_hints(target_resource_types.iter().cloned().map(Hint::Type));
    let mut log = LogRule {
        kind: Some(Sp::new(LogRuleKind::LogAlert, anchor)),
        override_query_time_range: field(v, "query_time_range_override")
            .and_then(|n| duration(n, "query_time_range_override", sink)),
        mute_actions_duration: field(v, "mute_actions_after_alert_duration")
            .and_then(|n| duration(n, "mute_actions_after_alert_duration", sink)),
        skip_query_validation: field(v, "skip_query_validation")
            .and_then(|n| schema::boolean(n, "skip_query_validation", sink)),
        target_resource_types,
        scopes: strings(v, "scopes", sink),
        criteria: Vec::new(),
    };
    if let Some(Value::Seq(items)) = field(v, "criteria").map(|n| &n.value) {
        for c in items {
            log.criteria.push(criterion_v2(c, query, sink));
        }
    }
    rule.log = Some(log);
    Some(rule)
}

fn criterion_v2(c: &Node, query: &mut QueryOf, sink: &mut Sink) -> LogCriterion {
    let mut out = LogCriterion::new(c.span);
    out.query = field(c, "query").and_then(|n| query(n, sink));
    out.time_aggregation = field(c, "time_aggregation_method").and_then(|n| {
        keyword(
            n,
            "time_aggregation_method",
            Aggregation::parse,
            Aggregation::ALL.map(Aggregation::as_str),
            sink,
        )
    });
    out.metric_measure_column = field(c, "metric_measure_column")
        .and_then(|n| schema::string(n, "metric_measure_column", sink));
    out.resource_id_column =
        field(c, "resource_id_column").and_then(|n| schema::string(n, "resource_id_column", sink));
    if let Some(n) = field(c, "operator") {
        (out.operator, out.operator_text) = operator(n, sink);
    }
    out.threshold =
        field(c, "threshold").and_then(|n| schema::number_or_text(n, "threshold", sink));
    if let Some(Value::Seq(items)) = field(c, "dimension").map(|n| &n.value) {
        out.dimensions = items.iter().filter_map(|d| dimension(d, sink)).collect();
    }
    out.failing_periods = field(c, "failing_periods").map(|f| {
        // One block, or a plan's list of one.
        let f = match &f.value {
            Value::Seq(items) => items.first().unwrap_or(f),
            _ => f,
        };
        FailingPeriods {
            span: f.span,
            evaluation_periods: field(f, "number_of_evaluation_periods")
                .and_then(|n| schema::integer_or_text(n, "number_of_evaluation_periods", sink)),
            min_failing_periods: field(f, "minimum_failing_periods_to_trigger_alert").and_then(
                |n| schema::integer_or_text(n, "minimum_failing_periods_to_trigger_alert", sink),
            ),
        }
    });
    out
}

fn dimension(d: &Node, sink: &mut Sink) -> Option<DimensionFilter> {
    let name = field(d, "name").and_then(|n| schema::string(n, "dimension name", sink))?;
    let operator = match field(d, "operator") {
        Some(n) => keyword(
            n,
            "dimension operator",
            DimensionOperator::parse,
            ["Include", "Exclude"],
            sink,
        ),
        None => None,
    };
    Some(DimensionFilter {
        span: d.span,
        name,
        operator,
        values: strings(d, "values", sink),
    })
}

/// Minutes, as the legacy resource gives `frequency` and `time_window`.
fn minutes(n: &Node, what: &str, sink: &mut Sink) -> Option<Sp<Duration>> {
    let m = schema::integer_or_text(n, what, sink)?;
    match u64::try_from(m.value).ok().and_then(|v| v.checked_mul(60)) {
        Some(s) if s > 0 => Some(Sp::new(Duration(s), m.span)),
        _ => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    m.span,
                    format!("`{what}` must be a positive number of minutes"),
                )
                .label("not a duration"),
            );
            None
        }
    }
}

/// `azurerm_monitor_scheduled_query_rules_alert` (the legacy resource, API 2018-04-16): its
/// query, schedule and trigger, with a warning at the resource type that it is superseded.
pub(crate) fn alert_legacy(
    r: &Node,
    type_span: Span,
    query: &mut QueryOf,
    sink: &mut Sink,
) -> Option<AlertRule> {
    let v = field(r, "values")?;
    sink.push(
        sink.at(
            &registry::LEGACY_LOG_ALERT_API,
            type_span,
            "`azurerm_monitor_scheduled_query_rules_alert` is superseded by `azurerm_monitor_scheduled_query_rules_alert_v2`",
        )
        .label("legacy resource")
        .help(
            "the legacy resource uses an older API (2018-04-16) known to cause problems; move the \
             rule to azurerm_monitor_scheduled_query_rules_alert_v2 (evaluation_frequency, \
             window_duration, criteria { query, time_aggregation_method, operator, threshold })",
        )
        .source(
            "Terraform registry: azurerm_monitor_scheduled_query_rules_alert \
             (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert)",
        ),
    );
    let mut rule = common(r, v, sink);
    rule.frequency = field(v, "frequency").and_then(|n| minutes(n, "frequency", sink));
    rule.window = field(v, "time_window").and_then(|n| minutes(n, "time_window", sink));
    rule.auto_mitigate = field(v, "auto_mitigation_enabled")
        .and_then(|n| schema::boolean(n, "auto_mitigation_enabled", sink));
    let anchor = field(r, "address").map_or(r.span, |a| a.span);
    let mut c = LogCriterion::new(r.span);
    c.query = field(v, "query").and_then(|n| query(n, sink));
    let trigger = field(v, "trigger").map(|t| match &t.value {
        Value::Seq(items) => items.first().unwrap_or(t),
        _ => t,
    });
    if let Some(t) = trigger {
        c.span = t.span;
        if let Some(n) = field(t, "operator") {
            (c.operator, c.operator_text) = operator(n, sink);
        }
        c.threshold =
            field(t, "threshold").and_then(|n| schema::number_or_text(n, "threshold", sink));
        let metric = field(t, "metric_trigger").map(|m| match &m.value {
            Value::Seq(items) => items.first().unwrap_or(m),
            _ => m,
        });
        // A metric measurement rule splits the result by `metric_column`: in the v2 model, a
        // dimension on that column.
        if let Some(col) = metric
            .and_then(|m| field(m, "metric_column"))
            .and_then(|n| schema::string(n, "metric_column", sink))
        {
            c.dimensions.push(DimensionFilter {
                span: col.span,
                name: col.clone(),
                operator: Some(Sp::new(DimensionOperator::Include, col.span)),
                values: vec![Sp::new("*".to_string(), col.span)],
            });
        }
    }
    let scopes = strings(v, "authorized_resource_ids", sink);
    let mut all_scopes = Vec::new();
    if let Some(s) = field(v, "data_source_id").and_then(|n| match &n.value {
        Value::String(_) => schema::string(n, "data_source_id", sink),
        _ => None,
    }) {
        all_scopes.push(s);
    }
    all_scopes.extend(scopes);
    rule.log = Some(LogRule {
        kind: Some(Sp::new(LogRuleKind::LogAlert, anchor)),
        scopes: all_scopes,
        criteria: vec![c],
        ..LogRule::default()
    });
    Some(rule)
}

#[cfg(test)]
mod tests {
    use crate::finding::Sink;
    use crate::model::{AlertRule, LogRuleKind, Target};
    use crate::source::{FileId, Span};
    use crate::vocab::{Aggregation, DimensionOperator, Operator};

    const V2: &str = r#"
locals {
  failed = <<-KQL
    AmlComputeJobEvent
    | where EventType == "JobFailed"
  KQL
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "jobs" {
  name                 = "failed-jobs"
  display_name         = "Failed jobs"
  description          = "a job failed"
  resource_group_name  = var.rg
  location             = "westeurope"
  evaluation_frequency = "PT10M"
  window_duration      = "PT15M"
  scopes               = ["/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w"]
  target_resource_types = ["Microsoft.MachineLearningServices/workspaces"]
  severity             = 2
  enabled              = false
  criteria {
    query                   = <<-QUERY
      AmlComputeJobEvent
        | where EventType == "JobFaild"
        | summarize Failed = count() by ClusterName, _ResourceId
      QUERY
    time_aggregation_method = "Total"
    threshold               = 2.5
    operator                = "GreaterThanOrEqual"
    resource_id_column      = "_ResourceId"
    metric_measure_column   = "Failed"
    dimension {
      name     = "ClusterName"
      operator = "Include"
      values   = ["gpu", "cpu"]
    }
    failing_periods {
      minimum_failing_periods_to_trigger_alert = 2
      number_of_evaluation_periods             = 3
    }
  }
  criteria {
    query                   = local.failed
    time_aggregation_method = "Count"
    threshold               = 0
    operator                = "Equal"
  }
  mute_actions_after_alert_duration = "PT30M"
  query_time_range_override         = "PT2H"
  skip_query_validation             = true
}
"#;

    fn read(text: &str) -> (Vec<AlertRule>, Sink) {
        let mut sink = Sink::new(FileId(0));
        let rules = super::super::hcl::read(text, false, &mut sink);
        (rules, sink)
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    /// Each finding's check and the text it points at.
    fn found<'a>(t: &'a str, sink: &Sink) -> Vec<(&'static str, &'a str)> {
        sink.findings
            .iter()
            .map(|f| (f.check.name, at(t, f.span)))
            .collect()
    }

    #[test]
    fn every_v2_argument_is_read_with_its_span() {
        let (rules, sink) = read(V2);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let [r] = &rules[..] else { panic!("{rules:?}") };
        assert_eq!(at(V2, r.name.as_ref().unwrap().span), "\"failed-jobs\"");
        assert_eq!(r.description.as_ref().unwrap().value, "a job failed");
        assert_eq!(r.severity.as_ref().unwrap().value, 2);
        assert_eq!(at(V2, r.severity.as_ref().unwrap().span), "2");
        assert!(!r.enabled.as_ref().unwrap().value);
        assert_eq!(r.frequency.as_ref().unwrap().value.0, 600);
        assert_eq!(at(V2, r.window.as_ref().unwrap().span), "\"PT15M\"");
        assert_eq!(r.window.as_ref().unwrap().value.0, 900);
        // Not stated: Terraform's default, false, at the resource name.
        let am = r.auto_mitigate.as_ref().unwrap();
        assert!(!am.value);
        assert_eq!(at(V2, am.span), "\"jobs\"");
        assert!(matches!(&r.target, Target::Type(t)
            if t.value == "microsoft.machinelearningservices/workspaces"));
        let log = r.log.as_ref().unwrap();
        assert_eq!(log.kind.as_ref().unwrap().value, LogRuleKind::LogAlert);
        assert_eq!(
            log.override_query_time_range.as_ref().unwrap().value.0,
            7200
        );
        assert_eq!(
            at(V2, log.mute_actions_duration.as_ref().unwrap().span),
            "\"PT30M\""
        );
        assert!(log.skip_query_validation.as_ref().unwrap().value);
        assert_eq!(log.scopes.len(), 1);
        assert!(log.scopes[0].value.ends_with("/workspaces/w"));
        assert_eq!(log.target_resource_types.len(), 1);
        assert_eq!(log.criteria.len(), 2);

        let c = &log.criteria[0];
        let q = c.query.as_ref().unwrap();
        assert_eq!(
            q.text,
            "AmlComputeJobEvent\n  | where EventType == \"JobFaild\"\n  | summarize Failed = count() by ClusterName, _ResourceId\n"
        );
        assert!(at(V2, q.span).starts_with("<<-QUERY"));
        let v = q.text.find("\"JobFaild\"").unwrap();
        let s = q.map.map(Span::new(v, v + 10));
        assert_eq!(at(V2, s), "\"JobFaild\"");
        // Line 24 of the file, column 29: the heredoc's indent is accounted for.
        let line_start = V2[..s.start].rfind('\n').unwrap() + 1;
        assert_eq!(&V2[line_start..s.start], "        | where EventType == ");
        assert_eq!(
            c.time_aggregation.as_ref().unwrap().value,
            Aggregation::Total
        );
        assert_eq!(c.threshold.as_ref().unwrap().value, 2.5);
        assert_eq!(at(V2, c.threshold.as_ref().unwrap().span), "2.5");
        assert_eq!(
            c.operator.as_ref().unwrap().value,
            Operator::GreaterThanOrEqual
        );
        assert_eq!(
            c.operator_text.as_ref().unwrap().value,
            "GreaterThanOrEqual"
        );
        assert_eq!(
            at(V2, c.resource_id_column.as_ref().unwrap().span),
            "\"_ResourceId\""
        );
        assert_eq!(c.metric_measure_column.as_ref().unwrap().value, "Failed");
        let [d] = &c.dimensions[..] else { panic!() };
        assert_eq!(at(V2, d.name.span), "\"ClusterName\"");
        assert_eq!(
            d.operator.as_ref().unwrap().value,
            DimensionOperator::Include
        );
        assert_eq!(
            d.values
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>(),
            ["gpu", "cpu"]
        );
        assert_eq!(at(V2, d.values[1].span), "\"cpu\"");
        let f = c.failing_periods.as_ref().unwrap();
        assert_eq!(f.evaluation_periods.as_ref().unwrap().value, 3);
        assert_eq!(f.min_failing_periods.as_ref().unwrap().value, 2);
        assert!(at(V2, f.span).starts_with("failing_periods {"));

        // A query held by a local is read where the local is written.
        let c = &log.criteria[1];
        let q = c.query.as_ref().unwrap();
        assert_eq!(
            q.text,
            "AmlComputeJobEvent\n| where EventType == \"JobFailed\"\n"
        );
        let v = q.text.find("JobFailed").unwrap();
        assert_eq!(at(V2, q.map.map(Span::new(v, v + 9))), "JobFailed");
        assert!(V2[..q.span.start].ends_with("failed = "));
        assert_eq!(c.operator.as_ref().unwrap().value, Operator::Equals);
        assert_eq!(c.operator_text.as_ref().unwrap().value, "Equal");
        assert_eq!(
            c.time_aggregation.as_ref().unwrap().value,
            Aggregation::Count
        );
    }

    #[test]
    fn quoted_queries_map_escapes_back() {
        let t = "resource \"azurerm_monitor_scheduled_query_rules_alert_v2\" \"a\" {\n  criteria {\n    query = \"AmlComputeJobEvent\\n| where EventType == \\\"JobFaild\\\"\"\n  }\n}\n";
        let (rules, sink) = read(t);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let q = rules[0].log.as_ref().unwrap().criteria[0]
            .query
            .clone()
            .unwrap();
        assert_eq!(
            q.text,
            "AmlComputeJobEvent\n| where EventType == \"JobFaild\""
        );
        let v = q.text.find("\"JobFaild\"").unwrap();
        assert_eq!(at(t, q.map.map(Span::new(v, v + 10))), "\\\"JobFaild\\\"");
        let w = q.text.find("| where").unwrap();
        assert_eq!(at(t, q.map.map(Span::new(w, w + 7))), "| where");
    }

    #[test]
    fn computed_queries_are_noted_where_they_stop_being_literal() {
        let t = r#"
resource "azurerm_monitor_scheduled_query_rules_alert_v2" "a" {
  criteria {
    query = "AmlComputeJobEvent | where ClusterName == \"${var.cluster}\""
  }
  criteria {
    query = templatefile("q.kql.tpl", {})
  }
  criteria {
    query = var.query
  }
  criteria {
    query = "${local.missing}"
  }
}
"#;
        let (rules, sink) = read(t);
        let crit = &rules[0].log.as_ref().unwrap().criteria;
        assert_eq!(crit.len(), 4);
        assert!(crit.iter().all(|c| c.query.is_none()));
        let spans: Vec<&str> = sink.findings.iter().map(|f| at(t, f.span)).collect();
        assert_eq!(
            spans,
            [
                "${var.cluster}",
                "templatefile(\"q.kql.tpl\", {})",
                "var.query",
                "${local.missing}"
            ]
        );
        assert!(
            sink.findings
                .iter()
                .all(|f| f.check.name == "unresolved-expression")
        );
    }

    #[test]
    fn the_legacy_minutes_must_be_positive() {
        let t = "resource \"azurerm_monitor_scheduled_query_rules_alert\" \"old\" {\n  frequency   = 0\n  time_window = -5\n}\n";
        let (rules, sink) = read(t);
        let got = found(t, &sink);
        assert_eq!(
            got,
            [
                (
                    "legacy-log-alert-api",
                    "\"azurerm_monitor_scheduled_query_rules_alert\""
                ),
                ("invalid-value", "0"),
                ("invalid-value", "-5"),
            ]
        );
        assert!(rules[0].frequency.is_none() && rules[0].window.is_none());
    }

    #[test]
    fn the_legacy_resource_is_read_and_noted_as_superseded() {
        let t = r#"
resource "azurerm_monitor_scheduled_query_rules_alert" "old" {
  name           = "old"
  data_source_id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w"
  frequency      = 5
  time_window    = 30
  query          = "AmlComputeJobEvent | where EventType == 'JobFailed' | summarize AggregatedValue = count() by ClusterName, bin(TimeGenerated, 5m)"
  query_type     = "ResultCount"
  severity       = 1
  trigger {
    operator  = "GreaterThan"
    threshold = 3
    metric_trigger {
      operator            = "GreaterThan"
      threshold           = 1
      metric_trigger_type = "Total"
      metric_column       = "ClusterName"
    }
  }
}
"#;
        let (rules, sink) = read(t);
        let names: Vec<&str> = sink.findings.iter().map(|f| f.check.name).collect();
        assert_eq!(names, ["legacy-log-alert-api"]);
        assert_eq!(
            at(t, sink.findings[0].span),
            "\"azurerm_monitor_scheduled_query_rules_alert\""
        );
        let r = &rules[0];
        assert_eq!(r.frequency.as_ref().unwrap().value.0, 300);
        assert_eq!(r.window.as_ref().unwrap().value.0, 1800);
        assert_eq!(at(t, r.window.as_ref().unwrap().span), "30");
        let log = r.log.as_ref().unwrap();
        // The legacy resource is a log alert (it has no `kind`).
        assert_eq!(log.kind.as_ref().unwrap().value, LogRuleKind::LogAlert);
        assert_eq!(log.scopes.len(), 1);
        let c = &log.criteria[0];
        assert!(
            c.query
                .as_ref()
                .unwrap()
                .text
                .starts_with("AmlComputeJobEvent")
        );
        assert_eq!(c.operator.as_ref().unwrap().value, Operator::GreaterThan);
        assert_eq!(c.threshold.as_ref().unwrap().value, 3.0);
        assert_eq!(at(t, c.dimensions[0].name.span), "\"ClusterName\"");
    }

    #[test]
    fn wrong_values_are_located() {
        let t = r#"
resource "azurerm_monitor_scheduled_query_rules_alert_v2" "a" {
  window_duration = "ten minutes"
  criteria {
    query                   = "T"
    time_aggregation_method = "Sum"
    operator                = "Bigger"
    threshold               = "many"
  }
}
"#;
        let (_, sink) = read(t);
        let got = found(t, &sink);
        assert_eq!(
            got,
            [
                ("invalid-value", "\"ten minutes\""),
                ("invalid-value", "\"Sum\""),
                ("invalid-value", "\"Bigger\""),
                ("wrong-type", "\"many\""),
            ]
        );
    }

    #[test]
    fn plans_give_the_query_with_its_map_and_skip_nulls() {
        let t = r#"{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[{"resources":[{"address":"module.m.azurerm_monitor_scheduled_query_rules_alert_v2.jobs","type":"azurerm_monitor_scheduled_query_rules_alert_v2","name":"jobs","values":{"name":"failed-jobs","evaluation_frequency":"PT5M","window_duration":"PT5M","severity":2,"auto_mitigation_enabled":null,"criteria":[{"query":"AmlComputeJobEvent\n| where EventType == \"JobFaild\"\n","time_aggregation_method":"Count","threshold":0,"operator":"GreaterThan","dimension":[],"failing_periods":[{"minimum_failing_periods_to_trigger_alert":1,"number_of_evaluation_periods":2}],"metric_measure_column":null}]}}]}]}}}"#;
        let read = crate::rules::read_source("plan.json", t, FileId(0), true, &[]).unwrap();
        assert!(read.findings.is_empty(), "{:?}", read.findings);
        let c = &read.rules[0].log.as_ref().unwrap().criteria[0];
        let q = c.query.as_ref().unwrap();
        assert_eq!(
            q.text,
            "AmlComputeJobEvent\n| where EventType == \"JobFaild\"\n"
        );
        let v = q.text.find("\"JobFaild\"").unwrap();
        assert_eq!(at(t, q.map.map(Span::new(v, v + 10))), "\\\"JobFaild\\\"");
        assert!(c.metric_measure_column.is_none());
        let f = c.failing_periods.as_ref().unwrap();
        assert_eq!(f.evaluation_periods.as_ref().unwrap().value, 2);
        assert!(!read.rules[0].auto_mitigate.as_ref().unwrap().value);
    }
}
