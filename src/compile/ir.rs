//! The intermediate form every dialect compiles from: a lifecycle spec resolved into plain data
//! (states with their flags, legal successors and dwell limits; the fields to read; the
//! in-record checks), plus the options of one compilation. Dialects read only this, so the
//! native audit's rules are stated once, here, and each dialect is a printer.
//!
//! The rules the query must follow to give the native audit's findings (src/audit/tracker.rs):
//! - a record belongs to a lifecycle by its `Type` or `category`; without either, to the first
//!   lifecycle (in spec order) whose key and state fields it carries;
//! - only records whose state is a declared state are events: a record with an unknown state is
//!   reported and does not replace the entity's last known state;
//! - each entity's events are taken in time order, ties broken by input order (file in path
//!   order, then line); a repeated state is not a transition and does not restart the dwell;
//! - once terminal, the state stays: any other state is an event after terminal;
//! - an entity that is terminal and then silent for longer than the reorder window is
//!   forgotten: its next record starts a new entity (the native audit frees its memory then);
//!   "silent" is measured against the watermark, the latest time seen earlier in input order;
//! - a record older than the watermark minus the reorder window is late and not applied;
//! - entities left in a non-terminal state are open at the end, which is `--until` or the
//!   latest event time of the data.

use crate::lifecycle::{LifecycleSpec, Lifecycles, RecordCheck};
use crate::registry::{self, CheckInfo};

/// One state of a lifecycle.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub name: String,
    pub initial: bool,
    pub terminal: bool,
    /// Longest allowed stay, in seconds.
    pub max_dwell: Option<u64>,
    /// Legal next states, in declaration order.
    pub successors: Vec<String>,
}

/// A second field that must agree with the state.
#[derive(Debug, Clone, PartialEq)]
pub struct Agree {
    pub field: String,
    /// `(field value in lower case, the state it implies)`.
    pub pairs: Vec<(String, String)>,
}

/// One lifecycle, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    pub name: String,
    pub categories: Vec<String>,
    pub key: Vec<String>,
    pub state: String,
    pub state_optional: bool,
    /// Time fields, the first present one wins.
    pub time: Vec<String>,
    pub states: Vec<State>,
    pub agree: Option<Agree>,
    pub checks: Vec<RecordCheck>,
    /// For records without `Type` or `category`: the key and state fields of every lifecycle
    /// before this one (a record carrying all of one set belongs to that lifecycle).
    pub claimed_before: Vec<Vec<String>>,
}

impl Lifecycle {
    pub fn has_terminal(&self) -> bool {
        self.states.iter().any(|s| s.terminal)
    }

    /// The key and state fields, whose presence claims a record without a category.
    pub fn claim_fields(&self) -> Vec<String> {
        let mut v = self.key.clone();
        v.push(self.state.clone());
        v
    }

    /// Every field the lifecycle reads, each once (case-insensitively), in a stable order.
    pub fn fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |f: &str| {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(f)) {
                out.push(f.to_string());
            }
        };
        for f in ["Type", "category"] {
            add(f);
        }
        for f in self.key.iter().chain(&self.time) {
            add(f);
        }
        add(&self.state);
        if let Some(a) = &self.agree {
            add(&a.field);
        }
        for c in &self.checks {
            match c {
                RecordCheck::NonNegative { fields, .. } | RecordCheck::Ordered { fields, .. } => {
                    fields.iter().for_each(|f| add(f))
                }
                RecordCheck::AtMost { fields, limit, .. } => {
                    fields.iter().for_each(|f| add(f));
                    add(limit);
                }
            }
        }
        for set in &self.claimed_before {
            set.iter().for_each(|f| add(f));
        }
        out
    }
}

/// What a compilation is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The reorder window, in seconds.
    pub reorder_window: u64,
    /// The end of the data for open-at-end, in microseconds since the epoch; `None`: the
    /// latest event time.
    pub until: Option<i64>,
    /// Started mid-lifecycle and open at the end are errors, not notes.
    pub strict: bool,
    /// Spark: the table or view of the records.
    pub source: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reorder_window: 3600,
            until: None,
            strict: false,
            source: "amlguard_records".into(),
        }
    }
}

/// Lifecycles to compile into one query, with the options.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub lifecycles: Vec<Lifecycle>,
    pub options: Options,
}

/// The checks a query reports, with their severity under the options.
pub struct Checks;

impl Checks {
    pub const ALL: [&'static CheckInfo; 9] = [
        &registry::ILLEGAL_TRANSITION,
        &registry::EVENT_AFTER_TERMINAL,
        &registry::UNKNOWN_STATE,
        &registry::DWELL_EXCEEDED,
        &registry::RECORD_INCONSISTENT,
        &registry::LATE_RECORD,
        &registry::STARTED_MID_LIFECYCLE,
        &registry::OPEN_AT_END,
        &registry::UNREADABLE_RECORD,
    ];
}

/// The severity a check has in a query's rows.
pub fn severity(check: &CheckInfo, options: &Options) -> &'static str {
    let strict_error = options.strict
        && (check.code == registry::STARTED_MID_LIFECYCLE.code
            || check.code == registry::OPEN_AT_END.code);
    if strict_error {
        return "error";
    }
    match check.severity {
        crate::finding::Severity::Error => "error",
        crate::finding::Severity::Warning => "warning",
        crate::finding::Severity::Note => "note",
    }
}

/// Why a lifecycle cannot be compiled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Resolves lifecycles `which` (indices into `lifecycles`) into a plan.
pub fn plan(lifecycles: &Lifecycles, which: &[usize], options: Options) -> Result<Plan, Refused> {
    let mut out = Vec::new();
    for &i in which {
        let spec = lifecycles
            .specs
            .get(i)
            .ok_or_else(|| Refused(format!("no lifecycle number {i}")))?;
        let claimed_before = lifecycles.specs[..i]
            .iter()
            .map(|s| {
                let mut v = s.key.clone();
                v.push(s.state.clone());
                v
            })
            .collect();
        out.push(resolve(spec, &lifecycles.graphs[i], claimed_before)?);
    }
    Ok(Plan {
        lifecycles: out,
        options,
    })
}

fn resolve(
    spec: &LifecycleSpec,
    g: &crate::lifecycle::LifecycleGraph,
    claimed_before: Vec<Vec<String>>,
) -> Result<Lifecycle, Refused> {
    if spec.time.is_empty() {
        return Err(Refused(format!(
            "lifecycle `{}` names no time field: its events cannot be ordered",
            spec.name
        )));
    }
    if spec.key.is_empty() {
        return Err(Refused(format!(
            "lifecycle `{}` names no key field: its records cannot be grouped into entities",
            spec.name
        )));
    }
    let states = (0..g.len())
        .map(|i| State {
            name: g.names[i].clone(),
            initial: g.initial[i],
            terminal: g.terminal[i],
            max_dwell: g.max_dwell[i],
            successors: g
                .successors(i as crate::lifecycle::graph::StateId)
                .into_iter()
                .map(|s| g.names[s as usize].clone())
                .collect(),
        })
        .collect();
    Ok(Lifecycle {
        name: spec.name.clone(),
        categories: spec.categories.clone(),
        key: spec.key.clone(),
        state: spec.state.clone(),
        state_optional: spec.state_optional,
        time: spec.time.clone(),
        states,
        agree: spec.agree.as_ref().map(|a| Agree {
            field: a.field.clone(),
            pairs: a
                .pairs
                .iter()
                .map(|(k, v)| (k.to_lowercase(), v.clone()))
                .collect(),
        }),
        checks: spec.checks.clone(),
        claimed_before,
    })
}
