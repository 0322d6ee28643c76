//! GitHub workflow commands: `::error file=F,line=L,col=C,endLine=…,endColumn=…,title=T::message`.
//! GitHub shows at most 10 errors and 10 warnings per step; SARIF is the complete channel.

use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

use super::position;
use super::sarif::relative_uri;

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

pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let file = relative_uri(sources.get(f.file).name());
        let loc = match &f.record {
            Some(r) => format!("line={}", r.line),
            None => {
                let p = position(sources, f);
                format!(
                    "line={},col={},endLine={},endColumn={}",
                    p.line, p.column, p.end_line, p.end_column
                )
            }
        };
        let mut msg = f.message.clone();
        if let Some(h) = &f.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::{kind} file={},{loc},title={}::{}\n",
            property(&file),
            property(&format!("{} {}", f.check.code, f.check.name)),
            data(&msg)
        ));
    }
    out
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
