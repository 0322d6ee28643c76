//! Every check has a fixture that proves it fires (exactly where its `# expect:` lines say)
//! and one that proves it stays quiet, run through the real binary.

mod common;

use common::*;

use std::path::{Path, PathBuf};

use amlguard::registry::{CheckInfo, Family};

/// The fixture of a check: `fires.*` / `passes.*` in its directory, whatever the extension.
fn fixture(check: &CheckInfo, stem: &str) -> PathBuf {
    let dir = root().join("tests/fixtures/checks").join(check.name);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{} has no fixture directory", check.name))
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_stem().is_some_and(|s| s == stem) && p.extension().is_some_and(|e| e != "expect")
        })
        .unwrap_or_else(|| panic!("{} has no {stem} fixture", check.name))
}

/// Expected findings: `# expect:` lines in the fixture, or a `fires.expect` file beside it.
fn expectations(path: &Path) -> Vec<(String, u64, u64)> {
    let sidecar = path.with_extension("expect");
    if sidecar.is_file() {
        let text = std::fs::read_to_string(&sidecar).unwrap();
        let mut v: Vec<_> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (name, pos) = l.trim().split_once(' ').unwrap();
                let (line, col) = pos.split_once(':').unwrap();
                (
                    name.to_string(),
                    line.parse().unwrap(),
                    col.parse().unwrap(),
                )
            })
            .collect();
        v.sort();
        return v;
    }
    expected(path)
}

/// Runs the command that exercises a check's family on a fixture.
fn run_fixture(check: &CheckInfo, path: &Path) -> (i32, serde_json::Value) {
    let p = path.to_str().unwrap().to_string();
    let args: Vec<String> = match check.family {
        Family::Audit => {
            let mut a = vec!["audit".to_string(), "--format".into(), "json".into(), p];
            let lc = path.with_file_name("lifecycle.yaml");
            if lc.is_file() {
                a.push("--lifecycle".into());
                a.push(lc.to_str().unwrap().to_string());
            }
            a
        }
        Family::Lifecycle => {
            let empty = root().join("tests/fixtures/empty.jsonl");
            vec![
                "audit".into(),
                "--format".into(),
                "json".into(),
                "--lifecycle".into(),
                p,
                empty.to_str().unwrap().into(),
            ]
        }
        Family::RuleTest => vec!["test".to_string(), "--format".into(), "json".into(), p],
        _ => return lint_fixture(path),
    };
    let out = amlguard().arg("--no-config").args(&args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}",
            check.name,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

fn lint_fixture(path: &std::path::Path) -> (i32, serde_json::Value) {
    // A fixture that holds no rule (empty-file, not-a-rule-source) shows its check alone.
    let mut args = vec![path.to_str().unwrap().to_string(), "--allow-empty".into()];
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
        assert!(fixture(check, "fires").is_file());
        assert!(fixture(check, "passes").is_file());
    }
}

#[test]
fn each_check_fires_exactly_where_its_fixture_says() {
    for check in amlguard::registry::ALL {
        let path = fixture(check, "fires");
        let want = expectations(&path);
        assert!(!want.is_empty(), "{}: no expect lines", check.name);
        assert!(
            want.iter().all(|(n, _, _)| n == check.name),
            "{}: expects other checks",
            check.name
        );
        let (code, json) = run_fixture(check, &path);
        assert_eq!(found(&json), want, "{}", check.name);
        let fails = check.severity == amlguard::finding::Severity::Error;
        // A lifecycle spec with errors is not used: the audit stops with exit 2.
        let failing = if check.family == Family::Lifecycle {
            2
        } else {
            1
        };
        assert_eq!(
            code,
            if fails { failing } else { 0 },
            "{} exit code",
            check.name
        );
    }
}

#[test]
fn each_check_stays_quiet_on_its_passing_fixture() {
    for check in amlguard::registry::ALL {
        let path = fixture(check, "passes");
        let (code, json) = run_fixture(check, &path);
        assert_eq!(found(&json), vec![], "{}", check.name);
        assert_eq!(code, 0, "{}", check.name);
    }
}
