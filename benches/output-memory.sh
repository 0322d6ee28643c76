#!/usr/bin/env bash
# Peak memory of `amlguard audit` against the number of findings, in every output format.
#
# Generates dumps of 25,000 to 200,000 runs in which every run makes the same illegal move
# (benches/data/run-without-queued-running.yaml removes Queued → Running), audits each in every
# format, by default and with --max-repeats 0 (every finding written), and prints the peak RSS
# (GNU time). Fails if any run exceeds BOUND_MIB (default 64) or if the largest dump needs more
# than 8 MiB over the smallest: peak memory must not grow with the number of findings.
#
#   benches/output-memory.sh [target/release/amlguard]
set -euo pipefail
bin=${1:-target/release/amlguard}
bound_mib=${BOUND_MIB:-64}
here=$(cd "$(dirname "$0")" && pwd)
lifecycle="$here/data/run-without-queued-running.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }

printf '%-8s %-7s %-10s %10s %9s\n' runs format repeats peak_MiB seconds
declare -A first
status=0
for runs in 25000 50000 100000 200000; do
  "$bin" generate dump "$runs" > "$work/dump.jsonl"
  for format in human json sarif github azure; do
    for repeats in 20 0; do
      /usr/bin/time -o "$work/time" -f '%M %e' "$bin" --no-config audit --no-progress \
          --lifecycle "$lifecycle" --format "$format" --max-repeats "$repeats" \
          "$work/dump.jsonl" > /dev/null 2>&1 || true
      stats=$(tail -1 "$work/time")
      kib=${stats% *}
      secs=${stats#* }
      mib=$(( (kib + 1023) / 1024 ))
      printf '%-8s %-7s %-10s %10s %9s\n' "$runs" "$format" "$repeats" "$mib" "$secs"
      key="$format/$repeats"
      if [ -z "${first[$key]:-}" ]; then first[$key]=$mib; fi
      if [ "$mib" -gt "$bound_mib" ]; then
        echo "FAIL: $key on $runs runs: $mib MiB > $bound_mib MiB" >&2; status=1
      fi
      if [ "$mib" -gt $(( first[$key] + 8 )) ]; then
        echo "FAIL: $key grows with the findings: ${first[$key]} MiB -> $mib MiB" >&2; status=1
      fi
    done
  done
done
exit $status
