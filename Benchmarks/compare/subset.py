#!/usr/bin/env python3
"""The same linkage set with other rows: how much of the list is in the registry, how long the list is, which file is
which.

    python3 subset.py SET_DIR OUT_DIR VARIANT

`reexport.py` and `reshape.py` keep every row and change how it is written or laid out. A list from another agency also
differs in what it holds: every generator here puts about 70 % of the list's rows in the registry, and a list may hold
far fewer (a police check of a street, a hotel's guests), or be a few hundred rows. VARIANT is one of:

- `few`: the right file keeps every row without a true pair and one in ten of those with one (seed 5), so about one
  row in five of the list is in the registry;
- `half`: as `few`, keeping half of the rows with a true pair;
- `list-1000`, `list-200`: that many of the right file's rows, drawn at random (seed 9), against the whole left file;
- `swapped`: the left and right files exchanged (the truth's columns too).

truth.csv is written for the rows kept; schema.json (the peers' column kinds) is copied where the set has one.
"""
import csv
import os
import random
import shutil
import sys

VARIANTS = ["few", "half", "list-1000", "list-200", "swapped"]


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in VARIANTS:
        sys.exit(f"usage: subset.py SET_DIR OUT_DIR {{{'|'.join(VARIANTS)}}}")
    src, out, variant = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(src, "truth.csv"), newline="") as fh:
        truth = [(r["left_id"], r["right_id"]) for r in csv.DictReader(fh)]
    if os.path.exists(os.path.join(src, "schema.json")):
        shutil.copy(os.path.join(src, "schema.json"), os.path.join(out, "schema.json"))
    if variant == "swapped":
        shutil.copy(os.path.join(src, "left.csv"), os.path.join(out, "right.csv"))
        shutil.copy(os.path.join(src, "right.csv"), os.path.join(out, "left.csv"))
        write(os.path.join(out, "truth.csv"), ["left_id", "right_id"], [(r, l) for l, r in truth])
        print(f"{out}: files exchanged, {len(truth)} true pairs")
        return
    header, rows = read(os.path.join(src, "right.csv"))
    ident = header.index("id")
    paired = {r for _, r in truth}
    if variant in ("few", "half"):
        share = 0.1 if variant == "few" else 0.5
        rng = random.Random(5)
        kept_pairs = {r for r in sorted(paired) if rng.random() < share}
        kept = [row for row in rows if row[ident] not in paired or row[ident] in kept_pairs]
    else:
        n = int(variant.split("-")[1])
        kept = random.Random(9).sample(rows, min(n, len(rows)))
    ids = {row[ident] for row in kept}
    write(os.path.join(out, "right.csv"), header, kept)
    shutil.copy(os.path.join(src, "left.csv"), os.path.join(out, "left.csv"))
    pairs = [(l, r) for l, r in truth if r in ids]
    write(os.path.join(out, "truth.csv"), ["left_id", "right_id"], pairs)
    print(f"{out}: {len(kept)} right rows, {len(pairs)} with a true pair ({len(pairs) / max(len(kept), 1):.0%})")


if __name__ == "__main__":
    main()
