//! Lint throughput on generated rule files (`amlguard generate rules N` writes the same input).

use amlguard::catalog::Catalog;
use amlguard::generate::rules_yaml;
use amlguard::linter::lint_text;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn lint(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("lint");
    group.sample_size(20);
    for n in [1_000usize, 10_000] {
        let text = rules_yaml(n, 1, 100);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{n}_rules"), |b| {
            b.iter(|| {
                let (_, rules, findings) = lint_text("bench.yaml", &text, &catalog);
                assert_eq!(rules.len(), n);
                findings.len()
            })
        });
    }
    group.finish();
    c.bench_function("catalog/load_builtin", |b| b.iter(Catalog::builtin));
}

criterion_group!(benches, lint);
criterion_main!(benches);
