//! Every metric and every dimension of the catalog, and every metric/dimension pair: a pair
//! that a source supports lints clean (a note when only a newer source supports it); any other
//! pair yields exactly one `dimension-not-applicable` on that dimension's span.

use amlguard::catalog::{Catalog, Support};
use amlguard::linter::lint_text;
use amlguard::vocab::Aggregation;
use proptest::prelude::*;

/// A rule on `metric` filtering on `dims` (REST names), with an aggregation the metric allows
/// and a threshold inside its range. Returns the text and the byte span of each dimension name.
fn rule(catalog: &Catalog, metric: usize, dims: &[usize]) -> (String, Vec<(usize, usize)>) {
    let m = &catalog.metrics[metric];
    let agg = catalog
        .aggregations(metric)
        .map_or(Aggregation::Average, |(a, _)| a[0]);
    let mut text = format!(
        "rules:\n  - name: r\n    namespace: {}\n    criteria:\n      - metric: \"{}\"\n        aggregation: {}\n        operator: GreaterThan\n        threshold: {}\n",
        m.namespace,
        m.rest_name(),
        agg,
        m.min.unwrap_or(0.0) + 1.0
    );
    let mut spans = Vec::new();
    if !dims.is_empty() {
        text.push_str("        dimensions:\n");
        for &d in dims {
            text.push_str("          - name: ");
            let name = catalog.dimensions[d].rest_name();
            spans.push((text.len(), text.len() + name.len()));
            text.push_str(name);
            text.push_str("\n            values: [\"*\"]\n");
        }
    }
    (text, spans)
}

fn check_pair(catalog: &Catalog, metric: usize, dim: usize) -> Result<(), String> {
    let (text, spans) = rule(catalog, metric, &[dim]);
    let (_, _, findings) = lint_text("pair.yaml", &text, catalog);
    let names: Vec<&str> = findings.iter().map(|f| f.check.name).collect();
    let ctx = format!(
        "{} × {}: {names:?}",
        catalog.metrics[metric].name, catalog.dimensions[dim].name
    );
    match catalog.support(metric, dim) {
        Support::Primary(_) => {
            if !findings.is_empty() {
                return Err(ctx);
            }
        }
        Support::SecondaryOnly(_) => {
            if names != ["newer-source-only"]
                || findings[0].severity != amlguard::finding::Severity::Note
            {
                return Err(ctx);
            }
        }
        Support::None => {
            if names != ["dimension-not-applicable"] {
                return Err(ctx);
            }
            let (s, e) = spans[0];
            if (findings[0].span.start, findings[0].span.end) != (s, e) {
                return Err(format!("{ctx}: wrong span"));
            }
        }
    }
    Ok(())
}

#[test]
fn the_seed_is_all_there() {
    let c = Catalog::builtin();
    let seed_metrics = c
        .metrics
        .iter()
        .filter(|m| m.source.source == "seed")
        .count();
    assert_eq!(seed_metrics, 36);
    let seed_dims = c
        .dimensions
        .iter()
        .filter(|d| d.applies_to.iter().any(|a| a.source.source == "seed"))
        .count();
    assert_eq!(seed_dims, 11);
}

#[test]
fn every_metric_alone_lints_clean() {
    let c = Catalog::builtin();
    for m in 0..c.metrics.len() {
        let (text, _) = rule(&c, m, &[]);
        let (_, _, findings) = lint_text("m.yaml", &text, &c);
        assert!(findings.is_empty(), "{}: {findings:?}", c.metrics[m].name);
    }
}

#[test]
fn every_metric_dimension_pair() {
    let c = Catalog::builtin();
    let mut failures = Vec::new();
    let mut applicable = 0;
    for m in 0..c.metrics.len() {
        for d in 0..c.dimensions.len() {
            if c.support(m, d) != Support::None {
                applicable += 1;
            }
            if let Err(e) = check_pair(&c, m, d) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // Spot-check the seed's statements.
    let (m, d) = (|n| c.metric(n).unwrap(), |n| c.dimension(n).unwrap());
    assert!(matches!(
        c.support(m("GpuUtilization"), d("DeviceId")),
        Support::Primary(_)
    ));
    // The seed left DeviceId off GpuMemoryUtilization; the Azure Monitor reference lists it.
    assert!(matches!(
        c.support(m("GpuMemoryUtilization"), d("DeviceId")),
        Support::Primary(_)
    ));
    assert_eq!(c.support(m("CpuUtilization"), d("DeviceId")), Support::None);
    assert!(applicable > 100, "{applicable}");
}

fn catalog() -> &'static Catalog {
    static C: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    C.get_or_init(Catalog::builtin)
}

proptest! {
    /// Any metric with any set of distinct dimensions that apply to it lints with notes at most.
    #[test]
    fn applicable_dimension_sets_lint_clean(m in any::<proptest::sample::Index>(), picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..5)) {
        let c = catalog();
        let m = m.index(c.metrics.len());
        let own: Vec<usize> = c.dimensions_of(m);
        prop_assume!(!own.is_empty() || picks.is_empty());
        let mut dims: Vec<usize> = picks.iter().map(|i| own[i.index(own.len())]).collect();
        dims.sort();
        dims.dedup();
        let (text, _) = rule(c, m, &dims);
        let (_, _, findings) = lint_text("p.yaml", &text, c);
        for f in &findings {
            prop_assert_eq!(f.check.name, "newer-source-only");
        }
    }

    /// Adding one dimension that does not apply yields exactly one `dimension-not-applicable`
    /// on that dimension's span, whatever applicable dimensions accompany it.
    #[test]
    fn one_inapplicable_dimension_one_finding(m in any::<proptest::sample::Index>(), bad in any::<proptest::sample::Index>(), good in any::<proptest::sample::Index>(), at_end in any::<bool>()) {
        let c = catalog();
        let m = m.index(c.metrics.len());
        let not: Vec<usize> = (0..c.dimensions.len()).filter(|&d| c.support(m, d) == Support::None).collect();
        prop_assume!(!not.is_empty());
        let bad = not[bad.index(not.len())];
        let own = c.dimensions_of(m);
        let mut dims = Vec::new();
        if !own.is_empty() { dims.push(own[good.index(own.len())]); }
        let bad_pos = if at_end { dims.push(bad); dims.len() - 1 } else { dims.insert(0, bad); 0 };
        let (text, spans) = rule(c, m, &dims);
        let (_, _, findings) = lint_text("p.yaml", &text, c);
        let hits: Vec<_> = findings.iter().filter(|f| f.check.name == "dimension-not-applicable").collect();
        prop_assert_eq!(hits.len(), 1);
        prop_assert_eq!((hits[0].span.start, hits[0].span.end), spans[bad_pos]);
        for f in &findings {
            prop_assert!(matches!(f.check.name, "dimension-not-applicable" | "newer-source-only"), "{}", f.check.name);
        }
    }
}
