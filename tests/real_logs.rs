//! The corpus of real, published log alert definitions in `tests/real/logs/` (origins and
//! licences in `tests/real/SOURCES.md`): every rule in every file is seen and none gets an
//! error, and copies with one planted mistake (a misspelt table, column or value in the query,
//! bad failing periods, the `Equals` spelling) get the finding at the planted line and column.
//! The copies are made at run time, so the corpus stays byte-for-byte as published.

mod common;

use common::{amlguard, root};

const VM: &str = "logs/azure-monitor-baseline-alerts/services/Compute/virtualMachines/templates";

/// Each file and the number of log alert rules in it.
fn corpus() -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for stem in [
        "Heartbeat_b3a5f580-77a6-4161-9a1e-7370ce783e67",
        "OSDiskFreeSpacePercentage_dca7af9f-cad2-4751-a61f-77d92c2ce523",
    ] {
        out.push((format!("{VM}/arm/{stem}.json"), 1));
        out.push((format!("{VM}/policy/{stem}.json"), 1));
        out.push((format!("{VM}/bicep/{stem}.bicep"), 1));
    }
    out.push((
        format!("{VM}/policy-arm/Heartbeat_b3a5f580-77a6-4161-9a1e-7370ce783e67.json"),
        1,
    ));
    out
}

fn lint(path: &std::path::Path) -> serde_json::Value {
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "json"])
        .arg(path)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors = json["summary"]["errors"].as_u64().unwrap();
    assert_eq!(
        out.status.code(),
        Some(i32::from(errors > 0)),
        "{}",
        path.display()
    );
    json
}

#[test]
fn every_file_on_disk_is_in_the_corpus() {
    let mut on_disk: Vec<String> = walkdir::WalkDir::new(root().join("tests/real/logs"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root().join("tests/real"))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = corpus().into_iter().map(|(p, _)| p).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn every_rule_is_read_and_none_gets_an_error() {
    for (file, rules) in corpus() {
        let json = lint(&root().join("tests/real").join(&file));
        assert_eq!(json["summary"]["rules"], rules, "{file}: {json}");
        for f in json["findings"].as_array().unwrap() {
            assert_ne!(f["severity"], "error", "{file}: {f}");
            assert_ne!(f["severity"], "warning", "{file}: {f}");
        }
    }
}

/// One planted mistake: in `file`, the first `find` after `after` becomes `replace`; the
/// finding `check` is expected at the first `at` of the edited file, `offset` bytes in.
struct Mutation {
    file: String,
    after: &'static str,
    find: &'static str,
    replace: &'static str,
    check: &'static str,
    at: &'static str,
    offset: usize,
}

fn mutations() -> Vec<Mutation> {
    let heartbeat = "Heartbeat_b3a5f580-77a6-4161-9a1e-7370ce783e67";
    let arm = format!("{VM}/arm/{heartbeat}.json");
    let bicep = format!("{VM}/bicep/{heartbeat}.bicep");
    let mut out = Vec::new();
    for file in [&arm, &bicep] {
        let query = if file.ends_with(".json") {
            "\"defaultValue\": \"Heartbeat |"
        } else {
            "param query string = 'Heartbeat |"
        };
        let head = &query[..query.len() - "Heartbeat |".len()];
        let aml = |rest: &'static str| -> &'static str {
            Box::leak(format!("{head}{rest}").into_boxed_str())
        };
        let quote = if file.ends_with(".json") {
            "\\\""
        } else {
            "\""
        };
        let value: &'static str = Box::leak(format!("{quote}JobFaild{quote}").into_boxed_str());
        out.push(Mutation {
            file: file.clone(),
            after: "",
            find: query,
            replace: aml(Box::leak(
                format!("AmlComputeJobEvent | where EventType == {value} |").into_boxed_str(),
            )),
            check: "unknown-column-value",
            at: value,
            offset: 0,
        });
        out.push(Mutation {
            file: file.clone(),
            after: "",
            find: query,
            replace: aml("AmlComputeJobEvents |"),
            check: "unknown-table",
            at: "AmlComputeJobEvents",
            offset: 0,
        });
        out.push(Mutation {
            file: file.clone(),
            after: "",
            find: query,
            // AmlComputeJobEvent has no Computer column: the query's `by Computer` is wrong.
            replace: aml("AmlComputeJobEvent |"),
            check: "unknown-column",
            at: "by Computer",
            offset: 3,
        });
    }
    out.push(Mutation {
        file: arm.clone(),
        after: "\"numberOfEvaluationPeriods\": {",
        find: "\"defaultValue\": 1",
        replace: "\"defaultValue\": 7",
        check: "failing-periods-out-of-range",
        at: "\"numberOfEvaluationPeriods\": \"[parameters",
        offset: 29,
    });
    out.push(Mutation {
        file: arm.clone(),
        after: "\"minFailingPeriodsToAlert\": {",
        find: "\"defaultValue\": 1",
        replace: "\"defaultValue\": 2",
        check: "failing-periods-out-of-range",
        at: "\"minFailingPeriodsToAlert\": \"[parameters",
        offset: 28,
    });
    out.push(Mutation {
        file: arm.clone(),
        after: "\"operator\": {",
        find: "\"defaultValue\": \"GreaterThan\"",
        replace: "\"defaultValue\": \"Equals\"",
        check: "log-operator-spelling",
        at: "\"operator\": \"[parameters('operator')]\"",
        offset: 12,
    });
    out.push(Mutation {
        file: bicep.clone(),
        after: "param numberOfEvaluationPeriods",
        find: "= 1",
        replace: "= 9",
        check: "failing-periods-out-of-range",
        at: "param numberOfEvaluationPeriods int = 9",
        offset: 38,
    });
    out
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

#[test]
fn every_planted_mistake_is_found_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let all = mutations();
    assert!(all.len() >= 10, "{} mutations", all.len());
    let mut missed = Vec::new();
    for (n, m) in all.iter().enumerate() {
        let text = std::fs::read_to_string(root().join("tests/real").join(&m.file)).unwrap();
        let base = text
            .find(m.after)
            .unwrap_or_else(|| panic!("{}: `{}` not found", m.file, m.after));
        let i = base
            + text[base..]
                .find(m.find)
                .unwrap_or_else(|| panic!("{}: `{}` not found", m.file, m.find));
        let edited = format!("{}{}{}", &text[..i], m.replace, &text[i + m.find.len()..]);
        let at = edited
            .find(m.at)
            .unwrap_or_else(|| panic!("{}: `{}` not in the edited file", m.file, m.at));
        let (line, column) = line_col(&edited, at + m.offset);
        let ext = if m.file.ends_with(".bicep") {
            "bicep"
        } else {
            "json"
        };
        let path = dir.path().join(format!("{n}.{ext}"));
        std::fs::write(&path, &edited).unwrap();
        let json = lint(&path);
        let findings = json["findings"].as_array().unwrap();
        let hit = findings.iter().any(|f| {
            f["name"] == m.check
                && f["line"].as_u64() == Some(line)
                && f["column"].as_u64() == Some(column)
        });
        if !hit {
            let got: Vec<String> = findings
                .iter()
                .map(|f| format!("{} {}:{}", f["name"], f["line"], f["column"]))
                .collect();
            missed.push(format!(
                "{} ({}): want {line}:{column}, got {got:?}",
                m.file, m.check
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}
