//! KQL throughput on one core: parsing, and parsing plus the table checks, over a mix of short
//! alert queries (criterion reports elements/s = queries per second).

use amlguard::catalog::Catalog;
use amlguard::kql::{self, Schemas, SpanMap};
use amlguard::source::FileId;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MIX: &[&str] = &[
    "AmlComputeJobEvent | where EventType == \"JobFailed\" | summarize count() by ClusterName, bin(TimeGenerated, 5m)",
    "AmlRunStatusChangedEvent | where TimeGenerated > ago(1d) | summarize arg_max(TimeGenerated, *) by RunId | where Status in (\"Queued\", \"Preparing\") and TimeGenerated < ago(2h)",
    "AmlComputeClusterEvent | summarize Unusable = max(UnusableNodeCount) by ClusterName | where Unusable > 0",
    "let failed = AmlComputeJobEvent | where EventType == \"JobFailed\" | project JobId, ClusterName; failed | join kind=inner (AmlComputeJobEvent | where EventType == \"JobSubmitted\" | project JobId, SubmittedAt = TimeGenerated) on JobId | count",
    "AmlDeploymentEvent | where ResultType == \"Failed\" | summarize Failures = count() by OperationName, bin(TimeGenerated, 5m)",
    "AmlComputeJobEvent | where EventTyp == \"JobFaild\" | project-rename Cluster = ClustrName",
    "AmlComputeClusterEvent | make-series Nodes = avg(CurrentNodeCount) default = 0 on TimeGenerated from ago(1d) to now() step 1h by ClusterName",
    "AmlComputeJobEvent | parse JobErrorMessage with * \"exit code \" ExitCode:int * | where ExitCode != 0 | summarize count() by ExitCode",
];

fn queries(c: &mut Criterion) {
    let schemas = Schemas::from_catalog(&Catalog::builtin());
    let mut group = c.benchmark_group("kql");
    group.throughput(Throughput::Elements(MIX.len() as u64));
    group.bench_function("parse_mix", |b| {
        b.iter(|| {
            MIX.iter()
                .map(|q| kql::parse(std::hint::black_box(q)).query.lets.len())
                .sum::<usize>()
        })
    });
    group.bench_function("parse_and_check_mix", |b| {
        b.iter(|| {
            MIX.iter()
                .map(|q| {
                    kql::check_query(
                        std::hint::black_box(q),
                        &SpanMap::offset(0),
                        FileId(0),
                        &schemas,
                    )
                    .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
