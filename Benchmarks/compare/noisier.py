#!/usr/bin/env python3
"""The same linkage set with more slips in the right file than its generator made.

    python3 noisier.py SET_DIR OUT_DIR

Each generator here has its own noise model, and an independent one may type worse. This adds to the right file, row
by row (seed 13), on top of what is there:

- a slip in each name column with probability 0.3: a letter replaced (0.4), dropped (0.3), or swapped with the next;
- the birth date left empty with probability 0.2, or moved one day (as it is written: ISO or day first) with 0.15;
- one character of the document number replaced by a digit with probability 0.2.

The set's own roles are found from its header (the four generators here: foreigners, families, agency, travellers).
left.csv, truth.csv and schema.json are copied unchanged.
"""
import csv
import datetime
import os
import random
import re
import shutil
import sys

NAMES = {"family_name", "given_names", "surname", "first_name", "last_name", "first_names", "nama_lengkap", "full_name", "name"}
DATE = {"date_of_birth", "birth_date", "dob", "tanggal_lahir"}
DOCUMENT = {"passport_number", "passport_no", "document_no", "no_paspor"}
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")
DAY_FIRST = re.compile(r"(\d{1,2})([/.])(\d{1,2})[/.](\d{4})$")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def slip(rng, s):
    """One slip at a random letter of `s`: replaced, dropped, or swapped with the next."""
    if len(s) < 3:
        return s
    i = rng.randrange(len(s))
    if not s[i].isalpha():
        return s
    k = rng.random()
    if k < 0.4:
        return s[:i] + rng.choice(LETTERS) + s[i + 1:]
    if k < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:] if i < len(s) - 1 else s


def moved(rng, value):
    """The date one day earlier or later, written as it was; unchanged if it is not a date in either form."""
    m = ISO.match(value)
    try:
        if m:
            day = datetime.date(int(m[1]), int(m[2]), int(m[3])) + datetime.timedelta(days=rng.choice([-1, 1]))
            return day.isoformat()
        m = DAY_FIRST.match(value)
        if m:
            day = datetime.date(int(m[4]), int(m[3]), int(m[1])) + datetime.timedelta(days=rng.choice([-1, 1]))
            return f"{day.day:02d}{m[2]}{day.month:02d}{m[2]}{day.year}"
    except ValueError:
        pass
    return value


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: noisier.py SET_DIR OUT_DIR")
    src, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(13)
    with open(os.path.join(src, "right.csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    names = [k for k, h in enumerate(header) if h in NAMES]
    date = next((k for k, h in enumerate(header) if h in DATE), None)
    document = next((k for k, h in enumerate(header) if h in DOCUMENT), None)
    counts = {"name slips": 0, "dates emptied": 0, "dates moved": 0, "documents": 0}
    for row in rows[1:]:
        for k in names:
            if rng.random() < 0.3:
                row[k] = slip(rng, row[k])
                counts["name slips"] += 1
        if date is not None:
            x = rng.random()
            if x < 0.2:
                row[date] = ""
                counts["dates emptied"] += 1
            elif x < 0.35:
                row[date] = moved(rng, row[date])
                counts["dates moved"] += 1
        if document is not None and row[document] and rng.random() < 0.2:
            s = row[document]
            i = rng.randrange(len(s))
            row[document] = s[:i] + rng.choice("0123456789") + s[i + 1:]
            counts["documents"] += 1
    with open(os.path.join(out, "right.csv"), "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    for f in ("left.csv", "truth.csv", "schema.json"):
        if os.path.exists(os.path.join(src, f)):
            shutil.copy(os.path.join(src, f), os.path.join(out, f))
    print(out + ": " + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
