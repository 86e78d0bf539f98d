#!/usr/bin/env python3
"""Writes a registry feed batch (docs/registry-feed.md) of N persons with passports, permits and addresses,
or a delta that changes `--delta` rows of such a batch.

  generate_feed.py OUT_DIR --persons 1000000 [--seed 1] [--sponsors 2000]
  generate_feed.py OUT_DIR --persons 1000000 --delta 10000      # changes for the batch above

The persons are spread over the villages of Surabaya's jurisdiction (35.15, 35.16, 35.78) read from the
project's regions table. A delta row is one of: a permit extended, a new address, a renewed passport,
a corrected given name — in that rotation — for evenly spaced persons.
"""
import argparse
import csv
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAMILY = ["ZHANG", "WANG", "LI", "LIU", "CHEN", "KIM", "LEE", "PARK", "SATO", "SUZUKI", "TANAKA", "KUMAR", "SHARMA", "NGUYEN", "TRAN",
          "SMITH", "MUELLER", "SCHMIDT", "SANTOS", "GARCIA", "TAN", "LIM", "WONG", "IVANOV", "ROSSI"]
GIVEN = ["WEI", "MIN", "JUN", "HAO", "YUNA", "JI HOON", "HIROSHI", "YUKI", "RAHUL", "PRIYA", "MINH", "LAN", "JOHN", "MARY", "ANNA",
         "PETER", "MARIA", "JOSE", "AHMAD", "SITI", "OLGA", "MARCO", "LUCA", "SARA", "DAVID"]
NAT = ["CHN", "KOR", "JPN", "IND", "VNM", "USA", "DEU", "PHL", "MYS", "RUS", "ITA", "TWN"]
TYPES = [("E23", "ITAS"), ("E28A", "ITAS"), ("E31", "ITAS"), ("ITAP", "ITAP"), ("C2", "ITK")]


def villages():
    with open(os.path.join(ROOT, "Sources", "App", "Resources", "regions.csv"), newline="", encoding="utf-8") as f:
        return [r["code"] for r in csv.DictReader(f) if r["level"] == "village" and r["code"][:5] in ("35.15", "35.16", "35.78")]


def person(i, rnd, vs):
    return {
        "ref": f"P{i:08d}", "family": FAMILY[rnd.randrange(len(FAMILY))], "given": GIVEN[rnd.randrange(len(GIVEN))],
        "sex": "MF"[rnd.randrange(2)], "dob": f"{rnd.randrange(1950, 2005)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}",
        "nat": NAT[rnd.randrange(len(NAT))], "passport": f"X{i:08d}", "village": vs[rnd.randrange(len(vs))],
        "type": TYPES[rnd.randrange(len(TYPES))], "start": f"2026-{rnd.randrange(1, 12):02d}-01", "sponsor": f"S{rnd.randrange(1, 2001):05d}",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--persons", type=int, required=True)
    ap.add_argument("--sponsors", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--delta", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    vs = villages()
    rnd = random.Random(a.seed)
    people = (person(i, rnd, vs) for i in range(a.persons))
    if a.delta:
        step = max(1, a.persons // a.delta)
        wanted = set(range(0, a.persons, step)[:a.delta])
        rows = {k: [] for k in ("foreigners", "passports", "permits", "addresses")}
        for i, p in enumerate(people):
            if i not in wanted:
                continue
            kind = (i // step) % 4
            end = str(int(p["start"][:4]) + 1) + p["start"][4:]
            if kind == 0:
                rows["permits"].append([p["ref"], f"PRM{i:09d}", p["type"][0], p["type"][1], p["start"], str(int(end[:4]) + 1) + end[4:], "active", p["sponsor"], "SBY"])
            elif kind == 1:
                rows["addresses"].append([p["ref"], f"Jl. Pindahan {i % 97}", vs[(i * 7) % len(vs)], "2026-11-15"])
            elif kind == 2:
                rows["passports"].append([p["ref"], f"Y{i:08d}", p["nat"], "2026-11-01", "2036-10-31"])
            else:
                rows["foreigners"].append([p["ref"], p["family"], p["given"] + " ALEX", p["sex"], p["dob"], p["nat"], ""])
        header = {"foreigners": "person_ref,family_name,given_names,sex,date_of_birth,nationality,place_of_birth",
                  "passports": "person_ref,number,issuing_country,issued_on,expires_on",
                  "permits": "person_ref,number,type,category,start_on,end_on,status,sponsor_ref,office_code",
                  "addresses": "person_ref,line,village_code,valid_from"}
        for name, rs in rows.items():
            with open(os.path.join(a.out, name + ".csv"), "w", newline="", encoding="utf-8") as f:
                f.write(header[name] + "\n")
                csv.writer(f, lineterminator="\n").writerows(rs)
        return
    with open(os.path.join(a.out, "sponsors.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sponsor_ref", "kind", "name", "nib", "npwp", "address", "village_code", "email", "phone"])
        for s in range(1, a.sponsors + 1):
            w.writerow([f"S{s:05d}", "company", f"PT Sponsor {s}", f"{9100000000000 + s}", "", f"Jl. Industri {s}", vs[s % len(vs)], "", ""])
    files = {n: open(os.path.join(a.out, n + ".csv"), "w", newline="", encoding="utf-8") for n in ("foreigners", "passports", "permits", "addresses")}
    w = {n: csv.writer(f, lineterminator="\n") for n, f in files.items()}
    w["foreigners"].writerow(["person_ref", "family_name", "given_names", "sex", "date_of_birth", "nationality", "place_of_birth"])
    w["passports"].writerow(["person_ref", "number", "issuing_country", "issued_on", "expires_on"])
    w["permits"].writerow(["person_ref", "number", "type", "category", "start_on", "end_on", "status", "sponsor_ref", "office_code"])
    w["addresses"].writerow(["person_ref", "line", "village_code", "valid_from"])
    for i, p in enumerate(people):
        end = str(int(p["start"][:4]) + 1) + p["start"][4:]
        w["foreigners"].writerow([p["ref"], p["family"], p["given"], p["sex"], p["dob"], p["nat"], ""])
        w["passports"].writerow([p["ref"], p["passport"], p["nat"], "2020-01-01", "2030-01-01"])
        w["permits"].writerow([p["ref"], f"PRM{i:09d}", p["type"][0], p["type"][1], p["start"], end, "active", p["sponsor"], "SBY"])
        w["addresses"].writerow([p["ref"], f"Jl. Mawar {i % 200}", p["village"], p["start"]])
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
