#!/usr/bin/env python3
"""The same linkage set with more slips in the right file than its generator made.

    python3 noisier.py SET_DIR OUT_DIR

Each generator here has its own noise model, and an independent one may type worse. This adds to the right file, row
by row (seed 13), on top of what is there:

- a slip in each name column with probability 0.3: a letter replaced (0.4), dropped (0.3), or swapped with the next;
- the birth date left empty with probability 0.2, or moved one day with 0.15, where it reads one way only: ISO, or
  day first with a day over 12 or dots (DD.MM.YYYY); other forms (a month-first export, an Excel serial number, a
  month's name) are left as they are;
- one character of the document number replaced by another digit with probability 0.2.

The set's own roles are found from its header (the four generators here: foreigners, families, agency, travellers);
it stops if it finds no name, date or document column. Prints how many values it changed (only real changes are
counted). left.csv, truth.csv and schema.json are copied unchanged.
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
    """One slip at a random letter of `s`: replaced by another letter, dropped, or swapped with a different next one;
    `s` unchanged if it has fewer than three characters or the place drawn is not a letter."""
    if len(s) < 3:
        return s
    i = rng.randrange(len(s))
    if not s[i].isalpha():
        return s
    k = rng.random()
    if k < 0.4:
        return s[:i] + rng.choice(LETTERS.replace(s[i].upper(), "")) + s[i + 1:]
    if k < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:] if i < len(s) - 1 and s[i + 1] != s[i] else s


def moved(rng, value):
    """The date one day earlier or later, written as it was, where it reads one way only (ISO; day first with a day over
    12 or dots); unchanged otherwise."""
    try:
        m = ISO.match(value)
        if m:
            day = datetime.date(int(m[1]), int(m[2]), int(m[3])) + datetime.timedelta(days=rng.choice([-1, 1]))
            return day.isoformat()
        m = DAY_FIRST.match(value)
        if m and (int(m[1]) > 12 or m[2] == "."):
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
    if not names or date is None or document is None:
        sys.exit(f"noisier.py: {src}/right.csv has no name, date or document column this script knows ({', '.join(header)})")
    counts = {"name slips": 0, "dates emptied": 0, "dates moved": 0, "documents": 0}

    def change(row, k, value, what):
        if value != row[k]:
            row[k] = value
            counts[what] += 1

    for row in rows[1:]:
        for k in names:
            if rng.random() < 0.3:
                change(row, k, slip(rng, row[k]), "name slips")
        x = rng.random()
        if x < 0.2:
            change(row, date, "", "dates emptied")
        elif x < 0.35:
            change(row, date, moved(rng, row[date]), "dates moved")
        if row[document] and rng.random() < 0.2:
            s = row[document]
            i = rng.randrange(len(s))
            digits = "0123456789".replace(s[i], "")
            change(row, document, s[:i] + rng.choice(digits) + s[i + 1:], "documents")
    with open(os.path.join(out, "right.csv"), "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    for f in ("left.csv", "truth.csv", "schema.json"):
        if os.path.exists(os.path.join(src, f)):
            shutil.copy(os.path.join(src, f), os.path.join(out, f))
    print(out + ": " + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
