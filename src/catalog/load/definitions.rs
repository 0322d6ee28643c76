//! Reading the JSON that `az monitor metrics list-definitions --resource ID -o json` prints (the
//! Azure Monitor REST `metricDefinitions` shape, a bare array or `{"value": [...]}`) as a
//! catalog file: each definition becomes a metric of its namespace with its unit, aggregations,
//! time grains and dimensions, so a team takes its catalog from its own resource in one command.

use crate::schema::{self, MapReader, Sp};
use crate::vocab::Aggregation;
use crate::yaml::{Node, Value};

use super::super::{Applicability, Cite, Dimension, Metric, MetricKind};
use super::{Loader, USER_SOURCE};

/// The section user citations of definitions carry.
pub const SECTION: &str = "az monitor metrics list-definitions";

/// Whether a parsed document has the metricDefinitions shape rather than a catalog's.
pub fn is_definitions(doc: &Node) -> bool {
    match &doc.value {
        Value::Seq(_) => true,
        Value::Map(entries) => {
            entries.iter().any(|(k, _)| k.name == "value")
                && entries
                    .iter()
                    .all(|(k, _)| matches!(k.name.as_str(), "value" | "nextLink"))
        }
        _ => false,
    }
}

/// The kind and range a REST unit implies.
fn kind_of_unit(unit: &str) -> (MetricKind, Option<f64>) {
    match unit.to_ascii_lowercase().as_str() {
        "percent" => (MetricKind::Percent, Some(100.0)),
        "milliseconds" | "seconds" => (MetricKind::Duration, None),
        u if u.ends_with("persecond") => (MetricKind::Rate, None),
        _ => (MetricKind::Count, None),
    }
}

impl Loader<'_, '_> {
    pub(super) fn definitions(&mut self, doc: &Node) {
        let items = match &doc.value {
            Value::Seq(items) => items.iter().collect::<Vec<_>>(),
            Value::Map(_) => {
                let Some(mut top) = MapReader::new(doc, "a metricDefinitions list", self.sink)
                else {
                    return;
                };
                let Some(value) = top.required("value", self.sink) else {
                    return;
                };
                schema::list(value, "value", false, self.sink).unwrap_or_default()
            }
            _ => return,
        };
        for item in items {
            self.definition(item);
        }
        self.catalog.reindex();
    }

    fn definition(&mut self, node: &Node) {
        // Azure adds fields over time: unknown keys are not reported.
        let Some(mut r) = MapReader::new(node, "a metric definition", self.sink) else {
            return;
        };
        let (rest, display) = match r.required("name", self.sink) {
            Some(n) => match MapReader::new(n, "a metric name", self.sink) {
                Some(mut nr) => {
                    let rest = nr
                        .required("value", self.sink)
                        .and_then(|v| schema::string(v, "name.value", self.sink));
                    let display = nr
                        .get("localizedValue")
                        .and_then(|(_, v)| schema::string(v, "name.localizedValue", self.sink));
                    (rest, display)
                }
                None => (None, None),
            },
            None => (None, None),
        };
        let namespace = r
            .get("namespace")
            .and_then(|(_, n)| schema::string(n, "namespace", self.sink))
            .map_or_else(|| self.namespace.clone(), |s| s.value);
        let unit = r
            .get("unit")
            .and_then(|(_, n)| schema::string(n, "unit", self.sink));
        let mut aggregations = Vec::new();
        if let Some((_, n)) = r.get("supportedAggregationTypes") {
            for a in
                schema::string_list(n, "supportedAggregationTypes", self.sink).unwrap_or_default()
            {
                self.rest_aggregation(&a, &mut aggregations);
            }
        }
        if let Some((_, n)) = r.get("primaryAggregationType")
            && let Some(a) = schema::string(n, "primaryAggregationType", self.sink)
        {
            self.rest_aggregation(&a, &mut aggregations);
        }
        let mut grains = Vec::new();
        if let Some((_, n)) = r.get("metricAvailabilities") {
            for a in schema::list(n, "metricAvailabilities", false, self.sink).unwrap_or_default() {
                if let Some(mut ar) = MapReader::new(a, "a metric availability", self.sink)
                    && let Some(g) = ar
                        .get("timeGrain")
                        .and_then(|(_, g)| schema::string(g, "timeGrain", self.sink))
                {
                    grains.extend(self.time_grains(vec![g]));
                }
            }
        }
        let mut dimensions = Vec::new();
        if let Some((_, n)) = r.get("dimensions") {
            for d in schema::list(n, "dimensions", false, self.sink).unwrap_or_default() {
                if let Some(mut dr) = MapReader::new(d, "a dimension", self.sink)
                    && let Some(v) = dr
                        .required("value", self.sink)
                        .and_then(|v| schema::string(v, "dimensions[].value", self.sink))
                {
                    dimensions.push(v);
                }
            }
        }
        let Some(rest) = rest else { return };
        let cite = Cite {
            source: USER_SOURCE.into(),
            section: SECTION.into(),
        };
        let index = self.upsert_metric(&namespace, &rest, display, unit, &cite);
        let m = &mut self.catalog.metrics[index];
        if !aggregations.is_empty() {
            m.aggregations = Some(aggregations);
        }
        if !grains.is_empty() {
            m.time_grains = grains;
        }
        for d in dimensions {
            self.pair(&namespace, index, d, &cite);
        }
    }

    fn rest_aggregation(&mut self, a: &Sp<String>, out: &mut Vec<Aggregation>) {
        if a.value.eq_ignore_ascii_case("none") {
            return;
        }
        match Aggregation::parse(&a.value) {
            Some(agg) if !out.contains(&agg) => out.push(agg),
            Some(_) => {}
            None => self.invalid(
                a.span,
                format!("unknown aggregation `{}`", a.value),
                Some("Azure Monitor's aggregation types: None, Average, Count, Minimum, Maximum, Total".into()),
            ),
        }
    }

    fn upsert_metric(
        &mut self,
        namespace: &str,
        rest: &Sp<String>,
        display: Option<Sp<String>>,
        unit: Option<Sp<String>>,
        cite: &Cite,
    ) -> usize {
        let found = self.catalog.metric_in(namespace, &rest.value).or_else(|| {
            display
                .as_ref()
                .and_then(|d| self.catalog.metric_in(namespace, &d.value))
        });
        let index = match found {
            Some(i) => i,
            None => {
                let namespace = self
                    .catalog
                    .namespace_named(namespace)
                    .map_or_else(|| namespace.to_string(), str::to_string);
                let display_name = display
                    .as_ref()
                    .map_or_else(|| rest.value.clone(), |d| d.value.clone());
                self.catalog.metrics.push(Metric {
                    namespace,
                    internal: (display_name != rest.value).then(|| rest.value.clone()),
                    name: display_name,
                    group: String::new(),
                    unit: "Count".into(),
                    kind: MetricKind::Count,
                    min: Some(0.0),
                    max: None,
                    description: String::new(),
                    source: cite.clone(),
                    aggregations: None,
                    time_grains: Vec::new(),
                    exportable: None,
                    percentile: None,
                    deprecated: None,
                    signal: None,
                });
                let i = self.catalog.metrics.len() - 1;
                self.catalog.index_metric(i);
                i
            }
        };
        if let Some(u) = unit {
            let m = &mut self.catalog.metrics[index];
            if !m.unit.eq_ignore_ascii_case(&u.value) || found.is_none() {
                let (kind, max) = kind_of_unit(&u.value);
                m.kind = kind;
                m.min = (kind != MetricKind::Energy).then_some(0.0);
                m.max = max;
                m.unit = u.value;
            }
        }
        index
    }

    fn pair(&mut self, namespace: &str, metric: usize, name: Sp<String>, cite: &Cite) {
        let d = match self.catalog.dimension(&name.value) {
            Some(d) => d,
            None => {
                self.catalog.dimensions.push(Dimension {
                    name: name.value.clone(),
                    internal: None,
                    description: String::new(),
                    applies_to: Vec::new(),
                    values: None,
                    deprecated: None,
                });
                let i = self.catalog.dimensions.len() - 1;
                self.catalog.index_dimension(i);
                i
            }
        };
        // One statement per dimension and namespace for the whole file.
        let applies = &mut self.catalog.dimensions[d].applies_to;
        match applies.iter_mut().find(|a| {
            a.source == *cite && !a.any_metric && a.groups.is_empty() && a.namespace == namespace
        }) {
            Some(a) => a.metrics.push(metric),
            None => applies.push(Applicability {
                source: cite.clone(),
                namespace: namespace.to_string(),
                metrics: vec![metric],
                groups: Vec::new(),
                any_metric: false,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_give_kinds() {
        assert_eq!(kind_of_unit("Percent"), (MetricKind::Percent, Some(100.0)));
        assert_eq!(kind_of_unit("Milliseconds").0, MetricKind::Duration);
        assert_eq!(kind_of_unit("BytesPerSecond").0, MetricKind::Rate);
        assert_eq!(kind_of_unit("Count").0, MetricKind::Count);
    }

    /// Only a list, or a map of `value` (and `nextLink`), is a list-definitions response; a map
    /// without `value`, or with other keys too, is a catalog file.
    #[test]
    fn the_definitions_shape_is_recognised_exactly() {
        let shape = |text: &str| {
            let doc = crate::yaml::parse(text).unwrap().unwrap();
            is_definitions(&doc)
        };
        assert!(shape("[]"));
        assert!(shape("value: []\n"));
        assert!(shape("value: []\nnextLink: x\n"));
        assert!(!shape("{}"));
        assert!(!shape("nextLink: x\n"));
        assert!(!shape("value: []\nmetrics: []\n"));
        assert!(!shape("metrics: []\n"));
        assert!(!shape("x"));
    }

    /// A list-definitions entry: a new metric takes its REST and display names, its
    /// aggregations and its unit's kind and range; a known metric's range changes only with
    /// its unit.
    #[test]
    fn definitions_give_names_aggregations_and_ranges() {
        let text = r#"[
  {"name": {"value": "GpuHours", "localizedValue": "GPU hours"}, "unit": "Count",
   "supportedAggregationTypes": ["None", "Total", "Average", "Total"],
   "metricAvailabilities": [{"timeGrain": "PT1M"}, {"timeGrain": "PT5M"}]},
  {"name": {"value": "LoadPct"}, "unit": "Percent"},
  {"name": {"value": "Failed Runs"}, "unit": "Percent"},
  {"name": {"value": "Completed Runs"}, "unit": "count"}
]"#;
        let mut sources = crate::source::SourceMap::new();
        let file = crate::source::SourceFile::new("defs.json", text);
        let (c, findings) = crate::catalog::Catalog::load(&mut sources, vec![file]);
        assert!(findings.is_empty(), "{findings:#?}");
        let metric = |name: &str| &c.metrics[c.metric(name).unwrap()];
        let gpu = metric("GPU hours");
        assert_eq!(
            (gpu.name.as_str(), gpu.internal.as_deref()),
            ("GPU hours", Some("GpuHours"))
        );
        assert_eq!(
            gpu.aggregations.as_deref(),
            Some(&[Aggregation::Total, Aggregation::Average][..])
        );
        assert_eq!(
            (gpu.kind, gpu.min, gpu.max),
            (MetricKind::Count, Some(0.0), None)
        );
        let grains: Vec<String> = gpu.time_grains.iter().map(|g| g.to_string()).collect();
        assert_eq!(grains, ["PT1M", "PT5M"]);
        let load = metric("LoadPct");
        assert_eq!(load.internal, None);
        assert_eq!(load.aggregations, None);
        assert_eq!(
            (load.kind, load.min, load.max),
            (MetricKind::Percent, Some(0.0), Some(100.0))
        );
        let failed = metric("Failed Runs");
        assert_eq!(
            (failed.kind, failed.max),
            (MetricKind::Percent, Some(100.0))
        );
        let builtin = crate::catalog::Catalog::builtin();
        let before = &builtin.metrics[builtin.metric("Completed Runs").unwrap()];
        let completed = metric("Completed Runs");
        assert_eq!(
            (
                completed.kind,
                completed.min,
                completed.max,
                &completed.unit
            ),
            (before.kind, before.min, before.max, &before.unit)
        );
        assert!(!before.time_grains.is_empty());
        assert_eq!(
            completed.time_grains, before.time_grains,
            "kept without availabilities"
        );
    }

    /// Each dimension gets one statement per namespace for the file, listing every metric of
    /// the file that carries it there; a built-in dimension keeps its own statements and gets
    /// the file's beside them.
    #[test]
    fn dimensions_get_one_statement_per_namespace_beside_the_built_in_ones() {
        let text = r#"[
  {"name": {"value": "NewA"}, "unit": "Count", "dimensions": [{"value": "DeviceId"}, {"value": "Zone"}]},
  {"name": {"value": "NewB"}, "unit": "Count", "dimensions": [{"value": "Zone"}]},
  {"name": {"value": "NewC"}, "unit": "Count",
   "namespace": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
   "dimensions": [{"value": "Zone"}]}
]"#;
        let mut sources = crate::source::SourceMap::new();
        let file = crate::source::SourceFile::new("defs.json", text);
        let (c, findings) = crate::catalog::Catalog::load(&mut sources, vec![file]);
        assert!(findings.is_empty(), "{findings:#?}");
        let statements = |dimension: &str| -> Vec<(String, String, Vec<String>)> {
            c.dimensions[c.dimension(dimension).unwrap()]
                .applies_to
                .iter()
                .map(|a| {
                    let mut metrics: Vec<String> = a
                        .metrics
                        .iter()
                        .map(|&m| c.metrics[m].name.clone())
                        .collect();
                    metrics.sort();
                    (a.source.to_string(), a.namespace.clone(), metrics)
                })
                .collect()
        };
        let user = Cite {
            source: USER_SOURCE.into(),
            section: SECTION.into(),
        }
        .to_string();
        let ws = "Microsoft.MachineLearningServices/workspaces".to_string();
        let endpoints = format!("{ws}/onlineEndpoints");
        assert_eq!(
            statements("Zone"),
            vec![
                (user.clone(), ws.clone(), vec!["NewA".into(), "NewB".into()]),
                (user.clone(), endpoints, vec!["NewC".into()]),
            ]
        );
        let builtin = crate::catalog::Catalog::builtin();
        let before = builtin.dimensions[builtin.dimension("DeviceId").unwrap()]
            .applies_to
            .len();
        let device = statements("DeviceId");
        assert_eq!(device.len(), before + 1, "{device:#?}");
        assert_eq!(device[before], (user, ws, vec!["NewA".into()]));
        assert!(
            device[..before]
                .iter()
                .all(|(_, _, m)| !m.contains(&"NewA".to_string()))
        );
    }
}
