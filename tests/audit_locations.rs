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

fn audit_json(path: &str) -> serde_json::Value {
    let (code, out, err) = audit(&["--format", "json", path]);
    assert!(code < 2, "exit {code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
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

const STATES: [&str; 4] = ["Starting", "Queued", "Running", "Completed"];

/// Record `i` of runs going cleanly through four states, padded with multi-byte text.
fn clean(i: usize) -> String {
    format!(
        "{{\"time\":\"2026-11-24T10:{:02}:{:02}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"run-{}\",\"Status\":\"{}\",\"Pad\":\"{}\"}}}}",
        (i / 60) % 60,
        i % 60,
        i / 4,
        STATES[i % 4],
        "\u{e9}".repeat(200)
    )
}

/// A record in an unknown state (`Bogus`): an `unknown-state` finding at that record.
fn bogus(run: &str) -> String {
    format!(
        "{{\"time\":\"2026-11-24T11:00:00Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"{run}\",\"Status\":\"Bogus\"}}}}"
    )
}

/// What the place of `record`, found in `text` after byte `from`, must be: its line, column
/// and end from counting lines and characters in `text`, and its bytes.
fn expected(text: &str, from: usize, record: &str) -> (u64, u64, u64, u64, u64, u64) {
    let at = from + text[from..].find(record).expect("record in text");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() as u64 + 1;
    let column = text[line_start..at].chars().count() as u64 + 1;
    let end_line = line + record.matches('\n').count() as u64;
    let last = record.rsplit('\n').next().unwrap();
    let end_column = last.chars().count() as u64 + if end_line == line { column } else { 1 };
    (
        line,
        column,
        end_line,
        end_column,
        at as u64,
        record.len() as u64,
    )
}

/// The single `unknown-state` finding's place.
fn bogus_place(json: &serde_json::Value) -> Vec<(u64, u64, u64, u64, u64, u64)> {
    named(json, "unknown-state")
        .into_iter()
        .map(place)
        .collect()
}

#[test]
fn json_lines_records_are_located_after_multibyte_text_and_in_a_later_chunk() {
    let dir = tempfile::tempdir().unwrap();
    // Every line before the second bogus record holds 400 bytes of two-byte characters, and
    // the dump passes the 1 MiB chunk size before it.
    let mut text = format!("{}\n", bogus("first"));
    let mut i = 0;
    while text.len() < 1_200_000 {
        text.push_str(&clean(i));
        text.push('\n');
        i += 1;
    }
    let late = bogus("late-\u{fc}");
    text.push_str(&format!("  {late}\n"));
    for j in i..i + 4 {
        text.push_str(&clean(j));
        text.push('\n');
    }
    let p = write(dir.path(), "dump.jsonl", text.as_bytes());
    let json = audit_json(&p);
    let got = bogus_place(&json);
    assert_eq!(got.len(), 2, "{json}");
    assert_eq!(got[0], expected(&text, 0, &bogus("first")));
    assert_eq!(got[0], (1, 1, 1, 118, 0, 117));
    let want = expected(&text, 1_000_000, &late);
    assert!(want.4 > 1 << 20, "in the second chunk: {want:?}");
    assert_eq!(want.1, 3, "indented by two blanks");
    assert_eq!(got[1], want);

    // The same dump gzipped: offsets are those of the decompressed text.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
    let p = write(dir.path(), "dump.jsonl.gz", &gz.finish().unwrap());
    assert_eq!(bogus_place(&audit_json(&p)), got);
}

#[test]
fn log_analytics_array_elements_are_located_over_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let pretty = |r: &str| {
        let v: serde_json::Value = serde_json::from_str(r).unwrap();
        serde_json::to_string_pretty(&v)
            .unwrap()
            .replace('\n', "\n  ")
    };
    let first = pretty(&clean(0)).replace("run-0", "run-\u{e9}");
    let late = pretty(&bogus("r\u{e9}-late"));
    let mut text = format!("[\n  {first},\n  {},\n  {late}", pretty(&clean(1)));
    text.push_str(",\n  {\"broken\": \n  ");
    text.push_str(&pretty(&bogus("after-broken")));
    text.push_str("\n]\n");
    let p = write(dir.path(), "result.json", text.as_bytes());
    let json = audit_json(&p);
    let got = bogus_place(&json);
    assert_eq!(got.len(), 2, "{json}");
    let want = expected(&text, 0, &late);
    assert!(want.2 > want.0, "spans lines: {want:?}");
    assert_eq!(want.1, 3);
    assert_eq!(got[0], want);
    // After an element that never closes, the next one is still located exactly.
    let after = pretty(&bogus("after-broken"));
    assert_eq!(got[1], expected(&text, 0, &after));
    // The broken element is a skip at its own place.
    let skips = named(&json, "unreadable-record");
    assert_eq!(skips.len(), 1, "{json}");
    let broken = text.find("{\"broken\"").unwrap() as u64;
    assert_eq!(skips[0]["offset"], broken);
}

#[test]
fn csv_rows_are_located_by_their_raw_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let row =
        |t: &str, run: &str, status: &str| format!("{t},{run},{status},AmlRunStatusChangedEvent");
    let first = row("2026-11-24T10:00:00Z", "r\u{e9}", "Running");
    let late = row("2026-11-24T11:00:00Z", "\"z\u{fc}, quoted\"", "Bogus");
    // The header's line end, the rows', and what comes between two rows (blank lines too).
    let layouts = [
        ("\n", "\n", "\n", 3),
        ("\r\n", "\r\n", "\r\n", 3),
        ("\r\n", "\n", "\n", 3),
        ("\n", "\r\n", "\r\n", 3),
        ("\r\n", "\r\n", "\r\n\r\n\r\n", 5),
        ("\n", "\n", "\n\r\n\n", 5),
    ];
    for (head, eol, between, line) in layouts {
        let text = format!(
            "TimeGenerated [UTC],RunId,Status,Type{head}{first}{between}{late}{eol}{}{eol}",
            row("2026-11-24T12:00:00Z", "r\u{e9}", "Completed")
        );
        let p = write(dir.path(), "export.csv", text.as_bytes());
        let json = audit_json(&p);
        let got = bogus_place(&json);
        let layout = (head, eol, between);
        assert_eq!(got, vec![expected(&text, 0, &late)], "{layout:?}: {json}");
        assert_eq!(got[0].0, line, "{layout:?}");
    }
}

#[test]
fn offsets_count_the_byte_order_mark_and_columns_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let first = bogus("a");
    let second = bogus("b");
    let text = format!("\u{feff}{first}\n{second}\n");
    let p = write(dir.path(), "bom.jsonl", text.as_bytes());
    let got = bogus_place(&audit_json(&p));
    let n = first.len() as u64;
    assert_eq!(
        got,
        vec![(1, 1, 1, n + 1, 3, n), (2, 1, 2, n + 1, 3 + n + 1, n)]
    );
    let header = "TimeGenerated,RunId,Status,Type";
    let row = "2026-11-24T10:00:00Z,r,Bogus,AmlRunStatusChangedEvent";
    let p = write(
        dir.path(),
        "bom.csv",
        format!("\u{feff}{header}\n{row}\n").as_bytes(),
    );
    let got = bogus_place(&audit_json(&p));
    let (h, r) = (header.len() as u64, row.len() as u64);
    assert_eq!(got, vec![(2, 1, 2, r + 1, 3 + h + 1, r)]);
}

#[test]
fn event_hub_records_are_located_inside_their_body() {
    let dir = tempfile::tempdir().unwrap();
    let late = bogus("eh-\u{e9}");
    let body = format!("{{\"records\": [{}, {late}]}}", clean(1));
    let text = format!("{}\n{}\n{body}\n", clean(0), clean(2));
    let p = write(dir.path(), "eventhub.jsonl", text.as_bytes());
    let json = audit_json(&p);
    assert_eq!(json["summary"]["records"], 4, "{json}");
    let want = expected(&text, text.find("{\"records\"").unwrap(), &late);
    assert_eq!(want.0, 3);
    assert!(want.4 > 800, "after two lines of multi-byte text: {want:?}");
    assert_eq!(bogus_place(&json), vec![want]);
}

#[test]
fn array_elements_on_one_line_are_located_by_characters() {
    let dir = tempfile::tempdir().unwrap();
    let late = bogus("one-line");
    let text = format!("[{}, {late}]\n", clean(0));
    let p = write(dir.path(), "oneline.json", text.as_bytes());
    let want = expected(&text, 0, &late);
    assert_eq!(
        (want.0, want.1),
        (1, 2 + clean(0).chars().count() as u64 + 2)
    );
    assert_eq!(bogus_place(&audit_json(&p)), vec![want]);
}
