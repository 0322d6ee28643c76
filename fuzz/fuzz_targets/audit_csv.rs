//! The CSV reader (portal exports) never panics and accounts for every row.
#![no_main]

#[path = "audit_common.rs"]
mod common;

use amlguard::audit::input::CsvChunker;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut c) = CsvChunker::new(common::reader(data)) {
        common::drain(|| c.next_chunk());
    }
});
