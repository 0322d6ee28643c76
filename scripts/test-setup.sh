#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo:
# - Microsoft's KQL analyser (npm package @kusto/language-service-next, pinned by
#   tests/oracle/package-lock.json), which the KQL differential tests (tests/kql_oracle.rs,
#   tests/query_kql_oracle.rs) run under node;
# - pyspark (pinned below), which the native-vs-Spark differential tests
#   (tests/spark_differential.rs) run in local mode; it needs Java 17 or later.
set -euo pipefail
cd "$(dirname "$0")/.."
PYSPARK_VERSION=4.0.1
command -v node >/dev/null || { echo "error: node is not installed (apt-get install nodejs npm)" >&2; exit 2; }
npm ci --prefix tests/oracle --no-audit --no-fund
command -v java >/dev/null || [ -x "${JAVA_HOME:-/nonexistent}/bin/java" ] || {
  echo "error: Java is not installed (apt-get install openjdk-17-jre-headless)" >&2; exit 2; }
PYTHON="${AMLGUARD_PYTHON:-python3}"
if ! "$PYTHON" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
fi
