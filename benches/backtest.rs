//! Backtesting the starter pack (`rules/recommended.yaml`) over a generated dump, next to the
//! audit's single pass over the same file: the backtest reads with the same streaming readers,
//! so it should cost about as much. Set AMLGUARD_BENCH_DUMP=FILE to measure a dump on disk.

use std::path::PathBuf;

use amlguard::audit::run::{AuditOptions, audit_paths};
use amlguard::backtest::backtest_paths;
use amlguard::generate::dump::{Burst, DumpSpec, write_dump};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn dump() -> (PathBuf, Option<tempfile::TempDir>) {
    if let Ok(path) = std::env::var("AMLGUARD_BENCH_DUMP") {
        return (PathBuf::from(path), None);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dump.json");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let spec = DumpSpec {
        runs: 20_000,
        seed: 1,
        shuffle_seconds: 0,
        plant_every: 0,
        bursts: vec![Burst::parse("Failed@2026-11-18T12:00Z x50").expect("burst")],
    };
    write_dump(&spec, &mut file).expect("write");
    drop(file);
    (path, Some(dir))
}

fn backtest(c: &mut Criterion) {
    let (path, _keep) = dump();
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let rules = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/recommended.yaml"
    ))];
    let logs = vec![path.clone()];
    let mut group = c.benchmark_group("backtest");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("starter pack", |b| {
        b.iter(|| {
            let r = backtest_paths(&rules, &logs, &Default::default());
            assert!(r.input_errors.is_empty());
            r.summary().alerts
        })
    });
    group.bench_function("audit (same dump)", |b| {
        let options = AuditOptions {
            threads: 2,
            progress: false,
            ..AuditOptions::default()
        };
        b.iter(|| audit_paths(&logs, &options).summary.records)
    });
    group.finish();
}

criterion_group!(benches, backtest);
criterion_main!(benches);
