//! Every output format, pinned: for each check's firing fixture
//! (`tests/fixtures/checks/<check>/fires*`), the exact human, JSON, SARIF, GitHub and Azure
//! output of the real binary, with its exit code, is compared with a snapshot in
//! `tests/snapshots/`. Positions, end positions, labels, related spans and escapes are all in
//! there, so any change to them fails a test and shows the difference.
//!
//! The test walks the fixtures directory, so a new check's fixture gets snapshots without
//! touching this file. To write or accept them after a deliberate change:
//!
//! ```text
//! INSTA_UPDATE=always cargo test --test snapshots     # write every snapshot
//! cargo insta review                                  # or review them one by one
//! ```
//!
//! then read the diff before committing. Under `CI=true` insta writes nothing and a fixture
//! without a snapshot fails, as does any difference.
//!
//! Absolute paths (the crate root) and the version are scrubbed, so the snapshots hold on any
//! machine and across releases.

mod common;

use common::*;

use std::path::{Path, PathBuf};

use amlguard::registry::Family;

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "azure"];

/// Each check directory's firing fixtures (`fires.*`, not the `fires.expect` sidecar).
fn firing_fixtures() -> Vec<(String, PathBuf)> {
    let base = root().join("tests/fixtures/checks");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("fires") && !n.ends_with(".expect"))
            })
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name}: no fires* fixture");
        for f in files {
            out.push((name.clone(), f));
        }
    }
    out
}

/// `path` relative to the crate root, as the binary is run from there.
fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_str()
        .unwrap()
        .replace('\\', "/")
}

/// The arguments after `--format FORMAT` that exercise `check` on `path`.
fn command(check: &str, path: &Path) -> Vec<String> {
    let family = amlguard::registry::ALL
        .iter()
        .find(|c| c.name == check)
        .map(|c| c.family);
    let rel = relative(path);
    match family {
        Some(Family::Audit) => {
            let mut a = vec!["audit".to_string(), rel];
            let lc = path.with_file_name("lifecycle.yaml");
            if lc.is_file() {
                a.push("--lifecycle".into());
                a.push(relative(&lc));
            }
            a
        }
        Some(Family::Lifecycle) => vec![
            "audit".into(),
            "--lifecycle".into(),
            rel,
            "tests/fixtures/empty.jsonl".into(),
        ],
        Some(Family::RuleTest) => vec!["test".to_string(), rel],
        _ => {
            let mut a = vec!["lint".to_string(), rel];
            if let Some(cat) = fixture_catalog(path) {
                a.push("--catalog".into());
                a.push(relative(&cat));
            }
            a
        }
    }
}

/// Replaces what differs between machines and releases.
fn scrub(text: &str) -> String {
    let root = root();
    let root = root.to_str().unwrap();
    text.replace(&format!("file://{root}"), "file://[ROOT]")
        .replace(root, "[ROOT]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn every_firing_fixture_in_every_format() {
    let fixtures = firing_fixtures();
    assert!(fixtures.len() >= 45, "{}", fixtures.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (check, path) in &fixtures {
            let args = command(check, path);
            let stem = path.file_stem().unwrap().to_str().unwrap();
            for format in FORMATS {
                let (verb, rest) = args.split_first().unwrap();
                let out = amlguard()
                    .env_remove("GITHUB_ACTIONS")
                    .env_remove("TF_BUILD")
                    .env("NO_COLOR", "1")
                    .args(["--no-config", "--color", "never", verb, "--format", format])
                    .args(rest)
                    .output()
                    .unwrap();
                let code = out.status.code().expect("exit code");
                // 2 where the run itself failed (a lifecycle spec with errors); pinned below.
                assert!((0..=2).contains(&code), "{check} {format}: exit {code}");
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(!stderr.contains("panicked"), "{check} {format}: {stderr}");
                let body = format!(
                    "$ amlguard {} --format {format} {}\nexit: {code}\n--- stdout\n{}--- stderr\n{}",
                    verb,
                    rest.join(" "),
                    String::from_utf8_lossy(&out.stdout),
                    stderr
                );
                insta::assert_snapshot!(format!("{check}__{stem}__{format}"), scrub(&body));
            }
        }
    });
}
