#!/usr/bin/env bash
# Whole-process comparison of amlguard with its peers, side by side in one run (not in CI).
#
#   scripts/bench.sh [WORKDIR]        (default WORKDIR: /tmp/amlguard-bench; RUNS=5)
#   ONLY=lint scripts/bench.sh        the lint rows alone (no dump, no DuckDB, no bare parse)
#
# Generates, once, in WORKDIR: the ~1.2 GB diagnostic-settings dump of 280,000 runs (shuffled
# within 10 minutes, a violation planted every 1,000 runs), a 10,000-rule file and a ~50 MB rule
# file. Then times each command RUNS times after one warm-up, and prints the medians of its
# wall time, CPU time (user + sys) and peak RSS (GNU time, /usr/bin/time -v) as a Markdown
# table. The audit, the bare parse and DuckDB run in turn, round after round, and the ratios
# of the audit's figures to theirs follow the table as medians of each round's ratio, which a
# drift of the machine's speed during the run does not skew:
#   - amlguard audit --format json                          the audit
#   - the bare serde parse (benches/baseline.rs)            the same fields, 2 threads, no checks
#   - DuckDB (pip's duckdb, in a venv made here)            read_json + LAG … OVER (PARTITION BY RunId
#                                                           ORDER BY time): illegal transitions,
#                                                           events after a terminal state, unknown
#                                                           states of the run lifecycle, 2 threads
#   - jq selecting every record's status (once: slow)       if jq is installed
#   - wc -l                                                 the memory-bandwidth floor
#   - amlguard lint of 10,000 rules and of the ~50 MB file
#   - promtool check rules on 10,000 Prometheus rules of the same shape, if promtool is installed
#     (it is not on crates.io, PyPI or npm; without network access to GitHub releases it is
#     skipped and the table says so)
# The machine's other load shows in the figures: run it on a quiet machine, and compare rows
# of one run only.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/amlguard-bench}
runs=${RUNS:-5}
only=${ONLY:-}
case "$only" in "" | lint) ;; *) echo "ONLY must be lint or unset" >&2; exit 2 ;; esac
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }

echo "building…" >&2
cargo build --release --quiet
bin=target/release/amlguard
baseline=
[ "$only" = lint ] || baseline=$(cargo bench --bench baseline --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "baseline" and m.get("executable"):
        print(m["executable"])')

dump=$work/dump.json
rules=$work/rules.yaml
big=$work/rules-50mb.yaml
[ "$only" = lint ] || [ -s "$dump" ] || "$bin" generate dump 280000 --shuffle-seconds 600 --plant-every 1000 \
  --manifest "$work/planted.jsonl" > "$dump"
[ -s "$rules" ] || "$bin" generate rules 10000 --broken-every 100 > "$rules"
[ -s "$big" ] || "$bin" generate rules 155000 --broken-every 100 > "$big"

if [ "$only" != lint ] && [ ! -x "$work/venv/bin/python" ]; then
  echo "installing duckdb in $work/venv…" >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet duckdb
fi
cat > "$work/lag.py" <<'EOF'
# The run lifecycle's illegal steps in SQL: what a user would write instead of amlguard.
import sys
import duckdb

states = ["NotStarted", "Starting", "Provisioning", "Preparing", "Queued", "Running",
          "Finalizing", "CancelRequested", "Completed", "Failed", "Canceled", "NotResponding",
          "Paused", "Unknown"]
edges = {
    "NotStarted": ["Starting"],
    "Starting": ["Provisioning", "Preparing", "Queued"],
    "Provisioning": ["Preparing", "Queued"],
    "Preparing": ["Queued"],
    "Queued": ["Running"],
    "Running": ["Finalizing", "NotResponding", "Paused", "Completed"],
    "Finalizing": ["Completed"],
    "NotResponding": ["NotStarted", "Starting", "Provisioning", "Preparing", "Queued", "Running",
                      "Finalizing", "Completed"],
    "Paused": ["Running"],
    "CancelRequested": ["Canceled", "Failed", "Completed"],
    "Unknown": ["Starting", "Provisioning", "Preparing", "Queued", "Running", "Finalizing",
                "NotResponding", "Paused"],
}
for s in ["NotStarted", "Starting", "Provisioning", "Preparing", "Queued", "Running",
          "Finalizing", "NotResponding", "Paused", "Unknown"]:
    edges[s] = edges.get(s, []) + ["Failed", "CancelRequested", "Canceled"]
for s in ["Starting", "Provisioning", "Preparing", "Queued", "Running", "Finalizing",
          "NotResponding", "Paused"]:
    edges[s].append("Unknown")
legal = ", ".join(f"('{a}', '{b}')" for a, bs in edges.items() for b in bs)
known = ", ".join(f"'{s}'" for s in states)
con = duckdb.connect()
con.execute("SET threads = 2")
sql = f"""
WITH ev AS (
  SELECT properties.RunId AS run, properties.Status AS status, time
  FROM read_json(?, format = 'newline_delimited', ignore_errors = true,
                 columns = {{time: 'VARCHAR', category: 'VARCHAR',
                             properties: 'STRUCT(RunId VARCHAR, Status VARCHAR)'}})
  WHERE category = 'AmlRunStatusChangedEvent'
), steps AS (
  SELECT run, status, time, LAG(status) OVER (PARTITION BY run ORDER BY time) AS prev FROM ev
), legal(f, t) AS (VALUES {legal})
SELECT count(*) FROM steps LEFT JOIN legal ON prev = f AND status = t
WHERE status NOT IN ({known}) OR (prev IS NOT NULL AND f IS NULL)
"""
print(con.execute(sql, [sys.argv[1]]).fetchone()[0])
EOF

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# one FILE CMD…: runs CMD once under GNU time and appends "wall cpu rss_mib" to FILE
one() {
  local file=$1; shift
  /usr/bin/time -v -o "$work/time.txt" "$@" > /dev/null 2>&1 || true
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); w = 0; for (k = 1; k <= n; k++) w = w * 60 + p[k]}
              /(User|System) time/ {c += $2}
              /Maximum resident set size/ {r = $2 / 1024}
              END {print w, c, r}' "$work/time.txt" >> "$file"
}

# row LABEL FILE: the table row of the medians in FILE
row() {
  printf '| %s | %.2f | %.2f | %.1f | %d |\n' "$1" \
    "$(cut -d' ' -f1 "$2" | median)" "$(cut -d' ' -f2 "$2" | median)" \
    "$(cut -d' ' -f3 "$2" | median)" "$(wc -l < "$2")"
}

# measure LABEL N CMD…: N runs after one warm-up; prints a table row
measure() {
  local label=$1 n=$2; shift 2
  local walls=() cpus=() rss=() i
  "$@" > /dev/null 2>&1 || true
  for ((i = 0; i < n; i++)); do
    /usr/bin/time -v -o "$work/time.txt" "$@" > /dev/null 2>&1 || true
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s}' "$work/time.txt")")
    cpus+=("$(awk -F': ' '/(User|System) time/ {s += $2} END {print s}' "$work/time.txt")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2 / 1024}' "$work/time.txt")")
  done
  printf '| %s | %.2f | %.2f | %.1f | %d |\n' "$label" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
    "$(printf '%s\n' "${rss[@]}" | median)" "$n"
}

size() { awk '{printf "%.2f", $1 / 1e6}' < <(stat -L -c %s "$1"); }
if [ "$only" = lint ]; then
  echo "| command ($(size "$rules") MB and $(size "$big") MB rule files) | wall s | CPU s (user + sys) | peak RSS MiB | runs |"
else
  echo "| command ($(size "$dump") MB dump; $(size "$rules") MB and $(size "$big") MB rule files) | wall s | CPU s (user + sys) | peak RSS MiB | runs |"
fi
echo "| --- | ---: | ---: | ---: | ---: |"
[ "$only" = lint ] || {
# The audit, the bare parse and DuckDB in turn, round after round (one warm-up round first),
# so that a drift of the machine's speed falls on all three alike; the ratios below are
# medians of each round's ratio.
audit_cmd=("$bin" --no-config audit --no-progress --format json "$dump")
bare_cmd=("$baseline" "$dump")
duck_cmd=("$work/venv/bin/python" "$work/lag.py" "$dump")
rm -f "$work"/round.*
for ((i = 0; i <= runs; i++)); do
  [ "$i" -gt 0 ] || { "${audit_cmd[@]}" > /dev/null 2>&1 || true; "${bare_cmd[@]}" > /dev/null 2>&1 || true
                      "${duck_cmd[@]}" > /dev/null 2>&1 || true; continue; }
  one "$work/round.audit" "${audit_cmd[@]}"
  one "$work/round.bare" "${bare_cmd[@]}"
  one "$work/round.duck" "${duck_cmd[@]}"
done
row "amlguard audit --format json" "$work/round.audit"
row "bare serde parse, 2 threads (benches/baseline.rs)" "$work/round.bare"
row "DuckDB read_json + LAG query, 2 threads" "$work/round.duck"
if command -v jq >/dev/null; then
  # -R and fromjson?: a truncated record (the dump plants some) is skipped, not fatal.
  measure "jq -R 'fromjson? \\| .properties.Status'" 1 jq -R 'fromjson? | .properties.Status' "$dump"
else
  echo "| jq | not installed | | | |"
fi
measure "wc -l" "$runs" wc -l "$dump"
}
measure "amlguard lint, 10,000 rules" "$runs" "$bin" --no-config lint "$rules"
measure "amlguard lint, one ~50 MB rule file" "$runs" "$bin" --no-config lint "$big"
if command -v promtool >/dev/null; then
  python3 - "$work/prom.yaml" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("groups:\n- name: g\n  rules:\n")
    for i in range(10000):
        f.write(f"  - alert: A{i}\n    expr: azureml_cpu_utilization{{cluster=\"c{i % 7}\"}} > 80\n"
                f"    for: 5m\n    labels: {{severity: warning}}\n"
                f"    annotations: {{summary: \"CPU high on {i}\"}}\n")
EOF
  measure "promtool check rules, 10,000 rules" "$runs" promtool check rules "$work/prom.yaml"
else
  echo "| promtool check rules | not installed (not on crates.io, PyPI or npm) | | | |"
fi
if [ "$only" != lint ]; then
  # ratio A B COLUMN: the median over the rounds of A's figure over B's
  ratio() { paste -d' ' "$work/round.$1" "$work/round.$2" | awk -v c="$3" '{printf "%.3f\n", $c / $(c + 3)}' | median; }
  echo
  echo "Round by round (medians of each round's ratio): the audit took $(ratio audit duck 1)× DuckDB's wall time" \
    "($(ratio audit duck 2)× its CPU time) and $(ratio audit bare 1)× the bare parse's ($(ratio audit bare 2)× its CPU time)."
fi

