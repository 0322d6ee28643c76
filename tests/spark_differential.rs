//! The same lifecycle specs give the same findings natively and on Spark: the native audit and
//! `audit --engine spark` (pyspark in local mode, two Spark runs for this test binary) over a
//! directory of generated runs, compute jobs and clusters with planted violations (in time
//! order and shuffled within the reorder window), and over a hand-made file of cluster, node and
//! a user's own lifecycle with dwell limits (every check: illegal, after terminal, unknown,
//! dwell, inconsistent, late, started mid-lifecycle, open at the end, ties in time, an entity
//! forgotten after the window, unreadable records) — must report the same set of
//! (check, entity, time, from, to, file, line).
//!
//! Needs python 3 with pyspark and Java (`scripts/test-setup.sh` installs pyspark); fails,
//! never skips, without them.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

type Key = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    u64,
);

fn findings(engine: &str, dir: &Path, extra: &[&str]) -> (i32, BTreeSet<Key>, serde_json::Value) {
    let out = common::amlguard()
        .args([
            "--no-config",
            "audit",
            "--format",
            "json",
            "--max-repeats",
            "0",
        ])
        .args(["--engine", engine, "--spark-master", "local[2]"])
        .args(["--lifecycle", "tests/fixtures/spark/lifecycle.yaml"])
        .args(extra)
        .arg(dir)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{engine}: not JSON ({e}); stderr: {}\nscripts/test-setup.sh installs pyspark",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let set = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                s(&f["entity"]),
                s(&f["time"]),
                s(&f["from"]),
                s(&f["to"]),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), set, json)
}

fn generate(args: &[&str], to: &Path) {
    let out = common::amlguard()
        .args(["generate", "dump"])
        .args(args)
        .output()
        .expect("runs");
    assert!(out.status.success());
    std::fs::write(to, out.stdout).unwrap();
}

/// Audits `dir` natively and on Spark (with `spark_args`); both must give the same exit code and
/// the same set of findings. Returns the native set and the Spark run's JSON.
fn same_findings(dir: &Path, spark_args: &[&str]) -> (BTreeSet<Key>, serde_json::Value) {
    let (native_code, native, _) = findings("native", dir, &[]);
    let (spark_code, spark, json) = findings("spark", dir, spark_args);
    assert_eq!(native_code, 1);
    assert_eq!(spark_code, native_code, "{json}");
    let only_native: Vec<&Key> = native.difference(&spark).collect();
    let only_spark: Vec<&Key> = spark.difference(&native).collect();
    assert!(
        only_native.is_empty() && only_spark.is_empty(),
        "native only: {only_native:#?}\nspark only: {only_spark:#?}"
    );
    (native, json)
}

#[test]
fn native_and_spark_report_the_same_findings() {
    let generated = tempfile::tempdir().unwrap();
    generate(
        &["60", "--seed", "11", "--plant-every", "6"],
        &generated.path().join("a-ordered.json"),
    );
    generate(
        &[
            "60",
            "--seed",
            "12",
            "--plant-every",
            "6",
            "--shuffle-seconds",
            "600",
        ],
        &generated.path().join("b-shuffled.json"),
    );
    // The hand-made file is audited on its own: after the generated dumps (which end later
    // than its first hour) its records would all be late, and its dwell limits never checked.
    let hand_made = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("tests/fixtures/spark/events.json"),
        hand_made.path().join("c-events.json"),
    )
    .unwrap();
    let (mut native, json) = same_findings(generated.path(), &[]);
    assert!(json["summary"]["records"].as_u64().unwrap() > 500);
    // This run checkpoints its stages reliably, to a directory, as on a cluster.
    let checkpoints = tempfile::tempdir().unwrap();
    let dir = checkpoints.path().to_str().unwrap();
    let (by_hand, _) = same_findings(hand_made.path(), &["--spark-checkpoint-dir", dir]);
    let written = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert!(written > 0, "no checkpoint was written to {dir}");
    native.extend(by_hand);
    let checks: BTreeSet<&str> = native.iter().map(|k| k.0.as_str()).collect();
    for code in [
        "AML501", "AML502", "AML503", "AML504", "AML505", "AML506", "AML507", "AML508", "AML509",
    ] {
        assert!(checks.contains(code), "the inputs plant no {code}");
    }
    assert!(native.len() > 30, "{}", native.len());
}

#[test]
fn a_missing_java_or_python_is_a_clear_error() {
    let dump = common::root().join("tests/fixtures/spark/events.json");
    let out = common::amlguard()
        .args(["--no-config", "audit", "--engine", "spark"])
        .arg(&dump)
        .env("PATH", "")
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Spark needs Java"), "{err}");
    let out = common::amlguard()
        .args(["--no-config", "audit", "--engine", "spark"])
        .arg(&dump)
        .env("AMLGUARD_PYTHON", "/nonexistent/python3")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs python 3 with pyspark"), "{err}");
    // Formats Spark does not read are refused, not half-read.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "TimeGenerated [UTC],RunId,Status,Type\n\"11/18/2026, 10:00:00.000 AM\",r1,Queued,AmlRunStatusChangedEvent\n",
    )
    .unwrap();
    let out = common::amlguard()
        .args(["--no-config", "audit", "--engine", "spark"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("native engine"));
}
