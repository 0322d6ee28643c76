//! Reading a catalog file (the built-in one or a user's `--catalog`) and merging it into a
//! [`Catalog`]: an entry whose name matches an existing one (display or REST name,
//! case-insensitively) overrides the fields it gives and extends its lists; others are added.

use crate::finding::{Finding, Sink};
use crate::registry;
use crate::schema::{self, MapReader, Sp};
use crate::source::{FileId, Span};
use crate::suggest;
use crate::vocab::Aggregation;
use crate::yaml::{self, Node};

use super::*;

mod definitions;
mod schedules;

const TOP_KEYS: &[&str] = &[
    "namespace",
    "sources",
    "groups",
    "metrics",
    "dimensions",
    "activity-operations",
    "categories",
    "tables",
    "alert-schedules",
];

/// Source id given to entries of a user catalog that cite nothing.
const USER_SOURCE: &str = "user";

/// Parses `text` and merges it into `catalog`. Returns the problems found, located in `file`.
pub fn load_into(catalog: &mut Catalog, text: &str, file: FileId, builtin: bool) -> Vec<Finding> {
    let mut sink = Sink::new(file);
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            sink.push(sink.at(
                &registry::EMPTY_FILE,
                Span::new(0, 0),
                "the catalog file is empty",
            ));
            return sink.findings;
        }
        Err(e) => {
            sink.push(
                sink.at(&registry::YAML_SYNTAX, e.span, e.message)
                    .label("here"),
            );
            return sink.findings;
        }
    };
    let namespace = catalog.namespace.clone();
    let mut loader = Loader {
        catalog,
        sink: &mut sink,
        builtin,
        namespace,
    };
    if definitions::is_definitions(&doc) {
        loader.user_source();
        loader.definitions(&doc);
    } else {
        loader.document(&doc);
    }
    loader.catalog.reindex();
    sink.findings
}

struct Loader<'c, 's> {
    catalog: &'c mut Catalog,
    sink: &'s mut Sink,
    builtin: bool,
    /// The namespace of this file's entries that do not name one (its top-level `namespace`).
    namespace: String,
}

impl Loader<'_, '_> {
    fn document(&mut self, doc: &Node) {
        let Some(mut top) = MapReader::new(doc, "a catalog file", self.sink) else {
            return;
        };
        if let Some((_, n)) = top.get("namespace")
            && let Some(ns) = schema::text(n, "namespace", self.sink)
        {
            if self.builtin {
                self.catalog.namespace = ns.value.clone();
            }
            self.namespace = ns.value;
        }
        self.user_source();
        // Order matters: sources before citations, groups before metrics, metrics before dimensions.
        self.each(&mut top, "sources", "a source", Self::source);
        self.each(&mut top, "groups", "a group", Self::group);
        self.each(&mut top, "metrics", "a metric", Self::metric);
        self.catalog.reindex();
        self.each(&mut top, "dimensions", "a dimension", Self::dimension);
        self.each(
            &mut top,
            "activity-operations",
            "an activity-log operation",
            Self::operation,
        );
        self.each(
            &mut top,
            "categories",
            "a resource-log category",
            Self::category,
        );
        self.each(&mut top, "tables", "a table", Self::table);
        if let Some((_, node)) = top.get("alert-schedules") {
            self.alert_schedules(node);
        }
        top.finish(TOP_KEYS, &[], self.sink);
    }

    fn user_source(&mut self) {
        if !self.builtin && self.catalog.source_info(USER_SOURCE).is_none() {
            self.catalog.sources.push(SourceInfo {
                id: USER_SOURCE.into(),
                title: "user catalog files (--catalog)".into(),
                location: String::new(),
                primary: true,
            });
        }
    }

    fn each(
        &mut self,
        top: &mut MapReader,
        key: &str,
        what: &'static str,
        f: fn(&mut Self, &Node, &'static str),
    ) {
        if let Some((_, node)) = top.get(key)
            && let Some(items) = schema::list(node, key, false, self.sink)
        {
            for item in items {
                f(self, item, what);
            }
        }
    }

    fn invalid(&mut self, span: Span, message: String, help: Option<String>) {
        let f = self
            .sink
            .at(&registry::INVALID_VALUE, span, message)
            .maybe_help(help);
        self.sink.push(f);
    }

    /// A `"source#section"` citation; the source must be declared. Missing in a user file: the
    /// user source.
    fn cite(&mut self, r: &mut MapReader, key: &str) -> Option<Cite> {
        let Some((_, node)) = r.get(key) else {
            return if self.builtin {
                None
            } else {
                Some(Cite {
                    source: USER_SOURCE.into(),
                    section: String::new(),
                })
            };
        };
        let text = schema::text(node, key, self.sink)?;
        let (source, section) = match text.value.split_once('#') {
            Some((s, sec)) => (s.trim().to_string(), sec.trim().to_string()),
            None => (text.value.trim().to_string(), String::new()),
        };
        if self.catalog.source_info(&source).is_none() {
            let ids: Vec<&str> = self.catalog.sources.iter().map(|s| s.id.as_str()).collect();
            let help = suggest::did_you_mean(&source, ids.iter().copied())
                .unwrap_or_else(|| format!("declared sources: {}", ids.join(", ")));
            self.invalid(text.span, format!("unknown source `{source}`"), Some(help));
            return None;
        }
        Some(Cite { source, section })
    }

    fn required_cite(&mut self, r: &mut MapReader, key: &str) -> Option<Cite> {
        if self.builtin && !r.has(key) {
            r.required(key, self.sink);
            return None;
        }
        self.cite(r, key)
    }

    fn name(&mut self, r: &mut MapReader) -> Option<Sp<String>> {
        let node = r.required("name", self.sink)?;
        let name = schema::string(node, "name", self.sink)?;
        if name.value.trim().is_empty() {
            self.invalid(name.span, "the name is empty".into(), None);
            return None;
        }
        Some(name)
    }

    fn opt_text(&mut self, r: &mut MapReader, key: &str) -> Option<String> {
        let (_, node) = r.get(key)?;
        schema::string(node, key, self.sink).map(|s| s.value)
    }

    fn deprecation(&mut self, r: &mut MapReader) -> Option<Deprecation> {
        let (_, node) = r.get("deprecated")?;
        let mut d = MapReader::new(node, "a deprecation", self.sink)?;
        let since = d
            .required("since", self.sink)
            .and_then(|n| schema::string(n, "since", self.sink));
        let replacement = self.opt_text(&mut d, "replacement");
        let source = self.cite(&mut d, "source");
        d.finish(&["since", "replacement", "source"], &[], self.sink);
        Some(Deprecation {
            since: since?.value,
            replacement,
            source: source.or_else(|| {
                Some(Cite {
                    source: USER_SOURCE.into(),
                    section: String::new(),
                })
            })?,
        })
    }

    fn aggregations(&mut self, node: &Node) -> Option<Vec<Aggregation>> {
        let items = schema::string_list(node, "aggregations", self.sink)?;
        let mut out = Vec::new();
        for item in items {
            match Aggregation::parse(&item.value) {
                Some(a) => out.push(a),
                None => self.invalid(
                    item.span,
                    format!("unknown aggregation `{}`", item.value),
                    suggest::did_you_mean(&item.value, Aggregation::spellings()),
                ),
            }
        }
        Some(out)
    }

    fn source(&mut self, node: &Node, what: &'static str) {
        let Some(mut r) = MapReader::new(node, what, self.sink) else {
            return;
        };
        let id = r
            .required("id", self.sink)
            .and_then(|n| schema::text(n, "id", self.sink));
        let title = self.opt_text(&mut r, "title").unwrap_or_default();
        let location = self.opt_text(&mut r, "location").unwrap_or_default();
        let primary = r
            .get("primary")
            .and_then(|(_, n)| schema::boolean(n, "primary", self.sink))
            .is_none_or(|b| b.value);
        r.finish(&["id", "title", "location", "primary"], &[], self.sink);
        let Some(id) = id else { return };
        let info = SourceInfo {
            id: id.value,
            title,
            location,
            primary,
        };
        match self.catalog.sources.iter_mut().find(|s| s.id == info.id) {
            Some(existing) => *existing = info,
            None => self.catalog.sources.push(info),
        }
    }

    fn group(&mut self, node: &Node, what: &'static str) {
        let Some(mut r) = MapReader::new(node, what, self.sink) else {
            return;
        };
        let name = self.name(&mut r);
        let source = self.required_cite(&mut r, "source");
        let aggregations = r
            .get("aggregations")
            .and_then(|(_, n)| self.aggregations(n));
        let aggregations_source = if r.has("aggregations-source") {
            self.cite(&mut r, "aggregations-source")
        } else {
            None
        };
        r.finish(
            &["name", "source", "aggregations", "aggregations-source"],
            &[],
            self.sink,
        );
        let (Some(name), Some(source)) = (name, source) else {
            return;
        };
        let group = Group {
            name: name.value,
            source,
            aggregations: aggregations.unwrap_or_else(|| Aggregation::ALL.to_vec()),
            aggregations_source,
        };
        match self
            .catalog
            .groups
            .iter_mut()
            .find(|g| g.name.eq_ignore_ascii_case(&group.name))
        {
            Some(existing) => *existing = group,
            None => self.catalog.groups.push(group),
        }
    }

    fn metric(&mut self, node: &Node, what: &'static str) {
        const KEYS: &[&str] = &[
            "name",
            "internal",
            "group",
            "unit",
            "kind",
            "min",
            "max",
            "description",
            "source",
            "aggregations",
            "time-grains",
            "exportable",
            "percentile",
            "deprecated",
            "namespace",
            "signal",
        ];
        let Some(mut r) = MapReader::new(node, what, self.sink) else {
            return;
        };
        let Some(name) = self.name(&mut r) else {
            r.finish(KEYS, &[], self.sink);
            return;
        };
        let namespace = self
            .opt_text(&mut r, "namespace")
            .unwrap_or_else(|| self.namespace.clone());
        let internal = self.opt_text(&mut r, "internal");
        let group = r
            .get("group")
            .and_then(|(_, n)| schema::text(n, "group", self.sink));
        if let Some(g) = &group
            && self.catalog.group(&g.value).is_none()
        {
            let names: Vec<String> = self.catalog.groups.iter().map(|g| g.name.clone()).collect();
            let help = suggest::did_you_mean(&g.value, names.iter().map(String::as_str));
            self.invalid(g.span, format!("unknown metric group `{}`", g.value), help);
        }
        let unit = self.opt_text(&mut r, "unit");
        let kind = r
            .get("kind")
            .and_then(|(_, n)| schema::text(n, "kind", self.sink))
            .and_then(|k| {
                let parsed = MetricKind::parse(&k.value);
                if parsed.is_none() {
                    self.invalid(
                        k.span,
                        format!("unknown metric kind `{}`", k.value),
                        Some("kinds: count, percent, energy".into()),
                    );
                }
                parsed
            });
        let min = r
            .get("min")
            .and_then(|(_, n)| schema::number(n, "min", self.sink));
        let max = r
            .get("max")
            .and_then(|(_, n)| schema::number(n, "max", self.sink));
        let description = self.opt_text(&mut r, "description");
        let source = if r.has("source") || self.builtin {
            self.required_cite(&mut r, "source")
        } else {
            None
        };
        let aggregations = r
            .get("aggregations")
            .and_then(|(_, n)| self.aggregations(n));
        let time_grains = r
            .get("time-grains")
            .and_then(|(_, n)| schema::string_list(n, "time-grains", self.sink))
            .map(|items| self.time_grains(items));
        let exportable = r
            .get("exportable")
            .and_then(|(_, n)| schema::boolean(n, "exportable", self.sink))
            .map(|b| b.value);
        let percentile = r
            .get("percentile")
            .and_then(|(_, n)| schema::number(n, "percentile", self.sink))
            .and_then(|p| {
                if p.value > 0.0 && p.value < 100.0 {
                    Some(p.value)
                } else {
                    self.invalid(
                        p.span,
                        format!("percentile {} is not between 0 and 100", p.value),
                        None,
                    );
                    None
                }
            });
        let deprecated = self.deprecation(&mut r);
        let signal = r
            .get("signal")
            .and_then(|(_, n)| self.signal(n, &name.value));
        r.finish(KEYS, &[], self.sink);

        if let (Some(lo), Some(hi)) = (&min, &max)
            && lo.value > hi.value
        {
            self.invalid(
                hi.span,
                format!("max {} is below min {}", hi.value, lo.value),
                None,
            );
        }
        let existing = self.catalog.metric_in(&namespace, &name.value).or_else(|| {
            internal
                .as_deref()
                .and_then(|i| self.catalog.metric_in(&namespace, i))
        });
        let m = match existing {
            Some(i) => &mut self.catalog.metrics[i],
            None => {
                let kind = kind.unwrap_or(MetricKind::Count);
                self.catalog.metrics.push(Metric {
                    namespace: self
                        .catalog
                        .namespace_named(&namespace)
                        .map_or_else(|| namespace.clone(), str::to_string),
                    name: name.value.clone(),
                    internal: None,
                    group: String::new(),
                    unit: "Count".into(),
                    kind,
                    min: if kind == MetricKind::Percent || kind == MetricKind::Count {
                        Some(0.0)
                    } else {
                        None
                    },
                    max: (kind == MetricKind::Percent).then_some(100.0),
                    description: String::new(),
                    source: Cite {
                        source: USER_SOURCE.into(),
                        section: String::new(),
                    },
                    aggregations: None,
                    time_grains: Vec::new(),
                    exportable: None,
                    percentile: None,
                    deprecated: None,
                    signal: None,
                });
                self.catalog.metrics.last_mut().expect("just pushed")
            }
        };
        if internal.is_some() {
            m.internal = internal.filter(|i| *i != m.name);
        }
        if let Some(g) = group {
            m.group = g.value;
        }
        if let Some(u) = unit {
            m.unit = u;
        }
        if let Some(k) = kind {
            m.kind = k;
        }
        if let Some(v) = min {
            m.min = Some(v.value);
        }
        if let Some(v) = max {
            m.max = Some(v.value);
        }
        if let Some(d) = description {
            m.description = d;
        }
        if let Some(s) = source {
            m.source = s;
        }
        if aggregations.is_some() {
            m.aggregations = aggregations;
        }
        if let Some(g) = time_grains {
            m.time_grains = g;
        }
        if exportable.is_some() {
            m.exportable = exportable;
        }
        if percentile.is_some() {
            m.percentile = percentile;
        }
        if deprecated.is_some() {
            m.deprecated = deprecated;
        }
        if signal.is_some() {
            m.signal = signal;
        }
        let i = existing.unwrap_or(self.catalog.metrics.len() - 1);
        self.catalog.index_metric(i);
    }

    /// A metric's `signal`: `{name, dimension, values, source}`; the name defaults to the
    /// metric's, and a dimension needs values.
    fn signal(&mut self, node: &Node, metric: &str) -> Option<FailureSignal> {
        const KEYS: &[&str] = &["name", "dimension", "values", "source"];
        let mut r = MapReader::new(node, "a failure signal", self.sink)?;
        let name = r
            .get("name")
            .and_then(|(_, n)| schema::text(n, "name", self.sink))
            .map_or_else(|| metric.to_string(), |n| n.value);
        let dimension = r
            .get("dimension")
            .and_then(|(_, n)| schema::text(n, "dimension", self.sink));
        let values: Vec<String> = r
            .get("values")
            .and_then(|(_, n)| schema::string_list(n, "values", self.sink))
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.value)
            .collect();
        let source = self.required_cite(&mut r, "source");
        let head = r.head_span();
        r.finish(KEYS, &[], self.sink);
        if let Some(d) = &dimension
            && values.is_empty()
        {
            self.invalid(
                d.span,
                format!("the signal filters on `{}` but lists no `values`", d.value),
                Some(
                    "add `values: [...]`: the dimension values that single out the failure".into(),
                ),
            );
            return None;
        }
        if dimension.is_none() && !values.is_empty() {
            self.invalid(
                head,
                "the signal lists `values` but no `dimension`".into(),
                Some("add `dimension: NAME`".into()),
            );
            return None;
        }
        Some(FailureSignal {
            name,
            dimension: dimension.map(|d| d.value),
            values,
            source: source?,
        })
    }

    /// ISO 8601 durations such as `PT1M`; anything else is reported and left out.
    fn time_grains(&mut self, items: Vec<Sp<String>>) -> Vec<String> {
        let mut out = Vec::new();
        for item in items {
            if crate::duration::Duration::parse(&item.value).is_some() {
                out.push(item.value);
            } else {
                self.invalid(
                    item.span,
                    format!("`{}` is not an ISO 8601 time grain", item.value),
                    Some("write a duration such as PT1M or PT1H".into()),
                );
            }
        }
        out
    }

    fn dimension(&mut self, node: &Node, what: &'static str) {
        const KEYS: &[&str] = &[
            "name",
            "internal",
            "description",
            "applies-to",
            "values",
            "deprecated",
        ];
        let Some(mut r) = MapReader::new(node, what, self.sink) else {
            return;
        };
        let Some(name) = self.name(&mut r) else {
            r.finish(KEYS, &[], self.sink);
            return;
        };
        let internal = self.opt_text(&mut r, "internal");
        let description = self.opt_text(&mut r, "description");
        let mut applies = Vec::new();
        if let Some((_, n)) = r.get("applies-to") {
            for item in schema::list(n, "applies-to", false, self.sink).unwrap_or_default() {
                if let Some(a) = self.applicability(item) {
                    applies.push(a);
                }
            }
        }
        let values = r.get("values").and_then(|(_, n)| self.value_set(n));
        let deprecated = self.deprecation(&mut r);
        r.finish(KEYS, &[], self.sink);

        let existing = self
            .catalog
            .dimension(&name.value)
            .or_else(|| internal.as_deref().and_then(|i| self.catalog.dimension(i)));
        let d = match existing {
            Some(i) => &mut self.catalog.dimensions[i],
            None => {
                self.catalog.dimensions.push(Dimension {
                    name: name.value.clone(),
                    internal: None,
                    description: String::new(),
                    applies_to: Vec::new(),
                    values: None,
                    deprecated: None,
                });
                self.catalog.dimensions.last_mut().expect("just pushed")
            }
        };
        if internal.is_some() {
            d.internal = internal.filter(|i| *i != d.name);
        }
        if let Some(desc) = description {
            d.description = desc;
        }
        d.applies_to.extend(applies);
        if let Some(v) = values {
            match &mut d.values {
                Some(existing) if !self.builtin => {
                    for value in v.values {
                        if !existing
                            .values
                            .iter()
                            .any(|e| e.value.eq_ignore_ascii_case(&value.value))
                        {
                            existing.values.push(value);
                        }
                    }
                }
                slot => *slot = Some(v),
            }
        }
        if deprecated.is_some() {
            d.deprecated = deprecated;
        }
        let i = existing.unwrap_or(self.catalog.dimensions.len() - 1);
        self.catalog.index_dimension(i);
    }

    fn applicability(&mut self, node: &Node) -> Option<Applicability> {
        let mut r = MapReader::new(node, "an applies-to entry", self.sink)?;
        let source = self.required_cite(&mut r, "source");
        let namespace = self
            .opt_text(&mut r, "namespace")
            .unwrap_or_else(|| self.namespace.clone());
        let mut metrics = Vec::new();
        if let Some((_, n)) = r.get("metrics") {
            for m in schema::string_list(n, "metrics", self.sink).unwrap_or_default() {
                match self.catalog.metric_in(&namespace, &m.value) {
                    Some(i) => metrics.push(i),
                    None => {
                        let help = suggest::did_you_mean(
                            &m.value,
                            self.catalog.metric_names_in(&namespace),
                        );
                        let f = self
                            .sink
                            .at(
                                &registry::UNKNOWN_METRIC,
                                m.span,
                                format!("unknown metric `{}` in {namespace}", m.value),
                            )
                            .label("not in the catalog")
                            .maybe_help(help);
                        self.sink.push(f);
                    }
                }
            }
        }
        let mut groups = Vec::new();
        if let Some((_, n)) = r.get("groups") {
            for g in schema::string_list(n, "groups", self.sink).unwrap_or_default() {
                match self.catalog.group(&g.value) {
                    Some(group) => groups.push(group.name.clone()),
                    None => {
                        let names: Vec<String> =
                            self.catalog.groups.iter().map(|g| g.name.clone()).collect();
                        let help =
                            suggest::did_you_mean(&g.value, names.iter().map(String::as_str));
                        self.invalid(g.span, format!("unknown metric group `{}`", g.value), help);
                    }
                }
            }
        }
        let any_metric = r
            .get("any-metric")
            .and_then(|(_, n)| schema::boolean(n, "any-metric", self.sink))
            .is_some_and(|b| b.value);
        r.finish(
            &["source", "namespace", "metrics", "groups", "any-metric"],
            &[],
            self.sink,
        );
        Some(Applicability {
            source: source?,
            namespace,
            metrics,
            groups,
            any_metric,
        })
    }

    fn value_set(&mut self, node: &Node) -> Option<ValueSet> {
        let mut r = MapReader::new(node, "a value set", self.sink)?;
        let source = self.required_cite(&mut r, "source");
        let mut values = Vec::new();
        if let Some(n) = r.required("list", self.sink) {
            for item in schema::list(n, "list", false, self.sink).unwrap_or_default() {
                if let Some(mut v) = MapReader::new(item, "a dimension value", self.sink) {
                    let value = v
                        .required("value", self.sink)
                        .and_then(|n| schema::string(n, "value", self.sink));
                    let description = self.opt_text(&mut v, "description").unwrap_or_default();
                    v.finish(&["value", "description"], &[], self.sink);
                    if let Some(value) = value {
                        values.push(DimensionValue {
                            value: value.value,
                            description,
                        });
                    }
                }
            }
        }
        r.finish(&["source", "list"], &[], self.sink);
        Some(ValueSet {
            source: source?,
            values,
        })
    }

    fn operation(&mut self, node: &Node, what: &'static str) {
        let Some(mut r) = MapReader::new(node, what, self.sink) else {
            return;
        };
        let op = r
            .required("operation", self.sink)
            .and_then(|n| schema::string(n, "operation", self.sink));
        let description = self.opt_text(&mut r, "description").unwrap_or_default();
        let source = self.required_cite(&mut r, "source");
        r.finish(&["operation", "description", "source"], &[], self.sink);
        let (Some(op), Some(source)) = (op, source) else {
            return;
        };
        let entry = Operation {
            operation: op.value,
            description,
            source,
        };
        match self
            .catalog
            .operations
            .iter_mut()
            .find(|o| o.operation == entry.operation)
        {
            Some(existing) => *existing = entry,
            None => self.catalog.operations.push(entry),
        }
    }

    fn category(&mut self, node: &Node, what: &'static str) {
        let Some(mut r) = MapReader::new(node, what, self.sink) else {
            return;
        };
        let name = self.name(&mut r);
        let display = self.opt_text(&mut r, "display-name");
        let source = self.required_cite(&mut r, "source");
        let deprecated = self.deprecation(&mut r);
        r.finish(
            &["name", "display-name", "source", "deprecated"],
            &[],
            self.sink,
        );
        let (Some(name), Some(source)) = (name, source) else {
            return;
        };
        let entry = Category {
            display_name: display.unwrap_or_else(|| name.value.clone()),
            name: name.value,
            source,
            deprecated,
        };
        match self
            .catalog
            .categories
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(&entry.name))
        {
            Some(existing) => *existing = entry,
            None => self.catalog.categories.push(entry),
        }
    }

    fn table(&mut self, node: &Node, what: &'static str) {
        let Some(mut r) = MapReader::new(node, what, self.sink) else {
            return;
        };
        let name = self.name(&mut r);
        let source = self.required_cite(&mut r, "source");
        let deprecated = self.deprecation(&mut r);
        let mut columns = Vec::new();
        if let Some((_, n)) = r.get("columns") {
            for item in schema::list(n, "columns", false, self.sink).unwrap_or_default() {
                if let Some(mut c) = MapReader::new(item, "a column", self.sink) {
                    let cname = c
                        .required("name", self.sink)
                        .and_then(|n| schema::text(n, "name", self.sink));
                    let description = self.opt_text(&mut c, "description").unwrap_or_default();
                    c.finish(&["name", "description"], &[], self.sink);
                    if let Some(cname) = cname {
                        columns.push(Column {
                            name: cname.value,
                            description,
                        });
                    }
                }
            }
        }
        r.finish(&["name", "source", "deprecated", "columns"], &[], self.sink);
        let (Some(name), Some(source)) = (name, source) else {
            return;
        };
        match self
            .catalog
            .tables
            .iter_mut()
            .find(|t| t.name.eq_ignore_ascii_case(&name.value))
        {
            Some(existing) => {
                for col in columns {
                    if !existing
                        .columns
                        .iter()
                        .any(|c| c.name.eq_ignore_ascii_case(&col.name))
                    {
                        existing.columns.push(col);
                    }
                }
                if deprecated.is_some() {
                    existing.deprecated = deprecated;
                }
            }
            None => self.catalog.tables.push(Table {
                name: name.value,
                source,
                columns,
                deprecated,
            }),
        }
    }
}
