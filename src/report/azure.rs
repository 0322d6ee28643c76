//! Azure Pipelines logging commands:
//! `##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=X]message`.
//!
//! Azure runs a logging command found anywhere in a line, and reads properties up to `;` and
//! the command up to `]`. Input text is sanitised ([`super::sanitize`]: control characters
//! visible, `##vso[` broken up), then escaped the way the agent unescapes it (`%` → `%AZP25`,
//! `;` → `%3B`, CR → `%0D`, LF → `%0A`, `]` → `%5D`), so data can neither end the command nor
//! start another. Reference: "Logging commands", Azure Pipelines documentation,
//! <https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands>.
//! Azure Pipelines shows at most 10 errors and 10 warnings per task in its summary; the log
//! has them all.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

use super::sanitize::text as clean;
use super::sarif::relative_uri;
use super::{Emitter, End, position};

/// Escapes a property value or the message as the agent unescapes it.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%AZP25"),
            ';' => out.push_str("%3B"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    out
}

/// The `--format azure` emitter.
pub struct Azure;

impl Emitter for Azure {
    fn finding(&mut self, w: &mut dyn Write, sources: &SourceMap, f: &Finding) -> io::Result<()> {
        // Azure knows errors and warnings only; a note is shown as a warning.
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning | Severity::Note => "warning",
        };
        let file = relative_uri(sources.get(f.file).name());
        let p = position(sources, f);
        let mut msg = format!("{} {}: {}", f.check.code, f.check.name, clean(&f.message));
        if let Some(h) = &f.help {
            msg.push_str("\nhelp: ");
            msg.push_str(&clean(h));
        }
        write!(
            w,
            "##vso[task.logissue type={kind};sourcepath={};linenumber={}",
            escape(&clean(&file)),
            p.line
        )?;
        if f.record.as_ref().is_none_or(|r| r.at.end_line != 0) {
            write!(w, ";columnnumber={}", p.column)?;
        }
        writeln!(w, ";code={}]{}", f.check.code, escape(&msg))
    }

    fn end(&mut self, _w: &mut dyn Write, _end: &End<'_>) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_agent_unescapes() {
        assert_eq!(escape("50%;a]\r\nb"), "50%AZP25%3Ba%5D%0D%0Ab");
    }
}
