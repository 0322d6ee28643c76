use super::*;

#[test]
fn builtin_lifecycles_are_sane() {
    let (l, findings) = Lifecycles::load(&mut SourceMap::new(), Vec::new());
    assert!(findings.is_empty(), "{findings:#?}");
    let names: Vec<&str> = l.specs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["run", "compute-job", "cluster", "node", "operation"]
    );
}

#[test]
fn run_edges_follow_the_sources() {
    let l = Lifecycles::builtin();
    let g = &l.graphs[l.find("run").unwrap()];
    let s = |n| g.state(n).unwrap();
    assert!(g.legal(s("Queued"), s("Running")));
    // JobStatus: "A run can go from NotResponding to any of the previous states."
    for back in [
        "NotStarted",
        "Starting",
        "Provisioning",
        "Preparing",
        "Queued",
        "Running",
        "Finalizing",
        "CancelRequested",
        "Completed",
        "Failed",
        "Canceled",
    ] {
        assert!(
            g.legal(s("NotResponding"), s(back)),
            "NotResponding -> {back}"
        );
    }
    assert!(
        !g.legal(s("Queued"), s("Starting")),
        "only NotResponding is exempt"
    );
    assert!(
        g.legal(s("Starting"), s("Queued")),
        "Provisioning and Preparing may be skipped"
    );
    assert!(!g.legal(s("Queued"), s("Completed")));
    assert!(!g.legal(s("Completed"), s("Running")));
    assert!(g.is_terminal(s("Canceled")));
    assert_eq!(g.state("running"), g.state("Running"));
}

#[test]
fn builtin_citations_name_public_documents() {
    let text = include_str!("builtin.yaml");
    assert!(
        !text.contains("shared/"),
        "a citation names a path outside the repository"
    );
    assert!(!text.contains("azure-facts"));
    let l = Lifecycles::builtin();
    for spec in &l.specs {
        for t in &spec.transitions {
            let src = t.source.as_deref().unwrap_or("");
            assert!(
                ["seed", "JobStatus", "AllocationState", "NodeState"]
                    .iter()
                    .any(|k| src.starts_with(k)),
                "{}: {src}",
                spec.name
            );
        }
    }
}

#[test]
fn sanity_analysis_reports_located_problems() {
    let spec = "lifecycles:\n  - name: broken\n    key: [Id]\n    state: S\n    states: [A, B, C, D, E]\n    initial: [A]\n    terminal: [C]\n    transitions:\n      - {from: A, to: [B, C]}\n      - {from: C, to: [A]}\n      - {from: D, to: [D]}\n      - {from: B, to: [Z]}\n";
    let mut sources = SourceMap::new();
    let (_, findings) = Lifecycles::load(&mut sources, vec![SourceFile::new("broken.yaml", spec)]);
    let mut got: Vec<(&str, usize, usize)> = findings
        .iter()
        .map(|f| {
            let lc = sources.get(f.file).line_col(f.span.start);
            (f.check.name, lc.line, lc.column)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("edge-from-terminal", 10, 16),
            // B leads only to the undeclared Z; D only to itself; E nowhere.
            ("no-terminal-path", 5, 17),
            ("no-terminal-path", 5, 23),
            ("no-terminal-path", 5, 26),
            ("undeclared-state", 12, 24),
            ("unreachable-state", 5, 23),
            ("unreachable-state", 5, 26),
        ]
    );
}

/// `(check, line, column, message)` of each finding, in order.
fn located(sources: &SourceMap, findings: &[Finding]) -> Vec<(&'static str, usize, usize, String)> {
    findings
        .iter()
        .map(|f| {
            let lc = sources.get(f.file).line_col(f.span.start);
            (f.check.name, lc.line, lc.column, f.message.clone())
        })
        .collect()
}

const TWO_STATES: &str = "    key: [Id]\n    state: S\n    states: [A, B]\n    initial: [A]\n    terminal: [B]\n    transitions:\n      - {from: A, to: [B]}\n";

/// A user's lifecycle named like a built-in one replaces it in place, silently; one defined
/// twice by the user is reported at the second definition, naming the first, and the second
/// is used.
#[test]
fn user_lifecycles_replace_built_in_ones_and_are_defined_once() {
    let mut sources = SourceMap::new();
    let own = format!("lifecycles:\n  - name: RUN\n{TWO_STATES}");
    let (l, findings) = Lifecycles::load(
        &mut sources,
        vec![SourceFile::new("own.yaml", own.as_str())],
    );
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(!Lifecycles::has_errors(&findings));
    assert_eq!(l.specs.len(), 5);
    assert_eq!(l.find("run"), Some(0), "replaced where it was");
    assert_eq!(l.graphs[0].names, ["A", "B"]);

    let mut sources = SourceMap::new();
    let twice = format!(
        "lifecycles:\n  - name: mine\n{TWO_STATES}  - name: Mine\n{}",
        TWO_STATES
            .replace("[A, B]", "[A, B, C]")
            .replace("to: [B]", "to: [B, C]")
            .replace("terminal: [B]", "terminal: [B, C]")
    );
    let (l, findings) = Lifecycles::load(
        &mut sources,
        vec![SourceFile::new("twice.yaml", twice.as_str())],
    );
    assert_eq!(
        located(&sources, &findings),
        [(
            "invalid-value",
            10,
            11,
            "lifecycle `Mine` is defined twice (also at twice.yaml:2); a name may be defined once"
                .to_string()
        )]
    );
    assert!(Lifecycles::has_errors(&findings));
    assert_eq!(l.specs.len(), 6);
    let i = l.find("MINE").unwrap();
    assert_eq!(i, 5);
    assert_eq!(
        l.graphs[i].names,
        ["A", "B", "C"],
        "the later definition is used"
    );
}

/// A category claimed by two lifecycles is reported on the later one, naming the earlier and
/// where it is defined.
#[test]
fn a_category_belongs_to_one_lifecycle() {
    let mut sources = SourceMap::new();
    let text = format!(
        "lifecycles:\n  - name: mine\n    categories: [Other, amlrunstatuschangedevent]\n{TWO_STATES}"
    );
    let (_, findings) =
        Lifecycles::load(&mut sources, vec![SourceFile::new("c.yaml", text.as_str())]);
    let run_line = BUILTIN
        .lines()
        .position(|l| l.trim() == "- name: run")
        .unwrap()
        + 1;
    assert_eq!(
        located(&sources, &findings),
        [(
            "invalid-value",
            2,
            11,
            format!(
                "lifecycle `mine` claims category `amlrunstatuschangedevent`, which lifecycle \
                 `run` ({BUILTIN_NAME}:{run_line}) already claims; a category belongs to one lifecycle"
            )
        )]
    );
    assert!(Lifecycles::has_errors(&findings));
}

/// Only errors make specs unusable.
#[test]
fn has_errors_counts_errors_only() {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("x", "x"));
    let warning = Finding::new(&crate::registry::LATE_RECORD, id, Span::default(), "w");
    let error = Finding::new(&crate::registry::INVALID_VALUE, id, Span::default(), "e");
    assert!(!Lifecycles::has_errors(&[]));
    assert!(!Lifecycles::has_errors(std::slice::from_ref(&warning)));
    assert!(Lifecycles::has_errors(&[warning, error]));
}

#[test]
fn lifecycles_are_found_by_name_case_insensitively() {
    let l = Lifecycles::builtin();
    assert_eq!(l.find("run"), Some(0));
    assert_eq!(l.find("Compute-Job"), Some(1));
    assert_eq!(l.find("NODE"), Some(3));
    assert_eq!(l.find("operation"), Some(4));
    assert_eq!(l.find("runs"), None);
}

/// The run's successors as JobStatus orders them (see `tests/lifecycle_facts.rs` for the
/// sources): from Starting, the next steps (Provisioning and Preparing may be skipped), failure,
/// cancellation, and Unknown (a reporting gap).
#[test]
fn run_successors_and_state_kinds() {
    let l = Lifecycles::builtin();
    let g = &l.graphs[0];
    let names = |v: Vec<graph::StateId>| -> Vec<&str> {
        v.into_iter()
            .map(|s| g.names[s as usize].as_str())
            .collect()
    };
    let s = |n| g.state(n).unwrap();
    let mut next = names(g.successors(s("Starting")));
    next.sort_unstable();
    assert_eq!(
        next,
        [
            "CancelRequested",
            "Canceled",
            "Failed",
            "Preparing",
            "Provisioning",
            "Queued",
            "Unknown"
        ]
    );
    assert!(names(g.successors(s("Completed"))).is_empty());
    assert_eq!(g.len(), 14);
    assert!(!g.is_empty());
    assert!(g.is_initial(s("NotStarted")) && g.is_initial(s("Starting")));
    assert!(!g.is_initial(s("Queued")));
    assert!(g.is_terminal(s("Completed")) && !g.is_terminal(s("Running")));
    assert_eq!(g.state("NoSuchState"), None);
}

/// A spec without states gives an empty graph (the reader refuses such a spec; the graph
/// builder is public and must still answer truthfully).
#[test]
fn a_graph_without_states_is_empty() {
    let l = Lifecycles::builtin();
    let mut spec = l.specs[0].clone();
    spec.states.clear();
    spec.transitions.clear();
    spec.initial.clear();
    spec.terminal.clear();
    spec.max_dwell.clear();
    let (g, findings) = graph::LifecycleGraph::build(&spec);
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(g.is_empty());
    assert_eq!(g.len(), 0);
}

/// A spec with an error is reported and not used; the other specs of its file are.
#[test]
fn a_spec_with_an_error_is_not_used() {
    let mut sources = SourceMap::new();
    let text = format!(
        "lifecycles:\n  - name: bad\n    key: []\n    state: S\n    states: [A, B]\n    initial: [A]\n    terminal: [B]\n    transitions:\n      - {{from: A, to: [B]}}\n  - name: good\n{TWO_STATES}"
    );
    let (l, findings) =
        Lifecycles::load(&mut sources, vec![SourceFile::new("b.yaml", text.as_str())]);
    assert_eq!(
        located(&sources, &findings),
        [(
            "invalid-value",
            3,
            10,
            "`key` is empty; a lifecycle needs at least one".to_string()
        )]
    );
    assert_eq!(l.find("bad"), None);
    assert_eq!(l.find("good"), Some(5));
}

/// DOT and Mermaid of a small lifecycle whose names need every kind of care: a hyphen and a
/// leading digit (identifiers), a quote and a backslash (quoted labels). Written out by hand from
/// the two languages' rules, with a dump that took one edge twice, another never, and one
/// illegal edge (a repeated state, `b-2 → b-2`, is not drawn).
#[test]
fn graphs_are_drawn_exactly() {
    let spec = "lifecycles:\n  - name: \"t\\\"x\"\n    key: [Id]\n    state: S\n    states: [A, \"b-2\", \"3\\\"q\\\\\"]\n    initial: [A]\n    terminal: [\"3\\\"q\\\\\"]\n    transitions:\n      - {from: A, to: [\"b-2\"]}\n      - {from: \"b-2\", to: [\"3\\\"q\\\\\"]}\n";
    let (l, findings) =
        Lifecycles::load(&mut SourceMap::new(), vec![SourceFile::new("t.yaml", spec)]);
    assert!(findings.is_empty(), "{findings:#?}");
    let i = l.find("t\"x").unwrap();
    let g = &l.graphs[i];
    assert_eq!(g.names, ["A", "b-2", "3\"q\\"]);
    let observed: render::Observed = [((0, 1), 2), ((1, 0), 1), ((1, 1), 5)]
        .into_iter()
        .collect();
    let head = "digraph \"t\\\"x\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n  A [label=\"A\", penwidth=2];\n  b_2 [label=\"b-2\"];\n  s3_q_ [label=\"3\\\"q\\\\\", peripheries=2];\n";
    assert_eq!(
        render::dot(&l.specs[i].name, g, None),
        format!("{head}  A -> b_2;\n  b_2 -> s3_q_;\n}}\n")
    );
    assert_eq!(
        render::dot(&l.specs[i].name, g, Some(&observed)),
        format!(
            "{head}  A -> b_2 [label=\"2\"];\n  b_2 -> s3_q_ [label=\"0\", color=gray];\n  b_2 -> A [label=\"1 illegal\", color=red, fontcolor=red, style=dashed];\n}}\n"
        )
    );
    let states = "stateDiagram-v2\n    [*] --> A\n    state \"b-2\" as b_2\n    state \"3#quot;q\\\" as s3_q_\n    s3_q_ --> [*]\n";
    assert_eq!(
        render::mermaid(g, None),
        format!("{states}    A --> b_2\n    b_2 --> s3_q_\n")
    );
    assert_eq!(
        render::mermaid(g, Some(&observed)),
        format!(
            "{states}    A --> b_2 : 2\n    b_2 --> s3_q_ : 0\n    b_2 --> A : 1 ILLEGAL\n    classDef illegal stroke:#d00,stroke-width:3px\n    class b_2 illegal\n"
        )
    );
}
