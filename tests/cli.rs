//! The command line as a user meets it: exit codes, explain, catalog, select/ignore, fail-on,
//! config files and user catalogs.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn explain_by_code_and_by_name() {
    amlguard()
        .args(["explain", "AML103"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("dimension-not-applicable")
                .and(predicate::str::contains("Fix:")),
        );
    amlguard()
        .args(["explain", "unknown-metric"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("AML101"));
    amlguard()
        .args(["explain", "unknown-metrc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `unknown-metric`?"));
}

#[test]
fn explain_lists_every_check() {
    let out = amlguard().arg("explain").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for c in amlguard::registry::ALL {
        assert!(text.contains(c.code) && text.contains(c.name), "{}", c.code);
    }
}

#[test]
fn catalog_tables_and_json() {
    amlguard()
        .args(["catalog", "metrics"])
        .env("COLUMNS", "400")
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("Quota Utilization Percentage")
                .and(predicate::str::contains("VmFamilyName")),
        );
    let out = amlguard()
        .args(["catalog", "dimensions", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let device = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "DeviceId")
        .unwrap();
    let on: Vec<&str> = device["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(on.contains(&"GpuUtilization") && on.contains(&"GpuMemoryUtilization"));
    assert!(!on.contains(&"CpuUtilization"));
    let out = amlguard()
        .args([
            "catalog",
            "metrics",
            "--format",
            "json",
            "--namespace",
            "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let metrics = v.as_array().unwrap();
    assert_eq!(metrics.len(), 14);
    assert!(metrics.iter().all(|m| m["namespace"]
        == "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"));
    amlguard()
        .args([
            "catalog",
            "metrics",
            "--namespace",
            "Microsoft.Compute/virtualMachines",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no metric namespace"));
    amlguard()
        .args(["catalog", "categories"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("AmlComputeClusterNodeEvent")
                .and(predicate::str::contains("deprecated since 2022-02")),
        );
    let out = amlguard()
        .args(["catalog", "tables", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 13);
}

#[test]
fn usage_and_io_errors_exit_2() {
    amlguard().args(["lint"]).assert().code(2);
    amlguard()
        .args(["lint", "--format", "xml", "rules/"])
        .assert()
        .code(2);
    amlguard()
        .args(["--no-config", "lint", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
    amlguard()
        .args(["--no-config", "lint", "--ignore", "no-such-check", "rules/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-check"));
}

#[test]
fn select_ignore_and_fail_on_are_separate_knobs() {
    let f = "rules/examples/catalog.yaml";
    let (code, json) = lint_json(&[f, "--select", "AML105,display-name-used"]);
    assert_eq!(code, 0, "notes do not fail by default");
    assert_eq!(json["summary"]["notes"], 2);
    assert_eq!(json["summary"]["errors"], 0);
    let (code, _) = lint_json(&[f, "--select", "AML105", "--fail-on", "note"]);
    assert_eq!(code, 1);
    let (code, json) = lint_json(&[f, "--ignore", "catalog"]);
    assert_eq!(code, 0);
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    let (code, json) = lint_json(&[
        f,
        "--select",
        "unknown-metric",
        "--severity",
        "unknown-metric=warning",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["warnings"], 1);
    let (code, _) = lint_json(&[
        f,
        "--select",
        "unknown-metric",
        "--severity",
        "unknown-metric=warning",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 1);
    let (code, _) = lint_json(&[f, "--fail-on", "never"]);
    assert_eq!(code, 0);
}

#[test]
fn a_user_catalog_adds_a_metric() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("extra.yaml");
    std::fs::write(&cat, "metrics:\n  - name: Model Deploy Retried\n    group: Model\n    description: added by the team\n").unwrap();
    let rules = dir.path().join("r.yaml");
    std::fs::write(&rules, "rules:\n  - name: r\n    criteria:\n      - metric: Model Deploy Retried\n        aggregation: Total\n        operator: '>'\n        threshold: 2\n").unwrap();
    let (code, _) = lint_json(&[rules.to_str().unwrap()]);
    assert_eq!(code, 1);
    let (code, json) = lint_json(&[rules.to_str().unwrap(), "--catalog", cat.to_str().unwrap()]);
    assert_eq!(code, 0, "{json}");
}

#[test]
fn a_broken_user_catalog_is_reported_in_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("extra.yaml");
    std::fs::write(&cat, "metrics:\n  - name: X\n    grup: Model\n").unwrap();
    let (code, json) = lint_json(&["rules/recommended.yaml", "--catalog", cat.to_str().unwrap()]);
    assert_eq!(code, 2, "a catalog file with errors is not applied");
    assert!(
        json["input_errors"][0]
            .as_str()
            .unwrap()
            .contains("not applied")
    );
    let f = &json["findings"][0];
    assert_eq!(f["name"], "unknown-key");
    assert_eq!(f["file"], cat.to_str().unwrap());
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(5))
    );
    assert_eq!(f["help"], "did you mean `group`?");
}

#[test]
fn config_is_found_upward_and_bad_config_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(sub.join("skip")).unwrap();
    std::fs::write(
        dir.path().join("amlguard.toml"),
        "[lint]\nexclude = [\"a/b/skip\"]\nignore = [\"display-name-used\"]\n",
    )
    .unwrap();
    std::fs::write(sub.join("skip/bad.yaml"), "rules: [\n").unwrap();
    std::fs::write(sub.join("ok.yaml"), "rules:\n  - name: r\n    criteria:\n      - metric: Idle Nodes\n        aggregation: Minimum\n        operator: '>'\n        threshold: 3\n        dimensions: [{name: Cluster Name, values: [c]}]\n").unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("amlguard").unwrap();
    cmd.current_dir(&sub)
        .args(["lint", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "0 errors, 0 warnings, 0 notes in 1 file",
        ));
    std::fs::write(dir.path().join("amlguard.toml"), "[lint]\nexclud = []\n").unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("amlguard").unwrap();
    cmd.current_dir(&sub)
        .args(["--color", "never", "lint", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown field `exclud`"));
}

#[test]
fn human_output_points_at_the_token() {
    amlguard()
        .args([
            "--no-config",
            "--color",
            "never",
            "lint",
            "rules/examples/catalog.yaml",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("rules/examples/catalog.yaml:27:19")
                .and(predicate::str::contains("has no dimension `DeviceId`"))
                .and(predicate::str::contains(
                    "help: `DeviceId` applies only to GpuUtilization",
                ))
                .and(predicate::str::contains("AML103(dimension-not-applicable)")),
        );
}

#[test]
fn readme_lists_every_check() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for c in amlguard::registry::ALL {
        let row = format!("| {} | {} | {} |", c.code, c.name, c.severity);
        assert!(readme.contains(&row), "README lacks the row for {}", c.code);
    }
}
