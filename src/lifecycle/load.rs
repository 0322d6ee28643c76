//! Reading lifecycle spec files with located diagnostics.

use crate::duration::Duration;
use crate::finding::{Finding, Sink};
use crate::registry;
use crate::schema::{self, MapReader};
use crate::source::{FileId, Span};
use crate::yaml::{self, Node, Value};

use super::{Agreement, FailureState, LifecycleSpec, Named, RecordCheck, Transition};

const SPEC_KEYS: &[&str] = &[
    "name",
    "description",
    "categories",
    "key",
    "state",
    "state-optional",
    "time",
    "states",
    "initial",
    "terminal",
    "transitions",
    "max-dwell",
    "agree",
    "checks",
];

pub fn read(text: &str, file: FileId) -> (Vec<LifecycleSpec>, Vec<Finding>) {
    let mut sink = Sink::new(file);
    let mut out = Vec::new();
    match yaml::parse(text) {
        Ok(None) => sink.push(sink.at(
            &registry::EMPTY_FILE,
            Span::new(0, 0),
            "the lifecycle file is empty",
        )),
        Err(e) => sink.push(
            sink.at(&registry::YAML_SYNTAX, e.span, e.message)
                .label("the YAML parser stopped here"),
        ),
        Ok(Some(doc)) => {
            if let Some(mut top) = MapReader::new(&doc, "a lifecycle file", &mut sink) {
                if let Some(list) = top.required("lifecycles", &mut sink) {
                    for item in
                        schema::list(list, "lifecycles", false, &mut sink).unwrap_or_default()
                    {
                        let before = sink.findings.len();
                        let read = spec(item, file, &mut sink);
                        let broken = sink.findings[before..]
                            .iter()
                            .any(|f| f.severity == crate::finding::Severity::Error);
                        // A spec with errors is reported, never used.
                        if let Some(spec) = read.filter(|_| !broken) {
                            out.push(spec);
                        }
                    }
                }
                top.finish(&["lifecycles"], &[], &mut sink);
            }
        }
    }
    (out, sink.findings)
}

/// A list of names: text, never numbers. A single name stands for a list of one where
/// `lenient` (state names in edges); with `nonempty`, an empty list is an error too.
fn names_of(node: &Node, what: &str, lenient: bool, nonempty: bool, sink: &mut Sink) -> Vec<Named> {
    let out: Vec<Named> = schema::list(node, what, lenient, sink)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| schema::text(n, what, sink))
        .map(|s| Named {
            name: s.value,
            span: s.span,
            source: None,
        })
        .collect();
    if nonempty && out.is_empty() && matches!(node.value, Value::Seq(_)) {
        sink.push(
            sink.at(
                &registry::INVALID_VALUE,
                node.span,
                format!("`{what}` is empty; a lifecycle needs at least one"),
            )
            .label("empty list"),
        );
    }
    out
}

fn names(node: &Node, what: &str, sink: &mut Sink) -> Vec<Named> {
    names_of(node, what, true, true, sink)
}

fn strings(r: &mut MapReader, key: &str, sink: &mut Sink) -> Vec<String> {
    r.get(key)
        .map(|(_, n)| {
            names_of(n, key, false, false, sink)
                .into_iter()
                .map(|n| n.name)
                .collect()
        })
        .unwrap_or_default()
}

fn text(r: &mut MapReader, key: &str, sink: &mut Sink) -> Option<String> {
    r.get(key)
        .and_then(|(_, n)| schema::string(n, key, sink))
        .map(|s| s.value)
}

fn spec(node: &Node, file: FileId, sink: &mut Sink) -> Option<LifecycleSpec> {
    let mut r = MapReader::new(node, "a lifecycle", sink)?;
    let name = r
        .required("name", sink)
        .and_then(|n| schema::text(n, "name", sink));
    let description = text(&mut r, "description", sink).unwrap_or_default();
    let categories = strings(&mut r, "categories", sink);
    let key = r
        .required("key", sink)
        .map(|n| names(n, "key", sink))
        .unwrap_or_default();
    let state = r
        .required("state", sink)
        .and_then(|n| schema::text(n, "state", sink));
    let state_optional = r
        .get("state-optional")
        .and_then(|(_, n)| schema::boolean(n, "state-optional", sink))
        .is_some_and(|b| b.value);
    let mut time = strings(&mut r, "time", sink);
    if time.is_empty() {
        time = vec!["TimeGenerated".into(), "time".into()];
    }
    let mut states = Vec::new();
    let mut failures = Vec::new();
    if let Some(list) = r.required("states", sink) {
        for item in schema::list(list, "states", false, sink).unwrap_or_default() {
            match &item.value {
                Value::Map(_) => {
                    if let Some(mut s) = MapReader::new(item, "a state", sink) {
                        let n = s
                            .required("name", sink)
                            .and_then(|n| schema::text(n, "name", sink));
                        let source = text(&mut s, "source", sink);
                        let failure = s
                            .get("failure")
                            .and_then(|(_, f)| schema::text(f, "failure", sink));
                        let metric = s
                            .get("metric")
                            .and_then(|(_, m)| schema::text(m, "metric", sink));
                        s.finish(&["name", "source", "failure", "metric"], &[], sink);
                        if let (Some(n), Some(why)) = (&n, failure) {
                            failures.push(FailureState {
                                state: n.value.clone(),
                                why: why.value,
                                metric: metric.map(|m| m.value),
                            });
                        } else if let Some(m) = metric {
                            sink.push(
                                sink.at(
                                    &registry::INVALID_VALUE,
                                    m.span,
                                    "`metric` names the metric that counts a failure state; this state has no `failure`",
                                )
                                .help("add `failure: WHY` to the state, or remove `metric`"),
                            );
                        }
                        if let Some(n) = n {
                            states.push(Named {
                                name: n.value,
                                span: n.span,
                                source,
                            });
                        }
                    }
                }
                _ => {
                    if let Some(n) = schema::text(item, "state", sink) {
                        states.push(Named {
                            name: n.value,
                            span: n.span,
                            source: None,
                        });
                    }
                }
            }
        }
    }
    let initial = r
        .required("initial", sink)
        .map(|n| names(n, "initial", sink))
        .unwrap_or_default();
    let terminal = r
        .get("terminal")
        .map(|(_, n)| names_of(n, "terminal", true, false, sink))
        .unwrap_or_default();
    let mut transitions = Vec::new();
    if let Some((_, list)) = r.get("transitions") {
        for item in schema::list(list, "transitions", false, sink).unwrap_or_default() {
            if let Some(mut t) = MapReader::new(item, "a transition", sink) {
                let from = t
                    .required("from", sink)
                    .map(|n| names(n, "from", sink))
                    .unwrap_or_default();
                let to = t
                    .required("to", sink)
                    .map(|n| names(n, "to", sink))
                    .unwrap_or_default();
                let source = text(&mut t, "source", sink);
                t.finish(&["from", "to", "source"], &[], sink);
                transitions.push(Transition { from, to, source });
            }
        }
    }
    let mut max_dwell = Vec::new();
    if let Some((_, n)) = r.get("max-dwell") {
        if let Value::Map(entries) = &n.value {
            for (k, v) in entries {
                let Some(d) = schema::string(v, "max-dwell", sink) else {
                    continue;
                };
                match Duration::parse(&d.value) {
                    Some(dur) => max_dwell.push((
                        Named {
                            name: k.name.clone(),
                            span: k.span,
                            source: None,
                        },
                        dur,
                    )),
                    None => sink.push(
                        sink.at(
                            &registry::INVALID_VALUE,
                            d.span,
                            format!("`{}` is not a duration", d.value),
                        )
                        .help("write PT2H, 90m, 1d …"),
                    ),
                }
            }
        } else {
            schema::wrong_type(
                sink,
                n,
                "max-dwell must be a mapping of state to duration",
                &n.value,
            );
        }
    }
    let agree = r.get("agree").and_then(|(_, n)| agreement(n, sink));
    let mut checks = Vec::new();
    if let Some((_, list)) = r.get("checks") {
        for item in schema::list(list, "checks", false, sink).unwrap_or_default() {
            if let Some(c) = check(item, sink) {
                checks.push(c);
            }
        }
    }
    r.finish(SPEC_KEYS, &[], sink);
    let name = name?;
    Some(LifecycleSpec {
        name: name.value,
        name_span: name.span,
        file,
        description,
        categories,
        key: key.into_iter().map(|k| k.name).collect(),
        state: state?.value,
        state_optional,
        time,
        states,
        initial,
        terminal,
        transitions,
        max_dwell,
        failures,
        agree,
        checks,
    })
}

fn agreement(node: &Node, sink: &mut Sink) -> Option<Agreement> {
    let mut r = MapReader::new(node, "an agreement", sink)?;
    let field = r
        .required("field", sink)
        .and_then(|n| schema::string(n, "field", sink));
    let source = text(&mut r, "source", sink).unwrap_or_default();
    let mut pairs = Vec::new();
    if let Some(n) = r.required("pairs", sink) {
        if let Value::Map(entries) = &n.value {
            for (k, v) in entries {
                if let Some(s) = schema::string(v, "state", sink) {
                    pairs.push((k.name.clone(), s.value));
                }
            }
        } else {
            schema::wrong_type(sink, n, "pairs must map a field value to a state", &n.value);
        }
    }
    r.finish(&["field", "source", "pairs"], &[], sink);
    Some(Agreement {
        field: field?.value,
        pairs,
        source,
    })
}

fn check(node: &Node, sink: &mut Sink) -> Option<RecordCheck> {
    let mut r = MapReader::new(node, "a record check", sink)?;
    let kind = r
        .required("kind", sink)
        .and_then(|n| schema::string(n, "kind", sink));
    let source = text(&mut r, "source", sink).unwrap_or_default();
    let fields = strings(&mut r, "fields", sink);
    let limit = text(&mut r, "limit", sink);
    r.finish(&["kind", "source", "fields", "limit"], &[], sink);
    let kind = kind?;
    match kind.value.as_str() {
        "non-negative" => Some(RecordCheck::NonNegative { fields, source }),
        "ordered" => Some(RecordCheck::Ordered { fields, source }),
        "at-most" => match limit {
            Some(limit) => Some(RecordCheck::AtMost {
                fields,
                limit,
                source,
            }),
            None => {
                sink.push(sink.at(
                    &registry::MISSING_KEY,
                    kind.span,
                    "an at-most check needs a `limit` field",
                ));
                None
            }
        },
        other => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    kind.span,
                    format!("unknown check kind `{other}`"),
                )
                .maybe_help(crate::suggest::did_you_mean(
                    other,
                    ["non-negative", "at-most", "ordered"],
                )),
            );
            None
        }
    }
}
