//! KQL, the query language of Azure Monitor log alerts: a syntax tree with byte spans on every
//! node, a parser that never fails on a valid query, a printer, and checks of a query against
//! the Azure ML table schemas.
//!
//! The normative grammar, and every place where this parser accepts less than Microsoft's, is
//! `grammar/kql.ebnf`.

pub mod ast;
mod check;
mod lex;
mod parse;
mod print;
mod schema;

pub use crate::model::SpanMap;
pub use check::{Analysis, OutputColumn, TableRead, analyse_query, check_query};
pub use parse::{Parsed, SyntaxError, parse};
pub use print::{print, quote};
pub use schema::{KnownValues, Schemas, TableSchema};

#[cfg(test)]
mod tests;
