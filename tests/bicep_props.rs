//! Property test: any generated metric alert, written as Bicep and as an ARM template, gives
//! the same findings (by check, in the same order of position) through the two readers.

use amlguard::linter::load_catalog;
use amlguard::rules;
use amlguard::source::{SourceFile, SourceMap};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Dim {
    name: String,
    operator: &'static str,
    values: Vec<String>,
}

#[derive(Debug, Clone)]
struct Crit {
    metric: String,
    aggregation: &'static str,
    operator: &'static str,
    threshold: i64,
    dims: Vec<Dim>,
}

#[derive(Debug, Clone)]
struct Alert {
    name: String,
    severity: i64,
    frequency: &'static str,
    window: &'static str,
    target: &'static str,
    criteria: Vec<Crit>,
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Failed Runs",
            "Failed Run",
            "CpuUtilization",
            "GpuUtilization",
            "Model Deploy Failed",
            "RunType",
            "DeviceId",
            "NodeId",
            "ComputeType",
            "Pipeline",
            "Nightly",
            "0",
        ])
        .prop_map(str::to_string),
        // Text that needs escaping in both languages.
        "[a-zA-Z '$\\\\{}\"]{0,12}",
    ]
}

fn alert() -> impl Strategy<Value = Alert> {
    let dim = (
        text(),
        prop::sample::select(vec!["Include", "Exclude", "StartsWith", "Contains"]),
        prop::collection::vec(text(), 1..3),
    )
        .prop_map(|(name, operator, values)| Dim {
            name,
            operator,
            values,
        });
    let crit = (
        text(),
        prop::sample::select(vec![
            "Average", "Total", "Maximum", "Minimum", "Count", "Sum",
        ]),
        prop::sample::select(vec![
            "GreaterThan",
            "LessThan",
            "Equals",
            "GreaterThanOrEqual",
            "Above",
        ]),
        -10i64..200,
        prop::collection::vec(dim, 0..3),
    )
        .prop_map(|(metric, aggregation, operator, threshold, dims)| Crit {
            metric,
            aggregation,
            operator,
            threshold,
            dims,
        });
    (
        text(),
        -1i64..7,
        prop::sample::select(vec!["PT1M", "PT5M", "PT15M", "PT1H", "P1D", "5m"]),
        prop::sample::select(vec!["PT1M", "PT5M", "PT15M", "PT1H", "P1D", "PT2M"]),
        prop::sample::select(vec![
            "Microsoft.MachineLearningServices/workspaces",
            "Microsoft.Compute/virtualMachines",
        ]),
        prop::collection::vec(crit, 1..3),
    )
        .prop_map(
            |(name, severity, frequency, window, target, criteria)| Alert {
                name,
                severity,
                frequency,
                window,
                target,
                criteria,
            },
        )
}

fn bicep_str(s: &str) -> String {
    let mut out = String::from("'");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn render_bicep(a: &Alert) -> String {
    let mut t = format!(
        "resource alert 'Microsoft.Insights/metricAlerts@2018-03-01' = {{\n  name: {}\n  location: 'global'\n  properties: {{\n    severity: {}\n    evaluationFrequency: {}\n    windowSize: {}\n    targetResourceType: {}\n    criteria: {{\n      'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'\n      allOf: [\n",
        bicep_str(&a.name),
        a.severity,
        bicep_str(a.frequency),
        bicep_str(a.window),
        bicep_str(a.target)
    );
    for c in &a.criteria {
        t.push_str(&format!(
            "        {{\n          metricName: {}\n          timeAggregation: {}\n          operator: {}\n          threshold: {}\n          dimensions: [\n",
            bicep_str(&c.metric),
            bicep_str(c.aggregation),
            bicep_str(c.operator),
            c.threshold
        ));
        for d in &c.dims {
            let values: Vec<String> = d.values.iter().map(|v| bicep_str(v)).collect();
            t.push_str(&format!(
                "            {{ name: {}, operator: {}, values: [{}] }}\n",
                bicep_str(&d.name),
                bicep_str(d.operator),
                values.join(", ")
            ));
        }
        t.push_str("          ]\n        }\n");
    }
    t.push_str("      ]\n    }\n  }\n}\n");
    t
}

fn render_arm(a: &Alert) -> String {
    let mut crits = Vec::new();
    for c in &a.criteria {
        let dims: Vec<String> = c
            .dims
            .iter()
            .map(|d| {
                let values: Vec<String> = d.values.iter().map(|v| json_str(v)).collect();
                format!(
                    "{{\"name\": {}, \"operator\": {}, \"values\": [{}]}}",
                    json_str(&d.name),
                    json_str(d.operator),
                    values.join(", ")
                )
            })
            .collect();
        crits.push(format!(
            "{{\"metricName\": {}, \"timeAggregation\": {}, \"operator\": {}, \"threshold\": {}, \"dimensions\": [{}]}}",
            json_str(&c.metric),
            json_str(c.aggregation),
            json_str(c.operator),
            c.threshold,
            dims.join(", ")
        ));
    }
    format!(
        "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n\"resources\": [{{\"type\": \"Microsoft.Insights/metricAlerts\", \"name\": {}, \"location\": \"global\",\n\"properties\": {{\"severity\": {}, \"evaluationFrequency\": {}, \"windowSize\": {}, \"targetResourceType\": {},\n\"criteria\": {{\"odata.type\": \"Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria\", \"allOf\": [{}]}}}}}}]}}\n",
        json_str(&a.name),
        a.severity,
        json_str(a.frequency),
        json_str(a.window),
        json_str(a.target),
        crits.join(",\n")
    )
}

/// The checks reported, in order of position, with their messages.
fn findings(name: &str, text: &str) -> Vec<(String, String)> {
    let mut sources = SourceMap::new();
    let (catalog, _, _) = load_catalog(&[], &mut sources);
    let id = sources.add(SourceFile::new(name, text.to_string()));
    let (mut findings, rules) = if name.ends_with(".bicep") {
        let read = rules::bicep::read(id, &mut sources, &[]);
        (
            read.findings,
            read.rules.into_iter().map(|r| r.rule).collect::<Vec<_>>(),
        )
    } else {
        let read = rules::read_source(name, text, id, true, &[]).expect("a template");
        (read.findings, read.rules)
    };
    findings.extend(amlguard::lint::check_rules(&catalog, &rules));
    findings.sort_by_key(|f| (f.span.start, f.check.code));
    findings
        .into_iter()
        .map(|f| (f.check.name.to_string(), f.message))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn bicep_and_arm_give_the_same_findings(a in alert()) {
        let bicep = render_bicep(&a);
        let arm = render_arm(&a);
        let b = findings("alert.bicep", &bicep);
        let j = findings("alert.json", &arm);
        prop_assert_eq!(&b, &j, "\n{}\n{}", bicep, arm);
    }
}

#[test]
fn the_comparison_sees_real_findings() {
    let a = Alert {
        name: "it's ${x}".into(),
        severity: 5,
        frequency: "PT15M",
        window: "PT5M",
        target: "Microsoft.MachineLearningServices/workspaces",
        criteria: vec![Crit {
            metric: "Failed Run".into(),
            aggregation: "Total",
            operator: "GreaterThan",
            threshold: 0,
            dims: vec![Dim {
                name: "DeviceId".into(),
                operator: "Include",
                values: vec!["0".into()],
            }],
        }],
    };
    let b = findings("alert.bicep", &render_bicep(&a));
    let names: Vec<&str> = b.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"severity-out-of-range"), "{b:?}");
    assert!(names.contains(&"window-shorter-than-frequency"), "{b:?}");
    assert!(names.contains(&"unknown-metric"), "{b:?}");
    assert_eq!(b, findings("alert.json", &render_arm(&a)));
}
