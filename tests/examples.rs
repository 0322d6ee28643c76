//! The bundled rule pack lints clean and every broken example reports exactly its `# expect:`
//! lines, through the real binary with the repository's own amlguard.toml.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn bundled_rules_lint_clean_with_the_repository_config() {
    amlguard()
        .args(["lint", "rules/"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "0 errors, 0 warnings, 0 notes in 2 files (25 rules)",
        ));
}

#[test]
fn examples_directory_fails() {
    amlguard()
        .args(["lint", "rules/examples/"])
        .assert()
        .code(1);
}

#[test]
fn each_example_reports_what_it_says() {
    let dir = root().join("rules/examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let want = expected(&path);
            assert!(!want.is_empty(), "{} has no expect lines", path.display());
            let (_, json) = lint_json(&[path.to_str().unwrap()]);
            assert_eq!(found(&json), want, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 6);
}

#[test]
fn one_broken_file_does_not_stop_the_others() {
    let (code, json) = lint_json(&["rules/examples/syntax.yaml", "rules/recommended.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["files"], 2);
    assert_eq!(json["summary"]["rules"], 17);
    assert_eq!(json["summary"]["errors"], 1);
}
