"""Import + reconciliation benchmark (issue 9): a 200,000-row agency list against a 1,000,000-foreigner
registry on SQLite, through the real server and its API, while a signed-in browser-like client keeps
loading the dashboard. Then splink links the same two files in its own process (same run, same machine).

    Benchmarks/imports/run.sh [--registry 1000000] [--agency 200000] [--skip-splink]

Prints a Markdown table for docs/performance.md.
"""
import argparse
import hashlib
import http.cookiejar
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
COMPARE = os.path.join(ROOT, "Benchmarks", "compare")
BINARY = os.environ.get("SINERGI_BIN", os.path.join(ROOT, ".build", "release", "sinergi"))
sys.path.insert(0, COMPARE)
from run import one_to_one  # noqa: E402  (Benchmarks/compare/run.py: the same greedy one-to-one for every peer)
PASSWORD = "Bench-Demo-Password-2026"


def sh(args, env, **kw):
    r = subprocess.run(args, env=env, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    return r


def stable_id(rid):
    d = hashlib.sha256(f"sinergi-bench|{rid}".encode()).digest()[:16]
    return str(uuid.UUID(bytes=d)).upper()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


class Dashboard(threading.Thread):
    """Signs in through the login form (CSRF token and session cookie) and loads / every 100 ms."""

    def __init__(self, base):
        super().__init__(daemon=True)
        self.base, self.samples, self.phase, self.stop = base, {}, "idle", False
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = self.opener.open(base + "/login").read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"_csrf": token, "email": "supervisor@demo.sinergi.id", "password": PASSWORD}).encode()
        self.opener.open(base + "/login", data=body).read()

    def run(self):
        while not self.stop:
            t = time.perf_counter()
            with self.opener.open(self.base + "/") as r:
                r.read()
                assert r.status == 200
            self.samples.setdefault(self.phase, []).append((time.perf_counter() - t) * 1000)
            time.sleep(0.1)


def rss_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def score(pairs, truth):
    tp = len(pairs & truth)
    p = tp / len(pairs) if pairs else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", type=int, default=1_000_000)
    ap.add_argument("--agency", type=int, default=200_000)
    ap.add_argument("--data", default="/tmp/sinergi-bench")
    ap.add_argument("--skip-splink", action="store_true")
    a = ap.parse_args()
    d = os.path.join(a.data, f"import-{a.registry}-{a.agency}")
    os.makedirs(d, exist_ok=True)
    py = os.path.join(COMPARE, ".venv", "bin", "python")
    if not os.path.exists(os.path.join(d, "truth.csv")):
        sh([py, os.path.join(COMPARE, "generate_foreigners.py"), "--left", str(a.registry), "--right", str(a.agency), "--seed", "2", "--out", d], os.environ)
    env = dict(os.environ, SINERGI_DEMO_PASSWORD=PASSWORD, SINERGI_BCRYPT_COST="4", LOG_LEVEL="warning", SINERGI_MAX_UPLOAD_MB="512")
    base_db = os.path.join(d, "registry.sqlite")
    load_seconds = None
    if not os.path.exists(base_db):
        env["DATABASE_URL"] = "sqlite://" + base_db
        sh([BINARY, "migrate", "--yes"], env)
        sh([BINARY, "seed", "--demo"], env)
        t = time.time()
        sh([BINARY, "seed", "--bench-registry", os.path.join(d, "left.csv"), "--region", "35.16"], env)
        load_seconds = time.time() - t
    work = os.path.join(d, "work.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    shutil.copy(base_db, work)
    env["DATABASE_URL"] = "sqlite://" + work
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        req = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps({"email": "officer@demo.sinergi.id", "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(req))["token"]
        auth = {"Authorization": f"Bearer {token}"}
        dash = Dashboard(base)
        dash.start()
        time.sleep(10)
        rss_before = rss_kb(server.pid, "VmRSS")
        dash.phase = "import"
        with open(os.path.join(d, "right.csv"), "rb") as f:
            body = f.read()
        t0 = time.time()
        r = urllib.request.urlopen(urllib.request.Request(base + "/api/v1/imports?kind=residents", data=body, headers=dict(auth, **{"Content-Type": "text/csv"})), timeout=600)
        created = json.load(r)
        stored = time.time() - t0
        while True:
            s = json.load(urllib.request.urlopen(urllib.request.Request(base + f"/api/v1/imports/{created['id']}", headers=auth)))
            if s["status"] != "reconciling":
                break
            time.sleep(0.5)
        total = time.time() - t0
        dash.phase = "after"
        time.sleep(3)
        dash.stop = True
        peak = rss_kb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert s["status"] == "reconciled", s
    # Score from the database: line n is right.csv's record R(n-2); registry ids are stable_id(L…).
    truth = set()
    with open(os.path.join(d, "truth.csv")) as f:
        next(f)
        for line in f:
            l, rr = line.strip().split(",")
            truth.add((stable_id(l), rr))
    con = sqlite3.connect(work)
    rows = con.execute("SELECT line, foreigner_id, CASE WHEN decision='accepted' THEN 'matched' WHEN decision='rejected' THEN 'unmatched' ELSE match_state END FROM import_rows").fetchall()
    con.close()
    auto = {(f.upper(), f"R{line - 2}") for line, f, st in rows if f and st == "matched"}
    both = {(f.upper(), f"R{line - 2}") for line, f, st in rows if f and st in ("matched", "review")}
    pa, ra, fa = score(auto, truth)
    pb, rb, fb = score(both, truth)
    out = ["| what | figure |", "|---|---|"]
    if load_seconds:
        out.append(f"| loading the {a.registry:,}-foreigner benchmark registry (`seed --bench-registry`, once) | {load_seconds:.0f} s |")
    out += [
        f"| `POST /api/v1/imports` of {a.agency:,} rows ({len(body) / 1e6:.1f} MB): validated and stored, answer 201 | {stored:.1f} s |",
        f"| … until reconciled against {a.registry:,} registry foreigners (wall, upload to `reconciled`) | {total:.1f} s (target < 120 s) |",
        f"| server peak resident memory (whole process) | {peak / 1024:.0f} MB (target < 3 GB; {rss_before / 1024:.0f} MB before the import) |",
        f"| matched automatically (p ≥ 0.9): precision / recall / F1 | {pa:.4f} / {ra:.4f} / {fa:.4f} |",
        f"| matched + review (p ≥ 0.2) | {pb:.4f} / {rb:.4f} / {fb:.4f} |",
        f"| counts | {s.get('matched')} matched, {s.get('review')} review, {s.get('unmatched')} unmatched |",
    ]
    for phase in ("idle", "import", "after"):
        xs = dash.samples.get(phase, [])
        if xs:
            out.append(f"| dashboard `/` ({phase}, {len(xs)} loads): p50 / p99 / max | {percentile(xs, 50):.0f} / {percentile(xs, 99):.0f} / {max(xs):.0f} ms |")
    if not a.skip_splink:
        pairs_path = os.path.join(d, "splink.csv")
        t = time.time()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", py, os.path.join(COMPARE, "peers.py"), "splink", d, pairs_path], capture_output=True, text=True)
        wall = time.time() - t
        if r.returncode == 0:
            inside = json.loads(r.stdout.strip().splitlines()[-1])["seconds"]
            peak_splink = int(r.stderr.strip().splitlines()[-1])
            raw = []
            with open(pairs_path) as f:
                next(f)
                for line in f:
                    l, rr, p = line.strip().split(",")
                    raw.append((stable_id(l), rr, p))
            ps, rs, fs = score({(x, y) for x, y, _ in raw}, truth)
            po, ro, fo = score({(x, y) for x, y, _ in one_to_one(raw)}, truth)
            out.append(f"| splink 5.0.0 on the same two files (link only, p ≥ 0.5; CSV in, pairs out; no database, no server) | {wall:.0f} s wall ({inside:.0f} s inside Python), {peak_splink / 1024:.0f} MB |")
            out.append(f"| splink: precision / recall / F1, all pairs · after the same greedy one-to-one ours applies | {ps:.4f} / {rs:.4f} / {fs:.4f} · {po:.4f} / {ro:.4f} / {fo:.4f} |")
        else:
            out.append(f"| splink 5.0.0 on the same two files | failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
