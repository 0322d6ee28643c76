//! `amlguard query` with a hostile lifecycle spec: names, categories, fields and states that
//! hold newlines, quotes, `;`, comment openers and template sequences stay inside the literals
//! and comments they belong to, in every dialect and every alert format, so nothing from a
//! lifecycle file runs as a statement of its own.

mod common;

use std::path::Path;

/// A lifecycle on a real table whose every name tries to break out.
const HOSTILE: &str = r#"lifecycles:
  - name: "evil\n;\nDROP TABLE x\n;\n-- ${var.x} %{if} '''"
    categories: [AmlEnvironmentEvent, "Cat\nSELECT 1\n;"]
    key: [AmlEnvironmentName]
    state: OperationName
    time: [TimeGenerated]
    states: [{name: "Pen'ding\n;\nDROP TABLE y"}, {name: "Done\"\n| take 1"}]
    initial: ["Pen'ding\n;\nDROP TABLE y"]
    terminal: ["Done\"\n| take 1"]
    transitions:
      - {from: "Pen'ding\n;\nDROP TABLE y", to: ["Done\"\n| take 1"]}
"#;

fn query(spec: &Path, args: &[&str]) -> String {
    let out = common::amlguard()
        .args(["--no-config", "query", "all", "--lifecycle"])
        .arg(spec)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// No line of the output starts a statement the spec smuggled in.
fn nothing_escaped(text: &str) {
    for line in text.lines() {
        let t = line.trim_start();
        for bad in ["DROP TABLE", "SELECT 1", "| take 1"] {
            assert!(!t.starts_with(bad), "escaped: {line}\n{text}");
        }
    }
}

fn spec() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("evil.yaml");
    std::fs::write(&p, HOSTILE).unwrap();
    (dir, p)
}

#[test]
fn the_spark_script_keeps_its_five_statements() {
    let (_dir, spec) = spec();
    let sql = query(&spec, &["--dialect", "spark"]);
    nothing_escaped(&sql);
    // The driver splits the script at lines holding only `;`.
    let statements = sql.split("\n;\n").filter(|s| !s.trim().is_empty()).count();
    assert_eq!(statements, 5, "{sql}");
}

#[test]
fn the_kql_parses_as_one_query_and_its_alerts_lint_clean() {
    let (dir, spec) = spec();
    let kql = query(&spec, &["--dialect", "kql"]);
    nothing_escaped(&kql);
    let parsed = amlguard::kql::parse(&kql);
    assert!(parsed.errors.is_empty(), "{:?}\n{kql}", parsed.errors);
    for (format, file) in [
        ("arm", "alert.json"),
        ("bicep", "alert.bicep"),
        ("terraform", "alert.tf"),
        ("yaml", "alert.yaml"),
    ] {
        let text = query(&spec, &["--dialect", "kql", "--as-alert", format]);
        nothing_escaped(&text);
        let path = dir.path().join(file);
        std::fs::write(&path, &text).unwrap();
        let out = common::amlguard()
            .args(["--no-config", "lint", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["summary"]["rules"], 1, "{format}: {json}\n{text}");
        assert_eq!(json["summary"]["errors"], 0, "{format}: {json}\n{text}");
        // Nothing but the workspace left for deployment is unresolved: no template or
        // interpolation ran in the description or the query.
        for f in json["findings"].as_array().unwrap() {
            if f["name"] == "unresolved-expression" {
                let m = f["message"].as_str().unwrap().to_lowercase();
                assert!(m.contains("workspace"), "{format}: {f}\n{text}");
            }
        }
    }
}

#[test]
fn a_source_that_is_not_a_table_name_is_a_usage_error() {
    let exit = |source: &str| {
        common::amlguard()
            .args([
                "--no-config",
                "query",
                "run",
                "--dialect",
                "spark",
                "--source",
            ])
            .arg(source)
            .output()
            .unwrap()
            .status
            .code()
    };
    for bad in ["x\n;\nDROP TABLE y", "a b", "t;", "", "`a`b`"] {
        assert_eq!(exit(bad), Some(2), "{bad:?}");
    }
    for good in ["records", "db.records", "cat.db.records", "`my records`"] {
        assert_eq!(exit(good), Some(0), "{good:?}");
    }
}
