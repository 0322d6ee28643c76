//! Engines other than the native streaming audit. [`spark`] runs the compiled Spark SQL audit
//! on Spark (any master: `local[*]` on a laptop, a cluster's URL) with the driver script
//! shipped inside the binary, and brings its rows back as findings.

pub mod spark;
