#!/usr/bin/env bash
# Native audit vs `audit --engine spark` (local[2]) on one generated dump: wall time and peak
# memory (RSS of the whole process tree, from GNU time) of each. Not run in CI.
#
#   scripts/bench-spark.sh [RUNS]      # default 280000 runs ≈ 1 GB, ≈ 2 M records
#   SPLIT=100 scripts/bench-spark.sh   # the same dump cut into 100 files of whole lines, in order,
#                                      # as an archive holds one blob per hour
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
INPUT="$DIR/dump.json"
if [ -n "${SPLIT:-}" ]; then
  mkdir "$DIR/blobs"
  split -n "l/$SPLIT" -d -a 4 --additional-suffix=.json "$DIR/dump.json" "$DIR/blobs/PT1H-"
  rm "$DIR/dump.json"
  INPUT="$DIR/blobs"
  echo "cut into $SPLIT files"
fi
measure() {
  local name="$1"; shift
  # %e wall seconds, %M peak RSS in KiB of the largest process (GNU time follows children
  # that were waited for; the JVM is the driver's child, so Spark's figure is the JVM's).
  "$TIME" -f "%e %M" -o "$DIR/time" "$@" > "$DIR/$name.json" || [ $? -eq 1 ]
  # GNU time puts "Command exited with non-zero status 1" (findings) before the figures.
  read -r wall rss < <(tail -n 1 "$DIR/time")
  local findings
  findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$DIR/$name.json")
  printf '%-8s wall %8.1f s   peak RSS %7.0f MiB   findings %s\n' "$name" "$wall" "$((rss / 1024))" "$findings"
}
measure native "$BIN" --no-config audit --format json --max-repeats 0 "$INPUT"
measure spark "$BIN" --no-config audit --format json --max-repeats 0 --engine spark --spark-master 'local[2]' "$INPUT"
# The two engines must agree finding for finding, not only in number.
python3 - "$DIR/native.json" "$DIR/spark.json" <<'PY'
import json, sys
def keys(path):
    return sorted(
        tuple(str(f.get(k)) for k in ("code", "entity", "time", "from", "to", "file", "line"))
        for f in json.load(open(path))["findings"]
    )
native, spark = keys(sys.argv[1]), keys(sys.argv[2])
if native == spark:
    print(f"same findings: {len(native)} (code, entity, time, from, to, file, line)")
else:
    only_native = len(set(native) - set(spark))
    only_spark = len(set(spark) - set(native))
    print(f"DIFFERENT findings: {only_native} only native, {only_spark} only Spark")
    sys.exit(1)
PY
