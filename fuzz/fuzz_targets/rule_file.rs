//! Reading and linting a rule file never panics, whatever the bytes.
#![no_main]

use amlguard::catalog::Catalog;
use amlguard::linter::lint_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static CATALOG: Catalog = Catalog::builtin();
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    CATALOG.with(|c| {
        let (_, _, findings) = lint_text("fuzz.yaml", text, c);
        for f in findings {
            assert!(f.span.end <= text.len());
        }
    });
});
