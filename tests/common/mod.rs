//! Helpers shared by the end-to-end tests: run the real binary, read its JSON, and read the
//! `# expect: CHECK LINE:COLUMN` lines of fixture files.

#![allow(dead_code)]

pub mod oracle;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `amlguard` run from the crate root with no config file.
pub fn amlguard() -> Command {
    let mut cmd = Command::cargo_bin("amlguard").expect("binary builds");
    cmd.current_dir(root());
    cmd
}

/// Runs `lint --format json` with extra arguments; returns (exit code, parsed JSON).
pub fn lint_json(args: &[&str]) -> (i32, serde_json::Value) {
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), json)
}

/// `(name, line, column)` of each finding.
pub fn found(json: &serde_json::Value) -> Vec<(String, u64, u64)> {
    let mut v: Vec<_> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The `# expect: NAME LINE:COL` lines of a file (read lossily: fixtures may hold bad UTF-8).
pub fn expected(path: &Path) -> Vec<(String, u64, u64)> {
    let text = String::from_utf8_lossy(&std::fs::read(path).expect("fixture")).into_owned();
    let mut v: Vec<_> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("# expect: ")
                .or_else(|| l.strip_prefix("// expect: "))
        })
        .map(|e| {
            let (name, pos) = e.trim().split_once(' ').expect("NAME LINE:COL");
            let (line, col) = pos.split_once(':').expect("LINE:COL");
            (
                name.to_string(),
                line.parse().unwrap(),
                col.parse().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The `# catalog: FILE` line of a fixture, relative to the fixture's parent directory.
pub fn fixture_catalog(path: &Path) -> Option<PathBuf> {
    let text = String::from_utf8_lossy(&std::fs::read(path).ok()?).into_owned();
    let rel = text.lines().find_map(|l| l.strip_prefix("# catalog: "))?;
    Some(path.parent()?.parent()?.join(rel.trim()))
}

/// The findings of one check.
pub fn named<'a>(json: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == name)
        .collect()
}
