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

/// The comment suppressions of a text file.
pub fn from_comments(text: &str, file: FileId) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let start = offset;
        offset += line.len();
        let Some(hash) = line.find('#') else { continue };
        let Some(pos) = line[hash..].find(MARK).map(|p| hash + p) else {
            continue;
        };
        let rest = &line[pos + MARK.len()..];
        let Some(close) = rest.find(']') else {
            continue;
        };
        let checks: Vec<String> = rest[..close]
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let at = Span::new(start + hash, start + line.trim_end().len());
        // A comment alone on its line covers the next line; a trailing one, its own.
        let alone = line[..hash].trim().is_empty();
        let covers = if alone {
            let next_start = offset;
            let next_end = next_start + lines.get(i + 1).map_or(0, |l| l.len());
            Span::new(next_start, next_end)
        } else {
            Span::new(start, offset)
        };
        out.push(Suppression {
            file,
            at,
            covers,
            checks,
            used: false,
        });
    }
    out
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
