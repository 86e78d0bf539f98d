#!/usr/bin/env bash
# The daily warning scan over 1,000,000 permits on SQLite (issue 5), never in CI. Uses the registry built by
# Benchmarks/imports/run.sh (run that first).
set -euo pipefail
cd "$(dirname "$0")"
(cd ../.. && swift build -c release --product sinergi)
exec python3 run.py "$@"
