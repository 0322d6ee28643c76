#!/usr/bin/env bash
# Mutation testing with cargo-mutants over the modules whose facts and logic the tests must
# pin: the lifecycles, the catalog, the linter, the reports, the audit and the readers. Not run
# in CI: over these modules it takes hours on two cores. See tests/MUTANTS.md.
#
#   scripts/mutants.sh                        # every module, one after the other
#   scripts/mutants.sh lifecycle catalog      # some modules (names below)
#   scripts/mutants.sh -f src/duration.rs     # any cargo-mutants options (then the whole suite)
#   scripts/mutants.sh --survivors catalog    # only the mutants a module's last run missed
#
# Each module is tested with the tests that exercise it, given to cargo as `--lib --test NAME`
# (through `-C`, so that the build of each mutant compiles only those tests): a mutant then
# costs one incremental build and a few seconds of tests instead of a build of every test.
#
# MUTANTS_SHARD=K/N tests every N-th mutant of each module, starting at the K-th (round-robin,
# so a shard is a sample spread over every file of the module; the N shards together are the
# whole module). Results then land in mutants.out/<module>-shardKofN/.
#
# MUTANTS_IN_PLACE=1 mutates the working tree itself and reuses its target/ (much faster when
# dependencies are built; do not edit the tree meanwhile). Otherwise cargo-mutants works on a
# copy. MUTANTS_JOBS (default 1) builds that many mutants at once (copy mode only).
#
# Results land in mutants.out/<module>/mutants.out/ (caught.txt, missed.txt, timeout.txt,
# unviable.txt). --survivors re-tests the mutants of missed.txt (matched by file, function and
# replacement, not by line, so that new tests elsewhere in the file do not lose them) and writes
# to mutants.out/<module>-survivors/.
set -euo pipefail
set -f # the -f patterns are for cargo-mutants, not for the shell
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
    cargo install cargo-mutants --locked
fi

common=(--no-shuffle --timeout "${MUTANTS_TIMEOUT:-90}" --build-timeout 600)
if [ "${MUTANTS_IN_PLACE:-0}" = 1 ]; then
    common+=(--in-place)
else
    common+=(--jobs "${MUTANTS_JOBS:-1}")
fi

survivors=0
if [ "${1:-}" = --survivors ]; then
    survivors=1
    shift
fi

if [ "$#" -gt 0 ] && [ "${1#-}" != "$1" ]; then
    exec cargo mutants "${common[@]}" "$@"
fi

# module: the files it covers, then the tests that exercise it.
files_of() {
    case "$1" in
    lifecycle) echo "src/lifecycle/**/*.rs" ;;
    catalog) echo "src/catalog/**/*.rs" ;;
    lint) echo "src/lint/**/*.rs src/linter.rs" ;;
    report) echo "src/report/**/*.rs" ;;
    audit) echo "src/audit/**/*.rs" ;;
    readers) echo "src/yaml.rs src/yaml/**/*.rs src/duration.rs src/source.rs src/suppress.rs src/rules/**/*.rs" ;;
    *) echo "unknown module $1 (lifecycle catalog lint report audit readers)" >&2; exit 2 ;;
    esac
}
tests_of() {
    case "$1" in
    lifecycle) echo "lifecycle_facts audit audit_props cli" ;;
    catalog) echo "azure_list applicability catalog_files definitions_props checks" ;;
    lint) echo "checks azure_list applicability conditions lint_inputs log_rules log_props" ;;
    report) echo "snapshots output sarif audit_locations audit" ;;
    audit) echo "audit audit_props audit_reader_props audit_hostile audit_locations" ;;
    readers) echo "malformed lint_inputs templates bicep conditions real real_logs predeploy log_rules log_sources log_props" ;;
    esac
}

# Library tests of other modules that a module's mutants cannot reach, left out by name (a
# libtest `--skip` filter, which no integration test's name matches): they cost half of each
# mutant's test time. Only `report`'s tests call into the audit from outside it, and they stay.
# The readers also leave out `tests/malformed.rs`'s 50 MB file, over a minute in a debug build.
skips_of() {
    case "$1" in
    audit) echo "catalog:: rules:: yaml:: linter:: kql:: coverage:: generate::" ;;
    readers) echo "audit:: catalog::tests::schedule_props report::tests::no_format fifty_megabyte_file" ;;
    esac
}

modules=("$@")
[ "${#modules[@]}" -gt 0 ] || modules=(lifecycle catalog lint report audit readers)
for m in "${modules[@]}"; do
    args=()
    files=$(files_of "$m")
    for f in $files; do
        args+=(-f "$f")
    done
    args+=(-C --lib)
    for t in $(tests_of "$m"); do
        args+=(-C "--test=$t")
    done
    skips=()
    for k in $(skips_of "$m"); do
        skips+=(--skip "$k")
    done
    [ "${#skips[@]}" = 0 ] || skips=(-- -- "${skips[@]}")
    out="mutants.out/$m"
    if [ -n "${MUTANTS_SHARD:-}" ]; then
        [ "$survivors" = 1 ] || args+=(--shard "$MUTANTS_SHARD" --sharding round-robin)
        out="mutants.out/$m-shard${MUTANTS_SHARD%/*}of${MUTANTS_SHARD#*/}"
    fi
    if [ "$survivors" = 1 ]; then
        missed="$out/mutants.out/missed.txt"
        [ -s "$missed" ] || { echo "no survivors in $missed" >&2; continue; }
        while IFS= read -r line; do
            # `src/x.rs:12:5: replace f -> bool with true` → `src/x\.rs:.*replace f -> bool …`
            file=${line%%:*}
            what=${line#*: }
            args+=(-F "$(printf '%s' "$file" | sed 's/[][\.*^$+?(){}|]/\\&/g'):.*: $(printf '%s' "$what" | sed 's/[][\.*^$+?(){}|]/\\&/g')\$")
        done < "$missed"
        out="$out-survivors"
    fi
    # cargo-mutants exits 2 when a mutant survived: go on with the next module, fail at the end.
    mkdir -p "$out"
    cargo mutants "${common[@]}" -o "$out" "${args[@]}" "${skips[@]}" || status=$?
done
exit "${status:-0}"
