//! The condition parser never panics, reports spans inside the input, and whatever it accepts
//! prints to a canonical form that parses back to the same condition.
#![no_main]

use amlguard::condition::{parse, print};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text) {
        Ok(c) => {
            let canonical = print(&c);
            let again = parse(&canonical).expect("the canonical form parses");
            assert_eq!(again, c);
            assert_eq!(print(&again), canonical);
        }
        Err(e) => {
            assert!(e.span.start <= e.span.end && e.span.end <= text.len());
            assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        }
    }
});
