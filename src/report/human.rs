//! Human output: each finding as a miette report with the source snippet, a caret label on the
//! exact span, related locations and a help line; then a summary. Findings are written one by
//! one as they arrive; the snippet is cut out of the file per finding ([`super::snippet`]), so
//! the cost of a finding does not depend on the size of its file. All input text is sanitised.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use crate::finding::{Finding, RecordContext, Severity};
use crate::source::SourceMap;

use super::sanitize::text as clean;
use super::snippet::{MAX_LINES_APART, Mark, Snippet};
use super::{Emitter, End, position, summary};

/// A finding adapted to miette, its text already sanitised.
struct Adapter {
    message: String,
    severity: Severity,
    source: Option<Snippet>,
    code: Option<String>,
    help: Option<String>,
}

impl fmt::Debug for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Adapter {}

impl Diagnostic for Adapter {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
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
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        Some(Box::new(source.labels.iter().map(|(span, _, m)| {
            if m.primary {
                LabeledSpan::new_primary_with_span(m.text.clone(), *span)
            } else {
                LabeledSpan::new_with_span(m.text.clone(), *span)
            }
        })))
    }
}

/// The human emitter.
pub struct Human {
    handler: GraphicalReportHandler,
    color: bool,
    buf: String,
}

impl Human {
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // No wrapping: a wrapped line could start with input text (`::…`), and wrapping a
        // 1 MB message costs more than it helps.
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_context_lines(1)
            .with_wrap_lines(false);
        Human {
            handler,
            color,
            buf: String::new(),
        }
    }
}

impl Emitter for Human {
    fn finding(&mut self, w: &mut dyn Write, sources: &SourceMap, f: &Finding) -> io::Result<()> {
        if let Some(r) = &f.record {
            return record_finding(w, sources.get(f.file).name(), f, r, self.color);
        }
        let file = sources.get(f.file);
        let primary_line = file.line_col(f.span.start).line;
        let mut marks = vec![Mark {
            span: f.span,
            text: (!f.label.is_empty()).then(|| clean(&f.label).into_owned()),
            primary: true,
        }];
        let mut elsewhere = Vec::new();
        for r in &f.related {
            let other = sources.get(r.file);
            let lc = other.line_col(r.span.start);
            if r.file == f.file && lc.line.abs_diff(primary_line) <= MAX_LINES_APART {
                marks.push(Mark {
                    span: r.span,
                    text: Some(clean(&r.text).into_owned()),
                    primary: false,
                });
            } else {
                elsewhere.push(format!(
                    "{}: {}:{}:{}",
                    clean(&r.text),
                    clean(other.name()),
                    lc.line,
                    lc.column
                ));
            }
        }
        let mut help: Vec<String> = Vec::new();
        if let Some(h) = &f.help {
            // Line by line: a help of several lines (a test's diff) keeps its line breaks,
            // and every line is escaped on its own.
            help.push(h.lines().map(clean).collect::<Vec<_>>().join("\n"));
        }
        if !elsewhere.is_empty() {
            help.push(elsewhere.join("; "));
        }
        if let Some(source) = &f.source {
            help.push(format!("source: {}", clean(source)));
        }
        let adapter = Adapter {
            message: clean(&f.message).into_owned(),
            severity: f.severity,
            source: Some(Snippet::new(file, marks)),
            code: Some(format!("{}({})", f.check.code, f.check.name)),
            help: (!help.is_empty()).then(|| help.join("\n")),
        };
        self.buf.clear();
        if self.handler.render_report(&mut self.buf, &adapter).is_err() {
            // Rendering into a String fails only if the snippet cannot be read; one line then.
            let p = position(sources, f);
            self.buf.clear();
            self.buf.push_str(&format!(
                "{}:{}:{}: {} {}: {}\n",
                clean(file.name()),
                p.line,
                p.column,
                f.severity,
                f.check.code,
                adapter.message
            ));
        }
        w.write_all(self.buf.as_bytes())
    }

    fn end(&mut self, w: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        summary::write(w, end)
    }
}

/// An error in one of the tool's own inputs (a configuration file), shown like a finding: the
/// message, and when the place is known a clipped, sanitised snippet with a label.
pub fn write_located(
    w: &mut dyn Write,
    file: &crate::source::SourceFile,
    span: Option<crate::source::Span>,
    message: &str,
    label: &str,
    color: bool,
) -> io::Result<()> {
    let human = Human::new(color);
    let adapter = Adapter {
        message: clean(message).into_owned(),
        severity: Severity::Error,
        source: span.map(|span| {
            Snippet::new(
                file,
                vec![Mark {
                    span,
                    text: Some(clean(label).into_owned()),
                    primary: true,
                }],
            )
        }),
        code: None,
        help: None,
    };
    let mut buf = String::new();
    if human.handler.render_report(&mut buf, &adapter).is_err() {
        buf = format!("error: {}\n", adapter.message);
    }
    w.write_all(buf.as_bytes())
}

/// A finding about a record of a dump: no snippet (dumps are not kept), but the file, line,
/// entity, time and transition.
fn record_finding(
    w: &mut dyn Write,
    file: &str,
    f: &Finding,
    r: &RecordContext,
    color: bool,
) -> io::Result<()> {
    let (glyph, paint) = match f.severity {
        Severity::Error => ("×", "\x1b[31m"),
        Severity::Warning => ("⚠", "\x1b[33m"),
        Severity::Note => ("☞", "\x1b[36m"),
    };
    let (on, off) = if color { (paint, "\x1b[0m") } else { ("", "") };
    writeln!(w, "{}({})\n", f.check.code, f.check.name)?;
    writeln!(w, "  {on}{glyph}{off} {}", clean(&f.message))?;
    if r.at.end_line == 0 {
        write!(w, "   ╰─[{}:{}]", clean(file), r.line)?;
    } else {
        write!(
            w,
            "   ╰─[{}:{}:{}]",
            clean(file),
            r.line,
            r.at.column.max(1)
        )?;
    }
    if let Some(t) = &r.time {
        write!(w, " at {}", clean(t))?;
    }
    writeln!(w)?;
    if let Some(h) = &f.help {
        writeln!(w, "  help: {}", clean(h))?;
    }
    if let Some(s) = &f.source {
        writeln!(w, "  source: {}", clean(s))?;
    }
    Ok(())
}
