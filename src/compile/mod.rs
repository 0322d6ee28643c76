//! Lifecycles compiled to queries: the audit where the logs live. A lifecycle spec becomes one
//! intermediate form ([`ir::Plan`]); each dialect prints it as one query (for Spark, a script of
//! cached stages and a last query) that returns one row per finding, with the fields of
//! `audit --format json`: Spark SQL over the diagnostic-settings archive ([`spark`]), KQL over
//! the Log Analytics tables ([`kql`]). [`alert`] wraps the KQL as a scheduled query rule.

pub mod alert;
pub mod ir;
pub mod kql;
pub mod spark;

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
