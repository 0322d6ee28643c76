#!/usr/bin/env bash
# A short fuzz run of every target under fuzz/, so that a parser regression is caught on the
# next push. Each target starts from its seed corpus, fuzz/seeds/<target>/ (kept in the
# repository; a target without one starts empty), copied to a scratch directory so the run
# never grows the repository. A crash leaves its input in fuzz/artifacts/<target>/ and fails.
#
#   scripts/fuzz-smoke.sh                 # every target, FUZZ_SECONDS (default 20) each
#   FUZZ_SECONDS=300 scripts/fuzz-smoke.sh condition rule_file
#   FUZZ_RUNS=20000 scripts/fuzz-smoke.sh  # every target for exactly 20,000 inputs
#   FUZZ_SANITIZER=none scripts/fuzz-smoke.sh  # without AddressSanitizer (what CI runs)
#
# With FUZZ_RUNS a run is repeatable: the same seed and the same number of inputs explore the
# same inputs on any machine, so CI fails only on a change, never on a slower runner reaching
# further. FUZZ_SECONDS then only caps each target (default 120 s). A time-only run explores
# further on a faster machine; use it for longer local runs.
#
# FUZZ_SANITIZER (default `address`) is cargo-fuzz's `--sanitizer`. The crate has no `unsafe`
# code, so AddressSanitizer watches only its dependencies' Rust; what a short run looks for is a
# panic, a debug assertion or a hang, which every build catches. CI builds without it
# (`none`): the build is about 2 minutes shorter and the runs about three times faster.
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain use them.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

runs="${FUZZ_RUNS:-}"
if [ -n "$runs" ]; then
    seconds="${FUZZ_SECONDS:-120}"
    budget="$runs inputs"
else
    seconds="${FUZZ_SECONDS:-20}"
    budget="${seconds}s"
fi
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz-smoke: no fuzz targets" >&2; exit 2; }

# One build of every target (release, with debug assertions) before any clock starts.
if [ "$#" -gt 0 ]; then
    for t in "${targets[@]}"; do cargo fuzz build --sanitizer "$sanitizer" "$t"; done
else
    cargo fuzz build --sanitizer "$sanitizer"
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
    corpus="$scratch/$t"
    mkdir -p "$corpus"
    if [ -d "seeds/$t" ]; then
        cp -R "seeds/$t/." "$corpus/"
    else
        echo "fuzz-smoke: $t has no seeds/$t; starting from an empty corpus" >&2
    fi
    echo "fuzz-smoke: $t for $budget ($(find "$corpus" -type f | wc -l) seeds)"
    # A fixed seed keeps a CI run repeatable; LeakSanitizer is off because the standard
    # library's per-thread channel context, which the audit's worker threads create, is
    # reported as a leak at exit (see fuzz/README.md).
    # -detect_leaks=0 covers each input; ASAN_OPTIONS covers the exit of a run that ends by
    # count (-runs), where LeakSanitizer would otherwise report the same channel context.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" cargo fuzz run --sanitizer "$sanitizer" "$t" "$corpus" -- \
        ${runs:+-runs="$runs"} -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=0 \
        -seed="${FUZZ_SEED:-1}" -detect_leaks=0
done
echo "fuzz-smoke: ${#targets[@]} targets, $budget each, no crash"
