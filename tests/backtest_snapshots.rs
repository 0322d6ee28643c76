//! `amlguard backtest` output, pinned: the human report and the JSON document of a backtest of
//! a rule file (every outcome: alerts split by a dimension, alerts still firing, rules the
//! logs cannot decide) on a generated dump with planted bursts. Run in a temporary directory
//! with relative paths, so the snapshots hold on any machine. After a deliberate change:
//! `INSTA_UPDATE=always cargo test --test backtest_snapshots`, then read the diff.

mod common;

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
      - total Failed Runs > 10 where ExperimentName includes *
  - name: not-responding
    frequency: PT1M
    window: PT1M
    criteria:
      - total Not Responding Runs > 4
  - name: any-failure-in-an-hour
    frequency: PT5M
    window: PT1H
    criteria:
      - total Failed Runs > 0
  - name: by-compute-type
    criteria:
      - total Failed Runs > 0 where ComputeType includes *
  - name: quota
    criteria:
      - max Quota Utilization Percentage > 90
  - name: dynamic
    criteria:
      - avg Failed Runs > dynamic medium 2 of 4
  - name: disabled
    enabled: false
    criteria:
      - total Failed Runs > 0
";

fn run(format: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let dump = amlguard()
        .args([
            "generate",
            "dump",
            "60",
            "--burst",
            "Failed@2026-11-18T11:20Z x15",
            "--burst",
            "NotResponding@2026-11-18T11:31Z x5",
        ])
        .output()
        .unwrap();
    assert!(dump.status.success());
    std::fs::write(dir.path().join("dump.jsonl"), &dump.stdout).unwrap();
    std::fs::write(dir.path().join("rules.yaml"), RULES).unwrap();
    let out = amlguard()
        .current_dir(dir.path())
        .args([
            "--no-config",
            "backtest",
            "rules.yaml",
            "--logs",
            "dump.jsonl",
            "--format",
            format,
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn human() {
    let (code, out) = run("human");
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn json() {
    let (code, out) = run("json");
    assert_eq!(code, 0);
    let _: serde_json::Value = serde_json::from_str(&out).unwrap();
    insta::assert_snapshot!(out);
}
