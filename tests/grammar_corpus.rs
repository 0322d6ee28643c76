//! Replays grammar/corpus: every valid condition parses and prints its canonical form (which
//! prints itself); every invalid one fails at the column its line records.

use std::path::PathBuf;

use amlguard::condition::{parse, print};

fn corpus(kind: &str) -> Vec<(String, usize, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("grammar/corpus")
        .join(kind);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "txt"))
    {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            out.push((format!("{}:{}", f.display(), i + 1), 0, line.to_string()));
        }
    }
    assert!(!out.is_empty(), "empty corpus {kind}");
    out
}

#[test]
fn valid_conditions_print_canonically() {
    for (at, _, line) in corpus("valid") {
        let (input, want) = line
            .rsplit_once(" => ")
            .unwrap_or_else(|| panic!("{at}: no ` => `"));
        let c = parse(input).unwrap_or_else(|e| panic!("{at}: {input:?} does not parse: {e:?}"));
        assert_eq!(print(&c), want, "{at}");
        let again =
            parse(want).unwrap_or_else(|e| panic!("{at}: canonical form does not parse: {e:?}"));
        assert_eq!(again, c, "{at}: canonical form parses to another condition");
        assert_eq!(print(&again), want, "{at}: canonical form is not stable");
    }
}

#[test]
fn invalid_conditions_fail_at_the_recorded_column() {
    for (at, _, line) in corpus("invalid") {
        let (col, input) = line
            .split_once(" | ")
            .unwrap_or_else(|| panic!("{at}: no ` | `"));
        let col: usize = col
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{at}: bad column"));
        let e = parse(input)
            .err()
            .unwrap_or_else(|| panic!("{at}: {input:?} parses"));
        let got = input[..e.span.start].chars().count() + 1;
        assert_eq!(got, col, "{at}: {input:?}: {}", e.message);
    }
}
