//! Inputs the `kql` fuzz target found: each parses, prints, and parses back to the same tree.

use amlguard::kql;

fn round_trip(text: &str) {
    let parsed = kql::parse(text);
    if !parsed.errors.is_empty() {
        return;
    }
    let printed = kql::print(&parsed.query);
    let again = kql::parse(&printed);
    assert!(again.errors.is_empty(), "{printed}: {:?}", again.errors);
    assert_eq!(again.query, parsed.query, "{printed}");
}

#[test]
fn unmodelled_operator_then_parse_then_dollar_in_a_name() {
    round_trip(include_str!("kql/fuzz/unmodelled-then-parse.kql"));
}

#[test]
fn tilde_operator_and_at_sign() {
    round_trip(include_str!("kql/fuzz/tilde-and-at.kql"));
}
