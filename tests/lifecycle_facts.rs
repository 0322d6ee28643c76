//! Independent expectations for the built-in lifecycles: each row below is a transition that
//! Azure's public documentation makes legal or illegal, written from the documents themselves
//! (not from `src/lifecycle/builtin.yaml`), and checked through the real binary on a two-record
//! dump. A wrong edge in the data fails a row here.
//!
//! Sources:
//! - JobStatus (Azure Machine Learning REST / SDK reference, learn.microsoft.com, e.g.
//!   https://learn.microsoft.com/en-us/javascript/api/@azure/arm-machinelearning/jobstatus):
//!   the order NotStarted, Starting, Provisioning, Preparing, Queued, Running, Finalizing,
//!   CancelRequested, Completed, Failed, Canceled, NotResponding, Paused, Unknown; "NotResponding
//!   is the only state that is exempt from strict transition orders. A run can go from
//!   NotResponding to any of the previous states."
//! - Monitoring Azure Machine Learning data reference (the seed): run metrics per status
//!   (a cancel request ends in Canceled, or the run completes or fails first), the
//!   AmlComputeJobEvent EventType/ExecutionState values, the AmlCompute node states.

mod common;

use common::amlguard;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    /// No finding about the second record.
    Legal,
    /// An `illegal-transition` finding on line 2.
    Illegal,
    /// An `event-after-terminal` finding on line 2.
    AfterTerminal,
}
use Expect::*;

const RUN: &[(&str, &str, Expect)] = &[
    // The documented forward order; Provisioning and Preparing may be skipped.
    ("Starting", "Provisioning", Legal),
    ("Starting", "Preparing", Legal),
    ("Starting", "Queued", Legal),
    ("Provisioning", "Preparing", Legal),
    ("Provisioning", "Queued", Legal),
    ("Preparing", "Queued", Legal),
    ("Queued", "Running", Legal),
    ("Running", "Finalizing", Legal),
    ("Finalizing", "Completed", Legal),
    ("Running", "Failed", Legal),
    ("Queued", "Failed", Legal),
    ("Running", "CancelRequested", Legal),
    ("CancelRequested", "Canceled", Legal),
    ("CancelRequested", "Completed", Legal),
    ("CancelRequested", "Failed", Legal),
    ("Running", "NotResponding", Legal),
    // NotResponding may return to any earlier state.
    ("NotResponding", "Running", Legal),
    ("NotResponding", "Queued", Legal),
    ("NotResponding", "Preparing", Legal),
    ("NotResponding", "Starting", Legal),
    ("NotResponding", "Finalizing", Legal),
    ("NotResponding", "CancelRequested", Legal),
    ("NotResponding", "Completed", Legal),
    ("NotResponding", "Failed", Legal),
    ("NotResponding", "Canceled", Legal),
    // Backwards in the strict order.
    ("Queued", "Starting", Illegal),
    ("Queued", "Preparing", Illegal),
    ("Preparing", "Provisioning", Illegal),
    ("Running", "Queued", Illegal),
    ("Running", "Starting", Illegal),
    ("Finalizing", "Running", Illegal),
    ("Finalizing", "Queued", Illegal),
    ("CancelRequested", "Running", Illegal),
    // Nothing follows a terminal state.
    ("Completed", "Running", AfterTerminal),
    ("Failed", "Queued", AfterTerminal),
    ("Canceled", "Running", AfterTerminal),
];

const COMPUTE_JOB: &[(&str, &str, Expect)] = &[
    ("Queued", "Running", Legal),
    ("Queued", "Failed", Legal),
    ("Running", "Succeeded", Legal),
    ("Running", "Failed", Legal),
    ("Running", "Queued", Illegal),
    ("Succeeded", "Running", AfterTerminal),
    ("Failed", "Running", AfterTerminal),
];

const NODE: &[(&str, &str, Expect)] = &[
    ("preparing", "idle", Legal),
    ("preparing", "running", Legal),
    ("idle", "running", Legal),
    ("running", "leaving", Legal),
    ("leaving", "idle", Legal),
    ("running", "unusable", Legal),
    ("idle", "preempted", Legal),
    ("unusable", "running", AfterTerminal),
    ("preempted", "idle", AfterTerminal),
];

const CLUSTER: &[(&str, &str, Expect)] =
    &[("Steady", "Resizing", Legal), ("Resizing", "Steady", Legal)];

fn run_record(minute: u32, state: &str) -> String {
    format!(
        r#"{{"time":"2026-11-24T10:{minute:02}:00Z","category":"AmlRunStatusChangedEvent","properties":{{"RunId":"r1","Status":"{state}"}}}}"#
    )
}

fn job_record(minute: u32, state: &str) -> String {
    let event = match state {
        "Queued" => "JobSubmitted",
        "Running" => "JobRunning",
        "Succeeded" => "JobSucceeded",
        _ => "JobFailed",
    };
    format!(
        r#"{{"time":"2026-11-24T10:{minute:02}:00Z","category":"AmlComputeJobEvent","properties":{{"JobId":"j1","ClusterName":"c","EventType":"{event}","ExecutionState":"{state}"}}}}"#
    )
}

fn node_record(minute: u32, state: &str) -> String {
    format!(
        r#"{{"time":"2026-11-24T10:{minute:02}:00Z","category":"AmlComputeClusterNodeEvent","properties":{{"ClusterName":"c","NodeId":"n1","NodeState":"{state}"}}}}"#
    )
}

fn cluster_record(minute: u32, state: &str) -> String {
    format!(
        r#"{{"time":"2026-11-24T10:{minute:02}:00Z","category":"AmlComputeClusterEvent","properties":{{"ClusterName":"c","AllocationState":"{state}","CurrentNodeCount":1,"TargetNodeCount":1,"MinimumNodeCount":0,"MaximumNodeCount":4}}}}"#
    )
}

/// Audits `from` then `to` and returns what the binary says of the second record.
fn observe(record: fn(u32, &str) -> String, from: &str, to: &str) -> Expect {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pair.json");
    std::fs::write(&path, format!("{}\n{}\n", record(0, from), record(1, to))).unwrap();
    let out = amlguard()
        .args(["--no-config", "audit", "--no-progress", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["summary"]["records"], 2,
        "{from} → {to}: both records read"
    );
    assert_eq!(
        json["summary"]["audited"], 2,
        "{from} → {to}: both records audited"
    );
    let names: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["line"] == 2)
        .map(|f| f["name"].as_str().unwrap().to_string())
        .filter(|n| n == "illegal-transition" || n == "event-after-terminal")
        .collect();
    match names.as_slice() {
        [] => Legal,
        [n] if n == "illegal-transition" => Illegal,
        [n] if n == "event-after-terminal" => AfterTerminal,
        other => panic!("{from} → {to}: unexpected findings {other:?}"),
    }
}

fn check(record: fn(u32, &str) -> String, table: &[(&str, &str, Expect)]) {
    let wrong: Vec<String> = table
        .iter()
        .filter_map(|&(from, to, want)| {
            let got = observe(record, from, to);
            (got != want).then(|| format!("{from} → {to}: expected {want:?}, got {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn run_transitions_follow_job_status_order() {
    check(run_record, RUN);
}

#[test]
fn compute_job_transitions_follow_the_seed() {
    check(job_record, COMPUTE_JOB);
}

#[test]
fn node_transitions_follow_the_seed() {
    check(node_record, NODE);
}

#[test]
fn cluster_allocation_state_alternates() {
    check(cluster_record, CLUSTER);
}
