"""Audited reads under load: what an audit event per read costs, with and without group commit.

The demo registry (about 700 foreigners) on SQLite — or PostgreSQL with --postgres — served by the release binary;
wrk drives 64 connections for 30 s at /healthz (no database), at GET /api/v1/foreigners/{id}?purpose=supervision
(a scoped read and one audit event) and at GET /api/v1/lookup?passport=…&purpose=fieldCheck (an indexed look-up
and one audit event), rotating over the officer's people. After each run the chain is verified and the events
counted against the answers wrk saw."""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SINERGI_BIN") or os.path.join(ROOT, ".build", "release", "sinergi")
PASSWORD = "Bench-Audit-Password-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(url, **extra):
    env = dict(os.environ, DATABASE_URL=url, SINERGI_DEMO_PASSWORD=PASSWORD, SINERGI_BCRYPT_COST="4", LOG_LEVEL="error",
               SINERGI_SCHEDULER="off", SINERGI_TOTP_ROLES="none")
    env.update(extra)
    return env


def sh(args, env):
    r = subprocess.run([BIN] + args, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{args}: {r.stderr[-2000:]}")
    return r.stdout


def get(url, token=None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())


def wrk(url, paths, token, seconds, connections):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\nlocal i = 0\n")
    script.write("request = function()\n  i = i % #paths + 1\n")
    script.write(f'  return wrk.format("GET", paths[i], {{["Authorization"] = "Bearer {token}"}})\nend\n')
    script.close()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors = re.search(r"Socket errors: (.*)", out)

    def ms(label):
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "requests": total, "non2xx": non2xx, "socketErrors": errors.group(1) if errors else ""}


def audit_count(url, env):
    out = sh(["audit", "verify"], env)
    return int(re.search(r"intact: (\d+) events", out).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--modes", default="on,off", help="group commit modes to measure, in order")
    ap.add_argument("--postgres", default=None, help="postgres://… of an empty database to measure instead of SQLite")
    ap.add_argument("--endpoints", default="healthz,detail,lookup",
                    help="which to measure, in order (each run writes events the next one's chain and WAL carry)")
    a = ap.parse_args()
    known = {"healthz", "detail", "lookup"}
    if unknown := [e for e in a.endpoints.split(",") if e not in known]:
        sys.exit(f"--endpoints: unknown {unknown}; choose from {sorted(known)}, comma-separated without spaces")
    work = tempfile.mkdtemp(prefix="sinergi-bench-audit-")
    url = a.postgres or "sqlite://" + os.path.join(work, "bench.sqlite")
    env = env_for(url)
    sh(["migrate", "--yes"], env)
    sh(["seed", "--demo"], env)
    rows = []
    for mode in a.modes.split(","):
        port = free_port()
        server_env = env_for(url, SINERGI_AUDIT_GROUP_COMMIT=mode)
        proc = subprocess.Popen([BIN, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=server_env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            body = json.dumps({"email": "officer@demo.sinergi.id", "password": PASSWORD}).encode()
            req = urllib.request.Request(base + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"})
            token = json.loads(urllib.request.urlopen(req).read())["token"]
            people = get(base + "/api/v1/foreigners?per=100", token)["items"]
            details = [f"/api/v1/foreigners/{p['id']}?purpose=supervision" for p in people]
            lookups = [f"/api/v1/lookup?passport={p['passportNumber']}&purpose=fieldCheck" for p in people if p.get("passportNumber")]
            endpoints = {"healthz": ("/healthz", ["/healthz"]), "detail": ("detail read (audited)", details),
                         "lookup": ("passport look-up (audited)", lookups)}
            for name, paths in (endpoints[e] for e in a.endpoints.split(",")):
                before = audit_count(url, env)
                r = wrk(base, paths, token, a.seconds, a.connections)
                time.sleep(1)
                after = audit_count(url, env)
                r.update(name=name, mode=mode, events=after - before)
                rows.append(r)
                print(json.dumps(r), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print()
    print(f"| group commit | endpoint | requests/s | p50 ms | p99 ms | answers | non-2xx | audit events written |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mode']} | {r['name']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['requests']} | {r['non2xx']} | {r['events']} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
