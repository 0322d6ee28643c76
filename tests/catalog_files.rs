//! Catalog files through the real binary: `az monitor metrics list-definitions` output as a
//! `--catalog`, `catalog diff`, and catalog files with errors, which are never applied.

mod common;

use common::*;
use predicates::prelude::*;

const EP: &str = "tests/fixtures/catalog/online-endpoint.json";
const DP: &str = "tests/fixtures/catalog/deployment.json";
const NEWER: &str = "tests/fixtures/catalog/workspace-newer.json";

#[test]
fn list_definitions_of_endpoints_and_deployments_agree_with_the_built_in_catalog() {
    for f in [EP, DP] {
        amlguard()
            .args(["--no-config", "catalog", "diff", f])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(
                "0 added, 0 built-in only, 0 contradicting",
            ));
    }
}

#[test]
fn diff_names_what_a_newer_file_adds_and_contradicts() {
    let out = amlguard()
        .args(["--no-config", "catalog", "diff", NEWER])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "+ metric Model Inference Requests (Microsoft.MachineLearningServices/workspaces)",
        "+ aggregation Count on Active Nodes (Microsoft.MachineLearningServices/workspaces)",
        "+ dimension NodePool on CpuUtilizationPercentage (Microsoft.MachineLearningServices/workspaces)",
        "! unit of CpuUtilizationPercentage (Microsoft.MachineLearningServices/workspaces): built-in Count, file Percent",
        "- metric Tokens (Microsoft.MachineLearningServices/workspaces): built-in only",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    assert!(!text.contains("Failed Runs"), "Failed Runs agrees:\n{text}");
    let out = amlguard()
        .args(["--no-config", "catalog", "diff", NEWER, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the catalogs differ");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    assert_eq!(first["change"], "unit");
    assert_eq!(
        first["namespace"],
        "Microsoft.MachineLearningServices/workspaces"
    );
}

#[test]
fn diff_needs_a_readable_file() {
    amlguard()
        .args(["--no-config", "catalog", "diff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a FILE"));
    amlguard()
        .args(["--no-config", "catalog", "diff", "no/such.json"])
        .assert()
        .code(2);
    amlguard()
        .args(["--no-config", "catalog", "metrics", EP])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only `diff` takes a file"));
}

#[test]
fn a_list_definitions_file_extends_the_catalog_rules_are_checked_against() {
    let rules = "tests/fixtures/catalog/rules/newer.yaml";
    let (code, json) = lint_json(&[rules]);
    assert_eq!(code, 1);
    let names: Vec<String> = found(&json).into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["unknown-dimension", "unknown-metric"]);
    let (code, json) = lint_json(&["--catalog", NEWER, rules]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn a_catalog_file_with_errors_is_reported_and_not_applied() {
    let bad = "tests/fixtures/catalog/upside-down.yaml";
    let (code, json) = lint_json(&["--catalog", bad, "rules/recommended.yaml"]);
    assert_eq!(code, 2, "{json:#}");
    let found = found(&json);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        json["input_errors"][0]
            .as_str()
            .unwrap()
            .contains("not applied")
    );
}

#[test]
fn hostile_list_definitions_files_are_located_findings_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8])] = &[
        ("truncated.json", br#"{"value": [{"name": {"value": "X""#),
        ("scalars.json", br#"[1, "two", null]"#),
        ("nameless.json", br#"[{"unit": "Count"}]"#),
        (
            "badagg.json",
            br#"[{"name": {"value": "X"}, "supportedAggregationTypes": ["Median"]}]"#,
        ),
        ("binary.json", b"\x00\x01\x02\xff\xfe"),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = amlguard()
            .args(["--no-config", "catalog", "diff"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {out:?}");
        assert!(!out.stderr.is_empty(), "{name}");
    }
}

/// Rules on endpoints and deployments are checked as thoroughly as workspace rules, whichever
/// format states their target.
#[test]
fn arm_and_terraform_rules_on_endpoints_are_checked_against_their_namespace() {
    let (code, json) = lint_json(&["tests/fixtures/catalog/templates/endpoint-alerts.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&json),
        [
            ("dimension-not-applicable".to_string(), 36, 26),
            ("threshold-out-of-range".to_string(), 65, 28),
            ("unsupported-aggregation".to_string(), 31, 34),
        ]
    );
    let (code, json) = lint_json(&["tests/fixtures/catalog/templates/endpoint-alerts.tf"]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&json),
        [("dimension-not-applicable".to_string(), 22, 18)],
        "envoy_response_code is a deployment's dimension, not an endpoint's"
    );
}

#[test]
fn amlguard_toml_takes_a_list_definitions_catalog() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join(NEWER), dir.path().join("ws.json")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/catalog/rules/newer.yaml"),
        dir.path().join("rules.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("amlguard.toml"),
        "[lint]\ncatalogs = [\"ws.json\"]\n",
    )
    .unwrap();
    amlguard()
        .current_dir(dir.path())
        .args(["lint", "rules.yaml"])
        .assert()
        .code(0);
}

#[test]
fn every_wrong_field_of_a_catalog_file_is_located_and_the_file_is_not_applied() {
    let f = "tests/fixtures/catalog/every-field-wrong.yaml";
    let (code, json) = lint_json(&["--catalog", f, "rules/recommended.yaml"]);
    assert_eq!(code, 2);
    let at: Vec<(String, u64, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> = [
        ("wrong-type", 1, 12),
        ("wrong-type", 4, 11),
        ("wrong-type", 5, 10),
        ("wrong-type", 6, 10),
        ("invalid-value", 7, 19),
        ("wrong-type", 9, 17),
        ("invalid-value", 10, 17),
        ("wrong-type", 11, 16),
        ("invalid-value", 12, 11),
        ("wrong-type", 13, 5),
        ("wrong-type", 16, 17),
        ("unknown-metric", 20, 19),
        ("wrong-type", 21, 9),
        ("wrong-type", 24, 14),
    ]
    .into_iter()
    .map(|(n, l, c)| (n.to_string(), l, c))
    .collect();
    assert_eq!(at, want);
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["file"] == f)
    );
}

#[test]
fn a_binary_catalog_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin.json");
    std::fs::write(&bin, b"\xff\xfe\x00").unwrap();
    let (code, json) = lint_json(&["--catalog", bin.to_str().unwrap(), "rules/recommended.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(json["findings"][0]["name"], "invalid-utf8");
}

#[test]
fn az_cli_scripts_state_their_target_with_scopes() {
    let out = amlguard()
        .args([
            "--no-config",
            "lint",
            "--format",
            "json",
            "tests/fixtures/catalog/templates/endpoint-alerts.sh",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        found(&json),
        [("unknown-metric".to_string(), 10, 20)],
        "the latency rule is an endpoint rule; CPU is a deployment's metric, not an endpoint's"
    );
    let help = json["findings"][0]["help"].as_str().unwrap();
    assert!(help.contains("onlineEndpoints/deployments"), "{help}");
}

/// The alert schedule limits are catalog data: a file that adds a frequency makes rules using
/// it clean, metric and log alike.
#[test]
fn a_catalog_that_adds_a_frequency_makes_rules_using_it_clean() {
    let metric = "tests/fixtures/checks/invalid-frequency/fires.yaml";
    let log = "tests/fixtures/checks/invalid-log-frequency/fires.yaml";
    let (code, json) = lint_json(&[metric, log]);
    assert_eq!(code, 1);
    let names: Vec<String> = found(&json).into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["invalid-frequency", "invalid-log-frequency"]);
    let newer = "tests/fixtures/catalog/schedules-newer.yaml";
    let (code, json) = lint_json(&["--catalog", newer, metric, log]);
    assert_eq!(code, 0, "{json:#}");
}

/// A user list replaces the built-in one: what it leaves out is no longer accepted, and the
/// finding cites the list that said so.
#[test]
fn a_catalog_list_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("slow.yaml");
    std::fs::write(
        &cat,
        "alert-schedules:\n  metric:\n    frequencies:\n      values: [PT5M, PT15M]\n      source: \"Team policy: nothing faster than five minutes\"\n",
    )
    .unwrap();
    let passes = "tests/fixtures/checks/invalid-frequency/passes.yaml";
    let (code, _) = lint_json(&[passes]);
    assert_eq!(code, 0);
    let (code, json) = lint_json(&["--catalog", cat.to_str().unwrap(), passes]);
    assert_eq!(code, 1, "{json:#}");
    let f = &json["findings"][0];
    assert_eq!(f["name"], "invalid-frequency");
    assert_eq!(
        f["help"],
        "the nearest allowed frequency is PT5M (allowed: PT5M, PT15M)"
    );
    assert_eq!(f["source"], "Team policy: nothing faster than five minutes");
}

#[test]
fn a_malformed_schedule_in_a_catalog_is_located_and_not_applied() {
    let bad = "tests/fixtures/catalog/schedules-bad.yaml";
    let rules = "tests/fixtures/checks/invalid-frequency/passes.yaml";
    let (code, json) = lint_json(&["--catalog", bad, rules]);
    assert_eq!(code, 2, "{json:#}");
    let found = found(&json);
    assert_eq!(
        found,
        [
            ("invalid-value".to_string(), 4, 22),
            ("invalid-value".to_string(), 6, 28),
        ],
        "{json:#}"
    );
}

/// `catalog schedules` lists every schedule list with its citation, and its JSON is the
/// `alert-schedules:` body a catalog file takes: fed back, it changes nothing.
#[test]
fn catalog_schedules_lists_the_limits_and_its_json_reads_back() {
    let out = amlguard()
        .args(["--no-config", "catalog", "schedules"])
        .env("COLUMNS", "400")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("PT1M, PT5M, PT15M, PT30M, PT1H"),
        "metric frequencies\n{text}"
    );
    assert!(text.contains("at most P2D"), "{text}");
    let json = amlguard()
        .args(["--no-config", "catalog", "schedules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(0));
    let body: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(body["log"]["failing-periods"]["max"], 6);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schedules.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&serde_json::json!({ "alert-schedules": body })).unwrap(),
    )
    .unwrap();
    let again = amlguard()
        .args([
            "--no-config",
            "catalog",
            "schedules",
            "--format",
            "json",
            "--catalog",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(again.stdout, json.stdout);
}
