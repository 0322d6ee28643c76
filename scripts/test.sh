#!/usr/bin/env bash
# The test suite, from a fresh clone: installs what the tests need beyond Rust (Microsoft's KQL
# analyser, for the KQL differential tests, with `npm ci`; pyspark, for the native-vs-Spark
# differential tests, with pip), then runs every test. Arguments are
# passed to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-setup.sh
cargo test "$@"
