//! Usage errors repeat what the user typed: through the real binary, an argument can neither
//! send a control sequence to the terminal nor start a CI workflow command, and clap's exit
//! statuses are kept (2 for a usage error, 0 for --help and --version).

mod common;

use common::*;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = amlguard().args(args).output().expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// No control character but the line ends, and no line that starts a workflow command.
fn assert_inert(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "control character in {text:?}"
    );
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##vso["),
            "command line in {text:?}"
        );
    }
}

#[test]
fn an_escape_in_a_bad_flag_value_is_shown_escaped() {
    let (code, out, err) = run(&["audit", "--format", "x\x1b]0;title\x07\x1b[2J", "d.jsonl"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_inert(&err);
    assert!(
        err.contains(r"invalid value 'x\u{1b}]0;title\u{7}\u{1b}[2J' for '--format <FORMAT>'"),
        "{err}"
    );
    assert!(err.contains("[possible values: human, json"), "{err}");
}

#[test]
fn a_newline_and_workflow_command_in_a_bad_flag_value_stay_in_the_value() {
    let value = "json\n::error file=x.yml,line=1::INJECTED\n##vso[task.complete result=Failed]";
    let (code, _, err) = run(&["lint", "--format", value, "x.yaml"]);
    assert_eq!(code, 2);
    assert_inert(&err);
    assert!(
        err.contains(r"'json\u{a}::error file=x.yml,line=1::INJECTED\u{a}##vso\u{5b}task"),
        "{err}"
    );
    // An unknown flag is repeated too.
    let (code, _, err) = run(&["lint", "--bogus\n::add-mask::x\x1b[31m", "x.yaml"]);
    assert_eq!(code, 2);
    assert_inert(&err);
    assert!(
        err.contains(r"unexpected argument '--bogus\u{a}::add-mask::x\u{1b}[31m'"),
        "{err}"
    );
}

#[test]
fn help_and_version_still_exit_zero_and_plain_usage_errors_two() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("amlguard "), "{out}");
    let (code, out, _) = run(&["audit", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Usage: amlguard audit"), "{out}");
    let (code, _, err) = run(&["audit", "--threads", "many"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'many' for '--threads"), "{err}");
    let (code, _, err) = run(&["no-such-command"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unrecognized subcommand 'no-such-command'"),
        "{err}"
    );
}
