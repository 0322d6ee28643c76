//! `amlguard graph NAME` and `amlguard lifecycles`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::audit::run::{AuditOptions, audit_paths, load_lifecycles};
use crate::lifecycle::render;
use crate::report::sanitize::text as clean;
use crate::source::SourceMap;

use super::{Error, ExitStatus, report_to_stderr, warn};

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The lifecycle to draw (run, compute-job, cluster, node, operation, or one of yours).
    pub name: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// A lifecycle file that adds or overrides lifecycles (repeatable).
    #[arg(long = "lifecycle", value_name = "FILE")]
    pub lifecycles: Vec<PathBuf>,
    /// Overlay what these dumps did: transition counts, illegal transitions in red.
    #[arg(long = "observed", value_name = "DUMP")]
    pub observed: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct LifecyclesArgs {
    /// A lifecycle file that adds or overrides lifecycles (repeatable); it is checked too.
    #[arg(long = "lifecycle", value_name = "FILE")]
    pub lifecycles: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table as wide as the terminal (`table` is accepted too).
    #[value(alias = "table")]
    Human,
    /// JSON.
    Json,
}

pub fn graph(args: GraphArgs, color: bool, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut sources = SourceMap::new();
    let (lifecycles, findings, errors) = load_lifecycles(&args.lifecycles, &mut sources);
    for e in &errors {
        warn(format_args!("error: {}", clean(&e.to_string())));
    }
    report_to_stderr(&sources, &findings, color);
    let Some(i) = lifecycles.find(&args.name) else {
        let names: Vec<&str> = lifecycles.specs.iter().map(|s| s.name.as_str()).collect();
        return Err(Error::Usage(format!(
            "no lifecycle is named `{}`{} (lifecycles: {})",
            clean(&args.name),
            crate::suggest::did_you_mean(&args.name, names.iter().copied())
                .map(|h| format!("; {}", clean(&h)))
                .unwrap_or_default(),
            clean(&names.join(", "))
        )));
    };
    let observed = if args.observed.is_empty() {
        None
    } else {
        let options = AuditOptions {
            lifecycles: args.lifecycles.clone(),
            ..AuditOptions::default()
        };
        let report = audit_paths(&args.observed, &options);
        for e in &report.input_errors {
            warn(format_args!("error: {}", clean(&e.to_string())));
        }
        let g = &lifecycles.graphs[i];
        let mut obs = render::Observed::new();
        if let Some(t) = report.summary.transitions.get(&lifecycles.specs[i].name) {
            for (edge, n) in t {
                if let Some((a, b)) = edge.split_once("->")
                    && let (Some(a), Some(b)) = (g.state(a), g.state(b))
                {
                    obs.insert((a, b), *n);
                }
            }
        }
        Some(obs)
    };
    let spec = &lifecycles.specs[i];
    let g = &lifecycles.graphs[i];
    let text = match args.format {
        GraphFormat::Dot => render::dot(&spec.name, g, observed.as_ref()),
        GraphFormat::Mermaid => render::mermaid(g, observed.as_ref()),
    };
    out.write_all(text.as_bytes())?;
    Ok(if errors.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Failure
    })
}

pub fn list(args: LifecyclesArgs, color: bool, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut sources = SourceMap::new();
    let (lifecycles, findings, errors) = load_lifecycles(&args.lifecycles, &mut sources);
    for e in &errors {
        warn(format_args!("error: {}", clean(&e.to_string())));
    }
    match args.format {
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = lifecycles
                .specs
                .iter()
                .zip(&lifecycles.graphs)
                .map(|(s, g)| {
                    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
                    for (from, name) in g.names.iter().enumerate() {
                        edges.insert(
                            name,
                            g.successors(from as u16)
                                .into_iter()
                                .map(|t| g.names[t as usize].as_str())
                                .collect(),
                        );
                    }
                    serde_json::json!({
                        "name": s.name, "description": s.description, "categories": s.categories,
                        "key": s.key, "state": s.state, "states": g.names,
                        "initial": s.initial.iter().map(|n| &n.name).collect::<Vec<_>>(),
                        "terminal": s.terminal.iter().map(|n| &n.name).collect::<Vec<_>>(),
                        "transitions": edges,
                    })
                })
                .collect();
            crate::report::sanitize::write_json(out, &v, b"  ")?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(vec![
                    "Lifecycle",
                    "Categories",
                    "Key",
                    "State field",
                    "States (initial → terminal)",
                ]);
            for (s, g) in lifecycles.specs.iter().zip(&lifecycles.graphs) {
                let states: Vec<String> = g
                    .names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| match (g.initial[i], g.terminal[i]) {
                        (true, _) => format!("→{n}"),
                        (_, true) => format!("{n}■"),
                        _ => n.clone(),
                    })
                    .collect();
                let cats = if s.categories.len() > 3 {
                    format!(
                        "{}, … ({} in all)",
                        s.categories[..2].join(", "),
                        s.categories.len()
                    )
                } else {
                    s.categories.join(", ")
                };
                t.add_row(clean_row(vec![
                    s.name.clone(),
                    cats,
                    s.key.join(" + "),
                    s.state.clone(),
                    states.join(" "),
                ]));
            }
            super::catalog::fit(&mut t);
            writeln!(out, "{t}")?;
        }
    }
    report_to_stderr(&sources, &findings, color);
    Ok(if !errors.is_empty() {
        ExitStatus::Failure
    } else if findings
        .iter()
        .any(|f| f.severity == crate::finding::Severity::Error)
    {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// Table cells with input text made safe to show.
fn clean_row(cells: Vec<String>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| crate::report::sanitize::text(&c).into_owned())
        .collect()
}
