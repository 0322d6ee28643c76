//! Property tests of the az CLI log-condition language (`az monitor scheduled-query create
//! --condition`): printing any condition and parsing it back gives the same condition, every
//! span of the parsed condition holds what it names, and no input makes the parser panic or
//! report a span outside the text.

use amlguard::condition::At;
use amlguard::condition::log::{Failing, LogCondition, LogDimension, Offsets, parse, print};
use amlguard::source::Span;
use amlguard::vocab::{Aggregation, DimensionOperator, Operator};
use proptest::prelude::*;

/// Words that join or end clauses: never generated as a name or a value word.
const KEYWORDS: [&str; 8] = [
    "where", "and", "or", "includes", "excludes", "at", "resource", "from",
];

fn plain(s: &str) -> bool {
    !KEYWORDS.iter().any(|k| s.eq_ignore_ascii_case(k))
}

fn at<T>(v: T) -> At<T> {
    At::new(v, Span::default())
}

fn word() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,10}".prop_filter("not a keyword", |s| plain(s))
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        "[A-Za-z0-9_][A-Za-z0-9_.:~|%*-]{0,8}".prop_filter("not a keyword", |s| plain(s)),
        ("[A-Za-z][A-Za-z0-9]{0,5}", "[A-Za-z0-9]{1,5}")
            .prop_filter("not keywords", |(a, b)| plain(a) && plain(b))
            .prop_map(|(a, b)| format!("{a} {b}")),
    ]
}

fn aggregation() -> impl Strategy<Value = Aggregation> {
    prop::sample::select(Aggregation::ALL.to_vec())
}

fn operator() -> impl Strategy<Value = Operator> {
    prop::sample::select(vec![
        Operator::Equals,
        Operator::NotEquals,
        Operator::GreaterThan,
        Operator::GreaterThanOrEqual,
        Operator::LessThan,
        Operator::LessThanOrEqual,
    ])
}

prop_compose! {
    fn dimension()(
        name in word(),
        exclude in any::<bool>(),
        values in prop::collection::vec(value(), 1..4),
    ) -> LogDimension {
        LogDimension {
            name: at(name),
            operator: at(if exclude { DimensionOperator::Exclude } else { DimensionOperator::Include }),
            values: values.into_iter().map(at).collect(),
        }
    }
}

prop_compose! {
    fn condition()(
        aggregation in aggregation(),
        measure in prop::option::of(prop_oneof![word(), "[A-Za-z][A-Za-z0-9 \"\\\\'_|-]{0,12}"]),
        query in "[ -~\n\t]{1,60}",
        operator in operator(),
        threshold in prop_oneof![(0u32..100_000).prop_map(f64::from), (0u32..100_000).prop_map(|v| f64::from(v) / 100.0)],
        resource_id in prop::option::of(word()),
        dimensions in prop::collection::vec(dimension(), 0..3),
        failing in prop::option::of((1u32..7, 1u32..7)),
    ) -> LogCondition {
        LogCondition {
            aggregation: at(aggregation),
            measure: measure.map(at),
            query: at(query),
            query_offsets: Offsets::default(),
            operator: at(operator),
            threshold: at(threshold),
            resource_id: resource_id.map(at),
            dimensions,
            failing: failing.map(|(v, p)| Failing { span: at(()), violations: at(v), points: at(p) }),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn print_then_parse_is_the_identity(c in condition()) {
        let text = print(&c);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e:?}")))?;
        prop_assert_eq!(&back, &c, "{}", text);
        // Spans hold what they name.
        let s = |sp: Span| &text[sp.start..sp.end];
        prop_assert_eq!(s(back.aggregation.span), c.aggregation.value.cli());
        prop_assert_eq!(s(back.threshold.span).parse::<f64>().ok(), Some(c.threshold.value));
        for (d, e) in back.dimensions.iter().zip(&c.dimensions) {
            prop_assert_eq!(s(d.name.span), e.name.value.as_str());
            for (v, w) in d.values.iter().zip(&e.values) {
                prop_assert_eq!(s(v.span), w.value.as_str());
            }
        }
        // Each byte of the query maps to a byte of the text that is it, or to the escape
        // that stands for it.
        prop_assert_eq!(back.query_offsets.0.len(), c.query.value.len() + 1);
        for (i, b) in c.query.value.bytes().enumerate() {
            let o = back.query_offsets.0[i];
            let t = text.as_bytes()[o];
            prop_assert!(t == b || (t == b'\\' && text.as_bytes()[o + 1] == b), "{i} in {text:?}");
        }
    }

    #[test]
    fn any_input_gives_a_condition_or_a_located_error(src in "\\PC{0,80}") {
        if let Err(e) = parse(&src) {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= src.len());
            prop_assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
        }
    }

    #[test]
    fn near_misses_give_a_located_error(
        c in condition(),
        cut in 0usize..200,
        junk in prop::sample::select(vec!["=>", "==", "'", "\"", "where", "at", "from", ",", "x/y"]),
    ) {
        let text = print(&c);
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let src = format!("{}{junk}{}", &text[..at], &text[at..]);
        if let Err(e) = parse(&src) {
            prop_assert!(e.span.end <= src.len());
        }
    }
}
