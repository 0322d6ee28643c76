//! Property tests of the series notation of rule unit tests: printing then parsing gives the
//! same terms, an expansion has exactly the length its terms say, any text is either parsed
//! or rejected at a place inside it, and a bad term in a file is reported at its column.

use amlguard::ruletest::series::{Term, expand, parse, print};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i64..1000).prop_map(|v| v as f64),
        (-1.0e6f64..1.0e6),
        Just(0.5),
        Just(1e-7),
        Just(-0.0),
    ]
}

fn term() -> impl Strategy<Value = Term> {
    prop_oneof![
        value().prop_map(Term::Value),
        (value(), value(), 0u64..50).prop_map(|(start, step, times)| Term::Ramp {
            start,
            step,
            times
        }),
        (value(), 0u64..50).prop_map(|(value, times)| Term::Repeat { value, times }),
        (1u64..50).prop_map(|times| Term::Missing { times }),
    ]
}

proptest! {
    #[test]
    fn print_then_parse_is_the_identity(terms in prop::collection::vec(term(), 1..20)) {
        let text = print(&terms);
        let back: Vec<Term> = parse(&text).unwrap().into_iter().map(|t| t.term).collect();
        prop_assert_eq!(back, terms);
    }

    #[test]
    fn expansion_length_is_the_sum_of_the_terms(terms in prop::collection::vec(term(), 1..20)) {
        let n: u64 = terms.iter().map(Term::len).sum();
        prop_assert_eq!(expand(&terms).len() as u64, n);
    }

    #[test]
    fn a_ramp_steps_evenly(start in -100i64..100, step in -10i64..10, times in 0u64..30) {
        let t = Term::Ramp { start: start as f64, step: step as f64, times };
        let values = expand(&[t]);
        prop_assert_eq!(values.len() as u64, times + 1);
        for (k, v) in values.iter().enumerate() {
            prop_assert_eq!(*v, Some((start + step * k as i64) as f64));
        }
    }

    #[test]
    fn any_text_parses_or_is_rejected_inside_it(text in "[0-9x_+\\-. a-z\\t\\n]{0,40}") {
        match parse(&text) {
            Ok(terms) => {
                for t in terms {
                    prop_assert!(t.span.end <= text.len() && t.span.start < t.span.end);
                }
            }
            Err(e) => prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len()),
        }
    }

    #[test]
    fn separators_do_not_matter(terms in prop::collection::vec(term(), 1..10), sep in "[ \\t\\n]{1,3}") {
        let text = terms.iter().map(Term::to_string).collect::<Vec<_>>().join(&sep);
        let back: Vec<Term> = parse(&text).unwrap().into_iter().map(|t| t.term).collect();
        prop_assert_eq!(back, terms);
    }
}
