//! Inline suppressions: `# amlguard: ignore[check-name, AML103] reason` in YAML and scripts
//! (on the finding's line, or alone on the line above it), and
//! `"metadata": {"amlguard-ignore": ["check-name"]}` on an ARM resource. A suppression that
//! suppresses nothing is itself reported (`unused-suppression`), as stale ones hide problems.

use crate::finding::Finding;
use crate::policy::selects;
use crate::registry;
use crate::source::{FileId, SourceMap, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub file: FileId,
    /// The directive itself, where an unused suppression is reported.
    pub at: Span,
    /// The byte range whose findings it covers.
    pub covers: Span,
    pub checks: Vec<String>,
    pub used: bool,
}

const MARK: &str = "amlguard: ignore[";

/// The comment suppressions of a text file. Only the lines that hold the directive are looked
/// at (found with one substring search over the text), so a large file costs one scan.
pub fn from_comments(text: &str, file: FileId) -> Vec<Suppression> {
    let bytes = text.as_bytes();
    let line_end =
        |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(text.len(), |i| from + i + 1);
    let mut out = Vec::new();
    // The end of the last line read: a line is read once, whatever number of directives it holds.
    let mut read_to = 0;
    for found in memchr::memmem::find_iter(bytes, MARK) {
        if found < read_to {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..found]).map_or(0, |i| i + 1);
        read_to = line_end(found);
        out.extend(on_line(text, file, start..read_to, line_end(read_to)));
    }
    out
}

/// The suppression that the line `text[line]` (its line break included) declares, if any: the
/// first directive after the line's first `#`. `next_end` is where the line after it ends.
fn on_line(
    text: &str,
    file: FileId,
    line: std::ops::Range<usize>,
    next_end: usize,
) -> Option<Suppression> {
    let (start, end) = (line.start, line.end);
    let line = &text[line];
    let hash = line.find('#')?;
    let pos = hash + line[hash..].find(MARK)?;
    let rest = &line[pos + MARK.len()..];
    let close = rest.find(']')?;
    let checks: Vec<String> = rest[..close]
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    // A comment alone on its line covers the next line; a trailing one, its own.
    let alone = line[..hash].trim().is_empty();
    Some(Suppression {
        file,
        at: Span::new(start + hash, start + line.trim_end().len()),
        covers: if alone {
            Span::new(end, next_end)
        } else {
            Span::new(start, end)
        },
        checks,
        used: false,
    })
}

/// Drops suppressed findings and adds one for each suppression that matched nothing.
pub fn apply(
    findings: Vec<Finding>,
    mut suppressions: Vec<Suppression>,
    sources: &SourceMap,
) -> Vec<Finding> {
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        let hit = suppressions.iter_mut().find(|s| {
            s.file == f.file
                && f.record.is_none()
                && s.covers.start <= f.span.start
                && f.span.start < s.covers.end.max(s.covers.start + 1)
                && s.checks.iter().any(|c| selects(c, f.check))
        });
        match hit {
            Some(s) => s.used = true,
            None => kept.push(f),
        }
    }
    for s in suppressions.into_iter().filter(|s| !s.used) {
        let unknown: Vec<&String> = s
            .checks
            .iter()
            .filter(|c| !registry::ALL.iter().any(|k| selects(c, k)))
            .collect();
        let help = if unknown.is_empty() {
            "remove it: the problem it silenced is gone".to_string()
        } else {
            format!(
                "no check is named {}",
                unknown
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let _ = sources;
        kept.push(
            Finding::new(
                &registry::UNUSED_SUPPRESSION,
                s.file,
                s.at,
                "this suppression suppresses nothing",
            )
            .label("unused")
            .help(help),
        );
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line-by-line reading this module had before it searched for the directive: every
    /// line split out and read.
    fn by_lines(text: &str, file: FileId) -> Vec<Suppression> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut out = Vec::new();
        let mut offset = 0;
        for (i, line) in lines.iter().enumerate() {
            let start = offset;
            offset += line.len();
            let next_end = offset + lines.get(i + 1).map_or(0, |l| l.len());
            out.extend(on_line(text, file, start..offset, next_end));
        }
        out
    }

    /// Lines built from the pieces a directive is made of, so that they meet often.
    fn line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            3 => Just("#".to_string()),
            2 => Just(" ".to_string()),
            4 => Just(MARK.to_string()),
            1 => Just("amlguard: ig".to_string()),
            3 => Just("]".to_string()),
            1 => Just(",".to_string()),
            1 => Just("AML101".to_string()),
            1 => Just("\r".to_string()),
            1 => Just("é".to_string()),
            1 => "[a-z:\\[ ]{0,4}",
        ];
        proptest::collection::vec(piece, 0..10).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        /// Searching for the directive finds what reading every line finds, the places
        /// byte for byte.
        #[test]
        fn the_search_finds_what_reading_each_line_finds(
            lines in proptest::collection::vec(line(), 0..8),
            last_newline in proptest::bool::ANY,
        ) {
            let mut text = lines.join("\n");
            if last_newline {
                text.push('\n');
            }
            proptest::prop_assert_eq!(from_comments(&text, FileId(3)), by_lines(&text, FileId(3)));
        }
    }

    /// A suppression drops the findings of its checks that start inside what it covers, and
    /// nothing else; a comment alone on the last line covers the end of the text.
    #[test]
    fn a_suppression_drops_only_its_checks_where_it_covers() {
        use crate::registry::{UNKNOWN_KEY, UNKNOWN_METRIC};
        let text = "a: 1 # amlguard: ignore[unknown-key]\nb: 2\n# amlguard: ignore[unknown-key]";
        let mut sources = SourceMap::new();
        let file = sources.add(crate::source::SourceFile::new("r.yaml", text));
        let line_two = text.find("b: 2").unwrap();
        let finding = |check, at: usize| Finding::new(check, file, Span::new(at, at), "m");
        let kept = apply(
            vec![
                finding(&UNKNOWN_KEY, 0),
                finding(&UNKNOWN_KEY, line_two - 1),
                finding(&UNKNOWN_METRIC, 2),
                finding(&UNKNOWN_KEY, line_two),
                finding(&UNKNOWN_KEY, text.len()),
            ],
            from_comments(text, file),
            &sources,
        );
        let places: Vec<_> = kept.iter().map(|f| (f.check.name, f.span.start)).collect();
        assert_eq!(places, [("unknown-metric", 2), ("unknown-key", line_two)]);
    }

    #[test]
    fn comments_cover_their_line_or_the_next() {
        let t = "a: 1\n# amlguard: ignore[unknown-metric] moved in Q3\nmetric: X\nb: 2 # amlguard: ignore[AML1, severity-out-of-range]\n";
        let s = from_comments(t, FileId(0));
        assert_eq!(s.len(), 2);
        assert_eq!(&t[s[0].covers.start..s[0].covers.end], "metric: X\n");
        assert_eq!(s[0].checks, ["unknown-metric"]);
        assert_eq!(
            &t[s[1].covers.start..s[1].covers.end],
            "b: 2 # amlguard: ignore[AML1, severity-out-of-range]\n"
        );
        assert_eq!(s[1].checks, ["AML1", "severity-out-of-range"]);
    }
}
