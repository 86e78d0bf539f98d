#!/usr/bin/env python3
"""Synthetic registry and agency list built from households: families, twins, siblings and namesakes.

    python3 generate_families.py --left 100000 --right 80000 --seed 7 --out DIR

Writes DIR/left.csv (registry), DIR/right.csv (agency list), DIR/truth.csv (left_id,right_id) and
DIR/schema.json (column kinds, for the peers). Deterministic for a given seed.
Columns: id,surname,first_name,birth_date,gender,citizenship,passport_no

Designed apart from generate_foreigners.py, to test what that generator cannot: the hard negatives here
come from the population's structure, not from copying a registry row.
- Names are drawn from Zipf-distributed pools (a few names are very common, most are rare).
- People live in households: children carry the father's family name, are born a few years apart,
  some are twins (same date of birth), and siblings often share a generational first token.
- Passports of one household were issued together: consecutive numbers, one digit apart.
- Some people have a placeholder birth date (1 January) in one source and the real one in the other.
- Household members missing from the registry still turn up in the agency list, next to their
  registered siblings and twins: the non-matches that agree on almost everything.
Noise on the agency side: keyboard-neighbour typos, phonetic respellings, dropped middle names and
initials, compound family names, birth dates one day or one year off, renewed passports (a new number
of a new series), OCR confusions O/0 I/1 S/5 B/8 Z/2, missing values.
"""
import argparse
import bisect
import csv
import itertools
import json
import os
import random

from linkset import write_right_and_truth

COMMON_FAMILY = ["NGUYEN", "KIM", "LI", "WANG", "ZHANG", "SINGH", "KUMAR", "SMITH", "TAN", "LEE", "PARK", "CHEN", "MUHAMMAD",
                 "GARCIA", "SANTOS", "TANAKA", "SATO", "KHAN", "ALI", "RODRIGUEZ", "LIU", "TRAN", "WONG", "LIM", "PATEL"]
COMMON_GIVEN = ["MUHAMMAD", "MARIA", "WEI", "MIN", "JOSE", "ANNA", "JOHN", "AHMED", "LING", "JUN", "ALI", "DAVID", "FATIMA",
                "YAN", "HUI", "JI", "MARK", "ROSE", "HIRO", "KEN", "SITI", "NUR", "ANH", "THI", "VAN"]
ONSETS = ["B", "CH", "D", "F", "G", "H", "J", "K", "KH", "L", "M", "N", "NG", "P", "R", "S", "SH", "T", "TH", "V", "W", "Y", "Z"]
NUCLEI = ["A", "E", "I", "O", "U", "AI", "AO", "EI", "IA", "OU", "UA"]
CODAS = ["", "", "", "N", "NG", "M", "R", "S", "K", "L"]
COUNTRIES = [("CHN", 25), ("KOR", 12), ("JPN", 10), ("IND", 10), ("VNM", 8), ("PHL", 8), ("MYS", 6), ("USA", 4), ("AUS", 3),
             ("DEU", 3), ("GBR", 3), ("BGD", 4), ("PAK", 4)]
KEYBOARD = {c: n for c, n in zip("QWERTYUIOPASDFGHJKLZXCVBNM",
                                 ["WA", "QES", "WRD", "ETF", "RYG", "TUH", "YIJ", "UOK", "IPL", "OL", "QSZ", "AWDX", "SEFC", "DRGV",
                                  "FTHB", "GYJN", "HUKM", "JIL", "KOP", "ASX", "ZSDC", "XDFV", "CFGB", "VGHN", "BHJM", "NJK"])}
PHONETIC = [("PH", "F"), ("F", "PH"), ("C", "K"), ("K", "C"), ("Y", "I"), ("I", "Y"), ("EI", "IE"), ("OU", "U"), ("SH", "S"),
            ("TH", "T"), ("V", "W"), ("W", "V"), ("KH", "K"), ("Z", "S")]
OCR = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z"}
FIELDS = ["id", "surname", "first_name", "birth_date", "gender", "citizenship", "passport_no"]


def word(rng, syllables):
    return "".join(rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS) for _ in range(syllables))


def zipf_pool(rng, common, size, exponent):
    """A name pool: the common names first, then invented ones; weights ∝ 1/rank^exponent."""
    names, seen = list(common), set(common)
    while len(names) < size:
        w = word(rng, rng.choice([2, 2, 3]))
        if w not in seen:
            seen.add(w); names.append(w)
    cumulative = list(itertools.accumulate(1 / (r + 1) ** exponent for r in range(size)))
    return names, cumulative


def draw(rng, pool):
    names, cumulative = pool
    return names[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]


class Population:
    def __init__(self, rng):
        self.rng = rng
        self.family = zipf_pool(rng, COMMON_FAMILY, 20_000, 1.05)
        self.given = zipf_pool(rng, COMMON_GIVEN, 8_000, 0.95)
        self.countries = [c for c, _ in COUNTRIES]
        self.country_weights = [w for _, w in COUNTRIES]
        self.serial = 0

    def passport_block(self, country, n):
        """Passports issued to one household on one day: consecutive numbers of one series."""
        rng = self.rng
        prefix = rng.choice("ABCDEFGHKLMNPRSTUWXYZ") + (rng.choice("ABCDEFGHKLMNPRSTUWXYZ") if country in ("AUS", "GBR", "PHL") else "")
        start = rng.randrange(10_000_000, 99_000_000)
        return [f"{prefix}{start + k:08d}" for k in range(n)]

    def date(self, year):
        rng = self.rng
        if rng.random() < 0.06:
            return f"{year:04d}-01-01"      # birthday unknown when registered: a placeholder
        return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def household(self):
        rng = self.rng
        country = rng.choices(self.countries, self.country_weights)[0]
        surname = draw(rng, self.family)
        people = []
        father_year = rng.randint(1950, 1990)
        size = rng.choices([1, 2, 3, 4, 5, 6], [25, 20, 20, 18, 10, 7])[0]
        adults = 1 if size == 1 else 2
        first = [draw(rng, self.given) + (" " + draw(rng, self.given) if rng.random() < 0.5 else "") for _ in range(adults)]
        people.append({"surname": surname, "first_name": first[0], "gender": rng.choice("MF"), "birth_date": self.date(father_year)})
        if adults == 2:
            own = rng.random() < 0.5          # the mother keeps her own family name half of the time
            people.append({"surname": draw(rng, self.family) if own else surname, "first_name": first[1], "gender": "F",
                           "birth_date": self.date(father_year + rng.randint(-4, 3))})
            people[0]["gender"] = "M"
        generation = draw(rng, self.given) if rng.random() < 0.3 else None     # siblings' shared first token
        year = father_year + rng.randint(20, 34)
        previous = None
        for _ in range(size - adults):
            if previous is not None and rng.random() < 0.12:
                dob = previous                   # twin
            else:
                year += rng.randint(1, 4) if previous is not None else 0
                dob = self.date(min(year, 2008))
            previous = dob
            given = (generation + " " + draw(rng, self.given)) if generation else draw(rng, self.given)
            people.append({"surname": surname, "first_name": given, "gender": rng.choice("MF"), "birth_date": dob})
        for p, number in zip(people, self.passport_block(country, len(people))):
            p["citizenship"] = country
            p["passport_no"] = number
        return people


def keyboard_typo(rng, s):
    letters = [k for k, c in enumerate(s) if c in KEYBOARD]
    if not letters:
        return s
    k = rng.choice(letters)
    return s[:k] + rng.choice(KEYBOARD[s[k]]) + s[k + 1:]


def phonetic(rng, s):
    options = [(a, b) for a, b in PHONETIC if a in s]
    if not options:
        return s
    a, b = rng.choice(options)
    k = s.find(a)
    return s[:k] + b + s[k + len(a):]


def agency_copy(rng, p, population):
    q = dict(p)
    for field in ("surname", "first_name"):
        r = rng.random()
        if r < 0.08:
            q[field] = keyboard_typo(rng, q[field])
        elif r < 0.18:
            q[field] = phonetic(rng, q[field])
    words = q["first_name"].split()
    r = rng.random()
    if len(words) > 1 and r < 0.15:
        q["first_name"] = words[0]                                       # middle name dropped
    elif len(words) > 1 and r < 0.22:
        q["first_name"] = words[0] + " " + words[1][0]                   # middle initial
    if rng.random() < 0.04:
        q["surname"] = q["surname"] + "-" + draw(rng, population.family)  # compound family name
    y, m, d = (int(x) for x in q["birth_date"].split("-")) if q["birth_date"] else (0, 0, 0)
    r = rng.random()
    if not q["birth_date"] or r < 0.08:
        q["birth_date"] = ""
    elif r < 0.13:
        q["birth_date"] = f"{y:04d}-01-01"                              # placeholder where the registry has the day
    elif r < 0.17:
        q["birth_date"] = f"{y:04d}-{m:02d}-{max(1, min(28, d + rng.choice([-1, 1]))):02d}"
    elif r < 0.20:
        q["birth_date"] = f"{y + rng.choice([-1, 1]):04d}-{m:02d}-{d:02d}"   # year from an age
    if q["birth_date"] and rng.random() < 0.4:
        y, m, d = q["birth_date"].split("-")
        q["birth_date"] = f"{d}-{m}-{y}"
    r = rng.random()
    if r < 0.15:
        q["passport_no"] = ""
    elif r < 0.35:
        q["passport_no"] = population.passport_block(q["citizenship"], 1)[0]          # renewed
    elif r < 0.45:
        q["passport_no"] = "".join(OCR.get(c, c) if rng.random() < 0.25 else c for c in q["passport_no"])
    if rng.random() < 0.03:
        q["gender"] = ""
    if rng.random() < 0.05:
        q["citizenship"] = ""
    return q


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--left", type=int, default=1000)
    ap.add_argument("--right", type=int, default=800)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    population = Population(rng)
    registry, unregistered = [], []
    while len(registry) < a.left:
        for p in population.household():
            (registry if rng.random() < 0.85 else unregistered).append(p)
    registry = registry[:a.left]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "left.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(FIELDS)
        for i, p in enumerate(registry):
            if rng.random() < 0.02:
                p = dict(p, birth_date="")
            w.writerow([f"L{i}"] + [p[f] for f in FIELDS[1:]])
    copies = int(a.right * 0.65)
    rows = [(f"L{i}", agency_copy(rng, registry[i], population)) for i in rng.sample(range(len(registry)), copies)]
    # The rest: unregistered members of registered households first (siblings, twins, spouses), then
    # people of new households (namesakes by the Zipf draw).
    extra = a.right - copies
    rng.shuffle(unregistered)
    others = unregistered[:extra]
    while len(others) < extra:
        others.extend(population.household())
    rows += [(None, agency_copy(rng, p, population)) for p in others[:extra]]
    rng.shuffle(rows)
    write_right_and_truth(a.out, FIELDS, [(truth, [p[f] for f in FIELDS[1:]]) for truth, p in rows])
    with open(os.path.join(a.out, "schema.json"), "w") as fh:
        json.dump({"name": ["surname", "first_name"], "date": ["birth_date"], "id": ["passport_no"],
                   "category": ["gender", "citizenship"], "date_format": "%Y-%m-%d"}, fh)


if __name__ == "__main__":
    main()
