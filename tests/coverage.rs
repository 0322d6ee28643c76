//! `amlguard coverage` through the binary: the starter pack's coverage in JSON and as a table,
//! `--fail-under`, disabled rules, rules lost to syntax errors, and usage errors.

mod common;

use common::*;

use predicates::prelude::*;

fn coverage_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = amlguard()
        .args(["--no-config", "coverage", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn signal<'a>(
    json: &'a serde_json::Value,
    lifecycle: Option<&str>,
    name: &str,
) -> &'a serde_json::Value {
    json["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name && s["lifecycle"].as_str() == lifecycle)
        .unwrap_or_else(|| panic!("no signal {name}"))
}

#[test]
fn the_starter_pack_watches_every_failure_metric() {
    let (code, json, _) = coverage_json(&["rules/recommended.yaml"]);
    assert_eq!(code, 0);
    for s in json["signals"].as_array().unwrap() {
        let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["covered_by", "kind", "lifecycle", "name"]);
        if s["kind"] == "metric" {
            assert!(
                !s["covered_by"].as_array().unwrap().is_empty(),
                "{} is not watched",
                s["name"]
            );
            assert!(s["lifecycle"].is_null());
        }
    }
    assert_eq!(
        signal(&json, None, "Endpoint 5xx requests")["covered_by"],
        serde_json::json!(["endpoint-server-errors"])
    );
    assert_eq!(
        signal(&json, Some("run"), "Failed")["covered_by"],
        serde_json::json!(["aml-failed-runs"])
    );
    assert_eq!(
        signal(&json, Some("run"), "Canceled")["covered_by"],
        serde_json::json!([])
    );
    let summary = &json["summary"];
    let (covered, total) = (
        summary["covered"].as_u64().unwrap(),
        summary["total"].as_u64().unwrap(),
    );
    assert!(covered < total);
    let want = (1000.0 * covered as f64 / total as f64).round() / 10.0;
    assert_eq!(summary["percent"].as_f64().unwrap(), want);
}

#[test]
fn fail_under_sets_the_exit_status() {
    let (_, json, _) = coverage_json(&["rules/recommended.yaml"]);
    let percent = json["summary"]["percent"].as_f64().unwrap();
    let (code, _, _) = coverage_json(&["rules/recommended.yaml", "--fail-under", "100"]);
    assert_eq!(code, 1);
    let below = format!("{}", percent.floor());
    let (code, _, _) = coverage_json(&["rules/recommended.yaml", "--fail-under", &below]);
    assert_eq!(code, 0);
    amlguard()
        .args([
            "--no-config",
            "coverage",
            "rules/recommended.yaml",
            "--fail-under",
            "101",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not a percentage between 0 and 100",
        ));
}

#[test]
fn the_table_names_what_no_rule_watches() {
    amlguard()
        .args([
            "--no-config",
            "coverage",
            "rules/recommended.yaml",
            "--fail-under",
            "100",
        ])
        .env("COLUMNS", "200")
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("run: Canceled")
                .and(predicate::str::contains("✗ no rule"))
                .and(predicate::str::contains("failure signals watched")),
        );
}

#[test]
fn disabled_rules_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let disabled = dir.path().join("disabled.yaml");
    std::fs::write(
        &disabled,
        "rules:\n  - name: off\n    enabled: false\n    criteria:\n      - metric: Failed Runs\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n",
    )
    .unwrap();
    let (code, json, _) = coverage_json(&[disabled.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["covered"], 0);

    // A file cut short: its syntax error is shown at its place, the rest is still counted.
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "rules:\n  - name: [unclosed\n").unwrap();
    let (code, json, stderr) = coverage_json(&[broken.to_str().unwrap(), "rules/recommended.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("yaml-syntax") && stderr.contains("broken.yaml:"),
        "{stderr}"
    );
    assert!(json["summary"]["covered"].as_u64().unwrap() > 0);

    amlguard()
        .args(["--no-config", "coverage", "no/such/path.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/path.yaml"));
}

/// The whole JSON document for the starter pack, pinned: which signal is watched by which rule.
#[test]
fn the_starter_pack_coverage_document() {
    let out = amlguard()
        .args([
            "--no-config",
            "coverage",
            "--format",
            "json",
            "rules/recommended.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!(
            "coverage__recommended__json",
            String::from_utf8(out.stdout).unwrap()
        );
    });
}

/// A log rule read from YAML covers the states its query selects; a misspelt value selects
/// nothing, so the gap shows.
#[test]
fn log_rules_cover_the_states_their_queries_select() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("log.yaml");
    let rule = |value: &str| {
        format!(
            "rules:\n  - name: failed-jobs\n    severity: 2\n    frequency: PT5M\n    window: PT15M\n    criteria:\n      - query: |\n          AmlComputeJobEvent\n          | where EventType == \"{value}\"\n        aggregation: Count\n        operator: GreaterThan\n        threshold: 0\n"
        )
    };
    std::fs::write(&rules, rule("JobFailed")).unwrap();
    let (code, json, stderr) = coverage_json(&[rules.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        signal(&json, Some("compute-job"), "Failed")["covered_by"],
        serde_json::json!(["failed-jobs"])
    );
    assert_eq!(
        signal(&json, Some("run"), "Failed")["covered_by"],
        serde_json::json!([])
    );
    std::fs::write(&rules, rule("JobFaild")).unwrap();
    let (_, json, _) = coverage_json(&[rules.to_str().unwrap()]);
    assert_eq!(
        signal(&json, Some("compute-job"), "Failed")["covered_by"],
        serde_json::json!([])
    );
}
