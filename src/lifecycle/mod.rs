//! Lifecycle specs (data) and the graph model built from them.
//!
//! A spec names the log categories it applies to, the entity key, the state and time fields,
//! the states, initial and terminal states, legal transitions, optional maximum dwell times and
//! in-record checks. The built-in specs live in `builtin.yaml`; `--lifecycle FILE` adds or
//! overrides specs by name.

pub mod graph;
mod load;
pub mod render;

use crate::duration::Duration;
use crate::finding::Finding;
use crate::source::{SourceFile, SourceMap, Span};

pub use graph::LifecycleGraph;

pub const BUILTIN: &str = include_str!("builtin.yaml");
pub const BUILTIN_NAME: &str = "<built-in lifecycles>";

/// A name with the span it was read from (in its spec file).
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub name: String,
    pub span: Span,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub from: Vec<Named>,
    pub to: Vec<Named>,
    pub source: Option<String>,
}

/// An in-record consistency check.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordCheck {
    /// Every listed numeric field is ≥ 0.
    NonNegative { fields: Vec<String>, source: String },
    /// Every listed numeric field is ≤ the `limit` field.
    AtMost {
        fields: Vec<String>,
        limit: String,
        source: String,
    },
    /// The listed time fields are in non-decreasing order (absent ones are skipped).
    Ordered { fields: Vec<String>, source: String },
}

/// A state that signals a failure (`{name: Failed, failure: "why", metric: Failed Runs}`).
#[derive(Debug, Clone, PartialEq)]
pub struct FailureState {
    pub state: String,
    /// Why entering this state is a failure, with its source.
    pub why: String,
    /// The workspace metric that counts entities entering this state, if there is one: a
    /// metric rule on it watches the state.
    pub metric: Option<String>,
}

/// A second field that must agree with the state: `field` value → the state it implies.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub field: String,
    pub pairs: Vec<(String, String)>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleSpec {
    pub name: String,
    pub name_span: Span,
    pub file: crate::source::FileId,
    pub description: String,
    /// Log categories / table names whose records belong to this lifecycle.
    pub categories: Vec<String>,
    pub key: Vec<String>,
    pub state: String,
    /// Records without the state field are still checked in-record.
    pub state_optional: bool,
    /// Time fields, first present wins.
    pub time: Vec<String>,
    pub states: Vec<Named>,
    pub initial: Vec<Named>,
    pub terminal: Vec<Named>,
    pub transitions: Vec<Transition>,
    pub max_dwell: Vec<(Named, Duration)>,
    /// States that signal a failure or a stuck entity (`failure:` on a state), for
    /// `amlguard coverage`.
    pub failures: Vec<FailureState>,
    pub agree: Option<Agreement>,
    pub checks: Vec<RecordCheck>,
}

/// All lifecycles in force, each with its graph.
#[derive(Debug, Clone, Default)]
pub struct Lifecycles {
    pub specs: Vec<LifecycleSpec>,
    pub graphs: Vec<LifecycleGraph>,
}

impl Lifecycles {
    /// The built-in specs with the user's files merged over them (a spec with the same name
    /// replaces the built-in one). Problems, including the sanity analysis of every graph, are
    /// returned as findings located in the spec files.
    pub fn load(sources: &mut SourceMap, extra: Vec<SourceFile>) -> (Lifecycles, Vec<Finding>) {
        let mut specs: Vec<LifecycleSpec> = Vec::new();
        let mut findings = Vec::new();
        let builtin = sources.add(SourceFile::new(BUILTIN_NAME, BUILTIN));
        let mut files = vec![builtin];
        for f in extra {
            files.push(sources.add(f));
        }
        for id in files {
            let (read, f) = load::read(sources.get(id).text(), id);
            findings.extend(f);
            for spec in read {
                match specs
                    .iter_mut()
                    .find(|s| s.name.eq_ignore_ascii_case(&spec.name))
                {
                    Some(existing) => {
                        if existing.file != builtin {
                            findings.push(twice(sources, &spec, existing));
                        }
                        *existing = spec;
                    }
                    None => specs.push(spec),
                }
            }
        }
        findings.extend(shared_categories(sources, &specs));
        let mut graphs = Vec::new();
        for spec in &specs {
            let (g, f) = LifecycleGraph::build(spec);
            findings.extend(f);
            graphs.push(g);
        }
        (Lifecycles { specs, graphs }, findings)
    }

    /// Whether any of `findings` (from [`Lifecycles::load`]) makes the specs unusable.
    pub fn has_errors(findings: &[Finding]) -> bool {
        findings
            .iter()
            .any(|f| f.severity == crate::finding::Severity::Error)
    }

    pub fn builtin() -> Lifecycles {
        Lifecycles::load(&mut SourceMap::new(), Vec::new()).0
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.specs
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(name))
    }
}

/// `file:line` of a spec's name, for messages.
fn place(sources: &SourceMap, spec: &LifecycleSpec) -> String {
    let f = sources.get(spec.file);
    format!("{}:{}", f.name(), f.line_col(spec.name_span.start).line)
}

/// A user's lifecycle defined again under the same name: the later one is used.
fn twice(sources: &SourceMap, later: &LifecycleSpec, earlier: &LifecycleSpec) -> Finding {
    Finding::new(
        &crate::registry::INVALID_VALUE,
        later.file,
        later.name_span,
        format!(
            "lifecycle `{}` is defined twice (also at {}); a name may be defined once",
            later.name,
            place(sources, earlier)
        ),
    )
    .label("defined again here")
    .help("remove one definition, or give it another name")
}

/// Two lifecycles that claim one category: its records could only ever go to one of them.
fn shared_categories(sources: &SourceMap, specs: &[LifecycleSpec]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (j, later) in specs.iter().enumerate() {
        for earlier in &specs[..j] {
            for c in &later.categories {
                if earlier.categories.iter().any(|e| e.eq_ignore_ascii_case(c)) {
                    out.push(
                        Finding::new(
                            &crate::registry::INVALID_VALUE,
                            later.file,
                            later.name_span,
                            format!(
                                "lifecycle `{}` claims category `{c}`, which lifecycle `{}` ({}) \
                                 already claims; a category belongs to one lifecycle",
                                later.name,
                                earlier.name,
                                place(sources, earlier)
                            ),
                        )
                        .label("claims a category already taken")
                        .help(format!(
                            "name it `{}` to replace that lifecycle, or drop `{c}` from one of them",
                            earlier.name
                        )),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
