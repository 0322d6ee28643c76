//! Lifecycles compiled to queries: the audit where the logs live. A lifecycle spec becomes one
//! intermediate form ([`ir::Plan`]); each dialect prints it as one query (for Spark, a script of
//! cached stages and a last query) that returns one row per finding, with the fields of
//! `audit --format json`: Spark SQL over the diagnostic-settings archive ([`spark`]), KQL over
//! the Log Analytics tables ([`kql`]). [`alert`] wraps the KQL as a scheduled query rule.

pub mod alert;
pub mod ir;
pub mod kql;
pub mod spark;

use std::borrow::Cow;

use crate::lifecycle::Lifecycles;

pub use ir::{Options, Plan, Refused};

/// The query languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Spark,
    Kql,
}

/// Compiles lifecycles `which` (indices into `lifecycles`) into one query.
pub fn compile(
    lifecycles: &Lifecycles,
    which: &[usize],
    options: Options,
    dialect: Dialect,
) -> Result<String, Refused> {
    let plan = ir::plan(lifecycles, which, options)?;
    match dialect {
        Dialect::Spark => Ok(spark::compile(&plan)),
        Dialect::Kql => kql::compile(
            &plan,
            &crate::kql::Schemas::from_catalog(&crate::catalog::Catalog::builtin()),
        ),
    }
}

/// Text from a lifecycle spec (a name, a category, a field) made safe inside a one-line comment
/// of a generated query: a control character, a newline above all, would end the comment and
/// let the rest of the text run as a statement, so each is written as an escape (`\u{a}`).
pub(crate) fn in_comment(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// `text` as a one-line string literal between `quote`s, in the backslash-escape syntax that
/// Spark SQL, KQL and Bicep share: the quote, `\`, newline, carriage return and tab escaped,
/// and each character of `also` too (Bicep's `$`, which would start an interpolation).
pub(crate) fn quoted(text: &str, quote: char, also: &[char]) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote || also.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
