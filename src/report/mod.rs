//! Renderers: one per output format; no check prints anything itself.
//!
//! Every format is an [`Emitter`]: it is given the findings one at a time, as they are ready,
//! and writes each straight to a `&mut dyn Write`, so no format holds the whole output in
//! memory. [`Stream`] sits in front of the emitter: it counts findings by severity and folds
//! repeated findings of one kind into a single summary finding past `max_repeats`
//! ([`aggregate`]), which bounds the output (and the memory) whatever the number of findings.
//! All input text goes through [`sanitize`] on its way out.

pub mod aggregate;
pub mod azure;
pub mod github;
pub mod human;
pub mod json;
pub mod sanitize;
pub mod sarif;
pub mod snippet;
pub mod summary;

use std::io::{self, Write};

use crate::audit::run::AuditSummary;
use crate::finding::{Finding, Severity};
use crate::inputs::InputError;
use crate::linter;
use crate::source::SourceMap;

/// The output formats of `lint` and `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Azure,
}

/// How findings are shown.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub color: bool,
    /// Findings of one kind shown with their evidence before the rest are folded into one
    /// summary finding; `0` shows all.
    pub max_repeats: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            color: false,
            max_repeats: aggregate::DEFAULT_MAX_REPEATS,
        }
    }
}

/// What a run ends with: its summary and the inputs that could not be read.
#[derive(Debug, Clone, Copy)]
pub enum Summary<'a> {
    Lint(&'a linter::Summary),
    Audit(&'a AuditSummary),
    /// Rule unit tests (`amlguard test`).
    Test(&'a crate::ruletest::TestSummary),
    /// Findings only, no summary line (catalog and lifecycle file problems, `fmt-condition`).
    None,
}

/// The end of a run, given to [`Emitter::end`].
#[derive(Debug, Clone, Copy)]
pub struct End<'a> {
    pub summary: Summary<'a>,
    pub input_errors: &'a [InputError],
    /// Findings folded away by [`aggregate`] (already announced by a summary finding each).
    pub folded: u64,
}

/// One output format. Every method writes to `w` and returns its I/O error, if any.
pub trait Emitter {
    /// Before the first finding (a document's opening, the SARIF rules).
    fn begin(&mut self, _w: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    /// One finding, as soon as it is ready.
    fn finding(&mut self, w: &mut dyn Write, sources: &SourceMap, f: &Finding) -> io::Result<()>;
    /// After the last finding: the summary and the document's closing.
    fn end(&mut self, w: &mut dyn Write, end: &End<'_>) -> io::Result<()>;
}

/// The emitter for a format.
pub fn emitter(format: Format, options: &Options) -> Box<dyn Emitter> {
    match format {
        Format::Human => Box::new(human::Human::new(options.color)),
        Format::Json => Box::new(json::Json::default()),
        Format::Sarif => Box::new(sarif::Sarif::default()),
        Format::Github => Box::new(github::Github),
        Format::Azure => Box::new(azure::Azure),
    }
}

/// Findings on their way out: counted, folded past the repeat limit, written by one emitter.
pub struct Stream<'w> {
    out: &'w mut dyn Write,
    emitter: Box<dyn Emitter>,
    folder: aggregate::Folder,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl<'w> Stream<'w> {
    /// Starts the output (writes the emitter's opening).
    pub fn new(
        out: &'w mut dyn Write,
        format: Format,
        options: &Options,
    ) -> io::Result<Stream<'w>> {
        let mut emitter = emitter(format, options);
        emitter.begin(out)?;
        Ok(Stream {
            out,
            emitter,
            folder: aggregate::Folder::new(options.max_repeats),
            errors: 0,
            warnings: 0,
            notes: 0,
        })
    }

    /// Counts a finding and writes it unless it is one too many of its kind.
    pub fn finding(&mut self, sources: &SourceMap, f: &Finding) -> io::Result<()> {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
        if self.folder.admit(sources, f) {
            self.emitter.finding(self.out, sources, f)?;
        }
        Ok(())
    }

    /// Writes every finding of a slice.
    pub fn findings(&mut self, sources: &SourceMap, findings: &[Finding]) -> io::Result<()> {
        findings.iter().try_for_each(|f| self.finding(sources, f))
    }

    /// Writes the summary findings of what was folded, then the emitter's closing.
    pub fn end(
        mut self,
        sources: &SourceMap,
        summary: Summary<'_>,
        input_errors: &[InputError],
    ) -> io::Result<()> {
        let folded = self.folder.folded();
        for f in self.folder.summaries(sources) {
            self.emitter.finding(self.out, sources, &f)?;
        }
        self.emitter.end(
            self.out,
            &End {
                summary,
                input_errors,
                folded,
            },
        )?;
        self.out.flush()
    }
}

/// Writes a list of findings with no summary (to stderr, for problems in catalog or
/// lifecycle files found by commands whose output is something else).
pub fn write_findings(
    w: &mut dyn Write,
    sources: &SourceMap,
    findings: &[Finding],
    color: bool,
) -> io::Result<()> {
    let options = Options {
        color,
        max_repeats: 0,
    };
    let mut stream = Stream::new(w, Format::Human, &options)?;
    stream.findings(sources, findings)?;
    stream.end(sources, Summary::None, &[])
}

/// A finding's position as 1-based line/column; the end is exclusive (the position just after
/// the last character), as SARIF and editors count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Where a finding is: its span's position, or for a dump record its line.
pub fn position(sources: &SourceMap, f: &Finding) -> Position {
    if let Some(r) = &f.record {
        let n = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        let line = n(r.line);
        return if r.at.end_line == 0 {
            Position {
                line,
                column: 1,
                end_line: line,
                end_column: 1,
            }
        } else {
            Position {
                line,
                column: n(r.at.column.max(1)),
                end_line: n(r.at.end_line),
                end_column: n(r.at.end_column),
            }
        };
    }
    let file = sources.get(f.file);
    let start = file.line_col(f.span.start);
    let end = file.line_col(f.span.end.max(f.span.start));
    Position {
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::RecordContext;
    use crate::source::{SourceFile, Span};
    use proptest::prelude::*;

    const FORMATS: [Format; 5] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Azure,
    ];

    /// Renders one finding made of `name`, `text` and `value` in every format.
    fn render_all(name: &str, text: &str, value: &str, at: usize) -> Vec<(Format, String)> {
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new(name, text));
        let at = at.min(text.len());
        let check = &crate::registry::ALL[0];
        let plain = Finding::new(check, id, Span::new(at, text.len()), value)
            .label(value)
            .help(value)
            .related(id, Span::new(0, at), value)
            .source(value);
        let record = Finding::new(check, id, Span::default(), value).at_record(RecordContext {
            line: 3,
            at: Default::default(),
            lifecycle: Some(value.into()),
            entity: Some(value.into()),
            time: Some(value.into()),
            from: Some(value.into()),
            to: Some(value.into()),
        });
        FORMATS
            .iter()
            .map(|&format| {
                let mut out = Vec::new();
                let mut stream = Stream::new(&mut out, format, &Options::default()).unwrap();
                stream.finding(&sources, &plain).unwrap();
                stream.finding(&sources, &record).unwrap();
                stream.end(&sources, Summary::None, &[]).unwrap();
                (format, String::from_utf8(out).unwrap())
            })
            .collect()
    }

    fn hostile() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "(::error::x|\n::add-mask::y|##vso\\[task.complete]|\u{1b}\\]0;t\u{7}|\u{202e}|\u{200b}|\r|\0|%|;|\\]|:|,| |a){0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn no_format_lets_input_command_a_terminal_or_a_ci_log(
            name in hostile(),
            text in hostile(),
            value in hostile(),
            at in 0usize..64,
        ) {
            for (format, out) in render_all(&name, &text, &value, at) {
                prop_assert!(!out.chars().any(|c| c != '\n' && sanitize::is_hidden(c)), "{format:?}: {out:?}");
                for line in out.lines() {
                    let t = line.trim_start();
                    match format {
                        Format::Github => prop_assert!(
                            !t.starts_with("::") || t.starts_with("::error file=") || t.starts_with("::warning file=") || t.starts_with("::notice file="),
                            "{line:?}"
                        ),
                        _ => prop_assert!(!t.starts_with("::"), "{format:?}: {line:?}"),
                    }
                    let vso = line.matches("##vso[").count();
                    match format {
                        Format::Azure => prop_assert!(vso == 1 && line.starts_with("##vso[task.logissue ") && line.matches(']').count() == 1, "{line:?}"),
                        _ => prop_assert_eq!(vso, 0, "{:?}: {:?}", format, line),
                    }
                }
                if matches!(format, Format::Json | Format::Sarif) {
                    prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "{out}");
                }
            }
        }
    }
}
