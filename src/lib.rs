//! amlguard: lint Azure Machine Learning alert rules and audit Azure ML event streams.
pub mod catalog;
pub mod finding;
pub mod registry;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod vocab;
pub mod yaml;
pub mod duration;
pub mod lint;
pub mod rules;
