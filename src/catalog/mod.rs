//! The catalog of Azure ML monitoring data: metrics, dimensions and which metric carries which
//! dimension (per source), activity-log operations, resource-log categories and table schemas.
//!
//! The facts live in `builtin.yaml` (embedded in the binary, every entry citing its source);
//! users extend or override them with `--catalog FILE` in the same format.

pub mod diff;
mod load;
pub mod schedules;

use std::collections::HashMap;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::source::{SourceFile, SourceMap};
use crate::vocab::Aggregation;

pub use load::load_into;

/// The built-in catalog text.
pub const BUILTIN: &str = include_str!("builtin.yaml");
/// The name findings in the built-in catalog are reported under.
pub const BUILTIN_NAME: &str = "<built-in catalog>";

/// The metric namespace of an Azure ML workspace: where rules that do not say otherwise are.
pub const WORKSPACE: &str = "Microsoft.MachineLearningServices/workspaces";
/// The metric namespace of an online endpoint.
pub const ONLINE_ENDPOINTS: &str = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
/// The metric namespace of a deployment of an online endpoint.
pub const DEPLOYMENTS: &str =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

/// Same namespace, whatever the case and surrounding space.
pub fn same_namespace(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn key(namespace: &str, name: &str) -> String {
    format!(
        "{}\n{}",
        namespace.trim().to_lowercase(),
        name.trim().to_lowercase()
    )
}

/// A citation: a source id and the section of that source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cite {
    pub source: String,
    pub section: String,
}

impl std::fmt::Display for Cite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.section.is_empty() {
            f.write_str(&self.source)
        } else {
            write!(f, "{} § {}", self.source, self.section)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    pub id: String,
    pub title: String,
    pub location: String,
    /// A primary source's pairs are accepted silently; a secondary one's earn a note.
    pub primary: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: String,
    pub source: Cite,
    pub aggregations: Vec<Aggregation>,
    pub aggregations_source: Option<Cite>,
}

/// What values a metric takes, from its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricKind {
    Count,
    Percent,
    Energy,
    /// A duration in milliseconds (request latency).
    Duration,
    /// A rate per second (bytes or connections per second).
    Rate,
}

impl MetricKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "count" => Some(MetricKind::Count),
            "percent" => Some(MetricKind::Percent),
            "energy" => Some(MetricKind::Energy),
            "duration" => Some(MetricKind::Duration),
            "rate" => Some(MetricKind::Rate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Count => "count",
            MetricKind::Percent => "percent",
            MetricKind::Energy => "energy",
            MetricKind::Duration => "duration",
            MetricKind::Rate => "rate",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Deprecation {
    pub since: String,
    pub replacement: Option<String>,
    pub source: Cite,
}

#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    /// The metric namespace (resource type) the metric belongs to, as Azure spells it.
    pub namespace: String,
    pub name: String,
    /// Azure Monitor's REST name, where it differs from `name`.
    pub internal: Option<String>,
    pub group: String,
    pub unit: String,
    pub kind: MetricKind,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub description: String,
    pub source: Cite,
    /// Overrides the group's aggregations.
    pub aggregations: Option<Vec<Aggregation>>,
    /// The intervals Azure samples the metric at (`PT1M`).
    pub time_grains: Vec<String>,
    /// Whether diagnostic settings export the metric to Azure Monitor Logs.
    pub exportable: Option<bool>,
    /// The percentile of a distribution the metric reports (99 for a P99 latency): of two
    /// percentiles of one namespace and unit, the lower one is never above the higher.
    pub percentile: Option<f64>,
    pub deprecated: Option<Deprecation>,
    /// The failure this metric signals, for `amlguard coverage`: a rule on the metric (with
    /// the signal's dimension filter, if it has one) watches that failure.
    pub signal: Option<FailureSignal>,
}

/// A failure that a metric signals. Metrics with the same signal name watch the same failure
/// (the latency percentiles of an endpoint all watch its latency).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureSignal {
    /// What fails, as `coverage` lists it (`Failed Runs`, `Endpoint 5xx requests`).
    pub name: String,
    /// A dimension whose values single out the failure (`statusCodeClass` = `5xx`): a rule
    /// covers the signal only when it keeps one of `values`.
    pub dimension: Option<String>,
    pub values: Vec<String>,
    pub source: Cite,
}

impl Metric {
    /// The name ARM, Terraform and the CLI send to Azure.
    pub fn rest_name(&self) -> &str {
        self.internal.as_deref().unwrap_or(&self.name)
    }
}

/// One source's statement that a dimension applies to some metrics.
#[derive(Debug, Clone, Serialize)]
pub struct Applicability {
    pub source: Cite,
    /// The namespace `groups` and `any_metric` are read in (metrics are already resolved).
    pub namespace: String,
    /// Metric indices, sorted once a load is complete.
    pub metrics: Vec<usize>,
    /// Group names: every metric of the group.
    pub groups: Vec<String>,
    /// The source names the dimension without saying which metric carries it.
    pub any_metric: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionValue {
    pub value: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueSet {
    pub source: Cite,
    pub values: Vec<DimensionValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dimension {
    pub name: String,
    pub internal: Option<String>,
    pub description: String,
    pub applies_to: Vec<Applicability>,
    pub values: Option<ValueSet>,
    pub deprecated: Option<Deprecation>,
}

impl Dimension {
    pub fn rest_name(&self) -> &str {
        self.internal.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub operation: String,
    pub description: String,
    pub source: Cite,
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub name: String,
    pub display_name: String,
    pub source: Cite,
    pub deprecated: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub name: String,
    pub source: Cite,
    pub columns: Vec<Column>,
    pub deprecated: Option<Deprecation>,
}

/// How well the catalog supports a metric/dimension pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Support<'a> {
    /// A primary source lists the pair.
    Primary(&'a Cite),
    /// Only secondary sources list it (the first is given).
    SecondaryOnly(&'a Cite),
    /// No source lists it.
    None,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Catalog {
    /// The namespace of rules that do not state one (the workspace).
    pub namespace: String,
    pub sources: Vec<SourceInfo>,
    pub groups: Vec<Group>,
    pub metrics: Vec<Metric>,
    pub dimensions: Vec<Dimension>,
    pub operations: Vec<Operation>,
    pub categories: Vec<Category>,
    pub tables: Vec<Table>,
    /// What Azure accepts in alert schedules (`alert-schedules:`).
    pub alert_schedules: schedules::AlertSchedules,
    #[serde(skip)]
    metric_index: HashMap<String, usize>,
    #[serde(skip)]
    dimension_index: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in catalog, with the user's catalog files merged over it in order.
    /// Problems in any file are returned as findings (the rest of the file still applies).
    pub fn load(sources: &mut SourceMap, extra: Vec<SourceFile>) -> (Catalog, Vec<Finding>) {
        let mut catalog = Catalog::default();
        let mut findings = Vec::new();
        let builtin = sources.add(SourceFile::new(BUILTIN_NAME, BUILTIN));
        findings.extend(load_into(
            &mut catalog,
            sources.get(builtin).text(),
            builtin,
            true,
        ));
        for file in extra {
            let id = sources.add(file);
            // A file with errors is not applied: its findings say why, and nothing of it is
            // half-merged into the catalog the rules are checked against.
            let mut candidate = catalog.clone();
            let found = load_into(&mut candidate, sources.get(id).text(), id, false);
            if !found.iter().any(|f| f.severity == Severity::Error) {
                catalog = candidate;
            }
            findings.extend(found);
        }
        (catalog, findings)
    }

    /// The names of the catalog files whose errors kept them from being applied.
    pub fn rejected_files(sources: &SourceMap, findings: &[Finding]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in findings {
            let name = sources.get(f.file).name();
            if f.severity == Severity::Error
                && name != BUILTIN_NAME
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_string());
            }
        }
        out
    }

    /// One catalog file alone (not merged over the built-in catalog), for comparing it with
    /// the built-in one; entries without a namespace are the workspace's.
    pub fn from_file(sources: &mut SourceMap, file: SourceFile) -> (Catalog, Vec<Finding>) {
        let mut catalog = Catalog {
            namespace: WORKSPACE.to_string(),
            ..Catalog::default()
        };
        let id = sources.add(file);
        let findings = load_into(&mut catalog, sources.get(id).text(), id, false);
        (catalog, findings)
    }

    /// The built-in catalog alone.
    pub fn builtin() -> Catalog {
        let mut sources = SourceMap::new();
        Catalog::load(&mut sources, Vec::new()).0
    }

    fn reindex(&mut self) {
        // Sorted metric lists let `applies` search instead of scanning.
        for d in &mut self.dimensions {
            for a in &mut d.applies_to {
                a.metrics.sort_unstable();
                a.metrics.dedup();
            }
        }
        self.metric_index.clear();
        for (i, m) in self.metrics.iter().enumerate() {
            self.metric_index.insert(key(&m.namespace, &m.name), i);
            if let Some(internal) = &m.internal {
                self.metric_index.insert(key(&m.namespace, internal), i);
            }
        }
        self.dimension_index.clear();
        for (i, d) in self.dimensions.iter().enumerate() {
            self.dimension_index.insert(d.name.to_lowercase(), i);
            if let Some(internal) = &d.internal {
                self.dimension_index.insert(internal.to_lowercase(), i);
            }
        }
    }

    /// Adds one metric's names to the index (a whole reindex per entry would make loading a
    /// large catalog quadratic); `reindex` at the end of a load drops stale names.
    fn index_metric(&mut self, i: usize) {
        let m = &self.metrics[i];
        self.metric_index.insert(key(&m.namespace, &m.name), i);
        if let Some(internal) = &m.internal {
            self.metric_index.insert(key(&m.namespace, internal), i);
        }
    }

    fn index_dimension(&mut self, i: usize) {
        let d = &self.dimensions[i];
        self.dimension_index.insert(d.name.to_lowercase(), i);
        if let Some(internal) = &d.internal {
            self.dimension_index.insert(internal.to_lowercase(), i);
        }
    }

    /// A metric of the default (workspace) namespace by display or REST name,
    /// case-insensitively.
    pub fn metric(&self, name: &str) -> Option<usize> {
        self.metric_in(&self.namespace, name)
    }

    /// A metric of `namespace` by display or REST name, case-insensitively.
    pub fn metric_in(&self, namespace: &str, name: &str) -> Option<usize> {
        self.metric_index.get(&key(namespace, name)).copied()
    }

    /// The namespace of the catalog spelled like `namespace`, if the catalog has metrics in it.
    pub fn namespace_named(&self, namespace: &str) -> Option<&str> {
        if same_namespace(&self.namespace, namespace) {
            return Some(&self.namespace);
        }
        self.metrics
            .iter()
            .find(|m| same_namespace(&m.namespace, namespace))
            .map(|m| m.namespace.as_str())
    }

    /// Every namespace with metrics, the default first, then in catalog order.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![&self.namespace];
        for m in &self.metrics {
            if !out.iter().any(|n| same_namespace(n, &m.namespace)) {
                out.push(&m.namespace);
            }
        }
        out
    }

    /// The metrics of one namespace, in catalog order.
    pub fn metrics_in<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = usize> + 'a {
        (0..self.metrics.len())
            .filter(move |&i| same_namespace(&self.metrics[i].namespace, namespace))
    }

    /// A dimension by display or REST name, case-insensitively.
    pub fn dimension(&self, name: &str) -> Option<usize> {
        self.dimension_index.get(&name.to_lowercase()).copied()
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(name))
    }

    pub fn source_info(&self, id: &str) -> Option<&SourceInfo> {
        self.sources.iter().find(|s| s.id == id)
    }

    fn is_primary(&self, cite: &Cite) -> bool {
        self.source_info(&cite.source).is_none_or(|s| s.primary)
    }

    /// Every metric and dimension name, display and REST, for suggestions.
    pub fn metric_names(&self) -> impl Iterator<Item = &str> {
        self.metrics
            .iter()
            .flat_map(|m| std::iter::once(m.name.as_str()).chain(m.internal.as_deref()))
    }

    /// The metric names, display and REST, of one namespace.
    pub fn metric_names_in<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.metrics
            .iter()
            .filter(move |m| same_namespace(&m.namespace, namespace))
            .flat_map(|m| std::iter::once(m.name.as_str()).chain(m.internal.as_deref()))
    }

    pub fn dimension_names(&self) -> impl Iterator<Item = &str> {
        self.dimensions
            .iter()
            .flat_map(|d| std::iter::once(d.name.as_str()).chain(d.internal.as_deref()))
    }

    /// The aggregations documented for a metric, with their citation.
    pub fn aggregations(&self, metric: usize) -> Option<(&[Aggregation], Option<&Cite>)> {
        let m = &self.metrics[metric];
        if let Some(a) = &m.aggregations {
            return Some((a, Some(&m.source)));
        }
        self.group(&m.group)
            .map(|g| (g.aggregations.as_slice(), g.aggregations_source.as_ref()))
    }

    fn applies(&self, a: &Applicability, metric: usize) -> bool {
        let m = &self.metrics[metric];
        a.metrics.binary_search(&metric).is_ok()
            || (same_namespace(&a.namespace, &m.namespace)
                && (a.any_metric || a.groups.iter().any(|g| g.eq_ignore_ascii_case(&m.group))))
    }

    /// Which source, if any, says that `dimension` applies to `metric`.
    pub fn support(&self, metric: usize, dimension: usize) -> Support<'_> {
        let mut secondary = None;
        for a in &self.dimensions[dimension].applies_to {
            if self.applies(a, metric) {
                if self.is_primary(&a.source) && !a.any_metric {
                    return Support::Primary(&a.source);
                }
                secondary.get_or_insert(&a.source);
            }
        }
        secondary.map_or(Support::None, Support::SecondaryOnly)
    }

    /// The metrics a dimension applies to (per any source), in catalog order.
    pub fn metrics_with(&self, dimension: usize) -> Vec<usize> {
        (0..self.metrics.len())
            .filter(|&m| self.support(m, dimension) != Support::None)
            .collect()
    }

    /// The dimensions a metric carries (per any source), in catalog order.
    pub fn dimensions_of(&self, metric: usize) -> Vec<usize> {
        (0..self.dimensions.len())
            .filter(|&d| self.support(metric, d) != Support::None)
            .collect()
    }

    /// Whether some source pairs the dimension with specific metrics (rather than "any").
    pub fn has_specific_pairs(&self, dimension: usize) -> bool {
        self.dimensions[dimension]
            .applies_to
            .iter()
            .any(|a| !a.any_metric)
    }

    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests;
