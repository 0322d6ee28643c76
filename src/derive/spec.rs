//! The mapping from resource-log records to workspace metrics, as data (`metrics.yaml`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// The built-in mapping.
pub const BUILTIN: &str = include_str!("metrics.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeriveSpec {
    /// Time fields, the first present wins.
    pub time: Vec<String>,
    pub tables: Vec<TableSpec>,
    #[serde(default)]
    pub undetermined: Vec<Undetermined>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Each record is one sample of 1 of the metric its state field names.
    Count,
    /// Each record reports the current value of each listed field.
    Gauge,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// Table (Log Analytics `Type`) or category (diagnostic settings) name.
    pub table: String,
    pub kind: Kind,
    /// The field whose value picks the metric (`count` tables).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub dimensions: Vec<String>,
    pub source: String,
    /// `count`: state value → metric; `gauge`: field → metric.
    pub metrics: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Undetermined {
    pub metrics: Vec<String>,
    pub reason: String,
}

impl DeriveSpec {
    pub fn builtin() -> DeriveSpec {
        serde_saphyr::from_str(BUILTIN).expect("metrics.yaml is valid")
    }

    /// Why the logs cannot determine `metric`, if the mapping says.
    pub fn undetermined(&self, metric: &str) -> Option<&str> {
        self.undetermined
            .iter()
            .find(|u| u.metrics.iter().any(|m| m.eq_ignore_ascii_case(metric)))
            .map(|u| u.reason.as_str())
    }

    /// Every metric some table yields.
    pub fn metrics(&self) -> impl Iterator<Item = &str> {
        self.tables
            .iter()
            .flat_map(|t| t.metrics.values().map(String::as_str))
    }
}
