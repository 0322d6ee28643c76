//! Property tests of the list-definitions reader: whatever metrics, units, aggregations and
//! dimensions a resource reports, loading them as a catalog finds each metric in its namespace
//! with exactly those facts; arbitrary text is findings, never a panic.

use amlguard::catalog::{Catalog, Support};
use amlguard::finding::Severity;
use amlguard::source::{SourceFile, SourceMap};
use proptest::prelude::*;

const NAMESPACES: &[&str] = &[
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
    "Contoso.Inference/servers",
];
const UNITS: &[&str] = &[
    "Count",
    "Percent",
    "Milliseconds",
    "BytesPerSecond",
    "Bytes",
];
const AGGS: &[&str] = &["Average", "Minimum", "Maximum", "Total", "Count"];

#[derive(Debug, Clone)]
struct Def {
    ns: usize,
    name: String,
    unit: usize,
    aggs: Vec<usize>,
    dims: Vec<String>,
}

fn def() -> impl Strategy<Value = Def> {
    (
        0..NAMESPACES.len(),
        "[A-Z][A-Za-z0-9_]{2,20}",
        0..UNITS.len(),
        proptest::collection::btree_set(0..AGGS.len(), 1..5),
        proptest::collection::btree_set("[a-z][A-Za-z_]{2,12}", 0..4),
    )
        .prop_map(|(ns, name, unit, aggs, dims)| Def {
            ns,
            name: format!("Zz{name}"),
            unit,
            aggs: aggs.into_iter().collect(),
            dims: dims.into_iter().map(|d| format!("zz{d}")).collect(),
        })
}

fn json(defs: &[Def], wrapped: bool) -> String {
    let items: Vec<serde_json::Value> = defs
        .iter()
        .map(|d| {
            serde_json::json!({
                "namespace": NAMESPACES[d.ns],
                "name": {"value": d.name, "localizedValue": d.name},
                "unit": UNITS[d.unit],
                "primaryAggregationType": AGGS[d.aggs[0]],
                "supportedAggregationTypes": std::iter::once("None").chain(d.aggs.iter().map(|&a| AGGS[a])).collect::<Vec<_>>(),
                "metricAvailabilities": [{"timeGrain": "PT1M", "retention": "P93D"}],
                "dimensions": d.dims.iter().map(|x| serde_json::json!({"value": x, "localizedValue": x})).collect::<Vec<_>>(),
                "isDimensionRequired": false,
            })
        })
        .collect();
    let v = if wrapped {
        serde_json::json!({ "value": items })
    } else {
        serde_json::Value::Array(items)
    };
    serde_json::to_string_pretty(&v).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn definitions_load_as_written(defs in proptest::collection::vec(def(), 1..8), wrapped in any::<bool>()) {
        // Later definitions of one (namespace, name) win, as in Azure's merge of catalogs.
        let mut sources = SourceMap::new();
        let (c, findings) = Catalog::load(&mut sources, vec![SourceFile::new("d.json", json(&defs, wrapped))]);
        prop_assert!(findings.is_empty(), "{findings:?}");
        for (i, d) in defs.iter().enumerate() {
            if defs[i + 1..].iter().any(|e| e.ns == d.ns && e.name.eq_ignore_ascii_case(&d.name)) {
                continue;
            }
            let m = c.metric_in(NAMESPACES[d.ns], &d.name);
            prop_assert!(m.is_some(), "{} in {}", d.name, NAMESPACES[d.ns]);
            let m = m.unwrap();
            prop_assert_eq!(&c.metrics[m].unit, UNITS[d.unit]);
            let (aggs, _) = c.aggregations(m).unwrap();
            let mut got: Vec<&str> = aggs.iter().map(|a| a.as_str()).collect();
            let mut want: Vec<&str> = d.aggs.iter().map(|&a| AGGS[a]).collect();
            got.sort();
            want.sort();
            prop_assert_eq!(got, want);
            for dim in &d.dims {
                let di = c.dimension(dim).unwrap();
                prop_assert!(matches!(c.support(m, di), Support::Primary(_)));
            }
            for other in NAMESPACES.iter().filter(|n| **n != NAMESPACES[d.ns]) {
                if let Some(o) = c.metric_in(other, &d.name) {
                    prop_assert_ne!(o, m);
                }
            }
        }
    }

    /// One broken definition among good ones: the file has an error and none of its metrics
    /// reach the catalog, not even those before the broken one.
    #[test]
    fn a_file_with_one_broken_definition_adds_nothing(defs in proptest::collection::vec(def(), 1..6), at in any::<prop::sample::Index>(), wrapped in any::<bool>()) {
        let mut v: serde_json::Value = serde_json::from_str(&json(&defs, wrapped)).unwrap();
        let items = if wrapped { v["value"].as_array_mut().unwrap() } else { v.as_array_mut().unwrap() };
        let broken = at.index(items.len());
        items[broken]["dimensions"] = serde_json::json!("zzone");
        let text = serde_json::to_string_pretty(&v).unwrap();
        let mut sources = SourceMap::new();
        let (c, findings) = Catalog::load(&mut sources, vec![SourceFile::new("d.json", text)]);
        prop_assert!(findings.iter().any(|f| f.severity == Severity::Error), "{findings:?}");
        for d in &defs {
            prop_assert!(c.metric_in(NAMESPACES[d.ns], &d.name).is_none(), "{} in {}", d.name, NAMESPACES[d.ns]);
        }
    }

    /// Arbitrary text is findings located in that file, and a file with an error adds nothing
    /// to the built-in catalog.
    #[test]
    fn arbitrary_text_is_located_findings_and_an_erroneous_file_is_not_applied(text in "[\\[\\]{}\":,a-zA-Z0-9 \\n]{0,200}") {
        let mut sources = SourceMap::new();
        let (c, findings) = Catalog::load(&mut sources, vec![SourceFile::new("x.json", text.clone())]);
        for f in &findings {
            prop_assert_eq!(sources.get(f.file).name(), "x.json");
            prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len(), "{:?} in {:?}", f.span, text);
        }
        if findings.iter().any(|f| f.severity == Severity::Error) {
            let builtin = Catalog::builtin();
            prop_assert_eq!(c.metrics.len(), builtin.metrics.len());
            prop_assert_eq!(c.dimensions.len(), builtin.dimensions.len());
        }
    }
}
