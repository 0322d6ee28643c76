//! The KQL parser's instructions a query, which the machine's load does not move: parses the
//! mix of `benches/kql.rs` N times (default 200) for callgrind to count.
//!
//!     cargo bench --bench kql_instructions --no-run
//!     valgrind --tool=callgrind target/release/deps/kql_instructions-* 200
//!     valgrind --tool=callgrind target/release/deps/kql_instructions-* 0
//!
//! The difference of the two totals over 200 × 8 is the instructions a query.

use amlguard::kql;

#[path = "support/kql_mix.rs"]
mod kql_mix;
use kql_mix::MIX;

fn main() {
    // `cargo bench` passes `--bench`: the first argument that is a number is the count.
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    let mut lets = 0;
    for _ in 0..rounds {
        for q in MIX {
            lets += kql::parse(std::hint::black_box(q)).query.lets.len();
        }
    }
    println!("{lets}");
}
