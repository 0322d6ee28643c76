//! `amlguard backtest` through the real binary: a generated dump with planted failure bursts,
//! and the alerts they must cause at times worked out by hand; hostile inputs; exit codes.

mod common;

use std::path::Path;

use common::*;

const RULES: &str = "rules:
  - name: failed-burst
    frequency: PT5M
    window: PT5M
    criteria:
      - total Failed Runs > 10
  - name: failed-by-experiment
    frequency: PT5M
    window: PT15M
    criteria:
      - total Failed Runs > 10 where ExperimentName includes burst
  - name: not-responding
    frequency: PT1M
    window: PT1M
    criteria:
      - total Not Responding Runs > 4
  - name: failed-by-run-type
    criteria:
      - total Failed Runs > 0 where ComputeType includes *
  - name: gpu-idle
    criteria:
      - avg GpuUtilization < 10
";

fn generate(dir: &Path, bursts: &[&str]) -> String {
    let mut cmd = amlguard();
    cmd.args(["generate", "dump", "200"]);
    for b in bursts {
        cmd.args(["--burst", b]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    let p = dir.join("dump.jsonl");
    std::fs::write(&p, &out.stdout).unwrap();
    p.to_str().unwrap().to_string()
}

fn backtest_json(args: &[&str]) -> (i32, serde_json::Value) {
    let out = amlguard()
        .args(["--no-config", "backtest", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

fn alerts_of<'a>(json: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    json["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == rule)
        .collect()
}

#[test]
fn planted_bursts_fire_at_the_times_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let dump = generate(
        dir.path(),
        &[
            "Failed@2026-11-18T11:30Z x20",
            "NotResponding@2026-11-18T11:45Zx6",
        ],
    );
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let (code, json) = backtest_json(&[rules.to_str().unwrap(), "--logs", &dump]);
    assert_eq!(code, 0, "{json:#}");

    // 20 failures in [11:30, 11:31): the 11:35 evaluation sees them over [11:30, 11:35); the
    // evaluations at 11:40, 11:45, 11:50 are clean (the dump's own failures are a few per
    // five minutes), so it resolves at 11:50.
    let a = alerts_of(&json, "failed-burst");
    assert_eq!(a.len(), 1, "{a:#?}");
    assert_eq!(a[0]["fired_at"], "2026-11-18T11:35:00Z");
    assert_eq!(a[0]["resolved_at"], "2026-11-18T11:50:00Z");
    assert!(a[0]["value"].as_f64().unwrap() >= 20.0);
    assert_eq!(a[0]["threshold"], 10.0);
    assert_eq!(a[0]["series"], serde_json::json!({}));
    let evidence = a[0]["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty() && evidence.len() <= 5);
    for e in evidence {
        assert_eq!(e["file"], dump.as_str());
        // Each cited line is a Failed record of the dump.
        let text = std::fs::read_to_string(&dump).unwrap();
        let line = text
            .lines()
            .nth(e["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        assert!(line.contains("\"Status\":\"Failed\""), "{line}");
    }

    // Split by experiment, a 15-minute window: exactly the 20 burst runs, seen by the
    // evaluations at 11:35, 11:40, 11:45; clean at 11:50, 11:55, 12:00.
    let a = alerts_of(&json, "failed-by-experiment");
    assert_eq!(a.len(), 1, "{a:#?}");
    assert_eq!(
        a[0]["series"],
        serde_json::json!({"ExperimentName": "burst"})
    );
    assert_eq!(a[0]["value"], 20.0);
    assert_eq!(a[0]["fired_at"], "2026-11-18T11:35:00Z");
    assert_eq!(a[0]["resolved_at"], "2026-11-18T12:00:00Z");

    // 6 runs stop responding in [11:45, 11:46) (the dump's own peak is 4 in a minute): seen by the 11:46 evaluation only; clean at
    // 11:47, 11:48, 11:49.
    let a = alerts_of(&json, "not-responding");
    assert_eq!(a.len(), 1, "{a:#?}");
    assert_eq!(a[0]["fired_at"], "2026-11-18T11:46:00Z");
    assert_eq!(a[0]["resolved_at"], "2026-11-18T11:49:00Z");
    assert_eq!(a[0]["value"], 6.0);

    // Rules the logs cannot decide say why.
    let rules = json["rules"].as_array().unwrap();
    let by_name = |n: &str| rules.iter().find(|r| r["rule"] == n).unwrap();
    assert_eq!(by_name("failed-burst")["evaluated"], true);
    assert_eq!(by_name("failed-burst")["reason"], serde_json::Value::Null);
    assert_eq!(by_name("failed-burst")["alerts"], 1);
    assert_eq!(by_name("failed-burst")["line"], 2);
    let r = by_name("failed-by-run-type");
    assert_eq!(r["evaluated"], false);
    assert_eq!(
        r["reason"],
        "the logs determine `Failed Runs` but no record carries its dimension `ComputeType`"
    );
    let r = by_name("gpu-idle");
    assert_eq!(r["evaluated"], false);
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .starts_with("the logs do not determine the metric `GpuUtilization`")
    );
    assert_eq!(json["summary"]["rules"], 5);
    assert_eq!(json["summary"]["evaluated"], 3);
    assert_eq!(json["summary"]["alerts"], 3);
}

#[test]
fn without_bursts_the_same_rules_stay_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let dump = generate(dir.path(), &[]);
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let (code, json) = backtest_json(&[rules.to_str().unwrap(), "--logs", &dump]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["alerts"], 0, "{json:#}");
}

#[test]
fn every_rule_format_is_replayed() {
    // Published ARM templates and Bicep files are read as lint reads them.
    let dir = tempfile::tempdir().unwrap();
    let dump = generate(dir.path(), &["Failed@2026-11-18T11:30Z x20"]);
    let (code, json) = backtest_json(&[
        "rules/",
        "tests/real/azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm",
        "tests/real/bicep/amba/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.bicep",
        "--logs",
        &dump,
    ]);
    assert_eq!(code, 0);
    let files: std::collections::BTreeSet<&str> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().any(|f| f.ends_with(".json")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with(".bicep")), "{files:?}");
    // The published Failed Runs rule (any failure over 5 minutes, every minute) fires.
    let arm = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["file"]
                .as_str()
                .unwrap()
                .ends_with("arm/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.json")
        })
        .unwrap();
    assert_eq!(arm["evaluated"], true);
    assert!(arm["alerts"].as_u64().unwrap() >= 1);
    let unusable = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["file"]
                .as_str()
                .unwrap()
                .ends_with("arm/UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.json")
        })
        .unwrap();
    assert_eq!(unusable["evaluated"], false);
    assert_eq!(
        unusable["reason"],
        "`Unusable Nodes` is derived from AmlComputeClusterEvent records, and none in the logs reports it"
    );
    assert!(files.iter().any(|f| f.ends_with(".yaml")), "{files:?}");
}

#[test]
fn unreadable_inputs_exit_2_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let rules = rules.to_str().unwrap();
    // A missing dump.
    let out = amlguard()
        .args(["backtest", rules, "--logs", "/nonexistent/dump.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/dump.json"));
    // Binary garbage, and records without any time.
    for bytes in [
        &b"\x00\x01\x02\xff\xfe garbage \x00"[..],
        b"{\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"Status\":\"Failed\"}}\n",
        b"",
    ] {
        let dump = dir.path().join("bad.json");
        std::fs::write(&dump, bytes).unwrap();
        let out = amlguard()
            .args(["backtest", rules, "--logs", dump.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
        assert!(!out.stderr.is_empty());
    }
    // No --logs at all is a usage error.
    let out = amlguard().args(["backtest", rules]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn truncated_and_hostile_records_are_skipped_and_the_rest_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let mut text = String::new();
    for i in 0..12 {
        text.push_str(&format!(
            "{{\"time\":\"2026-01-01T10:00:{i:02}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"r{i}\",\"Status\":\"Failed\"}}}}\n"
        ));
    }
    text.push_str("{\"time\":\"2026-01-01T10:00:30Z\",\"category\":\"AmlRunStatus\n");
    text.push_str("\u{1b}[31m{\"time\":\"\u{1b}]0;x\u{7}\"}\n");
    text.push_str("{\"time\":\"2026-01-01T10:09:00Z\",\"category\":\"AmlComputeJobEvent\",\"properties\":{}}\n");
    let dump = dir.path().join("d.jsonl");
    std::fs::write(&dump, text).unwrap();
    let (code, json) = backtest_json(&[rules.to_str().unwrap(), "--logs", dump.to_str().unwrap()]);
    assert_eq!(code, 0, "{json:#}");
    let a = alerts_of(&json, "failed-burst");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["fired_at"], "2026-01-01T10:05:00Z");
    assert_eq!(a[0]["value"], 12.0);
    // The data ends at 10:09: the 10:10 evaluation is the last; the alert is still firing.
    assert_eq!(a[0]["resolved_at"], serde_json::Value::Null);
}

#[test]
fn human_output_survives_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let dump = generate(dir.path(), &["Failed@2026-11-18T11:30Z x20"]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("amlguard"))
        .args(["backtest", "rules/", "--logs", &dump])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(matches!(out.status.code(), Some(0)), "{out:?}");
}

#[test]
fn plot_draws_each_replayed_rule_with_its_threshold_and_fired_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let dump = generate(
        dir.path(),
        &[
            "Failed@2026-11-18T11:30Z x20",
            "NotResponding@2026-11-18T11:45Zx6",
        ],
    );
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let svg = dir.path().join("out.svg");
    let out = amlguard()
        .args([
            "backtest",
            rules.to_str().unwrap(),
            "--logs",
            &dump,
            "--plot",
        ])
        .arg(&svg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    // One panel per replayed rule, with its name, its threshold and one shaded interval per
    // alert (3 alerts in all).
    for name in ["failed-burst", "failed-by-experiment", "not-responding"] {
        assert!(text.contains(name), "{name}");
    }
    assert!(
        !text.contains("gpu-idle"),
        "a rule not replayed has no panel"
    );
    assert!(text.contains("threshold 10") && text.contains("threshold 4"));
    assert_eq!(text.matches("fill=\"#E63C3C\"").count(), 3);
    assert!(text.contains("ExperimentName=burst"));

    // An unwritable plot is an I/O error: exit 2, said on stderr.
    let out = amlguard()
        .args([
            "backtest",
            rules.to_str().unwrap(),
            "--logs",
            &dump,
            "--plot",
            "/nonexistent/dir/x.svg",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write /nonexistent/dir/x.svg"));
}

#[test]
fn a_dump_of_many_chunks_gives_the_same_times() {
    // About 10 MB: many 1 MiB chunks parsed on several threads, applied in input order.
    let dir = tempfile::tempdir().unwrap();
    let out = amlguard()
        .args([
            "generate",
            "dump",
            "3000",
            "--burst",
            "Failed@2026-11-18T13:00Z x40",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.len() > 4 << 20);
    let dump = dir.path().join("big.jsonl");
    std::fs::write(&dump, &out.stdout).unwrap();
    let rules = dir.path().join("rules.yaml");
    std::fs::write(
        &rules,
        "rules:\n  - name: failed-burst\n    frequency: PT5M\n    window: PT5M\n    criteria:\n      - total Failed Runs > 30\n",
    )
    .unwrap();
    let (code, json) = backtest_json(&[rules.to_str().unwrap(), "--logs", dump.to_str().unwrap()]);
    assert_eq!(code, 0);
    let a = alerts_of(&json, "failed-burst");
    assert_eq!(a.len(), 1, "{a:#?}");
    assert_eq!(a[0]["fired_at"], "2026-11-18T13:05:00Z");
    assert_eq!(a[0]["resolved_at"], "2026-11-18T13:20:00Z");
    assert!(a[0]["value"].as_f64().unwrap() >= 40.0);
    let records = out.stdout.iter().filter(|b| **b == b'\n').count() as u64;
    assert_eq!(json["summary"]["records"], records);
}

/// `exclude` in amlguard.toml prunes directories for the backtest as for `lint`: this
/// repository's config excludes `rules/examples`, which is broken on purpose.
#[test]
fn the_config_file_excludes_directories_as_for_lint() {
    let dir = tempfile::tempdir().unwrap();
    let dump = generate(dir.path(), &[]);
    let unreadable = |config: &[&str]| {
        let out = amlguard()
            .args(config)
            .args(["backtest", "--format", "json", "rules/", "--logs", &dump])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["summary"]["unreadable_rule_files"].as_u64().unwrap()
    };
    assert_eq!(unreadable(&[]), 0);
    assert!(unreadable(&["--no-config"]) > 0);
}
