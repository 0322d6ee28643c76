//! The one finding model every check and reader produces, and every renderer consumes.

use std::fmt;

use serde::Serialize;

use crate::registry::CheckInfo;
use crate::source::{FileId, Span};

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

/// Findings counted by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location shown with a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub text: String,
}

/// Where in a log dump an audit finding was made: dumps are not kept in memory, so the
/// location is carried with the finding (a record's line span and bytes), and the finding
/// names the entity and the transition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordContext {
    pub line: u64,
    /// Where the finding lies in the dump, past `line`; all zero when only the line is known.
    pub at: RecordPos,
    pub lifecycle: Option<String>,
    pub entity: Option<String>,
    pub time: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A place in a dump, as read (the decompressed text of a gzip file, without a byte-order
/// mark): 1-based columns in characters, the end column exclusive, byte offset and length.
/// A record spans from column 1 of its first line to the end of its last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RecordPos {
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
    pub offset: u64,
    pub length: u64,
}

/// A record's line, and its place when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RecordAt {
    pub line: u64,
    pub pos: RecordPos,
}

impl RecordAt {
    /// Where only the line is known.
    pub fn line(line: u64) -> Self {
        RecordAt {
            line,
            pos: RecordPos::default(),
        }
    }

    /// A context at this record, to be completed with the entity and transition.
    pub fn context(self) -> RecordContext {
        RecordContext {
            line: self.line,
            at: self.pos,
            ..RecordContext::default()
        }
    }
}

/// One problem found in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: &'static CheckInfo,
    pub severity: Severity,
    pub message: String,
    pub file: FileId,
    pub span: Span,
    /// Text shown under the primary span.
    pub label: String,
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// The catalog source (or sources) the finding rests on, e.g. `seed`.
    pub source: Option<String>,
    /// Set for findings about a record of a log dump.
    pub record: Option<Box<RecordContext>>,
}

impl Finding {
    pub fn new(
        check: &'static CheckInfo,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            check,
            severity: check.severity,
            message: message.into(),
            file,
            span,
            label: String::new(),
            related: Vec::new(),
            help: None,
            source: None,
            record: None,
        }
    }

    /// Attaches the dump record this finding is about.
    pub fn at_record(mut self, record: RecordContext) -> Self {
        self.record = Some(Box::new(record));
        self
    }

    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    pub fn maybe_help(mut self, text: Option<String>) -> Self {
        if text.is_some() {
            self.help = text;
        }
        self
    }

    pub fn related(mut self, file: FileId, span: Span, text: impl Into<String>) -> Self {
        self.related.push(Label {
            file,
            span,
            text: text.into(),
        });
        self
    }

    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }
}

/// Collects findings for one file.
#[derive(Debug)]
pub struct Sink {
    pub file: FileId,
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn new(file: FileId) -> Self {
        Sink {
            file,
            findings: Vec::new(),
        }
    }

    /// Starts a finding in this sink's file; push it with [`Sink::push`].
    pub fn at(&self, check: &'static CheckInfo, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(check, self.file, span, message)
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}
