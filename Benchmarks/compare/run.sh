#!/usr/bin/env bash
# Benchmarks Sinergi's matcher against splink and recordlinkage on this machine (never in CI).
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c "import splink, recordlinkage, rapidfuzz" 2>/dev/null || .venv/bin/pip install -q splink==5.0.0 recordlinkage==0.16 pandas==2.3.3 rapidfuzz==3.14.6
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time
(cd ../.. && swift build -c release --product sinergi)
.venv/bin/python jw_bench.py ../../.build/release/sinergi
exec .venv/bin/python run.py "$@"
