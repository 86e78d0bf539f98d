#!/usr/bin/env python3
"""Jaro-Winkler kernel, one thread, 1,000,000 name pairs: Sinergi vs DuckDB (what splink uses) vs rapidfuzz.

    .venv/bin/python jw_bench.py BINARY
"""
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_foreigners as g  # noqa: E402

WORK = os.environ.get("SINERGI_BENCH_DIR", "/tmp/sinergi-bench")


def pairs(n=1_000_000, seed=3):
    rng = random.Random(seed)
    codes = list(g.NATIONS)
    weights = [g.NATIONS[c][0] for c in codes]
    out = []
    for _ in range(n):
        p = g.person(rng, codes, weights)
        a = (p["family_name"] + " " + p["given_names"]).encode("ascii", "ignore").decode()
        b = g.typo(rng, a) if rng.random() < 0.5 else (g.person(rng, codes, weights)["family_name"] + " " + p["given_names"]).encode("ascii", "ignore").decode()
        out.append((a, b))
    return out


def main():
    binary = sys.argv[1]
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, "jw_pairs.csv")
    ps = pairs()
    with open(path, "w") as fh:
        for a, b in ps:
            fh.write(f"{a},{b}\n")
    rows = []
    ours = json.loads(subprocess.run([binary, "bench-jw", path], capture_output=True, text=True, check=True).stdout)
    rows.append(("sinergi (Swift)", ours["pairsPerSecond"]))
    import duckdb
    con = duckdb.connect()
    con.execute("SET threads TO 1")
    con.execute(f"CREATE TABLE p AS SELECT * FROM read_csv('{path}', header=false, columns={{'a': 'VARCHAR', 'b': 'VARCHAR'}})")
    best = 1e9
    for _ in range(3):
        t = time.time()
        con.execute("SELECT sum(jaro_winkler_similarity(a, b)) FROM p").fetchone()
        best = min(best, time.time() - t)
    rows.append((f"DuckDB {duckdb.__version__} jaro_winkler_similarity", len(ps) / best))
    try:
        from rapidfuzz.distance import JaroWinkler
        best = 1e9
        for _ in range(3):
            t = time.time()
            s = 0.0
            for a, b in ps:
                s += JaroWinkler.similarity(a, b)
            best = min(best, time.time() - t)
        rows.append(("rapidfuzz JaroWinkler (Python loop)", len(ps) / best))
    except ImportError:
        pass
    print("| kernel | pairs/s, one thread |")
    print("|---|---|")
    for name, rate in rows:
        print(f"| {name} | {rate / 1e6:.2f} M |")


if __name__ == "__main__":
    main()
