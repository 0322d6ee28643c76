//! Lint throughput on generated rule files (`amlguard generate rules N` writes the same input):
//! reading (in parallel parts above 1 MiB) and checking, then the YAML layer alone.

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
    // The YAML layer alone, on one core: the tree of the 10,000-rule file.
    let text = rules_yaml(10_000, 1, 100);
    let mut group = c.benchmark_group("yaml");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse_10000_rules", |b| {
        b.iter(|| amlguard::yaml::parse(&text).map(|n| n.is_some()))
    });
    group.finish();
    c.bench_function("catalog/load_builtin", |b| b.iter(Catalog::builtin));
}

criterion_group!(benches, lint);
criterion_main!(benches);
