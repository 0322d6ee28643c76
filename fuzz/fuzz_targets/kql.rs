//! The KQL parser and checks never panic and report spans inside the input; whatever parses
//! without an error prints to a form that parses back to the same tree, and that form is a
//! fixed point of printing.
#![no_main]

use std::sync::OnceLock;

use amlguard::catalog::Catalog;
use amlguard::kql::{self, Schemas, SpanMap};
use amlguard::source::FileId;
use libfuzzer_sys::fuzz_target;

fn schemas() -> &'static Schemas {
    static S: OnceLock<Schemas> = OnceLock::new();
    S.get_or_init(|| Schemas::from_catalog(&Catalog::builtin()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = kql::parse(text);
    for e in &parsed.errors {
        let s = e.at.span();
        assert!(s.start <= s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
    if parsed.errors.is_empty() {
        let printed = kql::print(&parsed.query);
        let again = kql::parse(&printed);
        assert!(again.errors.is_empty(), "{printed}: {:?}", again.errors);
        assert_eq!(again.query, parsed.query, "{printed}");
        assert_eq!(kql::print(&again.query), printed);
    }
    for f in kql::check_query(text, &SpanMap::offset(0), FileId(0), schemas()) {
        assert!(f.span.start <= f.span.end && f.span.end <= text.len());
    }
});
