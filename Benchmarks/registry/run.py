"""Registry feed benchmark (issue 15), SQLite, one run:

1. a full batch of N persons (passport, permit, address each; 2,000 sponsors) through `sinergi registry import`:
   wall time and peak memory;
2. the floor: the same rows written into a copy of the same empty database by Python's sqlite3 executemany
   in one transaction (ids, the name/passport keys Sinergi keeps, no checks, no history);
3. a delta of D changed rows (permit extensions, new addresses, renewed passports, corrected names) applied
   while the server answers four clients (dashboard counts, look-up by passport, the foreigner list):
   the delta's time and the clients' p50/p99 before and during it.

    Benchmarks/registry/run.sh [--persons 1000000] [--delta 10000]

Prints a Markdown table for docs/performance.md and writes results.json.
"""
import argparse
import csv
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BINARY = os.environ.get("SINERGI_BIN", os.path.join(ROOT, ".build", "release", "sinergi"))
PASSWORD = "Bench-Demo-Password-2026"


def env_for(path):
    e = dict(os.environ)
    e.update({"DATABASE_URL": "sqlite://" + path, "SINERGI_DEMO_PASSWORD": PASSWORD, "SINERGI_BCRYPT_COST": "4", "LOG_LEVEL": "warning",
              "SINERGI_SCHEDULER": "off"})
    return e


def sh(args, env):
    r = subprocess.run(args, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    return r


def timed(args, env):
    """Wall seconds and peak RSS (MB) of one command, by /usr/bin/time -v."""
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{r.stdout}\n{r.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    return wall, rss, r.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).upper()


def floor(db_path, batch):
    """The same rows by executemany: no checks, no history, no summary beyond what a list needs."""
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    t = time.perf_counter()
    with con:
        sponsors, people = {}, {}
        with open(os.path.join(batch, "sponsors.csv"), newline="") as f:
            rows = []
            for r in csv.DictReader(f):
                sid = str(uuid.uuid4()).upper()
                sponsors[r["sponsor_ref"]] = sid
                rows.append((sid, r["sponsor_ref"], r["kind"], r["name"], r["nib"] or None, r["address"], r["village_code"], r["village_code"][:5], "id"))
            con.executemany("INSERT INTO sponsors (id, sponsor_ref, kind, name, nib, address, village_code, regency_code, language) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        addr = {}
        with open(os.path.join(batch, "addresses.csv"), newline="") as f:
            for r in csv.DictReader(f):
                addr[r["person_ref"]] = r
        permit = {}
        with open(os.path.join(batch, "permits.csv"), newline="") as f:
            for r in csv.DictReader(f):
                permit[r["person_ref"]] = r
        passport = {}
        with open(os.path.join(batch, "passports.csv"), newline="") as f:
            for r in csv.DictReader(f):
                passport[r["person_ref"]] = r
        with open(os.path.join(batch, "foreigners.csv"), newline="") as f:
            rows = []
            for r in csv.DictReader(f):
                fid = str(uuid.uuid4()).upper()
                people[r["person_ref"]] = fid
                fam, giv = r["family_name"].upper(), r["given_names"].upper()
                a, p, pp = addr[r["person_ref"]], permit[r["person_ref"]], passport[r["person_ref"]]
                rows.append((fid, r["person_ref"], fam, giv, f"{giv} {fam}", r["sex"], r["date_of_birth"] or None, r["nationality"], fold(f"{fam} {giv} {giv} {fam}"),
                             pp["number"], pp["number"], p["category"], p["end_on"], a["village_code"], a["village_code"][:5]))
            con.executemany("""INSERT INTO foreigners (id, person_ref, family_name, given_names, full_name, sex, date_of_birth, nationality, search_name,
                               passport_number, passport_key, permit_category, permit_end, village_code, regency_code, departed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)""", rows)
        con.executemany("INSERT INTO passports (id, foreigner_id, number, issuing_country, issued_on, expires_on, is_current) VALUES (?,?,?,?,?,?,1)",
                        ((str(uuid.uuid4()).upper(), people[r["person_ref"]], r["number"], r["issuing_country"], r["issued_on"] or None, r["expires_on"]) for r in passport.values()))
        con.executemany("INSERT INTO stay_permits (id, foreigner_id, type_code, number, start_on, end_on, status, sponsor_id) VALUES (?,?,?,?,?,?,?,?)",
                        ((str(uuid.uuid4()).upper(), people[r["person_ref"]], r["type"], r["number"], r["start_on"], r["end_on"], r["status"], sponsors.get(r["sponsor_ref"])) for r in permit.values()))
        con.executemany("INSERT INTO addresses (id, foreigner_id, line, village_code, district_code, valid_from, is_current) VALUES (?,?,?,?,?,?,1)",
                        ((str(uuid.uuid4()).upper(), people[r["person_ref"]], r["line"], r["village_code"], r["village_code"][:8], r["valid_from"]) for r in addr.values()))
    wall = time.perf_counter() - t
    con.close()
    return wall


class Client(threading.Thread):
    def __init__(self, base, token, path_fn, pause=0.5):
        super().__init__(daemon=True)
        self.base, self.token, self.path_fn, self.samples, self.phase, self.stop, self.errors = base, token, path_fn, {}, "before", False, 0
        self.messages = []
        self.pause = pause

    def run(self):
        i = 0
        while not self.stop:
            req = urllib.request.Request(self.base + self.path_fn(i), headers={"Authorization": "Bearer " + self.token})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    r.read()
            except Exception as e:
                self.errors += 1
                self.messages.append(f"{self.phase}: {e}")
            self.samples.setdefault(self.phase, []).append((time.perf_counter() - t) * 1000)
            i += 1
            time.sleep(self.pause)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--delta", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=2.0, help="requests per second per client")
    ap.add_argument("--keep", metavar="DIR", help="keep the feeds and the loaded database in DIR; when DIR already holds them, "
                    "skip the full load and the floor and measure the delta again on a fresh copy of the loaded database")
    a = ap.parse_args()
    work = a.keep or tempfile.mkdtemp(prefix="sinergi-registry-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        full, delta = os.path.join(work, "full"), os.path.join(work, "delta")
        db, floor_db, loaded = os.path.join(work, "db.sqlite"), os.path.join(work, "floor.sqlite"), os.path.join(work, "loaded.sqlite")
        if a.keep and os.path.exists(loaded):
            prior = json.load(open(os.path.join(work, "load.json")))
            load_s, load_mb, floor_s = prior["load_s"], prior["load_mb"], prior["floor_s"]
            for suffix in ("", "-wal", "-shm", "-auditspool", "-auditspool-wal", "-auditspool-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            shutil.copy(loaded, db)
            sh([BINARY, "migrate", "--yes"], env_for(db))     # the loaded database may predate this build's migrations
        else:
            gen = os.path.join(HERE, "generate_feed.py")
            if not os.path.exists(os.path.join(full, "foreigners.csv")):
                subprocess.run([sys.executable, gen, full, "--persons", str(a.persons)], check=True)
            if not os.path.exists(os.path.join(delta, "foreigners.csv")):
                subprocess.run([sys.executable, gen, delta, "--persons", str(a.persons), "--delta", str(a.delta)], check=True)
            empty = os.path.join(work, "empty.sqlite")
            sh([BINARY, "migrate", "--yes"], env_for(empty))
            sh([BINARY, "seed", "--demo"], env_for(empty))          # offices (SBY) and the demo accounts
            for p in (db, floor_db):
                shutil.copy(empty, p)

            load_s, load_mb, out = timed([BINARY, "registry", "import", full], env_for(db))
            summary = json.loads(out.strip().splitlines()[-1])
            assert summary["created"]["foreigners"] == a.persons, summary
            floor_s = floor(floor_db, full)
            if a.keep:
                con = sqlite3.connect(db)
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.close()
                shutil.copy(db, loaded)
                json.dump({"load_s": load_s, "load_mb": load_mb, "floor_s": floor_s}, open(os.path.join(work, "load.json"), "w"))
                os.remove(floor_db)

        port = free_port()
        server_log = open(os.path.join(work, "server.log"), "w")
        server = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env_for(db),
                                  stdout=server_log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except Exception:
                time.sleep(0.2)
        body = json.dumps({"email": "officer@demo.sinergi.id", "password": PASSWORD}).encode()
        token = json.loads(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/auth/token", data=body,
                                                                          headers={"Content-Type": "application/json"})).read())["token"]
        clients = {
            "dashboard counts": Client(base, token, lambda i: "/api/v1/stats", 1 / a.rate),
            "look-up by passport": Client(base, token, lambda i: f"/api/v1/lookup?passport=X{(i * 7919) % a.persons:08d}&purpose=fieldCheck", 1 / a.rate),
            "foreigner list": Client(base, token, lambda i: f"/api/v1/foreigners?q=TANAKA&page={1 + i % 5}", 1 / a.rate),
            "record page": Client(base, token, lambda i: "/api/v1/foreigners?per=1", 1 / a.rate),
        }
        for c in clients.values():
            c.start()
        time.sleep(10)
        for c in clients.values():
            c.phase = "during"
        delta_s, delta_mb, out = timed([BINARY, "registry", "import", delta], env_for(db))
        delta_summary = json.loads(out.strip().splitlines()[-1])
        for c in clients.values():
            c.phase = "after"
        time.sleep(2)
        for c in clients.values():
            c.stop = True
        for c in clients.values():
            c.join()            # no request in flight when the server stops (it would answer 500 while shutting down)
        server.terminate()
        server.wait()
        server_log.close()
        errors = [l.strip() for l in open(os.path.join(work, "server.log")) if "error" in l.lower() or "500" in l]
        if errors:
            print("server errors:\n" + "\n".join(errors[:10]))
        rows = sum(delta_summary["created"].values()) + sum(delta_summary["updated"].values())
        results = {"persons": a.persons, "load_s": load_s, "load_mb": load_mb, "floor_s": floor_s, "delta_rows": rows, "delta_s": delta_s, "delta_mb": delta_mb,
                   "db_mb": os.path.getsize(db) / 1e6, "clients": {}}
        for name, c in clients.items():
            b, d = c.samples.get("before", []), c.samples.get("during", [])
            results["clients"][name] = {"before_p50": percentile(b, 50), "before_p99": percentile(b, 99), "during_p50": percentile(d, 50),
                                        "during_p99": percentile(d, 99), "during_n": len(d), "during_max": max(d) if d else float("nan"), "errors": c.errors,
                                        "error_messages": c.messages[:5]}
        with open(os.path.join(HERE, "results.json"), "w") as f:
            json.dump(results, f, indent=2)
        print(f"| full load, {a.persons:,} persons (4 files, {4 * a.persons + 2000:,} rows) | {load_s:.1f} s, {load_mb:,.0f} MB peak | "
              f"floor (sqlite3 executemany, same rows): {floor_s:.1f} s |")
        print(f"| daily delta, {rows:,} changed rows | {delta_s:.1f} s, {delta_mb:,.0f} MB peak | |")
        print(f"\n| client (4 at once, {a.rate:g}/s each) | p50 / p99 before, ms | p50 / p99 / max during the delta, ms | requests during | errors |\n|---|---|---|---|---|")
        for name, r in results["clients"].items():
            print(f"| {name} | {r['before_p50']:.0f} / {r['before_p99']:.0f} | {r['during_p50']:.0f} / {r['during_p99']:.0f} / {r['during_max']:.0f} | {r['during_n']} | {r['errors']} |")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
