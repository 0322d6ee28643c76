//! The KQL that `amlguard query --dialect kql` writes is valid for Microsoft's own analyser,
//! Kusto.Language (npm `@kusto/language-service-next`, run by `tests/oracle/oracle.js`), against
//! each table's Log Analytics schema declared as a `let T = datatable(…)[];` prelude: zero
//! diagnostics, for every lifecycle, for all of them at once, and with every option.
//!
//! Needs node and the npm package (`scripts/test-setup.sh`); fails, never skips, without them.

mod common;

use common::oracle;

use amlguard::catalog::Catalog;
use amlguard::compile::{self, Dialect, Options};
use amlguard::kql::Schemas;
use amlguard::lifecycle::Lifecycles;

#[test]
fn every_lifecycle_and_option_compiles_to_kql_the_analyser_accepts() {
    let lifecycles = Lifecycles::builtin();
    let schemas = Schemas::from_catalog(&Catalog::builtin());
    let options = [
        Options::default(),
        Options {
            strict: true,
            reorder_window: 0,
            until: Some(1_795_000_000_000_000),
            ..Options::default()
        },
    ];
    let mut cases: Vec<(String, String)> = Vec::new();
    let mut sets: Vec<Vec<usize>> = (0..lifecycles.specs.len()).map(|i| vec![i]).collect();
    sets.push((0..lifecycles.specs.len()).collect());
    for which in &sets {
        for (k, o) in options.iter().enumerate() {
            let q = compile::compile(&lifecycles, which, o.clone(), Dialect::Kql)
                .unwrap_or_else(|e| panic!("{which:?}: {e}"));
            cases.push((format!("{which:?} options #{k}"), q));
        }
    }
    assert!(cases.len() >= 12);
    let texts: Vec<String> = cases
        .iter()
        .map(|(_, q)| format!("{}{q}", schemas.prelude_of(q)))
        .collect();
    let answers = oracle::analyse(&texts);
    let mut failures = Vec::new();
    for ((name, _), (text, a)) in cases.iter().zip(texts.iter().zip(&answers)) {
        for d in &a.diagnostics {
            let around: String = text
                .encode_utf16()
                .skip(d.start)
                .take(d.length.max(40))
                .map(|u| char::from_u32(u32::from(u)).unwrap_or('?'))
                .collect();
            failures.push(format!("{name}: {} {} at `{around}`", d.code, d.message));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
