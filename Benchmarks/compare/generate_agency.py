#!/usr/bin/env python3
"""Synthetic immigration registry and Indonesian agency list (Excel-exported), with ground truth.

    python3 generate_agency.py --left 100000 --right 80000 --seed 11 --out DIR

Writes DIR/left.csv (the registry of stay permits), DIR/right.csv (an agency's list as it arrives from
Excel), DIR/truth.csv (left_id,right_id) and DIR/schema.json (column kinds, for the peers).
Columns, Indonesian headers on both sides:
id,nama_lengkap,tanggal_lahir,jenis_kelamin,kewarganegaraan,no_paspor,perusahaan,alamat

Designed apart from generate_foreigners.py, with another noise model: what an Indonesian office does to
a list of foreigners.
- One full-name column, in passport order in the registry and often in "given family" order, with a
  title (TN., NY., MR.), on the agency side; long names cut at 30 characters as old forms do.
- Foreign names written the Indonesian way: old and new spelling (OE/U, TJ/C, DJ/J, J/Y, SJ/SY), sounds
  Indonesian has no letter for (PH→F, V→F, TH→T, Q→K, X→KS, Z→S), double letters single.
- Dates mangled by Excel: serial numbers (25569 = 1970-01-01), month/day order swapped by the locale,
  two-digit years, digit slips giving impossible dates (1969-07-39, 4975-08-10), placeholders.
- Households: a worker, a spouse and children in consecutive rows, with the same family name, company
  and address; members missing from the registry still appear in the agency list.
- Companies in several forms: PT/CV before or after the name, with or without dots, Tbk, abbreviations.
- Sex as L/P (laki-laki/perempuan) and nationality as an Indonesian country name instead of a code.
"""
import argparse
import csv
import json
import os
import random

from linkset import write_right_and_truth

PEOPLE = {   # code: (weight, Indonesian name of the country, family names, given names, family name first)
    "CHN": (30, "TIONGKOK", ["ZHANG", "WANG", "LI", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "ZHOU", "WU", "XU", "SUN", "ZHU", "GAO",
                             "LIN", "HE", "GUO", "MA", "LUO", "LIANG", "SONG", "ZHENG", "XIE", "HAN", "TANG", "FENG", "YU", "DONG"],
            ["WEI", "JING", "XIU YING", "JUN", "QIANG", "LEI", "YANG", "JIE", "JUAN", "TAO", "XIAO MING", "CHAO", "XIN", "HONG JUN",
             "ZHI QIANG", "LI NA", "YUN", "HAI", "QING", "DE HUA", "ZI XUAN", "YU XUAN", "HAO RAN", "JIAN GUO"], True),
    "KOR": (14, "KOREA SELATAN", ["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM", "HAN", "SHIN", "SEO", "KWON"],
            ["MIN JUN", "SEO JUN", "JI HO", "HA EUN", "SEO YUN", "JI WOO", "DO YUN", "YE JUN", "SU BIN", "JI HUN", "EUN JI", "HYUN WOO"], True),
    "JPN": (10, "JEPANG", ["SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "ITO", "WATANABE", "YAMAMOTO", "NAKAMURA", "KOBAYASHI", "KATO"],
            ["HARUTO", "SOTA", "YUTO", "HINATA", "YUI", "AOI", "RIN", "KOUKI", "SHOHEI", "TAKUMI", "NAOMI", "KENTA"], True),
    "IND": (10, "INDIA", ["SHARMA", "VERMA", "GUPTA", "SINGH", "PATEL", "REDDY", "NAIR", "IYER", "CHOUDHARY", "MEHTA", "JOSHI", "PILLAI"],
            ["RAJESH", "PRIYA", "VIKRAM", "DEEPAK", "ANJALI", "SURESH", "KAVYA", "ARJUN", "MOHAMMED ZUBAIR", "ABDUL RAHMAN", "SHREYA"], False),
    "PHL": (8, "FILIPINA", ["DELA CRUZ", "SANTOS", "REYES", "GARCIA", "MENDOZA", "TORRES", "VILLANUEVA", "RAMOS", "CASTILLO", "FLORES"],
            ["JOSEPH", "CHRISTOPHER", "MARY JOY", "JOHN PHILIP", "VIRGINIA", "MICHAEL", "JOSEPHINE", "RAPHAEL", "JENNIFER", "QUENNIE"], False),
    "MYS": (6, "MALAYSIA", ["ABDULLAH", "RAHMAN", "ISMAIL", "YUSOF", "OTHMAN", "HASHIM", "ZAINAL", "SULAIMAN"],
            ["MUHAMMAD HAKIM", "NUR IZZATI", "AHMAD FAUZI", "SITI ZULAIKHA", "MOHD SYAFIQ", "FARIDAH", "ZULKIFLI", "NORHAYATI"], False),
    "AUS": (4, "AUSTRALIA", ["SMITH", "JONES", "WILLIAMS", "BROWN", "WILSON", "TAYLOR", "JOHNSON", "WHITE", "MARTIN", "THOMPSON"],
            ["OLIVER", "CHARLOTTE", "JACK", "AMELIA", "WILLIAM", "OLIVIA", "THOMAS", "ISABELLA", "JAMES", "SOPHIE"], False),
    "NLD": (3, "BELANDA", ["DE JONG", "JANSEN", "DE VRIES", "VAN DEN BERG", "VAN DIJK", "BAKKER", "JANSSEN", "VISSER"],
            ["JOOST", "SANNE", "PIETER", "JOHANNES", "WILLEM", "FLEUR", "THIJS", "ANOUK"], False),
    "USA": (4, "AMERIKA SERIKAT", ["MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ", "ANDERSON", "THOMAS"],
            ["CHRISTOPHER", "MATTHEW", "JOSHUA", "ASHLEY", "JESSICA", "STEPHANIE", "ZACHARY", "VICTORIA"], False),
    "VNM": (5, "VIETNAM", ["NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "PHAN", "VU", "DANG"],
            ["VAN THANH", "THI MAI", "MINH QUAN", "THI HOA", "DUC ANH", "QUOC HUY", "THU TRANG", "XUAN PHUC"], True),
}
COMPANY_WORDS = ["MAJU", "JAYA", "SENTOSA", "ABADI", "MAKMUR", "SUMBER", "KARYA", "MANDIRI", "PRIMA", "NUSANTARA", "SAMUDRA", "INDAH",
                 "TEKNIK", "GLOBAL", "PERKASA", "CAHAYA", "BERSAMA", "SEJAHTERA", "INTI", "MEGAH", "BINTANG", "AGUNG", "TIMUR", "BARAT"]
STREETS = ["SUDIRMAN", "THAMRIN", "GATOT SUBROTO", "RASUNA SAID", "KEMANG RAYA", "PLUIT KARANG", "DIPONEGORO", "PEMUDA",
           "GAJAH MADA", "HAYAM WURUK", "MANGGA DUA", "BOULEVARD BARAT", "PANTAI INDAH KAPUK", "CIKINI RAYA", "WOLTER MONGINSIDI"]
DISTRICTS = [("KEBAYORAN BARU", "KEB. BARU"), ("TANAH ABANG", "TN. ABANG"), ("PENJARINGAN", "PENJARINGAN"), ("SETIABUDI", "SETIABUDI"),
             ("KELAPA GADING", "KLP. GADING"), ("BATAM KOTA", "BATAM KOTA"), ("CIKARANG UTARA", "CIKARANG UT."), ("KUTA", "KUTA")]
# Old and new Indonesian spelling, and letters Indonesian writes differently: (from, to).
SPELLING = [("U", "OE"), ("OE", "U"), ("C", "TJ"), ("TJ", "C"), ("J", "DJ"), ("Y", "J"), ("SY", "SJ"), ("CH", "K"), ("CH", "C"),
            ("PH", "F"), ("V", "F"), ("TH", "T"), ("Q", "K"), ("X", "KS"), ("Z", "S"), ("KH", "H"), ("EE", "I"), ("OO", "U"),
            ("LL", "L"), ("NN", "N"), ("TT", "T"), ("SS", "S"), ("MM", "M"), ("AE", "E")]
WHOLE_NAMES = {"MUHAMMAD": ["MUHAMAD", "MOCHAMAD", "MOCHAMMAD", "MOH."], "MOHAMMED": ["MUHAMAD", "MOCHAMAD"], "MOHD": ["MOH.", "MUHAMMAD"],
               "ABDUL RAHMAN": ["ABDURRAHMAN", "ABDURAHMAN"], "YUSOF": ["JUSUF", "YUSUF"], "CHRISTOPHER": ["KRISTOFER", "CHRISTOFER"],
               "JOSEPH": ["YOSEF", "JOSEF"], "JOHN": ["YOHANES", "JHON"], "PHILIP": ["FILIP"], "MICHAEL": ["MIKAEL", "MICHAIL"]}
EXCEL_EPOCH = 693594   # date.toordinal() of 1899-12-30: Excel's serial 0


def company_name(rng):
    words = rng.sample(COMPANY_WORDS, rng.choice([2, 2, 3]))
    return {"form": rng.choice(["PT", "PT", "PT", "CV"]), "words": words, "tbk": rng.random() < 0.15}


def company_text(rng, c, canonical):
    base = " ".join(c["words"])
    tbk = " TBK" if c["tbk"] else ""
    if canonical:
        return f"{c['form']} {base}{tbk}"
    style = rng.random()
    if style < 0.25:
        return f"{c['form']}. {base.title()}{' Tbk.' if c['tbk'] else ''}"
    if style < 0.45:
        return f"{base}, {c['form']}{tbk}"
    if style < 0.55:
        return ".".join(c["form"]) + ". " + base + tbk
    if style < 0.65:
        return c["form"] + " " + "".join(w[0] for w in c["words"])          # abbreviation: PT MJS
    if style < 0.70:
        return ""
    return f"{c['form']} {base}{tbk}"


def address(rng):
    return {"street": rng.choice(STREETS), "number": rng.randint(1, 250), "rt": rng.randint(1, 15), "rw": rng.randint(1, 12),
            "district": rng.choice(DISTRICTS)}


def address_text(rng, a, canonical):
    if canonical:
        return f"JL. {a['street']} NO. {a['number']} RT {a['rt']:03d}/RW {a['rw']:03d}, {a['district'][0]}"
    style = rng.random()
    if style < 0.4:
        return f"Jalan {a['street'].title()} {a['number']}, {a['district'][1].title()}"
    if style < 0.7:
        return f"JL {a['street']} NO {a['number']} RT{a['rt']}/RW{a['rw']} {a['district'][0]}"
    if style < 0.8:
        return ""
    return f"Jl. {a['street'].title()} No.{a['number']}"


def indonesian_spelling(rng, name):
    for whole, forms in WHOLE_NAMES.items():
        if whole in name and rng.random() < 0.7:
            name = name.replace(whole, rng.choice(forms), 1)
    for _ in range(rng.choice([1, 1, 2])):
        options = [(a, b) for a, b in SPELLING if a in name]
        if options:
            a, b = rng.choice(options)
            k = name.find(a)
            name = name[:k] + b + name[k + len(a):]
    return name


def excel_date(rng, y, m, d):
    """How an agency's spreadsheet shows a date of birth."""
    import datetime
    r = rng.random()
    if r < 0.35:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if r < 0.60:
        return f"{d:02d}/{m:02d}/{y:04d}"
    if r < 0.70:
        return f"{m}/{d}/{y:04d}"                          # a US-locale Excel: month first
    if r < 0.80:
        return str(datetime.date(y, m, d).toordinal() - EXCEL_EPOCH)    # the cell lost its date format
    if r < 0.85:
        return f"{d:02d}-{m:02d}-{y % 100:02d}"           # two-digit year
    if r < 0.89:
        slip = rng.random()
        if slip < 0.5:
            return f"{y:04d}-{m:02d}-{30 + rng.randint(2, 9)}"     # impossible day: 1969-07-39
        return f"{rng.choice([3, 4, 5])}{y % 1000:03d}-{m:02d}-{d:02d}"   # year slip: 4975-08-10
    if r < 0.92:
        return rng.choice(["", "-", "00/00/0000"])
    return f"{d} {['JAN', 'FEB', 'MAR', 'APR', 'MEI', 'JUN', 'JUL', 'AGU', 'SEP', 'OKT', 'NOV', 'DES'][m - 1]} {y}"


class World:
    def __init__(self, rng):
        self.rng = rng
        self.codes = list(PEOPLE)
        self.weights = [PEOPLE[c][0] for c in self.codes]
        self.companies = [company_name(rng) for _ in range(3000)]

    def passport(self, code):
        rng = self.rng
        return rng.choice("ABCEKMNPST") + "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 8])))

    def person(self, code, family, sex, year):
        rng = self.rng
        _, _, _, given, family_first = PEOPLE[code]
        g = rng.choice(given)
        full = f"{family} {g}" if family_first else f"{g} {family}"
        m, d = (1, 1) if rng.random() < 0.03 else (rng.randint(1, 12), rng.randint(1, 28))
        return {"code": code, "family": family, "given": g, "full": full, "sex": sex, "dob": (year, m, d), "passport": self.passport(code)}

    def household(self):
        rng = self.rng
        code = rng.choices(self.codes, self.weights)[0]
        family = rng.choice(PEOPLE[code][2])
        company = rng.choice(self.companies)
        home = address(rng)
        year = rng.randint(1960, 1995)
        members = [self.person(code, family, rng.choice("MF"), year)]
        if rng.random() < 0.45:
            members.append(self.person(code, family, "F" if members[0]["sex"] == "M" else "M", year + rng.randint(-5, 5)))
            child_year = year + rng.randint(22, 32)
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                child = self.person(code, family, rng.choice("MF"), min(child_year, 2010))
                if rng.random() < 0.08:
                    child["dob"] = members[-1]["dob"] if len(members) > 2 else child["dob"]     # twins
                members.append(child)
                child_year += rng.randint(1, 4)
        for p in members:
            p["company"], p["home"] = company, home
        return members


def registry_row(p):
    y, m, d = p["dob"]
    return [p["full"] if PEOPLE[p["code"]][4] else f"{p['family']} {p['given']}", f"{y:04d}-{m:02d}-{d:02d}", p["sex"], p["code"],
            p["passport"], company_text(None, p["company"], True), address_text(None, p["home"], True)]


def agency_row(rng, p, world):
    name = p["full"] if rng.random() < 0.5 else f"{p['given']} {p['family']}"
    if rng.random() < 0.35:
        name = indonesian_spelling(rng, name)
    if rng.random() < 0.10:
        name = rng.choice(["TN. ", "NY. ", "MR. ", "MRS. ", "SDR. "]) + name
    if len(name) > 30 and rng.random() < 0.5:
        name = name[:30]
    if rng.random() < 0.3:
        name = name.title()
    dob = excel_date(rng, *p["dob"])
    sex = p["sex"] if rng.random() < 0.5 else {"M": "L", "F": "P"}[p["sex"]]
    if rng.random() < 0.04:
        sex = ""
    nationality = p["code"] if rng.random() < 0.6 else PEOPLE[p["code"]][1]
    r = rng.random()
    passport = p["passport"]
    if r < 0.12:
        passport = ""
    elif r < 0.24:
        passport = world.passport(p["code"])              # renewed since the registry entry
    elif r < 0.30:
        passport = passport[:2] + " " + passport[2:]      # typed with a space
    return [name, dob, sex, nationality, passport, company_text(rng, p["company"], False), address_text(rng, p["home"], False)]


FIELDS = ["id", "nama_lengkap", "tanggal_lahir", "jenis_kelamin", "kewarganegaraan", "no_paspor", "perusahaan", "alamat"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--left", type=int, default=1000)
    ap.add_argument("--right", type=int, default=800)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    world = World(rng)
    registry, households = [], []
    while len(registry) < a.left:
        members = world.household()
        registered = [p for p in members if rng.random() < 0.88]
        for p in registered:
            p["row"] = len(registry)
            registry.append(p)
        households.append(members)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "left.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(FIELDS)
        for i, p in enumerate(registry[:a.left]):
            w.writerow([f"L{i}"] + registry_row(p))
    # The agency lists whole households together: registered members (copies, 70 % of rows) and their
    # unregistered relatives; then unrelated newcomers.
    rows, copies = [], 0
    rng.shuffle(households)
    for members in households:
        if len(rows) >= a.right:
            break
        if rng.random() < 0.35:
            continue
        for p in members:
            known = p.get("row") is not None and p["row"] < a.left
            if known and copies >= int(a.right * 0.7):
                continue
            rows.append((f"L{p['row']}" if known else None, agency_row(rng, p, world)))
            copies += known
    while len(rows) < a.right:
        for p in world.household():
            rows.append((None, agency_row(rng, p, world)))
    rows = rows[:a.right]
    write_right_and_truth(a.out, FIELDS, rows)
    with open(os.path.join(a.out, "schema.json"), "w") as fh:
        json.dump({"name": ["nama_lengkap"], "date": ["tanggal_lahir"], "id": ["no_paspor"], "category": ["jenis_kelamin", "kewarganegaraan"],
                   "text": ["perusahaan", "alamat"], "date_format": "%Y-%m-%d"}, fh)


if __name__ == "__main__":
    main()
