//! amlguard: lint Azure Machine Learning alert rules against the documented metrics and
//! dimensions, and audit Azure ML event streams against their lifecycles.
//!
//! The library does all the work; the `amlguard` binary only parses arguments and maps the
//! outcome to an exit code. Entry points: [`linter::lint_paths`], [`catalog::Catalog`],
//! [`registry::ALL`].

pub mod audit;
pub mod backtest;
pub mod catalog;
pub mod cli;
pub mod compile;
pub mod condition;
pub mod config;
pub mod coverage;
pub mod derive;
pub mod duration;
pub mod engine;
pub mod evaluate;
pub mod finding;
pub mod generate;
pub mod inputs;
pub mod kql;
pub mod lifecycle;
pub mod lint;
pub mod linter;
pub mod model;
pub mod policy;
pub mod registry;
pub mod report;
pub mod rules;
pub mod ruletest;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod vocab;
pub mod yaml;
