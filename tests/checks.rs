//! Every check has a fixture that proves it fires (exactly where its `# expect:` lines say)
//! and one that proves it stays quiet, run through the real binary.

mod common;

use common::*;

fn lint_fixture(path: &std::path::Path) -> (i32, serde_json::Value) {
    let mut args = vec![path.to_str().unwrap().to_string()];
    if let Some(cat) = fixture_catalog(path) {
        args.push("--catalog".into());
        args.push(cat.to_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    lint_json(&args)
}

#[test]
fn every_check_has_both_fixtures() {
    for check in amlguard::registry::ALL {
        let dir = root().join("tests/fixtures/checks").join(check.name);
        assert!(
            dir.join("fires.yaml").is_file(),
            "{} has no fires.yaml",
            check.name
        );
        assert!(
            dir.join("passes.yaml").is_file(),
            "{} has no passes.yaml",
            check.name
        );
    }
}

#[test]
fn each_check_fires_exactly_where_its_fixture_says() {
    for check in amlguard::registry::ALL {
        let path = root()
            .join("tests/fixtures/checks")
            .join(check.name)
            .join("fires.yaml");
        let want = expected(&path);
        assert!(!want.is_empty(), "{}: no expect lines", check.name);
        assert!(
            want.iter().all(|(n, _, _)| n == check.name),
            "{}: expects other checks",
            check.name
        );
        let (code, json) = lint_fixture(&path);
        assert_eq!(found(&json), want, "{}", check.name);
        let fails = check.severity == amlguard::finding::Severity::Error;
        assert_eq!(code, if fails { 1 } else { 0 }, "{} exit code", check.name);
    }
}

#[test]
fn each_check_stays_quiet_on_its_passing_fixture() {
    for check in amlguard::registry::ALL {
        let path = root()
            .join("tests/fixtures/checks")
            .join(check.name)
            .join("passes.yaml");
        let (code, json) = lint_fixture(&path);
        assert_eq!(found(&json), vec![], "{}", check.name);
        assert_eq!(code, 0, "{}", check.name);
    }
}
