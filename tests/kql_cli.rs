//! `amlguard lint --query` and `.kql` files, through the real binary, with hostile input.

mod common;

use common::*;

#[test]
fn a_query_from_the_shell_is_checked_at_columns_of_the_query() {
    let (code, json) = lint_json(&[
        "--query",
        "AmlComputeJobEvent | where EventType == 'JobFaild' | summarize count() by ClustrName",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&json),
        vec![
            ("unknown-column".to_string(), 1, 75),
            ("unknown-column-value".to_string(), 1, 41),
        ]
    );
    let help = json["findings"][1]["help"]
        .as_str()
        .unwrap_or_default()
        .to_string()
        + json["findings"][0]["help"].as_str().unwrap_or_default();
    assert!(help.contains("JobFailed"), "{help}");
    assert!(help.contains("ClusterName"), "{help}");
}

#[test]
fn several_queries_each_get_their_own_source() {
    let out = amlguard()
        .args(["--no-config", "lint", "--color", "never"])
        .args(["--query", "AmlComputeJobEvents | take 1"])
        .args([
            "--query",
            "AmlRunStatusChangedEvent | where Status == 'failed'",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("<query 1>:1:1"), "{text}");
    assert!(text.contains("<query 2>:1:44"), "{text}");
    assert!(text.contains("=~"), "{text}");
    assert!(text.contains("in 2 queries (0 rules)"), "{text}");
}

#[test]
fn a_clean_query_exits_zero() {
    let (code, json) = lint_json(&[
        "--query",
        "AmlComputeJobEvent\n| where TimeGenerated > ago(1h) and EventType == \"JobFailed\"\n| summarize Failed = count() by ClusterName, bin(TimeGenerated, 5m)\n| render timechart",
    ]);
    assert_eq!(found(&json), vec![]);
    assert_eq!(code, 0);
}

#[test]
fn binary_and_truncated_kql_files_give_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin.kql");
    std::fs::write(&bin, [0xffu8, 0x00, 0x41, 0x7c]).unwrap();
    let cut = dir.path().join("cut.kql");
    std::fs::write(&cut, "AmlComputeJobEvent | where EventType == \"JobFa").unwrap();
    let (code, json) = lint_json(&[bin.to_str().unwrap(), cut.to_str().unwrap()]);
    assert_eq!(code, 1);
    let names: Vec<String> = found(&json).into_iter().map(|f| f.0).collect();
    assert!(names.contains(&"invalid-utf8".to_string()), "{names:?}");
    assert!(names.contains(&"query-syntax".to_string()), "{names:?}");
}

#[test]
fn huge_and_deeply_nested_queries_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.kql");
    let mut q = String::from("AmlComputeJobEvent");
    for i in 0..20_000 {
        q.push_str(&format!(
            "\n| where EventType != \"JobFailed\" or JobName == \"j{i}\""
        ));
    }
    std::fs::write(&long, &q).unwrap();
    let deep = dir.path().join("deep.kql");
    std::fs::write(
        &deep,
        format!(
            "AmlComputeJobEvent | where {}1{}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
    )
    .unwrap();
    let (code, json) = lint_json(&[long.to_str().unwrap(), deep.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&json),
        vec![("query-syntax".to_string(), 1, 91)],
        "the nesting limit is reported once, where it is reached"
    );
}

#[test]
fn kql_comments_suppress_findings_and_emptiness_tests_are_not_values() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("q.kql");
    std::fs::write(
        &f,
        "AmlComputeJobEvent\n// amlguard: ignore[unknown-column] column added by a transformation\n| where CustomCol == 1\n| where EventType != \"\" and ExecutionState != \"queued\"\n",
    )
    .unwrap();
    let (code, json) = lint_json(&[f.to_str().unwrap()]);
    assert_eq!(
        found(&json),
        vec![("unknown-column-value".to_string(), 4, 47)]
    );
    assert_eq!(code, 1);
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`!=` compares case-sensitively")
    );
}
