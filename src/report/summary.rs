//! The closing lines of human output: what was read and what was found.

use std::io::{self, Write};

use crate::audit::run::AuditSummary;
use crate::audit::tracker::human_duration;
use crate::linter;

use super::sanitize::text as clean;
use super::{End, Summary};

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Writes the summary of a run (nothing for [`Summary::None`]).
pub fn write(w: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
    match end.summary {
        Summary::Lint(s) => w.write_all(lint_line(s).as_bytes()),
        Summary::Audit(s) => audit(w, s),
        Summary::Test(s) => w.write_all(test_line(s).as_bytes()),
        Summary::None => Ok(()),
    }
}

/// `2 errors, 1 warning, 0 notes in 3 files (12 rules)`.
pub fn lint_line(s: &linter::Summary) -> String {
    let mut parts = Vec::new();
    if s.files > 0 || (s.conditions == 0 && s.queries == 0) {
        parts.push(plural(s.files, "file"));
    }
    if s.conditions > 0 {
        parts.push(plural(s.conditions, "condition"));
    }
    if s.queries > 0 {
        parts.push(format!(
            "{} {}",
            s.queries,
            if s.queries == 1 { "query" } else { "queries" }
        ));
    }
    let inputs = parts.join(", ");
    format!(
        "{}, {}, {} in {inputs} ({})\n",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note"),
        plural(s.rules, "rule")
    )
}

/// `5 alert tests: 4 passed, 1 failed in 2 test files`.
pub fn test_line(s: &crate::ruletest::TestSummary) -> String {
    format!(
        "{}: {} passed, {} failed in {}\n",
        plural(s.tests, "alert test"),
        s.passed,
        s.failed,
        plural(s.files, "test file")
    )
}

/// What an audit read, per lifecycle, and what it found.
fn audit(w: &mut dyn Write, s: &AuditSummary) -> io::Result<()> {
    writeln!(
        w,
        "{} records read in {}: {} audited, {} skipped; {} entities",
        s.records,
        plural(s.files, "file"),
        s.audited,
        s.skipped,
        s.entities
    )?;
    for (reason, n) in &s.skipped_by_reason {
        writeln!(w, "  skipped {n}: {}", clean(reason))?;
    }
    for (name, l) in &s.by_lifecycle {
        writeln!(
            w,
            "  {}: {} events, {} entities, {} open at the end",
            clean(name),
            l.events,
            l.entities,
            l.open_at_end
        )?;
        let dwell: Vec<String> = l
            .dwell
            .iter()
            .map(|(state, d)| {
                format!(
                    "{} p50 {} p95 {}",
                    clean(state),
                    human_duration(d.p50_seconds.unwrap_or(0)),
                    human_duration(d.p95_seconds.unwrap_or(0))
                )
            })
            .collect();
        if !dwell.is_empty() {
            writeln!(w, "    dwell: {}", dwell.join("; "))?;
        }
    }
    writeln!(
        w,
        "{}, {}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note")
    )
}

#[cfg(test)]
mod tests {
    use super::lint_line;
    use crate::linter::Summary;

    #[test]
    fn the_lint_line_names_what_was_linted() {
        let line = |files, conditions, queries, rules| {
            lint_line(&Summary {
                files,
                conditions,
                queries,
                rules,
                errors: 1,
                warnings: 2,
                notes: 0,
            })
        };
        let head = "1 error, 2 warnings, 0 notes in";
        assert_eq!(line(0, 0, 0, 0), format!("{head} 0 files (0 rules)\n"));
        assert_eq!(line(1, 0, 0, 3), format!("{head} 1 file (3 rules)\n"));
        // Conditions or queries alone: no "0 files".
        assert_eq!(line(0, 2, 0, 2), format!("{head} 2 conditions (2 rules)\n"));
        assert_eq!(line(0, 0, 1, 1), format!("{head} 1 query (1 rule)\n"));
        assert_eq!(
            line(2, 1, 3, 6),
            format!("{head} 2 files, 1 condition, 3 queries (6 rules)\n")
        );
    }
}
