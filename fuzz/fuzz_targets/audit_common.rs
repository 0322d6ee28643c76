//! Shared by the audit reader targets: run one reader over the input and check that every
//! record it cuts is accounted for, and that units lie inside their chunk.

// Each target is its own crate and uses only part of this module.
#![allow(dead_code)]

use std::io::BufRead;

use amlguard::audit::classify::Classifier;
use amlguard::audit::input::{Chunk, ChunkParts};
use amlguard::audit::run::process_chunk;
use amlguard::lifecycle::Lifecycles;
use amlguard::source::FileId;

pub fn lifecycles() -> &'static Lifecycles {
    static L: std::sync::OnceLock<Lifecycles> = std::sync::OnceLock::new();
    L.get_or_init(Lifecycles::builtin)
}

/// Drains a chunker: every unit inside its chunk, lines never going back, every record read
/// counted once as audited or skipped.
pub fn drain(mut next: impl FnMut() -> std::io::Result<Option<ChunkParts>>) {
    let classifier = Classifier::new(lifecycles());
    let mut seq = 0;
    let mut last_line = 0;
    while let Ok(Some((bytes, units, skips))) = next() {
        for u in &units {
            let (s, e, line) = (u.start, u.end, u.line);
            assert!(s <= e && e as usize <= bytes.len());
            assert!(line >= 1);
            assert!(line >= last_line, "lines go back: {line} after {last_line}");
            last_line = line;
        }
        let chunk = Chunk {
            seq,
            file: FileId(0),
            bytes,
            units,
            skips,
        };
        seq += 1;
        let out = process_chunk(&classifier, &chunk);
        let skipped: u64 = out.skipped.values().sum();
        assert_eq!(out.read, out.audited + skipped);
    }
}

pub fn reader(data: &[u8]) -> Box<dyn BufRead + Send> {
    Box::new(std::io::Cursor::new(data.to_vec()))
}
