//! The whole read path on raw input (gzip or not): decompression, format detection, the
//! reader it picks, the workers and the tracker. Every record read is audited or skipped.
#![no_main]

#[path = "audit_common.rs"]
mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use amlguard::audit::run::{AuditOptions, run_pipeline};
use amlguard::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = data.to_vec();
    let open = move |_: &Path| -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(bytes.clone())))
    };
    let options = AuditOptions {
        threads: 1,
        ..AuditOptions::default()
    };
    let inputs = vec![(PathBuf::from("d"), FileId(0))];
    let (_, _, counts, _, _) = run_pipeline(common::lifecycles(), &inputs, &open, &options);
    let skipped: u64 = counts.skipped.values().sum();
    assert_eq!(counts.read, counts.audited + skipped);
});
