#!/usr/bin/env python3
"""Synthetic registry of resident foreigners and a month of hotel guest reports, with ground truth.

    python3 generate_travellers.py --left 100000 --right 80000 --seed 23 --out DIR

Writes DIR/left.csv (the registry), DIR/right.csv (guest reports), DIR/truth.csv (left_id,right_id) and
DIR/schema.json (column kinds, for the peers). Deterministic for a given seed.
Columns, English headers on both sides: id,last_name,first_names,dob,sex,nationality,document_no

Designed apart from the three other generators (session 44), with the noise of another source: a hotel's
report of foreign guests (the Indonesian APOA, Thailand's TM30), most of it read from the passport's
machine-readable zone, the rest typed at the front desk. The registry holds names as printed in the
passport's visual zone.
- Names from many scripts' romanisations, with diacritics, apostrophes, hyphens and particles
  (MÜLLER, NÚÑEZ, ØSTERGAARD, O'BRIEN, VAN DER BERG, ŞAHIN, NGUYỄN THỊ). About half the registry keeps the
  diacritics; the officer typed the rest without.
- Scanned reports (70 %): the machine-readable zone's transliteration (Ü → UE, Ö → OE, Å → AA, Ø → OE,
  ß → SS, Ñ → N, apostrophes dropped, hyphens as spaces), the name cut to the zone's 39 characters
  (long given names lose their end), OCR confusions (O/0, I/1, S/5, B/8, Z/2 in document numbers; a
  look-alike letter in a name now and then), Germany as D, British nationals as GBD/GBN/GBO now and
  then, an unspecified sex as X, birth years from two digits with a pivot of 50 in older software
  (1946 read as 2046), dates written DD.MM.YYYY.
- Typed reports (30 %): family and given names in each other's fields, middle names dropped, keyboard
  slips, diacritics dropped, month and day swapped by staff used to M/D/YYYY, dates as D/M/YYYY,
  nationality as a country's English or Indonesian name, sex or document number left out.
- Renewed passports: a new number of a new series since the registry last saw the person.
- Tourists (not residents, so not in the registry) are 30 % of the guests and drawn from the same
  name pools: namesakes of residents.
"""
import argparse
import csv
import json
import os
import random
import unicodedata

from linkset import write_right_and_truth

# code: (weight, English name, Indonesian name, family names, given names, family name first in speech)
PEOPLE = {
    "DEU": (10, "GERMANY", "JERMAN", ["MÜLLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER", "BECKER", "SCHULZ",
                                      "HOFFMANN", "SCHRÖDER", "KRÜGER", "GÖTZE", "BÖHM", "KÖHLER", "GROSSMANN", "WEISSMÜLLER"],
            ["JÜRGEN", "KLAUS", "STEFAN", "ANDREAS", "SABINE", "MONIKA", "JÖRG", "BÄRBEL", "UWE", "KARL HEINZ", "HANS PETER",
             "ANNA LENA", "MARIE SOPHIE", "LUKAS", "JONAS", "LEA"]),
    "FRA": (6, "FRANCE", "PRANCIS", ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "LEFÈVRE", "MOREAU", "GIRARD", "FRANÇOIS",
                                      "D'ARCY", "LE GALL", "DE LA FONTAINE"],
            ["JEAN PIERRE", "FRANÇOIS", "HÉLÈNE", "CÉLINE", "JÉRÔME", "ÉLODIE", "MARIE CLAIRE", "CHLOÉ", "THÉO", "LOUIS", "ANAÏS"]),
    "ESP": (5, "SPAIN", "SPANYOL", ["GARCÍA", "FERNÁNDEZ", "GONZÁLEZ", "RODRÍGUEZ", "LÓPEZ", "MARTÍNEZ", "SÁNCHEZ", "PÉREZ", "NÚÑEZ",
                                     "GARCÍA LÓPEZ", "MUÑOZ", "IBÁÑEZ"],
            ["JOSÉ MARÍA", "MARÍA JOSÉ", "JOSÉ LUIS", "ÁLVARO", "LUCÍA", "SOFÍA", "JAVIER", "MIGUEL ÁNGEL", "ANA", "PEÑA", "IÑIGO"]),
    "NOR": (3, "NORWAY", "NORWEGIA", ["HANSEN", "JOHANSEN", "OLSEN", "LARSEN", "ANDERSEN", "PEDERSEN", "NILSEN", "ØSTERGAARD",
                                       "BJØRNSTAD", "SÆTHER", "LØKKEN", "ÅSHEIM"],
            ["BJØRN", "ÅSE", "KJETIL", "SIGRID", "HÅKON", "SOLVEIG", "ØYVIND", "INGRID", "ERLEND", "TORE"]),
    "TUR": (4, "TURKEY", "TURKI", ["YILMAZ", "KAYA", "DEMİR", "ŞAHİN", "ÇELİK", "YILDIZ", "YILDIRIM", "ÖZTÜRK", "AYDIN", "ÖZDEMİR",
                                    "ARSLAN", "DOĞAN"],
            ["MEHMET", "MUSTAFA", "AYŞE", "FATMA", "EMİNE", "HÜSEYİN", "İBRAHİM", "ÖMER", "ŞÜKRÜ", "GÜL", "ÇAĞLA"]),
    "VNM": (8, "VIETNAM", "VIETNAM", ["NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "PHAN", "VŨ", "VÕ", "ĐẶNG", "BÙI", "ĐỖ"],
            ["THỊ LAN", "VĂN HÙNG", "THỊ HƯƠNG", "MINH TUẤN", "ĐỨC ANH", "THỊ THU HÀ", "QUỐC BẢO", "NGỌC ÁNH", "HỮU PHƯỚC", "THANH TÂM"]),
    "CHN": (18, "CHINA", "TIONGKOK", ["WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU", "SUN", "MA",
                                      "ZHU", "HU", "GUO", "HE", "LIN", "LUO", "GAO", "OUYANG", "SIMA"],
            ["WEI", "FANG", "NA", "XIUYING", "MIN", "JING", "LI", "QIANG", "LEI", "JUN", "YANG", "YONG", "YAN", "JIE", "TAO",
             "XIAOMING", "ZHIHAO", "YUTONG", "ZIHAN", "HAORAN"]),
    "KOR": (8, "SOUTH KOREA", "KOREA SELATAN", ["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM"],
            ["MIN-JUN", "SEO-YEON", "JI-HOON", "HA-EUN", "DO-YOON", "SU-AH", "JI-WOO", "YE-JIN", "HYUN-WOO", "EUN-BI"]),
    "IND": (8, "INDIA", "INDIA", ["SHARMA", "SINGH", "KUMAR", "PATEL", "GUPTA", "REDDY", "NAIR", "IYER", "DAS", "RAO", "KHAN"],
            ["RAHUL", "PRIYA", "AMIT", "SUNITA", "VENKATA RAMANA", "LAKSHMI", "MOHAMMED", "ANIL KUMAR", "SRI DEVI", "ARJUN"]),
    "GBR": (6, "UNITED KINGDOM", "INGGRIS", ["SMITH", "JONES", "TAYLOR", "BROWN", "WILLIAMS", "O'BRIEN", "O'CONNOR", "MCDONALD",
                                             "MACLEOD", "SMITH-JONES", "FFORDE", "ST JOHN"],
            ["JAMES", "OLIVER", "AMELIA", "ISLA", "GEORGE", "CHARLOTTE", "HARRY", "EMILY", "JOHN PAUL", "MARY ANNE"]),
    "NLD": (4, "NETHERLANDS", "BELANDA", ["DE JONG", "JANSEN", "DE VRIES", "VAN DEN BERG", "VAN DIJK", "BAKKER", "VAN DER MEER",
                                          "VAN 'T HOF", "DE GROOT", "VAN LEEUWEN"],
            ["JAN", "PIETER", "SANNE", "DAAN", "FLEUR", "JOOST", "EMMA", "SEM", "JOHANNES CORNELIS", "WILLEMIJN"]),
    "RUS": (6, "RUSSIA", "RUSIA", ["IVANOV", "SMIRNOV", "KUZNETSOV", "POPOV", "VASILYEV", "PETROV", "SOKOLOV", "MIKHAILOV",
                                    "FYODOROV", "ZAKHAROVA", "IVANOVA", "KOVALYOVA"],
            ["SERGEY", "ALEKSANDR", "DMITRIY", "YEKATERINA", "NATALYA", "OLGA", "YURIY", "ANDREY", "TATYANA", "ALEKSEY"]),
    "AUS": (6, "AUSTRALIA", "AUSTRALIA", ["SMITH", "JONES", "WILLIAMS", "BROWN", "WILSON", "TAYLOR", "NGUYEN", "MARTIN", "ANDERSON"],
            ["JACK", "OLIVIA", "NOAH", "CHARLOTTE", "WILLIAM", "MIA", "THOMAS", "ISLA", "LACHLAN", "MATILDA"]),
    "USA": (6, "UNITED STATES", "AMERIKA SERIKAT", ["JOHNSON", "MILLER", "DAVIS", "GARCIA", "RODRIGUEZ", "MARTINEZ", "WILSON",
                                                      "ANDERSON", "O'NEILL", "DE LA CRUZ"],
             ["MICHAEL", "JENNIFER", "CHRISTOPHER", "JESSICA", "MARY ELIZABETH", "ROBERT", "ASHLEY", "DANIEL", "EMILY ROSE", "TYLER"]),
}
CODES = list(PEOPLE)
WEIGHTS = [PEOPLE[c][0] for c in CODES]
# The machine-readable zone's transliteration (ICAO 9303), before anything else is removed.
MRZ = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Ø": "OE", "Æ": "AE", "ß": "SS", "Ñ": "N", "Ş": "S", "Ç": "C", "Ğ": "G",
       "İ": "I", "Đ": "D", "Ł": "L"}
LOOK_ALIKE = {"O": "D", "D": "O", "I": "L", "L": "I", "E": "F", "F": "E", "C": "G", "G": "C", "U": "V", "V": "U", "M": "N", "N": "M",
              "K": "X", "H": "N", "B": "R", "R": "B"}
OCR_DIGITS = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2"}
KEYBOARD = "QWERTYUIOPASDFGHJKLZXCVBNM"


def plain(s):
    """Without diacritics, as a keyboard without them types the name (Đ, Ø, Æ, ß and dotted İ by hand)."""
    for k, v in {"Đ": "D", "Ø": "O", "Æ": "AE", "ß": "SS", "İ": "I", "Ł": "L"}.items():
        s = s.replace(k, v)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def mrz_name(s):
    for k, v in MRZ.items():
        s = s.replace(k, v)
    s = plain(s).replace("'", "").replace("-", " ")
    return " ".join(s.split())


def slip(rng, s):
    """One keyboard slip: a neighbour key, a letter dropped or doubled, two swapped."""
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 3:
        return s
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.4:
        k = KEYBOARD.find(s[i])
        return s[:i] + (KEYBOARD[max(0, min(len(KEYBOARD) - 1, k + rng.choice((-1, 1))))] if k >= 0 else s[i]) + s[i + 1:]
    if kind < 0.6:
        return s[:i] + s[i + 1:]
    if kind < 0.8:
        return s[:i] + s[i] + s[i:]
    return s[:i - 1] + s[i] + s[i - 1] + s[i + 1:] if s[i - 1].isalpha() else s


# Given names built from syllables where that is how they are made: Chinese (written joined, XIAOMING), Korean
# (hyphenated, MIN-JUN), Vietnamese (a middle name and a given name).
SYLLABLES = {
    "CHN": ["XIAO", "MING", "HAO", "RAN", "ZI", "HAN", "YU", "TONG", "WEI", "JIE", "LI", "NA", "FANG", "JUN", "HUI", "LING", "QING", "YAN",
            "ZHI", "GANG", "JIAN", "GUO", "SHU", "FEN", "XIN", "YI", "CHEN", "BO", "KAI", "RUI"],
    "KOR": ["MIN", "JUN", "SEO", "YEON", "JI", "HOON", "HA", "EUN", "DO", "YOON", "SU", "AH", "WOO", "YE", "JIN", "HYUN", "BI", "SUNG",
            "HEE", "YOUNG", "JAE", "SANG", "HO", "KYUNG"],
    "VNM": ["LAN", "HÙNG", "HƯƠNG", "TUẤN", "ANH", "HÀ", "BẢO", "ÁNH", "PHƯỚC", "TÂM", "LINH", "DŨNG", "HẠNH", "QUANG", "TRANG", "NAM",
            "HIẾU", "THẢO", "KHOA", "VY"],
}
MIDDLE = {"VNM": ["THỊ", "VĂN", "ĐỨC", "MINH", "NGỌC", "THANH", "HỮU", "QUỐC"]}


def zipf(rng, pool):
    """The first names of a pool are the most common."""
    return pool[min(int(rng.paretovariate(1.1)) - 1, len(pool) - 1)] if rng.random() < 0.6 else rng.choice(pool)


def person(rng, k):
    code = rng.choices(CODES, WEIGHTS)[0]
    _, _, _, families, givens = PEOPLE[code]
    sex = rng.choice("MF")
    family = zipf(rng, families)
    if code == "ESP" and rng.random() < 0.6:   # two family names
        family = family.split(" ")[0] + " " + rng.choice(families).split(" ")[0]
    if code == "RUS" and sex == "F" and family.endswith(("OV", "EV", "IN")):
        family += "A"
    if code in SYLLABLES and rng.random() < 0.8:
        a, b = rng.sample(SYLLABLES[code], 2)
        given = (a + b) if code == "CHN" else (a + "-" + b) if code == "KOR" else (rng.choice(MIDDLE[code]) + " " + a)
    else:
        given = zipf(rng, givens)
        if rng.random() < 0.3:   # a second given name
            other = rng.choice(givens).split(" ")[0]
            if other not in given.split(" "):
                given += " " + other
    year = int(rng.triangular(1944, 2012, 1985))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    series = rng.choice("ABCEGKLNPTUX")
    number = f"{series}{rng.randint(1000000, 9999999)}"
    return {"family": family, "given": given, "year": year, "month": month, "day": day, "sex": sex, "code": code, "doc": number}


def registry_row(rng, p):
    family, given = p["family"], p["given"]
    if rng.random() < 0.5:   # typed without diacritics
        family, given = plain(family), plain(given)
    if rng.random() < 0.02:
        given = slip(rng, given)
    sex = p["sex"] if rng.random() > 0.01 else ""
    return [family, given, f"{p['year']:04d}-{p['month']:02d}-{p['day']:02d}", sex, p["code"], p["doc"]]


def scanned_row(rng, p):
    family, given = mrz_name(p["family"]), mrz_name(p["given"])
    room = 39 - len(family) - 2
    if len(given) > room:   # the zone's 39 characters: the given names lose their end
        given = given[:max(room, 1)].strip()
    if rng.random() < 0.03:
        s = rng.choice(("family", "given"))
        v = family if s == "family" else given
        spots = [i for i, c in enumerate(v) if c in LOOK_ALIKE]
        if spots:
            i = rng.choice(spots)
            v = v[:i] + LOOK_ALIKE[v[i]] + v[i + 1:]
        family, given = (v, given) if s == "family" else (family, v)
    doc = p["doc"]
    if rng.random() < 0.12:   # renewed passport
        doc = rng.choice("ABCEGKLNPTUX") + str(rng.randint(1000000, 9999999))
    if rng.random() < 0.08:
        spots = [i for i, c in enumerate(doc) if c in OCR_DIGITS]
        if spots:
            i = rng.choice(spots)
            doc = doc[:i] + OCR_DIGITS[doc[i]] + doc[i + 1:]
    year = p["year"]
    if rng.random() < 0.25 and year % 100 < 50:   # older software: two-digit years pivot at 50
        year = 2000 + year % 100
    code = p["code"]
    if code == "DEU":
        code = "D"
    elif code == "GBR" and rng.random() < 0.2:
        code = rng.choice(("GBD", "GBN", "GBO"))
    sex = p["sex"] if rng.random() > 0.02 else "X"
    return [family, given, f"{p['day']:02d}.{p['month']:02d}.{year:04d}", sex, code, doc]


def typed_row(rng, p):
    family, given = plain(p["family"]), plain(p["given"])
    if rng.random() < 0.2 and " " in given:   # middle names dropped
        given = given.split(" ")[0]
    if rng.random() < 0.12:
        family = slip(rng, family)
    if rng.random() < 0.12:
        given = slip(rng, given)
    if rng.random() < 0.15:   # family and given names in each other's fields
        family, given = given, family
    day, month = p["day"], p["month"]
    if rng.random() < 0.05 and day <= 12:   # M/D/YYYY
        day, month = month, day
    dob = f"{day}/{month}/{p['year']}"
    if rng.random() < 0.03:
        dob = ""
    code = p["code"]
    r = rng.random()
    if r < 0.12:
        code = PEOPLE[p["code"]][1]
    elif r < 0.2:
        code = PEOPLE[p["code"]][2]
    sex = p["sex"] if rng.random() > 0.3 else ""
    doc = p["doc"] if rng.random() > 0.15 else ""
    if doc and rng.random() < 0.12:
        doc = rng.choice("ABCEGKLNPTUX") + str(rng.randint(1000000, 9999999))
    if doc and rng.random() < 0.05:
        doc = doc[:-2] + doc[-1] + doc[-2]   # the last two characters swapped
    return [family, given, dob, sex, code, doc]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--left", type=int, default=1000)
    ap.add_argument("--right", type=int, default=800)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    header = ["id", "last_name", "first_names", "dob", "sex", "nationality", "document_no"]
    residents = [person(rng, k) for k in range(a.left)]
    with open(os.path.join(a.out, "left.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for k, p in enumerate(residents):
            w.writerow([f"L{k}"] + registry_row(rng, p))
    # 70 % of the guests are residents travelling (each once), 30 % tourists from the same pools.
    travelling = rng.sample(range(a.left), min(a.left, int(a.right * 0.7)))
    guests = [(f"L{k}", residents[k]) for k in travelling] + [(None, person(rng, -1)) for _ in range(a.right - len(travelling))]
    rng.shuffle(guests)
    rows = [(truth, scanned_row(rng, p) if rng.random() < 0.7 else typed_row(rng, p)) for truth, p in guests]
    write_right_and_truth(a.out, header, rows)
    with open(os.path.join(a.out, "schema.json"), "w") as fh:
        json.dump({"name": ["last_name", "first_names"], "date": ["dob"], "id": ["document_no"],
                   "category": ["sex", "nationality"], "date_format": None}, fh)


if __name__ == "__main__":
    main()
