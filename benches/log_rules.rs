//! Log alert rules end to end on one core: 10,000 scheduled query rules, written as one ARM
//! template and as one YAML rule file, read and checked (every query parsed and checked
//! against the Azure ML tables, every rule-level check run). Criterion reports elements/s:
//! rules, i.e. queries, per second.

use amlguard::catalog::Catalog;
use amlguard::linter::lint_text;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const RULES: usize = 10_000;

/// Queries alert rules use, one in ten with a mistake.
const QUERIES: &[(&str, &str, &str)] = &[
    (
        "AmlComputeJobEvent\n| where EventType == \"JobFailed\"\n| summarize Failed = count() by ClusterName, bin(TimeGenerated, 15m)",
        "Total",
        "Failed",
    ),
    (
        "AmlRunStatusChangedEvent\n| summarize arg_max(TimeGenerated, Status) by RunId\n| where Status in (\"Queued\", \"Preparing\") and TimeGenerated < ago(2h)",
        "Count",
        "",
    ),
    (
        "AmlComputeClusterEvent\n| summarize Unusable = max(UnusableNodeCount) by ClusterName, bin(TimeGenerated, 15m)",
        "Maximum",
        "Unusable",
    ),
    (
        "AmlDeploymentEvent\n| where ResultType == \"Failed\"\n| summarize Failed = count() by AmlServiceName, bin(TimeGenerated, 15m)",
        "Total",
        "Failed",
    ),
    (
        "let failed = AmlComputeJobEvent | where EventType == \"JobFailed\" | project JobId, ClusterName;\nfailed\n| join kind=inner (AmlComputeJobEvent | where EventType == \"JobSubmitted\" | project JobId, SubmittedAt = TimeGenerated) on JobId\n| summarize N = count() by ClusterName",
        "Total",
        "N",
    ),
    (
        "AmlComputeJobEvent\n| where EventType == \"JobFaild\"\n| summarize Failed = count() by ClustrName",
        "Total",
        "failed",
    ),
    (
        "AmlComputeClusterEvent\n| where AllocationState == \"Resizing\"\n| summarize Nodes = avg(CurrentNodeCount) by ClusterName, bin(TimeGenerated, 5m)",
        "Average",
        "Nodes",
    ),
    (
        "AmlComputeJobEvent\n| parse JobErrorMessage with * \"exit code \" ExitCode:int *\n| where ExitCode != 0\n| summarize Exits = count() by tostring(ExitCode), bin(TimeGenerated, 15m)",
        "Total",
        "Exits",
    ),
    (
        "AmlComputeInstanceEvent\n| where Level in (\"Error\", \"Critical\")\n| summarize Errors = count() by AmlComputeInstanceName, bin(TimeGenerated, 1h)",
        "Total",
        "Errors",
    ),
    (
        "AmlRunStatusChangedEvent\n| where Status == \"Failed\"\n| summarize Failed = dcount(RunId) by bin(TimeGenerated, 15m)",
        "Total",
        "Failed",
    ),
];

fn arm() -> String {
    let mut resources = Vec::with_capacity(RULES);
    for i in 0..RULES {
        let (q, agg, measure) = QUERIES[i % QUERIES.len()];
        let measure = if measure.is_empty() {
            String::new()
        } else {
            format!("\"metricMeasureColumn\": \"{measure}\", ")
        };
        resources.push(format!(
            "{{\"type\": \"Microsoft.Insights/scheduledQueryRules\", \"apiVersion\": \"2023-03-15-preview\", \"name\": \"rule-{i}\", \"kind\": \"LogAlert\", \"properties\": {{\"severity\": 2, \"evaluationFrequency\": \"PT5M\", \"windowSize\": \"PT15M\", \"criteria\": {{\"allOf\": [{{\"query\": {}, \"timeAggregation\": \"{agg}\", {measure}\"operator\": \"GreaterThan\", \"threshold\": 0, \"failingPeriods\": {{\"numberOfEvaluationPeriods\": 1, \"minFailingPeriodsToAlert\": 1}}}}]}}}}}}",
            serde_json::to_string(q).unwrap()
        ));
    }
    format!(
        "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", \"resources\": [\n{}\n]}}\n",
        resources.join(",\n")
    )
}

fn yaml() -> String {
    let mut out = String::from("rules:\n");
    for i in 0..RULES {
        let (q, agg, measure) = QUERIES[i % QUERIES.len()];
        let q: String = q.lines().map(|l| format!("          {l}\n")).collect();
        let measure = if measure.is_empty() {
            String::new()
        } else {
            format!("        measure-column: {measure}\n")
        };
        out.push_str(&format!(
            "  - name: rule-{i}\n    severity: 2\n    frequency: PT5M\n    window: PT15M\n    criteria:\n      - query: |-\n{q}        aggregation: {agg}\n{measure}        operator: GreaterThan\n        threshold: 0\n"
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let arm = arm();
    let yaml = yaml();
    // The same rules either way, and the planted mistakes are found.
    let (_, rules, findings) = lint_text("rules.json", &arm, &catalog);
    assert_eq!(rules.len(), RULES);
    assert!(findings.len() >= RULES / QUERIES.len());
    assert_eq!(lint_text("rules.yaml", &yaml, &catalog).1.len(), RULES);
    let mut group = c.benchmark_group("log_rules");
    group.sample_size(10);
    group.throughput(Throughput::Elements(RULES as u64));
    group.bench_function("arm_read_and_check_10k", |b| {
        b.iter(|| {
            lint_text("rules.json", std::hint::black_box(&arm), &catalog)
                .2
                .len()
        })
    });
    group.bench_function("yaml_read_and_check_10k", |b| {
        b.iter(|| {
            lint_text("rules.yaml", std::hint::black_box(&yaml), &catalog)
                .2
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
