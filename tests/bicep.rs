//! Bicep read natively: a corpus of real public Bicep files (tests/real/bicep, origins in
//! SOURCES.md) that must all parse with every rule seen and no error, mutations of them with
//! one planted mistake each found at its exact line and column, modules followed with their
//! parameters, syntax errors located, and hostile input survived.

mod common;

use common::*;

use std::path::Path;

const REAL: &str = "tests/real/bicep";

/// Every file of the corpus, with the number of metric alerts amlguard must see in it
/// (counted by hand: a module instantiated in a two-item loop is two rules; a web-test
/// availability alert is not a metric-criteria rule).
const CORPUS: &[(&str, u64)] = &[
    (
        "amba/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.bicep",
        1,
    ),
    (
        "amba/ModelDeployFailed_0337a76f-238e-4d4d-9cd1-48b205874dbb.bicep",
        1,
    ),
    (
        "amba/NotRespondingRuns_d3b80f22-9f1d-3038-86ff-c4dd5ba02d7a.bicep",
        1,
    ),
    (
        "amba/QuotaUtilizationPercentage_be3f1bfc-c21a-4399-9b9f-a33ebdc470cb.bicep",
        1,
    ),
    (
        "amba/UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.bicep",
        1,
    ),
    (
        "avm/ptn/ai-ml/ai-foundry/modules/parseResourceIdFunctions.bicep",
        0,
    ),
    ("avm/ptn/subscription/service-health-alerts/main.bicep", 0),
    (
        "avm/ptn/subscription/service-health-alerts/main.bicepparam",
        0,
    ),
    ("avm/res/compute/virtual-machine/main.bicep", 0),
    ("avm/res/insights/action-group/main.bicep", 0),
    ("avm/res/insights/component/main.bicep", 0),
    ("avm/res/insights/metric-alert/main.bicep", 1),
    (
        "avm/res/insights/metric-alert/tests/e2e/defaults/dependencies.bicep",
        0,
    ),
    (
        "avm/res/insights/metric-alert/tests/e2e/defaults/main.test.bicep",
        2,
    ),
    (
        "avm/res/insights/metric-alert/tests/e2e/max/dependencies.bicep",
        0,
    ),
    (
        "avm/res/insights/metric-alert/tests/e2e/max/main.test.bicep",
        2,
    ),
    (
        "avm/res/insights/metric-alert/tests/e2e/waf-aligned/dependencies.bicep",
        0,
    ),
    (
        "avm/res/insights/metric-alert/tests/e2e/waf-aligned/main.test.bicep",
        0,
    ),
    ("avm/res/insights/scheduled-query-rule/main.bicep", 1),
    (
        "avm/res/insights/scheduled-query-rule/tests/e2e/defaults/dependencies.bicep",
        0,
    ),
    (
        "avm/res/insights/scheduled-query-rule/tests/e2e/defaults/main.test.bicep",
        2,
    ),
    (
        "avm/res/insights/scheduled-query-rule/tests/e2e/max/dependencies.bicep",
        0,
    ),
    (
        "avm/res/insights/scheduled-query-rule/tests/e2e/max/main.test.bicep",
        2,
    ),
    (
        "avm/res/insights/scheduled-query-rule/tests/e2e/waf-aligned/dependencies.bicep",
        0,
    ),
    (
        "avm/res/insights/scheduled-query-rule/tests/e2e/waf-aligned/main.test.bicep",
        2,
    ),
    ("avm/res/machine-learning-services/workspace/main.bicep", 0),
    ("avm/res/sql/server/database/main.bicep", 0),
    ("avm/utl/types/avm-common-types/main.bicep", 0),
    ("quickstarts/machine-learning-workspace/main.bicep", 0),
];

#[test]
fn every_real_file_parses_and_every_rule_is_seen() {
    let mut on_disk: Vec<String> = walkdir::WalkDir::new(REAL)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x == "bicep" || x == "bicepparam")
        })
        .map(|e| {
            e.path()
                .strip_prefix(REAL)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CORPUS.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(on_disk, listed, "every corpus file is counted");
    assert!(CORPUS.len() >= 25);
    for (file, rules) in CORPUS {
        let path = format!("{REAL}/{file}");
        let (code, json) = lint_json(&["--allow-empty", &path]);
        assert!(code == 0 || code == 1, "{file}: exit {code}");
        assert_eq!(json["summary"]["rules"], *rules, "{file}: {json}");
        for f in json["findings"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            assert_ne!(name, "bicep-syntax", "{file}: {f}");
            assert_ne!(f["severity"], "error", "{file}: {f}");
        }
    }
}

/// One planted mistake: in `file`, `from` becomes `to`; `check` must be reported at `at.1`
/// bytes into the first occurrence of `at.0` in the mutated text.
struct Mutation {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    check: &'static str,
    at: (&'static str, usize),
}

const AMBA: [&str; 5] = [
    "amba/FailedRuns_c897902c-40a5-497b-a0ce-86c3eda7c61d.bicep",
    "amba/ModelDeployFailed_0337a76f-238e-4d4d-9cd1-48b205874dbb.bicep",
    "amba/NotRespondingRuns_d3b80f22-9f1d-3038-86ff-c4dd5ba02d7a.bicep",
    "amba/QuotaUtilizationPercentage_be3f1bfc-c21a-4399-9b9f-a33ebdc470cb.bicep",
    "amba/UnusableNodes_a171bc0c-676f-464b-a7b5-e50cd6c612a2.bicep",
];

fn mutations() -> Vec<Mutation> {
    let mut v = Vec::new();
    for file in AMBA {
        v.push(Mutation {
            file,
            from: "metricName: '",
            to: "metricName: 'Total ",
            check: "unknown-metric",
            at: ("metricName: 'Total ", 12),
        });
        v.push(Mutation {
            file,
            from: "param alertSeverity int = 3",
            to: "param alertSeverity int = 5",
            check: "severity-out-of-range",
            at: ("alertSeverity int = 5", 20),
        });
        v.push(Mutation {
            file,
            from: "param evaluationFrequency string = 'PT1M'",
            to: "param evaluationFrequency string = 'PT15M'",
            check: "window-shorter-than-frequency",
            // Reported at the window, the field that is too short.
            at: ("param windowSize string = 'PT5M'", 26),
        });
        // A misspelt `criteria` key: the alert has no criteria.
        v.push(Mutation {
            file,
            from: "    criteria: {",
            to: "    criterion: {",
            check: "missing-key",
            at: ("  properties: {", 2),
        });
        v.push(Mutation {
            file,
            from: "param timeAggregation string = '",
            to: "param timeAggregation string = 'Mean",
            check: "invalid-value",
            at: ("param timeAggregation string = 'Mean", 31),
        });
    }
    v.push(Mutation {
        file: AMBA[0],
        from: "dimensions: []",
        to: "dimensions: [{ name: 'DeviceId', operator: 'Include', values: ['0'] }]",
        check: "dimension-not-applicable",
        at: ("'DeviceId'", 0),
    });
    v.push(Mutation {
        file: AMBA[0],
        from: "dimensions: []",
        to: "dimensions: [\n            {\n              name: 'RunType'\n              operator: 'Include'\n              values: ['Nightly']\n            }\n          ]",
        check: "invalid-dimension-value",
        at: ("'Nightly'", 0),
    });
    v.push(Mutation {
        file: AMBA[1],
        from: "dimensions: []",
        to: "dimensions: [{ name: 'DeviceId', operator: 'Include', values: ['0'] }]",
        check: "dimension-not-applicable",
        at: ("'DeviceId'", 0),
    });
    v.push(Mutation {
        file: "avm/res/insights/metric-alert/main.bicep",
        from: "param severity int = 3",
        to: "param severity int = 5",
        check: "severity-out-of-range",
        at: ("param severity int = 5", 21),
    });
    v.push(Mutation {
        file: "avm/res/insights/metric-alert/main.bicep",
        from: "param windowSize string = 'PT15M'",
        to: "param windowSize string = 'PT1M'",
        check: "window-shorter-than-frequency",
        at: ("param windowSize string = 'PT1M'", 26),
    });
    v
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

#[test]
fn every_planted_mistake_is_found_at_its_line_and_column() {
    let muts = mutations();
    assert!(muts.len() >= 20);
    let dir = tempfile::tempdir().unwrap();
    for (i, m) in muts.iter().enumerate() {
        let original = std::fs::read_to_string(format!("{REAL}/{}", m.file)).unwrap();
        assert!(
            original.contains(m.from),
            "{}: `{}` not found",
            m.file,
            m.from
        );
        let mutated = original.replacen(m.from, m.to, 1);
        let anchor = mutated.find(m.at.0).expect("anchor in the mutation") + m.at.1;
        let want = line_col(&mutated, anchor);
        // Linted as deployed: through a .bicepparam that gives the values the template has no
        // default for (the Azure ML workspace target among them).
        let lint = |text: &str, tag: &str| {
            let bicep = format!("m{i}{tag}.bicep");
            std::fs::write(dir.path().join(&bicep), text).unwrap();
            let params = write(
                dir.path(),
                &format!("m{i}{tag}.bicepparam"),
                &format!("using './{bicep}'\n{}", values_for(m.file)),
            );
            let (_, json) = lint_json(&[&params]);
            json
        };
        let json = lint(&mutated, "");
        let got = found(&json);
        assert_eq!(json["summary"]["rules"], 1, "{}: {json}", m.file);
        assert!(
            got.contains(&(m.check.to_string(), want.0, want.1)),
            "{} ({} → {}): want {} at {want:?}, got {got:?}",
            m.file,
            m.from,
            m.to,
            m.check
        );
        // The original file does not have it.
        let json = lint(&original, "-original");
        assert!(
            !found(&json).iter().any(|(c, _, _)| c == m.check),
            "{}: {} already in the original: {json}",
            m.file,
            m.check
        );
    }
}

/// The `.bicepparam` values a corpus template is deployed with in the mutation tests.
fn values_for(file: &str) -> &'static str {
    if file.starts_with("amba/") {
        "param alertName = 'aml-alert'\nparam targetResourceId = ['/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/aml-prod']\nparam targetResourceRegion = 'westeurope'\nparam targetResourceType = 'Microsoft.MachineLearningServices/workspaces'\n"
    } else {
        "param name = 'aml-failed-runs'\nparam targetResourceType = 'Microsoft.MachineLearningServices/workspaces'\nparam scopes = ['/subscriptions/0000/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/aml-prod']\nparam criteria = {\n  'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'\n  allof: [\n    {\n      criterionType: 'StaticThresholdCriterion'\n      name: 'failed'\n      metricName: 'Failed Runs'\n      operator: 'GreaterThan'\n      threshold: 0\n      timeAggregation: 'Total'\n    }\n  ]\n}\n"
    }
}

/// A workspace, as a metric alert's `scopes` name it.
const WORKSPACE: &str =
    "'/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w'";

/// A metric alert resource on [`WORKSPACE`] whose `criteria` are the expression given.
fn metric_alert(name: &str, criteria: &str) -> String {
    format!(
        "resource {name} 'Microsoft.Insights/metricAlerts@2018-03-01' = {{\n  name: '{name}'\n  location: 'global'\n  properties: {{\n    severity: 2\n    enabled: true\n    scopes: [{WORKSPACE}]\n    evaluationFrequency: 'PT5M'\n    windowSize: 'PT15M'\n    criteria: {criteria}\n  }}\n}}\n"
    )
}

/// The `criteria` of one static criterion, indented for [`metric_alert`].
fn one_criterion(metric: &str, operator: &str, threshold: &str) -> String {
    format!(
        "{{\n      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'\n      allOf: [\n        {{\n          name: 'c1'\n          metricName: '{metric}'\n          timeAggregation: 'Average'\n          operator: '{operator}'\n          threshold: {threshold}\n          criterionType: 'StaticThresholdCriterion'\n        }}\n      ]\n    }}"
    )
}

/// A CPU alert named `cpu` on the virtual machine `scope` (a Bicep expression).
fn cpu_alert_on(scope: &str) -> String {
    format!(
        "resource cpu 'Microsoft.Insights/metricAlerts@2018-03-01' = {{\n  name: 'cpu'\n  properties: {{\n    scopes: [{scope}]\n    criteria: {{\n      allOf: [{{ metricName: 'Percentage CPU', timeAggregation: 'Average', operator: 'GreaterThan', threshold: 90 }}]\n    }}\n  }}\n}}\n"
    )
}

/// `(check, file, line, column, end column)` of each finding, in the report's order.
fn located(json: &serde_json::Value) -> Vec<(String, String, u64, u64, u64)> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["end_column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn a_module_instantiated_three_times_is_checked_three_times() {
    let main = "tests/fixtures/bicep/three-workspaces/main.bicep";
    let (code, json) = lint_json(&[main]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["summary"]["rules"], 3);
    let hits: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "dimension-not-applicable")
        .collect();
    assert_eq!(hits.len(), 3, "{json}");
    let mut calls = Vec::new();
    for h in &hits {
        assert!(h["file"].as_str().unwrap().ends_with("alerts.bicep"), "{h}");
        assert_eq!(
            (h["line"].as_u64(), h["column"].as_u64()),
            (Some(23), Some(32))
        );
        let r = &h["related"][0];
        assert!(r["file"].as_str().unwrap().ends_with("main.bicep"), "{h}");
        calls.push(r["line"].as_u64().unwrap());
    }
    calls.sort();
    assert_eq!(calls, vec![3, 3, 8]);
    // Three instances, three names: no duplicate-rule-name.
    assert!(
        !found(&json)
            .iter()
            .any(|(c, _, _)| c == "duplicate-rule-name")
    );
}

#[test]
fn module_cycles_and_missing_modules_are_notes() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.bicep",
        "module b './b.bicep' = {\n  name: 'b'\n}\nmodule gone './missing.bicep' = {\n  name: 'x'\n}\nmodule reg 'br/public:avm/res/insights/metric-alert:0.4.0' = {\n  name: 'r'\n}\n",
    );
    write(
        dir.path(),
        "b.bicep",
        "module a './a.bicep' = {\n  name: 'a'\n}\n",
    );
    let (code, json) = lint_json(&["--allow-empty", &a]);
    assert_eq!(code, 0, "{json}");
    let got = found(&json);
    assert_eq!(
        got,
        vec![
            ("unresolved-expression".to_string(), 1, 8),
            ("unresolved-expression".to_string(), 4, 8),
        ],
        "{json}"
    );
    let msgs: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("cycle")), "{msgs:?}");
}

#[test]
fn loops_conditions_and_runtime_values() {
    let dir = tempfile::tempdir().unwrap();
    let text = "param deploy bool = false
param names array = ['a', 'b']
param ids array

resource off 'Microsoft.Insights/metricAlerts@2018-03-01' = if (deploy) {
  name: 'never'
  properties: { severity: 9 }
}

resource each 'Microsoft.Insights/metricAlerts@2018-03-01' = [for (n, i) in names: {
  name: 'alert-${n}-${i}'
  properties: {
    severity: i + 4
    targetResourceType: 'Microsoft.MachineLearningServices/workspaces'
  }
}]

resource runtime 'Microsoft.Insights/metricAlerts@2018-03-01' = [for id in ids: {
  name: 'x'
  properties: {}
}]

resource logs 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'log'
  properties: {}
}
";
    let p = write(dir.path(), "loops.bicep", text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    // The false condition creates nothing; the loop creates two rules, one with severity 5;
    // the log alert is a rule too.
    assert_eq!(json["summary"]["rules"], 3);
    let got = found(&json);
    assert!(
        got.contains(&("severity-out-of-range".to_string(), 13, 15)),
        "{got:?}"
    );
    assert!(
        got.contains(&("unresolved-expression".to_string(), 18, 76)),
        "{got:?}"
    );
    assert!(
        !got.iter()
            .any(|(c, l, _)| c == "severity-out-of-range" && *l == 7)
    );
}

/// A loop deploys one rule per item; a mistake in the rule's text is the same in every
/// instance and is reported once, while findings that name the instance stay apart.
#[test]
fn a_mistake_repeated_by_a_loop_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let text = "param clusters array = ['a', 'b', 'c']

resource alerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [for c in clusters: {
  name: 'unusable-${c}'
  location: 'global'
  properties: {
    severity: 2
    scopes: [resourceId('Microsoft.MachineLearningServices/workspaces', 'ws')]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'c1'
          metricName: 'UnusableNodez'
          metricNamespace: 'Microsoft.MachineLearningServices/workspaces'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
          criterionType: 'StaticThresholdCriterion'
        }
      ]
    }
  }
}]
";
    let p = write(dir.path(), "loop.bicep", text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["summary"]["rules"], 3);
    assert_eq!(json["summary"]["errors"], 1, "{json}");
    assert_eq!(found(&json), vec![("unknown-metric".to_string(), 16, 23)]);
}

#[test]
fn syntax_errors_are_located_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.bicep",
        "param a string = 'x\nvar ok = 1\nresource r 'Microsoft.Insights/metricAlerts@2018-03-01' = {\n  name: 'r'\n  properties: {\n    severity: 7\n  }\n}\n",
    );
    let good = write(dir.path(), "good.bicep", "param p int = 1\n");
    let (code, json) = lint_json(&[&bad, &good]);
    assert_eq!(code, 1);
    let got = found(&json);
    // The unterminated string, at its opening quote; the declarations after it still read.
    assert!(
        got.contains(&("bicep-syntax".to_string(), 1, 18)),
        "{got:?}"
    );
    assert!(
        got.contains(&("severity-out-of-range".to_string(), 6, 15)),
        "{got:?}"
    );
    assert_eq!(json["summary"]["files"], 2);
}

#[test]
fn hostile_input_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = std::fs::read_to_string(format!("{REAL}/{}", AMBA[0])).unwrap();
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xef\xbb\xbf".to_vec(),
        vec![0u8; 64],
        b"'''".to_vec(),
        b"var a = '${".to_vec(),
        "var a = ".repeat(10_000).into_bytes(),
        format!("var a = {}1{}", "[".repeat(5_000), "]".repeat(5_000)).into_bytes(),
        format!("var a = {}", "(".repeat(100_000)).into_bytes(),
        format!("var a = {}1", "-".repeat(10_000)).into_bytes(),
        format!("var a = {}x", "!".repeat(100_000)).into_bytes(),
        "var a = 'é\\u{ZZ}'\nvar b = '\\u{110000}'\n".into(),
        "module m './m.bicep' = {\n".into(),
        "var a = a\nvar b = c\nvar c = b\nresource r 'Microsoft.Insights/metricAlerts@2018-03-01' = { name: b }\n".into(),
    ];
    for cut in [1, 100, 1000, corpus.len() / 2, corpus.len() - 1] {
        inputs.push(corpus.as_bytes()[..cut].to_vec());
    }
    for (i, bytes) in inputs.iter().enumerate() {
        let p = dir.path().join(format!("h{i}.bicep"));
        std::fs::write(&p, bytes).unwrap();
        let out = amlguard()
            .args(["--no-config", "lint", "--allow-empty", "--format", "json"])
            .arg(&p)
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "input {i}: {code:?} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A module that calls itself through a loop is not followed forever.
    let p = write(
        dir.path(),
        "self.bicep",
        "module again './self.bicep' = [for i in range(0, 3): {\n  name: 'x${i}'\n}]\n",
    );
    let (code, _) = lint_json(&["--allow-empty", &p]);
    assert_eq!(code, 0);
}

#[test]
fn a_directory_walk_lints_a_template_through_its_bicepparam_once() {
    let (code, json) = lint_json(&["tests/fixtures/bicep/same-rules"]);
    assert_eq!(code, 1);
    // main.bicepparam (with main.bicep and its module: 2 rules) and gpu-alert.bicep on its
    // own (1 rule); main.bicep is not linted a second time without the parameter values.
    assert_eq!(json["summary"]["files"], 2, "{json}");
    assert_eq!(json["summary"]["rules"], 3, "{json}");
    let got = found(&json);
    assert_eq!(
        got.iter()
            .filter(|(c, _, _)| c == "dimension-not-applicable")
            .count(),
        1,
        "{got:?}"
    );
    assert!(
        !got.iter().any(|(c, _, _)| c == "unresolved-expression"),
        "{got:?}"
    );
}

#[test]
fn the_library_reads_one_bicep_text_without_the_file_system() {
    let text = std::fs::read_to_string(format!("{REAL}/{}", AMBA[0])).unwrap();
    let read = amlguard::rules::read_source(
        "FailedRuns.bicep",
        &text,
        amlguard::source::FileId(3),
        true,
        &[],
    )
    .unwrap();
    assert_eq!(read.rules.len(), 1);
    assert_eq!(read.rules[0].criteria[0].metric.value, "Failed Runs");
    assert!(read.findings.iter().all(|f| f.file.0 == 3));
    // The reader's own findings come back, in the file given.
    let text = "resource a 'Microsoft.Insights/metricAlerts@2018-03-01' = {\n  name: 'a'\n  properties: {}\n}\nresource b 'x' = {\n";
    let read =
        amlguard::rules::read_source("a.bicep", text, amlguard::source::FileId(3), true, &[])
            .unwrap();
    let found: Vec<(&str, usize, &str)> = read
        .findings
        .iter()
        .map(|f| (f.check.name, f.file.0, &text[f.span.start..f.span.end]))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].0, found[0].1), ("bicep-syntax", 3));
    assert_eq!(found[1], ("missing-key", 3, "properties"));
}

#[test]
fn a_local_module_output_tells_the_target() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "vm.bicep",
        "param name string\nresource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {\n  name: name\n}\noutput id string = vm.id\n",
    );
    let main = write(
        dir.path(),
        "main.bicep",
        &format!(
            "module vm './vm.bicep' = {{\n  name: 'vm'\n  params: {{ name: 'box' }}\n}}\n{}",
            cpu_alert_on("vm.outputs.id")
        ),
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 0, "{json}");
    // Not checked against the workspace catalog: the module says it is a virtual machine.
    assert_eq!(
        found(&json),
        vec![("not-a-workspace-rule".to_string(), 6, 9)],
        "{json}"
    );
}

/// An output that leads back to its own file (`output id = again.outputs.id` where `again` is
/// the file itself) is followed only to the module depth limit: with no limit, the evaluation
/// overflows the stack.
#[test]
fn a_module_output_that_leads_back_to_its_file_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.bicep",
        "module again './a.bicep' = {\n  name: 'again'\n}\noutput id string = again.outputs.id\n",
    );
    let main = write(
        dir.path(),
        "main.bicep",
        &format!(
            "module a './a.bicep' = {{\n  name: 'a'\n}}\n{}",
            cpu_alert_on("a.outputs.id")
        ),
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        found(&json),
        vec![
            ("unresolved-expression".to_string(), 1, 8),
            ("unresolved-target".to_string(), 5, 9),
        ],
        "{json}"
    );
}

/// Module outputs are followed through eight files (the rule's own among them) and no further:
/// a chain of distinct files (no cycle) one file longer leaves the target unresolved.
#[test]
fn module_outputs_are_followed_eight_files_deep() {
    let main = |dir: &std::path::Path, first: usize| {
        write(
            dir,
            "main.bicep",
            &format!(
                "module a './m{first}.bicep' = {{\n  name: 'a'\n}}\n{}",
                cpu_alert_on("a.outputs.id")
            ),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=7 {
        write(
            dir.path(),
            &format!("m{i}.bicep"),
            &format!(
                "module next './m{}.bicep' = {{\n  name: 'n'\n}}\noutput id string = next.outputs.id\n",
                i + 1
            ),
        );
    }
    write(
        dir.path(),
        "m8.bicep",
        "resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' existing = {\n  name: 'box'\n}\noutput id string = vm.id\n",
    );
    // main → m2 → … → m8: eight files, and the target at the end is read.
    let (code, json) = lint_json(&[&main(dir.path(), 2)]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        found(&json),
        vec![("not-a-workspace-rule".to_string(), 5, 9)],
        "{json}"
    );
    // main → m1 → … → m8: one file more, and the last is not read.
    let (code, json) = lint_json(&[&main(dir.path(), 1)]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        found(&json),
        vec![("unresolved-target".to_string(), 5, 9)],
        "{json}"
    );
}

/// Criteria from a module's outputs (an object, and an array used as `allOf`): the misspelt
/// metric deep inside each is reported where the output is used, in the file being linted.
#[test]
fn a_mistake_inside_a_module_output_is_reported_where_the_output_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let items = "[\n  {\n    name: 'c1'\n    metricName: 'CpuUtilizaton'\n    timeAggregation: 'Average'\n    operator: 'GreaterThan'\n    threshold: 90\n    criterionType: 'StaticThresholdCriterion'\n  }\n]";
    write(
        dir.path(),
        "crit.bicep",
        &format!(
            "output crit object = {}\noutput items array = {items}\n",
            one_criterion("GpuUtilizaton", "LessThan", "10")
        ),
    );
    let main = write(
        dir.path(),
        "main.bicep",
        &format!(
            "module c './crit.bicep' = {{\n  name: 'c'\n}}\n{}{}",
            metric_alert("gpu", "c.outputs.crit"),
            metric_alert(
                "cpu",
                "{\n      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'\n      allOf: c.outputs.items\n    }"
            )
        ),
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 1, "{json}");
    let at = |line, column, end| {
        (
            "unknown-metric".to_string(),
            main.clone(),
            line,
            column,
            end,
        )
    };
    // `c.outputs.crit` and `c.outputs.items`.
    assert_eq!(located(&json), [at(13, 15, 29), at(27, 14, 29)], "{json}");
}

/// A module output that cannot be known offline is noted at its use, quoting the expression
/// written there, with the reason found inside the module's parameters.
#[test]
fn an_unknown_module_output_is_noted_as_written_where_it_is_used() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "t.bicep",
        "param limit int\noutput t int = limit\n",
    );
    let main = write(
        dir.path(),
        "main.bicep",
        &format!(
            "module c './t.bicep' = {{\n  name: 'c'\n  params: {{\n    limit: undefinedThing\n  }}\n}}\n{}",
            metric_alert(
                "gpu",
                &one_criterion("GpuUtilization", "LessThan", "c.outputs.t")
            )
        ),
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        located(&json),
        [(
            "unresolved-expression".to_string(),
            main.clone(),
            24,
            22,
            33
        )],
        "{json}"
    );
    assert_eq!(
        json["findings"][0]["message"],
        "threshold `c.outputs.t` is not checked: `undefinedThing` is not declared in this file"
    );
}

/// A loop variable is bound inside its loop only: `scopes: [m]` after `allOf: [for m in …]`
/// names no variable, so the target is unresolved at `m` itself (not at the last item the
/// loop took).
#[test]
fn a_loop_variable_does_not_outlive_its_loop() {
    let dir = tempfile::tempdir().unwrap();
    let main = write(
        dir.path(),
        "main.bicep",
        "var metrics = ['GpuUtilization', 'CpuUtilization']\nresource a 'Microsoft.Insights/metricAlerts@2018-03-01' = {\n  name: 'a'\n  location: 'global'\n  properties: {\n    severity: 2\n    evaluationFrequency: 'PT5M'\n    windowSize: 'PT15M'\n    criteria: {\n      'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'\n      allOf: [for m in metrics: {\n        name: m\n        metricName: m\n        timeAggregation: 'Average'\n        operator: 'GreaterThan'\n        threshold: 90\n        criterionType: 'StaticThresholdCriterion'\n      }]\n    }\n    scopes: [m]\n  }\n}\n",
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 0, "{json}");
    let f = &json["findings"][0];
    let given = &f["related"][0];
    assert_eq!(
        (
            f["name"].as_str(),
            f["line"].as_u64(),
            given["line"].as_u64(),
            given["column"].as_u64(),
        ),
        (Some("unresolved-target"), Some(3), Some(20), Some(14)),
        "{json}"
    );
    assert_eq!(json["findings"].as_array().unwrap().len(), 1, "{json}");
}

/// A value from a parameter file has no place of its own in the template: a finding on it is
/// at its use (`threshold: limit`). A value a calling module writes out is where it is written,
/// with the module's declaration as the way there.
#[test]
fn a_parameter_value_is_reported_where_it_is_written_or_used() {
    let dir = tempfile::tempdir().unwrap();
    let alert = write(
        dir.path(),
        "alert.bicep",
        &format!(
            "param limit int\n{}",
            metric_alert(
                "gpu",
                &one_criterion("GpuUtilization", "GreaterThan", "limit")
            )
        ),
    );
    let values = write(
        dir.path(),
        "values.json",
        r#"{"parameters": {"limit": {"value": 150}}}"#,
    );
    let main = write(
        dir.path(),
        "main.bicep",
        "module a './alert.bicep' = {\n  name: 'a'\n  params: {\n    limit: 150\n  }\n}\n",
    );
    let out_of_range = "threshold-out-of-range".to_string();
    let (code, json) = lint_json(&[&alert, "--parameters", &values]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        located(&json),
        [(out_of_range.clone(), alert.clone(), 19, 22, 27)],
        "{json}"
    );
    assert_eq!(json["findings"][0]["related"], serde_json::json!([]));
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        located(&json),
        [(out_of_range, main.clone(), 4, 12, 15)],
        "{json}"
    );
    // The way there: the module's declaration.
    let related = &json["findings"][0]["related"];
    assert_eq!(
        (related[0]["file"].as_str(), related[0]["line"].as_u64()),
        (Some(main.as_str()), Some(1))
    );
    assert_eq!(related.as_array().map(Vec::len), Some(1));
}

/// Arrays inside arrays anywhere in an alert's body (here its tags) are lowered like any
/// value: the alert is read and checked, and nothing else is reported.
#[test]
fn nested_arrays_in_an_alert_body_are_lowered() {
    let dir = tempfile::tempdir().unwrap();
    let main = write(
        dir.path(),
        "main.bicep",
        &metric_alert("gpu", &one_criterion("GpuUtilizaton", "LessThan", "10")).replacen(
            "  location: 'global'\n",
            "  location: 'global'\n  tags: {\n    a: [[['x']], [[1, [2]]]]\n  }\n",
            1,
        ),
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        located(&json),
        [("unknown-metric".to_string(), main.clone(), 18, 23, 38)],
        "{json}"
    );
}

#[test]
fn suppression_comments_in_a_module_and_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let module = std::fs::read_to_string("tests/fixtures/bicep/three-workspaces/alerts.bicep")
        .unwrap()
        .replace(
            "          dimensions: [{",
            "          // amlguard: ignore[dimension-not-applicable] GPU node filter kept for parity\n          dimensions: [{",
        );
    write(dir.path(), "alerts.bicep", &module);
    let main = write(
        dir.path(),
        "main.bicep",
        "module one './alerts.bicep' = {\n  name: 'one'\n  params: { workspaceName: 'w' } // amlguard: ignore[unknown-metric]\n}\n",
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(
        found(&json),
        vec![("unused-suppression".to_string(), 3, 34)],
        "{json}"
    );
    // A warning does not fail the run by default.
    assert_eq!(code, 0);
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(format!("{REAL}/{}", AMBA[0])).unwrap();
    let mutated = original.replace("metricName: 'Failed Runs'", "metricName: 'Failed Run'");
    let crlf = format!("\u{feff}{}", mutated.replace('\n', "\r\n"));
    let p = write(dir.path(), "crlf.bicep", &crlf);
    // The target from an ARM parameter file, as `az deployment group create --parameters` takes.
    let values = write(
        dir.path(),
        "values.json",
        r#"{"parameters": {"targetResourceType": {"value": "Microsoft.MachineLearningServices/workspaces"}}}"#,
    );
    let (_, json) = lint_json(&[&p, "--parameters", &values]);
    assert_eq!(json["summary"]["rules"], 1);
    let got = found(&json);
    assert!(
        got.contains(&("unknown-metric".to_string(), 108, 23)),
        "{got:?}"
    );
    assert!(!got.iter().any(|(c, _, _)| c == "bicep-syntax"), "{got:?}");
}

#[test]
fn criteria_from_a_parameter_without_a_value_are_a_note_not_a_type_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "carml.bicep",
        "param criterias array\nresource a 'Microsoft.Insights/metricAlerts@2018-03-01' = {\n  name: 'a'\n  properties: {\n    targetResourceType: 'Microsoft.MachineLearningServices/workspaces'\n    criteria: {\n      'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'\n      allOf: criterias\n    }\n  }\n}\n",
    );
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        found(&json),
        vec![("unresolved-expression".to_string(), 8, 14)]
    );
}

/// `properties` without `criteria` is the error ARM gets, at `properties`; `criteria` known
/// only at deployment, or `properties` as a whole, is a note, not a missing key.
#[test]
fn a_metric_alert_without_criteria_is_an_error_at_its_properties() {
    let dir = tempfile::tempdir().unwrap();
    let rule = |name: &str, props: &str| {
        format!(
            "resource {name} 'Microsoft.Insights/metricAlerts@2018-03-01' = {{\n  name: '{name}'\n  location: 'global'\n  properties: {props}\n}}\n"
        )
    };
    let text = format!(
        "param c object\nparam p object\n{}{}{}",
        rule("none", "{\n    severity: 3\n  }"),
        rule("unknown", "{\n    severity: 3\n    criteria: c\n  }"),
        rule("whole", "p"),
    );
    let p = write(dir.path(), "alerts.bicep", &text);
    let (code, json) = lint_json(&[&p]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        found(&json),
        vec![
            ("missing-key".to_string(), 6, 3),
            ("unresolved-expression".to_string(), 15, 15),
            ("unresolved-expression".to_string(), 21, 15),
        ],
        "{json}"
    );
}

/// Modules are followed eight deep: the ninth file's rule is read, and its module call is a
/// note, not followed.
#[test]
fn modules_are_followed_eight_deep() {
    let dir = tempfile::tempdir().unwrap();
    let rule = |k: usize| {
        format!(
            "resource a{k} 'Microsoft.Insights/metricAlerts@2018-03-01' = {{\n  name: 'a{k}'\n  location: 'global'\n  properties: {{\n    criteria: {{\n      'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'\n      allOf: [\n        {{\n          name: 'c'\n          metricName: 'GpuUtilisation'\n          timeAggregation: 'Average'\n          operator: 'LessThan'\n          threshold: 10\n        }}\n      ]\n    }}\n  }}\n}}\n"
        )
    };
    // m0 (the file linted) calls m1, …, m9 calls m10.
    for k in 0..=10 {
        let text = format!(
            "module next './m{}.bicep' = {{\n  name: 'm{}'\n}}\n{}",
            k + 1,
            k + 1,
            rule(k)
        );
        write(dir.path(), &format!("m{k}.bicep"), &text);
    }
    let m0 = dir.path().join("m0.bicep");
    let (code, json) = lint_json(&[m0.to_str().unwrap()]);
    assert_eq!(code, 1, "{json}");
    let findings = json["findings"].as_array().unwrap();
    let files = |name: &str| -> Vec<String> {
        let mut v: Vec<String> = findings
            .iter()
            .filter(|f| f["name"] == name)
            .map(|f| {
                let file = f["file"].as_str().unwrap();
                file.rsplit('/').next().unwrap().to_string()
            })
            .collect();
        v.sort();
        v
    };
    // m0 … m8 are read, nine files.
    let read: Vec<String> = (0..=8).map(|k| format!("m{k}.bicep")).collect();
    assert_eq!(files("unknown-metric"), read, "{json}");
    assert_eq!(json["summary"]["rules"], 9);
    let notes: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["name"] == "unresolved-expression")
        .map(|f| {
            (
                f["file"].as_str().unwrap().rsplit('/').next().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        notes,
        [(
            "m8.bicep",
            "module `next` is nested more than 8 deep; not followed"
        )],
        "{json}"
    );
}

/// Each instance of a module loop is named by its item in the finding's related label:
/// a string quoted, a number as written, anything else by its index; an item a condition
/// leaves out makes no instance and no label.
#[test]
fn each_module_instance_is_labelled_with_its_item() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "alert.bicep",
        "resource a 'Microsoft.Insights/metricAlerts@2018-03-01' = {\n  name: 'a'\n  location: 'global'\n  properties: {\n    criteria: {\n      'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'\n      allOf: [\n        {\n          name: 'c'\n          metricName: 'GpuUtilisation'\n          timeAggregation: 'Average'\n          operator: 'LessThan'\n          threshold: 10\n        }\n      ]\n    }\n  }\n}\n",
    );
    let main = write(
        dir.path(),
        "main.bicep",
        "module m './alert.bicep' = [for ws in ['dev', 'test']: if (ws != 'dev') {\n  name: 'm-${ws}'\n}]\nmodule n './alert.bicep' = [for k in [3, 4]: {\n  name: 'n-${k}'\n}]\nmodule o './alert.bicep' = [for b in [true]: {\n  name: 'o'\n}]\n",
    );
    let (code, json) = lint_json(&[&main]);
    assert_eq!(code, 1, "{json}");
    let mut labels: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "unknown-metric")
        .map(|f| f["related"][0]["message"].as_str().unwrap().to_string())
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        [
            "instantiated by module `m` here (ws = 'test')",
            "instantiated by module `n` here (k = 3)",
            "instantiated by module `n` here (k = 4)",
            "instantiated by module `o` here (item 0)",
        ],
        "{json}"
    );
}
