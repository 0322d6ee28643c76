//! Regression tests for reading the templates people deploy: numbers written as text, one
//! unreadable field never hiding its neighbours' checks (in every reader), reference chains of
//! any length and cycles, deeply nested resources, Azure Policy definitions, unresolved
//! targets, and broken parameter files. Each asserts the exact line and column.

mod common;

use common::{found, lint_json};

/// Writes `files` into a fresh directory; returns it (kept alive by the caller).
fn write(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// The 1-based line and column of the first occurrence of `marker` in `text`, plus `offset`
/// characters.
fn pos(text: &str, marker: &str, offset: usize) -> (u64, u64) {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` not in the text"))
        + offset;
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

fn lint(dir: &tempfile::TempDir, args: &[&str]) -> (i32, Vec<(String, u64, u64)>) {
    let mut full: Vec<String> = Vec::new();
    for a in args {
        let p = dir.path().join(a);
        full.push(if p.exists() {
            p.display().to_string()
        } else {
            a.to_string()
        });
    }
    let refs: Vec<&str> = full.iter().map(String::as_str).collect();
    let (code, json) = lint_json(&refs);
    (code, found(&json))
}

fn has(found: &[(String, u64, u64)], check: &str, at: (u64, u64)) -> bool {
    found
        .iter()
        .any(|(c, l, col)| c == check && (*l, *col) == at)
}

fn template(params: &str, variables: &str, properties: &str) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {{{params}}},
  "variables": {{{variables}}},
  "resources": [
    {{
      "type": "Microsoft.Insights/metricAlerts",
      "name": "rule",
      "properties": {{
        "scopes": ["/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws"],
        "evaluationFrequency": "PT5M",
        "windowSize": "PT5M",
{properties}
      }}
    }}
  ]
}}
"#
    )
}

#[test]
fn numbers_written_as_text_are_numbers_and_other_text_is_a_located_error() {
    let ok = template(
        r#""threshold": {"type": "string", "defaultValue": "0"}, "periods": {"type": "string", "defaultValue": "4"}, "sev": {"type": "string", "defaultValue": "2"}, "on": {"type": "string", "defaultValue": "true"}"#,
        "",
        r#"        "severity": "[parameters('sev')]",
        "enabled": "[parameters('on')]",
        "criteria": { "allOf": [
          { "metricName": "Failed Runs", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": "[parameters('threshold')]" },
          { "criterionType": "DynamicThresholdCriterion", "metricName": "Active Nodes", "timeAggregation": "Average", "operator": "GreaterThan", "alertSensitivity": "Medium",
            "failingPeriods": { "numberOfEvaluationPeriods": "[parameters('periods')]", "minFailingPeriodsToAlert": "3" } } ] }"#,
    );
    let dir = write(&[("ok.json", &ok)]);
    let (code, found) = lint(&dir, &["ok.json"]);
    assert_eq!(code, 0, "{found:?}");

    let bad = ok
        .replace(r#""defaultValue": "0""#, r#""defaultValue": "zero""#)
        .replace(
            r#""minFailingPeriodsToAlert": "3""#,
            r#""minFailingPeriodsToAlert": "x3""#,
        );
    let dir = write(&[("bad.json", &bad)]);
    let (code, found) = lint(&dir, &["bad.json"]);
    assert_eq!(code, 1);
    assert!(
        has(
            &found,
            "wrong-type",
            pos(&bad, r#""threshold": "[parameters"#, 13)
        ),
        "{found:?}"
    );
    assert!(
        has(&found, "wrong-type", pos(&bad, r#""x3""#, 0)),
        "{found:?}"
    );
}

#[test]
fn an_unreadable_field_hides_none_of_its_neighbours_in_arm() {
    let t = template(
        "",
        "",
        r#"        "severity": 3,
        "criteria": { "allOf": [
          { "metricName": "Failed Run", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": "lots" },
          { "metricName": "Model Deploy Failed", "timeAggregation": "Totl", "operator": "GreaterThan", "threshold": "lots",
            "dimensions": [ { "name": "DeviceId", "operator": "Include", "values": ["*"] } ] },
          { "metricName": "Failed Runs", "timeAggregation": "Total", "operator": "Bigger", "threshold": 0,
            "dimensions": [ { "name": "RunType", "operator": "Include", "values": ["Pipeline"] } ] } ] }"#,
    );
    let dir = write(&[("t.json", &t)]);
    let (_, found) = lint(&dir, &["t.json"]);
    for (check, marker, offset) in [
        ("unknown-metric", r#""Failed Run""#, 0),
        ("wrong-type", r#""lots""#, 0),
        ("invalid-value", r#""Totl""#, 0),
        ("dimension-not-applicable", r#""DeviceId""#, 0),
        ("invalid-value", r#""Bigger""#, 0),
        ("invalid-dimension-value", r#""Pipeline""#, 0),
    ] {
        assert!(
            has(&found, check, pos(&t, marker, offset)),
            "{check} at {marker}: {found:?}"
        );
    }
}

#[test]
fn an_unreadable_field_hides_none_of_its_neighbours_in_terraform_and_yaml() {
    let tf = r#"resource "azurerm_monitor_metric_alert" "a" {
  name     = "a"
  scopes   = ["/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws"]
  severity = 3

  criteria {
    metric_namespace = "Microsoft.MachineLearningServices/workspaces"
    metric_name      = "Model Deploy Failed"
    aggregation      = "Totl"
    operator         = "GreaterThan"
    threshold        = "lots"

    dimension {
      name     = "DeviceId"
      operator = "Include"
      values   = ["*"]
    }
  }
}
"#;
    let yaml = r#"rules:
  - name: a
    severity: 3
    criteria:
      - metric: Failed Runs
        aggregation: Totl
        operator: GreaterThan
        threshold: lots
        dimensions:
          - name: RunType
            values: [Pipeline]
"#;
    let dir = write(&[("main.tf", tf), ("rules.yaml", yaml)]);
    let (_, found) = lint(&dir, &["main.tf"]);
    assert!(
        has(
            &found,
            "dimension-not-applicable",
            pos(tf, "\"DeviceId\"", 0)
        ),
        "{found:?}"
    );
    assert!(
        has(&found, "wrong-type", pos(tf, "\"lots\"", 0)),
        "{found:?}"
    );
    let (_, found) = lint(&dir, &["rules.yaml"]);
    assert!(
        has(&found, "invalid-dimension-value", pos(yaml, "Pipeline", 0)),
        "{found:?}"
    );
    assert!(has(&found, "wrong-type", pos(yaml, "lots", 0)), "{found:?}");
}

#[test]
fn variable_chains_resolve_to_any_length_and_cycles_are_located() {
    let mut vars: Vec<String> = (0..12)
        .map(|i| format!(r#""v{i}": "[variables('v{}')]""#, i + 1))
        .collect();
    vars.push(r#""v12": "DeviceId""#.into());
    let t = template(
        "",
        &vars.join(", "),
        r#"        "severity": 3,
        "criteria": { "allOf": [
          { "metricName": "CpuUtilization", "timeAggregation": "Average", "operator": "GreaterThan", "threshold": 90,
            "dimensions": [ { "name": "[variables('v0')]", "operator": "Include", "values": ["*"] } ] } ] }"#,
    );
    let dir = write(&[("chain.json", &t)]);
    let (_, found) = lint(&dir, &["chain.json"]);
    assert!(
        has(
            &found,
            "dimension-not-applicable",
            pos(&t, "\"[variables('v0')]\"", 0)
        ),
        "{found:?}"
    );

    let t = template(
        r#""p": {"type": "int", "defaultValue": "[variables('a')]"}"#,
        r#""a": "[variables('b')]", "b": "[parameters('p')]""#,
        r#"        "severity": "[variables('a')]",
        "criteria": { "allOf": [
          { "metricName": "Failed Runs", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": 0 } ] }"#,
    );
    let dir = write(&[("cycle.json", &t)]);
    let (code, found) = lint(&dir, &["cycle.json"]);
    assert_eq!(code, 1);
    assert!(
        has(&found, "circular-reference", pos(&t, r#""severity": "#, 12)),
        "{found:?}"
    );
}

#[test]
fn an_alert_nested_deep_in_child_resources_is_seen() {
    // 17 levels was the old limit; the JSON parser's own nesting budget (64) bounds this.
    let depth = 25;
    let mut t = String::from(
        "{\n\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n\"resources\": [\n",
    );
    for i in 0..depth {
        t.push_str(&format!(
            "{{ \"type\": \"Microsoft.Storage/level{i}\", \"name\": \"n{i}\", \"resources\": [\n"
        ));
    }
    t.push_str(r#"{ "type": "Microsoft.Insights/metricAlerts", "name": "deep", "properties": { "severity": 3,
  "scopes": ["/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws"],
  "criteria": { "allOf": [ { "metricName": "Failed Runz", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": 0 } ] } } }
"#);
    for _ in 0..depth {
        t.push_str("] }\n");
    }
    t.push_str("]\n}\n");
    let dir = write(&[("deep.json", &t)]);
    let (_, json) = lint_json(&[dir.path().join("deep.json").to_str().unwrap()]);
    assert_eq!(json["summary"]["rules"], 1);
    assert!(has(
        &found(&json),
        "unknown-metric",
        pos(&t, "\"Failed Runz\"", 0)
    ));
}

const POLICY: &str = r#"{
  "mode": "All",
  "parameters": {
    "severity": { "type": "String", "defaultValue": "5" },
    "threshold": { "type": "String", "defaultValue": "0" }
  },
  "policyRule": {
    "if": { "field": "type", "equals": "Microsoft.MachineLearningServices/workspaces" },
    "then": {
      "effect": "deployIfNotExists",
      "details": {
        "type": "Microsoft.Insights/metricAlerts",
        "deployment": {
          "properties": {
            "mode": "incremental",
            "template": {
              "$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
              "contentVersion": "1.0.0.0",
              "parameters": { "resourceId": { "type": "String" }, "severity": { "type": "String" }, "threshold": { "type": "String" } },
              "resources": [
                {
                  "type": "Microsoft.Insights/metricAlerts",
                  "apiVersion": "2018-03-01",
                  "name": "failed-runs",
                  "properties": {
                    "severity": "[parameters('severity')]",
                    "scopes": [ "[parameters('resourceId')]" ],
                    "evaluationFrequency": "PT5M",
                    "windowSize": "PT5M",
                    "criteria": {
                      "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                      "allOf": [ { "name": "c", "metricName": "Failed Runz", "operator": "GreaterThan", "threshold": "[parameters('threshold')]", "timeAggregation": "Total", "criterionType": "StaticThresholdCriterion" } ]
                    }
                  }
                }
              ]
            },
            "parameters": {
              "resourceId": { "value": "[field('id')]" },
              "severity": { "value": "[parameters('severity')]" },
              "threshold": { "value": "[parameters('threshold')]" }
            }
          }
        }
      }
    }
  }
}
"#;

#[test]
fn policy_definitions_are_read_in_every_published_shape() {
    let wrapped = format!(
        "{{\"type\": \"Microsoft.Authorization/policyDefinitions\", \"name\": \"x\", \"properties\": {POLICY}}}"
    );
    let array = format!("[{wrapped}, {POLICY}]");
    let escaped = POLICY.replace("\"[parameters", "\"[[parameters");
    let dir = write(&[
        ("bare.json", POLICY),
        ("wrapped.json", &wrapped),
        ("array.json", &array),
        ("escaped.json", &escaped),
    ]);
    for (name, text, rules) in [
        ("bare.json", POLICY, 1),
        ("wrapped.json", wrapped.as_str(), 1),
        ("array.json", array.as_str(), 2),
        ("escaped.json", escaped.as_str(), 1),
    ] {
        let (code, json) = lint_json(&[dir.path().join(name).to_str().unwrap()]);
        assert_eq!(code, 1, "{name}");
        assert_eq!(json["summary"]["rules"], rules, "{name}");
        let found = found(&json);
        assert!(
            has(&found, "unknown-metric", pos(text, "\"Failed Runz\"", 0)),
            "{name}: {found:?}"
        );
        let sev = if name == "escaped.json" {
            "\"[[parameters('severity')]\""
        } else {
            "\"[parameters('severity')]\""
        };
        assert!(
            has(&found, "severity-out-of-range", pos(text, sev, 0)),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn an_unresolved_target_is_a_note_and_allowed_values_can_resolve_it() {
    let rule = |params: &str| {
        format!(
            r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {{ {params} }},
  "resources": [ {{
    "type": "Microsoft.Insights/metricAlerts", "name": "cpu",
    "properties": {{ "severity": 5, "scopes": ["[parameters('id')]"], "targetResourceType": "[parameters('type')]",
      "criteria": {{ "allOf": [ {{ "metricName": "CpuUsage", "timeAggregation": "Average", "operator": "GreaterThan", "threshold": 90,
        "dimensions": [ {{ "name": "containerName", "operator": "Include", "values": ["*"] }} ] }} ] }} }} }} ]
}}
"#
        )
    };
    let open = rule(r#""id": {"type": "string"}, "type": {"type": "string"}"#);
    let pinned = rule(
        r#""id": {"type": "string"}, "type": {"type": "string", "allowedValues": ["Microsoft.MachineLearningServices/workspaces"]}"#,
    );
    let typed = rule(
        r#""id": {"type": "string", "metadata": {"strongType": "Microsoft.MachineLearningServices/workspaces"}}, "type": {"type": "string"}"#,
    );
    let mixed = rule(
        r#""id": {"type": "string"}, "type": {"type": "string", "allowedValues": ["Microsoft.MachineLearningServices/workspaces", "Microsoft.ContainerInstance/containerGroups"]}"#,
    );
    // Allowed values of a scope are resource ids: two workspaces are one type.
    let ids = rule(
        r#""id": {"type": "string", "allowedValues": ["/subscriptions/0/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/a", "/subscriptions/0/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/b"]}, "type": {"type": "string"}"#,
    );
    // Allowed values that are not resource types, and a picker hint that is not one
    // (`location`, as Azure Policy writes it; a namespace alone), name no type.
    let words = rule(
        r#""id": {"type": "string"}, "type": {"type": "string", "allowedValues": ["workspaces", "workspaces"]}"#,
    );
    let picker = rule(
        r#""id": {"type": "string", "metadata": {"strongType": "location"}}, "type": {"type": "string"}"#,
    );
    let namespace = rule(
        r#""id": {"type": "string", "metadata": {"strongType": "Microsoft.MachineLearningServices"}}, "type": {"type": "string"}"#,
    );
    let dir = write(&[
        ("namespace.json", &namespace),
        ("open.json", &open),
        ("pinned.json", &pinned),
        ("typed.json", &typed),
        ("mixed.json", &mixed),
        ("ids.json", &ids),
        ("words.json", &words),
        ("picker.json", &picker),
    ]);
    for (name, text) in [
        ("words.json", &words),
        ("picker.json", &picker),
        ("namespace.json", &namespace),
    ] {
        let (code, found) = lint(&dir, &[name]);
        assert_eq!(code, 1, "{name}: {found:?}");
        assert_eq!(
            found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["severity-out-of-range", "unresolved-target"],
            "{name}"
        );
        assert!(
            has(&found, "unresolved-target", pos(text, "\"cpu\"", 0)),
            "{name}: {found:?}"
        );
    }
    let (_, found) = lint(&dir, &["ids.json"]);
    assert!(
        has(&found, "unknown-metric", pos(&ids, "\"CpuUsage\"", 0)),
        "{found:?}"
    );
    let (_, found) = lint(&dir, &["typed.json"]);
    assert!(
        has(&found, "unknown-metric", pos(&typed, "\"CpuUsage\"", 0)),
        "{found:?}"
    );
    let (_, found) = lint(&dir, &["mixed.json"]);
    assert!(
        has(&found, "unresolved-target", pos(&mixed, "\"cpu\"", 0)),
        "{found:?}"
    );
    assert!(!found.iter().any(|f| f.0 == "unknown-metric"), "{found:?}");
    let (_, found) = lint(&dir, &["open.json"]);
    let names: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert!(
        has(&found, "unresolved-target", pos(&open, "\"cpu\"", 0)),
        "{found:?}"
    );
    assert!(
        !names.contains(&"unknown-metric") && !names.contains(&"unknown-dimension"),
        "{found:?}"
    );
    assert!(
        has(&found, "severity-out-of-range", pos(&open, "5,", 0)),
        "schedule still checked: {found:?}"
    );
    let (_, found) = lint(&dir, &["pinned.json"]);
    assert!(
        has(&found, "unknown-metric", pos(&pinned, "\"CpuUsage\"", 0)),
        "{found:?}"
    );
}

#[test]
fn a_broken_parameter_file_is_reported_where_it_is_broken() {
    let t = template(
        r#""threshold": {"type": "int"}"#,
        "",
        r#"        "severity": 3,
        "criteria": { "allOf": [
          { "metricName": "Failed Runs", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": "[parameters('threshold')]" } ] }"#,
    );
    let not_json = "{ \"parameters\": { \"threshold\": { \"value\": 1 }\n";
    let list = "{ \"parameters\": [ { \"threshold\": 1 } ] }\n";
    let bare = "{ \"parameters\": { \"threshold\": 1, \"other\": { \"value\": 2 } } }\n";
    let good = "{ \"parameters\": { \"threshold\": { \"value\": \"1\" }, \"kv\": { \"reference\": { \"secretName\": \"s\" } } } }\n";
    let dir = write(&[
        ("t.json", &t),
        ("not-json.json", not_json),
        ("list.json", list),
        ("bare.json", bare),
        ("good.json", good),
    ]);
    let (code, found) = lint(&dir, &["t.json", "--parameters", "not-json.json"]);
    assert_eq!(code, 1);
    assert!(found.iter().any(|f| f.0 == "json-syntax"), "{found:?}");
    let (_, found) = lint(&dir, &["t.json", "--parameters", "list.json"]);
    assert!(has(&found, "wrong-type", pos(list, "[", 0)), "{found:?}");
    let (_, found) = lint(&dir, &["t.json", "--parameters", "bare.json"]);
    assert!(has(&found, "wrong-type", pos(bare, "1,", 0)), "{found:?}");
    let (code, found) = lint(&dir, &["t.json", "--parameters", "good.json"]);
    assert_eq!(code, 0, "{found:?}");
}

#[test]
fn a_wrongly_typed_parameter_value_is_reported_in_the_parameter_file() {
    let t = template(
        r#""threshold": {"type": "int"}"#,
        "",
        r#"        "severity": 3,
        "criteria": { "allOf": [
          { "metricName": "Failed Runz", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": "[parameters('threshold')]" } ] }"#,
    );
    let params = "{\n  \"parameters\": {\n    \"threshold\": { \"value\": \"lots\" }\n  }\n}\n";
    let dir = write(&[("t.json", &t), ("p.json", params)]);
    let (code, json) = lint_json(&[
        dir.path().join("t.json").to_str().unwrap(),
        "--parameters",
        dir.path().join("p.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let findings = json["findings"].as_array().unwrap();
    let wrong = findings
        .iter()
        .find(|f| f["name"] == "wrong-type")
        .expect("wrong-type");
    assert!(
        wrong["file"].as_str().unwrap().ends_with("p.json"),
        "{wrong}"
    );
    assert_eq!(
        (wrong["line"].as_u64(), wrong["column"].as_u64()),
        (Some(3), Some(29))
    );
    let related = &wrong["related"][0];
    assert!(
        related["file"].as_str().unwrap().ends_with("t.json"),
        "{wrong}"
    );
    let (line, col) = pos(&t, "\"[parameters('threshold')]\"", 0);
    assert_eq!(
        (related["line"].as_u64(), related["column"].as_u64()),
        (Some(line), Some(col))
    );
    let at = pos(&t, "\"Failed Runz\"", 0);
    assert!(
        findings.iter().any(|f| f["name"] == "unknown-metric"
            && (f["line"].as_u64(), f["column"].as_u64()) == (Some(at.0), Some(at.1))),
        "the criterion's other checks still run"
    );
}

#[test]
fn a_policy_definition_computed_by_an_expression_is_noted_not_skipped_in_silence() {
    let t = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
  "variables": { "defs": "[json(loadTextContent('alerts.json'))]" },
  "resources": [
    {
      "type": "Microsoft.Authorization/policyDefinitions",
      "name": "[variables('defs')[copyIndex()].name]",
      "copy": { "name": "defs", "count": "[length(variables('defs'))]" },
      "properties": {
        "policyRule": "[variables('defs')[copyIndex()].properties.policyRule]"
      }
    }
  ]
}
"#;
    let dir = write(&[("t.json", t)]);
    // No rule is read, so without --allow-empty the run is an error (exit 2) on top of the note.
    let (code, _) = lint(&dir, &["t.json"]);
    assert_eq!(code, 2);
    let (code, found) = lint(&dir, &["t.json", "--allow-empty"]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        vec![(
            "unresolved-expression".to_string(),
            pos(t, "\"[variables('defs')[copyIndex()].properties", 0).0,
            pos(t, "\"[variables('defs')[copyIndex()].properties", 0).1
        )]
    );
}

#[test]
fn an_unreadable_dimension_operator_hides_neither_its_name_nor_its_values() {
    let t = template(
        "",
        "",
        r#"        "severity": 3,
        "criteria": { "allOf": [
          { "metricName": "Model Deploy Failed", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": 0,
            "dimensions": [ { "name": "DeviceId", "operator": "Inclde", "values": ["*"] } ] },
          { "metricName": "Failed Runs", "timeAggregation": "Total", "operator": "GreaterThan", "threshold": 0,
            "dimensions": [ { "name": "RunType", "operator": 7, "values": ["Pipeline"] } ] } ] }"#,
    );
    let dir = write(&[("t.json", &t)]);
    let (_, found) = lint(&dir, &["t.json"]);
    for (check, marker) in [
        ("invalid-value", r#""Inclde""#),
        ("dimension-not-applicable", r#""DeviceId""#),
        ("invalid-value", "7,"),
        ("invalid-dimension-value", r#""Pipeline""#),
    ] {
        assert!(
            has(&found, check, pos(&t, marker, 0)),
            "{check} at {marker}: {found:?}"
        );
    }
}

/// The type a policy applies to (`"field": "type", "equals": T`) is its alert's target, at the
/// top of its `if` or in an `allOf`, as the Azure Monitor Baseline Alerts write it; a type
/// given by an expression is no type.
#[test]
fn a_policy_targets_the_type_its_condition_names() {
    let condition =
        r#""if": { "field": "type", "equals": "Microsoft.MachineLearningServices/workspaces" }"#;
    assert!(POLICY.contains(condition));
    let all_of = POLICY.replace(
        condition,
        r#""if": { "allOf": [ { "field": "location", "equals": "westeurope" }, { "field": "type", "equals": "Microsoft.MachineLearningServices/workspaces" } ] }"#,
    );
    let computed = POLICY.replace(
        condition,
        r#""if": { "field": "type", "equals": "[parameters('type')]" }"#,
    );
    let dir = write(&[("all_of.json", &all_of), ("computed.json", &computed)]);
    let (code, found) = lint(&dir, &["all_of.json"]);
    assert_eq!(code, 1, "{found:?}");
    assert!(
        has(&found, "unknown-metric", pos(&all_of, "\"Failed Runz\"", 0)),
        "{found:?}"
    );
    let (code, found) = lint(&dir, &["computed.json"]);
    assert_eq!(code, 1, "{found:?}");
    assert!(
        has(
            &found,
            "unresolved-target",
            pos(&computed, "\"failed-runs\"", 0)
        ),
        "{found:?}"
    );
    assert!(!found.iter().any(|f| f.0 == "unknown-metric"), "{found:?}");
}
