//! Event Hub captures: the input follows `{"records": [` (pretty-printed bodies are read by
//! the document reader; bodies on one line by the JSON-lines reader).
#![no_main]

#[path = "audit_common.rs"]
mod common;

use amlguard::audit::input::{JsonChunker, LineChunker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut text = b"{\n  \"records\": [\n".to_vec();
    text.extend_from_slice(data);
    let mut c = JsonChunker::new(common::reader(&text));
    common::drain(|| c.next_chunk());
    let mut line = b"{\"records\":[".to_vec();
    line.extend(data.iter().filter(|&&b| b != b'\n'));
    let mut c = LineChunker::new(common::reader(&line));
    common::drain(|| c.next_chunk());
});
