//! The audit through the real binary on real-shaped dumps: every reader, gzip, CRLF, invalid
//! UTF-8, truncated lines, wrong types; planted violations found exactly, shuffled or not;
//! every record accounted for.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;

fn audit_json(args: &[&str]) -> (i32, serde_json::Value) {
    let out = amlguard()
        .args(["--no-config", "audit", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// Every record written is counted, and each one counted is either audited or skipped for a
/// stated reason. `written` is the number of records the test (or the generator) wrote, so a
/// record the reader never saw fails here.
fn accounted(json: &serde_json::Value, written: u64) {
    let s = &json["summary"];
    assert_eq!(s["records"].as_u64().unwrap(), written, "{s}");
    let by_reason: u64 = s["skipped_by_reason"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(
        s["records"].as_u64().unwrap(),
        s["audited"].as_u64().unwrap() + s["skipped"].as_u64().unwrap(),
        "{s}"
    );
    assert_eq!(s["skipped"].as_u64().unwrap(), by_reason);
}

/// `(check, line, entity)` of each finding.
fn where_(json: &serde_json::Value) -> Vec<(String, u64, String)> {
    let mut v: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["entity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// A diagnostic-settings line of run `run` in `status` at `time` (RFC 3339), with its newline.
fn run_record(time: &str, run: &str, status: &str) -> String {
    format!(
        "{{\"time\": \"{time}\", \"category\": \"AmlRunStatusChangedEvent\", \"properties\": {{\"RunId\": \"{run}\", \"Status\": \"{status}\"}}}}\n"
    )
}

const DIAG: &str = concat!(
    "{\"time\":\"2026-11-24T10:00:00.0000000Z\",\"resourceId\":\"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/W\",\"category\":\"AmlRunStatusChangedEvent\",\"operationName\":\"x\",\"level\":\"Informational\",\"properties\":{\"RunId\":\"r1\",\"Status\":\"Starting\"}}\r\n",
    "{\"time\":\"2026-11-24T10:01:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":\"{\\\"RunId\\\":\\\"r1\\\",\\\"Status\\\":\\\"Queued\\\"}\"}\r\n",
    "{\"time\":\"2026-11-24T10:02:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r1\",\"Status\":7}}\r\n",
    "{\"time\":\"2026-11-24T10:03:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r1\",\"Status\":\"Running\"}}\r\n",
    "{\"time\":\"2026-11-24T10:04:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r1\",\"Status\":\"Completed\"}}\r\n",
    "{\"time\":\"2026-11-24T10:05:00Z\",\"category\":\"ModelsReadEvent\",\"properties\":{\"CorrelationId\":\"c1\",\"ResultType\":\"Succeeded\"}}\r\n",
    "{\"time\":\"2026-11-24T10:06:00Z\",\"category\":\"AmlComputeCpuGpuUtilization\",\"properties\":{}}\r\n",
    "{\"time\":\"2026-11-24T10:07:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r2\",\"Sta"
);

#[test]
fn diagnostic_settings_lines_with_crlf_encoded_properties_wrong_types_and_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "PT1H.json", DIAG.as_bytes());
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 1);
    accounted(&json, 8);
    assert_eq!(
        where_(&json),
        vec![
            ("started-mid-lifecycle".into(), 6, "c1".into()),
            ("unknown-state".into(), 3, "r1".into()),
            ("unreadable-record".into(), 8, "".into()),
        ]
    );
    let s = &json["summary"];
    assert_eq!(s["records"], 8);
    assert_eq!(
        s["skipped_by_reason"]["category AmlComputeCpuGpuUtilization has no lifecycle"],
        1
    );
    assert_eq!(s["transitions"]["run"]["Queued->Running"], 1);
}

#[test]
fn gzip_and_directories_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("y=2026/m=11/d=24");
    std::fs::create_dir_all(h.join("h=10")).unwrap();
    std::fs::create_dir_all(h.join("h=11")).unwrap();
    let run = |t: &str, s: &str| {
        format!(
            "{{\"time\":\"2026-11-24T{t}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"r1\",\"Status\":\"{s}\"}}}}\n"
        )
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all((run("10:00:00", "Starting") + &run("10:30:00", "Queued")).as_bytes())
        .unwrap();
    std::fs::write(h.join("h=10/PT1H.json.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        h.join("h=11/PT1H.json"),
        run("11:00:00", "Running") + &run("11:10:00", "Completed"),
    )
    .unwrap();
    let (code, json) = audit_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{json}");
    accounted(&json, 4);
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    assert_eq!(json["summary"]["files"], 2);
    assert_eq!(json["summary"]["audited"], 4);
}

#[test]
fn event_hub_capture() {
    let body = r#"{"records":[{"time":"2026-11-24T10:00:00Z","category":"AmlComputeJobEvent","properties":{"JobId":"j1","EventType":"JobSubmitted","ExecutionState":"Queued"}},{"time":"2026-11-24T10:01:00Z","category":"AmlComputeJobEvent","properties":{"JobId":"j1","EventType":"JobRunning","ExecutionState":"Running"}}]}
{"records":[{"time":"2026-11-24T10:02:00Z","category":"AmlComputeJobEvent","properties":{"JobId":"j1","EventType":"JobRunning","ExecutionState":"Succeeded"}}]}
{"records":[{"time":
"#;
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "capture.json", body.as_bytes());
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 1);
    accounted(&json, 4);
    assert_eq!(json["summary"]["records"], 4);
    assert_eq!(
        where_(&json),
        vec![
            ("record-inconsistent".into(), 2, "j1".into()),
            ("unreadable-record".into(), 3, "".into())
        ]
    );
}

/// The field that must agree with the state is matched in any case, ASCII or not, as the
/// lifecycle's pairs are written: `jobsubmitted` and `JOBSUBMITTED` are `JobSubmitted`
/// (Queued); `JÖBSUBMITTED` is no value of the pairs, so it implies nothing.
#[test]
fn the_agreeing_field_is_matched_in_any_case() {
    let rec = |minute: u32, job: &str, event: &str, state: &str| {
        format!(
            r#"{{"time":"2026-11-24T10:{minute:02}:00Z","category":"AmlComputeJobEvent","properties":{{"JobId":"{job}","EventType":"{event}","ExecutionState":"{state}"}}}}"#
        ) + "\n"
    };
    let text = [
        rec(0, "j1", "jobsubmitted", "Queued"),
        rec(1, "j2", "JOBSUBMITTED", "Running"),
        rec(2, "j3", "JÖBSUBMITTED", "Running"),
        rec(3, "j4", "jobSubmitted", "queued"),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "jobs.jsonl", text.as_bytes());
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    accounted(&json, 4);
    let inconsistent: Vec<(String, u64, String)> = where_(&json)
        .into_iter()
        .filter(|(name, _, _)| name == "record-inconsistent")
        .collect();
    assert_eq!(
        inconsistent,
        vec![("record-inconsistent".into(), 2, "j2".into())]
    );
}

#[test]
fn log_analytics_query_result() {
    let rows = r#"[
  {"TimeGenerated": "2026-11-24T10:00:00Z", "Type": "AmlComputeClusterEvent", "ClusterName": "gpu", "AllocationState": "Steady", "CurrentNodeCount": 2, "MaximumNodeCount": 4},
  {"TimeGenerated": "2026-11-24T10:05:00Z", "Type": "AmlComputeClusterEvent", "ClusterName": "gpu", "AllocationState": "Resizing", "CurrentNodeCount": 5, "TargetNodeCount": 4, "MaximumNodeCount": 4},
  {"TimeGenerated": "2026-11-24T10:06:00Z", "Type": "AmlComputeClusterEvent", "ClusterName": "gpu", "AllocationState": "Steady", "CurrentNodeCount": 4, "MaximumNodeCount": 4},
  {"TimeGenerated": "2026-11-24T10:07:00Z", "Type": "AmlComputeClusterNodeEvent", "ClusterName": "gpu", "NodeId": "n1",
   "NodeAllocationTime": "2026-11-24T10:00:00Z", "NodeBootTime": "2026-11-24T09:59:00Z", "StartTaskStartTime": "2026-11-24T10:01:00Z"},
  {"TimeGenerated": "2026-11-24T10:08:00Z", "Type": "AmlComputeClusterNodeEvent", "ClusterName": "gpu", "NodeId": "n2",
   "NodeAllocationTime": "2026-11-24T10:00:00Z", "NodeBootTime": "2026-11-24T10:00:00Z", "StartTaskStartTime": "2026-11-24T10:00:00Z", "StartTaskEndTime": "2026-11-24T10:00:00Z"},
  {"TimeGenerated": "2026-11-24T10:09:00Z", "Type": "AmlComputeClusterNodeEvent", "ClusterName": "gpu", "NodeId": "n3",
   "NodeAllocationTime": "2026-11-24T10:00:00Z", "NodeBootTime": "2026-11-24T10:01:00Z", "StartTaskStartTime": "2026-11-24T10:02:00Z", "StartTaskEndTime": "2026-11-24T10:03:00Z"}
]"#;
    // n2's times are all equal and n3's strictly increase: both in order, not a finding. n1
    // booted a minute before its allocation.
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "query.json", rows.as_bytes());
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 1);
    accounted(&json, 6);
    assert_eq!(
        where_(&json),
        vec![
            ("record-inconsistent".into(), 3, "gpu".into()),
            ("record-inconsistent".into(), 5, "gpu/n1".into())
        ]
    );
    let n1 = &json["findings"][1]["message"];
    assert!(
        n1.as_str().unwrap().contains(
            "NodeBootTime (2026-11-24T09:59:00Z) before NodeAllocationTime (2026-11-24T10:00:00Z)"
        ),
        "{n1}"
    );
    assert_eq!(json["summary"]["records"], 6);
}

#[test]
fn portal_csv_export_with_invalid_utf8() {
    let mut csv = b"TimeGenerated [UTC],Type,RunId,Status\r\n\"11/24/2026, 10:00:00.000 AM\",AmlRunStatusChangedEvent,r1,Starting\r\n\"11/24/2026, 10:01:00.000 AM\",AmlRunStatusChangedEvent,r1,Queued\r\n".to_vec();
    csv.extend_from_slice(
        b"\"11/24/2026, 10:02:00.000 AM\",AmlRunStatusChangedEvent,r1,Runn\xffing\r\n",
    );
    csv.extend_from_slice(
        b"\"11/24/2026, 10:03:00.000 AM\",AmlRunStatusChangedEvent,r1,Canceled\r\n",
    );
    csv.extend_from_slice(b"not a time,AmlRunStatusChangedEvent,r9,Starting\r\n");
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "export.csv", &csv);
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 0, "skipped records are warnings");
    accounted(&json, 5);
    assert_eq!(json["summary"]["records"], 5);
    assert_eq!(
        where_(&json),
        vec![
            ("unreadable-record".into(), 4, "".into()),
            ("unreadable-record".into(), 6, "".into())
        ]
    );
}

#[test]
fn strict_turns_window_notes_into_errors() {
    let line = "{\"time\":\"2026-11-24T10:00:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r1\",\"Status\":\"Running\"}}\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "w.json", line.as_bytes());
    assert_eq!(audit_json(&[&p]).0, 0);
    let (code, json) = audit_json(&[&p, "--strict"]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["errors"], 2);
}

/// `--reorder-window` is honoured. The run's `Queued` record arrives after its `Running`
/// record, 20 minutes older than it. Within a window of 20 minutes or more (the default is 1 h)
/// it is put back in time order and the run is clean; with a narrower window it is reported as
/// late (AML506, a warning) and not checked, so the run goes Starting → Running, which the run
/// lifecycle does not allow (AML501, an error).
#[test]
fn reorder_window_is_honoured() {
    let record = |time: &str, status: &str| {
        format!(
            "{{\"time\":\"2026-11-24T{time}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"r1\",\"Status\":\"{status}\"}}}}\n"
        )
    };
    let dump = [
        record("10:00:00", "Starting"),
        record("10:30:00", "Running"),
        record("10:10:00", "Queued"),
        record("10:40:00", "Completed"),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "late.jsonl", dump.as_bytes());
    for window in [None, Some("1h"), Some("20m"), Some("PT20M"), Some("1200s")] {
        let mut args = vec![p.as_str()];
        args.extend(window.iter().flat_map(|w| ["--reorder-window", w]));
        let (code, json) = audit_json(&args);
        assert_eq!((code, where_(&json)), (0, vec![]), "{window:?}: {json}");
        accounted(&json, 4);
    }
    for window in ["19m", "1199s", "0"] {
        let (code, json) = audit_json(&[&p, "--reorder-window", window]);
        assert_eq!(
            (code, where_(&json)),
            (
                1,
                vec![
                    ("illegal-transition".into(), 2, "r1".into()),
                    ("late-record".into(), 3, "r1".into()),
                ]
            ),
            "{window}: {json}"
        );
        accounted(&json, 4);
        assert_eq!(json["summary"]["errors"], 1, "{window}");
        assert_eq!(json["summary"]["warnings"], 1, "{window}");
    }
}

/// The number of JSON lines in a generated dump: one record each.
fn lines(path: &str) -> u64 {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().filter(|l| !l.trim().is_empty()).count() as u64
}

fn generate(args: &[&str], dir: &Path, name: &str) -> (String, Vec<(String, u64, String)>) {
    let dump = dir.join(name);
    let manifest = dir.join(format!("{name}.manifest"));
    let out = amlguard()
        .args(["generate", "dump"])
        .args(args)
        .arg("--manifest")
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&dump, out.stdout).unwrap();
    let mut planted: Vec<(String, u64, String)> = std::fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let check = v["check"].as_str().unwrap().to_string();
            // An unreadable record names no entity.
            let entity = if check == "unreadable-record" {
                String::new()
            } else {
                v["entity"].as_str().unwrap().to_string()
            };
            (check, v["line"].as_u64().unwrap(), entity)
        })
        .collect();
    planted.sort();
    (dump.to_str().unwrap().to_string(), planted)
}

#[test]
fn generated_dump_yields_exactly_the_planted_violations_shuffled_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let (ordered, planted) = generate(
        &["3000", "--seed", "7", "--plant-every", "40"],
        dir.path(),
        "ordered.json",
    );
    assert!(planted.len() >= 70, "{}", planted.len());
    let (code, json) = audit_json(&[&ordered]);
    assert_eq!(code, 1);
    accounted(&json, lines(&ordered));
    assert_eq!(where_(&json), planted);
    let (shuffled, planted_s) = generate(
        &[
            "3000",
            "--seed",
            "7",
            "--plant-every",
            "40",
            "--shuffle-seconds",
            "900",
        ],
        dir.path(),
        "shuffled.json",
    );
    let (code, json_s) = audit_json(&[&shuffled, "--threads", "1"]);
    assert_eq!(code, 1);
    accounted(&json_s, lines(&shuffled));
    assert_eq!(where_(&json_s), planted_s);
    // The same violations, by check and entity.
    let strip = |v: Vec<(String, u64, String)>| {
        let mut v: Vec<(String, String)> = v.into_iter().map(|(c, _, e)| (c, e)).collect();
        v.sort();
        v
    };
    assert_eq!(strip(where_(&json)), strip(where_(&json_s)));
    assert_eq!(
        json["summary"]["transitions"],
        json_s["summary"]["transitions"]
    );
}

#[test]
fn invalid_utf8_in_a_json_line_is_skipped_and_located() {
    let mut text = b"{\"time\":\"2026-11-24T10:00:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r1\",\"Status\":\"Starting\"}}\n".to_vec();
    text.extend_from_slice(b"{\"time\":\"2026-11-24T10:01:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r\xe91\",\"Status\":\"Queued\"}}\n");
    text.extend_from_slice(b"{\"time\":\"2026-11-24T10:02:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r1\",\"Status\":\"Failed\"}}\n");
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "bad.json", &text);
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 0, "a skipped record is a warning");
    accounted(&json, 3);
    assert_eq!(json["summary"]["skipped_by_reason"]["invalid UTF-8"], 1);
    assert_eq!(
        where_(&json),
        vec![("unreadable-record".into(), 2, "".into())]
    );
}

#[test]
fn graph_draws_a_lifecycle_and_what_a_dump_did() {
    let out = amlguard()
        .args(["--no-config", "graph", "run"])
        .output()
        .unwrap();
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.starts_with("digraph \"run\""));
    assert!(dot.contains("Queued -> Running;"));
    assert!(dot.contains("Completed [label=\"Completed\", peripheries=2];"));
    let out = amlguard()
        .args(["graph", "compute-job", "--format", "mermaid"])
        .output()
        .unwrap();
    let mermaid = String::from_utf8(out.stdout).unwrap();
    assert!(mermaid.starts_with("stateDiagram-v2\n"));
    assert!(mermaid.contains("[*] --> Queued"));
    let dump = root().join("tests/fixtures/checks/illegal-transition/fires.jsonl");
    let out = amlguard()
        .args(["graph", "run", "--observed", dump.to_str().unwrap()])
        .output()
        .unwrap();
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.contains("Starting -> Queued [label=\"1\"];"), "{dot}");
    assert!(
        dot.contains("Queued -> Completed [label=\"1 illegal\", color=red"),
        "{dot}"
    );
    let out = amlguard().args(["graph", "runs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `run`?"));
}

#[test]
fn lifecycles_lists_and_checks_the_specs() {
    let out = amlguard()
        .args(["lifecycles", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["run", "compute-job", "cluster", "node", "operation"]
    );
    let bad = root().join("tests/fixtures/checks/undeclared-state/fires.yaml");
    let out = amlguard()
        .args([
            "--color",
            "never",
            "lifecycles",
            "--lifecycle",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("state `Bee` is not declared"));
}

/// `--fail-on` counts each severity the audit found: a note (a run still open at the end) fails
/// only `--fail-on note`, a warning (an unreadable record) fails `warning` and `note` too.
#[test]
fn fail_on_counts_warnings_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let open = write(
        dir.path(),
        "open.jsonl",
        br#"{"time": "2026-11-24T10:00:00Z", "category": "AmlRunStatusChangedEvent", "properties": {"RunId": "r1", "Status": "Running"}}
"#,
    );
    let unreadable = write(
        dir.path(),
        "unreadable.jsonl",
        br#"{"time": "2026-11-24T10:00:00Z", "category": "AmlRunStatusChangedEvent", "properties": {"RunId": "r1", "Status": "Starting"}}
{"time": "2026-11-24T10:01:00Z", "category": "AmlRunStatusChangedEvent", "properties": {"RunId": "r1", "Status": "Queued"}}
{"time": "2026-11-24T10:02:00Z", "category": "AmlRunStatusChangedEvent", "properties": {"RunId": "r1", "Status": "Running"}}
{"time": "2026-11-24T10:03:00Z", "category": "AmlRunStatusChangedEvent", "properties": {"RunId": "r1", "Status": "Completed"}}
{"time": "not a time", "category": "AmlRunStatusChangedEvent", "properties": {"RunId": "r2", "Status": "Starting"}}
"#,
    );
    let severities = |json: &serde_json::Value| -> Vec<String> {
        let mut v: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect();
        v.dedup();
        v
    };
    let (code, json) = audit_json(&[&open]);
    assert_eq!((code, severities(&json)), (0, vec!["note".to_string()]));
    assert_eq!(audit_json(&[&open, "--fail-on", "warning"]).0, 0);
    assert_eq!(audit_json(&[&open, "--fail-on", "note"]).0, 1);

    let (code, json) = audit_json(&[&unreadable]);
    assert_eq!((code, severities(&json)), (0, vec!["warning".to_string()]));
    accounted(&json, 5);
    assert_eq!(audit_json(&[&unreadable, "--fail-on", "error"]).0, 0);
    assert_eq!(audit_json(&[&unreadable, "--fail-on", "warning"]).0, 1);
    assert_eq!(audit_json(&[&unreadable, "--fail-on", "note"]).0, 1);
}

/// The summary's time in each state: how many stays were timed, and the median and 95th
/// percentile as the lower bound of their bucket (exact below 64 s, then within 12.5 %).
#[test]
fn dwell_times_are_counted_and_bucketed() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for (run, times) in [
        ("r1", ["10:00:00", "10:01:00", "10:03:00", "10:13:00"]),
        ("r2", ["10:00:00", "10:00:30", "10:03:00", "10:04:00"]),
    ] {
        for (time, status) in times
            .iter()
            .zip(["Starting", "Queued", "Running", "Completed"])
        {
            text.push_str(&run_record(&format!("2026-11-24T{time}Z"), run, status));
        }
    }
    let p = write(dir.path(), "dwell.jsonl", text.as_bytes());
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 0);
    accounted(&json, 8);
    // Only the lifecycles that saw records are in the summary.
    let lifecycles: Vec<&String> = json["summary"]["by_lifecycle"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(lifecycles, ["run"]);
    assert_eq!(
        json["summary"]["transitions"],
        serde_json::json!({"run": {"Starting->Queued": 2, "Queued->Running": 2, "Running->Completed": 2}})
    );
    // Starting: 60 s and 30 s. Queued: 120 s and 150 s (bucket 144–160). Running: 600 s
    // (bucket 576–640) and 60 s.
    assert_eq!(
        json["summary"]["by_lifecycle"]["run"]["dwell"],
        serde_json::json!({
            "Starting": {"count": 2, "p50_seconds": 30, "p95_seconds": 60},
            "Queued": {"count": 2, "p50_seconds": 120, "p95_seconds": 144},
            "Running": {"count": 2, "p50_seconds": 60, "p95_seconds": 576},
        })
    );
}

/// A negative JSON integer is read as the number it is (and a count below zero is reported),
/// in every field a record check reads.
#[test]
fn negative_counts_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "negative.jsonl",
        br#"{"time": "2026-11-24T10:00:00Z", "category": "AmlComputeClusterEvent", "properties": {"ClusterName": "gpu", "AllocationState": "Steady", "CurrentNodeCount": -1, "MaximumNodeCount": 4}}
{"time": "2026-11-24T10:01:00Z", "category": "AmlComputeClusterEvent", "properties": {"ClusterName": "cpu", "AllocationState": "Steady", "CurrentNodeCount": 1, "MaximumNodeCount": 4, "IdleNodeCount": -2.5}}
"#,
    );
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 1);
    accounted(&json, 2);
    let messages: Vec<&str> = named(&json, "record-inconsistent")
        .into_iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{json}");
    assert!(
        messages[0].contains("CurrentNodeCount = -1, a negative count"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("IdleNodeCount = -2.5, a negative count"),
        "{messages:?}"
    );
}

/// Unreadable records are all counted, but at most 100 findings of each reason are kept (the
/// skips are in the summary), so a dump of garbage cannot flood the output, even when every
/// message quotes a different bad value.
#[test]
fn unreadable_findings_are_capped_per_kind_and_all_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..105 {
        text.push_str(&run_record(
            &format!("bad-{i}"),
            &format!("r{i}"),
            "Starting",
        ));
    }
    text.push_str(&"{broken\n".repeat(103));
    text.push_str(&run_record("2026-11-24T10:00:00Z", "ok", "Completed"));
    let p = write(dir.path(), "garbage.jsonl", text.as_bytes());
    let (code, json) = audit_json(&[&p, "--max-repeats", "0"]);
    assert_eq!(code, 0, "skips are warnings");
    accounted(&json, 209);
    assert_eq!(
        json["summary"]["skipped_by_reason"],
        serde_json::json!({"bad time": 105, "invalid JSON": 103})
    );
    let unreadable: Vec<u64> = named(&json, "unreadable-record")
        .into_iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    let want: Vec<u64> = (1..=100).chain(106..=205).collect();
    assert_eq!(unreadable, want);
}

/// Each reason a record of a known table is skipped counts that record once, as skipped and
/// not as audited, and says where it is.
#[test]
fn each_skip_reason_counts_its_record_once_and_not_as_audited() {
    let dir = tempfile::tempdir().unwrap();
    let run = |props: &str, time: &str| {
        format!("{{{time}\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{{props}}}}}\n")
    };
    let at = "\"time\":\"2026-11-24T10:00:00Z\",";
    let text = [
        run("\"RunId\":\"ok\",\"Status\":\"Completed\"", at),
        run("\"RunId\":\"r1\",\"Status\":\"Running\"", ""),
        run(
            "\"RunId\":\"r2\",\"Status\":\"Running\"",
            "\"time\":\"yesterday\",",
        ),
        run("\"Status\":\"Running\"", at),
        run("\"RunId\":\"  \",\"Status\":\"Running\"", at),
        run("\"RunId\":\"r5\"", at),
        run("\"RunId\":\"r6\"", at),
    ]
    .concat();
    let p = write(dir.path(), "skips.jsonl", text.as_bytes());
    let (_, json) = audit_json(&[&p]);
    accounted(&json, 7);
    assert_eq!(json["summary"]["audited"], 1, "{}", json["summary"]);
    assert_eq!(
        json["summary"]["skipped_by_reason"],
        serde_json::json!({
            "missing time": 1,
            "bad time": 1,
            "missing key": 1,
            "empty key": 1,
            "missing state": 2,
        })
    );
    let lines: Vec<u64> = named(&json, "unreadable-record")
        .into_iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 7]);
}

/// A record without a category belongs to the first lifecycle whose key and state fields
/// it carries, both of them: a key alone or a state alone does not make it a run record.
#[test]
fn a_record_without_a_category_needs_both_key_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        "{\"time\":\"2026-11-24T10:00:00Z\",\"properties\":{\"RunId\":\"r1\",\"Status\":\"Starting\"}}\n",
        "{\"time\":\"2026-11-24T10:00:01Z\",\"properties\":{\"RunId\":\"r1\"}}\n",
        "{\"time\":\"2026-11-24T10:00:02Z\",\"properties\":{\"Status\":\"Queued\"}}\n",
    ]
    .concat();
    let p = write(dir.path(), "d.jsonl", text.as_bytes());
    let (_, json) = audit_json(&[&p]);
    accounted(&json, 3);
    assert_eq!(json["summary"]["audited"], 1, "{}", json["summary"]);
    assert_eq!(
        json["summary"]["skipped_by_reason"],
        serde_json::json!({"no category, and no lifecycle's key and state fields": 2})
    );
}

/// The per-lifecycle summary counts exactly: records with the same time are applied in input
/// order (a run that goes back and forth within one second is clean), a step after the end
/// is a transition like any other, and late and open runs are counted as well as reported.
#[test]
fn the_lifecycle_summary_counts_ties_repeats_late_and_open_runs_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let at = |time: &str, run: &str, status: &str| {
        run_record(&format!("2026-11-24T{time}Z"), run, status)
    };
    let mut text = String::new();
    for s in [
        "Starting",
        "Queued",
        "Running",
        "NotResponding",
        "Running",
        "Completed",
    ] {
        text.push_str(&at("10:00:00", "t", s));
    }
    for (time, run, s) in [
        ("10:01:00", "after", "Starting"),
        ("10:01:01", "after", "Queued"),
        ("10:01:02", "after", "Running"),
        ("10:01:03", "after", "Completed"),
        ("10:01:04", "after", "Running"),
        ("10:02:00", "open", "Starting"),
        ("10:02:01", "open", "Queued"),
        ("10:10:00", "z", "Starting"),
        ("10:10:01", "z", "Queued"),
        ("10:10:02", "z", "Running"),
        // The same status again: a repeat, not a transition.
        ("10:10:02", "z", "Running"),
        ("10:10:03", "z", "Completed"),
    ] {
        text.push_str(&at(time, run, s));
    }
    // Nine minutes behind the records before it, with a window of one.
    text.push_str(&at("10:00:30", "late", "Starting"));
    let p = write(dir.path(), "d.jsonl", text.as_bytes());
    let (_, json) = audit_json(&[&p, "--reorder-window", "1m"]);
    accounted(&json, 19);
    assert_eq!(
        where_(&json),
        vec![
            ("event-after-terminal".into(), 11, "after".into()),
            ("late-record".into(), 19, "late".into()),
            ("open-at-end".into(), 13, "open".into()),
        ]
    );
    let run = &json["summary"]["by_lifecycle"]["run"];
    assert_eq!(
        (
            &run["events"],
            &run["entities"],
            &run["open_at_end"],
            &run["late"],
            &run["repeats"]
        ),
        (
            &serde_json::json!(18),
            &serde_json::json!(4),
            &serde_json::json!(1),
            &serde_json::json!(1),
            &serde_json::json!(1)
        ),
        "{run}"
    );
    assert_eq!(
        run["transitions"],
        serde_json::json!({
            "Starting->Queued": 4,
            "Queued->Running": 3,
            "Running->Completed": 3,
            "Running->NotResponding": 1,
            "NotResponding->Running": 1,
            "Completed->Running": 1,
        })
    );
}

/// A lifecycle's dwell limits: a stay longer than the limit is reported at the record that
/// entered the state; a stay of exactly the limit is not.
#[test]
fn dwell_limits_are_exceeded_only_past_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let rec = |time: &str, job: &str, phase: &str| {
        format!(
            "{{\"time\": \"2026-11-24T{time}Z\", \"category\": \"ContosoJobEvent\", \"properties\": {{\"JobKey\": \"{job}\", \"Phase\": \"{phase}\"}}}}\n"
        )
    };
    let text = [
        rec("10:00:00", "j1", "Pending"),
        rec("10:10:00", "j1", "Active"),
        rec("10:40:01", "j1", "Done"),
        rec("10:00:00", "j2", "Pending"),
        rec("10:10:01", "j2", "Active"),
        rec("10:40:01", "j2", "Done"),
        // Still open when the dump ends at 10:40:01: j3 past its limit, j4 exactly at it.
        rec("10:00:00", "j3", "Pending"),
        rec("10:05:00", "j4", "Pending"),
        rec("10:10:01", "j4", "Active"),
    ]
    .concat();
    let p = write(dir.path(), "contoso.jsonl", text.as_bytes());
    let (code, json) = audit_json(&[&p, "--lifecycle", "tests/fixtures/spark/lifecycle.yaml"]);
    assert_eq!(code, 0, "dwell findings are warnings");
    accounted(&json, 9);
    let got: Vec<(u64, &str, &str)> = named(&json, "dwell-exceeded")
        .into_iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["time"].as_str().unwrap_or("no time"),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    // Each is placed at the record and the time its entity entered the state.
    assert_eq!(
        got,
        vec![
            (
                4,
                "2026-11-24T10:00:00Z",
                "contoso-job `j2` stayed in Pending for 10m01s (limit 10m00s)"
            ),
            (
                2,
                "2026-11-24T10:10:00Z",
                "contoso-job `j1` stayed in Active for 30m01s (limit 30m00s)"
            ),
            (
                7,
                "2026-11-24T10:00:00Z",
                "contoso-job `j3` has been in Pending for 40m01s at the end of the dump (limit 10m00s)"
            ),
        ]
    );
}

/// An entity is let go once it is terminal and the reorder window has passed it: runs that end
/// one after the other are never all in memory at once.
#[test]
fn finished_entities_leave_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..300u32 {
        // Run i starts at minute 10·i and takes 3 minutes.
        for (k, status) in ["Starting", "Queued", "Running", "Completed"]
            .iter()
            .enumerate()
        {
            let t = i * 600 + k as u32 * 60;
            let time = format!(
                "2026-11-{:02}T{:02}:{:02}:00Z",
                1 + t / 86_400,
                t / 3600 % 24,
                t / 60 % 60
            );
            text.push_str(&run_record(&time, &format!("r{i}"), status));
        }
    }
    let p = write(dir.path(), "sequential.jsonl", text.as_bytes());
    let (code, json) = audit_json(&[&p]);
    assert_eq!(code, 0);
    accounted(&json, 1200);
    assert_eq!(json["summary"]["entities"], 300);
    // Within the default window of 1 h: about 7 runs.
    let peak = json["summary"]["peak_entities_in_flight"].as_u64().unwrap();
    assert!((6..=12).contains(&peak), "{peak}");
}

/// With no reorder window, a record at the very time a run ended still finds the run (it is
/// kept until time moves past its end): it is an event after the terminal state, not a new run.
#[test]
fn a_record_tied_with_the_end_is_after_terminal_even_without_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let rec = |time: &str, status: &str| run_record(&format!("2026-11-24T{time}Z"), "r1", status);
    let text = [
        rec("10:00:00", "Starting"),
        rec("10:01:00", "Queued"),
        rec("10:02:00", "Running"),
        rec("10:05:00", "Completed"),
        rec("10:05:00", "Running"),
        // Ended again later: kept until time passes that end too.
        rec("10:06:00", "Failed"),
        rec("10:06:00", "Running"),
    ]
    .concat();
    let p = write(dir.path(), "tie.jsonl", text.as_bytes());
    let (code, json) = audit_json(&[&p, "--reorder-window", "0"]);
    assert_eq!(code, 1);
    accounted(&json, 7);
    let after = |line| ("event-after-terminal".to_string(), line, "r1".to_string());
    assert_eq!(where_(&json), vec![after(5), after(6), after(7)]);
    assert_eq!(json["summary"]["entities"], 1);
}
