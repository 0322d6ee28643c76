//! A lifecycle as a petgraph graph (states are nodes, legal transitions edges), with an
//! O(1) legal-edge matrix for the audit's hot loop and the sanity analysis of the spec.

use std::collections::HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, Reversed};

use crate::finding::{Finding, Sink};
use crate::registry;

use super::{LifecycleSpec, Named};

/// State ids are small integers: indices into `names`.
pub type StateId = u16;

#[derive(Debug, Clone)]
pub struct LifecycleGraph {
    pub graph: DiGraph<String, ()>,
    pub names: Vec<String>,
    index: HashMap<String, StateId>,
    legal: Vec<bool>,
    pub initial: Vec<bool>,
    pub terminal: Vec<bool>,
    /// Maximum dwell per state, in seconds.
    pub max_dwell: Vec<Option<u64>>,
}

impl LifecycleGraph {
    /// Builds the graph of a spec and analyses it. States named in `initial`, `terminal`,
    /// `transitions` or `max-dwell` but not declared in `states` are reported and ignored.
    pub fn build(spec: &LifecycleSpec) -> (LifecycleGraph, Vec<Finding>) {
        let mut sink = Sink::new(spec.file);
        let mut graph = DiGraph::new();
        let mut index = HashMap::new();
        let mut names = Vec::new();
        for s in &spec.states {
            let key = s.name.to_lowercase();
            if index.contains_key(&key) {
                continue;
            }
            let id = names.len() as StateId;
            index.insert(key, id);
            names.push(s.name.clone());
            graph.add_node(s.name.clone());
        }
        let n = names.len();
        let lookup = |named: &Named, sink: &mut Sink| -> Option<StateId> {
            let found = index.get(&named.name.to_lowercase()).copied();
            if found.is_none() {
                sink.push(
                    sink.at(
                        &registry::UNDECLARED_STATE,
                        named.span,
                        format!(
                            "state `{}` is not declared in `states` of lifecycle `{}`",
                            named.name, spec.name
                        ),
                    )
                    .label("undeclared")
                    .maybe_help(crate::suggest::did_you_mean(
                        &named.name,
                        names.iter().map(String::as_str),
                    ))
                    .help_or("declare it under `states`"),
                );
            }
            found
        };
        let mut legal = vec![false; n * n];
        for t in &spec.transitions {
            let from: Vec<StateId> = t.from.iter().filter_map(|s| lookup(s, &mut sink)).collect();
            let to: Vec<StateId> = t.to.iter().filter_map(|s| lookup(s, &mut sink)).collect();
            for &f in &from {
                for &d in &to {
                    if !legal[f as usize * n + d as usize] {
                        legal[f as usize * n + d as usize] = true;
                        graph.add_edge(NodeIndex::new(f as usize), NodeIndex::new(d as usize), ());
                    }
                }
            }
        }
        let mut initial = vec![false; n];
        for s in &spec.initial {
            if let Some(i) = lookup(s, &mut sink) {
                initial[i as usize] = true;
            }
        }
        let mut terminal = vec![false; n];
        for s in &spec.terminal {
            if let Some(i) = lookup(s, &mut sink) {
                terminal[i as usize] = true;
            }
        }
        let mut max_dwell = vec![None; n];
        for (s, d) in &spec.max_dwell {
            if let Some(i) = lookup(s, &mut sink) {
                max_dwell[i as usize] = Some(d.0);
            }
        }
        let g = LifecycleGraph {
            graph,
            names,
            index,
            legal,
            initial,
            terminal,
            max_dwell,
        };
        g.analyse(spec, &mut sink);
        (g, sink.findings)
    }

    /// A state by name, case-insensitively.
    pub fn state(&self, name: &str) -> Option<StateId> {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return Some(i as StateId);
        }
        self.index.get(&name.to_lowercase()).copied()
    }

    /// Whether `from → to` is a legal transition.
    #[inline]
    pub fn legal(&self, from: StateId, to: StateId) -> bool {
        self.legal[from as usize * self.names.len() + to as usize]
    }

    pub fn is_terminal(&self, s: StateId) -> bool {
        self.terminal[s as usize]
    }

    pub fn is_initial(&self, s: StateId) -> bool {
        self.initial[s as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The legal successors of a state.
    pub fn successors(&self, s: StateId) -> Vec<StateId> {
        let mut v: Vec<StateId> = self
            .graph
            .neighbors_directed(NodeIndex::new(s as usize), Direction::Outgoing)
            .map(|n| n.index() as StateId)
            .collect();
        v.sort_unstable();
        v
    }

    fn analyse(&self, spec: &LifecycleSpec, sink: &mut Sink) {
        let span_of = |name: &str| {
            spec.states
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(name))
                .map_or(spec.name_span, |s| s.span)
        };
        // Reachable from an initial state.
        let mut reached = vec![false; self.len()];
        for (i, _) in self.initial.iter().enumerate().filter(|(_, b)| **b) {
            let mut bfs = Bfs::new(&self.graph, NodeIndex::new(i));
            while let Some(n) = bfs.next(&self.graph) {
                reached[n.index()] = true;
            }
        }
        for (i, name) in self.names.iter().enumerate() {
            if !reached[i] {
                sink.push(
                    sink.at(
                        &registry::UNREACHABLE_STATE,
                        span_of(name),
                        format!("state `{name}` of lifecycle `{}` cannot be reached from an initial state", spec.name),
                    )
                    .label("unreachable")
                    .help("add a transition into it, or list it under `initial`"),
                );
            }
        }
        // Every non-terminal state can reach a terminal one (when the lifecycle has any).
        if self.terminal.iter().any(|t| *t) {
            let mut can_end = vec![false; self.len()];
            let rev = Reversed(&self.graph);
            for (i, _) in self.terminal.iter().enumerate().filter(|(_, b)| **b) {
                let mut bfs = Bfs::new(rev, NodeIndex::new(i));
                while let Some(n) = bfs.next(rev) {
                    can_end[n.index()] = true;
                }
            }
            for (i, name) in self.names.iter().enumerate() {
                if !can_end[i] && !self.terminal[i] {
                    sink.push(
                        sink.at(
                            &registry::NO_TERMINAL_PATH,
                            span_of(name),
                            format!("from state `{name}` of lifecycle `{}` no terminal state can be reached", spec.name),
                        )
                        .label("a dead end")
                        .help("add a transition out of it towards a terminal state, or list it under `terminal`"),
                    );
                }
            }
        }
        for t in &spec.transitions {
            for f in &t.from {
                if self.state(&f.name).is_some_and(|s| self.is_terminal(s)) && !t.to.is_empty() {
                    sink.push(
                        sink.at(
                            &registry::EDGE_FROM_TERMINAL,
                            f.span,
                            format!(
                                "`{}` is terminal in lifecycle `{}` but has transitions out of it",
                                f.name, spec.name
                            ),
                        )
                        .label("terminal state")
                        .help("remove the transition, or remove the state from `terminal`"),
                    );
                }
            }
        }
    }
}

trait HelpOr {
    fn help_or(self, text: &str) -> Self;
}

impl HelpOr for Finding {
    fn help_or(self, text: &str) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.help(text)
        }
    }
}
