#!/usr/bin/env bash
# Registry feed benchmark (issue 15): a full load of 1,000,000 persons on SQLite, a 10,000-row daily delta
# while the web answers, and the floor (the same rows by sqlite3 executemany) in the same run. Never in CI.
set -euo pipefail
cd "$(dirname "$0")"
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time
(cd ../.. && swift build -c release --product sinergi)
exec python3 run.py "$@"
