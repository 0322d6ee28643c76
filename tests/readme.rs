//! Every ```console block of README.md is a transcript that must stay true: each `$ amlguard …`
//! or `$ cargo run -q [--release] -- …` command is run through the real binary from the
//! repository root, and its output (stdout and stderr, in order) must be the lines that follow
//! it in the block. A `# exits N` comment after a command checks its exit status too.
//!
//! Paths under `/tmp/` are moved to a private directory (and shown as `/tmp/` again), so that
//! runs in parallel do not share files; trailing blanks are ignored. Nothing else is normalised.
//!
//! After a deliberate change of output: `UPDATE_README=1 cargo test --test readme` rewrites the
//! blocks in place; review the change with `git diff README.md`.

mod common;

use common::root;

/// One `$ …` line of a console block and the output lines shown after it.
struct Example {
    /// Index of the `$` line in README.md (0-based).
    line: usize,
    command: String,
    exit: Option<i32>,
    expected: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (i, line) in readme.lines().enumerate() {
        if !in_console {
            in_console = line.trim_end() == "```console";
            continue;
        }
        if line.trim_end() == "```" {
            in_console = false;
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            let (command, comment) = match cmd.find("  #") {
                Some(at) => (cmd[..at].trim_end(), &cmd[at + 3..]),
                None => (cmd.trim_end(), ""),
            };
            let exit = comment
                .split("exits ")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok());
            out.push(Example {
                line: i,
                command: command.to_string(),
                exit,
                expected: Vec::new(),
            });
        } else {
            let ex = out
                .last_mut()
                .unwrap_or_else(|| panic!("README.md:{}: output before any `$` line", i + 1));
            ex.expected.push(line.trim_end().to_string());
        }
    }
    assert!(!in_console, "README.md: a ```console block is never closed");
    out
}

/// The command as the shell should run it: the binary in place of `amlguard` / `cargo run`.
fn shell_command(command: &str, tmp: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_amlguard");
    // The README's `/tmp/` paths move to this run's scratch directory; the binary's own path is
    // substituted afterwards, since the checkout itself may live under /tmp.
    let c = command.replace("/tmp/", tmp);
    for prefix in ["cargo run -q --release --", "cargo run -q --", "amlguard"] {
        if let Some(rest) = c.strip_prefix(prefix) {
            return format!("'{bin}'{rest}");
        }
    }
    panic!("README command `{command}` does not run amlguard");
}

fn run(ex: &Example, tmp: &str) -> (Vec<String>, i32) {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{} 2>&1", shell_command(&ex.command, tmp)))
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("sh runs");
    let text = String::from_utf8_lossy(&out.stdout).replace(tmp, "/tmp/");
    let lines = text.lines().map(|l| l.trim_end().to_string()).collect();
    (lines, out.status.code().unwrap_or(-1))
}

#[test]
fn readme_console_examples_are_true() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 4, "README.md lost its console examples");
    let dir = tempfile::tempdir().unwrap();
    let tmp = format!("{}/", dir.path().display());
    let update = std::env::var_os("UPDATE_README").is_some();

    let mut failures = Vec::new();
    let mut actual = Vec::new();
    for ex in &examples {
        let (lines, code) = run(ex, &tmp);
        if lines != ex.expected {
            let diff: Vec<String> =
                difflib::unified_diff(&ex.expected, &lines, "README.md", "actual", "", "", 2)
                    .into_iter()
                    .map(|l| l.trim_end().to_string())
                    .collect();
            failures.push(format!(
                "README.md:{}: `$ {}` printed something else:\n{}",
                ex.line + 1,
                ex.command,
                diff.join("\n")
            ));
        }
        if let Some(want) = ex.exit
            && want != code
        {
            failures.push(format!(
                "README.md:{}: `$ {}` exited {code}, the README says {want}",
                ex.line + 1,
                ex.command
            ));
        }
        actual.push(lines);
    }
    if update && !failures.is_empty() {
        let mut lines: Vec<String> = readme.lines().map(str::to_string).collect();
        // From the last example up, so that earlier line numbers stay valid.
        for (ex, out) in examples.iter().zip(&actual).rev() {
            let from = ex.line + 1;
            lines.splice(from..from + ex.expected.len(), out.iter().cloned());
        }
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        eprintln!("README.md rewritten; review with `git diff README.md`");
        return;
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the new output is right, run `UPDATE_README=1 cargo test --test readme` and \
         review `git diff README.md`.",
        failures.join("\n\n")
    );
}

/// The files and directories the README's examples and prose name exist in the repository.
#[test]
fn paths_the_readme_names_exist() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut missing = Vec::new();
    for word in readme.split(|c: char| c.is_whitespace() || "`()[],:".contains(c)) {
        let w = word.trim_end_matches(['.', ';']);
        let looks_like_path = ["rules/", "tests/", "src/", "grammar/", "fuzz/", "benches/"]
            .iter()
            .any(|p| w.starts_with(p))
            && !w.contains(['<', '*', '…']);
        if looks_like_path && !root().join(w).exists() {
            missing.push(w.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "README.md names missing paths: {missing:?}"
    );
}

/// The opening command works on a fresh clone: the bundled rule pack is clean.
#[test]
fn the_opening_command_lints_the_rule_pack_clean() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let opening = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- lint rules/"))
        .expect("the README opens with `cargo run --release -- lint rules/`");
    assert!(opening.contains("exits 0"), "{opening}");
    let out = common::amlguard()
        .args(["lint", "rules/"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A YAML example the README shows next to a command that lints its file is that file, byte for
/// byte, so the command's output is the snippet's.
#[test]
fn readme_snippets_are_the_files_their_examples_lint() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for entry in std::fs::read_dir(root().join("tests/fixtures/readme")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                readme.contains(&format!("```yaml\n{text}```")),
                "README.md does not show {} as it is",
                path.display()
            );
        }
    }
}

/// The README lists every extension a directory walk reads.
#[test]
fn readme_lists_what_a_walk_reads() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for ext in amlguard::linter::RULE_EXTENSIONS {
        assert!(
            readme.contains(&format!("`*.{ext}`")),
            "README.md does not list *.{ext}"
        );
    }
}
