//! GitHub workflow commands: `::error file=F,line=L,col=C,endLine=…,endColumn=…,title=T::message`.
//! GitHub shows at most 10 errors and 10 warnings per step; SARIF is the complete channel.
//!
//! Input text is sanitised first ([`super::sanitize`]: ESC and every other control character
//! becomes visible `\u{…}`), then escaped as the runner requires (`%`, CR, LF; `:` and `,` in
//! properties), so that a value can neither end the command nor start another.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

use super::sanitize::text as clean;
use super::sarif::relative_uri;
use super::{Emitter, End, position};

/// Escapes the message part (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The `--format github` emitter.
pub struct Github;

impl Emitter for Github {
    fn finding(&mut self, w: &mut dyn Write, sources: &SourceMap, f: &Finding) -> io::Result<()> {
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let file = relative_uri(sources.get(f.file).name());
        let p = position(sources, f);
        let loc = if f.record.as_ref().is_some_and(|r| r.at.end_line == 0) {
            format!("line={}", p.line)
        } else {
            format!(
                "line={},col={},endLine={},endColumn={}",
                p.line, p.column, p.end_line, p.end_column
            )
        };
        let mut msg = clean(&f.message).into_owned();
        if let Some(h) = &f.help {
            msg.push_str("\nhelp: ");
            msg.push_str(&clean(h));
        }
        writeln!(
            w,
            "::{kind} file={},{loc},title={}::{}",
            property(&clean(&file)),
            property(&format!("{} {}", f.check.code, f.check.name)),
            data(&msg)
        )
    }

    fn end(&mut self, _w: &mut dyn Write, _end: &End<'_>) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_requires() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
