//! Rule unit tests (`amlguard test`), in the spirit of `promtool test rules`: a YAML file names
//! rule files, gives input series per metric and dimension values in a compact notation, and
//! states which alerts must be open at which evaluation times. The rules are evaluated by
//! [`crate::evaluate`], the same engine as `amlguard backtest`.
//!
//! Everything a user sees is a [`Finding`](crate::finding::Finding): a malformed test file gets
//! located diagnostics (AML801–AML806 and the shared input checks), and a failing alert test is
//! an `alert-test-failed` finding at its `eval_time`, with the difference between the expected
//! and the actual alerts as its help.

pub mod file;
mod run;
pub mod series;

pub use run::{ActualAlert, CaseOutcome, TestSummary, run_file, test_paths};
