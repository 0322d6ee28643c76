//! `amlguard catalog [metrics|dimensions|tables|categories|operations|schedules|sources]` and
//! `amlguard catalog diff FILE`.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::catalog::{Catalog, Support};
use crate::linter;
use crate::source::SourceMap;

use super::{CatalogFiles, Error, ExitStatus, report_to_stderr, warn};

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// What to list; `diff FILE` compares a catalog file (such as the JSON of
    /// `az monitor metrics list-definitions --resource ID -o json`) with the built-in catalog.
    #[arg(value_enum, default_value_t = Section::Metrics)]
    pub section: Section,
    /// The catalog file `diff` compares with the built-in catalog.
    #[arg(value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// List only the metrics (and dimensions) of this metric namespace, e.g.
    /// Microsoft.MachineLearningServices/workspaces/onlineEndpoints (any case).
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
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
    /// What Azure accepts in metric and log alert schedules (frequencies, windows, look-back).
    Schedules,
    Sources,
    /// What FILE adds to (+), lacks from (-) or contradicts (!) in the built-in catalog; exit 1
    /// when they differ.
    Diff,
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
    if matches!(args.section, Section::Diff) {
        return diff(&args, out);
    }
    if let Some(f) = &args.file {
        return Err(Error::Usage(format!(
            "unexpected argument `{}`: only `diff` takes a file",
            crate::report::sanitize::text(&f.display().to_string())
        )));
    }
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
    let namespace = match &args.namespace {
        None => None,
        Some(ns) => match catalog.namespace_named(ns) {
            Some(known) => Some(known.to_string()),
            None => {
                return Err(Error::Usage(format!(
                    "`{}` is no metric namespace of the catalog; it has {}",
                    crate::report::sanitize::text(ns),
                    catalog.namespaces().join(", ")
                )));
            }
        },
    };
    let shown = |i: usize| {
        namespace
            .as_deref()
            .is_none_or(|ns| catalog.metrics[i].namespace == ns)
    };
    let text = match args.format {
        Format::Json => json(&catalog, args.section, &shown),
        Format::Human => table(&catalog, args.section, &shown),
    };
    writeln!(out, "{text}")?;
    Ok(ExitStatus::Clean)
}

/// `amlguard catalog diff FILE`: exit 0 when FILE agrees with the built-in catalog (the
/// `--catalog` files merged over it), 1 when it differs, 2 when it cannot be read or has errors.
fn diff(args: &CatalogArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let Some(path) = &args.file else {
        return Err(Error::Usage(
            "`catalog diff` needs a FILE (e.g. the output of `az monitor metrics list-definitions --resource ID -o json`)".into(),
        ));
    };
    let mut sources = SourceMap::new();
    let (base, mut findings, mut errors) =
        linter::load_catalog(&args.catalog.catalogs, &mut sources);
    let mut scratch = SourceMap::new();
    let file = match crate::inputs::read(path, &mut scratch) {
        Ok((id, None)) => Some(scratch.get(id).clone()),
        Ok((id, Some(mut bad))) => {
            bad.file = sources.add(scratch.get(id).clone());
            findings.push(bad);
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let other = file.map(|f| {
        let (c, found) = Catalog::from_file(&mut sources, f);
        findings.extend(found);
        c
    });
    for e in &errors {
        warn(format_args!(
            "error: {}",
            crate::report::sanitize::text(&e.to_string())
        ));
    }
    report_to_stderr(&sources, &findings, false);
    let failed = findings
        .iter()
        .any(|f| f.severity == crate::finding::Severity::Error);
    let Some(other) = other.filter(|_| errors.is_empty() && !failed) else {
        return Ok(ExitStatus::Failure);
    };
    let changes = crate::catalog::diff::diff(&base, &other);
    match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&changes).expect("serializable")
        )?,
        Format::Human => {
            for c in &changes {
                writeln!(out, "{}", crate::report::sanitize::text(&c.to_string()))?;
            }
            let count = |sign| changes.iter().filter(|c| c.sign() == sign).count();
            writeln!(
                out,
                "{} metric(s) in {}: {} added, {} built-in only, {} contradicting",
                other.metrics.len(),
                crate::report::sanitize::text(&path.display().to_string()),
                count('+'),
                count('-'),
                count('!')
            )?;
        }
    }
    Ok(if changes.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}

fn json(c: &Catalog, section: Section, shown: &dyn Fn(usize) -> bool) -> String {
    let value = match section {
        Section::Metrics => {
            let metrics: Vec<serde_json::Value> = c
                .metrics
                .iter()
                .enumerate()
                .filter(|(i, _)| shown(*i))
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
                .filter(|(i, _)| c.metrics_with(*i).into_iter().any(shown))
                .map(|(i, d)| {
                    let mut v = serde_json::to_value(d).expect("serializable");
                    let metrics: Vec<serde_json::Value> = c
                        .metrics_with(i)
                        .into_iter()
                        .filter(|&m| shown(m))
                        .map(|m| {
                            serde_json::json!({
                                "namespace": c.metrics[m].namespace,
                                "name": c.metrics[m].rest_name(),
                            })
                        })
                        .collect();
                    v["metrics"] = serde_json::Value::Array(metrics);
                    v
                })
                .collect();
            serde_json::Value::Array(dims)
        }
        Section::Tables => serde_json::to_value(&c.tables).expect("serializable"),
        Section::Categories => serde_json::to_value(&c.categories).expect("serializable"),
        Section::Operations => serde_json::to_value(&c.operations).expect("serializable"),
        Section::Schedules => serde_json::to_value(&c.alert_schedules).expect("serializable"),
        Section::Sources => serde_json::to_value(&c.sources).expect("serializable"),
        Section::Diff => serde_json::Value::Null,
    };
    // Catalog files are input: their text keeps its data but never a raw control character.
    let mut out = Vec::new();
    match crate::report::sanitize::write_json(&mut out, &value, b"  ") {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
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

fn table(c: &Catalog, section: Section, shown: &dyn Fn(usize) -> bool) -> String {
    match section {
        Section::Metrics => {
            let mut t = new_table(&[
                "Namespace",
                "Metric (REST name)",
                "Unit",
                "Group",
                "Range",
                "Aggregations",
                "Dimensions (* = newer source only)",
            ]);
            for (i, m) in c.metrics.iter().enumerate().filter(|(i, _)| shown(*i)) {
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
                let short = m
                    .namespace
                    .strip_prefix("Microsoft.MachineLearningServices/")
                    .unwrap_or(&m.namespace);
                let name = match &m.internal {
                    Some(rest) => format!("{} ({rest})", m.name),
                    None => m.name.clone(),
                };
                t.add_row(clean_row(vec![
                    short.to_string(),
                    name,
                    m.unit.clone(),
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
                    .filter(|&m| shown(m))
                    .map(|m| match c.support(m, i) {
                        Support::Primary(_) => c.metrics[m].name.clone(),
                        _ => format!("{}*", c.metrics[m].name),
                    })
                    .collect();
                if metrics.is_empty() && c.has_specific_pairs(i) {
                    continue;
                }
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
        Section::Schedules => {
            let mut t = new_table(&["Alert", "Setting", "Allowed", "Source"]);
            for r in c.alert_schedules.rows() {
                t.add_row(clean_row(vec![
                    r.alert.to_string(),
                    r.setting.to_string(),
                    r.allowed,
                    r.source.to_string(),
                ]));
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
        Section::Diff => String::new(),
    }
}

/// Table cells with input text made safe to show.
fn clean_row(cells: Vec<String>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| crate::report::sanitize::text(&c).into_owned())
        .collect()
}
