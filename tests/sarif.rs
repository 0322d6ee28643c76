//! The SARIF output validates against the SARIF 2.1.0 JSON schema (the copy the serde-sarif
//! crate ships), for lint and audit findings alike; GitHub annotations have the documented form.

mod common;

use std::path::PathBuf;

use common::*;

/// The SARIF 2.1.0 schema from the serde-sarif package in the cargo registry.
fn schema() -> serde_json::Value {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cargo"));
    let registry = home.join("registry/src");
    let found = std::fs::read_dir(&registry)
        .expect("cargo registry sources")
        .flatten()
        .flat_map(|index| {
            std::fs::read_dir(index.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("serde-sarif-"))
        })
        .map(|p| p.join("src/schema.json"))
        .find(|p| p.is_file())
        .expect("serde-sarif's schema.json (a dev-dependency)");
    serde_json::from_str(&std::fs::read_to_string(found).unwrap()).unwrap()
}

fn validate(args: &[&str]) -> serde_json::Value {
    let out = amlguard().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "SARIF mode exits 0 with findings"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = jsonschema::draft7::new(&schema()).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is really checked: a level SARIF does not define is rejected.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
    doc
}

#[test]
fn lint_sarif_validates_and_locates_results() {
    let doc = validate(&[
        "--no-config",
        "lint",
        "--format",
        "sarif",
        "rules/examples/",
    ]);
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "amlguard");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), amlguard::registry::ALL.len());
    assert!(
        rules
            .iter()
            .all(|r| r["help"]["text"].as_str().unwrap().contains("Fix"))
    );
    let results = run["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "AML103").unwrap();
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "rules/examples/catalog.yaml"
    );
    assert_eq!(loc["region"]["startLine"], 27);
    assert_eq!(loc["region"]["startColumn"], 19);
}

#[test]
fn audit_sarif_validates() {
    let dump = "tests/fixtures/checks/illegal-transition/fires.jsonl";
    let doc = validate(&["--no-config", "audit", "--format", "sarif", dump]);
    let r = &doc["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "AML501");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn github_annotations() {
    let out = amlguard()
        .args([
            "--no-config",
            "lint",
            "--format",
            "github",
            "rules/examples/schedule.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=rules/examples/schedule.yaml,line=10,col=16,endLine=10,endColumn=21,title=AML301 invalid-frequency::Azure does not accept a frequency of PT10M%0Ahelp: the nearest allowed frequency is PT5M (allowed%3A PT1M, PT5M, PT15M, PT30M, PT1H)".replace("(allowed%3A", "(allowed:")
    );
}
