//! Human output: each finding as a miette report with the source snippet, a caret label on the
//! exact span, related locations and a help line; then a summary line.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::finding::{Finding, Severity};
use crate::linter::Summary;
use crate::source::SourceMap;

use super::position;

/// A finding adapted to miette.
struct Adapter<'a> {
    finding: &'a Finding,
    source: NamedSource<Arc<str>>,
    code: String,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Adapter<'_> {}

impl Diagnostic for Adapter<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn span(s: crate::source::Span) -> SourceSpan {
    SourceSpan::new(s.start.into(), s.len())
}

/// Renders findings and the summary line as text.
pub fn render(sources: &SourceMap, findings: &[Finding], summary: &Summary, color: bool) -> String {
    let mut out = render_findings(sources, findings, color);
    out.push_str(&summary_line(summary));
    out
}

/// Renders findings as text.
pub fn render_findings(sources: &SourceMap, findings: &[Finding], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for f in findings {
        let file = sources.get(f.file);
        if let Some(r) = &f.record {
            record_finding(&mut out, file.name(), f, r, color);
            continue;
        }
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            (!f.label.is_empty()).then(|| f.label.clone()),
            span(f.span),
        )];
        let mut elsewhere = Vec::new();
        for r in &f.related {
            if r.file == f.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(r.text.clone()),
                    span(r.span),
                ));
            } else {
                let other = sources.get(r.file);
                let lc = other.line_col(r.span.start);
                elsewhere.push(format!(
                    "{}: {}:{}:{}",
                    r.text,
                    other.name(),
                    lc.line,
                    lc.column
                ));
            }
        }
        let mut help = f.help.clone();
        if !elsewhere.is_empty() {
            let joined = elsewhere.join("; ");
            help = Some(match help {
                Some(h) => format!("{h}\n{joined}"),
                None => joined,
            });
        }
        if let Some(source) = &f.source {
            let line = format!("source: {source}");
            help = Some(match help {
                Some(h) => format!("{h}\n{line}"),
                None => line,
            });
        }
        let adapter = Adapter {
            finding: f,
            source: NamedSource::new(file.name(), file.shared_text()).with_language("yaml"),
            code: format!("{}({})", f.check.code, f.check.name),
            labels,
            help,
        };
        if handler.render_report(&mut out, &adapter).is_err() {
            // Rendering into a String cannot fail in practice; fall back to one line.
            let p = position(sources, f);
            out.push_str(&format!(
                "{}:{}:{}: {} {}: {}\n",
                file.name(),
                p.line,
                p.column,
                f.severity,
                f.check.code,
                f.message
            ));
        }
    }
    out
}

/// A finding about a record of a dump: no snippet (dumps are not kept), but the file, line,
/// entity, time and transition.
fn record_finding(
    out: &mut String,
    file: &str,
    f: &Finding,
    r: &crate::finding::RecordContext,
    color: bool,
) {
    let (glyph, paint) = match f.severity {
        Severity::Error => ("×", "\x1b[31m"),
        Severity::Warning => ("⚠", "\x1b[33m"),
        Severity::Note => ("☞", "\x1b[36m"),
    };
    let (on, off) = if color { (paint, "\x1b[0m") } else { ("", "") };
    out.push_str(&format!("{}({})\n\n", f.check.code, f.check.name));
    out.push_str(&format!("  {on}{glyph}{off} {}\n", f.message));
    let mut at = format!("   ╰─[{file}:{}]", r.line);
    if let Some(t) = &r.time {
        at.push_str(&format!(" at {t}"));
    }
    out.push_str(&at);
    out.push('\n');
    if let Some(h) = &f.help {
        out.push_str(&format!("  help: {h}\n"));
    }
    if let Some(s) = &f.source {
        out.push_str(&format!("  source: {s}\n"));
    }
}

/// `2 errors, 1 warning, 0 notes in 3 files (12 rules)`.
pub fn summary_line(s: &Summary) -> String {
    fn plural(n: usize, word: &str) -> String {
        format!("{n} {word}{}", if n == 1 { "" } else { "s" })
    }
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
