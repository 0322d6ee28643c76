//! Terraform source (`.tf`): every `resource "azurerm_monitor_metric_alert"` block, read with
//! hcl-edit (which keeps spans) into the same spanned tree the plan reader walks. Literal values
//! are checked; references (`var.x`, `azurerm_….id`), function calls and interpolations are noted
//! as unresolved and left unchecked.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{BlockLabel, Body, Structure};

use crate::finding::Sink;
use crate::registry;
use crate::source::Span;
use crate::yaml::{Key, Node, Value};

use super::AlertRule;

/// Attributes whose value a check reads: only these are worth a note when computed.
const CHECKED: [&str; 19] = [
    "name",
    "severity",
    "frequency",
    "window_size",
    "enabled",
    "auto_mitigate",
    "metric_namespace",
    "metric_name",
    "aggregation",
    "operator",
    "threshold",
    "alert_sensitivity",
    "evaluation_total_count",
    "evaluation_failure_count",
    "ignore_data_before",
    "skip_metric_validation",
    "values",
    "target_resource_type",
    "description",
];

/// Blocks that repeat and so become lists in the tree.
const REPEATED: [&str; 4] = ["criteria", "dynamic_criteria", "dimension", "action"];

fn span_of(r: Option<std::ops::Range<usize>>) -> Span {
    r.map_or(Span::default(), |r| Span::new(r.start, r.end))
}

pub fn read(text: &str, sink: &mut Sink) -> Vec<AlertRule> {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(b) => b,
        Err(e) => {
            let mut at = e.location().offset().min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            sink.push(
                sink.at(
                    &registry::HCL_SYNTAX,
                    Span::new(at, end),
                    format!("invalid Terraform (HCL): {}", hcl_message(e.message())),
                )
                .label("the HCL parser stopped here"),
            );
            return Vec::new();
        }
    };
    let mut rules = Vec::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block
            .labels
            .iter()
            .map(|l| match l {
                BlockLabel::String(s) => s.value().as_str(),
                BlockLabel::Ident(i) => i.value().as_str(),
            })
            .collect();
        if block.ident.value().as_str() != "resource"
            || labels.first() != Some(&"azurerm_monitor_metric_alert")
        {
            continue;
        }
        let span = span_of(block.span());
        let values = body_node(&block.body, span, sink);
        let address = format!(
            "azurerm_monitor_metric_alert.{}",
            labels.get(1).unwrap_or(&"?")
        );
        let label_span = block.labels.get(1).map_or(span, |l| match l {
            BlockLabel::String(s) => span_of(s.span()),
            BlockLabel::Ident(i) => span_of(i.span()),
        });
        let resource = Node {
            span,
            value: Value::Map(vec![
                (
                    key("address", label_span),
                    Node {
                        value: Value::String(address),
                        span: label_span,
                    },
                ),
                (key("values", span), values),
            ]),
        };
        if let Some(rule) = super::terraform::alert(&resource, sink) {
            rules.push(rule);
        }
    }
    rules
}

/// hcl-edit's message, which lists what the parser expected, as one sentence.
fn hcl_message(message: &str) -> String {
    let m = message.trim().trim_end_matches('.');
    if m.is_empty() {
        "unexpected input".to_string()
    } else {
        m.lines().map(str::trim).collect::<Vec<_>>().join("; ")
    }
}

fn key(name: &str, span: Span) -> Key {
    Key {
        name: name.to_string(),
        span,
    }
}

fn body_node(body: &Body, span: Span, sink: &mut Sink) -> Node {
    let mut entries: Vec<(Key, Node)> = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let k = key(a.key.value().as_str(), span_of(a.key.span()));
                if let Some(v) = expression(&a.value, &k.name, sink) {
                    entries.push((k, v));
                }
            }
            Structure::Block(b) => {
                let name = b.ident.value().as_str();
                let bspan = span_of(b.span());
                let node = body_node(&b.body, bspan, sink);
                if REPEATED.contains(&name) {
                    match entries.iter_mut().find(|(k, _)| k.name == name) {
                        Some((
                            _,
                            Node {
                                value: Value::Seq(items),
                                ..
                            },
                        )) => items.push(node),
                        _ => entries.push((
                            key(name, span_of(b.ident.span())),
                            Node {
                                value: Value::Seq(vec![node]),
                                span: bspan,
                            },
                        )),
                    }
                } else {
                    entries.push((key(name, span_of(b.ident.span())), node));
                }
            }
        }
    }
    Node {
        value: Value::Map(entries),
        span,
    }
}

/// A literal as a tree node; anything computed is noted and left out.
fn expression(e: &Expression, what: &str, sink: &mut Sink) -> Option<Node> {
    let span = span_of(e.span());
    let value = match e {
        Expression::Null(_) => return None,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => {
            let n = n.value();
            match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            }
        }
        Expression::String(s) => Value::String(s.value().to_string()),
        Expression::Array(items) => Value::Seq(
            items
                .iter()
                .filter_map(|i| expression(i, what, sink))
                .collect(),
        ),
        Expression::Parenthesis(p) => return expression(p.inner(), what, sink),
        _ if !CHECKED.contains(&what) => return None,
        _ => {
            sink.push(
                sink.at(
                    &registry::UNRESOLVED_EXPRESSION,
                    span,
                    format!("`{what}` is computed by Terraform and is not checked here"),
                )
                .label("unresolved")
                .help("lint the plan (`terraform show -json PLAN`) to check computed values"),
            );
            return None;
        }
    };
    Some(Node { value, span })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn reads_literals_and_notes_references() {
        let t = r#"
resource "azurerm_monitor_metric_alert" "gpu" {
  name                = "gpu-idle"
  resource_group_name = var.rg
  scopes              = [azurerm_machine_learning_workspace.ws.id]
  severity            = 2
  criteria {
    metric_namespace = "Microsoft.MachineLearningServices/workspaces"
    metric_name      = "GpuUtilization"
    aggregation      = "Average"
    operator         = "LessThan"
    threshold        = 10
    dimension {
      name     = "DeviceId"
      operator = "Include"
      values   = ["0", "1"]
    }
  }
}
"#;
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        assert_eq!(rules.len(), 1);
        let r = &rules[0];
        assert_eq!(r.name.as_ref().unwrap().value, "gpu-idle");
        let c = &r.criteria[0];
        assert_eq!(
            &t[c.metric.span.start..c.metric.span.end],
            "\"GpuUtilization\""
        );
        assert_eq!(c.dimensions[0].values.len(), 2);
        let names: Vec<&str> = sink.findings.iter().map(|f| f.check.name).collect();
        assert!(
            names.is_empty(),
            "references in unchecked fields are not noted: {names:?}"
        );
    }
}
