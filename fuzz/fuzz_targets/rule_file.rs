//! Reading and linting a rule source never panics, whatever the bytes: the text goes through
//! format detection (it has no file name, as on stdin) to the YAML, JSON, Terraform, script or
//! Bicep reader, and every finding lies inside the text. Text that mentions an az command is
//! read once more as a pipeline's YAML (`.yml`), whose scripts are its decoded scalars.
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
    let names: &[&str] = if text.contains("az ") {
        &["fuzz", "fuzz.yml"]
    } else {
        &["fuzz"]
    };
    CATALOG.with(|c| {
        for name in names {
            let (_, _, findings) = lint_text(name, text, c);
            for f in findings {
                assert!(f.span.start <= f.span.end && f.span.end <= text.len());
                assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            }
        }
    });
});
