#!/usr/bin/env bash
# Audited reads under load (issue 17): wrk, 64 connections, 30 s, loopback — /healthz, the audited detail read and
# the audited passport look-up, with the audit group commit on and off, side by side in one run (never in CI).
set -euo pipefail
cd "$(dirname "$0")"
command -v wrk >/dev/null || { echo "needs wrk (Debian: apt-get install wrk)"; exit 2; }
(cd ../.. && swift build -c release --product sinergi)
exec python3 run.py "$@"
