//! The KQL that `amlguard query --dialect kql` writes is valid for Microsoft's own analyser,
//! Kusto.Language (npm `@kusto/language-service-next`, run by `tests/oracle/oracle.js`), against
//! each table's Log Analytics schema declared as a `let T = datatable(…)[];` prelude: zero
//! diagnostics, for every lifecycle, for all of them at once, and with every option.
//!
//! Needs node and the npm package (`scripts/test-setup.sh`); fails, never skips, without them.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use amlguard::catalog::Catalog;
use amlguard::compile::{self, Dialect, Options};
use amlguard::kql::Schemas;
use amlguard::lifecycle::Lifecycles;

const SETUP: &str =
    "run scripts/test-setup.sh (npm ci --prefix tests/oracle) to install the KQL oracle";

#[derive(serde::Deserialize, Debug)]
struct Diagnostic {
    code: String,
    message: String,
    start: usize,
    length: usize,
}

#[derive(serde::Deserialize)]
struct Answer {
    diagnostics: Vec<Diagnostic>,
}

fn oracle(texts: &[String]) -> Vec<Answer> {
    let dir = common::root().join("tests/oracle");
    assert!(
        dir.join("node_modules/@kusto/language-service-next")
            .is_dir(),
        "the npm package @kusto/language-service-next is missing: {SETUP}"
    );
    let mut child = Command::new("node")
        .arg(dir.join("oracle.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): {SETUP}"));
    let input = serde_json::to_vec(texts).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "the oracle failed: {SETUP}");
    serde_json::from_slice(&out.stdout).unwrap()
}

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
    let answers = oracle(&texts);
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
