//! Log alert rules from Terraform source, a Terraform plan, bash and PowerShell, through the
//! real binary: the same rule (a misspelt `EventType` value) lints alike from each, with the
//! finding at the misspelt value's own line and column in that file; broken and hostile copies
//! of each source give located findings, never a crash.

mod common;

use common::{amlguard, found, lint_json, root};

const FIXTURES: &[(&str, &str)] = &[
    ("tests/fixtures/logsrc/failed-jobs.tf", "\"JobFaild\""),
    ("tests/fixtures/logsrc/failed-jobs.sh", "\"JobFaild\""),
    ("tests/fixtures/logsrc/failed-jobs.ps1", "`\"JobFaild`\""),
];

/// 1-based line and column (in characters) of the first occurrence of `needle`.
fn position(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).expect("needle in the fixture");
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

#[test]
fn the_same_log_rule_lints_alike_from_every_source() {
    for (path, needle) in FIXTURES {
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        let (code, json) = lint_json(&[path]);
        assert_eq!(code, 1, "{path}: {json}");
        assert_eq!(json["summary"]["rules"], 1, "{path}");
        let (line, column) = position(&text, needle);
        assert_eq!(
            found(&json),
            [("unknown-column-value".to_string(), line, column)],
            "{path}"
        );
        let f = &json["findings"][0];
        assert_eq!(
            &text[f["offset"].as_u64().unwrap() as usize..][..needle.len()],
            *needle,
            "{path}: the finding spans the value as written"
        );
    }
}

#[test]
fn a_plan_gives_the_same_finding_inside_its_json_string() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"azurerm_monitor_scheduled_query_rules_alert_v2.failed_jobs","type":"azurerm_monitor_scheduled_query_rules_alert_v2","name":"failed_jobs","values":{"name":"aml-failed-jobs","evaluation_frequency":"PT5M","window_duration":"PT15M","severity":2,"auto_mitigation_enabled":false,"mute_actions_after_alert_duration":null,"criteria":[{"query":"AmlComputeJobEvent\n| where EventType == \"JobFaild\"\n| summarize Failed = count() by ClusterName\n","time_aggregation_method":"Total","metric_measure_column":"Failed","resource_id_column":null,"operator":"GreaterThan","threshold":0,"dimension":[{"name":"ClusterName","operator":"Include","values":["*"]}],"failing_periods":[]}]}}]}}}"#,
    )
    .unwrap();
    let text = std::fs::read_to_string(&plan).unwrap();
    let (code, json) = lint_json(&[plan.to_str().unwrap()]);
    assert_eq!(code, 1, "{json}");
    let (line, column) = position(&text, "\\\"JobFaild\\\"");
    assert_eq!(
        found(&json),
        [("unknown-column-value".to_string(), line, column)]
    );
}

#[test]
fn condition_errors_and_placeholders_are_located_in_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("alerts.sh");
    let text = "az monitor scheduled-query create -n a \\\n  --condition \"total 'Failed' from 'Placeholder_1' => 0\" \\\n  --condition-query Placeholder_1='AmlComputeJobEvent | summarize Failed = count()'\naz monitor scheduled-query create -n b --condition \"count 'Placeholder_3' > 0\" --condition-query Placeholder_1='AmlComputeJobEvent'\n";
    std::fs::write(&script, text).unwrap();
    let (code, json) = lint_json(&[script.to_str().unwrap()]);
    assert_eq!(code, 1, "{json}");
    let (l1, c1) = position(text, "=> 0");
    let (l2, c2) = position(text, "Placeholder_3");
    assert_eq!(
        found(&json),
        [
            ("condition-syntax".to_string(), l1, c1),
            ("unknown-query-placeholder".to_string(), l2, c2),
        ]
    );
    assert_eq!(json["findings"][1]["help"], "did you mean `Placeholder_1`?");
}

#[test]
fn cut_and_garbled_copies_give_located_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    for (path, _) in FIXTURES {
        let text = std::fs::read(root().join(path)).unwrap();
        let ext = path.rsplit('.').next().unwrap();
        for (n, cut) in (0..text.len()).step_by(23).enumerate() {
            let mut bytes = text[..cut].to_vec();
            if n % 2 == 1 {
                bytes.extend_from_slice(b"\"\\\x00\xff`${");
            }
            let copy = dir.path().join(format!("{n}.{ext}"));
            std::fs::write(&copy, &bytes).unwrap();
            let out = amlguard()
                .args(["--no-config", "lint", "--format", "json"])
                .arg(&copy)
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0..=2)),
                "{path} cut at {cut}: {code:?} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let json: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{path} cut at {cut}: not JSON: {e}"));
            for f in json["findings"].as_array().unwrap() {
                let (offset, length) = (f["offset"].as_u64(), f["length"].as_u64());
                if let (Some(o), Some(l)) = (offset, length) {
                    assert!((o + l) as usize <= bytes.len(), "{path} cut at {cut}: {f}");
                }
            }
        }
    }
}
