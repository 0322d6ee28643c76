//! Lint throughput on generated rule files (`amlguard generate rules N` writes the same input):
//! a file linted as the command line lints it (read in parallel parts above 1 MiB, each rule
//! checked on the thread that read it and dropped), the same text linted in memory with its
//! rules kept, then the YAML layer alone.

use amlguard::catalog::Catalog;
use amlguard::generate::rules_yaml;
use amlguard::linter::{LintOptions, lint_paths, lint_text};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn lint(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let dir = tempfile::tempdir().expect("a scratch directory");
    let mut group = c.benchmark_group("lint");
    group.sample_size(20);
    for n in [1_000usize, 10_000] {
        let text = rules_yaml(n, 1, 100);
        let path = dir.path().join(format!("rules-{n}.yaml"));
        std::fs::write(&path, &text).expect("the rule file");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{n}_rules"), |b| {
            b.iter(|| {
                let report = lint_paths(std::slice::from_ref(&path), &LintOptions::default());
                assert_eq!(report.summary.rules, n);
                report.findings.len()
            })
        });
    }
    group.finish();
    // In memory, every rule kept (what `lint_text` gives a library user).
    let text = rules_yaml(10_000, 1, 100);
    let mut group = c.benchmark_group("lint_text");
    group.sample_size(20);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("10000_rules", |b| {
        b.iter(|| {
            let (_, rules, findings) = lint_text("bench.yaml", &text, &catalog);
            assert_eq!(rules.len(), 10_000);
            findings.len()
        })
    });
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
