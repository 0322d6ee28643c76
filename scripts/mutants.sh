#!/usr/bin/env bash
# Mutation testing with cargo-mutants over the modules whose facts and logic the tests must
# pin: the linter, the audit, the catalog, the lifecycles, the reports and the readers. Not
# run in CI: over these modules it takes hours on two cores. See tests/MUTANTS.md.
#
#   scripts/mutants.sh                        # every module below
#   scripts/mutants.sh -f src/duration.rs     # one file (any cargo-mutants options pass through)
#
# Results land in mutants.out/ (caught.txt, missed.txt, timeout.txt, unviable.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
    cargo install cargo-mutants --locked
fi

if [ "$#" -gt 0 ]; then
    exec cargo mutants --no-shuffle "$@"
fi

files=()
for f in src/lint src/lint.rs src/linter.rs src/audit src/audit.rs src/catalog src/catalog.rs \
    src/lifecycle src/lifecycle.rs src/report src/report.rs src/rules src/yaml.rs \
    src/duration.rs src/source.rs; do
    if [ -d "$f" ]; then
        files+=(-f "$f/**/*.rs")
    elif [ -f "$f" ]; then
        files+=(-f "$f")
    fi
done
exec cargo mutants --no-shuffle --jobs "${MUTANTS_JOBS:-1}" "${files[@]}"
