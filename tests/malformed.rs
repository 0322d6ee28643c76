//! Bad input never panics and never goes unreported: each malformed input gets a located
//! diagnostic, through the real binary (stdin and files).

mod common;

use common::*;
use proptest::prelude::*;

/// Lints `bytes` given on stdin; returns the exit code and the findings.
fn lint_stdin(bytes: Vec<u8>) -> (i32, Vec<(String, u64, u64)>) {
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json", "-"])
        .write_stdin(bytes)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    for f in json["findings"].as_array().unwrap() {
        assert_eq!(f["file"], "<stdin>");
    }
    (out.status.code().unwrap(), found(&json))
}

fn one(name: &str, line: u64, col: u64) -> Vec<(String, u64, u64)> {
    vec![(name.to_string(), line, col)]
}

/// The tab that breaks the document is at line 3, column 1, although the YAML parser locates
/// the error at the plain scalar it was reading when it met the tab (2:11).
#[test]
fn malformed_yaml_points_at_the_tab() {
    let (code, f) = lint_stdin(b"rules:\n  - name: a\n\tcriteria: []\n".to_vec());
    assert_eq!(code, 1);
    assert_eq!(f, one("yaml-syntax", 3, 1));
}

#[test]
fn wrong_type_of_the_whole_document() {
    assert_eq!(
        lint_stdin(b"- just\n- a list\n".to_vec()),
        (1, one("wrong-type", 1, 1))
    );
    assert_eq!(
        lint_stdin(b"rules: 42\n".to_vec()),
        (1, one("wrong-type", 1, 8))
    );
}

#[test]
fn unknown_top_level_key() {
    let (code, f) = lint_stdin(b"rulez:\n  - name: a\n".to_vec());
    assert_eq!(code, 1);
    assert_eq!(f, one("unknown-key", 1, 1));
}

/// An empty input is a warning in itself, and a run that found no rule at all is an error
/// (exit 2) unless `--allow-empty` says it is intended.
#[test]
fn empty_input() {
    assert_eq!(lint_stdin(Vec::new()), (2, one("empty-file", 1, 1)));
    assert_eq!(
        lint_stdin(b"\n# only a comment\n".to_vec()),
        (2, one("empty-file", 1, 1))
    );
    let out = amlguard()
        .args(["--no-config", "lint", "--allow-empty", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = amlguard()
        .args(["--no-config", "lint", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no rule at all is a usage error"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("<stdin>: no alert rule found") && stderr.contains("--allow-empty"),
        "{stderr}"
    );
}

#[test]
fn invalid_utf8_and_binary() {
    assert_eq!(
        lint_stdin(b"rules:\n  - name: \xff\xfe\n".to_vec()),
        (1, one("invalid-utf8", 2, 11))
    );
    let (code, f) = lint_stdin(vec![0u8, 159, 146, 150, 0, 1, 2]);
    assert_eq!(code, 1);
    assert_eq!(f, one("invalid-utf8", 1, 2));
}

#[test]
fn duplicate_keys_and_multiple_documents() {
    // The second `name` key, at 3:5.
    assert_eq!(
        lint_stdin(b"rules:\n  - name: a\n    name: b\n".to_vec()),
        (1, one("yaml-syntax", 3, 5))
    );
    // The second document starts at 3:1 (after the `---` on line 2).
    assert_eq!(
        lint_stdin(b"rules: []\n---\nrules: []\n".to_vec()),
        (1, one("yaml-syntax", 3, 1))
    );
}

#[test]
fn nesting_and_alias_bombs_hit_the_budget_not_the_stack() {
    let deep = format!("rules: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let (code, f) = lint_stdin(deep.into_bytes());
    assert_eq!(code, 1);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "yaml-syntax");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let (code, f) = lint_stdin(bomb.into_bytes());
    assert_eq!(code, 1);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "yaml-syntax");
}

/// A 50 MB rule file whose last rule is broken: the diagnostic lands on the right line.
#[test]
fn fifty_megabyte_file() {
    let rule = |i: usize| {
        format!(
            "  - name: rule-{i}\n    severity: 2\n    frequency: PT5M\n    window: PT15M\n    criteria:\n      - metric: Failed Runs\n        aggregation: Total\n        operator: GreaterThan\n        threshold: {i}\n        dimensions:\n          - {{name: RunType, operator: Include, values: [Experiment, PipelineRun]}}\n"
        )
    };
    let mut text = String::from("rules:\n");
    let mut n = 0;
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&rule(n));
        n += 1;
    }
    text.push_str("  - name: last\n    criteria:\n      - metric: Faild Runs\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n");
    let lines = text.lines().count() as u64;
    let (code, f) = lint_stdin(text.into_bytes());
    assert_eq!(code, 1);
    assert_eq!(f, one("unknown-metric", lines - 3, 17));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Arbitrary bytes: the library reads them without panicking and every finding has a span
    /// inside the text.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut sources = amlguard::source::SourceMap::new();
        let (id, bad) = amlguard::inputs::add_bytes("x".into(), bytes, &mut sources);
        let text = sources.get(id).text().to_string();
        let read = amlguard::rules::yaml::read(&text, id);
        for f in read.findings.iter().chain(bad.iter()) {
            prop_assert!(f.span.end <= text.len());
        }
    }

    /// Any slice of a valid rule file (a truncated file) reads without panicking.
    #[test]
    fn truncated_rule_files_never_panic(cut in 0usize..2000) {
        let text = include_str!("../rules/recommended.yaml");
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) { cut -= 1; }
        let catalog = amlguard::catalog::Catalog::builtin();
        let (_, _, findings) = amlguard::linter::lint_text("t", &text[..cut], &catalog);
        for f in &findings {
            prop_assert!(f.span.end <= cut);
        }
    }
}
