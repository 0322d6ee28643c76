//! Drawing a lifecycle as Graphviz DOT or Mermaid, optionally with what a dump actually did:
//! each edge labelled with how often it was taken, illegal edges added in red.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::LifecycleGraph;
use super::graph::StateId;

/// Transition counts observed in a dump: `(from, to) → count`.
pub type Observed = BTreeMap<(StateId, StateId), u64>;

fn id(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 's');
    }
    s
}

/// A name from a lifecycle file inside a DOT string: control and invisible characters shown
/// as `\u{…}` (see `report::sanitize`), quotes and backslashes escaped, so that a name can
/// neither end its string nor add statements to the graph.
fn dot_text(s: &str) -> String {
    crate::report::sanitize::text(s)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

/// A name inside a Mermaid quoted label: as [`dot_text`], with `"` as Mermaid's `#quot;`.
fn mermaid_text(s: &str) -> String {
    crate::report::sanitize::text(s).replace('"', "#quot;")
}

pub fn dot(name: &str, g: &LifecycleGraph, observed: Option<&Observed>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_text(name));
    out.push_str("  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    for (i, s) in g.names.iter().enumerate() {
        let mut attrs = vec![format!("label=\"{}\"", dot_text(s))];
        if g.initial[i] {
            attrs.push("penwidth=2".into());
        }
        if g.terminal[i] {
            attrs.push("peripheries=2".into());
        }
        let _ = writeln!(out, "  {} [{}];", id(s), attrs.join(", "));
    }
    for from in 0..g.len() as StateId {
        for to in g.successors(from) {
            let mut attrs = Vec::new();
            if let Some(obs) = observed {
                let n = obs.get(&(from, to)).copied().unwrap_or(0);
                attrs.push(format!("label=\"{n}\""));
                if n == 0 {
                    attrs.push("color=gray".into());
                }
            }
            let _ = writeln!(
                out,
                "  {} -> {}{};",
                id(&g.names[from as usize]),
                id(&g.names[to as usize]),
                if attrs.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", attrs.join(", "))
                }
            );
        }
    }
    if let Some(obs) = observed {
        for (&(from, to), &n) in obs {
            if from != to && !g.legal(from, to) {
                let _ = writeln!(
                    out,
                    "  {} -> {} [label=\"{n} illegal\", color=red, fontcolor=red, style=dashed];",
                    id(&g.names[from as usize]),
                    id(&g.names[to as usize])
                );
            }
        }
    }
    out.push_str("}\n");
    out
}

pub fn mermaid(g: &LifecycleGraph, observed: Option<&Observed>) -> String {
    let mut out = String::from("stateDiagram-v2\n");
    for (i, s) in g.names.iter().enumerate() {
        if id(s) != *s {
            let _ = writeln!(out, "    state \"{}\" as {}", mermaid_text(s), id(s));
        }
        if g.initial[i] {
            let _ = writeln!(out, "    [*] --> {}", id(s));
        }
        if g.terminal[i] {
            let _ = writeln!(out, "    {} --> [*]", id(s));
        }
    }
    for from in 0..g.len() as StateId {
        for to in g.successors(from) {
            let label =
                observed.map(|o| format!(" : {}", o.get(&(from, to)).copied().unwrap_or(0)));
            let _ = writeln!(
                out,
                "    {} --> {}{}",
                id(&g.names[from as usize]),
                id(&g.names[to as usize]),
                label.unwrap_or_default()
            );
        }
    }
    if let Some(obs) = observed {
        let mut illegal = Vec::new();
        for (&(from, to), &n) in obs {
            if from != to && !g.legal(from, to) {
                let _ = writeln!(
                    out,
                    "    {} --> {} : {n} ILLEGAL",
                    id(&g.names[from as usize]),
                    id(&g.names[to as usize])
                );
                illegal.push(from);
            }
        }
        if !illegal.is_empty() {
            out.push_str("    classDef illegal stroke:#d00,stroke-width:3px\n");
            let mut names: Vec<String> =
                illegal.iter().map(|s| id(&g.names[*s as usize])).collect();
            names.dedup();
            for n in names {
                let _ = writeln!(out, "    class {n} illegal");
            }
        }
    }
    out
}
