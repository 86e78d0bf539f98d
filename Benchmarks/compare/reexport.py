#!/usr/bin/env python3
"""The same linkage set as two other systems would export it: the content kept, only the way it is written changed.

    python3 reexport.py SET_DIR OUT_DIR

A matcher that reads data it has never seen must not depend on how a file writes what it holds. This writes a copy
of a set (left.csv, right.csv, truth.csv) where:
- the headers are written as people write them (`Date of Birth`, `Passport Number`, `Family Name`), on both sides;
- the left file comes from a database: dates as `1985-07-09 00:00:00`, missing values as `NULL`, nationality as ISO
  alpha-2 (`DE`), sex as `Male` / `Female`;
- the right file comes from an American spreadsheet: dates month first (`7/9/1985`), missing values as `N/A`,
  nationality as the country's English name (`Germany`), sex as `male` / `female`.
A value the original writes in a form this script does not read (an impossible or Excel-mangled date, an unknown
code) is copied as it is. An engine reading both copies alike scores the same on them.
Country codes and names come from Sources/Matching/CountryCodes.swift (ISO 3166-1).
"""
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "..", "Sources", "Matching", "CountryCodes.swift")


def countries():
    alpha2, name = {}, {}
    for line in open(TABLE, encoding="utf-8"):
        parts = line.strip().split("|")
        if len(parts) == 3 and len(parts[0]) == 3 and parts[0].isupper():
            alpha2[parts[0]] = parts[1]
            names = [n for n in parts[2].split(";") if "," not in n]
            if names:
                name[parts[0]] = names[0]
    return alpha2, name


HEADERS = {"family_name": "Family Name", "surname": "Surname", "last_name": "Last Name", "given_names": "Given Names",
           "given_name": "Given Name", "first_name": "First Name", "first_names": "First Names", "date_of_birth": "Date of Birth",
           "birth_date": "Birth Date", "dob": "DOB", "tanggal_lahir": "Tanggal Lahir", "sex": "Sex", "gender": "Gender",
           "nationality": "Nationality", "citizenship": "Citizenship", "passport_number": "Passport Number",
           "passport_no": "Passport No.", "document_no": "Document No.", "no_paspor": "No. Paspor", "nama_lengkap": "Nama Lengkap",
           "jenis_kelamin": "Jenis Kelamin", "kewarganegaraan": "Kewarganegaraan", "perusahaan": "Perusahaan", "alamat": "Alamat"}
DATE_COLUMNS = {"date_of_birth", "birth_date", "dob", "tanggal_lahir"}
NATIONALITY_COLUMNS = {"nationality", "citizenship", "kewarganegaraan"}
SEX_COLUMNS = {"sex", "gender", "jenis_kelamin"}
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")
DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
SEX = {"M": "male", "L": "male", "F": "female", "P": "female"}


def date(v, side):
    m = ISO.match(v)
    if m:
        y, mo, d = m.groups()
    else:
        m = DAY_FIRST.match(v)
        if not m or int(m.group(2)) > 12 or int(m.group(1)) > 31:
            return v
        d, mo, y = m.groups()
    if side == "left":
        return f"{y}-{int(mo):02d}-{int(d):02d} 00:00:00"
    return f"{int(mo)}/{int(d)}/{y}"


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    alpha2, name = countries()
    for side in ("left", "right"):
        with open(os.path.join(src, f"{side}.csv"), newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        with open(os.path.join(out, f"{side}.csv"), "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([HEADERS.get(h, h) for h in header])
            for row in rows[1:]:
                new = []
                for h, v in zip(header, row):
                    if h != "id" and v.strip() == "":
                        v = "NULL" if side == "left" else "N/A"
                    elif h in DATE_COLUMNS:
                        v = date(v.strip(), side)
                    elif h in NATIONALITY_COLUMNS and v.strip().upper() in alpha2:
                        c = v.strip().upper()
                        v = alpha2[c] if side == "left" else name.get(c, c)
                    elif h in SEX_COLUMNS and v.strip().upper() in SEX:
                        s = SEX[v.strip().upper()]
                        v = s.capitalize() if side == "left" else s
                    new.append(v)
                w.writerow(new)
    with open(os.path.join(src, "truth.csv"), encoding="utf-8") as a, open(os.path.join(out, "truth.csv"), "w", encoding="utf-8") as b:
        b.write(a.read())


if __name__ == "__main__":
    main()
