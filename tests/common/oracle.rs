//! Microsoft's KQL analyser, Kusto.Language (npm `@kusto/language-service-next`, run by
//! `tests/oracle/oracle.js` under node), as a test oracle. Tests that use it fail, never skip,
//! when node or the package is missing.

use std::io::Write;
use std::process::{Command, Stdio};

pub const SETUP: &str =
    "run scripts/test-setup.sh (npm ci --prefix tests/oracle) to install the KQL oracle";

/// One diagnostic of the analyser; offsets in UTF-16 code units of the query as given.
#[derive(serde::Deserialize, Debug)]
pub struct Diagnostic {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub start: usize,
    pub length: usize,
}

#[derive(serde::Deserialize)]
pub struct Answer {
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs the analyser over `texts` in one batch: one answer per text, in order.
pub fn analyse(texts: &[String]) -> Vec<Answer> {
    let dir = super::root().join("tests/oracle");
    assert!(
        dir.join("node_modules/@kusto/language-service-next")
            .is_dir(),
        "the npm package @kusto/language-service-next is missing: {SETUP}"
    );
    let mut child = Command::new("node")
        .arg(dir.join("oracle.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): {SETUP}"));
    let input = serde_json::to_vec(texts).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "the oracle failed: {SETUP}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The byte offset of a UTF-16 offset in `text`.
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}
