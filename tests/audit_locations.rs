//! Where audit findings point, through the real binary: the record's line span, its byte
//! offset and length in the text as read, in every format of dump and every output format.

mod common;

use std::path::Path;

use common::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// `audit` with `args`; returns the exit code, stdout and stderr.
fn audit(args: &[&str]) -> (i32, String, String) {
    let out = amlguard()
        .args(["--no-config", "audit", "--no-progress"])
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The findings of one check.
fn named<'a>(json: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == name)
        .collect()
}

/// `(line, column, end_line, end_column, offset, length)` of a finding.
fn place(f: &serde_json::Value) -> (u64, u64, u64, u64, u64, u64) {
    let n = |k: &str| f[k].as_u64().unwrap_or_else(|| panic!("{k} in {f}"));
    (
        n("line"),
        n("column"),
        n("end_line"),
        n("end_column"),
        n("offset"),
        n("length"),
    )
}

const CSV_REPEATED: &str = "TimeGenerated [UTC],RunId,Status,r\u{fc}nid,runid,Type\n\
    2026-11-24T10:00:00Z,r1,Running,a,other,AmlRunStatusChangedEvent\n\
    2026-11-24T10:01:00Z,r1,Completed,b,other,AmlRunStatusChangedEvent\n";

#[test]
fn a_repeated_csv_column_is_a_finding_at_its_name_and_the_first_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "export.csv", CSV_REPEATED.as_bytes());
    let (code, out, err) = audit(&["--format", "json", &p]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = named(&json, "unreadable-record");
    assert_eq!(f.len(), 1, "{json}");
    let m = f[0]["message"].as_str().unwrap();
    assert!(m.contains("`runid` in columns 2 and 5"), "{m}");
    // `rünid` before it is 6 bytes and 5 characters: byte 40, column 40.
    assert_eq!(place(f[0]), (1, 40, 1, 45, 40, 5));
    // The first column is read: one run, both rows audited, nothing skipped.
    assert_eq!(json["summary"]["records"], 2);
    assert_eq!(json["summary"]["audited"], 2);
    assert_eq!(json["summary"]["skipped"], 0);
    assert_eq!(json["summary"]["by_lifecycle"]["run"]["entities"], 1);

    let (_, github, _) = audit(&["--format", "github", &p]);
    assert!(
        github.contains("::warning file=")
            && github.contains("export.csv,line=1,col=40,endLine=1,endColumn=45,title=AML509"),
        "{github}"
    );
    let (_, sarif, _) = audit(&["--format", "sarif", &p]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region,
        &serde_json::json!({"startLine": 1, "startColumn": 40, "endLine": 1, "endColumn": 45})
    );
    let (_, human, _) = audit(&[&p]);
    assert!(human.contains("export.csv:1:40]"), "{human}");
}
