use super::*;
use crate::source::Span;

fn at(src: &str, s: Span) -> &str {
    &src[s.start..s.end]
}

#[test]
fn the_documented_example_parses_with_spans() {
    let src = "count 'Placeholder_1' > 360 resource id _ResourceId at least 1 violations out of 5 aggregated points";
    let c = parse(src).unwrap();
    assert_eq!(c.aggregation.value, Aggregation::Count);
    assert_eq!(c.query.value, "Placeholder_1");
    assert_eq!(at(src, c.query.span), "Placeholder_1");
    assert_eq!(c.operator.value, Operator::GreaterThan);
    assert_eq!(c.threshold.value, 360.0);
    assert_eq!(at(src, c.threshold.span), "360");
    assert_eq!(at(src, c.resource_id.as_ref().unwrap().span), "_ResourceId");
    let f = c.failing.as_ref().unwrap();
    assert_eq!((f.violations.value, f.points.value), (1, 5));
    assert_eq!(
        at(src, f.span.span),
        "at least 1 violations out of 5 aggregated points"
    );
    assert_eq!(print(&c), src);
}

#[test]
fn measures_dimensions_and_inline_queries() {
    let src = "AVG \"Failed Runs\" FROM 'AmlComputeJobEvent | where EventType == \\'JobFailed\\'' >= 2,5 WHERE ClusterName Includes gpu or cpu-a, Zone excludes eu 1 AND Kind includes * at least 2 out of 3";
    let c = parse(src).unwrap();
    assert_eq!(c.aggregation.value, Aggregation::Average);
    assert_eq!(c.measure.as_ref().unwrap().value, "Failed Runs");
    assert_eq!(at(src, c.measure.as_ref().unwrap().span), "Failed Runs");
    assert_eq!(
        c.query.value,
        "AmlComputeJobEvent | where EventType == 'JobFailed'"
    );
    // Each byte of the query maps to its place in the condition, escapes included.
    let q = c.query.value.find("'JobFailed'").unwrap();
    assert_eq!(&src[c.query_offsets.0[q]..c.query_offsets.0[q] + 2], "\\'");
    assert_eq!(c.threshold.value, 2.5);
    let names: Vec<&str> = c.dimensions.iter().map(|d| d.name.value.as_str()).collect();
    assert_eq!(names, ["ClusterName", "Zone", "Kind"]);
    let values: Vec<&str> = c.dimensions[0]
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(values, ["gpu", "cpu-a"]);
    assert_eq!(c.dimensions[1].values[0].value, "eu 1");
    assert_eq!(c.dimensions[1].operator.value, DimensionOperator::Exclude);
    assert_eq!(c.failing.as_ref().unwrap().points.value, 3);
    let again = parse(&print(&c)).unwrap();
    assert_eq!(again, c);
}

#[test]
fn errors_name_the_token_and_what_was_expected() {
    let cases: &[(&str, &str, &str)] = &[
        ("cnt 'P' > 1", "cnt", "not an aggregation"),
        ("count P > 1", "P", "expected the query in quotes"),
        ("count 'P' => 1", "=>", "not an operator"),
        ("count 'P' == 1", "==", "not an operator"),
        ("count 'P' > many", "many", "expected a threshold"),
        ("count 'P' > -1", "-1", "expected a threshold"),
        (
            "count 'P' > 1 where X contains a",
            "contains",
            "includes or excludes",
        ),
        (
            "count 'P' > 1 at least 1 violations out 5",
            "5",
            "expected `of`",
        ),
        (
            "count 'P' > 1 at least x out of 5",
            "x",
            "number of violations",
        ),
        (
            "count 'P' > 1 at least 1 out of 2 where X includes a",
            "where",
            "unexpected",
        ),
        ("count 'P > 1", "'", "never closed"),
        ("count 'P' >", "", "expected a threshold"),
        (
            "count 'P' > 1 where X includes",
            "",
            "expected a dimension value",
        ),
        (
            "count 'P' > 1 where X includes a/b",
            "a/b",
            "dimension value",
        ),
        ("count from 'P' > 1", "from", "measure column before `from`"),
        ("", "", "aggregation"),
    ];
    for (src, token, message) in cases {
        let e = parse(src).unwrap_err();
        assert_eq!(at(src, e.span), *token, "{src}: {e:?}");
        assert!(e.message.contains(message), "{src}: {}", e.message);
    }
}
