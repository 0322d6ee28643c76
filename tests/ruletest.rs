//! `amlguard test` through the binary on real files: the starter pack's tests pass, a failing
//! test prints its diff at the test file's line and exits 1, malformed test files get findings
//! at exact positions, and hostile input (binary, truncated, huge counts) never panics.

mod common;

use common::*;

use predicates::prelude::*;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// A test file in a scratch directory whose `rule_files` is the starter pack.
fn test_file(dir: &tempfile::TempDir, body: &str) -> String {
    let pack = root().join("rules/recommended.yaml");
    write(
        dir,
        "t.test.yaml",
        &format!("rule_files: [{}]\n{body}", pack.display()),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = amlguard()
        .args(["--no-config", "test", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap(),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_starter_pack_tests_pass() {
    let (code, v, stderr) = json(&["rules/tests/"]);
    assert_eq!(code, 0, "{v} {stderr}");
    assert_eq!(v["findings"], serde_json::json!([]));
    let s = &v["summary"];
    assert_eq!(s["files"], 1);
    assert_eq!(s["failed"], 0);
    assert!(s["passed"].as_u64().unwrap() >= 10);
    assert_eq!(s["passed"], s["tests"]);
    amlguard()
        .args(["--no-config", "test", "rules/tests/recommended.test.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 failed in 1 test file"));
}

const FAILING: &str = "tests:
  - name: one failure
    input_series:
      - metric: Failed Runs
        dimensions: {RunType: Experiment}
        values: 0 0 1 0x10
    alert_rule_test:
      - eval_time: 5m
        alertname: aml-failed-runs
        exp_alerts:
          - dimensions: {RunType: PipelineRun}
";

#[test]
fn a_failing_test_shows_its_diff_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = test_file(&dir, FAILING);
    amlguard()
        .args(["--no-config", "--color", "never", "test", &path])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains(format!("{path}:9:20"))
                .and(predicate::str::contains(
                    "test `one failure`: `aml-failed-runs` at 5m: expected 1 alert, got 1 alert",
                ))
                .and(predicate::str::contains("- {RunType: PipelineRun}"))
                .and(predicate::str::contains(
                    "+ {RunType: Experiment} value 1 fired at 5m",
                ))
                .and(predicate::str::contains("1 alert test: 0 passed, 1 failed")),
        );
    let (code, v, _) = json(&[&path]);
    assert_eq!(code, 1);
    assert_eq!(found(&v), [("alert-test-failed".to_string(), 9, 20)]);
    assert_eq!(v["summary"]["failed"], 1);
    // GitHub annotations carry the diff, escaped.
    amlguard()
        .args(["--no-config", "test", "--format", "github", &path])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "line=9,col=20,endLine=9,endColumn=22,title=AML805 alert-test-failed::",
        ));
}

#[test]
fn expectations_compare_value_and_firing_time_only_where_given() {
    let dir = tempfile::tempdir().unwrap();
    let ok = test_file(
        &dir,
        &FAILING.replace(
            "          - dimensions: {RunType: PipelineRun}\n",
            "          - dimensions: {runtype: experiment}\n",
        ),
    );
    assert_eq!(json(&[&ok]).0, 0);
    let wrong_value = test_file(
        &dir,
        &FAILING.replace(
            "          - dimensions: {RunType: PipelineRun}\n",
            "          - dimensions: {RunType: Experiment}\n            value: 2\n",
        ),
    );
    let (code, v, _) = json(&[&wrong_value]);
    assert_eq!(code, 1);
    let help = v["findings"][0]["help"].as_str().unwrap();
    assert!(help.contains("- {RunType: Experiment} value 2"), "{help}");
    assert!(
        help.contains("+ {RunType: Experiment} value 1 fired at 5m"),
        "{help}"
    );
}

/// A finding expected at a line and column.
type Expected = (&'static str, u64, u64);

#[test]
fn malformed_test_files_get_located_findings() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[Expected])] = &[
        // The bad term inside a quoted scalar, at its column.
        (
            "tests:\n  - input_series:\n      - metric: Failed Runs\n        values: '0 0 1+x2'\n    alert_rule_test: []\n",
            &[("series-syntax", 5, 22)],
        ),
        // Plain scalar, `stale`.
        (
            "tests:\n  - input_series:\n      - metric: Failed Runs\n        values: 0 stale\n    alert_rule_test: []\n",
            &[("series-syntax", 5, 19)],
        ),
        // A promtool key that this format spells differently, and a typo.
        (
            "tests:\n  - input_series:\n      - series: Failed Runs\n        values: 0\n    alert_rule_tests: []\n",
            &[
                ("unknown-key", 4, 9),
                ("missing-key", 4, 9),
                ("unknown-key", 6, 5),
            ],
        ),
        // Not whole minutes.
        (
            "tests:\n  - interval: 30s\n    alert_rule_test: []\n",
            &[("invalid-value", 3, 15)],
        ),
        (
            "tests:\n  - start: 2026-01-01T00:00:30Z\n    alert_rule_test: []\n",
            &[("invalid-value", 3, 12)],
        ),
        // YAML cut short.
        ("tests:\n  - input_series: [\n", &[("yaml-syntax", 3, 19)]),
        // A key given twice, and a value of the wrong type.
        ("tests: []\nrule_files: {a: 1}\n", &[("yaml-syntax", 3, 1)]),
        ("tests: 5\n", &[("wrong-type", 2, 8)]),
    ];
    for (i, (body, want)) in cases.iter().enumerate() {
        let path = test_file(&dir, body);
        let (code, v, stderr) = json(&[&path]);
        assert_eq!(code, 1, "case {i}: {v} {stderr}");
        let mut want: Vec<(String, u64, u64)> = want
            .iter()
            .map(|(n, l, c)| (n.to_string(), *l, *c))
            .collect();
        want.sort();
        assert_eq!(found(&v), want, "case {i}: {v}");
    }
}

#[test]
fn hostile_input_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("bin.test.yaml");
    std::fs::write(&binary, b"rule_files: []\n\xff\xfe\x00tests: []\n").unwrap();
    let (code, v, stderr) = json(&[binary.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(found(&v)[0].0, "invalid-utf8");
    let huge = test_file(
        &dir,
        "tests:\n  - input_series:\n      - metric: Failed Runs\n        values: 0x99999999999999999999\n    alert_rule_test: []\n",
    );
    let (code, v, _) = json(&[&huge]);
    assert_eq!(code, 1);
    assert_eq!(found(&v), [("series-syntax".to_string(), 5, 17)]);
    let far = test_file(
        &dir,
        "tests:\n  - input_series: []\n    alert_rule_test:\n      - eval_time: 99999999999d\n        alertname: aml-failed-runs\n",
    );
    let (code, v, stderr) = json(&[&far]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(found(&v)[0].0, "invalid-value");
    let empty = write(&dir, "empty.test.yaml", "");
    let (code, v, _) = json(&[&empty]);
    assert_eq!(code, 0);
    assert_eq!(found(&v)[0].0, "empty-file");
    amlguard()
        .args(["--no-config", "test", "no/such.test.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such.test.yaml"));
}

#[test]
fn directories_are_searched_for_test_files_only() {
    let dir = tempfile::tempdir().unwrap();
    // A rule file beside the test file is not read as a test.
    std::fs::copy(
        root().join("rules/recommended.yaml"),
        dir.path().join("rules.yaml"),
    )
    .unwrap();
    write(
        &dir,
        "pack.test.yml",
        "rule_files: [rules.yaml]\ntests:\n  - input_series:\n      - metric: Not Responding Runs\n        values: 0x10\n    alert_rule_test:\n      - eval_time: 10m\n        alertname: aml-not-responding-runs\n",
    );
    let (code, v, stderr) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{v} {stderr}");
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["passed"], 1);
}
