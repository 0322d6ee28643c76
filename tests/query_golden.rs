//! Golden files of the generated queries (`tests/golden/query/`), one per lifecycle and dialect,
//! plus the log-alert wrappings: a reviewer reads what amlguard sends to Spark and Log
//! Analytics, and any change to it shows in the diff. `UPDATE_GOLDEN=1 cargo test --test
//! query_golden` rewrites them after an intended change.

mod common;

fn check(args: &[&str], golden: &str) {
    let out = common::amlguard()
        .args(["--no-config", "query"])
        .args(args)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let path = common::root().join("tests/golden/query").join(golden);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        text == want,
        "{args:?} differs from {} (UPDATE_GOLDEN=1 rewrites it after an intended change)",
        path.display()
    );
}

#[test]
fn queries_match_their_golden_files() {
    for lc in ["run", "compute-job", "cluster", "node", "operation", "all"] {
        check(&[lc, "--dialect", "spark"], &format!("{lc}.sql"));
        check(&[lc, "--dialect", "kql"], &format!("{lc}.kql"));
    }
    check(
        &[
            "run",
            "--dialect",
            "kql",
            "--strict",
            "--until",
            "2026-11-25T00:00:00Z",
        ],
        "run-strict-until.kql",
    );
    for (format, ext) in [
        ("arm", "json"),
        ("bicep", "bicep"),
        ("terraform", "tf"),
        ("yaml", "yaml"),
    ] {
        check(
            &["run", "--dialect", "kql", "--as-alert", format],
            &format!("run-alert.{ext}"),
        );
    }
}

#[test]
fn what_cannot_be_compiled_is_refused_with_a_reason() {
    let out = common::amlguard()
        .args(["--no-config", "query", "nope", "--dialect", "kql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no lifecycle is named `nope`"));
    let out = common::amlguard()
        .args([
            "--no-config",
            "query",
            "run",
            "--dialect",
            "spark",
            "--as-alert",
            "arm",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A lifecycle over a category that is no Log Analytics table cannot be read by KQL.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("l.yaml");
    std::fs::write(
        &spec,
        "lifecycles:\n  - name: operation\n    categories: [DataLabelChangeEvent]\n    key: [CorrelationId]\n    state: ResultType\n    time: [TimeGenerated]\n    states: [{name: Started}, {name: Succeeded}]\n    initial: [Started]\n    terminal: [Succeeded]\n    transitions:\n      - {from: Started, to: [Succeeded]}\n",
    )
    .unwrap();
    let out = common::amlguard()
        .args([
            "--no-config",
            "query",
            "operation",
            "--dialect",
            "kql",
            "--lifecycle",
        ])
        .arg(&spec)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is a Log Analytics table"), "{err}");
    // Spark reads the archive, where every category is: the same spec compiles.
    let out = common::amlguard()
        .args([
            "--no-config",
            "query",
            "operation",
            "--dialect",
            "spark",
            "--lifecycle",
        ])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// The log alerts `--as-alert` writes are rules `amlguard lint` reads and finds clean: one rule
/// each, no error or warning (the workspace is a parameter, noted as unresolved where the
/// format has parameters).
#[test]
fn generated_log_alerts_lint_clean() {
    for ext in ["json", "bicep", "yaml", "tf"] {
        let path = format!("tests/golden/query/run-alert.{ext}");
        let (code, json) = common::lint_json(&[&path]);
        assert_eq!(code, 0, "{path}: {json}");
        assert_eq!(json["summary"]["rules"], 1, "{path}: {json}");
        assert_eq!(json["summary"]["errors"], 0, "{path}: {json}");
        assert_eq!(json["summary"]["warnings"], 0, "{path}: {json}");
    }
}
