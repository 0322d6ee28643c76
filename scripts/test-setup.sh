#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo: Microsoft's KQL analyser (npm package
# @kusto/language-service-next, pinned by tests/oracle/package-lock.json), which the KQL
# differential tests (tests/kql_oracle.rs) run under node.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "error: node is not installed (apt-get install nodejs npm)" >&2; exit 2; }
npm ci --prefix tests/oracle --no-audit --no-fund
