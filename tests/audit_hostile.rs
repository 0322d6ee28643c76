//! Broken and hostile dumps through the real binary: every record written is counted as
//! audited or skipped at its line, whatever the damage, and an input that is no dump never
//! looks clean.

mod common;

use std::io::{Read, Write};
use std::path::Path;

use common::*;

const STATES: [&str; 4] = ["Starting", "Queued", "Running", "Completed"];

/// Record `i` of a dump of runs going through the four states in order.
fn record(i: usize) -> String {
    format!(
        "{{\"time\":\"2026-11-24T{:02}:{:02}:{:02}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"run-{}\",\"Status\":\"{}\"}}}}",
        10 + i / 3600,
        (i / 60) % 60,
        i % 60,
        i / 4,
        STATES[i % 4]
    )
}

fn records(n: usize) -> Vec<String> {
    (0..n).map(record).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

struct Run {
    code: i32,
    json: serde_json::Value,
    stderr: String,
}

fn audit(args: &[&str]) -> Run {
    let out = amlguard()
        .args(["--no-config", "audit", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    Run {
        code: out.status.code().unwrap(),
        json,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `(records, audited, skipped)`, checked to add up.
fn counts(json: &serde_json::Value) -> (u64, u64, u64) {
    let s = &json["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(n("records"), n("audited") + n("skipped"), "{s}");
    (n("records"), n("audited"), n("skipped"))
}

/// The lines of the `unreadable-record` findings.
fn skipped_lines(json: &serde_json::Value) -> Vec<u64> {
    let mut v: Vec<u64> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "unreadable-record")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    v.sort();
    v
}

/// A Log Analytics result, one element per line as `az` and the portal write them.
fn array(recs: &[String]) -> String {
    format!("[\n{}\n]\n", recs.join(",\n"))
}

#[test]
fn a_stray_bracket_in_an_array_costs_one_skip_not_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut recs = records(1000);
    recs[10].push(']');
    let p = write(dir.path(), "q.json", array(&recs).as_bytes());
    let r = audit(&[&p]);
    assert_eq!(counts(&r.json), (1001, 1000, 1));
    // Element 11 is on line 12 (the `[` is line 1).
    assert_eq!(skipped_lines(&r.json), vec![12]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn an_element_missing_its_brace_is_skipped_and_the_next_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut recs = records(1000);
    recs[10].pop();
    let p = write(dir.path(), "q.json", array(&recs).as_bytes());
    let r = audit(&[&p]);
    assert_eq!(counts(&r.json), (1000, 999, 1));
    assert_eq!(skipped_lines(&r.json), vec![12]);

    // The same in a pretty-printed result (`az monitor log-analytics query` output).
    let values: Vec<serde_json::Value> = records(1000)
        .iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect();
    let pretty = serde_json::to_string_pretty(&values).unwrap();
    // Each element takes 8 lines; drop the `}` that closes element 11.
    let lines: Vec<&str> = pretty.lines().collect();
    let close = 1 + 11 * 8 - 1;
    assert_eq!(lines[close].trim(), "},");
    let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    broken[close] = "  ,".into();
    let p = write(dir.path(), "pretty.json", broken.join("\n").as_bytes());
    let r = audit(&[&p]);
    assert_eq!(counts(&r.json), (1000, 999, 1));
    assert_eq!(skipped_lines(&r.json), vec![1 + 10 * 8 + 1]);
}

#[test]
fn a_garbage_first_line_does_not_hide_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["x", "[corrupted", "{\"time\":\"2026-11-24T"] {
        let text = format!("{bad}\n{}\n", records(1496).join("\n"));
        let p = write(dir.path(), "d.json", text.as_bytes());
        let r = audit(&[&p]);
        assert_eq!(counts(&r.json), (1497, 1496, 1), "{bad}");
        assert_eq!(skipped_lines(&r.json), vec![1], "{bad}");
    }
}

#[test]
fn a_byte_order_mark_costs_no_record() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("lines.json", records(8).join("\n")),
        ("array.json", array(&records(8))),
    ] {
        let p = write(dir.path(), name, format!("\u{feff}{text}").as_bytes());
        let r = audit(&[&p]);
        assert_eq!(counts(&r.json), (8, 8, 0), "{name}");
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
    }
}

#[test]
fn a_pretty_printed_event_hub_capture_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let body = |recs: &[String]| {
        let values: Vec<serde_json::Value> = recs
            .iter()
            .map(|r| serde_json::from_str(r).unwrap())
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({ "records": values })).unwrap()
    };
    let all = records(2000);
    // Two bodies back to back, as a capture of two events.
    let text = format!("{}\n{}\n", body(&all[..1200]), body(&all[1200..]));
    let p = write(dir.path(), "capture.json", text.as_bytes());
    let r = audit(&[&p]);
    assert_eq!(counts(&r.json), (2000, 2000, 0));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json["summary"]["entities"], 500);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[test]
fn a_gzip_bomb_of_zeros_is_not_a_dump_and_is_not_inflated() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "bomb.json.gz", &gzip(&vec![0u8; 256 << 20]));
    let started = std::time::Instant::now();
    let r = audit(&[&p]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a dump: binary content"),
        "{}",
        r.stderr
    );
    assert_eq!(counts(&r.json), (0, 0, 0));
    // Only the sample is inflated, not the 256 MiB.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn a_line_of_zeros_after_good_records_is_one_skip() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("{}\n", records(100).join("\n")).into_bytes();
    text.extend(std::iter::repeat_n(0u8, 20 << 20));
    text.extend(format!("\n{}\n", record(100)).bytes());
    let p = write(dir.path(), "d.json.gz", &gzip(&text));
    let r = audit(&[&p]);
    assert_eq!(counts(&r.json), (102, 101, 1));
    assert_eq!(skipped_lines(&r.json), vec![101]);
    assert_eq!(
        r.json["summary"]["skipped_by_reason"]["record too long"], 1,
        "{}",
        r.json["summary"]
    );
}

#[test]
fn a_truncated_gzip_counts_what_was_inflated_and_says_where_it_broke() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}\n", records(4000).join("\n"));
    let gz = gzip(text.as_bytes());
    let cut = &gz[..gz.len() / 2];
    // What a decoder gets out of the cut stream.
    let mut inflated = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(cut).read_to_end(&mut inflated);
    let whole = inflated.iter().filter(|&&b| b == b'\n').count() as u64;
    let partial = u64::from(!inflated.ends_with(b"\n"));
    let p = write(dir.path(), "d.json.gz", cut);
    let r = audit(&[&p]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(&format!("broke off at byte {}", inflated.len())),
        "{} vs {}",
        r.stderr,
        inflated.len()
    );
    assert!(
        r.stderr.contains(&format!("in line {}", whole + 1)),
        "{}",
        r.stderr
    );
    let (read, audited, skipped) = counts(&r.json);
    assert_eq!(read, whole + partial);
    assert_eq!((audited, skipped), (whole, partial));
}

#[test]
fn a_truncated_gzip_csv_counts_the_unfinished_row_and_says_where_it_broke() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("TimeGenerated,RunId,Status,Type\n");
    for i in 0..6000 {
        text.push_str(&format!(
            "2026-11-24T10:00:00Z,run-{i},Running,AmlRunStatusChangedEvent\n"
        ));
    }
    let gz = gzip(text.as_bytes());
    for cut in [gz.len() / 2, gz.len() / 3] {
        let cut = &gz[..cut];
        let mut inflated = Vec::new();
        let _ = flate2::read::MultiGzDecoder::new(cut).read_to_end(&mut inflated);
        let rows = inflated.iter().filter(|&&b| b == b'\n').count() as u64 - 1;
        let row_start = inflated.iter().rposition(|&b| b == b'\n').unwrap() + 1;
        let unfinished = (inflated.len() - row_start) as u64;
        assert!(unfinished > 0, "the cut falls inside a row");
        let p = write(dir.path(), "export.csv.gz", cut);
        let r = audit(&[&p]);
        assert_eq!(r.code, 2);
        let broke = format!(
            "broke off at byte {} (of the decompressed text), in line {}",
            inflated.len(),
            rows + 2
        );
        assert!(r.stderr.contains(&broke), "{} vs {broke}", r.stderr);
        assert_eq!(counts(&r.json), (rows + 1, rows, 1));
        let skip = r.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "unreadable-record")
            .unwrap();
        assert_eq!(
            (&skip["line"], &skip["offset"], &skip["length"]),
            (
                &serde_json::json!(rows + 2),
                &serde_json::json!(row_start),
                &serde_json::json!(unfinished)
            )
        );
    }
}

#[test]
fn no_auditable_record_is_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    // A rule file given to `audit`.
    let r = audit(&["tests/fixtures/checks"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a dump"), "{}", r.stderr);
    // Records of which none has a lifecycle.
    let text = "{\"time\":\"2026-11-24T10:00:00Z\",\"category\":\"AmlComputeCpuGpuUtilization\"}\n";
    let p = write(dir.path(), "d.json", text.repeat(3).as_bytes());
    let r = audit(&[&p]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("none of the 3 records read could be audited"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_empty_run_id_is_skipped_not_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut recs = records(8);
    recs[5] = recs[5].replace("run-1", "");
    let p = write(dir.path(), "d.json", recs.join("\n").as_bytes());
    let r = audit(&[&p]);
    assert_eq!(counts(&r.json), (8, 7, 1));
    assert_eq!(skipped_lines(&r.json), vec![6]);
    assert_eq!(r.json["summary"]["skipped_by_reason"]["empty key"], 1);
}

#[test]
fn a_run_may_go_back_from_not_responding_to_any_earlier_state() {
    let dir = tempfile::tempdir().unwrap();
    let line = |i: usize, status: &str| {
        format!(
            "{{\"time\":\"2026-11-24T10:00:{i:02}Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"r\",\"Status\":\"{status}\"}}}}\n"
        )
    };
    let walk = [
        "Starting",
        "Queued",
        "Running",
        "NotResponding",
        "Queued",
        "Running",
        "NotResponding",
        "Finalizing",
        "Completed",
    ];
    let text: String = walk.iter().enumerate().map(|(i, s)| line(i, s)).collect();
    let p = write(dir.path(), "d.json", text.as_bytes());
    let r = audit(&[&p]);
    assert_eq!(counts(&r.json), (9, 9, 0));
    assert_eq!(r.json["findings"], serde_json::json!([]), "{}", r.stderr);
    assert_eq!(r.code, 0);
}

#[cfg(unix)]
#[test]
fn linked_dumps_are_read_and_broken_links_reported() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let real = write(dir.path(), "real.json", records(8).join("\n").as_bytes());
    let walk = dir.path().join("walk");
    std::fs::create_dir(&walk).unwrap();
    symlink(&real, walk.join("linked.json")).unwrap();
    let r = audit(&[walk.to_str().unwrap()]);
    assert_eq!(counts(&r.json), (8, 8, 0));
    assert_eq!(r.code, 0, "{}", r.stderr);
    symlink(dir.path().join("gone.json"), walk.join("broken.json")).unwrap();
    symlink(&walk, walk.join("loop")).unwrap();
    let r = audit(&[walk.to_str().unwrap()]);
    assert_eq!(counts(&r.json), (8, 8, 0));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("broken.json: broken symbolic link"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("symbolic link loop"), "{}", r.stderr);
}

#[test]
fn generated_dumps_are_in_time_order_unless_shuffled() {
    let out = amlguard()
        .args(["--no-config", "generate", "dump", "3000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let times: Vec<i64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| amlguard::audit::time::parse(v["time"].as_str().unwrap()).unwrap())
        .collect();
    assert!(times.len() > 20_000);
    let behind = times.windows(2).filter(|w| w[1] < w[0]).count();
    assert_eq!(behind, 0);
}

#[test]
fn threads_are_clamped_and_a_zero_window_is_accepted_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "d.json", records(8).join("\n").as_bytes());
    let r = audit(&["--threads", "100000", &p]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("--threads 100000 is more than the"),
        "{}",
        r.stderr
    );
    assert_eq!(counts(&r.json), (8, 8, 0));
    for w in ["0", "0s"] {
        let r = audit(&["--reorder-window", w, &p]);
        assert_eq!(r.code, 0, "{w}: {}", r.stderr);
    }
}

#[test]
fn a_year_9999_time_is_reported_as_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"time\":\"9999-12-31T23:59:59Z\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{\"RunId\":\"r\",\"Status\":\"Running\"}}\n";
    let p = write(dir.path(), "d.json", text.as_bytes());
    let out = amlguard()
        .args(["--no-config", "audit", &p])
        .output()
        .unwrap();
    // Starting mid-lifecycle and staying open at the end are notes, not errors.
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("9999-12-31T23:59:59Z"), "{text}");
}

/// `audit --lifecycle` with a spec file; returns the run and `(check, line)` of its findings.
fn with_lifecycle(spec: &str) -> (Run, Vec<(String, u64)>) {
    let dir = tempfile::tempdir().unwrap();
    let lc = write(dir.path(), "lc.yaml", spec.as_bytes());
    let p = write(dir.path(), "d.json", records(8).join("\n").as_bytes());
    let r = audit(&["--lifecycle", &lc, &p]);
    let mut found: Vec<(String, u64)> = r.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    (r, found)
}

const SPEC: &str = "lifecycles:\n  - name: mine\n    categories: [MyEvent]\n    key: [Id]\n    state: S\n    states: [A, B]\n    initial: [A]\n    terminal: [B]\n    transitions:\n      - {from: A, to: [B]}\n";

#[test]
fn a_sound_lifecycle_override_is_used() {
    let (r, found) = with_lifecycle(SPEC);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn lifecycle_specs_are_validated_and_a_spec_with_errors_is_not_used() {
    for (bad, want, line) in [
        ("state: S", "state: 5", 5),
        ("categories: [MyEvent]", "categories: \"x\"", 3),
        ("key: [Id]", "key: []", 4),
        ("initial: [A]", "initial: []", 7),
    ] {
        let (r, found) = with_lifecycle(&SPEC.replace(bad, want));
        assert_eq!(r.code, 2, "{want}: {}", r.stderr);
        assert!(r.stderr.contains("nothing was audited"), "{}", r.stderr);
        assert_eq!(counts(&r.json), (0, 0, 0));
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            names == ["wrong-type"] || names == ["invalid-value"],
            "{want}: {found:?}"
        );
        assert_eq!(found[0].1, line, "{want}");
    }
    // Errors of the sanity analysis stop the audit too.
    let (r, found) = with_lifecycle(&SPEC.replace("terminal: [B]", "terminal: [A]"));
    assert_eq!(r.code, 2);
    assert!(!found.is_empty());
}

#[test]
fn two_lifecycles_for_one_category_or_one_name_are_rejected() {
    let second = "  - name: other\n    categories: [myevent]\n    key: [Id]\n    state: S\n    states: [A]\n    initial: [A]\n";
    let (r, found) = with_lifecycle(&format!("{SPEC}{second}"));
    assert_eq!(r.code, 2);
    assert_eq!(found, vec![("invalid-value".to_string(), 11)]);
    let msg = r.json["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("`other` claims category `myevent`"), "{msg}");
    // A user lifecycle that claims a built-in category under another name.
    let (r, _) = with_lifecycle(&SPEC.replace("[MyEvent]", "[AmlRunStatusChangedEvent]"));
    assert_eq!(r.code, 2);
    let again = SPEC.replace("lifecycles:\n", "");
    let (r, _) = with_lifecycle(&format!("{SPEC}{again}"));
    assert_eq!(r.code, 2);
    assert!(
        r.json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("defined twice"),
        "{}",
        r.json
    );
}

#[test]
fn a_gzip_cut_within_the_sampled_head_still_counts_what_was_inflated() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}\n", records(300).join("\n"));
    let gz = gzip(text.as_bytes());
    let cut = &gz[..gz.len() * 2 / 3];
    let mut inflated = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(cut).read_to_end(&mut inflated);
    assert!(inflated.len() < 64 * 1024 && !inflated.is_empty());
    let whole = inflated.iter().filter(|&&b| b == b'\n').count() as u64;
    let partial = u64::from(!inflated.ends_with(b"\n"));
    let p = write(dir.path(), "d.json.gz", cut);
    let r = audit(&[&p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("broke off"), "{}", r.stderr);
    assert_eq!(counts(&r.json), (whole + partial, whole, partial));
}
