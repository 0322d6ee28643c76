//! The JSON-lines reader accounts for every line, whatever the bytes.
#![no_main]

#[path = "audit_common.rs"]
mod common;

use amlguard::audit::input::LineChunker;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut c = LineChunker::new(common::reader(data));
    common::drain(|| c.next_chunk());
});
