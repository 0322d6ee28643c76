//! KQL throughput on one core: parsing, and parsing plus the table checks, over a mix of short
//! alert queries (criterion reports elements/s = queries per second).

use amlguard::catalog::Catalog;
use amlguard::kql::{self, Schemas, SpanMap};
use amlguard::source::FileId;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/kql_mix.rs"]
mod kql_mix;
use kql_mix::MIX;

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
