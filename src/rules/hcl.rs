//! Terraform source (`.tf`): every `resource "azurerm_monitor_metric_alert"` block, and every
//! log alert (`azurerm_monitor_scheduled_query_rules_alert_v2` and the legacy
//! `azurerm_monitor_scheduled_query_rules_alert`), read with hcl-edit (which keeps spans) into
//! the same spanned tree the plan reader walks. Literal values are checked; references
//! (`var.x`, `azurerm_….id`), function calls and interpolations are noted as unresolved and
//! left unchecked. A query is read with its map into the file (escapes, heredoc indent), from
//! the attribute itself or from the `locals` value it names.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};

use std::collections::HashMap;

use crate::finding::Sink;
use crate::model::Query;
use crate::registry;
use crate::source::Span;
use crate::yaml::{Key, Node, Value};

use super::AlertRule;
use super::hcl_text::{Decoded, decode};

/// The resource types read, and which reader makes a rule of each.
const METRIC_ALERT: &str = "azurerm_monitor_metric_alert";
pub const LOG_ALERT_V2: &str = "azurerm_monitor_scheduled_query_rules_alert_v2";
pub const LOG_ALERT_LEGACY: &str = "azurerm_monitor_scheduled_query_rules_alert";

/// Attributes whose value a check reads: only these are worth a note when computed.
const CHECKED: [&str; 36] = [
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
    // Log alerts.
    "evaluation_frequency",
    "window_duration",
    "query_time_range_override",
    "auto_mitigation_enabled",
    "mute_actions_after_alert_duration",
    "skip_query_validation",
    "target_resource_types",
    "display_name",
    "time_aggregation_method",
    "metric_measure_column",
    "resource_id_column",
    "minimum_failing_periods_to_trigger_alert",
    "number_of_evaluation_periods",
    "time_window",
    "query_type",
    "metric_column",
    "metric_trigger_type",
];

/// Blocks that repeat and so become lists in the tree.
const REPEATED: [&str; 4] = ["criteria", "dynamic_criteria", "dimension", "action"];

/// What reading one file's blocks needs besides the block: the file's text (a query is decoded
/// from it), its `locals` (a query may name one), and the queries read so far, by the offset of
/// the expression they were read from.
struct Context<'t> {
    text: &'t str,
    locals: HashMap<String, &'t Expression>,
    queries: HashMap<usize, Query>,
}

fn span_of(r: Option<std::ops::Range<usize>>) -> Span {
    r.map_or(Span::default(), |r| Span::new(r.start, r.end))
}

/// The alert rules of a Terraform file. In an override file (`override.tf`, `*_override.tf`),
/// which changes blocks declared elsewhere, a block may lack what the provider requires, and
/// names a rule rather than defining one.
pub fn read(text: &str, override_file: bool, sink: &mut Sink) -> Vec<AlertRule> {
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
    let mut cx = Context {
        text,
        locals: locals(&body),
        queries: HashMap::new(),
    };
    for block in body.blocks() {
        let labels: Vec<&str> = block
            .labels
            .iter()
            .map(|l| match l {
                BlockLabel::String(s) => s.value().as_str(),
                BlockLabel::Ident(i) => i.value().as_str(),
            })
            .collect();
        let Some(&kind) = labels.first() else {
            continue;
        };
        if block.ident.value().as_str() != "resource"
            || ![METRIC_ALERT, LOG_ALERT_V2, LOG_ALERT_LEGACY].contains(&kind)
        {
            continue;
        }
        let span = span_of(block.span());
        let values = body_node(&block.body, span, &mut cx, sink);
        let address = format!("{kind}.{}", labels.get(1).unwrap_or(&"?"));
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
        let type_span = block.labels.first().map_or(span, |l| match l {
            BlockLabel::String(s) => span_of(s.span()),
            BlockLabel::Ident(i) => span_of(i.span()),
        });
        let queries = &mut cx.queries;
        let mut query = |n: &Node, _: &mut Sink| queries.remove(&n.span.start);
        if kind == METRIC_ALERT && !override_file {
            no_criteria(block, sink);
        }
        let rule = match kind {
            METRIC_ALERT => super::terraform::alert(&resource, sink),
            LOG_ALERT_V2 => super::terraform_log::alert_v2(&resource, &mut query, sink),
            _ => super::terraform_log::alert_legacy(&resource, type_span, &mut query, sink),
        };
        rules.extend(rule.map(|mut r| {
            r.update = override_file;
            r
        }));
    }
    rules
}

/// The blocks that give a metric alert its criteria: the provider requires one of them
/// ("azurerm_monitor_metric_alert", Terraform AzureRM provider documentation,
/// <https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_metric_alert>).
const CRITERIA_BLOCKS: [&str; 3] = [
    "criteria",
    "dynamic_criteria",
    "application_insights_web_test_location_availability_criteria",
];

/// A metric alert block with none of [`CRITERIA_BLOCKS`] is a `missing-key` error at the
/// words `resource "azurerm_monitor_metric_alert" "name"`. A `dynamic` block may make any of
/// them, so a body with one is left alone.
fn no_criteria(block: &Block, sink: &mut Sink) {
    let has = block.body.iter().any(|s| match s {
        Structure::Block(b) => {
            let name = b.ident.value().as_str();
            name == "dynamic" || CRITERIA_BLOCKS.contains(&name)
        }
        Structure::Attribute(a) => CRITERIA_BLOCKS.contains(&a.key.value().as_str()),
    });
    if has {
        return;
    }
    let ident = span_of(block.ident.span());
    let end = block.labels.last().map_or(ident.end, |l| match l {
        BlockLabel::String(s) => span_of(s.span()).end,
        BlockLabel::Ident(i) => span_of(i.span()).end,
    });
    sink.push(
        sink.at(
            &registry::MISSING_KEY,
            Span::new(ident.start, end),
            format!("`{METRIC_ALERT}` has no `criteria` block"),
        )
        .label("needs criteria")
        .help("add a `criteria`, `dynamic_criteria` or `application_insights_web_test_location_availability_criteria` block"),
    );
}

/// The expressions of the file's `locals` blocks, by name.
fn locals(body: &Body) -> HashMap<String, &Expression> {
    body.blocks()
        .filter(|b| b.ident.value().as_str() == "locals")
        .flat_map(|b| b.body.attributes())
        .map(|a| (a.key.value().to_string(), &a.value))
        .collect()
}

/// The help for a query that is not read where it is written.
const WRITE_A_LITERAL: &str = "write the query as a literal (a string, a heredoc, or a `locals` \
     value), or lint the plan (`terraform show -json PLAN`), where it is resolved";

/// How many locals a query is followed through: locals that refer to each other in a cycle
/// end here.
const MAX_QUERY_DEPTH: u8 = 8;

/// Reads a `query` attribute: a literal (string or heredoc), or a local that holds one, with its
/// map into the file. Anything else is noted as not checked, at the part that keeps it from
/// being read.
fn query(e: &Expression, cx: &Context, sink: &mut Sink, depth: u8) -> Option<Query> {
    let span = span_of(e.span());
    let unresolved = |sink: &mut Sink, at: Span, message: String, help: &str| {
        sink.push(
            sink.at(&registry::UNRESOLVED_EXPRESSION, at, message)
                .label("not read")
                .help(help.to_string()),
        );
        None
    };
    if depth > MAX_QUERY_DEPTH {
        return unresolved(
            sink,
            span,
            format!(
                "the query is reached through more than {MAX_QUERY_DEPTH} locals, so its KQL was not checked"
            ),
            WRITE_A_LITERAL,
        );
    }
    // What reading a local gave (noted where it failed), or `None` when `name` is no local of
    // this file.
    let local = |name: &str, sink: &mut Sink| -> Option<Option<Query>> {
        let target = cx.locals.get(name.strip_prefix("local.")?)?;
        Some(query(target, cx, sink, depth + 1))
    };
    match e {
        Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
            match decode(cx.text, span) {
                Decoded::Literal(text, map) => Some(Query { text, map, span }),
                Decoded::Template { at, only } => {
                    if let Some(read) = only.as_deref().and_then(|o| local(o, sink)) {
                        return read;
                    }
                    let shown: String = cx.text[at.start..at.end].chars().take(60).collect();
                    unresolved(
                        sink,
                        at,
                        format!("the query interpolates `{shown}`, so its KQL was not checked"),
                        WRITE_A_LITERAL,
                    )
                }
                Decoded::NotAString => None,
            }
        }
        Expression::Parenthesis(p) => query(p.inner(), cx, sink, depth),
        Expression::Traversal(_) => {
            let path = cx.text.get(span.start..span.end).unwrap_or("").trim();
            if let Some(read) = local(path, sink) {
                return read;
            }
            unresolved(
                sink,
                span,
                format!(
                    "the query is `{path}`, which is not a literal `locals` value here, so its KQL was not checked"
                ),
                WRITE_A_LITERAL,
            )
        }
        Expression::FuncCall(f)
            if matches!(f.name.name.value().as_str(), "file" | "templatefile") =>
        {
            unresolved(
                sink,
                span,
                format!(
                    "the query is read from a file by `{}()`, so its KQL was not checked here",
                    f.name.name.value().as_str()
                ),
                "lint the query file itself (`amlguard lint FILE.kql`), or the plan \
                 (`terraform show -json PLAN`), where the query is resolved",
            )
        }
        _ => unresolved(
            sink,
            span,
            "the query is computed by Terraform, so its KQL was not checked".to_string(),
            "lint the plan (`terraform show -json PLAN`), where the query is resolved",
        ),
    }
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

fn body_node(body: &Body, span: Span, cx: &mut Context, sink: &mut Sink) -> Node {
    let mut entries: Vec<(Key, Node)> = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) if a.key.value().as_str() == "query" => {
                let k = key("query", span_of(a.key.span()));
                if let Some(q) = query(&a.value, cx, sink, 0) {
                    let node = Node {
                        value: Value::String(q.text.clone()),
                        span: span_of(a.value.span()),
                    };
                    cx.queries.insert(node.span.start, q);
                    entries.push((k, node));
                }
            }
            Structure::Attribute(a) => {
                let k = key(a.key.value().as_str(), span_of(a.key.span()));
                if let Some(v) = expression(&a.value, &k.name, sink) {
                    entries.push((k, v));
                }
            }
            Structure::Block(b) => {
                let name = b.ident.value().as_str();
                let bspan = span_of(b.span());
                let node = body_node(&b.body, bspan, cx, sink);
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
        let rules = read(t, false, &mut sink);
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

    /// The rules of a file, and the sink that holds its findings.
    #[test]
    fn a_metric_alert_without_criteria_is_reported_at_its_labels() {
        let alert = |body: &str| {
            format!(
                "resource \"azurerm_monitor_metric_alert\" \"a\" {{\n  name = \"a\"\n{body}}}\n"
            )
        };
        for (body, want) in [
            ("", vec!["resource \"azurerm_monitor_metric_alert\" \"a\""]),
            (
                "  criterion {\n  }\n",
                vec!["resource \"azurerm_monitor_metric_alert\" \"a\""],
            ),
            ("  criteria {\n  }\n", vec![]),
            ("  dynamic_criteria {\n  }\n", vec![]),
            (
                "  application_insights_web_test_location_availability_criteria {\n  }\n",
                vec![],
            ),
            ("  dynamic \"criteria\" {\n  }\n", vec![]),
            ("  criteria = []\n", vec![]),
        ] {
            let t = alert(body);
            let (rules, sink) = read_all(&t);
            assert_eq!(rules.len(), 1, "{t}");
            let found: Vec<&str> = sink
                .findings
                .iter()
                .filter(|f| f.check.name == "missing-key")
                .map(|f| &t[f.span.start..f.span.end])
                .collect();
            assert_eq!(found, want, "{t}");
        }
        // Log alerts have their own reader's checks.
        let (_, sink) = read_all(
            "resource \"azurerm_monitor_scheduled_query_rules_alert_v2\" \"a\" {\n  name = \"a\"\n}\n",
        );
        assert!(
            sink.findings
                .iter()
                .all(|f| f.message != "`azurerm_monitor_metric_alert` has no `criteria` block")
        );
    }

    fn read_all(text: &str) -> (Vec<AlertRule>, Sink) {
        let mut sink = Sink::new(FileId(0));
        let rules = read(text, false, &mut sink);
        (rules, sink)
    }

    /// A log alert (v2) whose one criterion's query is `query`, written as HCL.
    fn v2_with_query(query: &str) -> String {
        format!(
            "resource \"azurerm_monitor_scheduled_query_rules_alert_v2\" \"a\" {{\n  name = \"a\"\n  criteria {{\n    query = {query}\n  }}\n}}\n"
        )
    }

    /// hcl-edit may stop inside a character: the finding covers that whole character.
    #[test]
    fn a_syntax_error_inside_a_character_covers_the_character() {
        for (text, at) in [("x1\"=.\" é", 7), ("é\".\n \n\\€", 8)] {
            let (rules, sink) = read_all(text);
            assert!(rules.is_empty());
            let [f] = &sink.findings[..] else {
                panic!("{:?}", sink.findings)
            };
            assert_eq!(f.check.name, "hcl-syntax", "{text:?}");
            let end = at + text[at..].chars().next().unwrap().len_utf8();
            assert_eq!((f.span.start, f.span.end), (at, end), "{text:?}");
        }
    }

    /// Parentheses are not levels: the parser allows 64 of them, and a query in 60 is read.
    #[test]
    fn a_query_in_deep_parentheses_is_read() {
        let query = format!("{}\"AmlComputeJobEvent\"{}", "(".repeat(60), ")".repeat(60));
        let (rules, sink) = read_all(&v2_with_query(&query));
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let q = rules[0].log.as_ref().unwrap().criteria[0].query.as_ref();
        assert_eq!(q.unwrap().text, "AmlComputeJobEvent");
    }

    /// `null` is an argument left unset, and parentheses hold their value: neither is a
    /// computed value to note.
    #[test]
    fn null_is_unset_and_parentheses_hold_their_value() {
        let t = r#"
resource "azurerm_monitor_metric_alert" "gpu" {
  name        = "gpu-idle"
  description = null
  severity    = (2)
  criteria {
    metric_namespace = "Microsoft.MachineLearningServices/workspaces"
    metric_name      = "GpuUtilization"
    aggregation      = "Average"
    operator         = "LessThan"
    threshold        = ((10))
  }
}
"#;
        let (rules, sink) = read_all(t);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let r = &rules[0];
        assert!(r.description.is_none());
        assert_eq!(r.severity.as_ref().unwrap().value, 2);
        let c = &r.criteria[0];
        let threshold = c.threshold.as_ref().unwrap();
        assert!(matches!(threshold, crate::model::Threshold::Static(v) if v.value == 10.0));
    }

    /// hcl-edit's message, which may span lines and end with a full stop, is one sentence.
    #[test]
    fn parser_messages_become_one_line() {
        assert_eq!(
            hcl_message(" expected `}`\n  found `=`. \n"),
            "expected `}`; found `=`"
        );
        assert_eq!(hcl_message("unexpected token."), "unexpected token");
        assert_eq!(hcl_message(" . "), "unexpected input");
        let (_, sink) = read_all("locals {\n  x = \n}\n");
        let [f] = &sink.findings[..] else {
            panic!("{:?}", sink.findings)
        };
        let m = f.message.strip_prefix("invalid Terraform (HCL): ").unwrap();
        assert!(!m.is_empty() && !m.contains('\n'), "{m:?}");
    }

    /// A query read from a file, and one computed otherwise, are each noted for what they are.
    #[test]
    fn a_query_that_is_not_written_here_is_noted_for_what_it_is() {
        for (expr, says) in [
            ("file(\"q.kql\")", "read from a file by `file()`"),
            (
                "templatefile(\"q.tpl\", {})",
                "read from a file by `templatefile()`",
            ),
            ("upper(\"x\")", "computed by Terraform"),
            ("var.query", "the query is `var.query`"),
        ] {
            let text = v2_with_query(expr);
            let (_, sink) = read_all(&text);
            let [f] = &sink.findings[..] else {
                panic!("{expr}: {:?}", sink.findings)
            };
            assert_eq!(f.check.name, "unresolved-expression");
            assert!(f.message.contains(says), "{expr}: {}", f.message);
            assert_eq!(&text[f.span.start..f.span.end], expr);
        }
    }

    /// A query may go through a chain of locals, eight deep at most: further is noted as
    /// not read (a chain of locals that refer to each other would otherwise never end).
    #[test]
    fn a_query_goes_through_locals_eight_deep() {
        let chain = |hops: usize| {
            let mut t = String::from("locals {\n");
            for i in 1..hops {
                t.push_str(&format!("  q{i} = local.q{}\n", i + 1));
            }
            t.push_str(&format!("  q{hops} = \"AmlComputeJobEvent\"\n}}\n"));
            t + &v2_with_query("local.q1")
        };
        // Locals that refer to each other: one note where the chain is given up.
        let cycle = chain(9).replace("q9 = \"AmlComputeJobEvent\"", "q9 = local.q1");
        let (_, sink) = read_all(&cycle);
        let names: Vec<&str> = sink.findings.iter().map(|f| f.check.name).collect();
        assert_eq!(names, ["unresolved-expression"]);
        for (hops, read_through) in [(8, true), (9, false)] {
            let (rules, sink) = read_all(&chain(hops));
            let c = &rules[0].log.as_ref().unwrap().criteria[0];
            assert_eq!(c.query.is_some(), read_through, "{hops} hops");
            let names: Vec<&str> = sink.findings.iter().map(|f| f.check.name).collect();
            if read_through {
                assert_eq!(c.query.as_ref().unwrap().text, "AmlComputeJobEvent");
                assert!(names.is_empty(), "{names:?}");
            } else {
                assert_eq!(names, ["unresolved-expression"], "{hops} hops");
                assert!(
                    sink.findings[0].message.contains("more than 8 locals"),
                    "{:?}",
                    sink.findings[0].message
                );
            }
        }
    }
}
