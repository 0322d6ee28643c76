//! Short alert queries of every shape the KQL benchmarks measure: the mix `benches/kql.rs`
//! times with criterion and `benches/kql_instructions.rs` runs under callgrind.

pub const MIX: &[&str] = &[
    "AmlComputeJobEvent | where EventType == \"JobFailed\" | summarize count() by ClusterName, bin(TimeGenerated, 5m)",
    "AmlRunStatusChangedEvent | where TimeGenerated > ago(1d) | summarize arg_max(TimeGenerated, *) by RunId | where Status in (\"Queued\", \"Preparing\") and TimeGenerated < ago(2h)",
    "AmlComputeClusterEvent | summarize Unusable = max(UnusableNodeCount) by ClusterName | where Unusable > 0",
    "let failed = AmlComputeJobEvent | where EventType == \"JobFailed\" | project JobId, ClusterName; failed | join kind=inner (AmlComputeJobEvent | where EventType == \"JobSubmitted\" | project JobId, SubmittedAt = TimeGenerated) on JobId | count",
    "AmlDeploymentEvent | where ResultType == \"Failed\" | summarize Failures = count() by OperationName, bin(TimeGenerated, 5m)",
    "AmlComputeJobEvent | where EventTyp == \"JobFaild\" | project-rename Cluster = ClustrName",
    "AmlComputeClusterEvent | make-series Nodes = avg(CurrentNodeCount) default = 0 on TimeGenerated from ago(1d) to now() step 1h by ClusterName",
    "AmlComputeJobEvent | parse JobErrorMessage with * \"exit code \" ExitCode:int * | where ExitCode != 0 | summarize count() by ExitCode",
];
