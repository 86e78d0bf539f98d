#!/usr/bin/env bash
# Import + reconcile a 200,000-row agency list against a 1,000,000-foreigner registry (SQLite), with
# the dashboard probed while it runs, and splink on the same data in the same run (never in CI).
set -euo pipefail
cd "$(dirname "$0")"
COMPARE=../compare
[ -x $COMPARE/.venv/bin/python ] || python3 -m venv $COMPARE/.venv
$COMPARE/.venv/bin/python -c "import splink" 2>/dev/null || $COMPARE/.venv/bin/pip install -q splink==5.0.0 recordlinkage==0.16 pandas==2.3.3 rapidfuzz==3.14.6
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time
(cd ../.. && swift build -c release --product sinergi)
exec $COMPARE/.venv/bin/python run.py "$@"
