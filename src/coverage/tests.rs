use super::*;
use crate::linter::lint_text;
use crate::source::SourceMap;

fn lifecycles() -> Lifecycles {
    Lifecycles::load(&mut SourceMap::new(), Vec::new()).0
}

fn run(yaml: &str) -> Coverage {
    let catalog = Catalog::builtin();
    let (_, rules, _) = lint_text("rules.yaml", yaml, &catalog);
    coverage(&rules, &catalog, &lifecycles())
}

fn by<'a>(c: &'a Coverage, lifecycle: Option<&str>, name: &str) -> &'a [String] {
    &c.signals
        .iter()
        .find(|s| s.lifecycle.as_deref() == lifecycle && s.name == name)
        .unwrap_or_else(|| panic!("no signal {lifecycle:?} {name}"))
        .covered_by
}

const FAILED: &str = "rules:
  - name: failed
    criteria:
      - metric: Failed Runs
        aggregation: Total
        operator: GreaterThan
        threshold: 0
";

#[test]
fn a_metric_rule_covers_its_metric_signal_and_the_state_it_counts() {
    let c = run(FAILED);
    assert_eq!(by(&c, None, "Failed Runs"), ["failed"]);
    assert_eq!(by(&c, Some("run"), "Failed"), ["failed"]);
    assert!(by(&c, Some("run"), "NotResponding").is_empty());
    assert!(by(&c, Some("compute-job"), "Failed").is_empty());
    assert_eq!(c.summary.covered, 2);
}

#[test]
fn a_disabled_rule_covers_nothing() {
    let c = run(&FAILED.replace(
        "  - name: failed\n",
        "  - name: failed\n    enabled: false\n",
    ));
    assert_eq!(c.summary.covered, 0);
    assert_eq!(c.summary.percent, 0.0);
}

#[test]
fn the_signals_come_from_the_data() {
    let c = run("rules: []\n");
    let names: Vec<String> = c
        .signals
        .iter()
        .map(|s| format!("{}:{}", s.lifecycle.as_deref().unwrap_or("-"), s.name))
        .collect();
    for want in [
        "run:Failed",
        "run:NotResponding",
        "run:Canceled",
        "compute-job:Failed",
        "node:unusable",
        "node:preempted",
        "-:Failed Runs",
        "-:Not Responding Runs",
        "-:Unusable Nodes",
        "-:Preempted Nodes",
        "-:Model Deploy Failed",
        "-:Quota Utilization Percentage",
        "-:Endpoint request latency",
        "-:Endpoint 5xx requests",
    ] {
        assert!(
            names.contains(&want.to_string()),
            "{want} missing: {names:?}"
        );
    }
    assert_eq!(c.summary.total, c.signals.len());
}

#[test]
fn a_5xx_signal_needs_the_5xx_filter() {
    let rule = |dims: &str| {
        format!(
            "rules:
  - name: errors
    namespace: Microsoft.MachineLearningServices/workspaces/onlineEndpoints
    criteria:
      - metric: RequestsPerMinute
        aggregation: Total
        operator: GreaterThan
        threshold: 5
{dims}"
        )
    };
    let none = run(&rule(""));
    assert!(by(&none, None, "Endpoint 5xx requests").is_empty());
    let five = run(&rule(
        "        dimensions:\n          - name: statusCodeClass\n            operator: Include\n            values: [5xx]\n",
    ));
    assert_eq!(by(&five, None, "Endpoint 5xx requests"), ["errors"]);
    let star = run(&rule(
        "        dimensions:\n          - name: statusCodeClass\n            values: ['*']\n",
    ));
    assert_eq!(by(&star, None, "Endpoint 5xx requests"), ["errors"]);
    let excluded = run(&rule(
        "        dimensions:\n          - name: statusCodeClass\n            operator: Exclude\n            values: [5xx]\n",
    ));
    assert!(by(&excluded, None, "Endpoint 5xx requests").is_empty());
}

#[test]
fn any_latency_percentile_covers_endpoint_latency() {
    let c = run("rules:
  - name: p99
    namespace: Microsoft.MachineLearningServices/workspaces/onlineEndpoints
    criteria:
      - metric: RequestLatency_P99
        aggregation: Average
        operator: GreaterThan
        threshold: 500
");
    assert_eq!(by(&c, None, "Endpoint request latency"), ["p99"]);
}

fn log_rule(query: &str) -> AlertRule {
    use crate::model::{LogCriterion, LogRule, Query, Sp, SpanMap};
    use crate::source::{FileId, Span};
    let mut c = LogCriterion::new(Span::new(0, 0));
    c.query = Some(Query {
        text: query.to_string(),
        map: SpanMap::offset(0),
        span: Span::new(0, 0),
    });
    AlertRule {
        name: Some(Sp::new("log".into(), Span::new(0, 0))),
        log: Some(LogRule {
            criteria: vec![c],
            ..LogRule::default()
        }),
        ..AlertRule::new(FileId(0), Span::new(0, 0))
    }
}

fn log_coverage(query: &str) -> Coverage {
    coverage(&[log_rule(query)], &Catalog::builtin(), &lifecycles())
}

#[test]
fn a_log_rule_covers_the_states_its_query_filters_on() {
    let c = log_coverage("AmlComputeJobEvent | where EventType == \"JobFailed\"");
    assert_eq!(by(&c, Some("compute-job"), "Failed"), ["log"]);
    assert!(by(&c, Some("run"), "Failed").is_empty());
    let c = log_coverage(
        "AmlRunStatusChangedEvent | where Status in (\"Failed\", \"NotResponding\") | summarize count() by RunId",
    );
    assert_eq!(by(&c, Some("run"), "Failed"), ["log"]);
    assert_eq!(by(&c, Some("run"), "NotResponding"), ["log"]);
    assert!(by(&c, Some("run"), "Canceled").is_empty());
    let c = log_coverage(
        "let failed = AmlComputeClusterNodeEvent | where NodeState =~ 'UNUSABLE'; failed | count",
    );
    assert_eq!(by(&c, Some("node"), "unusable"), ["log"]);
}

#[test]
fn case_and_negation_are_respected() {
    // `==` is case-sensitive in KQL: `failed` selects no record.
    let c = log_coverage("AmlRunStatusChangedEvent | where Status == 'failed'");
    assert!(by(&c, Some("run"), "Failed").is_empty());
    let c = log_coverage("AmlRunStatusChangedEvent | where Status != 'Failed'");
    assert!(by(&c, Some("run"), "Failed").is_empty());
    let c = log_coverage("AmlRunStatusChangedEvent | where Status =~ 'failed'");
    assert_eq!(by(&c, Some("run"), "Failed"), ["log"]);
}

#[test]
fn dwell_limits_are_signals() {
    let mut sources = SourceMap::new();
    let extra = crate::source::SourceFile::new(
        "dwell.yaml",
        "lifecycles:
  - name: compute-job
    categories: [AmlComputeJobEvent]
    key: [JobId]
    state: ExecutionState
    states: [Queued, Running, Done]
    initial: [Queued]
    terminal: [Done]
    transitions:
      - {from: Queued, to: [Running]}
      - {from: Running, to: [Done]}
    max-dwell: {Queued: PT2H}
",
    );
    let (l, findings) = Lifecycles::load(&mut sources, vec![extra]);
    assert!(findings.is_empty(), "{findings:?}");
    let rule = log_rule("AmlComputeJobEvent | where ExecutionState == 'Queued'");
    let c = coverage(&[rule], &Catalog::builtin(), &l);
    assert_eq!(
        by(&c, Some("compute-job"), "Queued longer than PT2H"),
        ["log"]
    );
}

#[test]
fn percent_and_fail_under() {
    let c = run(FAILED);
    assert!(c.below(100.0));
    assert!(!c.below(0.0));
    let exact = 100.0 * 2.0 / c.summary.total as f64;
    assert!(!c.below(exact));
    assert!(c.below(exact + 0.01));
}

#[test]
fn filters_follow_lets_unions_and_both_sides_of_or() {
    let f = state_filters(
        "let jobs = AmlComputeJobEvent | where ClusterName == 'gpu'; jobs | where EventType == 'JobFailed' or 'JobSucceeded' == EventType",
    );
    let got: Vec<(&str, &str, &str)> = f
        .iter()
        .map(|f| (f.table.as_str(), f.field.as_str(), f.value.as_str()))
        .collect();
    assert!(
        got.contains(&("AmlComputeJobEvent", "EventType", "JobFailed")),
        "{got:?}"
    );
    assert!(
        got.contains(&("AmlComputeJobEvent", "EventType", "JobSucceeded")),
        "{got:?}"
    );
    assert!(
        got.contains(&("AmlComputeJobEvent", "ClusterName", "gpu")),
        "{got:?}"
    );
    let f = state_filters(
        "union AmlRunStatusChangedEvent, AmlComputeJobEvent | where Status has 'Failed'",
    );
    let tables: Vec<&str> = f.iter().map(|f| f.table.as_str()).collect();
    assert_eq!(tables, ["AmlRunStatusChangedEvent", "AmlComputeJobEvent"]);
    assert!(f.iter().all(|f| !f.exact));
    // A query that does not parse selects what it can, and never panics.
    let _ = state_filters("AmlRunStatusChangedEvent | where Status == ");
    assert!(state_filters("").is_empty());
}
