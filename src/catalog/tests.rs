use super::*;

/// The built-in catalog with one user catalog file over it.
fn load_one(name: &str, text: impl Into<String>) -> (Catalog, Vec<Finding>) {
    let mut sources = SourceMap::new();
    Catalog::load(&mut sources, vec![SourceFile::new(name, text.into())])
}

fn builtin() -> (Catalog, Vec<Finding>) {
    let mut sources = SourceMap::new();
    Catalog::load(&mut sources, Vec::new())
}

#[test]
fn builtin_catalog_loads_without_findings() {
    let (_, findings) = builtin();
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn builtin_catalog_holds_the_seed() {
    let (c, _) = builtin();
    // seed § Metrics: 5 Model + 13 Quota + 4 Resource + 14 Run; the Azure Monitor reference adds
    // 22 Resource and 7 Agents metrics to the workspace, 11 for online endpoints and 14 for
    // their deployments.
    assert_eq!(c.metrics_in(WORKSPACE).count(), 36 + 22 + 7);
    assert_eq!(c.metrics_in(ONLINE_ENDPOINTS).count(), 11);
    assert_eq!(c.metrics_in(DEPLOYMENTS).count(), 14);
    assert_eq!(c.metrics.len(), 65 + 11 + 14);
    assert_eq!(c.namespaces(), [WORKSPACE, ONLINE_ENDPOINTS, DEPLOYMENTS]);
    let seed_dims = [
        "Cluster Name",
        "Vm Family Name",
        "Vm Priority",
        "CreatedTime",
        "DeviceId",
        "NodeId",
        "RunId",
        "ComputeType",
        "PipelineStepType",
        "PublishedPipelineId",
        "RunType",
    ];
    for d in seed_dims {
        assert!(c.dimension(d).is_some(), "{d}");
    }
    assert_eq!(c.categories.len(), 26);
    assert_eq!(c.tables.len(), 13);
    assert_eq!(c.operations.len(), 5);
    let node = c.category("AmlComputeClusterNodeEvent").unwrap();
    assert_eq!(
        node.deprecated.as_ref().unwrap().replacement.as_deref(),
        Some("AmlComputeClusterEvent")
    );
}

#[test]
fn metrics_are_found_in_their_own_namespace_only() {
    let (c, _) = builtin();
    let ws = c.metric_in(WORKSPACE, "CpuUtilizationPercentage").unwrap();
    let dep = c
        .metric_in(DEPLOYMENTS, "cpuutilizationpercentage")
        .unwrap();
    assert_ne!(ws, dep);
    assert_eq!(
        c.metric_in(DEPLOYMENTS, "CPU Utilization Percentage"),
        Some(dep)
    );
    assert!(
        c.metric_in(ONLINE_ENDPOINTS, "CpuUtilizationPercentage")
            .is_none()
    );
    assert!(c.metric_in(WORKSPACE, "RequestLatency_P99").is_none());
    assert_eq!(
        c.namespace_named("microsoft.machinelearningservices/workspaces/onlineendpoints"),
        Some(ONLINE_ENDPOINTS)
    );
    let inst = c.dimension("instanceId").unwrap();
    assert!(matches!(c.support(dep, inst), Support::Primary(_)));
    assert!(matches!(c.support(ws, inst), Support::Primary(_)));
}

#[test]
fn names_match_case_insensitively_by_display_or_rest_name() {
    let (c, _) = builtin();
    assert!(c.dimension("Cluster Name").is_some());
    assert_eq!(c.dimension("clustername"), c.dimension("Cluster Name"));
    assert!(c.dimension("CLUSTERNAME").is_some());
    assert!(c.metric("Failed Runs").is_some());
    assert_eq!(c.metric("failed runs"), c.metric("Failed Runs"));
    assert_ne!(c.metric("Failed Runs"), c.metric("Cancelled Runs"));
    assert!(c.metric("Failed Run").is_none());
}

#[test]
fn seed_pairs_are_primary_and_newer_pairs_secondary() {
    let (c, _) = builtin();
    let m = |n| c.metric(n).unwrap();
    let d = |n| c.dimension(n).unwrap();
    assert!(matches!(
        c.support(m("GpuUtilization"), d("DeviceId")),
        Support::Primary(_)
    ));
    assert_eq!(c.support(m("CpuUtilization"), d("DeviceId")), Support::None);
    assert!(matches!(
        c.support(m("Failed Runs"), d("RunType")),
        Support::Primary(_)
    ));
    assert!(matches!(
        c.support(m("Cancelled Runs"), d("RunType")),
        Support::Primary(_)
    ));
    assert!(matches!(
        c.support(m("Active Cores"), d("Scenario")),
        Support::Primary(_)
    ));
    assert!(matches!(
        c.support(m("Tokens"), d("AgentId")),
        Support::SecondaryOnly(_)
    ));
    assert_eq!(c.support(m("Active Cores"), d("RunType")), Support::None);
    assert!(matches!(
        c.support(m("Idle Nodes"), d("ClusterName")),
        Support::Primary(_)
    ));
    assert_eq!(
        c.metrics_with(d("Vm Priority")),
        vec![m("Quota Utilization Percentage")]
    );
}

#[test]
fn a_user_catalog_adds_and_overrides_with_located_problems() {
    let mut sources = SourceMap::new();
    let extra = SourceFile::new(
        "extra.yaml",
        "metrics:\n  - name: Model Deploy Retried\n    group: Model\n  - name: GpuUtilization\n    max: 110\n    colour: red\ndimensions:\n  - name: DeviceId\n    applies-to:\n      - metrics: [GpuMemoryUtilization, GpuMemUtil]\n",
    );
    let good = SourceFile::new(
        "good.yaml",
        "metrics:\n  - name: Model Deploy Retried\n    group: Model\n  - name: GpuUtilization\n    max: 110\n",
    );
    let (c, findings) = Catalog::load(&mut sources, vec![good, extra]);
    assert_eq!(
        Catalog::rejected_files(&sources, &findings),
        ["extra.yaml"],
        "a file with errors is not applied"
    );
    assert!(c.metric("model deploy retried").is_some());
    assert_eq!(
        c.metrics[c.metric("GpuUtilization").unwrap()].max,
        Some(110.0)
    );
    let names: Vec<_> = findings.iter().map(|f| f.check.name).collect();
    assert_eq!(names, ["unknown-key", "unknown-metric"], "{findings:#?}");
    let file = sources.get(findings[0].file);
    assert_eq!(file.name(), "extra.yaml");
    let lc = file.line_col(findings[0].span.start);
    assert_eq!((lc.line, lc.column), (6, 5));
}

#[test]
fn a_range_upside_down_is_flagged_and_not_applied() {
    let mut sources = SourceMap::new();
    let bad = SourceFile::new(
        "bad.yaml",
        "metrics:\n  - name: Failed Runs\n    min: 200\n    max: -5\n    kind: percentage\n    time-grains: [often]\n",
    );
    let (c, findings) = Catalog::load(&mut sources, vec![bad]);
    let names: Vec<_> = findings.iter().map(|f| f.check.name).collect();
    assert_eq!(names.len(), 3, "every field is reported: {findings:#?}");
    let m = &c.metrics[c.metric("Failed Runs").unwrap()];
    assert_eq!((m.min, m.max), (Some(0.0), None));
    assert_eq!(Catalog::rejected_files(&sources, &findings), ["bad.yaml"]);
}

/// The schedule limits, written out from the public documents independently of builtin.yaml:
/// a wrong or missing fact in the catalog fails here.
#[test]
fn builtin_alert_schedules_are_the_documented_ones() {
    use crate::duration::Duration;
    let (c, _) = builtin();
    let d = |list: &[&str]| -> Vec<Duration> {
        list.iter().map(|s| Duration::parse(s).unwrap()).collect()
    };
    let s = &c.alert_schedules;
    // Microsoft.Insights/metricAlerts 2018-03-01 template reference, `evaluationFrequency` and
    // `windowSize` (https://learn.microsoft.com/en-us/azure/templates/microsoft.insights/2018-03-01/metricalerts).
    let metric_doc = "Microsoft.Insights/metricAlerts 2018-03-01 template reference (https://learn.microsoft.com/en-us/azure/templates/microsoft.insights/2018-03-01/metricalerts)";
    assert_eq!(
        s.metric.frequencies.values,
        d(&["1m", "5m", "15m", "30m", "1h"])
    );
    assert_eq!(
        s.metric.windows.values,
        d(&["1m", "5m", "15m", "30m", "1h", "6h", "12h", "24h"])
    );
    assert_eq!(s.metric.frequencies.source, metric_doc);
    assert_eq!(s.metric.windows.source, metric_doc);
    // azurerm_monitor_scheduled_query_rules_alert_v2 (Terraform AzureRM provider documentation):
    // evaluation_frequency, window_duration (two lists, by frequency),
    // query_time_range_override, mute_actions_after_alert_duration, failing_periods.
    let log_doc = "azurerm_monitor_scheduled_query_rules_alert_v2, Terraform AzureRM provider documentation (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2), restating the limits of the Scheduled Query Rules API";
    let l = &s.log;
    assert_eq!(
        l.frequencies.values,
        d(&[
            "1m", "5m", "10m", "15m", "30m", "45m", "1h", "2h", "3h", "4h", "5h", "6h", "1d"
        ])
    );
    assert_eq!(
        l.windows_at_one_minute.values,
        d(&[
            "1m", "5m", "10m", "15m", "30m", "45m", "1h", "2h", "3h", "4h", "5h", "6h"
        ])
    );
    let windows = d(&[
        "5m", "10m", "15m", "30m", "45m", "1h", "2h", "3h", "4h", "5h", "6h", "1d", "2d",
    ]);
    assert_eq!(l.windows.values, windows);
    assert_eq!(l.mute_durations.values, windows);
    assert_eq!(
        l.query_time_range_overrides.values,
        d(&[
            "5m", "10m", "15m", "20m", "30m", "45m", "1h", "2h", "3h", "4h", "5h", "6h", "1d", "2d"
        ])
    );
    assert_eq!(l.max_lookback.value, Duration::hours(48));
    assert_eq!((l.failing_periods.min, l.failing_periods.max), (1, 6));
    for source in [
        &l.frequencies.source,
        &l.windows_at_one_minute.source,
        &l.windows.source,
        &l.query_time_range_overrides.source,
        &l.mute_durations.source,
        &l.max_lookback.source,
        &l.failing_periods.source,
    ] {
        assert_eq!(source, log_doc);
    }
}

/// A user list replaces the built-in one, citation included; what it leaves out stays built-in.
#[test]
fn a_user_schedule_list_replaces_the_built_in_one() {
    use crate::duration::Duration;
    let mut sources = SourceMap::new();
    let user = SourceFile::new(
        "user.yaml",
        "alert-schedules:\n  metric:\n    frequencies:\n      values: [PT10M, 1m]\n  log:\n    max-lookback: {value: P3D, source: \"a newer page\"}\n    failing-periods: {min: 2, max: 2}\n",
    );
    let (c, findings) = Catalog::load(&mut sources, vec![user]);
    assert!(findings.is_empty(), "{findings:#?}");
    let s = &c.alert_schedules;
    assert_eq!(
        s.metric.frequencies.values,
        [Duration::minutes(1), Duration::minutes(10)]
    );
    assert_eq!(s.metric.frequencies.source, super::schedules::USER_CITATION);
    assert_eq!(s.metric.windows, builtin().0.alert_schedules.metric.windows);
    assert_eq!(s.log.max_lookback.value, Duration::hours(72));
    assert_eq!(s.log.max_lookback.source, "a newer page");
    // One count of periods is a range too.
    assert_eq!(
        (s.log.failing_periods.min, s.log.failing_periods.max),
        (2, 2)
    );
}

#[test]
fn a_malformed_schedule_is_located_and_not_applied() {
    let cases = [
        (
            "metric:\n    frequencies:\n      values: [PT5M, every5]\n",
            "every5",
        ),
        ("metric:\n    windows:\n      values: []\n", "[]"),
        ("metric:\n    windows:\n      values: [PT0M]\n", "PT0M"),
        ("metric:\n    windows: PT5M\n", "PT5M"),
        ("log:\n    failing-periods: {min: 3, max: 2}\n", "2"),
        ("log:\n    failing-periods: {min: 1, max: 0}\n", "0"),
        ("log:\n    failing-periods: {min: 0, max: 4}\n", "0"),
        ("log:\n    max-lookback: {value: soon}\n", "soon"),
        (
            "log:\n    frequncies:\n      values: [PT5M]\n",
            "frequncies",
        ),
        ("logs: {}\n", "logs"),
    ];
    for (body, at) in cases {
        let text = format!("alert-schedules:\n  {body}");
        let mut sources = SourceMap::new();
        let (c, findings) = Catalog::load(
            &mut sources,
            vec![SourceFile::new("user.yaml", text.clone())],
        );
        assert!(!findings.is_empty(), "{text}");
        let f = &findings[0];
        assert_eq!(f.severity, Severity::Error, "{text}: {f:#?}");
        let start = text.find(at).unwrap();
        assert_eq!(f.span.start, start, "{text}: {f:#?}");
        assert_eq!(
            c.alert_schedules,
            builtin().0.alert_schedules,
            "{text}: a file with errors is not applied"
        );
    }
}

/// `amlguard explain` restates the built-in lists; it must not drift from the catalog.
#[test]
fn explanations_name_every_value_of_the_built_in_schedule_lists() {
    use crate::registry;
    let (c, _) = builtin();
    let s = &c.alert_schedules;
    for (check, list) in [
        (&registry::INVALID_FREQUENCY, &s.metric.frequencies),
        (&registry::INVALID_WINDOW, &s.metric.windows),
        (&registry::INVALID_LOG_FREQUENCY, &s.log.frequencies),
        (&registry::INVALID_LOG_WINDOW, &s.log.windows),
    ] {
        for d in &list.values {
            let iso = d.iso();
            assert!(
                check
                    .explanation
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == iso),
                "{}: {iso} missing from the explanation",
                check.code
            );
        }
    }
}

mod schedule_props {
    use super::*;
    use crate::duration::Duration;
    use proptest::prelude::*;

    fn item() -> impl Strategy<Value = String> {
        prop_oneof![
            (1u64..100_000).prop_map(|n| format!("PT{n}M")),
            (0u64..1000).prop_map(|n| format!("{n}h")),
            "\\PC{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        ]
    }

    static BUILTIN_WINDOWS: std::sync::LazyLock<super::super::schedules::DurationList> =
        std::sync::LazyLock::new(|| builtin().0.alert_schedules.log.windows);

    proptest! {
        // Each case loads the whole built-in catalog.
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Any `values` list loads without panicking: either it is applied exactly (sorted,
        /// without repeats) or the file earns an error and nothing of it applies.
        #[test]
        fn a_user_list_is_applied_exactly_or_rejected(items in prop::collection::vec(item(), 0..12)) {
            let text = format!(
                "alert-schedules:\n  log:\n    windows:\n      values: [{}]\n",
                items.join(", ")
            );
            let mut sources = SourceMap::new();
            let (c, findings) =
                Catalog::load(&mut sources, vec![SourceFile::new("user.yaml", text.clone())]);
            if findings.is_empty() {
                let mut want: Vec<Duration> = items
                    .iter()
                    .map(|s| {
                        let s: String = serde_json::from_str(s).unwrap_or_else(|_| s.clone());
                        Duration::parse(&s).unwrap()
                    })
                    .collect();
                want.sort();
                want.dedup();
                prop_assert!(!want.is_empty());
                prop_assert_eq!(&c.alert_schedules.log.windows.values, &want);
            } else {
                prop_assert!(findings.iter().any(|f| f.severity == Severity::Error), "{:?}", findings);
                prop_assert_eq!(&c.alert_schedules.log.windows, &*BUILTIN_WINDOWS);
            }
        }
    }
}

#[test]
fn a_citation_reads_source_then_section() {
    let cite = |section: &str| Cite {
        source: "azure-monitor-reference".into(),
        section: section.into(),
    };
    assert_eq!(
        cite("Supported metrics").to_string(),
        "azure-monitor-reference § Supported metrics"
    );
    assert_eq!(cite("").to_string(), "azure-monitor-reference");
}

#[test]
fn metric_kinds_are_named_as_catalog_files_write_them() {
    let kinds = [
        (MetricKind::Count, "count"),
        (MetricKind::Percent, "percent"),
        (MetricKind::Energy, "energy"),
        (MetricKind::Duration, "duration"),
        (MetricKind::Rate, "rate"),
    ];
    for (kind, name) in kinds {
        assert_eq!(kind.as_str(), name);
        assert_eq!(MetricKind::parse(name), Some(kind));
        assert_eq!(MetricKind::parse(&name.to_uppercase()), Some(kind));
    }
    assert_eq!(MetricKind::parse("percentage"), None);
}

#[test]
fn a_file_alone_puts_metrics_without_a_namespace_in_the_workspace() {
    let mut sources = SourceMap::new();
    let file = SourceFile::new(
        "alone.yaml",
        "metrics:\n  - name: Retried Runs\n    kind: count\n",
    );
    let (c, _) = Catalog::from_file(&mut sources, file);
    assert_eq!(c.namespace, WORKSPACE);
    let m = c
        .metric_in(WORKSPACE, "retried runs")
        .expect("in the workspace");
    assert_eq!(c.metrics[m].namespace, WORKSPACE);
}

#[test]
fn a_metric_written_twice_in_one_file_is_one_entry_with_the_later_values() {
    let (c, findings) = load_one(
        "twice.yaml",
        "metrics:\n  - name: Retried Runs\n    group: Run\n    max: 10\n  - name: retried runs\n    max: 20\n",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(c.metrics.len(), Catalog::builtin().metrics.len() + 1);
    assert_eq!(c.metrics[c.metric("Retried Runs").unwrap()].max, Some(20.0));
}

/// The names suggestions are drawn from: display and REST names, each once, and only the
/// namespace's own metrics for `metric_names_in`.
#[test]
fn suggestion_names_are_every_display_and_rest_name() {
    let c = Catalog::builtin();
    let all: Vec<&str> = c.metric_names().collect();
    let internal = c.metrics.iter().filter(|m| m.internal.is_some()).count();
    assert_eq!(all.len(), c.metrics.len() + internal);
    assert!(all.contains(&"Completed Runs"));
    assert!(all.contains(&"ConnectionsActive"));
    assert!(all.contains(&"RequestLatency_P99"));

    let endpoints: Vec<&str> = c.metric_names_in(ONLINE_ENDPOINTS).collect();
    assert!(endpoints.contains(&"ConnectionsActive"), "{endpoints:?}");
    assert!(!endpoints.contains(&"Completed Runs"), "{endpoints:?}");
    let workspace: Vec<&str> = c.metric_names_in(WORKSPACE).collect();
    assert!(workspace.contains(&"Completed Runs"));
    assert!(!workspace.contains(&"ConnectionsActive"));
    assert_eq!(
        all.len(),
        c.namespaces()
            .iter()
            .map(|ns| c.metric_names_in(ns).count())
            .sum::<usize>()
    );

    let dims: Vec<&str> = c.dimension_names().collect();
    assert!(dims.contains(&"Cluster Name") && dims.contains(&"ClusterName"));
    let internal = c.dimensions.iter().filter(|d| d.internal.is_some()).count();
    assert_eq!(dims.len(), c.dimensions.len() + internal);
}

#[test]
fn a_dimension_named_for_any_metric_has_no_specific_pairs() {
    let (c, findings) = load_one(
        "any.yaml",
        "sources:\n  - id: blog\n    title: A blog\n    location: https://example.com\n    primary: false\ndimensions:\n  - name: Region\n    applies-to:\n      - source: blog\n        any-metric: true\n",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(!c.has_specific_pairs(c.dimension("Region").unwrap()));
    assert!(c.has_specific_pairs(c.dimension("Cluster Name").unwrap()));
}

/// Entries of user catalog files cite the user source, listed (as primary) once any user file
/// is loaded, never for the built-in catalog alone.
#[test]
fn user_files_add_the_user_source_once() {
    assert!(Catalog::builtin().source_info("user").is_none());
    let mut sources = SourceMap::new();
    let files = ["a.yaml", "b.yaml"]
        .map(|n| SourceFile::new(n, "metrics:\n  - name: Retried Runs\n    group: Run\n"));
    let (c, findings) = Catalog::load(&mut sources, files.into());
    assert!(findings.is_empty(), "{findings:#?}");
    let user: Vec<_> = c.sources.iter().filter(|s| s.id == "user").collect();
    assert_eq!(user.len(), 1);
    assert!(user[0].primary);
    assert_eq!(user[0].title, "user catalog files (--catalog)");
}

/// A user metric keeps the source it cites; a percentile must lie strictly between 0 and 100.
#[test]
fn a_user_metric_keeps_its_source_and_a_percentile_inside_0_100() {
    let (c, findings) = load_one(
        "p.yaml",
        "metrics:\n  - name: Latency P50\n    group: Run\n    source: seed#Metrics\n    percentile: 50\n",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    let m = &c.metrics[c.metric("Latency P50").unwrap()];
    assert_eq!(m.source.to_string(), "seed § Metrics");
    assert_eq!(m.percentile, Some(50.0));
    for bad in ["0", "100", "-1"] {
        let (_, findings) = load_one(
            "p.yaml",
            format!("metrics:\n  - name: Latency P50\n    group: Run\n    percentile: {bad}\n"),
        );
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [format!("percentile {bad} is not between 0 and 100")],
            "{bad}"
        );
    }
}

/// A user file adds values to a dimension's list (a value already there, in any case, once);
/// min may equal max; a new metric's range follows its kind.
#[test]
fn user_values_extend_the_list_and_new_metrics_get_their_kind_s_range() {
    let (c, findings) = load_one(
        "extra.yaml",
        "metrics:\n  - name: Fixed\n    group: Run\n    min: 5\n    max: 5\n  - name: A Percent\n    group: Run\n    kind: percent\n  - name: A Count\n    group: Run\n    kind: count\n  - name: An Energy\n    group: Run\n    kind: energy\n  - name: A Duration\n    group: Run\n    kind: duration\ndimensions:\n  - name: RunType\n    values:\n      source: seed\n      list:\n        - {value: Sweep}\n        - {value: steprun}\n",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    let range = |name: &str| {
        let m = &c.metrics[c.metric(name).unwrap()];
        (m.min, m.max)
    };
    assert_eq!(range("Fixed"), (Some(5.0), Some(5.0)));
    assert_eq!(range("A Percent"), (Some(0.0), Some(100.0)));
    assert_eq!(range("A Count"), (Some(0.0), None));
    assert_eq!(range("An Energy"), (None, None));
    assert_eq!(range("A Duration"), (None, None));
    let values: Vec<&str> = c.dimensions[c.dimension("RunType").unwrap()]
        .values
        .as_ref()
        .unwrap()
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(
        values,
        [
            "Experiment",
            "PipelineRun",
            "StepRun",
            "ReusedStepRun",
            "Sweep"
        ]
    );
}

/// A user file adds columns to a table, each column once whatever its case.
#[test]
fn user_columns_extend_a_table_once_each() {
    let before = Catalog::builtin();
    let count = |c: &Catalog| {
        c.tables
            .iter()
            .find(|t| t.name == "AmlComputeJobEvent")
            .unwrap()
            .columns
            .len()
    };
    let (c, findings) = load_one(
        "extra.yaml",
        "tables:\n  - name: amlcomputejobevent\n    source: seed\n    columns:\n      - {name: GpuHours}\n      - {name: jobid}\n",
    );
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(count(&c), count(&before) + 1);
    let table = c
        .tables
        .iter()
        .find(|t| t.name == "AmlComputeJobEvent")
        .unwrap();
    assert_eq!(table.columns.last().unwrap().name, "GpuHours");
    assert_eq!(c.tables.len(), before.tables.len());
}
