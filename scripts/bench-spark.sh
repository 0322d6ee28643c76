#!/usr/bin/env bash
# Native audit vs `audit --engine spark` (local[2]) on one generated dump: wall time and peak
# memory (RSS of the whole process tree, from GNU time) of each. Not run in CI.
#
#   scripts/bench-spark.sh [RUNS]      # default 280000 runs ≈ 1 GB, ≈ 2 M records
#
# Needs a release build, GNU time (/usr/bin/time), python 3 with pyspark and Java.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-280000}"
BIN=target/release/amlguard
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "error: GNU time is needed (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
"$BIN" generate dump "$RUNS" --shuffle-seconds 600 --plant-every 1000 > "$DIR/dump.json"
SIZE=$(du -h "$DIR/dump.json" | cut -f1)
RECORDS=$(wc -l < "$DIR/dump.json")
echo "dump: $RUNS runs, $RECORDS records, $SIZE"
measure() {
  local name="$1"; shift
  # %e wall seconds, %M peak RSS in KiB of the largest process (GNU time follows children
  # that were waited for; the JVM is the driver's child, so Spark's figure is the JVM's).
  "$TIME" -f "%e %M" -o "$DIR/time" "$@" > "$DIR/$name.json" || [ $? -eq 1 ]
  read -r wall rss < "$DIR/time"
  local findings
  findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$DIR/$name.json")
  printf '%-8s wall %8.1f s   peak RSS %7.0f MiB   findings %s\n' "$name" "$wall" "$((rss / 1024))" "$findings"
}
measure native "$BIN" --no-config audit --format json --max-repeats 0 "$DIR/dump.json"
measure spark "$BIN" --no-config audit --format json --max-repeats 0 --engine spark --spark-master 'local[2]' "$DIR/dump.json"
