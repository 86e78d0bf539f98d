"""Field look-up latency (issue 8): GET /api/v1/lookup by passport number and by name over the
1,000,000-foreigner registry of the import benchmark, through the real server on loopback, one client
and four concurrent clients; beside it the same index reads done directly with Python's sqlite3 (the
floor: what the database alone costs).

    Benchmarks/lookup/run.sh [--requests 2000] [--registry DIR] [--postgres URL]
"""
import argparse
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SINERGI_BIN", os.path.join(ROOT, ".build", "release", "sinergi"))
PASSWORD = "Bench-Demo-Password-2026"


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(args, env):
    r = subprocess.run(args, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)}: {r.stderr[-2000:]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--registry", default="/tmp/sinergi-bench/import-1000000-200000")
    ap.add_argument("--postgres", default=None, help="postgres://… (empty database): load the registry there too and measure it")
    ap.add_argument("--postgres-loaded", action="store_true", help="the PostgreSQL database already holds the registry: only migrate it")
    a = ap.parse_args()
    base_db = os.path.join(a.registry, "registry.sqlite")
    if not os.path.exists(base_db):
        sys.exit("run Benchmarks/imports/run.sh first (it builds the 1,000,000-foreigner registry)")
    work = os.path.join(a.registry, "lookup.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    shutil.copy(base_db, work)
    env = dict(os.environ, SINERGI_DEMO_PASSWORD=PASSWORD, SINERGI_BCRYPT_COST="4", LOG_LEVEL="warning")
    t = time.time()
    sh([BINARY, "migrate", "--yes"], dict(env, DATABASE_URL="sqlite://" + work))
    migrate_s = time.time() - t
    con = sqlite3.connect(work)
    rng = random.Random(7)
    n = con.execute("SELECT COUNT(*) FROM foreigners").fetchone()[0]
    sample = con.execute("SELECT passport_number, family_name, given_names FROM foreigners WHERE passport_number IS NOT NULL AND regency_code = '35.16' "
                         "ORDER BY id LIMIT 20000").fetchall()
    rng.shuffle(sample)
    passports = [r[0] for r in sample[:a.requests]]
    names = [f"{r[2].split(' ')[0].lower()} {r[1].title()}" for r in sample[:a.requests]]   # typed loosely, any order
    # The floor: the same index reads straight from SQLite.
    floor = {}
    for label, q, args in [("passport", "SELECT id FROM foreigners WHERE passport_key = ?", lambda i: (passports[i],)),
                           ("name", "SELECT foreigner_id FROM foreigner_name_tokens WHERE token = ? INTERSECT SELECT foreigner_id FROM foreigner_name_tokens WHERE token = ?",
                            lambda i: tuple(names[i].upper().split(" ")[:2]))]:
        xs = []
        for i in range(min(500, a.requests)):
            s = time.perf_counter(); con.execute(q, args(i)).fetchall(); xs.append((time.perf_counter() - s) * 1000)
        floor[label] = xs
    con.close()

    results = []
    targets = [("SQLite", "sqlite://" + work)]
    if a.postgres:
        t = time.time()
        pg_env = dict(env, DATABASE_URL=a.postgres)
        sh([BINARY, "migrate", "--yes"], pg_env)
        if not a.postgres_loaded:
            sh([BINARY, "seed", "--demo"], pg_env)
            sh([BINARY, "seed", "--bench-registry", os.path.join(a.registry, "left.csv"), "--region", "35.16"], pg_env)
            results.append(f"| loading the registry into PostgreSQL (migrate, demo, 1 M) | {time.time() - t:.0f} s |")
        targets.append(("PostgreSQL", a.postgres))
    for label, url in targets:
        port = free_port()
        server = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=dict(env, DATABASE_URL=url),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).read(); break
                except OSError:
                    time.sleep(0.1)
            req = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps({"email": "officer@demo.sinergi.id", "password": PASSWORD}).encode(),
                                         headers={"Content-Type": "application/json"})
            token = json.load(urllib.request.urlopen(req))["token"]

            def get(q):
                s = time.perf_counter()
                with urllib.request.urlopen(urllib.request.Request(base + "/api/v1/lookup?" + q, headers={"Authorization": "Bearer " + token})) as r:
                    body = json.load(r)
                return (time.perf_counter() - s) * 1000, body

            for mode, values in [("passport", passports), ("name", names)]:
                for w in range(20):
                    get(urllib.parse.urlencode({mode: values[w]}))
                lat, found = [], 0
                for v in values:
                    ms, body = get(urllib.parse.urlencode({mode: v, "per": "20"}))
                    lat.append(ms); found += body["total"] > 0
                results.append(f"| {label}, by {mode}, 1 client, {len(values)} look-ups (found {found}) | {pct(lat, 50):.1f} / {pct(lat, 99):.1f} / {max(lat):.1f} ms |")
                conc, lock = [], threading.Lock()

                def worker(part):
                    for v in part:
                        ms, _ = get(urllib.parse.urlencode({mode: v, "per": "20"}))
                        with lock:
                            conc.append(ms)
                threads = [threading.Thread(target=worker, args=(values[k::4],)) for k in range(4)]
                s = time.time()
                [t.start() for t in threads]
                [t.join() for t in threads]
                wall = time.time() - s
                results.append(f"| {label}, by {mode}, 4 concurrent clients ({len(conc) / wall:.0f} look-ups/s) | {pct(conc, 50):.1f} / {pct(conc, 99):.1f} / {max(conc):.1f} ms |")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Registry: {n:,} foreigners; migrate of the copy (incl. name-token backfill when new): {migrate_s:.0f} s\n")
    print("| what | p50 / p99 / max |\n|---|---|")
    for label, xs in floor.items():
        print(f"| the database alone (Python sqlite3, same index read), by {label} | {pct(xs, 50):.2f} / {pct(xs, 99):.2f} / {max(xs):.2f} ms |")
    print("\n".join(results))


if __name__ == "__main__":
    main()
