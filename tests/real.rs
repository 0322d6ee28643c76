//! The corpus of real, published alert definitions in `tests/real/` (origins and licences in
//! `tests/real/SOURCES.md`): every rule in every file is seen, none gets an error, and a copy
//! of a file with one planted mistake gets the finding at the planted line and column. The
//! copies are made here at run time by a textual edit, so the corpus stays byte-for-byte as
//! published.

mod common;

use common::{amlguard, root};

/// Each file of the corpus and the number of metric alerts it holds, counted by hand (a
/// policy set definition references its members by id and holds none itself; a parameter
/// file holds values, not rules).
const CORPUS: &[(&str, u64)] = &[
    // Documentation: its `hcl` examples are linted (see `lintable`).
    (
        "terraform-provider-azurerm/website/docs/r/monitor_metric_alert.html.markdown",
        1,
    ),
    // Log alerts (scheduled query rules).
    (
        "azure-cli-extensions/src/scheduled-query/azext_scheduled_query/_help.py",
        2,
    ),
    (
        "terraform-provider-azurerm/website/docs/r/monitor_scheduled_query_rules_alert_v2.html.markdown",
        1,
    ),
    (
        "terraform-provider-azurerm/website/docs/r/monitor_scheduled_query_rules_alert.html.markdown",
        2,
    ),
    (
        "azure-quickstart-templates/quickstarts/microsoft.insights/monitoring-static-metric-alert/azuredeploy.json",
        1,
    ),
    (
        "azure-quickstart-templates/quickstarts/microsoft.insights/monitoring-static-metric-alert/azuredeploy.parameters.json",
        0,
    ),
    (
        "azure-quickstart-templates/quickstarts/microsoft.insights/monitoring-dynamic-metric-alert/azuredeploy.json",
        1,
    ),
    (
        "azure-quickstart-templates/quickstarts/microsoft.insights/monitoring-dynamic-metric-alert/azuredeploy.parameters.json",
        0,
    ),
    (
        "azure-monitor-baseline-alerts/patterns/alz/alzArm.param.json",
        0,
    ),
    (
        "azure-monitor-baseline-alerts/patterns/alz4Subs/alzArm4Subs.param.json",
        0,
    ),
    (
        "azure-monitor-baseline-alerts/patterns/avs/avsArm.param.json",
        0,
    ),
    ("azure-terraform-metricalerts/main.tf", 0),
    ("azure-terraform-metricalerts/stg-alerts/main.tf", 1),
    (
        "azure-monitor-baseline-alerts/patterns/alz/policySetDefinitions/Deploy-Identity-Alerts.json",
        0,
    ),
    (
        "azure-monitor-baseline-alerts/patterns/alz/policySetDefinitions/Deploy-Storage-Alerts.json",
        0,
    ),
    (
        "azure-monitor-baseline-alerts/services/AVS/privateClouds/templates/policy/CPUCritical_bb83ae53-3b91-49ff-a351-9545ea747335.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/AVS/privateClouds/templates/policy/DiskUsedPercentage_23ac19cb-5eff-4cfa-9817-93466e1a94f7.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/Automation/automationAccounts/templates/policy/TotalUpdateDeploymentMachineRuns_49e7f58f-4910-4d2f-8589-573e8a65c6dd.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/Compute/virtualMachineScaleSets/templates/arm/DiskReadOperationsSec_ea8be16a-f5e9-4a8b-a1df-a8c5efff039b.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/Compute/virtualMachineScaleSets/templates/arm/DiskWriteOperationsSec_dce1cda8-1dab-4941-b607-1d5d449709d5.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/Compute/virtualMachineScaleSets/templates/policy/DiskReadOperationsSec_ea8be16a-f5e9-4a8b-a1df-a8c5efff039b.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/arm/CpuUsage_970af9d6-9212-420d-af7b-4fbd790a2596.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/arm/MemoryUsage_4758386e-12ee-411a-9e49-445b5c5c3051.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/arm/NetworkBytesReceivedPerSecond_8beff742-9cd8-43ed-9680-57ae35bee6e8.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/arm/NetworkBytesTransmittedPerSecond_5b26b965-2662-4a89-9d7e-771486357f39.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm-subscription/CpuUsage_970af9d6-9212-420d-af7b-4fbd790a2596.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm-subscription/MemoryUsage_4758386e-12ee-411a-9e49-445b5c5c3051.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm-subscription/NetworkBytesReceivedPerSecond_8beff742-9cd8-43ed-9680-57ae35bee6e8.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm-subscription/NetworkBytesTransmittedPerSecond_5b26b965-2662-4a89-9d7e-771486357f39.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm/CpuUsage_970af9d6-9212-420d-af7b-4fbd790a2596.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm/MemoryUsage_4758386e-12ee-411a-9e49-445b5c5c3051.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm/NetworkBytesReceivedPerSecond_8beff742-9cd8-43ed-9680-57ae35bee6e8.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy-arm/NetworkBytesTransmittedPerSecond_5b26b965-2662-4a89-9d7e-771486357f39.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy/CpuUsage_970af9d6-9212-420d-af7b-4fbd790a2596.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy/MemoryUsage_4758386e-12ee-411a-9e49-445b5c5c3051.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy/NetworkBytesReceivedPerSecond_8beff742-9cd8-43ed-9680-57ae35bee6e8.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/ContainerInstance/containerGroups/templates/policy/NetworkBytesTransmittedPerSecond_5b26b965-2662-4a89-9d7e-771486357f39.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm/ModelDeployFailed_0337a76f-238e-4d4d-9cd1-48b205874dbb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm/NotRespondingRuns_d3b80f22-9f1d-3038-86ff-c4dd5ba02d7a.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm/QuotaUtilizationPercentage_be3f1bfc-c21a-4399-9b9f-a33ebdc470cb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm/UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm-subscription/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm-subscription/ModelDeployFailed_0337a76f-238e-4d4d-9cd1-48b205874dbb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm-subscription/NotRespondingRuns_d3b80f22-9f1d-3038-86ff-c4dd5ba02d7a.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm-subscription/QuotaUtilizationPercentage_be3f1bfc-c21a-4399-9b9f-a33ebdc470cb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm-subscription/UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm/ModelDeployFailed_0337a76f-238e-4d4d-9cd1-48b205874dbb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm/NotRespondingRuns_d3b80f22-9f1d-3038-86ff-c4dd5ba02d7a.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm/QuotaUtilizationPercentage_be3f1bfc-c21a-4399-9b9f-a33ebdc470cb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy-arm/UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy/ModelDeployFailed_0337a76f-238e-4d4d-9cd1-48b205874dbb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy/NotRespondingRuns_d3b80f22-9f1d-3038-86ff-c4dd5ba02d7a.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy/QuotaUtilizationPercentage_be3f1bfc-c21a-4399-9b9f-a33ebdc470cb.json",
        1,
    ),
    (
        "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/policy/UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.json",
        1,
    ),
];

/// The errors and warnings a corpus file does get, each a true finding: the legacy log alert
/// resource is superseded (one warning per rule), and its documentation's two examples share
/// the name `example` in one resource group.
///
/// The az CLI's help gives two examples named `{name1}` (a duplicate as written); their query,
/// `union Event, Syslog`, reads no Azure ML table and gets only a not-an-aml-query note.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "terraform-provider-azurerm/website/docs/r/monitor_scheduled_query_rules_alert.html.markdown",
        &[
            "legacy-log-alert-api",
            "legacy-log-alert-api",
            "duplicate-rule-name",
        ],
    ),
    (
        "azure-cli-extensions/src/scheduled-query/azext_scheduled_query/_help.py",
        &["duplicate-rule-name"],
    ),
];

/// What amlguard reads of a corpus file, and the extension to give it: documentation pages
/// are read for their ```` ```hcl ```` examples, everything else as it is.
fn lintable(path: &str, text: &str) -> (String, &'static str) {
    if !path.ends_with(".markdown") {
        let ext = if path.ends_with(".tf") {
            "tf"
        } else if path.ends_with(".py") {
            // Read for the az CLI invocations it holds, as any text that names them.
            "py"
        } else {
            "json"
        };
        return (text.to_string(), ext);
    }
    let mut out = String::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if inside && line.trim_end() == "```" {
            inside = false;
        } else if inside {
            out.push_str(line);
        } else if line.trim_end() == "```hcl" {
            inside = true;
        }
    }
    (out, "tf")
}

/// Lints a corpus file as amlguard reads it (see [`lintable`]).
fn lint_corpus(path: &str, dir: &std::path::Path) -> serde_json::Value {
    let full = root().join("tests/real").join(path);
    if !path.ends_with(".markdown") {
        return lint(&full);
    }
    let (text, ext) = lintable(path, &std::fs::read_to_string(&full).unwrap());
    let copy = dir.join(format!("example.{ext}"));
    std::fs::write(&copy, text).unwrap();
    lint(&copy)
}

fn lint(path: &std::path::Path) -> serde_json::Value {
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json"])
        .arg(path)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_exit_matches(path, out.status.code(), &json);
    json
}

/// `--fail-on` defaults to `error`: exit 1 exactly when an error was found, else 0 — or 2 when
/// the file holds no alert rule at all (a parameter file, an initiative), which a lint run
/// without `--allow-empty` refuses to call clean.
fn assert_exit_matches(path: &std::path::Path, code: Option<i32>, json: &serde_json::Value) {
    let errors = json["summary"]["errors"].as_u64().expect("summary.errors");
    let rules = json["summary"]["rules"].as_u64().expect("summary.rules");
    let expected = if errors > 0 {
        1
    } else if rules == 0 {
        2
    } else {
        0
    };
    assert_eq!(
        code,
        Some(expected),
        "{}: {}",
        path.display(),
        json["summary"]
    );
}

fn lint_with(path: &std::path::Path, parameters: &std::path::Path) -> serde_json::Value {
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json", "--parameters"])
        .arg(parameters)
        .arg(path)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_exit_matches(path, out.status.code(), &json);
    json
}

#[test]
fn every_real_file_is_listed() {
    let mut on_disk = Vec::new();
    let mut dirs = vec![root().join("tests/real")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                // The Bicep and log alert corpora are tested on their own.
                if p.file_name().is_some_and(|n| n != "bicep" && n != "logs") {
                    dirs.push(p);
                }
            } else if p.extension().is_some_and(|e| e != "md") {
                on_disk.push(
                    p.strip_prefix(root().join("tests/real"))
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|(p, _)| p.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(CORPUS.len() >= 40);
}

#[test]
fn every_rule_is_seen_and_none_gets_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for (path, rules) in CORPUS {
        let json = lint_corpus(path, dir.path());
        let summary = &json["summary"];
        assert_eq!(
            summary["rules"].as_u64(),
            Some(*rules),
            "{path}: rules seen"
        );
        let errors: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error" || f["severity"] == "warning")
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let expected = EXPECTED
            .iter()
            .find(|(p, _)| p == path)
            .map_or(&[][..], |(_, e)| e);
        assert_eq!(errors, expected, "{path}: {:#?}", json["findings"]);
    }
}

/// One planted mistake: the edit, and where its finding must be.
struct Mutation {
    file: &'static str,
    /// What is planted, for messages.
    what: &'static str,
    /// The edit: the text, after the first occurrence of `after`, of `find`, replaced. A `find`
    /// that ends in `": "` is a key: its whole string value is replaced with it.
    after: &'static str,
    find: &'static str,
    replace: String,
    check: &'static str,
    /// The finding's position: this text's first occurrence in the edited file, plus a
    /// column offset.
    at: String,
    offset: usize,
    /// A parameter file passed with `--parameters`, for templates whose target is a parameter.
    parameters: Option<&'static str>,
}

/// The values an Azure ML workspace deployment of the baseline-alert ARM templates passes for
/// the parameters that have no default.
const WORKSPACE_PARAMETERS: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "alertName": { "value": "ws-alert" },
    "targetResourceType": { "value": "Microsoft.MachineLearningServices/workspaces" },
    "targetResourceId": { "value": "/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws" },
    "targetResourceRegion": { "value": "westeurope" }
  }
}
"#;

/// The quickstart templates deployed on an Azure ML workspace: its id and a workspace metric.
const QUICKSTART_ON_A_WORKSPACE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "alertName": { "value": "ws-alert" },
    "resourceId": { "value": "/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws" },
    "metricName": { "value": "Active Nodes" }
  }
}
"#;

fn apply(text: &str, m: &Mutation) -> String {
    let base = text
        .find(m.after)
        .unwrap_or_else(|| panic!("{}: `{}` not found", m.file, m.after));
    let i = base
        + text[base..]
            .find(m.find)
            .unwrap_or_else(|| panic!("{}: `{}` not found", m.file, m.find));
    let mut end = i + m.find.len();
    if m.find.ends_with("\": \"") {
        end += text[end..].find('"').expect("a closing quote") + 1;
    }
    format!("{}{}{}", &text[..i], m.replace, &text[end..])
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

const ML: &[(&str, &str)] = &[
    (
        "FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.json",
        "Failed Runs",
    ),
    (
        "ModelDeployFailed_0337a76f-238e-4d4d-9cd1-48b205874dbb.json",
        "Model Deploy Failed",
    ),
    (
        "NotRespondingRuns_d3b80f22-9f1d-3038-86ff-c4dd5ba02d7a.json",
        "Not Responding Runs",
    ),
    (
        "QuotaUtilizationPercentage_be3f1bfc-c21a-4399-9b9f-a33ebdc470cb.json",
        "Quota Utilization Percentage",
    ),
    (
        "UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.json",
        "Unusable Nodes",
    ),
];

const POLICY_FORMS: &[&str] = &["policy", "policy-arm", "policy-arm-subscription"];

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn mutations() -> Vec<Mutation> {
    let mut out = Vec::new();
    for form in POLICY_FORMS {
        for (stem, metric) in ML {
            let file = leak(format!(
                "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/{form}/{stem}"
            ));
            let metric_field = leak(format!("\"metricName\": \"{metric}\""));
            out.push(Mutation {
                file,
                what: "misspelled metric",
                after: "\"resources\"",
                find: metric_field,
                replace: format!("\"metricName\": \"{}\"", &metric[..metric.len() - 1]),
                check: "unknown-metric",
                at: format!("\"metricName\": \"{}\"", &metric[..metric.len() - 1]),
                offset: 14,
                parameters: None,
            });
            out.push(Mutation {
                file,
                what: "inapplicable dimension",
                after: metric_field,
                find: "\"criterionType\": \"StaticThresholdCriterion\"",
                replace: "\"criterionType\": \"StaticThresholdCriterion\", \"dimensions\": [ { \"name\": \"DeviceId\", \"operator\": \"Include\", \"values\": [ \"*\" ] } ]".into(),
                check: "dimension-not-applicable",
                at: "\"name\": \"DeviceId\"".into(),
                offset: 8,
                parameters: None,
            });
            out.push(Mutation {
                file,
                what: "severity 5",
                after: "\"severity\": {",
                find: "\"defaultValue\": \"3\"",
                replace: "\"defaultValue\": \"5\"".into(),
                check: "severity-out-of-range",
                at: "\"severity\": \"[[parameters('severity')]\"".into(),
                offset: 12,
                parameters: None,
            });
            out.push(Mutation {
                file,
                what: "window shorter than frequency",
                after: "\"evaluationFrequency\": {",
                find: "\"defaultValue\": \"",
                replace: "\"defaultValue\": \"PT1H\"".into(),
                check: "window-shorter-than-frequency",
                at: "\"windowSize\": \"[[parameters('windowSize')]\"".into(),
                offset: 14,
                parameters: None,
            });
            if metric.ends_with("Runs") {
                out.push(Mutation {
                    file,
                    what: "bad RunType value",
                    after: metric_field,
                    find: "\"criterionType\": \"StaticThresholdCriterion\"",
                    replace: "\"criterionType\": \"StaticThresholdCriterion\", \"dimensions\": [ { \"name\": \"RunType\", \"operator\": \"Include\", \"values\": [ \"Pipeline\" ] } ]".into(),
                    check: "invalid-dimension-value",
                    at: "[ \"Pipeline\" ]".into(),
                    offset: 2,
                    parameters: None,
                });
            } else if !metric.starts_with("Model ") {
                // Count is documented for the run and Model metrics (supported-metrics
                // reference), not for the quota ones.
                out.push(Mutation {
                    file,
                    what: "unsupported aggregation",
                    after: metric_field,
                    find: "\"timeAggregation\": \"",
                    replace: "\"timeAggregation\": \"Count\"".into(),
                    check: "unsupported-aggregation",
                    at: "\"timeAggregation\": \"Count\"".into(),
                    offset: 19,
                    parameters: None,
                });
            }
        }
    }
    // The ARM form takes its target from parameters without defaults: linted with the values a
    // workspace deployment passes.
    for (stem, metric) in ML {
        let file = leak(format!(
            "azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm/{stem}"
        ));
        let metric_field = leak(format!("\"metricName\": \"{metric}\""));
        let with = Some(WORKSPACE_PARAMETERS);
        out.push(Mutation {
            file,
            what: "misspelled metric",
            after: "\"resources\"",
            find: metric_field,
            replace: format!("\"metricName\": \"{}\"", metric.replace(' ', "")),
            check: "unknown-metric",
            at: format!("\"metricName\": \"{}\"", metric.replace(' ', "")),
            offset: 14,
            parameters: with,
        });
        out.push(Mutation {
            file,
            what: "inapplicable dimension",
            after: metric_field,
            find: "\"dimensions\": []",
            replace: "\"dimensions\": [ { \"name\": \"DeviceId\", \"operator\": \"Include\", \"values\": [ \"0\" ] } ]".into(),
            check: "dimension-not-applicable",
            at: "\"name\": \"DeviceId\"".into(),
            offset: 8,
            parameters: with,
        });
        out.push(Mutation {
            file,
            what: "severity 5",
            after: "\"alertSeverity\": {",
            find: "\"defaultValue\": 3",
            replace: "\"defaultValue\": 5".into(),
            check: "severity-out-of-range",
            at: "\"severity\": \"[parameters('alertSeverity')]\"".into(),
            offset: 12,
            parameters: with,
        });
        out.push(Mutation {
            file,
            what: "threshold that is not a number",
            after: "\"threshold\": {",
            find: "\"defaultValue\": \"",
            replace: "\"defaultValue\": \"ninety\"".into(),
            check: "wrong-type",
            at: "\"threshold\": \"[parameters('threshold')]\"".into(),
            offset: 13,
            parameters: with,
        });
    }
    let doc = "terraform-provider-azurerm/website/docs/r/monitor_metric_alert.html.markdown";
    out.push(Mutation {
        file: doc,
        what: "a storage metric under the workspace namespace",
        after: "criteria {",
        find: "\"Microsoft.Storage/storageAccounts\"",
        replace: "\"Microsoft.MachineLearningServices/workspaces\"".into(),
        check: "unknown-metric",
        at: "\"Transactions\"".into(),
        offset: 0,
        parameters: None,
    });
    // A misspelt block name leaves the alert with no criteria at all.
    for file in [doc, "azure-terraform-metricalerts/stg-alerts/main.tf"] {
        out.push(Mutation {
            file,
            what: "a criteria block misspelt",
            after: "resource \"azurerm_monitor_metric_alert\"",
            find: "criteria {",
            replace: "criterion {".into(),
            check: "missing-key",
            at: "resource \"azurerm_monitor_metric_alert\"".into(),
            offset: 0,
            parameters: None,
        });
    }
    out.push(Mutation {
        file: doc,
        what: "a threshold that is not a number",
        after: "criteria {",
        find: "threshold        = 50",
        replace: "threshold        = \"fifty\"".into(),
        check: "wrong-type",
        at: "\"fifty\"".into(),
        offset: 0,
        parameters: None,
    });
    // The log alert pages: the KQL in a heredoc, checked at its line and column past the
    // stripped indent, and the rule's fields at theirs.
    let v2 = "terraform-provider-azurerm/website/docs/r/monitor_scheduled_query_rules_alert_v2.html.markdown";
    let aml_query = "AmlComputeJobEvent\n        | where EventType == \"JobFaild\"\n        | summarize CountByCountry=count() by client_CountryOrRegion";
    out.push(Mutation {
        file: v2,
        what: "an Azure ML query comparing EventType with a misspelt value",
        after: "criteria {",
        find: "requests\n        | summarize CountByCountry=count() by client_CountryOrRegion",
        replace: aml_query.into(),
        check: "unknown-column-value",
        at: "\"JobFaild\"".into(),
        offset: 0,
        parameters: None,
    });
    out.push(Mutation {
        file: v2,
        what: "an Azure ML query grouping by a column the table does not have",
        after: "criteria {",
        find: "requests\n        | summarize CountByCountry=count() by client_CountryOrRegion",
        replace: aml_query.into(),
        check: "unknown-column",
        at: "client_CountryOrRegion\n".into(),
        offset: 0,
        parameters: None,
    });
    out.push(Mutation {
        file: v2,
        what: "a misspelt Azure ML table",
        after: "criteria {",
        find: "requests\n",
        replace: "AmlComputeJobEvents\n".into(),
        check: "unknown-table",
        at: "AmlComputeJobEvents".into(),
        offset: 0,
        parameters: None,
    });
    out.push(Mutation {
        file: v2,
        what: "the ARM spelling of the equality operator",
        after: "criteria {",
        find: "operator                = \"LessThan\"",
        replace: "operator                = \"Equals\"".into(),
        check: "log-operator-spelling",
        at: "\"Equals\"".into(),
        offset: 0,
        parameters: None,
    });
    out.push(Mutation {
        file: v2,
        what: "failing periods above six",
        after: "failing_periods {",
        find: "number_of_evaluation_periods             = 1",
        replace: "number_of_evaluation_periods             = 7".into(),
        check: "failing-periods-out-of-range",
        at: "7\n".into(),
        offset: 0,
        parameters: None,
    });
    out.push(Mutation {
        file: v2,
        what: "a query that interpolates a variable",
        after: "criteria {",
        find: "query                   = <<-QUERY\n      requests",
        replace: "query                   = <<-QUERY\n      ${var.table}".into(),
        check: "unresolved-expression",
        at: "${var.table}".into(),
        offset: 0,
        parameters: None,
    });
    let help = "azure-cli-extensions/src/scheduled-query/azext_scheduled_query/_help.py";
    out.push(Mutation {
        file: help,
        what: "an Azure ML query written in the condition, with a misspelt value",
        after: "Create a scheduled query for a VM.",
        find: "'union Event, Syslog | where TimeGenerated > ago(1h) | where EventLevelName==\\\"Error\\\" or SeverityLevel==\\\"err\\\"'",
        replace: "'AmlComputeJobEvent | where EventType == \\\"JobFaild\\\"'".into(),
        check: "unknown-column-value",
        at: "\\\"JobFaild".into(),
        offset: 0,
        parameters: None,
    });
    out.push(Mutation {
        file: help,
        what: "an operator the condition grammar does not have",
        after: "Create a scheduled query for a VM.",
        find: "' > 360",
        replace: "' => 360".into(),
        check: "condition-syntax",
        at: "=> 360".into(),
        offset: 0,
        parameters: None,
    });
    out.push(Mutation {
        file: help,
        what: "failing periods with a word missing",
        after: "Create a scheduled query for a VM.",
        find: "out of 5 aggregated",
        replace: "out 5 aggregated".into(),
        check: "condition-syntax",
        at: "5 aggregated".into(),
        offset: 0,
        parameters: None,
    });
    let legacy = "terraform-provider-azurerm/website/docs/r/monitor_scheduled_query_rules_alert.html.markdown";
    out.push(Mutation {
        file: legacy,
        what: "an Azure ML query with a misspelt value in the legacy resource's heredoc",
        after: "query       = <<-QUERY",
        find: "  requests\n    | where tolong(resultCode) >= 500",
        replace: "  AmlComputeJobEvent\n    | where EventType == \"JobFaild\"".into(),
        check: "unknown-column-value",
        at: "\"JobFaild\"".into(),
        offset: 0,
        parameters: None,
    });
    let stat = "azure-quickstart-templates/quickstarts/microsoft.insights/monitoring-static-metric-alert/azuredeploy.json";
    let dynamic = "azure-quickstart-templates/quickstarts/microsoft.insights/monitoring-dynamic-metric-alert/azuredeploy.json";
    let on_ws = Some(QUICKSTART_ON_A_WORKSPACE);
    out.push(Mutation {
        file: stat,
        what: "negative threshold on a count",
        after: "\"threshold\": {",
        find: "\"defaultValue\": \"",
        replace: "\"defaultValue\": \"-5\"".into(),
        check: "threshold-out-of-range",
        at: "\"threshold\": \"[parameters('threshold')]\"".into(),
        offset: 13,
        parameters: on_ws,
    });
    out.push(Mutation {
        file: stat,
        what: "window shorter than frequency",
        after: "\"evaluationFrequency\": {",
        find: "\"defaultValue\": \"",
        replace: "\"defaultValue\": \"PT1H\"".into(),
        check: "window-shorter-than-frequency",
        at: "\"windowSize\": \"[parameters('windowSize')]\"".into(),
        offset: 14,
        parameters: on_ws,
    });
    out.push(Mutation {
        file: stat,
        what: "misspelled metric",
        after: "\"metricName\": {",
        find: "\"defaultValue\": \"",
        replace: "\"defaultValue\": \"Active Node\"".into(),
        check: "unknown-metric",
        at: "\"metricName\": \"[parameters('metricName')]\"".into(),
        offset: 14,
        parameters: Some(QUICKSTART_ON_A_WORKSPACE_DEFAULT_METRIC),
    });
    out.push(Mutation {
        file: dynamic,
        what: "more failing periods than evaluation periods",
        after: "\"minFailingPeriodsToAlert\": {",
        find: "\"defaultValue\": \"",
        replace: "\"defaultValue\": \"5\"".into(),
        check: "invalid-dynamic-threshold",
        at: "\"minFailingPeriodsToAlert\": \"[parameters('minFailingPeriodsToAlert')]\"".into(),
        offset: 28,
        parameters: on_ws,
    });
    out.push(Mutation {
        file: dynamic,
        what: "evaluation periods that are not a number",
        after: "\"numberOfEvaluationPeriods\": {",
        find: "\"defaultValue\": \"",
        replace: "\"defaultValue\": \"four\"".into(),
        check: "wrong-type",
        at: "\"numberOfEvaluationPeriods\": \"[parameters('numberOfEvaluationPeriods')]\"".into(),
        offset: 29,
        parameters: on_ws,
    });
    out.push(Mutation {
        file: dynamic,
        what: "severity 5",
        after: "\"alertSeverity\": {",
        find: "\"defaultValue\": 3",
        replace: "\"defaultValue\": 5".into(),
        check: "severity-out-of-range",
        at: "\"severity\": \"[parameters('alertSeverity')]\"".into(),
        offset: 12,
        parameters: on_ws,
    });
    out
}

/// As [`QUICKSTART_ON_A_WORKSPACE`], leaving the metric to the template's default.
const QUICKSTART_ON_A_WORKSPACE_DEFAULT_METRIC: &str = r#"{
  "parameters": {
    "alertName": { "value": "ws-alert" },
    "resourceId": { "value": "/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws" }
  }
}
"#;

#[test]
fn the_quickstarts_are_clean_on_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let params = dir.path().join("ws.parameters.json");
    std::fs::write(&params, QUICKSTART_ON_A_WORKSPACE).unwrap();
    for kind in ["static", "dynamic"] {
        let path = root().join(format!(
            "tests/real/azure-quickstart-templates/quickstarts/microsoft.insights/monitoring-{kind}-metric-alert/azuredeploy.json"
        ));
        let json = lint_with(&path, &params);
        let names: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["severity"] != "note"
                    || f["name"] == "unresolved-target"
                    || f["name"] == "not-a-workspace-rule"
            })
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(names.is_empty(), "{kind}: {names:?}");
    }
}

#[test]
fn every_planted_mistake_is_found_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let all = mutations();
    assert!(all.len() >= 60, "{} mutations", all.len());
    let mut missed = Vec::new();
    for (n, m) in all.iter().enumerate() {
        let text = std::fs::read_to_string(root().join("tests/real").join(m.file)).unwrap();
        let edited = apply(&text, m);
        assert_ne!(edited, text);
        let (edited, ext) = lintable(m.file, &edited);
        let at = edited
            .find(&m.at)
            .unwrap_or_else(|| panic!("{}: `{}` not in the edited file", m.file, m.at));
        let (line, column) = line_col(&edited, at + m.offset);
        let path = dir.path().join(format!("{n}.{ext}"));
        std::fs::write(&path, &edited).unwrap();
        let json = match m.parameters {
            None => lint(&path),
            Some(values) => {
                let params = dir.path().join(format!("{n}.parameters.json"));
                std::fs::write(&params, values).unwrap();
                lint_with(&path, &params)
            }
        };
        let findings = json["findings"].as_array().unwrap();
        let hit = findings.iter().any(|f| {
            f["name"] == m.check
                && f["line"].as_u64() == Some(line)
                && f["column"].as_u64() == Some(column)
        });
        if !hit {
            let got: Vec<String> = findings
                .iter()
                .map(|f| format!("{} {}:{}", f["name"], f["line"], f["column"]))
                .collect();
            missed.push(format!(
                "{} ({}): want {} {line}:{column}, got {got:?}",
                m.file, m.what, m.check
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn the_workspace_arm_templates_are_clean_when_their_target_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let params = dir.path().join("ws.parameters.json");
    std::fs::write(&params, WORKSPACE_PARAMETERS).unwrap();
    for (stem, _) in ML {
        let path = root().join(format!(
            "tests/real/azure-monitor-baseline-alerts/services/MachineLearningServices/workspaces/templates/arm/{stem}"
        ));
        let json = lint_with(&path, &params);
        let names: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "note" || f["name"] == "unresolved-target")
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(names.is_empty(), "{stem}: {names:?}");
        assert_eq!(json["summary"]["rules"], 1);
    }
}

#[test]
fn a_truncated_real_file_is_one_located_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    for (path, _) in CORPUS.iter().filter(|(p, _)| p.ends_with(".json")) {
        let text = std::fs::read_to_string(root().join("tests/real").join(path)).unwrap();
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let copy = dir.path().join("truncated.json");
        std::fs::write(&copy, &text[..cut]).unwrap();
        let out = amlguard()
            .args(["--no-config", "lint", "--format", "json"])
            .arg(&copy)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{path}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let syntax: Vec<&serde_json::Value> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            // The check's name is the format's syntax check, whatever it is called.
            .filter(|f| f["family"] == "input" && f["severity"] == "error")
            .collect();
        assert_eq!(syntax.len(), 1, "{path}: {json}");
        assert!(syntax[0]["line"].as_u64().unwrap() >= 1, "{path}");
    }
}
