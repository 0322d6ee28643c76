//! `amlguard graph NAME` and `amlguard lifecycles`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::audit::run::{AuditOptions, audit_paths, load_lifecycles};
use crate::lifecycle::render;
use crate::report;
use crate::source::SourceMap;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The lifecycle to draw (run, compute-job, cluster, node, operation, or one of yours).
    pub name: String,
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
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

pub fn graph(args: GraphArgs, color: bool) -> u8 {
    let mut sources = SourceMap::new();
    let (lifecycles, findings, errors) = load_lifecycles(&args.lifecycles, &mut sources);
    for e in &errors {
        eprintln!("error: {e}");
    }
    if !findings.is_empty() {
        eprint!(
            "{}",
            report::human::render_findings(&sources, &findings, color)
        );
    }
    let Some(i) = lifecycles.find(&args.name) else {
        let names: Vec<&str> = lifecycles.specs.iter().map(|s| s.name.as_str()).collect();
        eprintln!(
            "error: no lifecycle is named `{}`{} (lifecycles: {})",
            args.name,
            crate::suggest::did_you_mean(&args.name, names.iter().copied())
                .map(|h| format!("; {h}"))
                .unwrap_or_default(),
            names.join(", ")
        );
        return EXIT_ERROR;
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
            eprintln!("error: {e}");
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
    let out = match args.format {
        GraphFormat::Dot => render::dot(&spec.name, g, observed.as_ref()),
        GraphFormat::Mermaid => render::mermaid(g, observed.as_ref()),
    };
    print!("{out}");
    if errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    }
}

pub fn list(args: LifecyclesArgs, color: bool) -> u8 {
    let mut sources = SourceMap::new();
    let (lifecycles, findings, errors) = load_lifecycles(&args.lifecycles, &mut sources);
    for e in &errors {
        eprintln!("error: {e}");
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
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        ListFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(160)
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
                t.add_row(vec![
                    s.name.clone(),
                    cats,
                    s.key.join(" + "),
                    s.state.clone(),
                    states.join(" "),
                ]);
            }
            println!("{t}");
        }
    }
    if !findings.is_empty() {
        eprint!(
            "{}",
            report::human::render_findings(&sources, &findings, color)
        );
    }
    if !errors.is_empty() {
        EXIT_ERROR
    } else if findings
        .iter()
        .any(|f| f.severity == crate::finding::Severity::Error)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
