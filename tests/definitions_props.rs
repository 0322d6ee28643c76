//! Property tests of the list-definitions reader: whatever metrics, units, aggregations and
//! dimensions a resource reports, loading them as a catalog finds each metric in its namespace
//! with exactly those facts; arbitrary text is findings, never a panic.

use amlguard::catalog::{Catalog, Support};
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

    #[test]
    fn arbitrary_text_never_panics(text in "[\\[\\]{}\":,a-zA-Z0-9 \\n]{0,200}") {
        let mut sources = SourceMap::new();
        let _ = Catalog::load(&mut sources, vec![SourceFile::new("x.json", text)]);
    }
}
