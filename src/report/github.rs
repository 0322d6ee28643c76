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
        assert_eq!(data("a\rb\r\nc"), "a%0Db%0D%0Ac");
        // `%` first: an escape already in the text stays text.
        assert_eq!(data("%0D%0A"), "%250D%250A");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(property("x\r:y\n,%"), "x%0D%3Ay%0A%2C%25");
    }

    /// How the Actions runner reads an escaped value back (`%25`, `%0D`, `%0A`, `%3A`, `%2C`),
    /// written from the workflow-command documentation, not from [`data`].
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let (c, n) = match rest.get(i + 1..i + 3) {
                Some("25") => ('%', 3),
                Some("0D") => ('\r', 3),
                Some("0A") => ('\n', 3),
                Some("3A") => (':', 3),
                Some("2C") => (',', 3),
                _ => ('%', 1),
            };
            out.push(c);
            rest = &rest[i + n..];
        }
        out + rest
    }

    proptest::proptest! {
        /// An escaped value is one line the runner reads back as the original text; a property
        /// also holds no `:` or `,` that would end it.
        #[test]
        fn escaping_is_one_line_and_reversible(s in "(\r|\n|%|:|,|0|A|D|2|5|C|3|a| ){0,24}") {
            let d = data(&s);
            proptest::prop_assert!(!d.contains(['\r', '\n']), "{:?}", d);
            proptest::prop_assert_eq!(unescape(&d), s.clone());
            let p = property(&s);
            proptest::prop_assert!(!p.contains(['\r', '\n', ':', ',']), "{:?}", p);
            proptest::prop_assert_eq!(unescape(&p), s);
        }
    }
}
