//! ARM templates (JSON, with the comments ARM allows; Bicep compiles to them with
//! `az bicep build`): every `Microsoft.Insights/metricAlerts` resource at any depth — top level,
//! child resources, nested deployments with an inline template — becomes an [`AlertRule`]
//! whose spans point at the exact JSON tokens. `[parameters('x')]` and `[variables('x')]` are
//! resolved from defaults and parameter files; other expressions leave their field unchecked.
//! Property names are matched case-insensitively, as ARM does.

use crate::finding::Sink;
use crate::registry;
use crate::schema::{self, Sp};
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};
use crate::yaml::{Node, Value};

use super::yaml::{duration, keyword};
use super::{AlertRule, Criterion, DimensionFilter, DynamicThreshold, Threshold};

/// Replaces `//` and `/* */` comments outside strings with spaces (newlines kept), so byte
/// offsets stay those of the original text.
pub fn blank_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let (mut i, mut in_str, mut esc) = (0, false, false);
    while i < b.len() {
        let c = b[i];
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match (c, b.get(i + 1)) {
            (b'"', _) => in_str = true,
            (b'/', Some(b'/')) => {
                while i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                let start = i;
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                let end = (i + 2).min(b.len());
                for o in &mut out[start..end] {
                    if *o != b'\n' {
                        *o = b' ';
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes were replaced, by ASCII: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A mapping entry by name, case-insensitively.
pub fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.name.eq_ignore_ascii_case(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// Where parameters and variables come from while reading one template.
pub struct Scope<'a> {
    /// `parameters` of the template (with `defaultValue`s).
    pub parameters: Option<&'a Node>,
    pub variables: Option<&'a Node>,
    /// Values given from outside (a parameter file, or a nested deployment's `parameters`).
    pub values: Vec<(String, &'a Node)>,
}

impl<'a> Scope<'a> {
    pub fn of(template: &'a Node, values: Vec<(String, &'a Node)>) -> Self {
        Scope {
            parameters: get(template, "parameters"),
            variables: get(template, "variables"),
            values,
        }
    }

    fn parameter(&self, name: &str) -> Option<&'a Node> {
        self.values
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
            .or_else(|| {
                self.parameters
                    .and_then(|p| get(p, name))
                    .and_then(|p| get(p, "defaultValue"))
            })
    }

    fn variable(&self, name: &str) -> Option<&'a Node> {
        self.variables.and_then(|v| get(v, name))
    }
}

/// `[parameters('x')]` / `[variables('x')]` → (kind, name).
fn reference(expr: &str) -> Option<(&str, &str)> {
    let inner = expr.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let (func, rest) = inner.split_once('(')?;
    let arg = rest.strip_suffix(')')?.trim();
    let name = arg.strip_prefix('\'')?.strip_suffix('\'')?;
    let func = func.trim();
    (func.eq_ignore_ascii_case("parameters") || func.eq_ignore_ascii_case("variables"))
        .then_some((func, name))
}

fn is_expression(s: &str) -> bool {
    let t = s.trim();
    t.starts_with('[') && t.ends_with(']') && !t.starts_with("[[")
}

/// A field's value with expressions resolved. The span stays where the template refers to it.
/// `None` (with a note) when it cannot be resolved.
pub fn resolve<'a>(node: &'a Node, scope: &Scope<'a>, what: &str, sink: &mut Sink) -> Option<Node> {
    let mut current = node;
    for _ in 0..8 {
        let Value::String(s) = &current.value else {
            return Some(Node {
                value: current.value.clone(),
                span: node.span,
            });
        };
        if !is_expression(s) {
            return Some(Node {
                value: current.value.clone(),
                span: node.span,
            });
        }
        let next = reference(s).and_then(|(func, name)| {
            if func.eq_ignore_ascii_case("parameters") {
                scope.parameter(name)
            } else {
                scope.variable(name)
            }
        });
        match next {
            Some(n) => current = n,
            None => {
                let why = match reference(s) {
                    Some((func, name)) => format!("{func} `{name}` has no value here"),
                    None => "only parameters() and variables() are evaluated".into(),
                };
                sink.push(
                    sink.at(
                        &registry::UNRESOLVED_EXPRESSION,
                        node.span,
                        format!("{what} `{s}` is not checked: {why}"),
                    )
                    .label("unresolved")
                    .help("pass a parameter file with `--parameters FILE`"),
                );
                return None;
            }
        }
    }
    None
}

/// The rules of an ARM template, with the count of metric alerts skipped as not targeting an
/// Azure ML workspace.
pub fn read(doc: &Node, scope: &Scope, sink: &mut Sink) -> Vec<AlertRule> {
    let mut rules = Vec::new();
    if let Some(resources) = get(doc, "resources") {
        walk(resources, scope, sink, &mut rules, 0);
    }
    rules
}

fn walk(resources: &Node, scope: &Scope, sink: &mut Sink, rules: &mut Vec<AlertRule>, depth: u8) {
    if depth > 16 {
        return;
    }
    let items: Vec<&Node> = match &resources.value {
        Value::Seq(items) => items.iter().collect(),
        // Symbolic-name templates (languageVersion 2.0) keep resources in a mapping.
        Value::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
        _ => return,
    };
    for r in items {
        let ty = get(r, "type").and_then(|t| match &t.value {
            Value::String(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        });
        match ty.as_deref() {
            Some("microsoft.insights/metricalerts") => {
                if let Some(rule) = metric_alert(r, scope, sink) {
                    rules.push(rule);
                }
            }
            Some("microsoft.resources/deployments") => {
                let props = get(r, "properties");
                if let Some(template) = props.and_then(|p| get(p, "template")) {
                    // Values a nested deployment passes to its inline template.
                    let mut values = Vec::new();
                    if let Some(Value::Map(entries)) =
                        props.and_then(|p| get(p, "parameters")).map(|n| &n.value)
                    {
                        for (k, v) in entries {
                            if let Some(val) = get(v, "value") {
                                values.push((k.name.clone(), val));
                            }
                        }
                    }
                    let inner = Scope::of(template, values);
                    if let Some(res) = get(template, "resources") {
                        walk(res, &inner, sink, rules, depth + 1);
                    }
                }
            }
            _ => {}
        }
        if let Some(children) = get(r, "resources") {
            walk(children, scope, sink, rules, depth + 1);
        }
    }
}

/// `"metadata": {"amlguard-ignore": ["check", …]}` on any resource: a suppression covering it.
pub fn suppressions(doc: &Node, file: crate::source::FileId) -> Vec<crate::suppress::Suppression> {
    let mut out = Vec::new();
    fn visit(
        n: &Node,
        file: crate::source::FileId,
        out: &mut Vec<crate::suppress::Suppression>,
        depth: u8,
    ) {
        if depth > 32 {
            return;
        }
        match &n.value {
            Value::Map(entries) => {
                if let Some(list) = get(n, "metadata").and_then(|m| get(m, "amlguard-ignore")) {
                    let checks: Vec<String> = match &list.value {
                        Value::Seq(items) => items
                            .iter()
                            .filter_map(|i| match &i.value {
                                Value::String(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect(),
                        Value::String(s) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                    if get(n, "type").is_some() {
                        out.push(crate::suppress::Suppression {
                            file,
                            at: list.span,
                            covers: n.span,
                            checks,
                            used: false,
                        });
                    }
                }
                for (_, v) in entries {
                    visit(v, file, out, depth + 1);
                }
            }
            Value::Seq(items) => {
                for v in items {
                    visit(v, file, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    visit(doc, file, &mut out, 0);
    out
}

fn string(node: &Node, scope: &Scope, what: &str, sink: &mut Sink) -> Option<Sp<String>> {
    let n = resolve(node, scope, what, sink)?;
    schema::string(&n, what, sink)
}

/// What the rule targets, from `targetResourceType`, the ids in `scopes` and the criteria's
/// `metricNamespace`, each resolved through parameters and variables where it can be.
fn target(props: &Node, scope: &Scope) -> super::Target {
    use super::target::{Hint, from_hints};
    let mut quiet = Sink::new(crate::source::FileId(usize::MAX));
    let mut hint = |n: &Node, id: bool| match resolve(n, scope, "", &mut quiet) {
        Some(Node {
            value: Value::String(s),
            ..
        }) if !is_expression(&s) => {
            let s = Sp::new(s, n.span);
            if id {
                Hint::ResourceId(s)
            } else {
                Hint::Type(s)
            }
        }
        _ => Hint::Unresolved(n.span),
    };
    let mut hints = Vec::new();
    if let Some(t) = get(props, "targetResourceType") {
        hints.push(hint(t, false));
    }
    if let Some(Value::Seq(scopes)) = get(props, "scopes").map(|n| &n.value) {
        hints.extend(scopes.iter().map(|s| hint(s, true)));
    }
    let criteria = get(props, "criteria").and_then(|c| get(c, "allOf"));
    if let Some(Value::Seq(items)) = criteria.map(|n| &n.value) {
        hints.extend(
            items
                .iter()
                .filter_map(|c| get(c, "metricNamespace"))
                .map(|n| hint(n, false)),
        );
    }
    from_hints(hints)
}

pub(crate) fn metric_alert(r: &Node, scope: &Scope, sink: &mut Sink) -> Option<AlertRule> {
    let props = get(r, "properties")?;
    let name = get(r, "name").and_then(|n| string(n, scope, "name", sink));
    let target = target(props, scope);
    let int = |key: &str, sink: &mut Sink| {
        get(props, key)
            .and_then(|n| resolve(n, scope, key, sink))
            .and_then(|n| schema::integer(&n, key, sink))
    };
    let boolean = |key: &str, sink: &mut Sink| {
        get(props, key)
            .and_then(|n| resolve(n, scope, key, sink))
            .and_then(|n| schema::boolean(&n, key, sink))
    };
    let dur = |key: &str, sink: &mut Sink| {
        get(props, key)
            .and_then(|n| resolve(n, scope, key, sink))
            .and_then(|n| duration(&n, key, sink))
    };
    let severity = int("severity", sink);
    let enabled = boolean("enabled", sink);
    let auto_mitigate = boolean("autoMitigate", sink);
    let frequency = dur("evaluationFrequency", sink);
    let window = dur("windowSize", sink);
    let description = get(props, "description").and_then(|n| string(n, scope, "description", sink));
    let mut criteria = Vec::new();
    if let Some(c) = get(props, "criteria") {
        let odata = get(c, "odata.type").and_then(|n| match &n.value {
            Value::String(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        });
        if odata
            .as_deref()
            .is_some_and(|o| o.contains("webtestlocationavailability"))
        {
            return None;
        }
        if let Some(list) = get(c, "allOf") {
            for item in schema::list(list, "allOf", false, sink).unwrap_or_default() {
                if let Some(crit) = criterion(item, scope, sink) {
                    criteria.push(crit);
                }
            }
        }
    }
    Some(AlertRule {
        file: sink.file,
        span: r.span,
        name: name.filter(|n| !is_expression(&n.value)),
        description,
        severity,
        enabled,
        frequency,
        window,
        auto_mitigate,
        target,
        criteria,
    })
}

fn criterion(c: &Node, scope: &Scope, sink: &mut Sink) -> Option<Criterion> {
    let field = |key: &str, sink: &mut Sink| get(c, key).and_then(|n| resolve(n, scope, key, sink));
    let metric = field("metricName", sink).and_then(|n| schema::string(&n, "metricName", sink))?;
    let namespace =
        field("metricNamespace", sink).and_then(|n| schema::string(&n, "metricNamespace", sink));
    let aggregation = field("timeAggregation", sink).and_then(|n| {
        keyword(
            &n,
            "aggregation",
            Aggregation::parse,
            Aggregation::spellings(),
            sink,
        )
    })?;
    let operator = field("operator", sink)
        .and_then(|n| keyword(&n, "operator", Operator::parse, Operator::spellings(), sink))?;
    let dynamic = field("criterionType", sink)
        .and_then(|n| match n.value {
            Value::String(s) => Some(s.eq_ignore_ascii_case("DynamicThresholdCriterion")),
            _ => None,
        })
        .unwrap_or(false);
    let threshold = if dynamic {
        let sensitivity = field("alertSensitivity", sink).and_then(|n| {
            keyword(
                &n,
                "sensitivity",
                Sensitivity::parse,
                ["Low", "Medium", "High"],
                sink,
            )
        })?;
        let fp = get(c, "failingPeriods");
        let count = |key: &str, sink: &mut Sink| {
            fp.and_then(|f| get(f, key))
                .and_then(|n| resolve(n, scope, key, sink))
                .and_then(|n| schema::integer(&n, key, sink))
        };
        let evaluation_periods = count("numberOfEvaluationPeriods", sink)?;
        let min_failing_periods = count("minFailingPeriodsToAlert", sink)?;
        Threshold::Dynamic(DynamicThreshold {
            span: c.span,
            sensitivity,
            evaluation_periods,
            min_failing_periods,
            ignore_data_before: field("ignoreDataBefore", sink)
                .and_then(|n| schema::string(&n, "ignoreDataBefore", sink)),
        })
    } else {
        Threshold::Static(
            field("threshold", sink).and_then(|n| schema::number(&n, "threshold", sink))?,
        )
    };
    let mut dimensions = Vec::new();
    if let Some(list) = get(c, "dimensions") {
        for d in schema::list(list, "dimensions", false, sink).unwrap_or_default() {
            let dfield =
                |key: &str, sink: &mut Sink| get(d, key).and_then(|n| resolve(n, scope, key, sink));
            let Some(name) =
                dfield("name", sink).and_then(|n| schema::string(&n, "dimension name", sink))
            else {
                continue;
            };
            let operator = match dfield("operator", sink) {
                Some(n) => match keyword(
                    &n,
                    "dimension operator",
                    DimensionOperator::parse,
                    ["Include", "Exclude", "StartsWith"],
                    sink,
                ) {
                    Some(o) => o,
                    None => continue,
                },
                None => Sp::new(DimensionOperator::Include, name.span),
            };
            let Some(values_node) = dfield("values", sink) else {
                continue;
            };
            let mut values = Vec::new();
            match &values_node.value {
                Value::Seq(items) => {
                    for v in items {
                        if let Some(v) = resolve(v, scope, "dimension value", sink)
                            && let Some(s) = schema::string(&v, "dimension value", sink)
                        {
                            values.push(s);
                        }
                    }
                }
                _ => {
                    schema::wrong_type(
                        sink,
                        &values_node,
                        "values must be a list",
                        &values_node.value,
                    );
                    continue;
                }
            }
            if values.is_empty() {
                continue;
            }
            dimensions.push(DimensionFilter {
                span: d.span,
                name,
                operator,
                values,
            });
        }
    }
    let skip_metric_validation = field("skipMetricValidation", sink)
        .and_then(|n| schema::boolean(&n, "skipMetricValidation", sink));
    Some(Criterion {
        span: c.span,
        metric,
        namespace,
        aggregation,
        operator,
        threshold,
        dimensions,
        skip_metric_validation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_become_blanks_in_place() {
        let t = "{\"a\": \"//not\", // gone\n /* x\ny */ \"b\": 1}";
        let b = blank_comments(t);
        assert_eq!(b.len(), t.len());
        assert_eq!(b, "{\"a\": \"//not\",        \n     \n     \"b\": 1}");
    }

    #[test]
    fn references() {
        assert_eq!(
            reference("[parameters('alertName')]"),
            Some(("parameters", "alertName"))
        );
        assert_eq!(reference("[ variables( 'x' ) ]"), Some(("variables", "x")));
        assert_eq!(reference("[concat('a', 'b')]"), None);
        assert!(!is_expression("[[literal]"));
    }
}
