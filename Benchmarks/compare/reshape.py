#!/usr/bin/env python3
"""The same linkage set with its columns laid out otherwise, as other systems keep the same facts.

    python3 reshape.py SET_DIR OUT_DIR VARIANT

`reexport.py` changes how values are written; this changes which columns hold them. A matcher given files it has never
seen must find the same pairs whatever the layout, or lose only what the layout loses. VARIANT is one of:

- `split-date`: the birth date in three columns, `birth_year`, `birth_month`, `birth_day`, on both sides (the month
  as a number on the left, as its English abbreviation on the right, as a form's drop-down writes it). A value this
  script cannot read as a date is written whole in the year column (so nothing is lost).
- `year-only`: only the year of birth, `year_of_birth`, on both sides (a value it cannot read is left empty: the
  layout loses it, and the day and month of every date).
- `whole-name`: the name in one column, `full_name`, on both sides: given names first on the left; on the right the
  family name first, half of them as `FAMILY, GIVEN`.
- `right-whole-name`: the left file as it is, the right file's name in one column as above.
- `right-renamed`: the right file's columns in another order, named as another system names them (`Surname`,
  `Forenames`, `Birth Date`, `Gender`, `Citizenship`, `Travel Document No`).
- `right-no-document`: the right file without its passport or document column.
- `sex-codes`: the right file's sex as ISO/IEC 5218 (1 male, 2 female).
- `right-cyrillic`: the right file's Russian nationals (RUS) with their names in Cyrillic, as typed from a visa page
  (a simple reverse of the passport zone's transliteration: SHCH → Щ, ZH → Ж, KH → Х, IU/YU → Ю, IA/YA → Я …).

The set's own roles are found from its header (the four generators here: foreigners, families, agency, travellers).
Prints how many values the copy could not carry. truth.csv is copied unchanged.
"""
import csv
import os
import random
import re
import shutil
import sys

FAMILY = {"family_name", "surname", "last_name"}
GIVEN = {"given_names", "first_name", "first_names"}
WHOLE = {"nama_lengkap", "full_name", "name"}
DATE = {"date_of_birth", "birth_date", "dob", "tanggal_lahir"}
SEX = {"sex", "gender", "jenis_kelamin"}
COUNTRY = {"nationality", "citizenship", "kewarganegaraan"}
DOCUMENT = {"passport_number", "passport_no", "document_no", "no_paspor"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")
DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
VARIANTS = ["split-date", "year-only", "whole-name", "right-whole-name", "right-renamed", "right-no-document", "sex-codes",
            "right-cyrillic"]
CYRILLIC = [("SHCH", "Щ"), ("ZH", "Ж"), ("KH", "Х"), ("TS", "Ц"), ("CH", "Ч"), ("SH", "Ш"), ("IU", "Ю"), ("YU", "Ю"),
            ("IA", "Я"), ("YA", "Я"), ("A", "А"), ("B", "Б"), ("V", "В"), ("G", "Г"), ("D", "Д"), ("E", "Е"), ("Z", "З"),
            ("I", "И"), ("K", "К"), ("L", "Л"), ("M", "М"), ("N", "Н"), ("O", "О"), ("P", "П"), ("R", "Р"), ("S", "С"),
            ("T", "Т"), ("U", "У"), ("F", "Ф"), ("Y", "Ы")]


def cyrillic(name):
    out, k, up = "", 0, name.upper()
    while k < len(up):
        for latin, letter in CYRILLIC:
            if up.startswith(latin, k):
                out += letter
                k += len(latin)
                break
        else:
            out += up[k]
            k += 1
    return out


def role(header, names):
    found = [h for h in header if h in names]
    return found[0] if found else None


def date_parts(v):
    """(year, month, day) of the forms the generators write unambiguously; None for any other."""
    m = ISO.match(v)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = DAY_FIRST.match(v)
        if not m:
            return None
        d, mo, y = (int(x) for x in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return y, mo, d


def reshape(rows, header, side, variant, rng, lost):
    date, family, given, whole = role(header, DATE), role(header, FAMILY), role(header, GIVEN), role(header, WHOLE)
    sex, document = role(header, SEX), role(header, DOCUMENT)
    out_header = list(header)
    out_rows = [dict(r) for r in rows]
    if variant in ("split-date", "year-only") and date:
        k = out_header.index(date)
        new = ["birth_year", "birth_month", "birth_day"] if variant == "split-date" else ["year_of_birth"]
        out_header[k:k + 1] = new
        for r in out_rows:
            v = r.pop(date)
            p = date_parts(v)
            if variant == "split-date":
                if p:
                    y, mo, d = p
                    r.update(birth_year=str(y), birth_month=str(mo) if side == "left" else MONTHS[mo - 1], birth_day=str(d))
                else:
                    r.update(birth_year=v, birth_month="", birth_day="")        # written whole: read as the original
            else:
                r["year_of_birth"] = str(p[0]) if p else ""
                lost[0] += bool(v) and not p
    if (variant == "whole-name" or (variant == "right-whole-name" and side == "right")) and family and given:
        k = out_header.index(family)
        out_header = [h for h in out_header if h not in (family, given)]
        out_header.insert(k, "full_name")
        for r in out_rows:
            f, g = r.pop(family).strip(), r.pop(given).strip()
            if side == "left":
                r["full_name"] = " ".join(x for x in (g, f) if x)
            elif rng.random() < 0.5:
                r["full_name"] = f + ", " + g if f and g else f or g
            else:
                r["full_name"] = " ".join(x for x in (f, g) if x)
    if side == "right" and variant == "right-renamed":
        names = {family: "Surname", given: "Forenames", whole: "Name", date: "Birth Date", sex: "Gender",
                 role(header, COUNTRY): "Citizenship", document: "Travel Document No"}
        names = {k: v for k, v in names.items() if k}
        rest = [h for h in out_header if h not in names and h != "id"]
        order = ["id"] + [h for h in (given, family, whole, role(header, COUNTRY), date, sex, document) if h] + rest
        for r in out_rows:
            for old, new in names.items():
                r[new] = r.pop(old)
        out_header = [names.get(h, h) for h in order]
    if side == "right" and variant == "right-no-document" and document:
        out_header.remove(document)
        for r in out_rows:
            lost[0] += bool(r.pop(document))
    if side == "right" and variant == "right-cyrillic":
        country = role(header, COUNTRY)
        names = [h for h in (family, given, whole) if h]
        for r in out_rows:
            if country and r[country] == "RUS":
                for h in names:
                    r[h] = cyrillic(r[h])
    if side == "right" and variant == "sex-codes" and sex:
        for r in out_rows:
            r[sex] = {"M": "1", "L": "1", "F": "2", "P": "2"}.get(r[sex], r[sex])
    return out_header, out_rows


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in VARIANTS:
        sys.exit(__doc__)
    src, dst, variant = sys.argv[1:]
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(src, "truth.csv"), os.path.join(dst, "truth.csv"))
    rng = random.Random(5)
    lost = [0]
    for side in ("left", "right"):
        with open(os.path.join(src, side + ".csv"), newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header, rows = reader.fieldnames, list(reader)
        out_header, out_rows = reshape(rows, header, side, variant, rng, lost)
        with open(os.path.join(dst, side + ".csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=out_header)
            w.writeheader()
            w.writerows(out_rows)
    print(f"{variant}: {lost[0]} values the copy does not carry")


if __name__ == "__main__":
    main()
