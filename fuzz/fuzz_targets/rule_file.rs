//! Reading and linting a rule source never panics, whatever the bytes: the text goes through
//! format detection (it has no file name, as on stdin) to the YAML, JSON, Terraform, script or
//! Bicep reader, and every finding lies inside the text.
#![no_main]

use amlguard::catalog::Catalog;
use amlguard::linter::lint_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static CATALOG: Catalog = Catalog::builtin();
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    CATALOG.with(|c| {
        let (_, _, findings) = lint_text("fuzz", text, c);
        for f in findings {
            assert!(f.span.start <= f.span.end && f.span.end <= text.len());
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
    });
});
