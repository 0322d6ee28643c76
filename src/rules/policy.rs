//! Azure Policy definitions whose `deployIfNotExists` effect deploys metric alerts, as the Azure
//! Monitor Baseline Alerts ship them: the alert sits in
//! `policyRule.then.details.deployment.properties.template.resources`, the deployment passes
//! values to that template, and those values refer to the policy's own parameters. Both the
//! published escaping (`[[parameters('x')]`) and the plain form (`[parameters('x')]`) are read
//! as expressions, resolved from the policy's parameter defaults.
//!
//! Accepted shapes: a definition (`{"properties": {"policyRule": …}}` or the bare
//! `{"policyRule": …}`), an array of definitions, a policy set definition (initiative, whose
//! members are referenced by id and hold no rule themselves), and ARM templates that deploy
//! `Microsoft.Authorization/policyDefinitions` resources.

use crate::finding::Sink;
use crate::registry;
use crate::schema::Sp;
use crate::yaml::{Node, Value};

use super::AlertRule;
use super::Target;
use super::arm::{Scope, get, passed_values, walk};

/// Whether a JSON document is a policy definition, a policy set definition, or an array of
/// them.
pub fn is_policy(doc: &Node) -> bool {
    match &doc.value {
        Value::Seq(items) => !items.is_empty() && items.iter().all(is_policy),
        Value::Map(_) => {
            let props = get(doc, "properties").unwrap_or(doc);
            let ty = get(doc, "type").and_then(|t| match &t.value {
                Value::String(s) => Some(s.to_ascii_lowercase()),
                _ => None,
            });
            ty.as_deref().is_some_and(|t| {
                t == "microsoft.authorization/policydefinitions"
                    || t == "microsoft.authorization/policysetdefinitions"
            }) || get(props, "policyRule").is_some()
                || get(props, "policyDefinitions").is_some()
        }
        _ => false,
    }
}

/// The metric alerts every definition in the document deploys.
pub fn read(doc: &Node, text: Option<&str>, sink: &mut Sink) -> Vec<AlertRule> {
    match &doc.value {
        Value::Seq(items) => items
            .iter()
            .flat_map(|d| definition(d, text, sink, 0))
            .collect(),
        _ => definition(doc, text, sink, 0),
    }
}

/// The metric alerts one policy definition deploys (none for an initiative, whose members are
/// separate definitions).
pub fn definition(doc: &Node, text: Option<&str>, sink: &mut Sink, depth: usize) -> Vec<AlertRule> {
    let props = get(doc, "properties").unwrap_or(doc);
    let computed = match &props.value {
        Value::Map(_) => get(props, "policyRule").filter(|r| matches!(r.value, Value::String(_))),
        _ => Some(props),
    };
    if let Some(at) = computed {
        sink.push(
            sink.at(
                &registry::UNRESOLVED_EXPRESSION,
                at.span,
                "a policy definition computed by an expression is not read: any metric alert it deploys is not checked",
            )
            .label("not read")
            .help("lint the policy definition files the expression loads"),
        );
        return Vec::new();
    }
    let Some(rule) = get(props, "policyRule") else {
        return Vec::new();
    };
    let details = get(rule, "then").and_then(|t| get(t, "details"));
    let Some(deployment) = details
        .and_then(|d| get(d, "deployment"))
        .and_then(|d| get(d, "properties"))
    else {
        return Vec::new();
    };
    let Some(template) = get(deployment, "template") else {
        return Vec::new();
    };
    let policy = Scope {
        parameters: get(props, "parameters"),
        variables: None,
        values: Vec::new(),
        parent: None,
        policy: true,
        text,
    };
    let inner = policy.nested(template, passed_values(get(deployment, "parameters")));
    let mut rules = Vec::new();
    if let Some(resources) = get(template, "resources") {
        walk(resources, &inner, sink, &mut rules, depth + 1);
    }
    // The resource type the policy applies to (`"field": "type", "equals": …` in its `if`) is
    // what `field('id')` in the scopes names.
    if let Some(ty) = get(rule, "if").and_then(applies_to) {
        for r in &mut rules {
            if !matches!(r.target, Target::Type(_)) {
                r.target = Target::Type(Sp::new(ty.value.trim().to_ascii_lowercase(), ty.span));
            }
        }
    }
    rules
}

/// The one resource type a policy condition requires (`{"field": "type", "equals": T}`, at
/// the top or in an `allOf`).
fn applies_to(cond: &Node) -> Option<Sp<String>> {
    let field = get(cond, "field").and_then(|f| match &f.value {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    });
    if field.is_some_and(|f| f.eq_ignore_ascii_case("type")) {
        return match get(cond, "equals") {
            Some(Node {
                value: Value::String(s),
                span,
            }) if !s.starts_with('[') => Some(Sp::new(s.clone(), *span)),
            _ => None,
        };
    }
    match get(cond, "allOf").map(|a| &a.value) {
        Some(Value::Seq(items)) => items.iter().find_map(applies_to),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> bool {
        is_policy(&crate::yaml::parse(text).unwrap().unwrap())
    }

    /// A document is a policy by its type, or by the key that only a definition
    /// (`policyRule`) or an initiative (`policyDefinitions`) has; an array, when every item is
    /// one.
    #[test]
    fn policies_are_known_by_type_or_by_their_own_keys() {
        let typed = |ty: &str| format!(r#"{{"type": "{ty}", "name": "x", "properties": {{}}}}"#);
        assert!(policy(&typed("Microsoft.Authorization/policyDefinitions")));
        assert!(policy(&typed(
            "microsoft.authorization/POLICYSETDEFINITIONS"
        )));
        assert!(!policy(&typed("Microsoft.Insights/metricAlerts")));
        assert!(policy(r#"{"policyRule": {}}"#));
        assert!(policy(r#"{"properties": {"policyRule": {}}}"#));
        assert!(policy(r#"{"properties": {"policyDefinitions": []}}"#));
        assert!(!policy(r#"{"properties": {"resources": []}}"#));
        assert!(!policy(r#"{"type": 3}"#));
        assert!(policy(r#"[{"policyRule": {}}, {"policyDefinitions": []}]"#));
        assert!(!policy(r#"[{"policyRule": {}}, {"resources": []}]"#));
        assert!(!policy("[]"));
        assert!(!policy(r#""policyRule""#));
    }
}
