//! Pre-deploy sources read as they are: the same two rules written as an ARM template (with
//! a nested deployment and a parameter file), a Terraform plan, a bash script, a PowerShell
//! script, and Bicep (a `.bicepparam`, a module, an ARM parameter file) lint with the same
//! findings as the YAML rule file, each at the right token.

mod common;

use common::*;

const DIR: &str = "tests/fixtures/predeploy";

/// `(check, line, column)` of each finding of one file.
fn lint(file: &str, extra: &[&str]) -> Vec<(String, u64, u64)> {
    let path = format!("{DIR}/{file}");
    let mut args = vec![path.as_str()];
    args.extend_from_slice(extra);
    let (code, json) = lint_json(&args);
    assert_eq!(code, 1, "{file}: {json}");
    found(&json)
}

fn names(v: &[(String, u64, u64)]) -> Vec<String> {
    let mut n: Vec<String> = v.iter().map(|(c, _, _)| c.clone()).collect();
    n.sort();
    n
}

fn reference() -> Vec<String> {
    names(&lint("alerts.yaml", &[]))
}

#[test]
fn arm_template_with_parameters_matches_the_yaml() {
    let got = lint(
        "template.json",
        &[
            "--parameters",
            "tests/fixtures/predeploy/template.parameters.json",
        ],
    );
    let mut want = reference();
    want.push("not-a-workspace-rule".into());
    want.sort();
    assert_eq!(names(&got), want);
    // Exact tokens: the threshold expression, the dimension name, a value in a nested template.
    assert!(
        got.contains(&("threshold-out-of-range".into(), 36, 28)),
        "{got:?}"
    );
    assert!(
        got.contains(&("dimension-not-applicable".into(), 38, 27)),
        "{got:?}"
    );
    assert!(
        got.contains(&("invalid-dynamic-threshold".into(), 86, 103)),
        "{got:?}"
    );
}

#[test]
fn an_unresolvable_parameter_never_yields_an_error() {
    // Without the parameter file: the threshold falls back to its default (90, fine), and the
    // name parameter, which has no default, is noted and left unchecked.
    let (code, json) = lint_json(&[&format!("{DIR}/template.json")]);
    assert_eq!(code, 1);
    let got = found(&json);
    assert!(
        got.contains(&("unresolved-expression".into(), 17, 15)),
        "{got:?}"
    );
    assert!(!got.iter().any(|(c, _, _)| c == "threshold-out-of-range"));
    for f in json["findings"].as_array().unwrap() {
        if f["name"] == "unresolved-expression" {
            assert_eq!(f["severity"], "note");
        }
    }
}

#[test]
fn terraform_plan_matches_the_yaml() {
    let got = lint("plan.json", &[]);
    let mut want = reference();
    want.push("not-a-workspace-rule".into());
    want.sort();
    assert_eq!(names(&got), want);
    assert!(
        got.contains(&("dimension-not-applicable".into(), 33, 29)),
        "{got:?}"
    );
}

#[test]
fn terraform_source_matches_the_yaml() {
    let got = lint("main.tf", &[]);
    let mut want = reference();
    want.push("not-a-workspace-rule".into());
    want.sort();
    assert_eq!(names(&got), want);
    assert!(
        got.contains(&("dimension-not-applicable".into(), 22, 18)),
        "{got:?}"
    );
}

#[test]
fn a_terraform_variable_is_noted_never_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("a.tf");
    std::fs::write(
        &tf,
        "resource \"azurerm_monitor_metric_alert\" \"a\" {\n  name = \"a\"\n  criteria {\n    metric_namespace = \"Microsoft.MachineLearningServices/workspaces\"\n    metric_name = \"GpuUtilization\"\n    aggregation = \"Average\"\n    operator = \"GreaterThan\"\n    threshold = var.gpu_threshold\n  }\n}\n",
    )
    .unwrap();
    let (code, json) = lint_json(&[tf.to_str().unwrap()]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        found(&json),
        vec![("unresolved-expression".to_string(), 8, 17)]
    );
}

#[test]
fn scripts_match_the_yaml_with_columns_inside_the_quotes() {
    for (file, line) in [("deploy.sh", 8), ("deploy.ps1", 5)] {
        let got = lint(file, &[]);
        assert_eq!(names(&got), reference(), "{file}");
        assert!(
            got.contains(&("threshold-out-of-range".into(), line, 82)),
            "{file}: {got:?}"
        );
        assert!(
            got.contains(&("dimension-not-applicable".into(), line, 92)),
            "{file}: {got:?}"
        );
    }
}

#[test]
fn pipeline_yaml_with_an_inline_script() {
    let got = lint("azure-pipelines.yml", &[]);
    assert_eq!(
        got,
        vec![
            ("dimension-not-applicable".to_string(), 12, 55),
            ("invalid-dimension-value".to_string(), 13, 71),
            ("threshold-out-of-range".to_string(), 12, 45),
        ]
    );
}

#[test]
fn a_directory_walk_reads_every_kind_and_skips_parameter_files() {
    let (code, json) = lint_json(&[
        DIR,
        "--parameters",
        "tests/fixtures/predeploy/template.parameters.json",
    ]);
    assert_eq!(code, 1);
    // alerts.yaml, azure-pipelines.yml, template.json, plan.json, main.tf, deploy.sh, deploy.ps1
    // (the parameter file is skipped). 13 workspace rules and 3 on other resource types, which
    // are seen and counted, each with a `not-a-workspace-rule` note.
    assert_eq!(json["summary"]["files"], 7);
    assert_eq!(json["summary"]["rules"], 16);
    assert_eq!(
        found(&json)
            .iter()
            .filter(|(c, _, _)| c == "not-a-workspace-rule")
            .count(),
        3
    );
    // The same names in several files are reported as duplicates across the run.
    assert!(
        found(&json)
            .iter()
            .any(|(c, _, _)| c == "duplicate-rule-name")
    );
}

#[test]
fn suppressions_in_yaml_and_arm_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("r.yaml");
    std::fs::write(
        &yaml,
        "rules:\n  - name: a\n    criteria:\n      - metric: GpuUtilization\n        aggregation: Average\n        operator: '>'\n        threshold: 150 # amlguard: ignore[threshold-out-of-range] totals in a later release\n",
    )
    .unwrap();
    let (code, json) = lint_json(&[yaml.to_str().unwrap()]);
    assert_eq!((code, found(&json)), (0, vec![]));
    let arm = dir.path().join("t.json");
    std::fs::write(
        &arm,
        r#"{"resources": [{"type": "Microsoft.Insights/metricAlerts", "name": "a",
  "metadata": {"amlguard-ignore": ["AML2"]},
  "properties": {"targetResourceType": "Microsoft.MachineLearningServices/workspaces",
    "criteria": {"allOf": [{"metricName": "GpuUtilization", "timeAggregation": "Average", "operator": "GreaterThan", "threshold": 150}]}}}]}"#,
    )
    .unwrap();
    let (code, json) = lint_json(&[arm.to_str().unwrap()]);
    assert_eq!((code, found(&json)), (0, vec![]));
}

/// A rule nested as deep as the parser reads is read, and so is its suppression: the two
/// walks over a template reach the same depth (the suppressions' once stopped at 32 levels of
/// JSON, 16 of child resources, where the rule was still read and reported).
#[test]
fn a_deeply_nested_rule_keeps_its_suppression() {
    let dir = tempfile::tempdir().unwrap();
    let rule = |metadata: &str| {
        let mut r = format!(
            r#"{{"type": "Microsoft.Insights/metricAlerts", "name": "a", {metadata}
  "properties": {{"targetResourceType": "Microsoft.MachineLearningServices/workspaces",
    "criteria": {{"allOf": [{{"metricName": "GpuUtilization", "timeAggregation": "Average", "operator": "GreaterThan", "threshold": 150}}]}}}}}}"#
        );
        // 28 levels of child resources: the rule's mapping 59 levels deep and its criterion
        // 63, within the parser's 64.
        for i in 0..28 {
            r = format!(
                r#"{{"type": "Microsoft.Storage/storageAccounts", "name": "p{i}", "resources": [{r}]}}"#
            );
        }
        format!(r#"{{"resources": [{r}]}}"#)
    };
    let file = dir.path().join("deep.json");
    std::fs::write(&file, rule("")).unwrap();
    assert_eq!(
        exit_rules_and_checks(&file),
        (1, 1, vec!["threshold-out-of-range".to_string()])
    );
    std::fs::write(&file, rule(r#""metadata": {"amlguard-ignore": ["AML2"]},"#)).unwrap();
    assert_eq!(exit_rules_and_checks(&file), (0, 1, vec![]));
}

/// The exit code, the number of rules read and the checks found, of linting one file.
fn exit_rules_and_checks(file: &std::path::Path) -> (i32, u64, Vec<String>) {
    let (code, json) = lint_json(&[file.to_str().unwrap()]);
    let checks = found(&json).into_iter().map(|(c, _, _)| c).collect();
    (code, json["summary"]["rules"].as_u64().unwrap(), checks)
}

/// An alert in a Terraform plan's module nested 20 modules deep is read (the plan reader once
/// stopped at 16 levels of modules and dropped what was deeper without a word).
#[test]
fn an_alert_in_a_deeply_nested_plan_module_is_read() {
    let alert = r#"{"address": "a", "mode": "managed", "type": "azurerm_monitor_metric_alert", "name": "a",
  "values": {"name": "gpu", "scopes": ["/subscriptions/0/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/w"],
    "criteria": [{"metric_namespace": "Microsoft.MachineLearningServices/workspaces", "metric_name": "GpuUtilization",
      "aggregation": "Average", "operator": "GreaterThan", "threshold": 150}]}}"#;
    let mut module = format!(r#"{{"resources": [{alert}]}}"#);
    for i in 0..20 {
        module = format!(r#"{{"address": "module.m{i}", "child_modules": [{module}]}}"#);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::write(
        &file,
        format!(r#"{{"format_version": "1.2", "planned_values": {{"root_module": {module}}}}}"#),
    )
    .unwrap();
    assert_eq!(
        exit_rules_and_checks(&file),
        (1, 1, vec!["threshold-out-of-range".to_string()])
    );
}

const BICEP: &str = "tests/fixtures/bicep/same-rules";

#[test]
fn bicepparam_with_a_module_matches_the_yaml() {
    let (code, json) = lint_json(&[&format!("{BICEP}/main.bicepparam")]);
    assert_eq!(code, 1, "{json}");
    let got = found(&json);
    assert_eq!(names(&got), reference());
    assert_eq!(json["summary"]["rules"], 2);
    let at = |name: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {json}"))
            .clone()
    };
    // The threshold comes from the .bicepparam: reported there, at the value.
    let t = at("threshold-out-of-range");
    assert!(t["file"].as_str().unwrap().ends_with("main.bicepparam"));
    assert_eq!(
        (t["line"].as_u64(), t["column"].as_u64()),
        (Some(4), Some(22))
    );
    // A one-line object in an array, and an interpolated metric name, at their tokens.
    let d = at("dimension-not-applicable");
    assert!(d["file"].as_str().unwrap().ends_with("main.bicep"));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(45), Some(21))
    );
    let v = at("invalid-dimension-value");
    assert_eq!(
        (v["line"].as_u64(), v["column"].as_u64()),
        (Some(60), Some(24))
    );
    // The rule of the module: the value the caller passes, with the module call as related
    // information.
    let g = at("invalid-dynamic-threshold");
    assert!(g["file"].as_str().unwrap().ends_with("main.bicep"));
    assert_eq!(
        (g["line"].as_u64(), g["column"].as_u64()),
        (Some(73), Some(17))
    );
    let related: Vec<u64> = g["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert!(related.contains(&69), "{g}");
}

#[test]
fn bicep_with_an_arm_parameter_file_matches_the_yaml() {
    let got = lint(
        "../bicep/same-rules/main.bicep",
        &[
            "--parameters",
            "tests/fixtures/predeploy/template.parameters.json",
        ],
    );
    assert_eq!(names(&got), reference());
    // A value from a JSON parameter file is placed where the template uses it.
    assert!(
        got.contains(&("threshold-out-of-range".into(), 43, 22)),
        "{got:?}"
    );
}

#[test]
fn bicep_without_values_notes_the_parameter_and_uses_defaults() {
    let got = lint("../bicep/same-rules/main.bicep", &[]);
    assert!(
        got.contains(&("unresolved-expression".into(), 25, 9)),
        "{got:?}"
    );
    // The default threshold (90) is fine.
    assert!(!got.iter().any(|(c, _, _)| c == "threshold-out-of-range"));
}

/// Alert names are unique within a resource group: namesakes whose sources write out different
/// groups (`-g`, `--resource-group=`, Terraform's `resource_group_name`) do not collide, group
/// names compare case-insensitively, and a rule whose group is a variable collides with every
/// namesake.
#[test]
fn namesakes_in_different_resource_groups_do_not_collide() {
    let dir = tempfile::tempdir().unwrap();
    let cond = "--scopes $WS --condition 'avg GpuUtilization < 10'";
    let log =
        "--scopes $WS --condition \"count 'q' > 0\" --condition-query q=\"AmlComputeJobEvent\"";
    let files = [
        (
            "a-dev.sh",
            format!(
                "az monitor metrics alert create -n gpu-idle -g ml-dev {cond}\n\
                 az monitor metrics alert create -n shared -g ml-dev {cond}\n\
                 az monitor scheduled-query create -n failed-jobs -g ml-dev {log}\n"
            ),
        ),
        (
            "b-main.tf",
            "resource \"azurerm_monitor_metric_alert\" \"a\" {\n  name                = \"gpu-idle\"\n  resource_group_name = \"ml-test\"\n  scopes              = [var.ws]\n  criteria {\n    metric_namespace = \"Microsoft.MachineLearningServices/workspaces\"\n    metric_name      = \"GpuUtilization\"\n    aggregation      = \"Average\"\n    operator         = \"LessThan\"\n    threshold        = 10\n  }\n}\n\nresource \"azurerm_monitor_metric_alert\" \"b\" {\n  name                = \"shared\"\n  resource_group_name = var.rg\n  scopes              = [var.ws]\n  criteria {\n    metric_namespace = \"Microsoft.MachineLearningServices/workspaces\"\n    metric_name      = \"GpuUtilization\"\n    aggregation      = \"Average\"\n    operator         = \"LessThan\"\n    threshold        = 10\n  }\n}\n".to_string(),
        ),
        (
            "c-prod.sh",
            format!(
                "az monitor scheduled-query create -n gpu-idle -g ml-dev --scopes $WS --condition \"count 'q' > 0\" --condition-query q=\"AmlComputeJobEvent\"\n\
                 az monitor metrics alert create -n gpu-idle --resource-group=ml-prod {cond}\n\
                 az monitor metrics alert create -n shared -g ML-Dev {cond}\n\
                 az monitor metrics alert create -n gpu-idle -g $RG {cond}\n\
                 az monitor scheduled-query create -n failed-jobs -g ml-prod {log}\n\
                 az monitor scheduled-query create -n failed-jobs -g ml-dev {log}\n"
            ),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (code, json) = lint_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{json}");
    let file = |v: &serde_json::Value| {
        std::path::Path::new(v["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let duplicates: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "duplicate-rule-name")
        .map(|f| {
            let first = &f["related"][0];
            (
                file(f),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                file(first),
                first["line"].as_u64().unwrap(),
                first["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |f: &str, l: u64, c: u64| (f.to_string(), l, c);
    let pair = |a: (String, u64, u64), b: (String, u64, u64)| (a.0, a.1, a.2, b.0, b.1, b.2);
    assert_eq!(
        duplicates,
        [
            // `var.rg` may be ml-dev: the first `shared` is there.
            pair(at("b-main.tf", 15, 25), at("a-dev.sh", 2, 36)),
            // ML-Dev is ml-dev.
            pair(at("c-prod.sh", 3, 36), at("a-dev.sh", 2, 36)),
            // `$RG` may be any group: the first `gpu-idle` of all.
            pair(at("c-prod.sh", 4, 36), at("a-dev.sh", 1, 36)),
            // Log alerts state their group the same way: ml-prod is apart, ml-dev is not.
            pair(at("c-prod.sh", 6, 38), at("a-dev.sh", 3, 38)),
        ],
        "{json}"
    );
}
