//! Reading a rule unit-test file, with a located finding for every problem. A group or an alert
//! test with errors is dropped (reported, never run half-read); the rest of the file still runs.
//!
//! ```yaml
//! rule_files: [../recommended.yaml]   # relative to this file
//! evaluation_interval: 1m             # frequency of rules that set none (default 1m)
//! tests:
//!   - name: failed runs page
//!     interval: 1m                    # spacing of input values (default 1m)
//!     start: 2026-01-01T00:00:00Z     # time of the first value (default 1970-01-01T00:00:00Z)
//!     input_series:
//!       - metric: Failed Runs
//!         dimensions: {RunType: Experiment}
//!         values: 0 0 1+1x3 _x5
//!     alert_rule_test:
//!       - eval_time: 5m
//!         alertname: aml-failed-runs
//!         exp_alerts:
//!           - dimensions: {RunType: Experiment}
//!             value: 3                # optional: the value that crossed the threshold
//!             fired_at: 3m            # optional: when it fired, from `start`
//! ```

use crate::condition::embed::scalar_map;
use crate::duration::Duration;
use crate::evaluate::{Dims, Minute};
use crate::finding::{Severity, Sink};
use crate::registry;
use crate::schema::{self, MapReader, Sp};
use crate::source::{FileId, Span};
use crate::yaml::{self, Node, Value};

use super::series;

/// A parsed test file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFile {
    pub file: FileId,
    pub rule_files: Vec<Sp<String>>,
    /// The frequency of rules that state none.
    pub evaluation_interval: Option<Duration>,
    pub groups: Vec<TestGroup>,
}

/// One entry of `tests`: input series and the alert tests run on them.
#[derive(Debug, Clone, PartialEq)]
pub struct TestGroup {
    pub name: Option<String>,
    /// Where the group starts (its first key), for findings about the whole group.
    pub span: Span,
    /// Minutes between two input values.
    pub interval: Minute,
    /// The minute of the first input value.
    pub start: Minute,
    pub input: Vec<InputSeries>,
    pub cases: Vec<AlertCase>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputSeries {
    pub metric: Sp<String>,
    pub dims: Dims,
    /// One entry per interval: a sample or a gap.
    pub values: Vec<Option<f64>>,
}

/// One entry of `alert_rule_test`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertCase {
    /// The `eval_time` value: where a failure is reported.
    pub span: Span,
    /// Minutes after the group's start.
    pub eval_time: Minute,
    pub alertname: Sp<String>,
    pub expected: Vec<ExpectedAlert>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedAlert {
    pub dims: Dims,
    pub value: Option<f64>,
    /// Minutes after the group's start.
    pub fired_at: Option<Minute>,
}

const TOP_KEYS: &[&str] = &["rule_files", "evaluation_interval", "tests"];
const GROUP_KEYS: &[&str] = &[
    "name",
    "interval",
    "start",
    "input_series",
    "alert_rule_test",
];
const SERIES_KEYS: &[&str] = &["metric", "dimensions", "values"];
const CASE_KEYS: &[&str] = &["eval_time", "alertname", "exp_alerts"];
const ALERT_KEYS: &[&str] = &["dimensions", "value", "fired_at"];

/// Reads a test file. `None` when nothing of it can run (not YAML, no `tests`).
pub fn read(text: &str, file: FileId) -> (Option<TestFile>, Vec<crate::finding::Finding>) {
    let mut sink = Sink::new(file);
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            sink.push(sink.at(
                &registry::EMPTY_FILE,
                Span::new(0, 0),
                "the test file is empty",
            ));
            return (None, sink.findings);
        }
        Err(e) => {
            sink.push(
                sink.at(&registry::YAML_SYNTAX, e.span, e.message)
                    .label("the YAML parser stopped here"),
            );
            return (None, sink.findings);
        }
    };
    let Some(mut top) = MapReader::new(&doc, "a test file", &mut sink) else {
        return (None, sink.findings);
    };
    let rule_files = top
        .required("rule_files", &mut sink)
        .and_then(|n| schema::string_list(n, "rule_files", &mut sink))
        .unwrap_or_default();
    let evaluation_interval = top
        .get("evaluation_interval")
        .and_then(|(_, n)| minutes(n, "evaluation_interval", false, &mut sink))
        .map(|m| Duration::minutes(m as u64));
    let mut groups = Vec::new();
    if let Some(list) = top.required("tests", &mut sink) {
        for item in schema::list(list, "tests", false, &mut sink).unwrap_or_default() {
            if let Some(g) = group(item, text, &mut sink) {
                groups.push(g);
            }
        }
    }
    top.finish(
        TOP_KEYS,
        &[("evaluationInterval", "evaluation_interval")],
        &mut sink,
    );
    let file = TestFile {
        file,
        rule_files,
        evaluation_interval,
        groups,
    };
    (Some(file), sink.findings)
}

/// Errors pushed since `before`.
fn failed_since(sink: &Sink, before: usize) -> bool {
    sink.findings[before..]
        .iter()
        .any(|f| f.severity == Severity::Error)
}

fn group(node: &Node, text: &str, sink: &mut Sink) -> Option<TestGroup> {
    let before = sink.findings.len();
    let mut r = MapReader::new(node, "a test group", sink)?;
    let span = r.head_span();
    let name = r
        .get("name")
        .and_then(|(_, n)| schema::string(n, "name", sink))
        .map(|n| n.value);
    let interval = r
        .get("interval")
        .and_then(|(_, n)| minutes(n, "interval", false, sink))
        .unwrap_or(1);
    let start = r
        .get("start")
        .and_then(|(_, n)| start(n, sink))
        .unwrap_or(0);
    let mut input: Vec<InputSeries> = Vec::new();
    if let Some((_, list)) = r.get("input_series") {
        for item in schema::list(list, "input_series", false, sink).unwrap_or_default() {
            let Some(s) = input_series(item, text, sink) else {
                continue;
            };
            let key = identity(&s);
            if input.iter().any(|other| identity(other) == key) {
                sink.push(
                    sink.at(
                        &registry::DUPLICATE_INPUT_SERIES,
                        s.metric.span,
                        format!(
                            "a second input series of `{}` with the same dimension values",
                            s.metric.value
                        ),
                    )
                    .label("same series as an earlier one")
                    .help("merge the two series, or give them different dimension values"),
                );
                continue;
            }
            input.push(s);
        }
    }
    let mut cases = Vec::new();
    if let Some(list) = r.required("alert_rule_test", sink) {
        for item in schema::list(list, "alert_rule_test", false, sink).unwrap_or_default() {
            if let Some(c) = case(item, sink) {
                cases.push(c);
            }
        }
    }
    r.finish(GROUP_KEYS, &[("input", "input_series")], sink);
    // A group whose series could not all be read would run on the wrong data.
    if failed_since(sink, before) {
        return None;
    }
    Some(TestGroup {
        name,
        span,
        interval,
        start,
        input,
        cases,
    })
}

/// A series' identity: its metric (case-insensitively, as Azure names metrics) and its
/// dimension values (names case-insensitively).
fn identity(s: &InputSeries) -> (String, Vec<(String, String)>) {
    (
        s.metric.value.to_lowercase(),
        s.dims
            .iter()
            .map(|(k, v)| (k.to_lowercase(), v.clone()))
            .collect(),
    )
}

fn input_series(node: &Node, text: &str, sink: &mut Sink) -> Option<InputSeries> {
    let mut r = MapReader::new(node, "an input series", sink)?;
    let metric = r
        .required("metric", sink)
        .and_then(|n| schema::text(n, "metric", sink));
    let dims = r
        .get("dimensions")
        .and_then(|(_, n)| dimensions(n, sink))
        .unwrap_or_default();
    let values = r
        .required("values", sink)
        .and_then(|n| values(n, text, sink));
    r.finish(
        SERIES_KEYS,
        &[("series", "metric"), ("labels", "dimensions")],
        sink,
    );
    Some(InputSeries {
        metric: metric?,
        dims,
        values: values?,
    })
}

/// `values`: the series notation, with an error at the exact term that does not parse.
fn values(node: &Node, text: &str, sink: &mut Sink) -> Option<Vec<Option<f64>>> {
    // A plain scalar that YAML reads as a number is taken as written: `0x30` is thirty-one
    // zeros here, not the hexadecimal 48.
    let notation = match &node.value {
        Value::Int(_) | Value::Float(_) => Sp::new(
            text.get(node.span.start..node.span.end)
                .unwrap_or_default()
                .to_string(),
            node.span,
        ),
        _ => schema::string(node, "values", sink)?,
    };
    match series::parse(&notation.value) {
        Ok(terms) => {
            let terms: Vec<series::Term> = terms.into_iter().map(|t| t.term).collect();
            Some(series::expand(&terms))
        }
        Err(e) => {
            let span = match scalar_map(text, node.span, &notation.value) {
                Some(offsets) => {
                    let last = offsets.len() - 1;
                    Span::new(
                        offsets[e.span.start.min(last)],
                        offsets[e.span.end.min(last)],
                    )
                }
                None => node.span,
            };
            sink.push(
                sink.at(&registry::SERIES_SYNTAX, span, e.message)
                    .label("this term")
                    .maybe_help(e.help),
            );
            None
        }
    }
}

/// `{NAME: VALUE, …}`: dimension values as text (`0` is the text "0").
fn dimensions(node: &Node, sink: &mut Sink) -> Option<Dims> {
    let Value::Map(entries) = &node.value else {
        schema::wrong_type(
            sink,
            node,
            "dimensions must map a dimension name to its value",
            &node.value,
        );
        return None;
    };
    let mut dims = Dims::new();
    for (k, v) in entries {
        if let Some(value) = schema::string(v, "a dimension value", sink) {
            dims.insert(k.name.clone(), value.value);
        }
    }
    Some(dims)
}

fn case(node: &Node, sink: &mut Sink) -> Option<AlertCase> {
    let before = sink.findings.len();
    let mut r = MapReader::new(node, "an alert test", sink)?;
    let eval = r.required("eval_time", sink);
    let eval_time = eval.and_then(|n| minutes(n, "eval_time", true, sink));
    let alertname = r
        .required("alertname", sink)
        .and_then(|n| schema::string(n, "alertname", sink));
    let mut expected = Vec::new();
    // A missing `exp_alerts` means none, as in promtool.
    if let Some((_, list)) = r.get("exp_alerts")
        && !matches!(list.value, Value::Null)
    {
        for item in schema::list(list, "exp_alerts", false, sink).unwrap_or_default() {
            if let Some(a) = expected_alert(item, sink) {
                expected.push(a);
            }
        }
    }
    r.finish(
        CASE_KEYS,
        &[("alert", "alertname"), ("alerts", "exp_alerts")],
        sink,
    );
    if failed_since(sink, before) {
        return None;
    }
    Some(AlertCase {
        span: eval?.span,
        eval_time: eval_time?,
        alertname: alertname?,
        expected,
    })
}

fn expected_alert(node: &Node, sink: &mut Sink) -> Option<ExpectedAlert> {
    let mut r = MapReader::new(node, "an expected alert", sink)?;
    let dims = r
        .get("dimensions")
        .and_then(|(_, n)| dimensions(n, sink))
        .unwrap_or_default();
    let value = r
        .get("value")
        .and_then(|(_, n)| schema::number(n, "value", sink))
        .map(|v| v.value);
    let fired_at = r
        .get("fired_at")
        .and_then(|(_, n)| minutes(n, "fired_at", true, sink));
    r.finish(
        ALERT_KEYS,
        &[("exp_labels", "dimensions"), ("labels", "dimensions")],
        sink,
    );
    Some(ExpectedAlert {
        dims,
        value,
        fired_at,
    })
}

/// A duration in whole minutes (`5m`, `PT1H`); zero only where `zero` allows it.
fn minutes(node: &Node, what: &str, zero: bool, sink: &mut Sink) -> Option<Minute> {
    let text = schema::string(node, what, sink)?;
    let parsed = if text.value.trim() == "0" {
        Some(Duration(0))
    } else {
        Duration::parse(&text.value)
    };
    let d = match parsed {
        Some(d) if d.0 % 60 == 0 && (zero || d.0 > 0) => d,
        Some(_) => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    text.span,
                    format!(
                        "{what} `{}` is not a {}whole number of minutes",
                        text.value,
                        if zero { "" } else { "positive " }
                    ),
                )
                .label("Azure metrics have 1-minute grain")
                .help("write 1m, 5m, PT1H …"),
            );
            return None;
        }
        None => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    text.span,
                    format!("`{}` is not a duration", text.value),
                )
                .help("write 1m, 5m, PT1H …"),
            );
            return None;
        }
    };
    // A test spans minutes to days; more than a century is a typo.
    const MAX_MINUTES: u64 = 100 * 366 * 24 * 60;
    let m = d.0 / 60;
    if m > MAX_MINUTES {
        sink.push(
            sink.at(
                &registry::INVALID_VALUE,
                text.span,
                format!("{what} `{}` is more than a century", text.value),
            )
            .label("too long"),
        );
        return None;
    }
    Some(m as Minute)
}

/// `start`: an RFC 3339 time on a whole minute, or Unix seconds (a multiple of 60).
fn start(node: &Node, sink: &mut Sink) -> Option<Minute> {
    let seconds = match &node.value {
        Value::Int(s) => Some(*s),
        Value::String(s) => s
            .trim()
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.as_second()),
        _ => None,
    };
    match seconds {
        Some(s) if s.rem_euclid(60) == 0 => Some(s.div_euclid(60)),
        Some(_) => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    node.span,
                    "`start` is not on a whole minute",
                )
                .label("Azure metrics have 1-minute grain")
                .help("write a time such as 2026-01-01T10:00:00Z"),
            );
            None
        }
        None => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    node.span,
                    "`start` is not an RFC 3339 time or Unix seconds",
                )
                .help("write a time such as 2026-01-01T10:00:00Z"),
            );
            None
        }
    }
}
