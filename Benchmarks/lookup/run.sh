#!/usr/bin/env bash
# Field look-up latency over a 1,000,000-foreigner registry, at the HTTP level on loopback (never in CI).
# Uses the registry built by Benchmarks/imports/run.sh (run that first).
set -euo pipefail
cd "$(dirname "$0")"
(cd ../.. && swift build -c release --product sinergi)
exec python3 run.py "$@"
