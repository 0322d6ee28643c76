//! Reads `rules/*.yaml` files into [`AlertRule`]s, reporting every problem with its location and
//! going on with the rest of the file.
//!
//! ```yaml
//! rules:
//!   - name: failed-runs
//!     severity: 1
//!     frequency: PT5M
//!     window: PT15M
//!     criteria:
//!       - metric: Failed Runs
//!         aggregation: Total
//!         operator: GreaterThan
//!         threshold: 0
//!         dimensions:
//!           - {name: RunType, operator: Include, values: [Experiment]}
//! ```

use crate::condition;
use crate::duration::Duration;
use crate::finding::{Finding, Sink};
use crate::registry;
use crate::schema::{self, MapReader, Sp};
use crate::source::{FileId, Span};
use crate::suggest;
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};
use crate::yaml::{self, Node, Value};

use super::target::{Hint, from_hints, type_of_resource_id};
use super::yaml_log;
use super::{Keep, Visit, Visited};
use crate::model::{AlertRule, Criterion, DimensionFilter, DynamicThreshold, Threshold};

const TOP_KEYS: &[&str] = &["rules"];
const RULE_KEYS: &[&str] = &[
    "name",
    "description",
    "severity",
    "enabled",
    "frequency",
    "window",
    "auto-mitigate",
    "scopes",
    "namespace",
    "criteria",
];
const CRITERION_KEYS: &[&str] = &[
    "condition",
    "metric",
    "namespace",
    "aggregation",
    "operator",
    "threshold",
    "dynamic",
    "dimensions",
    "skip-metric-validation",
];
const DYNAMIC_KEYS: &[&str] = &[
    "sensitivity",
    "evaluation-periods",
    "min-failing-periods",
    "ignore-data-before",
];
const DIMENSION_KEYS: &[&str] = &["name", "operator", "values"];

/// Keys spelt as ARM, Terraform or the CLI spell them, and what this format calls them.
pub(super) const ALIASES: &[(&str, &str)] = &[
    ("metricName", "metric"),
    ("metric_name", "metric"),
    ("metricNamespace", "namespace"),
    ("metric_namespace", "namespace"),
    ("timeAggregation", "aggregation"),
    ("evaluationFrequency", "frequency"),
    ("windowSize", "window"),
    ("window_size", "window"),
    ("autoMitigate", "auto-mitigate"),
    ("auto_mitigate", "auto-mitigate"),
    ("allOf", "criteria"),
    ("criterion", "criteria"),
    ("dimension", "dimensions"),
    ("skipMetricValidation", "skip-metric-validation"),
    ("skip_metric_validation", "skip-metric-validation"),
    ("alertSensitivity", "sensitivity"),
    ("alert_sensitivity", "sensitivity"),
    ("numberOfEvaluationPeriods", "evaluation-periods"),
    ("minFailingPeriodsToAlert", "min-failing-periods"),
    ("ignoreDataBefore", "ignore-data-before"),
    ("value", "values"),
    ("metricMeasureColumn", "measure-column"),
    ("metric_measure_column", "measure-column"),
    ("resourceIdColumn", "resource-id-column"),
    ("resource_id_column", "resource-id-column"),
    ("failingPeriods", "failing-periods"),
    ("failing_periods", "failing-periods"),
    ("time_aggregation_method", "aggregation"),
    ("overrideQueryTimeRange", "override-query-time-range"),
    ("query_time_range_override", "override-query-time-range"),
    ("muteActionsDuration", "mute-actions"),
    ("mute_actions_after_alert_duration", "mute-actions"),
    ("skipQueryValidation", "skip-query-validation"),
    ("skip_query_validation", "skip-query-validation"),
    ("targetResourceTypes", "target-resource-types"),
    ("target_resource_types", "target-resource-types"),
    ("evaluation_frequency", "frequency"),
    ("window_duration", "window"),
    ("auto_mitigation_enabled", "auto-mitigate"),
    ("number_of_evaluation_periods", "evaluation-periods"),
    (
        "minimum_failing_periods_to_trigger_alert",
        "min-failing-periods",
    ),
];

/// The rules of one file and what went wrong reading it.
#[derive(Debug, Default)]
pub struct ReadRules {
    pub rules: Vec<AlertRule>,
    pub findings: Vec<Finding>,
    /// Suppressions declared in the source other than by comments (ARM `metadata`).
    pub suppressions: Vec<crate::suppress::Suppression>,
}

/// Reads a rule file's text.
pub fn read(text: &str, file: FileId) -> ReadRules {
    read_visiting(text, file, &Keep).read
}

/// Reads a rule file's text, handing each rule to `visit` as it is read.
pub fn read_visiting<V: Visit>(text: &str, file: FileId, visit: &V) -> Visited<V::Part> {
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(read) = read_list(text, file, parts, SPLIT_ABOVE, visit) {
        // Every test run checks the list reader against the whole-tree reader.
        #[cfg(debug_assertions)]
        if text.len() <= 1 << 16 {
            let whole = read_whole(text, file);
            debug_assert_eq!(
                format!("{:?}", read.read.findings),
                format!("{:?}", whole.findings)
            );
            debug_assert_eq!(read.rules, whole.rules.len());
        }
        return read;
    }
    Visited::all(read_whole(text, file), visit)
}

/// Files this large are read in parts on every core; smaller ones on one.
const SPLIT_ABOVE: usize = 1 << 20;

/// Where the parts of a list whose items start at `starts` begin, and where the text ends: up
/// to `parts` parts, no more than one per `split_above` bytes, each beginning at the first item
/// past its share of the bytes.
fn cuts(starts: &[usize], len: usize, parts: usize, split_above: usize) -> Vec<usize> {
    let parts = parts.clamp(1, (len / split_above.max(1)).max(1));
    let first = starts[0];
    let mut cuts = vec![first];
    for k in 1..parts {
        let want = first + (len - first) * k / parts;
        if let Some(&at) = starts[starts.partition_point(|&s| s < want)..].first()
            && Some(&at) > cuts.last()
        {
            cuts.push(at);
        }
    }
    cuts.push(len);
    cuts
}

/// A rule file that is `rules:` and a block list of rules (what `amlguard generate rules` writes
/// and most hand-written files are) is read rule by rule as the parser reaches each, never
/// holding the whole YAML tree, and in up to `parts` parts in parallel when it is larger than
/// `split_above` bytes: the list is cut where a line starts a new item at the list's
/// indentation, which nothing inside an item can do. Findings and rules come out in file order,
/// as [`read_whole`] gives them. `None` when the file has another shape or a part is not plain
/// data (tags, anchors, a syntax error…): then [`read_whole`] reads it and reports what is wrong.
fn read_list<V: Visit>(
    text: &str,
    file: FileId,
    parts: usize,
    split_above: usize,
    visit: &V,
) -> Option<Visited<V::Part>> {
    let starts = item_starts(text)?;
    let first = starts[0];
    // What comes before the first item is comments and `rules:` (`item_starts` saw to that),
    // and must parse: a character YAML forbids, even in a comment, is the whole-tree reader's
    // to report.
    let (_, mut counts) = yaml::plain_part(text, 0..first)?;
    let cuts = cuts(&starts, text.len(), parts, split_above);
    let read_part = |range: std::ops::Range<usize>| {
        let mut sink = Sink::new(file);
        let mine = &starts[starts.partition_point(|&s| s < range.start)
            ..starts.partition_point(|&s| s < range.end)];
        let mut rules = Vec::new();
        let mut part = V::Part::default();
        let mut read = 0;
        let counts = yaml::each_item(text, mine, range.end, 1, |item| {
            if let Some(rule) = read_rule(&item, text, &mut sink) {
                read += 1;
                if let Some(rule) = visit.rule(&mut part, rule) {
                    // Room for the part's every rule once one is kept: rules are large.
                    if rules.is_empty() {
                        rules.reserve_exact(mine.len());
                    }
                    rules.push(rule);
                }
            }
        })?;
        Some((rules, sink.findings, counts, part, read))
    };
    let read: Vec<_> = if cuts.len() == 2 {
        vec![read_part(cuts[0]..cuts[1])]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = cuts
                .windows(2)
                .map(|w| {
                    let range = w[0]..w[1];
                    scope.spawn(move || read_part(range))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        })
    };
    let mut out = Visited::default();
    for part in read {
        let (mut rules, mut findings, part_counts, visited, read) = part?;
        if out.read.rules.is_empty() && !rules.is_empty() {
            out.read.rules.reserve_exact(starts.len());
        }
        out.read.rules.append(&mut rules);
        out.read.findings.append(&mut findings);
        out.parts.push(visited);
        out.rules += read;
        counts.add(part_counts);
    }
    counts.fit().then_some(out)
}

/// Where the items of the file's list start, when the file is comments, then `rules:` alone on
/// its line, then a block list whose every line at or left of the first item's dash starts an
/// item (or is blank or a comment). `None` for any other shape.
fn item_starts(text: &str) -> Option<Vec<usize>> {
    // The lines, each with its line break, found with one vectorised search.
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let mut from = 0;
    let mut lines = std::iter::from_fn(|| {
        let end = ends.next().or((from < text.len()).then_some(text.len()))?;
        let line = &text[from..end];
        from = end;
        Some(line)
    });
    let mut offset = 0;
    loop {
        let line = lines.next()?;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body == "rules:" {
            break;
        }
        let content = body.trim_start_matches(' ');
        if !(content.is_empty() || content.starts_with('#')) {
            return None;
        }
    }
    let mut indent = None;
    let mut starts = Vec::new();
    for line in lines {
        let at = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let content = body.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let n = body.len() - content.len();
        let list = *indent.get_or_insert(n);
        if n < list || content.starts_with('\t') {
            return None;
        }
        if n == list {
            if content == "-" || content.starts_with("- ") {
                starts.push(at);
            } else {
                return None;
            }
        }
    }
    (!starts.is_empty()).then_some(starts)
}

/// Whether the file is `rules:` and a block list, the shape [`read`] reads rule by rule.
pub(crate) fn is_rule_list(text: &str) -> bool {
    item_starts(text).is_some()
}

/// Reads a rule file from the YAML tree already parsed from its text.
pub(crate) fn read_tree(doc: &Node, text: &str, file: FileId) -> ReadRules {
    let mut sink = Sink::new(file);
    let mut rules = Vec::new();
    read_document(doc, text, &mut rules, &mut sink);
    ReadRules {
        rules,
        findings: sink.findings,
        suppressions: Vec::new(),
    }
}

/// Reads a rule file's text from its whole YAML tree.
fn read_whole(text: &str, file: FileId) -> ReadRules {
    let mut sink = Sink::new(file);
    let mut rules = Vec::new();
    match yaml::parse(text) {
        Ok(None) => sink.push(
            sink.at(
                &registry::EMPTY_FILE,
                Span::new(0, 0),
                "the file holds no rules",
            )
            .help("add a `rules:` list, or remove the file from the lint paths"),
        ),
        Err(e) => sink.push(
            sink.at(&registry::YAML_SYNTAX, e.span, e.message)
                .label("the YAML parser stopped here"),
        ),
        Ok(Some(doc)) => read_document(&doc, text, &mut rules, &mut sink),
    }
    ReadRules {
        rules,
        findings: sink.findings,
        suppressions: Vec::new(),
    }
}

fn read_document(doc: &Node, text: &str, rules: &mut Vec<AlertRule>, sink: &mut Sink) {
    let Some(mut top) = MapReader::new(doc, "a rule file", sink) else {
        return;
    };
    if let Some(list) = top.required("rules", sink) {
        match &list.value {
            Value::Seq(items) if items.is_empty() => sink.push(
                sink.at(
                    &registry::EMPTY_FILE,
                    list.span,
                    "the `rules:` list is empty",
                )
                .label("no rules here"),
            ),
            Value::Null => sink.push(
                sink.at(
                    &registry::EMPTY_FILE,
                    top.head_span(),
                    "the `rules:` list is empty",
                )
                .label("no rules here"),
            ),
            _ => {
                for item in schema::list(list, "rules", false, sink).unwrap_or_default() {
                    if let Some(rule) = read_rule(item, text, sink) {
                        rules.push(rule);
                    }
                }
            }
        }
    }
    top.finish(TOP_KEYS, ALIASES, sink);
}

fn read_rule(node: &Node, text: &str, sink: &mut Sink) -> Option<AlertRule> {
    let mut r = MapReader::new(node, "a rule", sink)?;
    let name = r
        .required("name", sink)
        .and_then(|n| schema::string(n, "name", sink));
    let description = r
        .get("description")
        .and_then(|(_, n)| schema::string(n, "description", sink));
    let severity = r
        .get("severity")
        .and_then(|(_, n)| schema::integer(n, "severity", sink));
    let enabled = r
        .get("enabled")
        .and_then(|(_, n)| schema::boolean(n, "enabled", sink));
    let frequency = r
        .get("frequency")
        .and_then(|(_, n)| duration(n, "frequency", sink));
    let window = r
        .get("window")
        .and_then(|(_, n)| duration(n, "window", sink));
    let auto_mitigate = r
        .get("auto-mitigate")
        .and_then(|(_, n)| schema::boolean(n, "auto-mitigate", sink));
    // What the rule is on: `namespace` (a metric namespace, i.e. a resource type), then the
    // resource ids of `scopes`; neither means the workspace.
    let mut hints = Vec::new();
    if let Some((_, n)) = r.get("namespace")
        && let Some(ns) = schema::string(n, "namespace", sink)
    {
        hints.push(Hint::Type(ns));
    }
    let mut scopes = Vec::new();
    if let Some((_, n)) = r.get("scopes") {
        for id in schema::string_list(n, "scopes", sink).unwrap_or_default() {
            scopes.push(id.clone());
            if type_of_resource_id(&id.value).is_none() {
                sink.push(
                    sink.at(
                        &registry::INVALID_VALUE,
                        id.span,
                        format!("`{}` is not a resource id", id.value),
                    )
                    .label("not a resource id")
                    .help("write /subscriptions/…/providers/Microsoft.MachineLearningServices/workspaces/NAME[/onlineEndpoints/NAME[/deployments/NAME]]"),
                );
            }
            hints.push(Hint::ResourceId(id));
        }
    }
    let target = from_hints(hints);
    let mut criteria = Vec::new();
    let list = r.required("criteria", sink);
    let items = list
        .map(|l| schema::list(l, "criteria", false, sink).unwrap_or_default())
        .unwrap_or_default();
    // A rule with a `query:` criterion, or a key only log rules have, is a log alert.
    let mut log = (items.iter().any(|n| yaml_log::is_log_criterion(n))
        || yaml_log::has_log_keys(node))
    .then(|| yaml_log::read_log_fields(&mut r, sink));
    if let Some(l) = &mut log {
        if let Some(list) = list
            && items.is_empty()
            && matches!(list.value, Value::Seq(_) | Value::Null)
        {
            sink.push(
                sink.at(
                    &registry::MISSING_KEY,
                    list.span,
                    "the rule has no criterion",
                )
                .label("empty criteria")
                .help("a log alert needs a criterion with a `query`"),
            );
        }
        let kind = l.kind.as_ref().map(|k| k.value);
        for item in items {
            if yaml_log::is_log_criterion(item) {
                if let Some(c) = yaml_log::read_log_criterion(item, text, kind, sink) {
                    l.criteria.push(c);
                }
            } else {
                sink.push(
                    sink.at(
                        &registry::MISSING_KEY,
                        item.span,
                        "a log alert's criterion needs a `query`",
                    )
                    .label("metric criterion in a log alert")
                    .help("a rule is either a metric alert or a log alert: give every criterion a `query`, or move this one to a metric rule"),
                );
            }
        }
    } else if let Some(list) = list {
        if items.is_empty() && matches!(list.value, Value::Seq(_) | Value::Null) {
            sink.push(
                sink.at(
                    &registry::MISSING_KEY,
                    list.span,
                    "the rule has no criterion",
                )
                .label("empty criteria")
                .help("a metric alert needs at least one criterion"),
            );
        }
        for item in items {
            if let Some(c) = read_criterion(item, text, sink) {
                criteria.push(c);
            }
        }
    }
    if let Some(l) = &mut log {
        l.scopes = scopes;
        r.finish(
            &[RULE_KEYS, yaml_log::LOG_RULE_KEYS].concat(),
            ALIASES,
            sink,
        );
    } else {
        r.finish(RULE_KEYS, ALIASES, sink);
    }
    Some(AlertRule {
        file: sink.file,
        span: node.span,
        name,
        description,
        severity,
        enabled,
        frequency,
        window,
        auto_mitigate,
        target,
        criteria,
        log,
        update: false,
        resource_group: None,
    })
}

pub(crate) fn duration(node: &Node, what: &str, sink: &mut Sink) -> Option<Sp<Duration>> {
    let text = schema::string(node, what, sink)?;
    match Duration::parse(&text.value) {
        Some(d) => Some(Sp::new(d, text.span)),
        None => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    text.span,
                    format!("`{}` is not a duration", text.value),
                )
                .label("expected a duration")
                .help(
                    "write an ISO 8601 duration such as `PT5M`, `PT1H`, `P1D`, or `5m`, `1h`, `1d`",
                ),
            );
            None
        }
    }
}

/// Reads a scalar into one of a fixed set of spellings, reporting the nearest otherwise.
pub(crate) fn keyword<T>(
    node: &Node,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
    spellings: impl IntoIterator<Item = &'static str> + Clone,
    sink: &mut Sink,
) -> Option<Sp<T>> {
    let text = schema::string(node, what, sink)?;
    match parse(text.value.trim()) {
        Some(v) => Some(Sp::new(v, text.span)),
        None => {
            let help = suggest::did_you_mean(&text.value, spellings.clone()).unwrap_or_else(|| {
                format!(
                    "accepted: {}",
                    spellings.into_iter().collect::<Vec<_>>().join(", ")
                )
            });
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    text.span,
                    format!("`{}` is not a valid {what}", text.value),
                )
                .label(format!("unknown {what}"))
                .help(help),
            );
            None
        }
    }
}

/// A criterion: a mapping of fields, a mapping with one `condition:` string, or the
/// condition string itself.
fn read_criterion(node: &Node, text: &str, sink: &mut Sink) -> Option<Criterion> {
    if let Value::String(s) = &node.value {
        return condition::embed::criterion_from_text(s, node.span, text, sink);
    }
    if let Value::Map(entries) = &node.value
        && let Some((_, cond)) = entries.iter().find(|(k, _)| k.name == "condition")
    {
        let mut r = MapReader::new(node, "a criterion", sink)?;
        r.get("condition");
        for (k, _) in entries.iter().filter(|(k, _)| k.name != "condition") {
            if CRITERION_KEYS.contains(&k.name.as_str()) {
                r.get(&k.name);
                sink.push(
                    sink.at(
                        &registry::INVALID_VALUE,
                        k.span,
                        format!("`{}` cannot be given with `condition`", k.name),
                    )
                    .label("conflicts with the condition")
                    .help("write it in the condition, or drop `condition` and use fields"),
                );
            }
        }
        r.finish(CRITERION_KEYS, ALIASES, sink);
        let s = schema::text(cond, "condition", sink)?;
        return condition::embed::criterion_from_text(&s.value, cond.span, text, sink);
    }
    let mut r = MapReader::new(node, "a criterion", sink)?;
    let metric = r
        .required("metric", sink)
        .and_then(|n| schema::string(n, "metric", sink));
    let namespace = r
        .get("namespace")
        .and_then(|(_, n)| schema::string(n, "namespace", sink));
    let aggregation = r.required("aggregation", sink).and_then(|n| {
        keyword(
            n,
            "aggregation",
            Aggregation::parse,
            Aggregation::spellings(),
            sink,
        )
    });
    let operator = r
        .required("operator", sink)
        .and_then(|n| keyword(n, "operator", Operator::parse, Operator::spellings(), sink));
    let threshold = read_threshold(&mut r, sink);
    let mut dimensions = Vec::new();
    if let Some((_, list)) = r.get("dimensions") {
        for item in schema::list(list, "dimensions", false, sink).unwrap_or_default() {
            if let Some(d) = read_dimension(item, sink) {
                dimensions.push(d);
            }
        }
    }
    let skip_metric_validation = r
        .get("skip-metric-validation")
        .and_then(|(_, n)| schema::boolean(n, "skip-metric-validation", sink));
    r.finish(CRITERION_KEYS, ALIASES, sink);

    let mut operator = operator;
    if matches!(threshold, Some(Threshold::Static(_)))
        && let Some(op) = &operator
        && op.value == Operator::GreaterOrLessThan
    {
        sink.push(
            sink.at(
                &registry::INVALID_VALUE,
                op.span,
                "`GreaterOrLessThan` needs a dynamic threshold",
            )
            .label("only for dynamic thresholds")
            .help("use GreaterThan or LessThan with a static threshold"),
        );
        operator = None;
    }
    Some(Criterion {
        span: node.span,
        metric: metric?,
        namespace,
        aggregation,
        operator,
        threshold,
        dimensions,
        skip_metric_validation,
    })
}

fn read_threshold(r: &mut MapReader, sink: &mut Sink) -> Option<Threshold> {
    let fixed = r.get("threshold");
    let dynamic = r.get("dynamic");
    match (fixed, dynamic) {
        (Some((_, n)), None) => schema::number(n, "threshold", sink).map(Threshold::Static),
        (None, Some((_, n))) => read_dynamic(n, sink).map(Threshold::Dynamic),
        (Some((_, _)), Some((k, _))) => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    k.span,
                    "a criterion has either a `threshold` or a `dynamic` threshold, not both",
                )
                .label("second threshold"),
            );
            None
        }
        (None, None) => {
            if r.misspelt("threshold") || r.misspelt("dynamic") {
                return None;
            }
            sink.push(
                sink.at(
                    &registry::MISSING_KEY,
                    r.head_span(),
                    "a criterion has no `threshold`",
                )
                .label("this criterion needs `threshold` (a number) or `dynamic`"),
            );
            None
        }
    }
}

fn read_dynamic(node: &Node, sink: &mut Sink) -> Option<DynamicThreshold> {
    let mut r = MapReader::new(node, "a dynamic threshold", sink)?;
    let sensitivity = r.required("sensitivity", sink).and_then(|n| {
        keyword(
            n,
            "sensitivity",
            Sensitivity::parse,
            ["Low", "Medium", "High"],
            sink,
        )
    });
    let evaluation_periods = r
        .required("evaluation-periods", sink)
        .and_then(|n| schema::integer(n, "evaluation-periods", sink));
    let min_failing_periods = r
        .required("min-failing-periods", sink)
        .and_then(|n| schema::integer(n, "min-failing-periods", sink));
    let ignore_data_before = r
        .get("ignore-data-before")
        .and_then(|(_, n)| schema::string(n, "ignore-data-before", sink));
    r.finish(DYNAMIC_KEYS, ALIASES, sink);
    Some(DynamicThreshold {
        span: node.span,
        sensitivity,
        evaluation_periods,
        min_failing_periods,
        ignore_data_before,
    })
}

pub(super) fn read_dimension(node: &Node, sink: &mut Sink) -> Option<DimensionFilter> {
    let mut r = MapReader::new(node, "a dimension filter", sink)?;
    let name = r
        .required("name", sink)
        .and_then(|n| schema::string(n, "dimension name", sink));
    let operator = match r.get("operator") {
        Some((_, n)) => keyword(
            n,
            "dimension operator",
            DimensionOperator::parse,
            ["Include", "Exclude", "StartsWith"],
            sink,
        ),
        None => Some(Sp::new(DimensionOperator::Include, r.head_span())),
    };
    let values = r.required("values", sink).and_then(|n| {
        let values = schema::string_list(n, "values", sink)?;
        if values.is_empty() {
            sink.push(
                sink.at(
                    &registry::MISSING_KEY,
                    n.span,
                    "a dimension filter has no values",
                )
                .label("empty list")
                .help("list the values to match, or `*` for all"),
            );
            return None;
        }
        Some(values)
    });
    r.finish(DIMENSION_KEYS, ALIASES, sink);
    Some(DimensionFilter {
        span: node.span,
        name: name?,
        operator,
        values: values.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &ReadRules) -> Vec<&str> {
        r.findings.iter().map(|f| f.check.name).collect()
    }

    /// Rules as `amlguard generate rules` writes them, with a mistake planted every 7th, and
    /// items that a cut must not split or misread: block scalars, comments, blank lines, an item
    /// started by a bare dash, a flow mapping.
    fn list_file(n: usize) -> String {
        let mut text = crate::generate::rules_yaml(n, 3, 7);
        text.push_str(
            "  # a comment at the list's indentation\n\n  -\n    name: block\n    description: |\n      \
             - not an item\n      line two\n    severity: 2\n    frequency: PT5M\n    window: PT5M\n    \
             criteria: [{metric: Failed Runs, aggregation: Total, operator: GreaterThan, \
             threshold: 0}]\n  - {name: flow, criteria: []}\n",
        );
        text
    }

    /// Read in any number of parts, a list gives what the whole-tree reader gives, in the same
    /// order.
    #[test]
    fn a_list_read_in_parts_is_read_as_a_whole() {
        let text = list_file(40);
        let whole = format!("{:?}", read_whole(&text, FileId(0)));
        for parts in [1, 2, 3, 8, 64] {
            let read = read_list(&text, FileId(0), parts, 1, &Keep).expect("a plain list");
            assert_eq!(format!("{:?}", read.read), whole, "{parts} parts");
            assert_eq!(read.rules, 42);
        }
    }

    #[test]
    fn parts_begin_at_the_first_item_past_their_share() {
        let starts: Vec<usize> = (5..100).step_by(10).collect();
        assert_eq!(cuts(&starts, 105, 2, 1), [5, 55, 105]);
        assert_eq!(cuts(&starts, 105, 3, 1), [5, 45, 75, 105]);
        // No more parts than one per `split_above` bytes.
        assert_eq!(cuts(&starts, 105, 3, 50), [5, 55, 105]);
        assert_eq!(cuts(&starts, 105, 3, 1000), [5, 105]);
        // Never an empty part.
        assert_eq!(cuts(&[0, 10], 20, 8, 1), [0, 10, 20]);
    }

    /// A block scalar that ends an item takes in the next item's indentation when the whole
    /// list is parsed; read item by item, it does too.
    #[test]
    fn a_block_scalar_ending_an_item_spans_as_in_the_whole_list() {
        let text = "rules:\n  - name: a\n    description: |\n      x\n  - name: b\n    description: >\n      y\n\n  # c\n  - name: c\n";
        let read = read_list(text, FileId(0), 1, 1, &Keep).expect("a plain list");
        let whole = read_whole(text, FileId(0));
        assert_eq!(format!("{:?}", read.read), format!("{whole:?}"));
        let end = whole.rules[0].span.end;
        assert_eq!(&text[end - 4..end], "x\n  ", "{end}");
    }

    /// Takes the names of the rules it visits, and drops the rules.
    struct Names;

    impl Visit for Names {
        type Part = Vec<String>;
        fn rule(&self, part: &mut Vec<String>, rule: AlertRule) -> Option<AlertRule> {
            part.push(rule.display_name().to_string());
            None
        }
    }

    /// A visitor sees every rule once, its parts in file order, and keeps only what it gives
    /// back; the findings are the whole-tree reader's.
    #[test]
    fn a_visitor_sees_each_rule_once_in_file_order() {
        let text = list_file(40);
        let whole = read_whole(&text, FileId(0));
        let names: Vec<String> = whole
            .rules
            .iter()
            .map(|r| r.display_name().to_string())
            .collect();
        for parts in [1, 2, 3, 8, 64] {
            let read = read_list(&text, FileId(0), parts, 1, &Names).expect("a plain list");
            assert!(read.read.rules.is_empty());
            assert_eq!(read.rules, 42);
            assert_eq!(read.parts.concat(), names, "{parts} parts");
            assert_eq!(
                format!("{:?}", read.read.findings),
                format!("{:?}", whole.findings)
            );
        }
        assert!(!whole.findings.is_empty());
        // Read whole (not a plain list), the rules are visited in order all the same.
        let tree = format!("{text}other: 1\n");
        let read = read_visiting(&tree, FileId(0), &Names);
        assert_eq!((read.rules, read.parts.concat()), (42, names));
    }

    /// Files of another shape, or with anything but plain data in a part, are left to the
    /// whole-tree reader, which reports what is wrong with them.
    #[test]
    fn other_shapes_are_read_whole() {
        for text in [
            "rules: []\n",
            "alerts:\n  - name: a\n",
            "rules: x\n  - name: a\n",
            "rules:\n  - name: a\nother: 1\n",
            "# c\nrules: # c\n  - name: a\n",
            "rules:\n  - name: a\n - name: b\n",
            "rules:\n  - &a {name: a}\n  - *a\n",
            "rules:\n  - name: a\n  - name: \"b\n  - name: c\"\n",
            "rules:\n  - name: a\n\t- name: b\n",
            "rules:\n  - name: a\n    name: b\n",
            // A control character in a comment before the list (found by fuzzing).
            "# x\u{1}\nrules:\n  - name: a\n",
            "rules:\n# \u{1}\n  - name: a\n",
            "rules: \n  - name: a\n",
        ] {
            assert!(
                read_list(text, FileId(0), 2, 1, &Keep).is_none(),
                "{text:?}"
            );
        }
        assert!(read_list("# c\n\nrules:\n- name: a\n", FileId(0), 2, 1, &Keep).is_some());
        // A line left of the list, or a tab before an item, ends the shape.
        assert_eq!(item_starts("rules:\n  - name: a\nother: 1\n"), None);
        assert_eq!(item_starts("rules:\n  - name: a\n\t- name: b\n"), None);
        // The last line needs no line break.
        let text = "rules:\n  - name: a\n  - name: b";
        assert_eq!(item_starts(text), Some(vec![7, 19]));
        let read = read_list(text, FileId(0), 2, 1, &Keep).expect("a plain list");
        assert_eq!(read.rules, 2);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Wherever the parts are cut, and whatever the file's lines hold, the list reader gives
        /// the whole-tree reader's rules and findings or leaves the file to it.
        #[test]
        fn list_reading_matches_the_whole_tree(
            n in 1usize..30,
            parts in 1usize..6,
            edits in proptest::collection::vec((0usize..4000, 0usize..6), 0..4),
        ) {
            let mut text = list_file(n);
            for (at, what) in edits {
                let mut at = at.min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let insert = ["\n  - ", "\n", "\"", "  ", "\n# x\n", ": "][what];
                text.insert_str(at, insert);
            }
            if let Some(read) = read_list(&text, FileId(0), parts, 1, &Keep) {
                proptest::prop_assert_eq!(
                    format!("{:?}", read.read),
                    format!("{:?}", read_whole(&text, FileId(0))),
                    "{:?}", text
                );
            }
        }
    }

    #[test]
    fn reads_a_complete_rule() {
        let text = "rules:\n  - name: a\n    severity: 1\n    frequency: 5m\n    window: PT15M\n    criteria:\n      - metric: Failed Runs\n        aggregation: total\n        operator: '>'\n        threshold: 0\n        dimensions:\n          - {name: RunType, values: [Experiment, StepRun]}\n";
        let r = read(text, FileId(0));
        assert!(r.findings.is_empty(), "{:#?}", r.findings);
        let rule = &r.rules[0];
        assert_eq!(rule.frequency.as_ref().unwrap().value, Duration(300));
        let c = &rule.criteria[0];
        assert_eq!(c.aggregation.as_ref().unwrap().value, Aggregation::Total);
        assert_eq!(c.operator.as_ref().unwrap().value, Operator::GreaterThan);
        assert_eq!(c.dimensions[0].values.len(), 2);
        assert_eq!(&text[c.metric.span.start..c.metric.span.end], "Failed Runs");
    }

    #[test]
    fn reports_every_problem_and_keeps_going() {
        let text = "rules:\n  - name: a\n    severity: high\n    windowSize: PT5M\n    criteria:\n      - metric: X\n        aggregation: Sum\n        operator: '>'\n  - name: b\n    criteria: []\n";
        let r = read(text, FileId(0));
        assert_eq!(
            names(&r),
            [
                "wrong-type",
                "invalid-value",
                "missing-key",
                "unknown-key",
                "missing-key"
            ]
        );
        assert_eq!(r.rules.len(), 2);
        let alias = &r.findings[3];
        assert_eq!(alias.help.as_deref(), Some("this format calls it `window`"));
    }

    /// A misspelt threshold key is reported once, as misspelt, not also as a missing threshold.
    #[test]
    fn a_misspelt_threshold_is_not_also_missing() {
        for key in ["treshold: 3", "dynamc: {sensitivity: Medium}"] {
            let text = format!(
                "rules:\n  - name: a\n    severity: 1\n    frequency: 5m\n    window: 5m\n    criteria:\n      - metric: Failed Runs\n        aggregation: total\n        operator: '>'\n        {key}\n"
            );
            let r = read(&text, FileId(0));
            assert_eq!(names(&r), ["unknown-key"], "{key}");
        }
    }

    #[test]
    fn empty_inputs_are_reported() {
        assert_eq!(names(&read("", FileId(0))), ["empty-file"]);
        assert_eq!(names(&read("rules: []\n", FileId(0))), ["empty-file"]);
        assert_eq!(names(&read("rules:\n", FileId(0))), ["empty-file"]);
        assert_eq!(names(&read("- a\n", FileId(0))), ["wrong-type"]);
    }
}
