//! Today's Azure Monitor metric list, written out here from the public pages and nowhere else
//! (not read from the catalog), so that a wrong fact in the catalog fails a test:
//!
//! - "Supported metrics for Microsoft.MachineLearningServices/workspaces",
//!   https://learn.microsoft.com/en-us/azure/azure-monitor/reference/supported-metrics/microsoft-machinelearningservices-workspaces-metrics
//!   (generated 09/19/2023; the live page adds the Agents category)
//! - "Supported metrics for Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
//!   https://learn.microsoft.com/en-us/azure/azure-monitor/reference/supported-metrics/microsoft-machinelearningservices-workspaces-onlineendpoints-metrics
//! - "Supported metrics for Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
//!   https://learn.microsoft.com/en-us/azure/azure-monitor/reference/supported-metrics/microsoft-machinelearningservices-workspaces-onlineendpoints-deployments-metrics
//!
//! Every metric alone, on its namespace, with each listed aggregation, lints clean; every listed
//! (metric, dimension) pair lints clean (Agents pairs, only on the live page, with a note); every
//! other dimension of the same namespace on that metric is a `dimension-not-applicable` error.

use std::collections::BTreeSet;

use amlguard::catalog::Catalog;
use amlguard::finding::Severity;
use amlguard::linter::lint_text;

const WS: &str = "Microsoft.MachineLearningServices/workspaces";
const EP: &str = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
const DP: &str = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

const RUN_DIMS: &[&str] = &[
    "Scenario",
    "RunType",
    "PublishedPipelineId",
    "ComputeType",
    "PipelineStepType",
    "ExperimentName",
];
const QUOTA_DIMS: &[&str] = &["Scenario", "ClusterName"];
const NODE_DIMS: &[&str] = &["RunId", "InstanceId", "ComputeName"];
const DEVICE_DIMS: &[&str] = &["RunId", "InstanceId", "ComputeName", "DeviceId"];
const FIVE: &[&str] = &["Total", "Average", "Minimum", "Maximum", "Count"];
const FOUR: &[&str] = &["Average", "Maximum", "Minimum", "Total"];
const MMA: &[&str] = &["Minimum", "Maximum", "Average"];
const AVG: &[&str] = &["Average"];

/// (namespace, REST name, aggregations, dimensions, listed only by the live page).
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    bool,
);

fn table() -> Vec<Row> {
    let mut t: Vec<Row> = Vec::new();
    for m in [
        "Cancel Requested Runs",
        "Cancelled Runs",
        "Completed Runs",
        "Failed Runs",
        "Finalizing Runs",
        "Not Responding Runs",
        "Not Started Runs",
        "Preparing Runs",
        "Provisioning Runs",
        "Queued Runs",
        "Started Runs",
        "Starting Runs",
    ] {
        t.push((WS, m, FIVE, RUN_DIMS, false));
    }
    t.push((WS, "Errors", FIVE, &["Scenario"], false));
    t.push((WS, "Warnings", FIVE, &["Scenario"], false));
    t.push((
        WS,
        "Model Deploy Failed",
        FIVE,
        &["Scenario", "StatusCode"],
        false,
    ));
    t.push((WS, "Model Deploy Started", FIVE, &["Scenario"], false));
    t.push((WS, "Model Deploy Succeeded", FIVE, &["Scenario"], false));
    t.push((
        WS,
        "Model Register Failed",
        FIVE,
        &["Scenario", "StatusCode"],
        false,
    ));
    t.push((WS, "Model Register Succeeded", FIVE, &["Scenario"], false));
    for what in ["Cores", "Nodes"] {
        for state in [
            "Active",
            "Idle",
            "Leaving",
            "Preempted",
            "Total",
            "Unusable",
        ] {
            let name: &'static str = Box::leak(format!("{state} {what}").into_boxed_str());
            t.push((WS, name, FOUR, QUOTA_DIMS, false));
        }
    }
    t.push((
        WS,
        "Quota Utilization Percentage",
        FOUR,
        &["Scenario", "ClusterName", "VmFamilyName", "VmPriority"],
        false,
    ));
    for m in [
        "CpuCapacityMillicores",
        "CpuMemoryCapacityMegabytes",
        "CpuMemoryUtilizationMegabytes",
        "CpuMemoryUtilizationPercentage",
        "CpuUtilizationMillicores",
        "CpuUtilizationPercentage",
        "DiskAvailMegabytes",
        "DiskReadMegabytes",
        "DiskUsedMegabytes",
        "DiskWriteMegabytes",
        "StorageAPIFailureCount",
        "StorageAPISuccessCount",
    ] {
        t.push((WS, m, FOUR, NODE_DIMS, false));
    }
    for m in [
        "GpuCapacityMilliGPUs",
        "GpuMemoryCapacityMegabytes",
        "GpuMemoryUtilizationMegabytes",
        "GpuMemoryUtilizationPercentage",
        "GpuUtilizationMilliGPUs",
        "GpuUtilizationPercentage",
        "IBReceiveMegabytes",
        "IBTransmitMegabytes",
        "NetworkInputMegabytes",
        "NetworkOutputMegabytes",
    ] {
        t.push((WS, m, FOUR, DEVICE_DIMS, false));
    }
    t.push((
        WS,
        "CpuUtilization",
        FOUR,
        &["Scenario", "runId", "NodeId", "ClusterName"],
        false,
    ));
    for m in ["GpuUtilization", "GpuMemoryUtilization"] {
        t.push((
            WS,
            m,
            FOUR,
            &["Scenario", "runId", "NodeId", "DeviceId", "ClusterName"],
            false,
        ));
    }
    t.push((
        WS,
        "GpuEnergyJoules",
        FOUR,
        &[
            "Scenario",
            "runId",
            "rootRunId",
            "InstanceId",
            "DeviceId",
            "ComputeName",
        ],
        false,
    ));
    // Agents (live page only).
    t.push((WS, "Agents", FOUR, &["EventType"], true));
    t.push((
        WS,
        "IndexedFiles",
        FOUR,
        &["ErrorCode", "Status", "VectorStoreId"],
        true,
    ));
    t.push((WS, "Messages", FOUR, &["EventType", "ThreadId"], true));
    t.push((
        WS,
        "Runs",
        FOUR,
        &["AgentId", "RunStatus", "StatusCode", "StreamType"],
        true,
    ));
    t.push((WS, "Threads", FOUR, &["EventType"], true));
    t.push((WS, "Tokens", FOUR, &["AgentId", "TokenType"], true));
    t.push((WS, "ToolCalls", FOUR, &["AgentId", "ToolName"], true));
    // Online endpoints.
    t.push((EP, "ConnectionsActive", AVG, &[], false));
    t.push((
        EP,
        "DataCollectionErrorsPerMinute",
        MMA,
        &["deployment", "reason", "type"],
        false,
    ));
    t.push((
        EP,
        "DataCollectionEventsPerMinute",
        MMA,
        &["deployment", "type"],
        false,
    ));
    t.push((EP, "NetworkBytes", AVG, &[], false));
    t.push((EP, "NewConnectionsPerSecond", AVG, &[], false));
    for m in [
        "RequestLatency",
        "RequestLatency_P50",
        "RequestLatency_P90",
        "RequestLatency_P95",
        "RequestLatency_P99",
    ] {
        t.push((EP, m, AVG, &["deployment"], false));
    }
    t.push((
        EP,
        "RequestsPerMinute",
        AVG,
        &[
            "deployment",
            "statusCode",
            "statusCodeClass",
            "modelStatusCode",
        ],
        false,
    ));
    // Deployments.
    for m in [
        "CpuMemoryUtilizationPercentage",
        "CpuUtilizationPercentage",
        "GpuEnergyJoules",
        "GpuMemoryUtilizationPercentage",
        "GpuUtilizationPercentage",
    ] {
        t.push((DP, m, MMA, &["instanceId"], false));
    }
    t.push((
        DP,
        "DataCollectionErrorsPerMinute",
        MMA,
        &["instanceId", "reason", "type"],
        false,
    ));
    t.push((
        DP,
        "DataCollectionEventsPerMinute",
        MMA,
        &["instanceId", "type"],
        false,
    ));
    t.push((
        DP,
        "DeploymentCapacity",
        MMA,
        &["instanceId", "State"],
        false,
    ));
    t.push((DP, "DiskUtilization", MMA, &["instanceId", "disk"], false));
    for m in [
        "RequestLatency_P50",
        "RequestLatency_P90",
        "RequestLatency_P95",
        "RequestLatency_P99",
    ] {
        t.push((DP, m, AVG, &[], false));
    }
    t.push((
        DP,
        "RequestsPerMinute",
        AVG,
        &["envoy_response_code"],
        false,
    ));
    t
}

fn rule(ns: &str, metric: &str, agg: &str, dims: &[&str]) -> String {
    let mut text = format!(
        "rules:\n  - name: r\n    namespace: {ns}\n    criteria:\n      - metric: \"{metric}\"\n        aggregation: {agg}\n        operator: GreaterThan\n        threshold: 1\n"
    );
    if !dims.is_empty() {
        text.push_str("        dimensions:\n");
        for d in dims {
            text.push_str(&format!(
                "          - name: {d}\n            values: [\"*\"]\n"
            ));
        }
    }
    text
}

fn lint(text: &str) -> Vec<(&'static str, Severity)> {
    let c = catalog();
    let (_, _, findings) = lint_text("t.yaml", text, c);
    findings
        .iter()
        .map(|f| (f.check.name, f.severity))
        .collect()
}

fn catalog() -> &'static Catalog {
    static C: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    C.get_or_init(Catalog::builtin)
}

#[test]
fn the_table_is_what_the_pages_count() {
    let t = table();
    let count = |ns| t.iter().filter(|r| r.0 == ns).count();
    assert_eq!((count(WS), count(EP), count(DP)), (65, 11, 14));
    let c = catalog();
    assert_eq!(
        c.metrics.len(),
        t.len(),
        "the catalog has metrics the pages do not list"
    );
}

#[test]
fn every_metric_with_every_listed_aggregation_lints_clean_on_its_namespace() {
    let mut failures = Vec::new();
    for (ns, m, aggs, _, _) in table() {
        for agg in aggs {
            let found = lint(&rule(ns, m, agg, &[]));
            if !found.is_empty() {
                failures.push(format!("{ns} {m} {agg}: {found:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_listed_pair_lints_clean() {
    let mut failures = Vec::new();
    for (ns, m, aggs, dims, live_only) in table() {
        for d in dims {
            let found = lint(&rule(ns, m, aggs[0], &[d]));
            let ok = if live_only {
                found
                    .iter()
                    .all(|(n, s)| *n == "newer-source-only" && *s == Severity::Note)
            } else {
                found.is_empty()
            };
            if !ok {
                failures.push(format!("{ns} {m} × {d}: {found:?}"));
            }
        }
        // All of a metric's dimensions at once.
        let found = lint(&rule(ns, m, aggs[0], dims));
        if found.iter().any(|(_, s)| *s != Severity::Note) {
            failures.push(format!("{ns} {m} × all: {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_unlisted_pair_of_the_namespace_is_an_error() {
    let t = table();
    let mut failures = Vec::new();
    let mut checked = 0;
    for ns in [WS, EP, DP] {
        let all: BTreeSet<String> = t
            .iter()
            .filter(|r| r.0 == ns)
            .flat_map(|r| r.3.iter().map(|d| d.to_lowercase()))
            .collect();
        for (_, m, aggs, dims, _) in t.iter().filter(|r| r.0 == ns) {
            let own: BTreeSet<String> = dims.iter().map(|d| d.to_lowercase()).collect();
            for d in all.difference(&own) {
                checked += 1;
                let found = lint(&rule(ns, m, aggs[0], &[d]));
                if found != [("dimension-not-applicable", Severity::Error)] {
                    failures.push(format!("{ns} {m} × {d}: {found:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(checked > 1000, "{checked}");
}

#[test]
fn metrics_are_errors_on_a_namespace_that_does_not_list_them() {
    let t = table();
    for (ns, m, aggs, _, _) in &t {
        for other in [WS, EP, DP] {
            if t.iter().any(|r| r.0 == other && r.1 == *m) {
                continue;
            }
            let found = lint(&rule(other, m, aggs[0], &[]));
            assert_eq!(
                found,
                [("unknown-metric", Severity::Error)],
                "{m} of {ns} on {other}"
            );
        }
    }
}

/// Units as the pages give them, and what they bound: Percent 0–100 (and the workspace
/// metrics whose description says "percentage"), Milliseconds, counts and rates ≥ 0.
#[test]
fn thresholds_are_checked_in_each_metric_s_unit() {
    let percent: &[(&str, &str)] = &[
        (DP, "CpuUtilizationPercentage"),
        (DP, "CpuMemoryUtilizationPercentage"),
        (DP, "GpuUtilizationPercentage"),
        (DP, "GpuMemoryUtilizationPercentage"),
        (DP, "DiskUtilization"),
        (WS, "CpuUtilizationPercentage"),
        (WS, "CpuMemoryUtilizationPercentage"),
        (WS, "GpuUtilizationPercentage"),
        (WS, "GpuMemoryUtilizationPercentage"),
        (WS, "Quota Utilization Percentage"),
    ];
    for (ns, m) in percent {
        let over = lint(&rule(ns, m, "Average", &[]).replace("threshold: 1", "threshold: 150"));
        assert_eq!(
            over,
            [("threshold-out-of-range", Severity::Error)],
            "{ns} {m}"
        );
        let edge = lint(&rule(ns, m, "Maximum", &[]).replace("threshold: 1", "threshold: 100"));
        assert_eq!(
            edge,
            [("condition-never-fires", Severity::Error)],
            "{ns} {m}"
        );
    }
    let non_negative: &[(&str, &str)] = &[
        (EP, "RequestLatency_P99"),
        (EP, "RequestLatency"),
        (EP, "RequestsPerMinute"),
        (EP, "NetworkBytes"),
        (DP, "DeploymentCapacity"),
        (DP, "RequestLatency_P50"),
        (WS, "DiskAvailMegabytes"),
        (WS, "Tokens"),
    ];
    for (ns, m) in non_negative {
        let below = lint(&rule(ns, m, "Average", &[]).replace("threshold: 1", "threshold: -1"));
        assert_eq!(
            below,
            [("threshold-out-of-range", Severity::Error)],
            "{ns} {m}"
        );
        let huge = lint(&rule(ns, m, "Average", &[]).replace("threshold: 1", "threshold: 1000000"));
        assert!(huge.is_empty(), "{ns} {m}: no upper bound: {huge:?}");
    }
}

#[test]
fn a_metric_s_display_name_is_accepted_with_a_note() {
    let found = lint(&rule(EP, "Request Latency P99", "Average", &["deployment"]));
    assert_eq!(found, [("display-name-used", Severity::Note)]);
    let found = lint(&rule(
        DP,
        "CPU Utilization Percentage",
        "Average",
        &["instanceId"],
    ));
    assert_eq!(found, [("display-name-used", Severity::Note)]);
}

/// The seed's "Metric dimensions" table ("Azure Machine Learning monitoring data reference",
/// https://learn.microsoft.com/en-us/azure/machine-learning/monitor-resource-reference): each
/// dimension with the workspace metrics it says the dimension is available for, by REST name.
/// Dimensions that today's list never names on a workspace metric (CreatedTime) are covered by
/// nothing else.
const SEED_DIMS: &[(&str, &[&str])] = &[
    (
        "ClusterName",
        &[
            "Active Cores",
            "Active Nodes",
            "Idle Cores",
            "Idle Nodes",
            "Leaving Cores",
            "Leaving Nodes",
            "Preempted Cores",
            "Preempted Nodes",
            "Total Cores",
            "Total Nodes",
            "Unusable Cores",
            "Unusable Nodes",
            "Quota Utilization Percentage",
        ],
    ),
    ("VmFamilyName", &["Quota Utilization Percentage"]),
    ("VmPriority", &["Quota Utilization Percentage"]),
    ("CreatedTime", &["CpuUtilization", "GpuUtilization"]),
    ("DeviceId", &["GpuUtilization"]),
    ("NodeId", &["CpuUtilization", "GpuUtilization"]),
    ("RunId", &["CpuUtilization", "GpuUtilization"]),
    (
        "ComputeType",
        &["Completed Runs", "Failed Runs", "Started Runs"],
    ),
    (
        "PipelineStepType",
        &["Completed Runs", "Failed Runs", "Started Runs"],
    ),
    (
        "PublishedPipelineId",
        &["Completed Runs", "Failed Runs", "Started Runs"],
    ),
    (
        "RunType",
        &["Completed Runs", "Failed Runs", "Started Runs"],
    ),
];

/// Each seed dimension lints clean on the metrics the seed or today's list gives it, and is a
/// `dimension-not-applicable` error on every other workspace metric.
#[test]
fn seed_dimensions_apply_only_where_a_page_lists_them() {
    let t = table();
    let mut failures = Vec::new();
    for (dim, seed_metrics) in SEED_DIMS {
        for (_, m, aggs, dims, _) in t.iter().filter(|r| r.0 == WS) {
            let listed_today = dims.iter().any(|d| d.eq_ignore_ascii_case(dim));
            let found = lint(&rule(WS, m, aggs[0], &[dim]));
            let ok = if seed_metrics.contains(m) || listed_today {
                found.iter().all(|(_, s)| *s == Severity::Note)
            } else {
                found == [("dimension-not-applicable", Severity::Error)]
            };
            if !ok {
                failures.push(format!("{m} × {dim}: {found:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
