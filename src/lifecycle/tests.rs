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
