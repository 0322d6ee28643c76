//! `amlguard catalog [metrics|dimensions|tables|categories|operations|sources]`

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::catalog::{Catalog, Support};
use crate::linter;
use crate::source::SourceMap;

use super::{CatalogFiles, Error, ExitStatus, report_to_stderr, warn};

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// What to list.
    #[arg(value_enum, default_value_t = Section::Metrics)]
    pub section: Section,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub catalog: CatalogFiles,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Section {
    Metrics,
    Dimensions,
    Tables,
    Categories,
    Operations,
    Sources,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table as wide as the terminal (`table` is accepted too).
    #[value(alias = "table")]
    Human,
    /// JSON.
    Json,
}

pub fn run(args: CatalogArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut sources = SourceMap::new();
    let (catalog, findings, errors) = linter::load_catalog(&args.catalog.catalogs, &mut sources);
    for e in &errors {
        warn(format_args!(
            "error: {}",
            crate::report::sanitize::text(&e.to_string())
        ));
    }
    report_to_stderr(&sources, &findings, false);
    if !errors.is_empty() {
        return Ok(ExitStatus::Failure);
    }
    let text = match args.format {
        Format::Json => json(&catalog, args.section),
        Format::Human => table(&catalog, args.section),
    };
    writeln!(out, "{text}")?;
    Ok(ExitStatus::Clean)
}

fn json(c: &Catalog, section: Section) -> String {
    let value = match section {
        Section::Metrics => {
            let metrics: Vec<serde_json::Value> = c
                .metrics
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let mut v = serde_json::to_value(m).expect("serializable");
                    let dims: Vec<serde_json::Value> = c
                        .dimensions_of(i)
                        .into_iter()
                        .map(|d| {
                            let primary = matches!(c.support(i, d), Support::Primary(_));
                            serde_json::json!({"name": c.dimensions[d].rest_name(), "primary_source": primary})
                        })
                        .collect();
                    let aggs = c.aggregations(i).map(|(a, _)| a.to_vec()).unwrap_or_default();
                    v["dimensions"] = serde_json::Value::Array(dims);
                    v["allowed_aggregations"] = serde_json::to_value(aggs).expect("serializable");
                    v
                })
                .collect();
            serde_json::Value::Array(metrics)
        }
        Section::Dimensions => {
            let dims: Vec<serde_json::Value> = c
                .dimensions
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let mut v = serde_json::to_value(d).expect("serializable");
                    let metrics: Vec<&str> = c
                        .metrics_with(i)
                        .into_iter()
                        .map(|m| c.metrics[m].name.as_str())
                        .collect();
                    v["metrics"] = serde_json::to_value(metrics).expect("serializable");
                    v
                })
                .collect();
            serde_json::Value::Array(dims)
        }
        Section::Tables => serde_json::to_value(&c.tables).expect("serializable"),
        Section::Categories => serde_json::to_value(&c.categories).expect("serializable"),
        Section::Operations => serde_json::to_value(&c.operations).expect("serializable"),
        Section::Sources => serde_json::to_value(&c.sources).expect("serializable"),
    };
    serde_json::to_string_pretty(&value).expect("serializable")
}

fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    fit(&mut t);
    t
}

/// Fits a table to the terminal: `COLUMNS` if set, else the width of the terminal on stdout,
/// else (output to a file or a pipe) no limit, so that no row is wrapped.
pub(crate) fn fit(t: &mut Table) {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&c| c > 0);
    match columns {
        Some(w) => {
            t.set_width(w);
        }
        // comfy-table measures the terminal itself.
        None if std::io::stdout().is_terminal() => {}
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
}

/// `deprecated since 2022-02, use X`, or nothing.
fn status(d: Option<&crate::catalog::Deprecation>) -> String {
    d.map_or(String::new(), |d| {
        let replacement = d
            .replacement
            .as_ref()
            .map_or(String::new(), |r| format!(", use {r}"));
        format!("deprecated since {}{replacement}", d.since)
    })
}

fn table(c: &Catalog, section: Section) -> String {
    match section {
        Section::Metrics => {
            let mut t = new_table(&[
                "Metric",
                "Group",
                "Range",
                "Aggregations",
                "Dimensions (* = newer source only)",
            ]);
            for (i, m) in c.metrics.iter().enumerate() {
                let range = match (m.min, m.max) {
                    (Some(lo), Some(hi)) => format!("{lo}–{hi} ({})", m.kind.as_str()),
                    (Some(lo), None) => format!("≥ {lo} ({})", m.kind.as_str()),
                    _ => m.kind.as_str().to_string(),
                };
                let aggs = c
                    .aggregations(i)
                    .map(|(a, _)| a.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                let dims: Vec<String> = c
                    .dimensions_of(i)
                    .into_iter()
                    .map(|d| {
                        let name = c.dimensions[d].rest_name();
                        match c.support(i, d) {
                            Support::Primary(_) => name.to_string(),
                            _ => format!("{name}*"),
                        }
                    })
                    .collect();
                t.add_row(clean_row(vec![
                    m.name.clone(),
                    m.group.clone(),
                    range,
                    aggs,
                    dims.join(", "),
                ]));
            }
            t.to_string()
        }
        Section::Dimensions => {
            let mut t = new_table(&[
                "Dimension",
                "REST name",
                "Applies to (* = newer source only)",
                "Values",
            ]);
            for (i, d) in c.dimensions.iter().enumerate() {
                let metrics: Vec<String> = c
                    .metrics_with(i)
                    .into_iter()
                    .map(|m| match c.support(m, i) {
                        Support::Primary(_) => c.metrics[m].name.clone(),
                        _ => format!("{}*", c.metrics[m].name),
                    })
                    .collect();
                let applies = if !c.has_specific_pairs(i) {
                    "any metric (source names no pairing)".to_string()
                } else {
                    metrics.join(", ")
                };
                let values = d
                    .values
                    .as_ref()
                    .map(|v| {
                        v.values
                            .iter()
                            .map(|x| x.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                t.add_row(clean_row(vec![
                    d.name.clone(),
                    d.rest_name().to_string(),
                    applies,
                    values,
                ]));
            }
            t.to_string()
        }
        Section::Tables => {
            let mut t = new_table(&["Table", "Columns", "Status"]);
            for tb in &c.tables {
                let cols: Vec<&str> = tb.columns.iter().map(|c| c.name.as_str()).collect();
                t.add_row(clean_row(vec![
                    tb.name.clone(),
                    cols.join(", "),
                    status(tb.deprecated.as_ref()),
                ]));
            }
            t.to_string()
        }
        Section::Categories => {
            let mut t = new_table(&["Category", "Display name", "Status"]);
            for cat in &c.categories {
                t.add_row(clean_row(vec![
                    cat.name.clone(),
                    cat.display_name.clone(),
                    status(cat.deprecated.as_ref()),
                ]));
            }
            t.to_string()
        }
        Section::Operations => {
            let mut t = new_table(&["Operation", "Description"]);
            for o in &c.operations {
                t.add_row(clean_row(vec![o.operation.clone(), o.description.clone()]));
            }
            t.to_string()
        }
        Section::Sources => {
            let mut t = new_table(&["Id", "Title", "Where", "Primary"]);
            for s in &c.sources {
                t.add_row(clean_row(vec![
                    s.id.clone(),
                    s.title.clone(),
                    s.location.clone(),
                    s.primary.to_string(),
                ]));
            }
            t.to_string()
        }
    }
}

/// Table cells with input text made safe to show.
fn clean_row(cells: Vec<String>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| crate::report::sanitize::text(&c).into_owned())
        .collect()
}
