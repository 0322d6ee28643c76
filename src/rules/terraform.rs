//! `terraform show -json PLAN` output: every `azurerm_monitor_metric_alert` and every log alert
//! (`azurerm_monitor_scheduled_query_rules_alert_v2`, and the legacy
//! `azurerm_monitor_scheduled_query_rules_alert`) in the planned values (root and child
//! modules), where every value is already resolved. A query is a JSON string there: it is
//! decoded with its map into the plan file.

use crate::finding::Sink;
use crate::schema::{self, Sp};
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};
use crate::yaml::{Node, Value};

use super::arm::get;
use super::yaml::{duration, keyword};
use crate::model::{
    AlertRule, Criterion, DimensionFilter, DynamicThreshold, Query, SpanMap, Threshold,
};

/// Whether a JSON document is a Terraform plan or state rendering.
pub fn is_plan(doc: &Node) -> bool {
    get(doc, "planned_values").is_some()
        || (get(doc, "format_version").is_some() && get(doc, "values").is_some())
}

/// The rules of a plan; `text` is the plan file's text (the tree's spans point into it).
pub fn read(doc: &Node, text: &str, sink: &mut Sink) -> Vec<AlertRule> {
    let mut rules = Vec::new();
    let root = get(doc, "planned_values")
        .or_else(|| get(doc, "values"))
        .and_then(|v| get(v, "root_module"));
    if let Some(m) = root {
        module(m, text, sink, &mut rules, 0);
    }
    rules
}

/// A query in a plan: a JSON string, decoded with its map into the file.
fn json_query(n: &Node, text: &str, sink: &mut Sink) -> Option<Query> {
    let s = schema::string(n, "query", sink)?;
    let raw = text.get(n.span.start + 1..n.span.end.saturating_sub(1))?;
    let (decoded, map) = SpanMap::json_string(raw, n.span.start + 1)?;
    // The tree and the file must agree; they do unless the span is not the string literal.
    (decoded == s.value).then_some(Query {
        text: decoded,
        map,
        span: n.span,
    })
}

fn module(m: &Node, text: &str, sink: &mut Sink, rules: &mut Vec<AlertRule>, depth: usize) {
    if depth > super::MAX_WALK_DEPTH {
        return;
    }
    if let Some(Value::Seq(resources)) = get(m, "resources").map(|n| &n.value) {
        for r in resources {
            let Some(Value::String(kind)) = get(r, "type").map(|t| &t.value) else {
                continue;
            };
            let mut query = |n: &Node, sink: &mut Sink| json_query(n, text, sink);
            let rule = match kind.as_str() {
                "azurerm_monitor_metric_alert" => alert(r, sink),
                super::hcl::LOG_ALERT_V2 => super::terraform_log::alert_v2(r, &mut query, sink),
                super::hcl::LOG_ALERT_LEGACY => {
                    let at = get(r, "type").map_or(r.span, |t| t.span);
                    super::terraform_log::alert_legacy(r, at, &mut query, sink)
                }
                _ => None,
            };
            rules.extend(rule);
        }
    }
    if let Some(Value::Seq(children)) = get(m, "child_modules").map(|n| &n.value) {
        for c in children {
            module(c, text, sink, rules, depth + 1);
        }
    }
}

/// What the rule targets, from `target_resource_type`, the ids in `scopes` and the criteria's
/// `metric_namespace`; a value the plan does not know yet (`null`) is unresolved.
fn target(v: &Node) -> super::Target {
    use super::target::{Hint, from_hints};
    let hint = |n: &Node, id: bool| match &n.value {
        Value::String(s) => {
            let s = Sp::new(s.clone(), n.span);
            if id {
                Hint::ResourceId(s)
            } else {
                Hint::Type(s)
            }
        }
        _ => Hint::Unresolved(n.span),
    };
    let mut hints = Vec::new();
    if let Some(t) = get(v, "target_resource_type") {
        hints.push(hint(t, false));
    }
    if let Some(Value::Seq(scopes)) = get(v, "scopes").map(|n| &n.value) {
        hints.extend(scopes.iter().map(|s| hint(s, true)));
    }
    for key in ["criteria", "dynamic_criteria"] {
        if let Some(Value::Seq(items)) = get(v, key).map(|n| &n.value) {
            hints.extend(
                items
                    .iter()
                    .filter_map(|c| get(c, "metric_namespace"))
                    .map(|n| hint(n, false)),
            );
        }
    }
    from_hints(hints)
}

pub(crate) fn alert(r: &Node, sink: &mut Sink) -> Option<AlertRule> {
    let v = get(r, "values")?;
    let name = get(v, "name").and_then(|n| schema::string(n, "name", sink));
    let target = target(v);
    let mut criteria = Vec::new();
    for (key, dynamic) in [("criteria", false), ("dynamic_criteria", true)] {
        if let Some(Value::Seq(items)) = get(v, key).map(|n| &n.value) {
            for c in items {
                if let Some(c) = criterion(c, dynamic, sink) {
                    criteria.push(c);
                }
            }
        }
    }
    Some(AlertRule {
        file: sink.file,
        span: r.span,
        name,
        description: get(v, "description").and_then(|n| schema::string(n, "description", sink)),
        severity: get(v, "severity").and_then(|n| schema::integer(n, "severity", sink)),
        enabled: get(v, "enabled").and_then(|n| schema::boolean(n, "enabled", sink)),
        frequency: get(v, "frequency").and_then(|n| duration(n, "frequency", sink)),
        window: get(v, "window_size").and_then(|n| duration(n, "window_size", sink)),
        auto_mitigate: get(v, "auto_mitigate")
            .and_then(|n| schema::boolean(n, "auto_mitigate", sink)),
        target,
        criteria,
        log: None,
        update: false,
        resource_group: resource_group(v),
    })
}

/// `resource_group_name` when it is written out: a reference (`var.rg`) or a template is not
/// read, and a value of another type is left to Terraform to refuse.
pub(crate) fn resource_group(v: &Node) -> Option<Sp<String>> {
    let n = get(v, "resource_group_name")?;
    match &n.value {
        Value::String(s) => Some(Sp::new(s.clone(), n.span)),
        _ => None,
    }
}

fn criterion(c: &Node, dynamic: bool, sink: &mut Sink) -> Option<Criterion> {
    let metric = get(c, "metric_name").and_then(|n| schema::string(n, "metric_name", sink));
    let aggregation = get(c, "aggregation").and_then(|n| {
        keyword(
            n,
            "aggregation",
            Aggregation::parse,
            Aggregation::spellings(),
            sink,
        )
    });
    let operator = get(c, "operator")
        .and_then(|n| keyword(n, "operator", Operator::parse, Operator::spellings(), sink));
    let threshold = if dynamic {
        Some(Threshold::Dynamic(DynamicThreshold {
            span: c.span,
            sensitivity: get(c, "alert_sensitivity").and_then(|n| {
                keyword(
                    n,
                    "sensitivity",
                    Sensitivity::parse,
                    ["Low", "Medium", "High"],
                    sink,
                )
            }),
            evaluation_periods: match get(c, "evaluation_total_count") {
                Some(n) => schema::integer(n, "evaluation_total_count", sink),
                None => Some(Sp::new(4, c.span)),
            },
            min_failing_periods: match get(c, "evaluation_failure_count") {
                Some(n) => schema::integer(n, "evaluation_failure_count", sink),
                None => Some(Sp::new(4, c.span)),
            },
            ignore_data_before: get(c, "ignore_data_before").and_then(|n| match &n.value {
                Value::String(_) => schema::string(n, "ignore_data_before", sink),
                _ => None,
            }),
        }))
    } else {
        get(c, "threshold")
            .and_then(|n| schema::number(n, "threshold", sink))
            .map(Threshold::Static)
    };
    let mut dimensions = Vec::new();
    if let Some(Value::Seq(items)) = get(c, "dimension").map(|n| &n.value) {
        for d in items {
            let Some(name) = get(d, "name").and_then(|n| schema::string(n, "dimension name", sink))
            else {
                continue;
            };
            let operator = match get(d, "operator") {
                Some(n) => keyword(
                    n,
                    "dimension operator",
                    DimensionOperator::parse,
                    ["Include", "Exclude", "StartsWith"],
                    sink,
                ),
                None => Some(Sp::new(DimensionOperator::Include, name.span)),
            };
            let values = get(d, "values")
                .and_then(|n| schema::string_list(n, "values", sink))
                .unwrap_or_default();
            dimensions.push(DimensionFilter {
                span: d.span,
                name,
                operator,
                values,
            });
        }
    }
    Some(Criterion {
        span: c.span,
        metric: metric?,
        namespace: get(c, "metric_namespace")
            .and_then(|n| schema::string(n, "metric_namespace", sink)),
        aggregation,
        operator,
        threshold,
        dimensions,
        skip_metric_validation: get(c, "skip_metric_validation")
            .and_then(|n| schema::boolean(n, "skip_metric_validation", sink)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> bool {
        is_plan(&crate::yaml::parse(text).unwrap().unwrap())
    }

    /// `terraform show -json` writes a plan (`planned_values`) or a state (`format_version`
    /// with `values`); other JSON that Terraform writes, such as `terraform providers schema
    /// -json` (`format_version` alone), is neither.
    #[test]
    fn plans_and_states_are_known_by_their_keys() {
        assert!(plan(r#"{"format_version": "1.2", "planned_values": {}}"#));
        assert!(plan(r#"{"format_version": "1.0", "values": {}}"#));
        assert!(!plan(
            r#"{"format_version": "1.0", "provider_schemas": {}}"#
        ));
        assert!(!plan(r#"{"values": {}}"#));
        assert!(!plan(r#"{"resources": []}"#));
    }

    /// Each alert resource type of a plan is read, in child modules too; the legacy log alert
    /// with its note at the resource's `type`.
    #[test]
    fn every_alert_type_of_a_plan_is_read() {
        let t = r#"{"format_version": "1.2", "planned_values": {"root_module": {
  "resources": [
    {"type": "azurerm_monitor_metric_alert", "values": {"name": "m", "criteria": [{"metric_name": "GpuUtilization", "aggregation": "Average", "operator": "LessThan", "threshold": 10}]}},
    {"type": "azurerm_monitor_scheduled_query_rules_alert_v2", "values": {"name": "v2", "criteria": [{"query": "AmlComputeJobEvent", "operator": "GreaterThan", "threshold": 0, "time_aggregation_method": "Count"}]}},
    {"type": "azurerm_monitor_metric_alert", "values": {"name": "dyn", "dynamic_criteria": [
      {"metric_name": "CpuUtilization", "aggregation": "Average", "operator": "GreaterThan", "alert_sensitivity": "High", "ignore_data_before": "2026-01-01T00:00:00Z"},
      {"metric_name": "GpuUtilization", "aggregation": "Average", "operator": "GreaterThan", "alert_sensitivity": "Low", "ignore_data_before": null}]}},
    {"type": "azurerm_resource_group", "values": {"name": "rg"}}
  ],
  "child_modules": [{"resources": [
    {"type": "azurerm_monitor_scheduled_query_rules_alert", "values": {"name": "old", "query": "AmlComputeJobEvent | count", "frequency": 5, "time_window": 30,
      "trigger": [{"operator": "GreaterThan", "threshold": 3, "metric_trigger": [{"operator": "GreaterThan", "threshold": 1, "metric_trigger_type": "Total", "metric_column": "ClusterName"}]}]}}
  ]}]}}}"#;
        let doc = crate::yaml::parse(t).unwrap().unwrap();
        let mut sink = Sink::new(crate::source::FileId(0));
        let rules = read(&doc, t, &mut sink);
        let names: Vec<&str> = rules
            .iter()
            .map(|r| r.name.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(names, ["m", "v2", "dyn", "old"]);
        assert!(rules[0].log.is_none() && rules[2].log.is_none());
        assert!(rules[1].log.is_some() && rules[3].log.is_some());
        // An unset `ignore_data_before` is `null` in a plan.
        let since: Vec<Option<&str>> = rules[2]
            .criteria
            .iter()
            .map(|c| match &c.threshold {
                Some(Threshold::Dynamic(d)) => {
                    d.ignore_data_before.as_ref().map(|s| s.value.as_str())
                }
                _ => panic!("{c:?}"),
            })
            .collect();
        assert_eq!(since, [Some("2026-01-01T00:00:00Z"), None]);
        // A plan writes the legacy rule's blocks as lists of one.
        let c = &rules[3].log.as_ref().unwrap().criteria[0];
        assert_eq!(c.threshold.as_ref().unwrap().value, 3.0);
        assert_eq!(c.dimensions[0].name.value, "ClusterName");
        let notes: Vec<(&str, &str)> = sink
            .findings
            .iter()
            .map(|f| (f.check.name, &t[f.span.start..f.span.end]))
            .collect();
        assert_eq!(
            notes,
            [(
                "legacy-log-alert-api",
                "\"azurerm_monitor_scheduled_query_rules_alert\""
            )]
        );
    }
}
