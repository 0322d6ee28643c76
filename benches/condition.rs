//! Condition parse throughput on one core, over a realistic mix of condition shapes.

use amlguard::condition::{parse, print};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The mix: short static, quoted with dimensions, dynamic, namespaced, multi-dimension.
const MIX: &[&str] = &[
    "avg GpuUtilization < 10",
    "total \"Failed Runs\" > 0 where RunType includes Experiment or PipelineRun",
    "max 'Quota Utilization Percentage' >= 90 where VmFamilyName includes standardNCv3Family",
    "avg CpuUtilization > dynamic medium 2 of 4 since 2026-01-01T00:00:00Z",
    "avg GpuUtilization < 10 where RunId includes * and DeviceId excludes 0",
    "avg Microsoft.MachineLearningServices/workspaces.Active Nodes > 3 with skipmetricvalidation",
    "max Unusable Nodes > 0 where ClusterName includes gpu-a, gpu-b, cpu-c",
    "total Model Deploy Failed >= 1",
];

fn conditions(c: &mut Criterion) {
    let mut group = c.benchmark_group("condition");
    group.throughput(Throughput::Elements(MIX.len() as u64));
    group.bench_function("parse_mix", |b| {
        b.iter(|| {
            let mut dims = 0;
            for s in MIX {
                dims += parse(std::hint::black_box(s))
                    .expect("valid")
                    .dimensions
                    .len();
            }
            dims
        })
    });
    let parsed: Vec<_> = MIX.iter().map(|s| parse(s).expect("valid")).collect();
    group.bench_function("print_mix", |b| {
        b.iter(|| parsed.iter().map(|c| print(c).len()).sum::<usize>())
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse_error", |b| {
        b.iter(|| {
            parse(std::hint::black_box(
                "avg GpuUtilization => 10 where RunId includes *",
            ))
            .is_err()
        })
    });
    group.finish();
}

criterion_group!(benches, conditions);
criterion_main!(benches);
