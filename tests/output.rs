//! How results leave the binary, tried as a hostile input and a hostile environment would:
//! closed pipes, full disks, lines past column 65,535, control characters, workflow commands
//! and Azure logging commands in data, and very many findings.

mod common;

use std::io::Read;
use std::process::{Command as StdCommand, Stdio};

use common::*;

fn bin() -> StdCommand {
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("amlguard"));
    cmd.current_dir(root());
    cmd
}

/// Runs the command with stdout a pipe that is closed after the first line.
fn closed_after_one_line(args: &[&str]) -> (i32, String) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdout = child.stdout.take().expect("piped");
    let mut first = [0u8; 1];
    // Read one byte, so the program has started writing, then close the pipe.
    let _ = stdout.read(&mut first);
    drop(stdout);
    let out = child.wait_with_output().expect("waits");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the command with stdout on /dev/full.
fn to_full_disk(args: &[&str]) -> (i32, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let out = bin().args(args).stdout(full).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn many_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = amlguard()
        .args(["generate", "rules", "3000", "--broken-every", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(dir.path().join("rules.yaml"), out.stdout).unwrap();
    dir
}

fn dump(runs: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = amlguard()
        .args(["generate", "dump", runs, "--plant-every", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(dir.path().join("dump.jsonl"), out.stdout).unwrap();
    dir
}

/// Every subcommand that writes to stdout, with enough output to fill a pipe.
fn every_subcommand(rules: &str, dump: &str) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut cmds = vec![
        s(&["generate", "rules", "2000"]),
        s(&["generate", "dump", "2000"]),
        s(&["catalog", "metrics"]),
        s(&["catalog", "dimensions", "--format", "json"]),
        s(&["lifecycles"]),
        s(&["explain"]),
        s(&["graph", "run"]),
        s(&["fmt-condition", "avg GpuUtilization < 10"]),
        s(&["--no-config", "coverage", rules]),
        s(&["--no-config", "coverage", "--format", "json", rules]),
        s(&["--no-config", "test", "rules/tests/"]),
        s(&[
            "--no-config",
            "test",
            "--format",
            "json",
            "tests/fixtures/readme/failing.test.yaml",
        ]),
    ];
    for format in ["human", "json", "sarif", "github", "azure"] {
        cmds.push(s(&[
            "--no-config",
            "lint",
            "--max-repeats",
            "0",
            "--format",
            format,
            rules,
        ]));
        cmds.push(s(&[
            "--no-config",
            "audit",
            "--max-repeats",
            "0",
            "--format",
            format,
            dump,
        ]));
    }
    cmds
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_exit_2() {
    let rules = many_rules();
    let dump = dump("2000");
    let rules = rules.path().join("rules.yaml");
    let dump = dump.path().join("dump.jsonl");
    for cmd in every_subcommand(rules.to_str().unwrap(), dump.to_str().unwrap()) {
        let args: Vec<&str> = cmd.iter().map(String::as_str).collect();
        let (code, stderr) = closed_after_one_line(&args);
        assert!(
            code == 0 || (code == 1 && !stderr.contains("panicked")),
            "{args:?} on a closed pipe: exit {code}, stderr {stderr}"
        );
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        let (code, stderr) = to_full_disk(&args);
        assert_eq!(code, 2, "{args:?} to /dev/full: {stderr}");
        assert!(
            stderr.contains("cannot write the output") && stderr.contains("No space left"),
            "{args:?}: {stderr}"
        );
    }
}

fn human(args: &[&str]) -> (i32, String) {
    let out = amlguard()
        .args(["--no-config", "--color", "never"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn findings_past_column_65535_show_a_clipped_snippet_with_the_real_column() {
    let dir = tempfile::tempdir().unwrap();
    let pad = "x".repeat(70_000);
    let path = dir.path().join("one-line.yaml");
    std::fs::write(
        &path,
        format!(
            "rules: [{{name: a, description: {pad}, severity: 9, criteria: [{{metric: Failed Runs, aggregation: Total, operator: GreaterThan, threshold: 0}}]}}]\n"
        ),
    )
    .unwrap();
    let (code, out) = human(&["lint", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("severity-out-of-range"), "{out}");
    let column = 70_000 + "rules: [{name: a, description: , severity: ".len() + 1;
    assert!(out.contains(&format!("one-line.yaml:1:{column}]")), "{out}");
    assert!(
        out.lines().all(|l| l.chars().count() < 400),
        "a line is not clipped"
    );
}

#[test]
fn a_minified_arm_template_renders() {
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/checks/not-a-workspace-rule/fires.json"),
    )
    .unwrap();
    let text: String = text.lines().filter(|l| !l.starts_with("//")).collect();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["metadata"] = serde_json::json!({"padding": "p".repeat(80_000)});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("min.json");
    // Keys are written in order: `metadata` (the padding) comes before `resources`.
    let min = serde_json::to_string(&v).unwrap();
    assert!(!min.contains('\n'));
    std::fs::write(&path, &min).unwrap();
    let (code, out) = human(&["lint", path.to_str().unwrap()]);
    assert_eq!(code, 0, "a note: {out}");
    assert!(out.contains("not-a-workspace-rule"), "{out}");
    assert!(
        out.contains("min.json:1:8"),
        "the real column, past 80,000: {out}"
    );
    assert!(
        out.lines().all(|l| l.chars().count() < 400),
        "a line is not clipped"
    );
}

#[test]
fn a_huge_condition_and_a_huge_fmt_condition_render() {
    let long = format!(
        "avg GpuUtilization < 10 where DeviceId includes {}",
        "d".repeat(120_000)
    );
    let (code, out) = human(&["lint", "--condition", &(long.clone() + " and (")]);
    assert!(code == 1, "{out}");
    assert!(out.contains("condition-syntax"), "{out}");
    let (code, out) = human(&["fmt-condition", &(long + " and (")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("condition-syntax"), "{out}");
    assert!(
        out.lines().all(|l| l.chars().count() < 400),
        "a line is not clipped"
    );
}

const HOSTILE_RUN_ID: &str = "r\n::error file=x.yml,line=1::INJECTED\n::add-mask::x\u{1b}]0;pwned\u{7}\u{202e}##vso[task.setvariable variable=x]1";

fn hostile_dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for status in ["Starting", "Queued", "Completed"] {
        let record = serde_json::json!({
            "time": "2026-11-24T10:00:00Z",
            "resourceId": "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/W",
            "category": "AmlRunStatusChangedEvent",
            "properties": {"RunId": HOSTILE_RUN_ID, "Status": status},
        });
        text.push_str(&record.to_string());
        text.push('\n');
    }
    std::fs::write(dir.path().join("nl\n::error title=INJ::x.jsonl"), text).unwrap();
    dir
}

/// No output line, trimmed, starts with `::`; no `##vso[` anywhere; no control character
/// but the line breaks (and, for human output with colour off, none at all).
fn assert_inert(what: &str, out: &str, own_commands: Option<&str>) {
    for line in out.lines() {
        let t = line.trim_start();
        if let Some(prefix) = own_commands
            && t.starts_with(prefix)
        {
            let rest = &t[prefix.len()..];
            assert!(!rest.contains("\n"), "{what}: {line}");
            continue;
        }
        assert!(
            !t.starts_with("::"),
            "{what}: a line starts a workflow command: {line}"
        );
        assert!(
            !line.contains("##vso["),
            "{what}: a logging command: {line}"
        );
        assert!(
            !line.chars().any(amlguard::report::sanitize::is_hidden),
            "{what}: a hidden character: {line:?}"
        );
    }
}

#[test]
fn hostile_text_in_dumps_and_file_names_stays_inert() {
    let dir = hostile_dump();
    let path = dir.path().to_str().unwrap();
    for format in ["human", "github", "azure", "json", "sarif"] {
        let out = amlguard()
            .args([
                "--no-config",
                "--color",
                "never",
                "audit",
                "--format",
                format,
                path,
            ])
            .output()
            .unwrap();
        // The hostile records are reported as errors; SARIF exits 0 with them in the file.
        let expected = if format == "sarif" { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(expected), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let own = match format {
            "github" => Some("::error file="),
            "azure" => Some("##vso[task.logissue "),
            _ => None,
        };
        assert_inert(format, &stdout, own);
        assert_inert(format, &stderr, None);
        if format == "github" {
            // The properties end at the first `::`, after the title written by amlguard: data
            // in the file name cannot end them early.
            for line in stdout.lines() {
                let end = line[2..].find("::").unwrap() + 2;
                assert!(line[..end].contains(",title=AML"), "{line}");
                assert!(!line.contains('\u{1b}'), "{line}");
            }
        }
        if format == "azure" {
            for line in stdout.lines() {
                assert_eq!(line.matches("##vso[").count(), 1, "{line}");
                assert_eq!(line.matches(']').count(), 1, "{line}");
            }
        }
        if format == "json" {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let entities: Vec<&str> = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| f["entity"].as_str())
                .collect();
            assert!(
                entities.iter().any(|e| e.contains(HOSTILE_RUN_ID)),
                "{entities:?}"
            );
        }
        if format == "human" {
            assert!(stdout.contains("\\u{1b}]0;pwned\\u{7}"), "{stdout}");
            assert!(stdout.contains("\\u{202e}"), "{stdout}");
        }
    }
}

#[test]
fn hostile_file_names_through_lint_stay_inert() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nl\n::error title=INJ::x.yaml");
    std::fs::write(
        &path,
        "rules:\n  - name: a\n    severity: 9\n    criteria:\n      - metric: Dev\u{200b}iceId\u{1b}[2J\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n",
    )
    .unwrap();
    for format in ["human", "github", "azure", "json", "sarif"] {
        let out = amlguard()
            .args([
                "--no-config",
                "--color",
                "never",
                "lint",
                "--format",
                format,
            ])
            .arg(&path)
            .output()
            .unwrap();
        // Severity 9 and an unknown metric are errors; SARIF exits 0 with them in the file.
        let expected = if format == "sarif" { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(expected), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let own = match format {
            "github" => Some("::error file="),
            "azure" => Some("##vso[task.logissue "),
            _ => None,
        };
        assert_inert(format, &stdout, own);
        assert_inert(format, &String::from_utf8_lossy(&out.stderr), None);
        if format == "human" {
            assert!(stdout.contains("Dev\\u{200b}iceId\\u{1b}[2J"), "{stdout}");
            assert!(stdout.contains("nl\\u{a}::error"), "{stdout}");
        }
        if format == "sarif" {
            assert!(
                stdout.contains("nl%0A%3A%3Aerror%20title%3DINJ%3A%3Ax.yaml"),
                "{stdout}"
            );
        }
    }
}

#[test]
fn repeated_findings_are_folded_past_max_repeats() {
    let dir = dump("300");
    let path = dir.path().join("dump.jsonl");
    let run = |extra: &[&str]| {
        let out = amlguard()
            .args(["--no-config", "audit", "--format", "json"])
            .args(extra)
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "planted violations are errors");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let all = run(&["--max-repeats", "0"]);
    let folded = run(&["--max-repeats", "3"]);
    let n_all = all["findings"].as_array().unwrap().len();
    let n_folded = folded["findings"].as_array().unwrap().len();
    assert!(n_all > 100, "{n_all}");
    assert!(n_folded < n_all / 3, "{n_folded} of {n_all}");
    // Nothing is lost from the count: the summary counts every finding.
    assert_eq!(all["summary"]["errors"], folded["summary"]["errors"]);
    let not_shown = folded["not_shown"].as_u64().unwrap();
    let summaries: Vec<&serde_json::Value> = folded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("not shown"))
        .collect();
    assert!(!summaries.is_empty());
    assert_eq!(
        n_folded as u64 + not_shown - summaries.len() as u64,
        n_all as u64
    );
}

/// Findings fold by kind: a transition by its lifecycle and states, anything else by the shape
/// of its message (names and numbers blanked). Each kind past `--max-repeats` becomes one
/// finding at its first folded occurrence that names the count, the transition and the last line.
#[test]
fn findings_fold_by_transition_or_message_shape() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let mut minute = 0;
    let mut rec = |run: &str, status: &str| {
        text.push_str(&format!(
            "{{\"time\": \"2026-11-24T10:{minute:02}:00Z\", \"category\": \"AmlRunStatusChangedEvent\", \"properties\": {{\"RunId\": \"{run}\", \"Status\": \"{status}\"}}}}\n"
        ));
        minute += 1;
    };
    for i in 0..3 {
        for status in ["Starting", "Queued", "Starting"] {
            rec(&format!("a{i}"), status);
        }
    }
    for i in 0..3 {
        for status in ["Starting", "Running", "Preparing"] {
            rec(&format!("b{i}"), status);
        }
    }
    rec("c0", "Bogus0");
    rec("c1", "Bogus1");
    // Two unreadable records of different shapes: two kinds.
    text.push_str("{broken\n");
    text.push_str("{\"time\": \"bad\", \"category\": \"AmlRunStatusChangedEvent\", \"properties\": {\"RunId\": \"d0\", \"Status\": \"Starting\"}}\n");
    std::fs::write(dir.path().join("fold.jsonl"), text).unwrap();
    let out = amlguard()
        .current_dir(dir.path())
        .args([
            "--no-config",
            "audit",
            "--format",
            "json",
            "--max-repeats",
            "1",
            "fold.jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let f = |name: &str, line: u64, message: &str| (name.to_string(), line, message.to_string());
    assert_eq!(
        got,
        vec![
            f(
                "illegal-transition",
                3,
                "run `a0`: Queued → Starting is not a legal transition"
            ),
            f(
                "illegal-transition",
                6,
                "2 more illegal-transition findings (run Queued → Starting) not shown, from fold.jsonl:6 to line 9; the first: run `a1`: Queued → Starting is not a legal transition"
            ),
            f(
                "illegal-transition",
                11,
                "run `b0`: Starting → Running is not a legal transition"
            ),
            f(
                "illegal-transition",
                12,
                "run `b0`: Running → Preparing is not a legal transition"
            ),
            f(
                "illegal-transition",
                14,
                "2 more illegal-transition findings (run Starting → Running) not shown, from fold.jsonl:14 to line 17; the first: run `b1`: Starting → Running is not a legal transition"
            ),
            f(
                "illegal-transition",
                15,
                "2 more illegal-transition findings (run Running → Preparing) not shown, from fold.jsonl:15 to line 18; the first: run `b1`: Running → Preparing is not a legal transition"
            ),
            f(
                "open-at-end",
                3,
                "run `a0` is still Starting at the end of the dump"
            ),
            f(
                "open-at-end",
                6,
                "2 more open-at-end findings not shown, from fold.jsonl:6 to line 9; the first: run `a1` is still Starting at the end of the dump"
            ),
            f(
                "open-at-end",
                12,
                "run `b0` is still Preparing at the end of the dump"
            ),
            f(
                "open-at-end",
                15,
                "2 more open-at-end findings not shown, from fold.jsonl:15 to line 18; the first: run `b1` is still Preparing at the end of the dump"
            ),
            // An unknown state is a kind of its own: its message shape alone would fold them.
            f(
                "unknown-state",
                19,
                "run `c0`: `Bogus0` is not a state of the run lifecycle"
            ),
            f(
                "unknown-state",
                20,
                "run `c1`: `Bogus1` is not a state of the run lifecycle"
            ),
            f(
                "unreadable-record",
                21,
                "unreadable record: key must be a string at line 1 column 2"
            ),
            f(
                "unreadable-record",
                22,
                "run record with an unreadable time `bad`"
            ),
        ]
    );
    assert_eq!(json["not_shown"], 10);
}

#[test]
fn sarif_keeps_within_githubs_limit_and_says_so() {
    let dir = dump("36000");
    let out = amlguard()
        .args([
            "--no-config",
            "audit",
            "--format",
            "sarif",
            "--max-repeats",
            "0",
        ])
        .arg(dir.path().join("dump.jsonl"))
        .output()
        .unwrap();
    // SARIF exits 0 unless the run itself failed: the results are in the file.
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &v["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 25_000);
    assert_eq!(run["properties"]["truncated"], true);
    assert!(run["properties"]["resultsOverLimit"].as_u64().unwrap() > 0);
    let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.contains("25000"), "{note}");
}

#[test]
fn azure_format_writes_logging_commands() {
    let out = amlguard()
        .args(["--no-config", "lint", "--format", "azure"])
        .arg("tests/fixtures/checks/severity-out-of-range/fires.yaml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("##vso[task.logissue type=error;sourcepath=tests/fixtures/checks/severity-out-of-range/fires.yaml;linenumber=4;columnnumber=15;code=AML"),
        "{text}"
    );
}

#[test]
fn help_is_consistent() {
    let help = |args: &[&str]| {
        let out = amlguard().args(args).arg("--help").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let top = help(&[]);
    assert!(top.contains("audit") && top.contains("generate"), "{top}");
    let lint = help(&["lint"]);
    assert!(lint.contains("<PATH>..."), "{lint}");
    assert!(lint.contains("Output format"), "{lint}");
    assert!(
        lint.contains("[possible values: error, warning, note, never]"),
        "{lint}"
    );
    assert!(lint.contains("Global options"), "{lint}");
    for cmd in ["catalog", "lifecycles"] {
        let h = help(&[cmd]);
        assert!(h.contains("[default: human]"), "{cmd}: {h}");
    }
    amlguard()
        .args(["catalog", "--format", "table"])
        .assert()
        .code(0);
}

#[test]
fn a_config_error_past_column_65535_renders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amlguard.toml");
    std::fs::write(
        &path,
        format!("[lint]\nselect = [\"{}\", 5]\n", "A".repeat(70_000)),
    )
    .unwrap();
    let out = amlguard()
        .arg("--config")
        .arg(&path)
        .args(["lint", "--condition", "avg GpuUtilization < 10"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("amlguard.toml:2:70015]"), "{stderr}");
    assert!(stderr.lines().all(|l| l.chars().count() < 400));
}

#[test]
fn lifecycle_names_cannot_break_out_of_dot_or_mermaid_strings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.yaml");
    std::fs::write(
        &path,
        r#"lifecycles:
  - name: "ev\"il\u001b[2J"
    categories: [AmlRunStatusChangedEvent]
    key: [RunId]
    state: Status
    states:
      - {name: "A\"] ; x -> y [label=\"", source: "x"}
      - {name: B, source: "x"}
    initial: ["A\"] ; x -> y [label=\""]
    terminal: [B]
    transitions:
      - {from: "A\"] ; x -> y [label=\"", to: [B], source: "x"}
"#,
    )
    .unwrap();
    let name = "ev\"il\u{1b}[2J";
    let dot = amlguard()
        .args(["--no-config", "graph", "--lifecycle"])
        .arg(&path)
        .arg(name)
        .output()
        .unwrap();
    assert_eq!(dot.status.code(), Some(0));
    let dot = String::from_utf8(dot.stdout).unwrap();
    assert!(
        dot.starts_with("digraph \"ev\\\"il\\\\u{1b}[2J\" {"),
        "{dot}"
    );
    assert!(
        dot.contains("[label=\"A\\\"] ; x -> y [label=\\\"\", penwidth=2];"),
        "{dot}"
    );
    assert!(!dot.contains('\u{1b}'));
    let mermaid = amlguard()
        .args(["--no-config", "graph", "--format", "mermaid", "--lifecycle"])
        .arg(&path)
        .arg(name)
        .output()
        .unwrap();
    assert_eq!(mermaid.status.code(), Some(0));
    let mermaid = String::from_utf8(mermaid.stdout).unwrap();
    assert!(
        mermaid.contains("state \"A#quot;] ; x -> y [label=#quot;\" as"),
        "{mermaid}"
    );
}
