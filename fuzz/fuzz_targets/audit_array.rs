//! The JSON array / document reader (Log Analytics results) never panics, keeps its units
//! inside their chunk and accounts for every element, whatever the bytes.
#![no_main]

#[path = "audit_common.rs"]
mod common;

use amlguard::audit::input::JsonChunker;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut c = JsonChunker::new(common::reader(data));
    common::drain(|| c.next_chunk());
});
