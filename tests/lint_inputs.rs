//! What `lint` reads, through the real binary: no run silently reads nothing, every format is
//! chosen by content when there is no file name, and every syntax error names its format.

mod common;

use common::*;

use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs `lint --format json` on the arguments; (exit code, findings, stderr).
fn lint(args: &[&str], stdin: &str) -> (i32, Vec<(String, u64, u64)>, String) {
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (
        out.status.code().unwrap(),
        found(&json),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn one(name: &str, line: u64, col: u64) -> Vec<(String, u64, u64)> {
    vec![(name.to_string(), line, col)]
}

const RULE_BODY: &str = "  - name: a
    criteria:
      - metric: Failed Runs
        aggregation: Total
        operator: GreaterThan
        threshold: 0
";

#[test]
fn a_misspelt_top_key_in_a_walked_file_is_reported_as_when_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "alerts/a.yaml", &format!("rule:\n{RULE_BODY}"));
    let d = dir.path().join("alerts");
    let (code, f, _) = lint(&[d.to_str().unwrap()], "");
    assert_eq!((code, f), (1, one("unknown-key", 1, 1)));
    let file = d.join("a.yaml");
    let (code, f, _) = lint(&[file.to_str().unwrap()], "");
    assert_eq!((code, f), (1, one("unknown-key", 1, 1)));
    // Other spellings close to `rules`, and rules written without the list.
    for (text, want) in [
        (format!("Rules:\n{RULE_BODY}"), one("unknown-key", 1, 1)),
        (format!("rulez:\n{RULE_BODY}"), one("unknown-key", 1, 1)),
        (
            RULE_BODY
                .lines()
                .map(|l| format!("{}\n", &l[2..]))
                .collect(),
            one("wrong-type", 1, 1),
        ),
    ] {
        write(dir.path(), "alerts/a.yaml", &text);
        let (code, f, _) = lint(&[d.to_str().unwrap()], "");
        assert_eq!((code, &f), (1, &want), "{text}");
    }
    // A rule file in JSON, top key misspelt.
    std::fs::remove_file(d.join("a.yaml")).unwrap();
    write(
        dir.path(),
        "alerts/a.json",
        "{\"rule\": [{\"name\": \"a\"}]}\n",
    );
    let (code, f, _) = lint(&[d.to_str().unwrap()], "");
    assert_eq!((code, f), (1, one("unknown-key", 1, 2)));
}

#[test]
fn a_run_that_finds_no_rule_fails_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    // Plainly not rule sources: skipped quietly.
    write(
        dir.path(),
        "k8s/role.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules:\n  - apiGroups: [\"\"]\n    verbs: [get]\n",
    );
    write(dir.path(), "package.json", "{\"name\": \"x\"}\n");
    write(dir.path(), ".github/workflows/ci.yml", "on: push\n");
    write(
        dir.path(),
        "action/action.yml",
        "name: x\nruns:\n  using: composite\n  steps: []\n",
    );
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: x\n",
    );
    write(
        dir.path(),
        "chart/templates/d.yaml",
        "{{- if .Values.x }}\nkind: {{ .Values.k }}\n",
    );
    let d = dir.path().to_str().unwrap();
    let (code, f, stderr) = lint(&[d], "");
    assert_eq!((code, f), (2, vec![]));
    assert!(
        stderr.contains("no alert rule found (0 files read)") && stderr.contains("--allow-empty"),
        "{stderr}"
    );
    let (code, f, stderr) = lint(&[d, "--allow-empty"], "");
    assert_eq!((code, f), (0, vec![]), "{stderr}");
    // The setting in amlguard.toml.
    write(dir.path(), "amlguard.toml", "[lint]\nallow-empty = true\n");
    let out = amlguard()
        .args([
            "--config",
            dir.path().join("amlguard.toml").to_str().unwrap(),
        ])
        .args(["lint", d])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // One rule anywhere makes the run a normal one.
    write(dir.path(), "alerts.yaml", &format!("rules:\n{RULE_BODY}"));
    let (code, f, _) = lint(&[d], "");
    assert_eq!((code, f), (0, vec![]));
}

#[test]
fn files_close_to_a_rule_source_get_a_note_saying_why_they_were_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "arm/storage.json",
        "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": []\n}\n",
    );
    write(
        dir.path(),
        "policy.json",
        "{\n  \"properties\": {\n    \"then\": {\"type\": \"Microsoft.Insights/metricAlerts\"}\n  }\n}\n",
    );
    write(
        dir.path(),
        "notes.yaml",
        "alerts:\n  failed:\n    criteria:\n      - metric: Failed Runs\n",
    );
    write(
        dir.path(),
        "main.tf",
        "output \"ids\" {\n  value = azurerm_monitor_metric_alert.a.id\n}\n",
    );
    write(
        dir.path(),
        "other.tf",
        "resource \"azurerm_storage_account\" \"s\" {}\n",
    );
    let d = dir.path().to_str().unwrap();
    let (code, f, stderr) = lint(&[d], "");
    assert_eq!(
        f,
        vec![
            ("not-a-rule-source".into(), 1, 1),
            ("not-a-rule-source".into(), 2, 11),
            ("not-a-rule-source".into(), 3, 5),
            ("not-a-rule-source".into(), 3, 23),
        ]
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("0 files read, 4 not read as rules"),
        "{stderr}"
    );
}

#[test]
fn terraform_on_stdin_is_read_as_terraform() {
    let tf = "resource \"azurerm_monitor_metric_alert\" \"a\" {
  name     = \"a\"
  scopes   = [azurerm_machine_learning_workspace.ws.id]
  severity = 7
  criteria {
    metric_namespace = \"Microsoft.MachineLearningServices/workspaces\"
    metric_name      = \"Failed Runs\"
    aggregation      = \"Total\"
    operator         = \"GreaterThan\"
    threshold        = 0
  }
}
";
    let (code, f, _) = lint(&["-"], tf);
    assert_eq!((code, f), (1, one("severity-out-of-range", 4, 14)));
    let (code, f, _) = lint(&["-"], &format!("{tf}}}\n"));
    assert_eq!((code, f), (1, one("hcl-syntax", 13, 1)));
    // The position is exact after non-ASCII text (hcl-edit counts bytes, columns count characters).
    let (_, f, _) = lint(&["-"], "resource \"a\" \"b\" {\n  name = \"éé\" x\n}\n");
    assert_eq!(f, one("hcl-syntax", 2, 15));
}

#[test]
fn every_format_has_its_own_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.tf",
        "resource \"x\" \"y\" {\n  name = \"a\"\n}\n}\n",
    );
    write(
        dir.path(),
        "b.json",
        "{\"resources\": [\n  {\"type\": \"x\" \"name\": \"y\"}\n]}\n",
    );
    write(dir.path(), "c.yaml", "rules:\n  - name: [a\n");
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    assert_eq!(lint(&[&p("a.tf")], "").1, one("hcl-syntax", 4, 1));
    assert_eq!(lint(&[&p("b.json")], "").1, one("json-syntax", 2, 16));
    assert_eq!(lint(&[&p("c.yaml")], "").1, one("yaml-syntax", 2, 11));
    // JSON on stdin is JSON, whatever the parser that stopped.
    let (code, f, _) = lint(&["-"], "{\"resources\": [\n  {\"type\": \"x\",, }\n]}\n");
    assert_eq!((code, f), (1, one("json-syntax", 2, 16)));
}

#[test]
fn bicep_is_never_read_as_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let bicep = "@description('threshold')\nparam threshold int = 3\n";
    write(dir.path(), "main.bicep", bicep);
    write(dir.path(), "main.bicepparam", "using './main.bicep'\n");
    for name in ["main.bicep", "main.bicepparam"] {
        let path = dir.path().join(name);
        let out = amlguard()
            .args(["--no-config", "lint", path.to_str().unwrap()])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Read as Bicep: no syntax error of any kind, and no rule in it, so the run is empty.
        assert!(!stdout.contains("syntax"), "{stdout}");
        assert!(stderr.contains("no alert rule found"), "{stderr}");
        assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, .. Default::default() })]

    /// Whatever the text and whatever reader its content picks, reading never panics and every
    /// finding lies inside the text, on character boundaries.
    #[test]
    fn any_text_in_any_format_reads_without_panic(
        text in "(\\{|\\}|\\[|\\]|\"|'|@|=|:|,|-|#|//|/\\*|\\*/|\n|  |\t|é|\u{feff}|\\{\\{|rules|rule|resource|param|criteria|metric|azurerm_monitor_metric_alert|Microsoft.Insights/metricAlerts|resources|\\$schema|planned_values|az monitor metrics alert create|--condition|[a-z0-9]{1,4}){0,40}",
        name in proptest::sample::select(vec!["<stdin>", "a.yaml", "a.json", "a.tf", "a.bicep", "a.sh", "a.txt"]),
    ) {
        static CATALOG: std::sync::OnceLock<amlguard::catalog::Catalog> = std::sync::OnceLock::new();
        let catalog = CATALOG.get_or_init(amlguard::catalog::Catalog::builtin);
        let (_, _, findings) = amlguard::linter::lint_text(name, &text, catalog);
        for f in findings {
            proptest::prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len());
            proptest::prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
    }
}

/// The JSON summary counts every file read, whatever its format, and every rule, a rule
/// instantiated through Bicep modules once per instance.
#[test]
fn the_summary_counts_files_and_rules_of_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["main.bicep", "alerts.bicep"] {
        let text = std::fs::read_to_string(
            root()
                .join("tests/fixtures/bicep/three-workspaces")
                .join(name),
        )
        .unwrap();
        write(dir.path(), &format!("bicep/{name}"), &text);
    }
    write(
        dir.path(),
        "rules.yaml",
        &format!(
            "rules:\n{RULE_BODY}{}",
            RULE_BODY.replace("name: a", "name: b")
        ),
    );
    // A parameter file that a walked Bicep file uses is read through it, not on its own.
    for name in ["main.bicep", "gpu-alert.bicep", "main.bicepparam"] {
        let text =
            std::fs::read_to_string(root().join("tests/fixtures/bicep/same-rules").join(name))
                .unwrap();
        write(dir.path(), &format!("same-rules/{name}"), &text);
    }
    write(
        dir.path(),
        "failed.kql",
        "AmlComputeJobEvent | where EventType == \"JobFailed\" | count\n",
    );
    std::fs::write(dir.path().join("binary.yaml"), b"\x00\x01\x02rules:\xff\n").unwrap();
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &json["summary"];
    assert_eq!(summary["files"], 5 + 2, "{summary}");
    // alerts.bicep is linted as a file of its own (one rule) and through main.bicep's three
    // module instances; same-rules/ holds three rules.
    assert_eq!(summary["rules"], 2 + 1 + 3 + 3, "{summary}");
    // The findings of the parts linted one by one, each once: bicep/ 4 errors and a note,
    // same-rules/ the same, binary.yaml 1 error, rules.yaml and failed.kql none.
    assert_eq!(
        (&summary["errors"], &summary["warnings"], &summary["notes"]),
        (
            &serde_json::json!(9),
            &serde_json::json!(0),
            &serde_json::json!(2)
        ),
        "{summary}"
    );
    // In the order a one-by-one run reads the files: a file a module pulls in comes where the
    // module reads it.
    let order: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let name = Path::new(file).file_name().unwrap().to_str().unwrap();
            format!("{name}:{}", f["line"])
        })
        .collect();
    assert_eq!(
        order,
        [
            "alerts.bicep:5",
            "alerts.bicep:23",
            "alerts.bicep:23",
            "alerts.bicep:23",
            "alerts.bicep:23",
            "binary.yaml:1",
            "gpu-alert.bicep:6",
            "main.bicepparam:4",
            "main.bicep:45",
            "main.bicep:60",
            "main.bicep:73"
        ]
    );
    assert_eq!(out.status.code(), Some(1));
}

/// A run counts as having linted something when it read only KQL, only `--query`, or only rules
/// instantiated through Bicep modules.
#[test]
fn queries_alone_and_module_instances_alone_are_something_linted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "failed.kql",
        "AmlComputeJobEvent | where EventType == \"JobFailed\" | count\n",
    );
    let kql = dir.path().join("failed.kql");
    let (code, f, stderr) = lint(&[kql.to_str().unwrap()], "");
    assert_eq!((code, f), (0, vec![]), "{stderr}");
    let (code, f, stderr) = lint(&["--query", "AmlComputeJobEvent | count"], "");
    assert_eq!((code, f), (0, vec![]), "{stderr}");

    let main = root().join("tests/fixtures/bicep/three-workspaces/main.bicep");
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json"])
        .arg(&main)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["rules"], 3, "{}", json["summary"]);
}

/// Standard input is named `<stdin>` in the error of a run that found nothing.
#[test]
fn an_empty_standard_input_is_named_in_the_error() {
    let (code, _, stderr) = lint(&["-"], "");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("<stdin>: no alert rule found (1 file read)"),
        "{stderr}"
    );
}

/// A workflow's `run:` script with GitHub Actions expressions (`${{ vars.WS }}`): an expression
/// is one value known only when the workflow runs, so the scope stays unstated and the
/// condition is checked against the workspace; so is an Azure Pipelines macro (`$(WS)`).
#[test]
fn pipeline_expressions_in_a_script_are_one_value_each() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".github/workflows/alerts.yml",
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          az monitor metrics alert create -n gpu-idle -g ${{ vars.RG }} \\\n            --scopes ${{ vars.WORKSPACE_ID }} \\\n            --condition \"avg GpuUtilisation < 10\" --severity 3\n",
    );
    write(
        dir.path(),
        "azure-pipelines.yml",
        "steps:\n  - task: AzureCLI@2\n    inputs:\n      scriptType: bash\n      inlineScript: |\n        az monitor metrics alert create -n b -g $(rg) --scopes $(workspace.id) --condition \"avg GpuUtilisation < 10\"\n",
    );
    let d = dir.path().to_str().unwrap();
    let (code, mut f, stderr) = lint(&[d], "");
    f.sort();
    assert_eq!(code, 1, "{stderr}");
    // The pipeline file's line 6, the workflow's line 9: one finding each, at the metric.
    assert_eq!(
        f,
        vec![
            ("unknown-metric".to_string(), 6, 97),
            ("unknown-metric".to_string(), 9, 30),
        ]
    );
    // A hidden directory that is no pipeline home is still skipped.
    write(
        dir.path(),
        ".cache/alerts.sh",
        "az monitor metrics alert create -n c --condition \"avg GpuUtilisation < 10\"\n",
    );
    let (_, g, _) = lint(&[d], "");
    assert_eq!(g.len(), 2);
}

/// `az monitor metrics alert update --add-condition` is checked like a create's condition,
/// and updating the rule the script created is no second rule of that name.
#[test]
fn a_metric_alert_update_is_checked_and_is_no_second_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "deploy.sh",
        "az monitor metrics alert create -n gpu-idle -g rg --scopes $WS --condition 'avg GpuUtilization < 10'\naz monitor metrics alert update -n gpu-idle -g rg --add-condition 'avg GpuUtilisation < 5' --severity 7\naz monitor metrics alert create -n gpu-idle -g rg --scopes $WS --condition 'avg GpuUtilization < 10'\n",
    );
    let p = dir.path().join("deploy.sh");
    let (code, mut f, stderr) = lint(&[p.to_str().unwrap()], "");
    assert_eq!(code, 1, "{stderr}");
    f.sort();
    assert_eq!(
        f,
        vec![
            ("duplicate-rule-name".to_string(), 3, 36),
            ("severity-out-of-range".to_string(), 2, 103),
            ("unknown-metric".to_string(), 2, 72),
        ]
    );
}

/// A cmd.exe script: `^` continues the line and `%WS%` is a variable, so the condition on the
/// next line is the command's, and is checked.
#[test]
fn a_cmd_script_continues_with_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "deploy.cmd",
        "@echo off\r\naz monitor metrics alert create -n a -g rg --scopes %WS% ^\r\n  --condition \"avg GpuUtilisation < 10\" --severity 3\r\n",
    );
    let p = dir.path().join("deploy.cmd");
    let (code, f, stderr) = lint(&[p.to_str().unwrap()], "");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(f, one("unknown-metric", 3, 20));
}

/// A pipeline's YAML is read scalar by scalar: a double-quoted `run:` with escaped quotes, a
/// folded one (its lines are one command), a plain one; a YAML comment is no script. Every
/// finding lands on the metric, or the KQL, where the file has it.
#[test]
fn scripts_in_yaml_scalars_are_decoded_and_placed_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"on: push
jobs:
  d:
    runs-on: ubuntu-latest
    steps:
      # az monitor metrics alert create -n old
      - run: "az monitor metrics alert create -n a --scopes $WS --condition \"avg GpuUtilisation < 10\""
      - run: >-
          az monitor metrics alert create -n b --scopes $WS
          --condition "avg GpuUtilisation < 10"
      - shell: pwsh
        run: az monitor metrics alert create -n c --scopes $WS --condition "avg GpuUtilisation < 10"
      - run: |
          az monitor scheduled-query create -n d -g rg --scopes $LAW \
            --condition "count 'Q' > 0" \
            --condition-query Q="AmlComputeJobEvent | where EventTyp == 'JobFailed'"
"#;
    write(dir.path(), ".github/workflows/alerts.yml", text);
    let d = dir.path().to_str().unwrap();
    let (code, f, stderr) = lint(&[d], "");
    assert_eq!(code, 1, "{stderr}");
    let at = |line: usize, needle: &str| {
        let l = text.lines().nth(line - 1).unwrap();
        (line as u64, l.find(needle).unwrap() as u64 + 1)
    };
    let want: Vec<(String, u64, u64)> = [
        ("unknown-metric", at(7, "GpuUtilisation")),
        ("unknown-metric", at(10, "GpuUtilisation")),
        ("unknown-metric", at(12, "GpuUtilisation")),
        ("unknown-column", at(16, "EventTyp")),
    ]
    .into_iter()
    .map(|(n, (l, c))| (n.to_string(), l, c))
    .collect();
    let (mut f, mut want) = (f, want);
    f.sort();
    want.sort();
    assert_eq!(f, want, "{stderr}");
}

/// A rule file whose description quotes an az command is read as a rule file: its rule is
/// checked, and the quoted command is not read as a script.
#[test]
fn a_rule_file_that_quotes_an_az_command_is_still_a_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rules.yaml",
        "rules:\n  - name: gpu-idle\n    description: as `az monitor metrics alert create -n gpu-idle --condition \"avg GpuUtilization < 10\"`\n    criteria:\n      - metric: GpuUtilisation\n        aggregation: Average\n        operator: LessThan\n        threshold: 10\n",
    );
    let p = dir.path().join("rules.yaml");
    let (code, f, stderr) = lint(&[p.to_str().unwrap()], "");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(f, one("unknown-metric", 5, 17));
}
