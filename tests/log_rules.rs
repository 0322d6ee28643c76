//! Log alert rules through the real binary: every place the ARM reader finds them (policy
//! `deployIfNotExists`, nested deployments, variables), hostile queries, and the separation of
//! metric and log checks.

mod common;

use common::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// (line, column) of the first `needle` in `text`, 1-based, in characters.
fn pos(text: &str, needle: &str) -> (u64, u64) {
    pos_nth(text, needle, 0)
}

/// (line, column) of the `nth` (from 0) `needle` in `text`.
fn pos_nth(text: &str, needle: &str, nth: usize) -> (u64, u64) {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} not {nth} times in text"))
        .0;
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

/// The finding `name` at the `nth` (from 0) `needle` in `text`, as [`found`] lists findings.
fn finding_at(text: &str, name: &str, needle: &str, nth: usize) -> (String, u64, u64) {
    let (line, col) = pos_nth(text, needle, nth);
    (name.to_string(), line, col)
}

fn has(json: &serde_json::Value, name: &str, (line, col): (u64, u64)) -> bool {
    found(json)
        .iter()
        .any(|(n, l, c)| n == name && *l == line && *c == col)
}

const RULE: &str = r#"{
  "type": "Microsoft.Insights/scheduledQueryRules",
  "apiVersion": "2023-03-15-preview",
  "name": "failed-jobs",
  "kind": "LogAlert",
  "properties": {
    "severity": 2,
    "evaluationFrequency": "PT5M",
    "windowSize": "PT15M",
    "criteria": {
      "allOf": [
        {
          "query": "AmlComputeJobEvent\n| where EventType == \"JobFaild\"\n| summarize Failed = count() by ClusterName, bin(TimeGenerated, 15m)",
          "timeAggregation": "Total",
          "metricMeasureColumn": "Failed",
          "operator": "GreaterThan",
          "threshold": 0
        }
      ]
    }
  }
}"#;

#[test]
fn a_log_rule_in_a_policy_definition_is_checked_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{
  "properties": {{
    "displayName": "Deploy a failed-jobs alert",
    "policyType": "Custom",
    "mode": "All",
    "parameters": {{}},
    "policyRule": {{
      "if": {{"field": "type", "equals": "Microsoft.MachineLearningServices/workspaces"}},
      "then": {{
        "effect": "deployIfNotExists",
        "details": {{
          "type": "Microsoft.Insights/scheduledQueryRules",
          "deployment": {{
            "properties": {{
              "mode": "incremental",
              "template": {{
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "resources": [{RULE}]
              }}
            }}
          }}
        }}
      }}
    }}
  }}
}}"#
    );
    let p = write(dir.path(), "policy.json", &text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["summary"]["rules"], 1);
    assert!(
        has(&json, "unknown-column-value", pos(&text, r#"\"JobFaild\""#)),
        "{json}"
    );
}

#[test]
fn a_log_rule_in_a_nested_deployment_and_a_query_in_a_variable() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "variables": {{
    "nodes": "AmlComputeClusterEvent | summarize Unusable = max(UnusableNodeCnt) by ClusterName, bin(TimeGenerated, 5m)"
  }},
  "resources": [
    {{
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "inner",
      "properties": {{
        "mode": "Incremental",
        "template": {{
          "resources": [{RULE}]
        }}
      }}
    }},
    {{
      "type": "Microsoft.Insights/scheduledQueryRules",
      "apiVersion": "2021-08-01",
      "name": "unusable-nodes",
      "properties": {{
        "severity": 2,
        "evaluationFrequency": "PT5M",
        "windowSize": "PT5M",
        "criteria": {{"allOf": [{{
          "query": "[variables('nodes')]",
          "timeAggregation": "Maximum",
          "metricMeasureColumn": "Unusable",
          "operator": "Equals",
          "threshold": 0
        }}]}}
      }}
    }},
    {{
      "type": "Microsoft.Insights/metricAlerts",
      "apiVersion": "2018-03-01",
      "name": "failed-jobs",
      "properties": {{
        "severity": 2,
        "evaluationFrequency": "PT5M",
        "windowSize": "PT15M",
        "criteria": {{"odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          "allOf": [{{"name": "c", "metricName": "Failed Runs", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": 0}}]}}
      }}
    }}
  ]
}}"#
    );
    let p = write(dir.path(), "nested.json", &text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    // Two log rules and a metric rule; the metric and the log rule share a name legitimately.
    assert_eq!(json["summary"]["rules"], 3, "{json}");
    assert!(
        has(&json, "unknown-column-value", pos(&text, r#"\"JobFaild\""#)),
        "{json}"
    );
    // The finding is where the query is written: in the variable.
    assert!(
        has(&json, "unknown-column", pos(&text, "UnusableNodeCnt")),
        "{json}"
    );
    let (l, c) = pos(&text, r#""Equals""#);
    assert!(has(&json, "log-operator-spelling", (l, c)), "{json}");
    assert!(
        !found(&json)
            .iter()
            .any(|(n, _, _)| n == "duplicate-rule-name"),
        "{json}"
    );
}

#[test]
fn metric_checks_never_run_on_a_log_rule() {
    let dir = tempfile::tempdir().unwrap();
    let text = "rules:\n  - name: r\n    severity: 7\n    frequency: PT10M\n    window: PT10M\n    criteria:\n      - query: AmlComputeJobEvent | where EventType == \"JobFailed\"\n        aggregation: Count\n        operator: '>'\n        threshold: 0\n";
    let p = write(dir.path(), "r.yaml", text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1);
    // PT10M is a log alert frequency and window, not a metric alert one: no invalid-frequency.
    assert_eq!(
        found(&json),
        vec![("severity-out-of-range".to_string(), 3, 15)],
        "{json}"
    );
}

#[test]
fn hostile_queries_are_located_findings_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let huge = format!(
        "AmlComputeJobEvent{}",
        " | where EventType == \"JobFailed\"".repeat(20_000)
    );
    let cases = [
        ("nul.json", "AmlComputeJobEvent \\u0000 | where".to_string()),
        (
            "unclosed.json",
            "AmlComputeJobEvent | where EventType == \\\"".to_string(),
        ),
        ("huge.json", huge.replace('"', "\\\"")),
        (
            "deep.json",
            format!("{}1{}", "(".repeat(5000), ")".repeat(5000)),
        ),
        (
            "bidi.json",
            "AmlComputeJobEvent | where EventType == \\\"\u{202e}JobFailed\\\"".to_string(),
        ),
    ];
    for (name, q) in cases {
        let text = format!(
            "{{\"resources\": [{{\"type\": \"Microsoft.Insights/scheduledQueryRules\", \"name\": \"r\", \"properties\": {{\"criteria\": {{\"allOf\": [{{\"query\": \"{q}\", \"timeAggregation\": \"Count\", \"operator\": \"Equal\", \"threshold\": 0}}]}}}}}}]}}"
        );
        let p = write(dir.path(), name, &text);
        let out = amlguard()
            .args(["--no-config", "lint", "--format", "json", &p])
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1)), "{name}: {code:?}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["summary"]["rules"], 1, "{name}");
        for f in json["findings"].as_array().unwrap() {
            assert!(f["line"].as_u64().unwrap() >= 1, "{name}: {f}");
        }
    }
    // A truncated template is one located JSON error.
    let cut = &RULE[..RULE.find("JobFaild").unwrap()];
    let p = write(dir.path(), "cut.json", &format!("{{\"resources\": [{cut}"));
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1);
    assert_eq!(found(&json).len(), 1, "{json}");
    assert_eq!(found(&json)[0].0, "json-syntax");
}

#[test]
fn sarif_and_github_outputs_place_a_query_finding_inside_the_string() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{{\"resources\": [{RULE}]}}");
    let p = write(dir.path(), "t.json", &text);
    let (line, col) = pos(&text, r#"\"JobFaild\""#);
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "sarif", &p])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "SARIF's findings are in the file"
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            r["ruleId"] == "AML705" && region["startLine"] == line && region["startColumn"] == col
        }),
        "{sarif}"
    );
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "github", &p])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let gh = String::from_utf8(out.stdout).unwrap();
    assert!(gh.contains(&format!("line={line},col={col},")), "{gh}");
}

#[test]
fn a_deprecated_table_is_a_warning_and_a_plain_column_name_stays_as_written() {
    let dir = tempfile::tempdir().unwrap();
    // `N` and `on` are booleans to a YAML 1.1 reader; as column names they are text.
    let text = "rules:\n  - name: r\n    frequency: PT5M\n    window: PT5M\n    criteria:\n      - query: AmlComputeClusterNodeEvent | summarize N = count() by on = bin(TimeGenerated, 5m)\n        aggregation: Total\n        measure-column: N\n        resource-id-column: on\n        operator: '>'\n        threshold: 0\n";
    let p = write(dir.path(), "dep.yaml", text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        found(&json),
        vec![("deprecated-source".to_string(), 6, 16)],
        "{json}"
    );
}

#[test]
fn other_log_analytics_tables_are_a_note_but_a_misspelt_aml_table_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rule = |query: &str| {
        format!(
            "rules:\n  - name: r\n    severity: 2\n    frequency: PT5M\n    window: PT5M\n    criteria:\n      - query: {query}\n        aggregation: Count\n        operator: '>'\n        threshold: 0\n"
        )
    };
    // `Event` shares a word with AmlComputeClusterEvent but is Windows' event log table.
    let p = write(
        dir.path(),
        "other.yaml",
        &rule("union Event, Syslog | where TimeGenerated > ago(1h)"),
    );
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        found(&json),
        vec![("not-an-aml-query".to_string(), 7, 22)],
        "{json}"
    );
    // A few edits from an Azure ML table: a typo, reported as one.
    let p = write(
        dir.path(),
        "typo.yaml",
        &rule("AmlComputeJobEvnt | where EventType == \"JobFailed\""),
    );
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        found(&json),
        vec![("unknown-table".to_string(), 7, 16)],
        "{json}"
    );
}

/// A log rule's literal name is its name (two rules of one name are a duplicate); a name that
/// is an unresolved expression is reported once as such and never compared. A rule without
/// `criteria` is still a rule of the modern API, not a legacy one, and is counted.
#[test]
fn log_rule_names_and_a_rule_without_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let named = |name: &str| RULE.replace("\"failed-jobs\"", name);
    let no_criteria = r#"{
  "type": "Microsoft.Insights/scheduledQueryRules",
  "apiVersion": "2023-03-15-preview",
  "name": "no-criteria",
  "properties": {"severity": 2, "evaluationFrequency": "PT5M", "windowSize": "PT15M"}
}"#;
    let text = format!(
        "{{\"resources\": [{}, {}, {}, {}, {no_criteria}]}}",
        named("\"failed-jobs\""),
        named("\"failed-jobs\""),
        named("\"[parameters('n')]\""),
        named("\"[parameters('n')]\""),
    );
    let p = write(dir.path(), "names.json", &text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["summary"]["rules"], 5, "{json}");
    let at = |name: &str, needle: &str, nth: usize| finding_at(&text, name, needle, nth);
    let mut got: Vec<(String, u64, u64)> = found(&json)
        .into_iter()
        .filter(|(n, _, _)| n != "unknown-column-value")
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            at("duplicate-rule-name", "\"failed-jobs\"", 1),
            at("unresolved-expression", "\"[parameters('n')]\"", 0),
            at("unresolved-expression", "\"[parameters('n')]\"", 1),
        ],
        "{json}"
    );
}

/// A rule of the legacy API (2018-04-16) is reported as legacy, and its query (`source.query`)
/// is still checked, at its place in the file.
#[test]
fn a_legacy_rule_is_reported_and_its_query_checked() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{
  "resources": [{
    "type": "Microsoft.Insights/scheduledQueryRules",
    "apiVersion": "2018-04-16",
    "name": "legacy-failed-jobs",
    "location": "eastus",
    "properties": {
      "enabled": "true",
      "source": {
        "query": "AmlComputeJobEvnt | where EventType == \"JobFailed\"",
        "dataSourceId": "[parameters('workspace')]",
        "queryType": "ResultCount"
      },
      "schedule": {"frequencyInMinutes": 15, "timeWindowInMinutes": 60},
      "action": {
        "odata.type": "Microsoft.WindowsAzure.Management.Monitoring.Alerts.Models.Microsoft.AppInsights.Nexus.DataContracts.Resources.ScheduledQueryRules.AlertingAction",
        "severity": "2",
        "trigger": {"thresholdOperator": "GreaterThan", "threshold": 0}
      }
    }
  }]
}"#;
    let p = write(dir.path(), "legacy.json", text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["summary"]["rules"], 1, "{json}");
    let mut got = found(&json);
    got.sort();
    let at = |name: &str, needle: &str| finding_at(text, name, needle, 0);
    assert_eq!(
        got,
        vec![
            at("legacy-log-alert-api", "\"2018-04-16\""),
            at("unknown-table", "AmlComputeJobEvnt"),
        ],
        "{json}"
    );
}

/// `az monitor scheduled-query update` changes a rule created earlier in the script: it is no
/// second rule of that name. A second `create` of the name is.
#[test]
fn an_update_of_a_rule_is_no_second_definition() {
    let dir = tempfile::tempdir().unwrap();
    let text = "az monitor scheduled-query create -n failed-jobs -g rg --scopes $WS --condition \"count 'P' > 0\" --condition-query P='AmlComputeJobEvent | where EventType == \"JobFailed\"' --evaluation-frequency 5m --window-size 15m --severity 2\n\
az monitor scheduled-query update -n failed-jobs -g rg --severity 1\n\
az monitor scheduled-query update -n failed-jobs -g rg --window-size 7m\n\
az monitor scheduled-query create -n failed-jobs -g rg --scopes $WS --condition \"count 'P' > 0\" --condition-query P='AmlComputeJobEvent | take 1'\n";
    let p = write(dir.path(), "deploy.sh", text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["summary"]["rules"], 4, "{json}");
    let mut got = found(&json);
    got.sort();
    assert_eq!(
        got,
        vec![
            finding_at(text, "duplicate-rule-name", "failed-jobs", 3),
            finding_at(text, "invalid-log-window", "7m", 0),
        ],
        "{json}"
    );
}
