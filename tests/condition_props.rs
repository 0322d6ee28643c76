//! Property tests of the condition language: printing any condition and parsing it back gives
//! the same condition; no input makes the parser panic or report a span outside the text.

use amlguard::condition::{At, Condition, ConditionDimension, ConditionThreshold, parse, print};
use amlguard::source::Span;
use amlguard::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};
use proptest::prelude::*;

const KEYWORDS: [&str; 10] = [
    "where",
    "and",
    "includes",
    "excludes",
    "or",
    "dynamic",
    "of",
    "since",
    "with",
    "skipmetricvalidation",
];

fn not_keyword(s: &str) -> bool {
    !s.split(' ')
        .any(|w| KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)))
}

#[derive(Debug, Clone)]
struct Spec {
    aggregation: Aggregation,
    namespace: Option<String>,
    metric: String,
    operator: Operator,
    threshold: ThresholdSpec,
    dimensions: Vec<(String, DimensionOperator, Vec<String>)>,
    skip: bool,
}

#[derive(Debug, Clone)]
enum ThresholdSpec {
    Static(f64),
    Dynamic(Sensitivity, u32, u32, Option<String>),
}

fn at<T>(v: T) -> At<T> {
    At::new(v, Span::default())
}

impl Spec {
    fn condition(&self) -> Condition<'_> {
        Condition {
            aggregation: at(self.aggregation),
            namespace: self.namespace.as_deref().map(at),
            metric: at(self.metric.as_str()),
            operator: at(self.operator),
            threshold: match &self.threshold {
                ThresholdSpec::Static(v) => ConditionThreshold::Static(at(*v)),
                ThresholdSpec::Dynamic(s, v, w, since) => ConditionThreshold::Dynamic {
                    span: at(()),
                    sensitivity: at(*s),
                    violations: at(*v),
                    windows: at(*w),
                    since: since.as_deref().map(at),
                },
            },
            dimensions: self
                .dimensions
                .iter()
                .map(|(n, op, vals)| ConditionDimension {
                    name: at(n.as_str()),
                    operator: at(*op),
                    values: vals.iter().map(|v| at(v.as_str())).collect(),
                })
                .collect(),
            skip_metric_validation: self.skip.then(|| at(())),
        }
    }
}

/// Thresholds the grammar can write: non-negative finite numbers of every magnitude, including
/// those Rust would print with an exponent (`1e-300`, `1.7e308`) and subnormals.
fn threshold_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u64..10_000_000, 0u32..4).prop_map(|(n, k)| n as f64 / 10f64.powi(k as i32)),
        (1u64..u64::MAX, -330i32..290)
            .prop_map(|(m, e)| m as f64 * 10f64.powi(e))
            .prop_filter("finite", |v| v.is_finite()),
        any::<f64>().prop_filter("finite, non-negative", |v| v.is_finite() && *v >= 0.0),
        Just(f64::MIN_POSITIVE / 4.0),
        Just(f64::MAX),
    ]
}

/// A metric or dimension name: a word, words with blanks and punctuation, non-ASCII text, or
/// text holding one kind of quote (printed inside the other kind).
fn name_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_]{0,10}",
        "[A-Za-z][A-Za-z0-9]{0,6}( [A-Za-z0-9]{1,6}){1,2}",
        "[\\p{L}\\p{N}][\\p{L}\\p{N} ._/:%|,-]{0,10}",
        "[A-Za-z][A-Za-z ]{0,5}'[A-Za-z ]{0,5}",
        "[A-Za-z][A-Za-z ]{0,5}\"[A-Za-z ]{0,5}",
    ]
    .prop_filter("keyword", |s: &String| not_keyword(s))
}

/// A dimension value: words of value characters, commas inside words (never before a blank:
/// `, ` separates values) and words glued to a comma that start with a separator keyword
/// (`or,x`, `and,1`).
fn value_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[A-Za-z0-9_.*:~|%-]{1,6}",
        "[A-Za-z0-9_.*:~|%-]{1,4},[A-Za-z0-9_.*:~|%-]{1,4}",
        "(or|OR|and|with),[A-Za-z0-9]{1,3}",
        "[a-z]{1,3},(or|and|with)",
    ];
    proptest::collection::vec(word, 1..4)
        .prop_map(|w| w.join(" "))
        .prop_filter("keyword", |s: &String| not_keyword(s))
}

fn spec_with(threshold: impl Strategy<Value = ThresholdSpec>) -> impl Strategy<Value = Spec> {
    let agg = proptest::sample::select(Aggregation::ALL.to_vec());
    let op = proptest::sample::select(Operator::ALL.to_vec());
    let ns = proptest::option::of("[A-Za-z0-9_/]{1,8}(\\.[A-Za-z0-9_/]{1,8}){0,2}");
    let metric = prop_oneof![
        "[A-Za-z0-9_./:%,|-]{1,8}( [A-Za-z0-9_./:%,|-]{1,8}){0,3}",
        name_text(),
    ];
    let dim = (
        name_text(),
        proptest::sample::select(vec![DimensionOperator::Include, DimensionOperator::Exclude]),
        proptest::collection::vec(value_text(), 1..4),
    );
    (
        agg,
        ns,
        metric,
        op,
        threshold,
        proptest::collection::vec(dim, 0..4),
        any::<bool>(),
    )
        .prop_map(
            |(aggregation, namespace, metric, operator, threshold, dimensions, skip)| Spec {
                aggregation,
                namespace,
                metric,
                operator,
                threshold,
                dimensions,
                skip,
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    let threshold = prop_oneof![
        threshold_value().prop_map(ThresholdSpec::Static),
        (
            proptest::sample::select(vec![
                Sensitivity::Low,
                Sensitivity::Medium,
                Sensitivity::High
            ]),
            0u32..1000,
            0u32..1000,
            proptest::option::of(
                "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z"
            ),
        )
            .prop_map(|(s, v, w, d)| ThresholdSpec::Dynamic(s, v, w, d)),
    ];
    spec_with(threshold)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn print_then_parse_is_identity(s in spec()) {
        let c = s.condition();
        let text = print(&c);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e:?}")))?;
        prop_assert_eq!(&back, &c, "{}", text);
        prop_assert_eq!(print(&back), text);
    }

    /// The grammar has no sign (as the CLI's): a negative threshold, which only a program can
    /// put in a condition, prints to text that is refused at the sign, never to text that
    /// reads back as another value.
    #[test]
    fn a_negative_threshold_never_prints_as_another_value(
        s in spec_with(threshold_value()
            .prop_filter("non-zero", |v| *v > 0.0)
            .prop_map(|v| ThresholdSpec::Static(-v)))
    ) {
        let text = print(&s.condition());
        let e = parse(&text).expect_err("a sign is not in the grammar");
        prop_assert_eq!(&text[e.span.start..e.span.start + 1], "-", "{}", text);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,80}") {
        check_any(&s)?;
    }

    /// Text over the grammar's own alphabet gets deep into the parser.
    #[test]
    fn grammar_alphabet_never_panics(s in "(avg|max|total|Failed Runs|'|\"|GpuUtilization|ns\\.| |<|>|=|!|,|[0-9]|\\.|dynamic|low|of|since|where|and|or|includes|excludes|with|skipmetricvalidation|\\*|RunId|-|:|\t|\n){0,24}") {
        check_any(&s)?;
    }
}

fn check_any(s: &str) -> Result<(), TestCaseError> {
    match parse(s) {
        Ok(c) => {
            // Whatever parses prints to something that parses to the same condition.
            let text = print(&c);
            let back = parse(&text)
                .map_err(|e| TestCaseError::fail(format!("{s:?} -> {text:?}: {e:?}")))?;
            prop_assert_eq!(back, c);
        }
        Err(e) => {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= s.len());
            prop_assert!(s.is_char_boundary(e.span.start) && s.is_char_boundary(e.span.end));
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}
