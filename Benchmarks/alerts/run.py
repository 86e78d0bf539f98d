"""Early-warning scan (issue 5): `sinergi alerts run --as-of DAY` over the 1,000,000-foreigner registry of the
import benchmark, given one active permit each (ends spread from 60 days ago to 14 months ahead) and 10,000
company sponsors with e-mail addresses. Measured: the first run (every permit inside the 60-day window gets
its warning at once: the worst case, as on the day the feature is switched on), then the following days
(steady state: only permits crossing a threshold). Beside it, in the same run, the baseline a cron script
would be: read every active permit with Python's sqlite3 and compute the thresholds in Python (no writes).

    Benchmarks/alerts/run.sh [--registry DIR] [--days 3]
"""
import argparse
import datetime
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SINERGI_BIN", os.path.join(ROOT, ".build", "release", "sinergi"))


def run(args, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    r = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)}: {r.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return r.stdout, wall, max(peak, before) / 1024


def populate(path):
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    have = con.execute("SELECT COUNT(*) FROM stay_permits").fetchone()[0]
    n = con.execute("SELECT COUNT(*) FROM foreigners WHERE permit_end IS NOT NULL").fetchone()[0]
    if have >= n:
        return n
    villages = [r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'village' AND code LIKE '35.16.%' ORDER BY code")]
    sponsors = []
    for k in range(10_000):
        sid = str(uuid.UUID(int=k + 1, version=4)).upper()
        sponsors.append((sid, "company", f"PT Bench Sponsor {k}", f"Jl. Bench {k}", villages[k % len(villages)], "35.16", f"hr{k}@bench-{k}.co.id", "id"))
    con.executemany("INSERT OR IGNORE INTO sponsors (id, kind, name, address, village_code, regency_code, email, language) VALUES (?,?,?,?,?,?,?,?)", sponsors)
    rows = con.execute("SELECT f.rowid, f.id, f.permit_end FROM foreigners f WHERE f.permit_end IS NOT NULL "
                       "AND NOT EXISTS (SELECT 1 FROM stay_permits sp WHERE sp.foreigner_id = f.id)").fetchall()
    permits, updates = [], []
    for rowid, fid, end in rows:
        sponsor = sponsors[rowid % len(sponsors)][0]
        start = (datetime.date.fromisoformat(end) - datetime.timedelta(days=365)).isoformat()
        permits.append((str(uuid.uuid4()).upper(), fid, "C312", f"B{rowid}", start, end, "active", sponsor))
        updates.append((sponsor, fid))
    con.executemany("INSERT INTO stay_permits (id, foreigner_id, type_code, number, start_on, end_on, status, sponsor_id) VALUES (?,?,?,?,?,?,?,?)", permits)
    con.executemany("UPDATE foreigners SET sponsor_id = ? WHERE id = ? AND sponsor_id IS NULL", updates)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return n


def baseline(path, day):
    """Every active permit read and classified in Python (no writes, no digests)."""
    d = datetime.date.fromisoformat(day)
    con = sqlite3.connect(path)
    t = time.perf_counter()
    found = 0
    for end, in con.execute("SELECT end_on FROM stay_permits WHERE status = 'active'"):
        left = (datetime.date.fromisoformat(end) - d).days
        if -60 <= left <= 60:
            found += 1
    con.close()
    return time.perf_counter() - t, found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", default="/tmp/sinergi-bench/import-1000000-200000")
    ap.add_argument("--days", type=int, default=3)
    a = ap.parse_args()
    base = os.path.join(a.registry, "registry.sqlite")
    if not os.path.exists(base):
        sys.exit("run Benchmarks/imports/run.sh first (it builds the 1,000,000-foreigner registry)")
    work = os.path.join(a.registry, "alerts.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    shutil.copy(base, work)
    env = dict(os.environ, DATABASE_URL="sqlite://" + work, LOG_LEVEL="warning", SINERGI_SCHEDULER="off")
    env.pop("SMTP_URL", None)
    run([BINARY, "migrate", "--yes"], env)
    t = time.perf_counter()
    permits = populate(work)
    print(f"registry: {permits} active permits, 10,000 company sponsors (prepared in {time.perf_counter() - t:.0f} s)")
    start = datetime.date.today()
    print("| day | new warnings | e-mails queued | scan (s) | process wall (s) | peak RSS (MB) | baseline full scan in Python (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for k in range(a.days):
        day = (start + datetime.timedelta(days=k)).isoformat()
        out, wall, rss = run([BINARY, "alerts", "run", "--as-of", day], env)
        m = re.search(r"(\d+) new, (\d+) e-mails queued.*\(scan ([0-9.]+) s\)", out)
        b, _ = baseline(work, day)
        print(f"| {day}{' (first run)' if k == 0 else ''} | {m.group(1)} | {m.group(2)} | {m.group(3)} | {wall:.2f} | {rss:.0f} | {b:.2f} |")


if __name__ == "__main__":
    main()
