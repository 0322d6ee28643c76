//! The series notation of rule unit tests never panics, reports spans inside the input, keeps
//! expansions within their bound, and whatever it accepts prints to a canonical form that
//! parses back to the same terms.
#![no_main]

use amlguard::ruletest::series::{MAX_SAMPLES, Term, expand, parse, print};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text) {
        Ok(spanned) => {
            let terms: Vec<Term> = spanned.iter().map(|t| t.term).collect();
            for t in &spanned {
                assert!(t.span.start < t.span.end && t.span.end <= text.len());
            }
            let n: u64 = terms.iter().map(Term::len).sum();
            assert!(n <= MAX_SAMPLES);
            assert_eq!(expand(&terms).len() as u64, n);
            let canonical = print(&terms);
            let again: Vec<Term> = parse(&canonical)
                .expect("the canonical form parses")
                .iter()
                .map(|t| t.term)
                .collect();
            assert_eq!(again, terms);
        }
        Err(e) => {
            assert!(e.span.start <= e.span.end && e.span.end <= text.len());
            assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        }
    }
});
