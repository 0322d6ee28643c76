//! Audit throughput against a bare serde_json parse of the same fields, both on 2 threads,
//! over a generated diagnostic-settings dump (`amlguard generate dump` writes the same bytes).
//! Set AMLGUARD_BENCH_DUMP=FILE to measure a dump on disk instead (read into memory first).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use amlguard::audit::run::{AuditOptions, run_pipeline};
use amlguard::generate::dump::{DumpSpec, write_dump};
use amlguard::lifecycle::Lifecycles;
use amlguard::source::FileId;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/record.rs"]
mod record;
use record::Record;

/// The baseline: split at a line boundary, parse every line of each half on its own thread.
fn baseline(bytes: &[u8]) -> usize {
    let mid = bytes[bytes.len() / 2..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| bytes.len() / 2 + i + 1);
    let (a, b) = bytes.split_at(mid);
    let parse = |part: &[u8]| {
        part.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .filter(|l| serde_json::from_slice::<Record>(l).is_ok())
            .count()
    };
    std::thread::scope(|s| {
        let h = s.spawn(|| parse(a));
        parse(b) + h.join().expect("thread")
    })
}

fn dump() -> Arc<[u8]> {
    if let Ok(path) = std::env::var("AMLGUARD_BENCH_DUMP") {
        let mut v = Vec::new();
        std::fs::File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut v))
            .expect("AMLGUARD_BENCH_DUMP");
        return v.into();
    }
    let mut v = Vec::new();
    let spec = DumpSpec {
        runs: 20_000,
        seed: 1,
        shuffle_seconds: 600,
        plant_every: 1000,
        bursts: Vec::new(),
    };
    write_dump(&spec, &mut v).expect("in memory");
    v.into()
}

fn audit(c: &mut Criterion) {
    let bytes = dump();
    let lifecycles = Lifecycles::builtin();
    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("serde_json_baseline_2_threads", |b| {
        b.iter(|| baseline(&bytes))
    });
    let inputs = vec![(PathBuf::from("bench.json"), FileId(0))];
    let options = AuditOptions {
        threads: 2,
        ..AuditOptions::default()
    };
    let bytes2 = Arc::clone(&bytes);
    let open = move |_: &Path| -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(Arc::clone(&bytes2))))
    };
    group.bench_function("audit_2_threads", |b| {
        b.iter(|| {
            let (findings, _, counts, errors, _) =
                run_pipeline(&lifecycles, &inputs, &open, &options);
            assert!(errors.is_empty());
            (findings.len(), counts.read)
        })
    });
    let classifier = amlguard::audit::classify::Classifier::new(&lifecycles);
    group.bench_function("parse_only_2_threads", |b| {
        b.iter(|| {
            let mid = bytes[bytes.len() / 2..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |i| bytes.len() / 2 + i + 1);
            let (x, y) = bytes.split_at(mid);
            let go = |part: &[u8]| {
                let mut c = amlguard::audit::input::LineChunker::new(part);
                let mut n = 0;
                let mut seq = 0;
                while let Ok(Some((bytes, units, skips))) = c.next_chunk() {
                    let chunk = amlguard::audit::input::Chunk {
                        seq,
                        file: FileId(0),
                        bytes,
                        units,
                        skips,
                    };
                    seq += 1;
                    n += amlguard::audit::run::process_chunk(&classifier, &chunk)
                        .events
                        .len();
                }
                n
            };
            std::thread::scope(|s| {
                let h = s.spawn(|| go(x));
                go(y) + h.join().expect("thread")
            })
        })
    });
    // The tracker alone, over events parsed beforehand.
    let mut outs = Vec::new();
    {
        let mut c = amlguard::audit::input::LineChunker::new(&bytes[..]);
        let mut seq = 0;
        while let Ok(Some((b, units, skips))) = c.next_chunk() {
            let chunk = amlguard::audit::input::Chunk {
                seq,
                file: FileId(0),
                bytes: b,
                units,
                skips,
            };
            seq += 1;
            outs.push(amlguard::audit::run::process_chunk(&classifier, &chunk));
        }
    }
    group.bench_function("tracker_only", |b| {
        b.iter(|| {
            let mut t = amlguard::audit::tracker::Tracker::new(&lifecycles, 3_600_000_000, false);
            for out in &outs {
                for e in &out.events {
                    t.push(e.lifecycle, out.key(e), e.state, e.time, e.file, e.line);
                }
            }
            t.finish();
            t.findings.len()
        })
    });
    group.finish();
}

criterion_group!(benches, audit);
criterion_main!(benches);
