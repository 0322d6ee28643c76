//! What a catalog file (typically `az monitor metrics list-definitions` output) adds to or
//! contradicts in another catalog (the built-in one): metrics, units, aggregations and
//! dimensions, the facts the linter checks rules against.

use serde::Serialize;

use super::Catalog;

/// One difference, per metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// The file has a metric the base does not.
    AddsMetric { namespace: String, metric: String },
    /// The base has a metric of one of the file's namespaces that the file does not.
    MissingMetric { namespace: String, metric: String },
    /// The units differ.
    Unit {
        namespace: String,
        metric: String,
        base: String,
        file: String,
    },
    /// The file allows an aggregation the base does not.
    AddsAggregation {
        namespace: String,
        metric: String,
        aggregation: String,
    },
    /// The base allows an aggregation the file does not.
    MissingAggregation {
        namespace: String,
        metric: String,
        aggregation: String,
    },
    /// The file pairs a dimension with the metric; the base does not.
    AddsDimension {
        namespace: String,
        metric: String,
        dimension: String,
    },
    /// The base pairs a dimension with the metric; the file does not.
    MissingDimension {
        namespace: String,
        metric: String,
        dimension: String,
    },
}

impl Change {
    /// `+` for what the file adds, `-` for what it lacks, `!` for a contradiction.
    pub fn sign(&self) -> char {
        match self {
            Change::AddsMetric { .. }
            | Change::AddsAggregation { .. }
            | Change::AddsDimension { .. } => '+',
            Change::MissingMetric { .. }
            | Change::MissingAggregation { .. }
            | Change::MissingDimension { .. } => '-',
            Change::Unit { .. } => '!',
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = self.sign();
        match self {
            Change::AddsMetric { namespace, metric } => {
                write!(f, "{sign} metric {metric} ({namespace})")
            }
            Change::MissingMetric { namespace, metric } => {
                write!(f, "{sign} metric {metric} ({namespace}): built-in only")
            }
            Change::Unit {
                namespace,
                metric,
                base,
                file,
            } => write!(
                f,
                "{sign} unit of {metric} ({namespace}): built-in {base}, file {file}"
            ),
            Change::AddsAggregation {
                namespace,
                metric,
                aggregation,
            } => write!(
                f,
                "{sign} aggregation {aggregation} on {metric} ({namespace})"
            ),
            Change::MissingAggregation {
                namespace,
                metric,
                aggregation,
            } => write!(
                f,
                "{sign} aggregation {aggregation} on {metric} ({namespace}): built-in only"
            ),
            Change::AddsDimension {
                namespace,
                metric,
                dimension,
            } => write!(f, "{sign} dimension {dimension} on {metric} ({namespace})"),
            Change::MissingDimension {
                namespace,
                metric,
                dimension,
            } => write!(
                f,
                "{sign} dimension {dimension} on {metric} ({namespace}): built-in only"
            ),
        }
    }
}

/// The REST names of the dimensions a metric carries, lowercased for comparison.
fn dimension_names(c: &Catalog, metric: usize) -> Vec<(String, String)> {
    c.dimensions_of(metric)
        .into_iter()
        .map(|d| {
            let name = c.dimensions[d].rest_name().to_string();
            (name.to_lowercase(), name)
        })
        .collect()
}

/// The differences between `file` and `base`, metric by metric in the file's order, then the
/// base's metrics that the file's namespaces lack.
pub fn diff(base: &Catalog, file: &Catalog) -> Vec<Change> {
    let mut out = Vec::new();
    for (fi, fm) in file.metrics.iter().enumerate() {
        let namespace = fm.namespace.clone();
        let metric = fm.rest_name().to_string();
        let Some(bi) = base
            .metric_in(&namespace, fm.rest_name())
            .or_else(|| base.metric_in(&namespace, &fm.name))
        else {
            out.push(Change::AddsMetric { namespace, metric });
            continue;
        };
        let bm = &base.metrics[bi];
        if !bm.unit.eq_ignore_ascii_case(&fm.unit) {
            out.push(Change::Unit {
                namespace: namespace.clone(),
                metric: metric.clone(),
                base: bm.unit.clone(),
                file: fm.unit.clone(),
            });
        }
        if let (Some((b, _)), Some((f, _))) = (base.aggregations(bi), file.aggregations(fi)) {
            for a in f.iter().filter(|a| !b.contains(a)) {
                out.push(Change::AddsAggregation {
                    namespace: namespace.clone(),
                    metric: metric.clone(),
                    aggregation: a.to_string(),
                });
            }
            for a in b.iter().filter(|a| !f.contains(a)) {
                out.push(Change::MissingAggregation {
                    namespace: namespace.clone(),
                    metric: metric.clone(),
                    aggregation: a.to_string(),
                });
            }
        }
        let (b, f) = (dimension_names(base, bi), dimension_names(file, fi));
        for (key, name) in &f {
            if !b.iter().any(|(k, _)| k == key) {
                out.push(Change::AddsDimension {
                    namespace: namespace.clone(),
                    metric: metric.clone(),
                    dimension: name.clone(),
                });
            }
        }
        for (key, name) in &b {
            if !f.iter().any(|(k, _)| k == key) {
                out.push(Change::MissingDimension {
                    namespace: namespace.clone(),
                    metric: metric.clone(),
                    dimension: name.clone(),
                });
            }
        }
    }
    let namespaces: Vec<&str> = file.metrics.iter().map(|m| m.namespace.as_str()).collect();
    for bm in &base.metrics {
        if namespaces
            .iter()
            .any(|n| super::same_namespace(n, &bm.namespace))
            && file.metric_in(&bm.namespace, bm.rest_name()).is_none()
            && file.metric_in(&bm.namespace, &bm.name).is_none()
        {
            out.push(Change::MissingMetric {
                namespace: bm.namespace.clone(),
                metric: bm.rest_name().to_string(),
            });
        }
    }
    out
}
