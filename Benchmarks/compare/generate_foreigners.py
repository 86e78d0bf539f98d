#!/usr/bin/env python3
"""Synthetic foreigner registries for record-linkage tests and benchmarks, with ground truth.

    python3 generate_foreigners.py --left 1000000 --right 800000 --seed 1 --out DIR

writes DIR/left.csv (the immigration registry), DIR/right.csv (an agency list: 70 % noisy copies of
registry people, 30 % other people, among them hard negatives: namesakes, relatives, twins) and
DIR/truth.csv (left_id,right_id of the true pairs). Deterministic for a given seed. Columns:
id,family_name,given_names,sex,date_of_birth,nationality,passport_number

The noise is what makes Indonesian agency lists hard to reconcile: romanisation variants
(Zhang/Chang, Xu/Hsu, Li/Lee, Lee/Yi/Rhee, Muhammad/Mohammed/Mohd, Nguyễn/Nguyen), given and family
names swapped, given names truncated, typos, dates missing, day/month swapped or mistyped, passport
numbers with O/0 and I/1 confusions, mistyped, missing or renewed.
"""
import argparse
import csv
import os
import random

from linkset import write_right_and_truth

SYLLABLES_CN = ["WEI", "FANG", "NA", "MIN", "JING", "LEI", "JUN", "YANG", "JIE", "TAO", "MING", "CHAO", "XIU", "YING", "XIAO", "JIAN",
                "GUO", "HAI", "YAN", "YONG", "QIANG", "HONG", "LING", "HUA", "PING", "BIN", "BO", "GANG", "HUI", "KAI", "LONG", "PENG",
                "QING", "RONG", "SHAN", "TING", "WEN", "XIN", "YU", "ZHEN", "ZHI", "DONG", "FENG", "HAO", "JIA", "LIANG", "MEI", "NING"]
NATIONS = {
    "CHN": (30, ["ZHANG", "WANG", "LI", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU", "SUN", "MA", "ZHU", "HU", "GUO", "HE",
                 "LIN", "LUO", "GAO", "ZHENG", "LIANG", "XIE", "SONG", "TANG", "HAN", "FENG", "DENG", "CAO", "PENG", "ZENG", "XIAO", "TIAN",
                 "DONG", "PAN", "YUAN", "CAI", "JIANG", "YU", "DU", "YE", "CHENG", "WEI", "SU", "LU", "DING", "REN", "SHEN", "YAO", "JIN"], "cn"),
    "TWN": (8, ["CHANG", "HSU", "LIN", "CHEN", "WANG", "LEE", "HUANG", "WU", "TSAI", "CHOU", "LIU", "YEH", "KUO", "HSIEH", "TSENG", "CHIANG"], "tw"),
    "KOR": (14, ["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM", "HAN", "OH", "SEO", "SHIN", "KWON", "HWANG",
                 "AHN", "SONG", "YOO", "HONG"], "kr"),
    "JPN": (12, ["SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE", "ITO", "YAMAMOTO", "NAKAMURA", "KOBAYASHI", "KATO", "YOSHIDA",
                 "YAMADA", "SASAKI", "YAMAGUCHI", "MATSUMOTO", "INOUE", "KIMURA", "HAYASHI", "SHIMIZU", "SAITO"], "jp"),
    "IND": (8, ["KUMAR", "SHARMA", "SINGH", "PATEL", "GUPTA", "REDDY", "IYER", "NAIR", "RAO", "MEHTA", "JOSHI", "VERMA", "KHAN", "DAS"], "in"),
    "MYS": (6, ["ABDULLAH", "AHMAD", "ISMAIL", "TAN", "LIM", "WONG", "HASSAN", "IBRAHIM", "OSMAN", "RAHMAN"], "my"),
    "VNM": (5, ["NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "PHAN", "VŨ", "ĐẶNG", "BÙI", "ĐỖ"], "vn"),
    "THA": (3, ["SRISAI", "WONGSAWAT", "CHAIYAPORN", "SUKSAWAT", "RATTANAPONG", "BOONMA", "KAEWKLA"], "th"),
    "PHL": (4, ["SANTOS", "REYES", "CRUZ", "BAUTISTA", "GARCIA", "MENDOZA", "RAMOS", "AQUINO"], "ph"),
    "DEU": (4, ["MÜLLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER", "BECKER"], "de"),
    "USA": (3, ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "WILSON"], "us"),
    "AUS": (3, ["SMITH", "JONES", "WILLIAMS", "BROWN", "WILSON", "TAYLOR", "ANDERSON"], "au"),
}
GIVEN = {
    "kr": ["MIN JUN", "SEO YEON", "JI HOON", "HYUN WOO", "JI WON", "SUNG MIN", "DONG HYUN", "YOUNG HO", "EUN JI", "SANG WOO", "JAE HYUN",
           "SO YEON", "KYUNG SOO", "HYE JIN", "SEUNG HO", "JIN YOUNG", "DA EUN", "MIN SEO", "WOO JIN", "YE JI"],
    "jp": ["HIROSHI", "TAKESHI", "KENJI", "YUKI", "DAISUKE", "AKIRA", "SHOTA", "HARUTO", "YUMIKO", "KAZUO", "KEIKO", "MASAHIRO",
           "TAKUYA", "NAOKI", "RYOTA", "AYUMI", "SHINJI", "TOMOKO", "YUSUKE", "KAORI"],
    "in": ["RAJESH", "AMIT", "SURESH", "PRIYA", "VIKRAM", "ANIL", "DEEPAK", "MUHAMMAD ARIF", "SANJAY", "RAHUL", "ANJALI", "RAVI",
           "MANOJ", "SUNITA", "ARJUN", "KAVITA", "NIKHIL", "POOJA", "MUHAMMAD IMRAN", "VIJAY"],
    "my": ["MUHAMMAD FAIZAL", "MUHAMMAD HAFIZ", "AHMAD ZAKI", "SITI AMINAH", "CHEE KEONG", "WEI LUN", "NUR AISYAH", "MUHAMMAD RIDZUAN",
           "AZLAN", "FARAH", "KHAIRUL", "SHARIFAH"],
    "vn": ["VĂN ĐỨC", "THỊ HƯƠNG", "MINH TUẤN", "QUỐC BẢO", "THANH HÀ", "VĂN HÙNG", "THỊ LAN", "HỮU PHƯỚC", "NGỌC ANH", "ĐÌNH KHOA"],
    "th": ["SOMCHAI", "SOMSAK", "NATTAPONG", "KANYA", "PORNTIP", "SUDA", "WICHAI", "ANAN", "MALEE", "PRASERT"],
    "ph": ["JOSE", "MARIA CRISTINA", "JUAN CARLOS", "MARK ANTHONY", "JOHN PAUL", "MARIA", "JERICHO", "ANGELICA", "RODEL", "JOY"],
    "de": ["THOMAS", "MICHAEL", "ANDREAS", "STEFAN", "JULIA", "KLAUS", "ANNA", "JÜRGEN", "SABINE", "MARKUS"],
    "us": ["JAMES", "ROBERT", "JOHN", "MICHAEL", "JENNIFER", "DAVID", "MARY", "WILLIAM", "ELIZABETH", "CHRISTOPHER"],
    "au": ["JACK", "OLIVER", "CHLOE", "LACHLAN", "MATTHEW", "SARAH", "EMILY", "JAMES", "CHARLOTTE", "BENJAMIN"],
}
# Spelling variants an agency clerk may write for the registry's spelling.
VARIANTS = {
    "ZHANG": ["CHANG", "CHEUNG"], "XU": ["HSU"], "LI": ["LEE"], "WANG": ["WONG"], "XIE": ["HSIEH"], "ZHOU": ["CHOU", "CHOW"],
    "CAI": ["TSAI"], "ZENG": ["TSENG"], "JIANG": ["CHIANG"], "GUO": ["KUO"], "YE": ["YEH"], "ZHU": ["CHU"], "ZHAO": ["CHAO"],
    "XIAO": ["HSIAO"], "GAO": ["KAO"], "SONG": ["SUNG"], "DONG": ["TUNG"], "DENG": ["TENG"], "ZHENG": ["CHENG"], "LIU": ["LAU"],
    "CHANG": ["ZHANG"], "HSU": ["XU"], "LEE": ["LI", "YI", "RHEE"], "TSAI": ["CAI"], "CHOU": ["ZHOU"], "KUO": ["GUO"],
    "PARK": ["BAK", "PAK"], "JUNG": ["JEONG", "CHUNG"], "CHOI": ["CHOE"], "YOON": ["YUN"], "SHIN": ["SIN"], "YOO": ["YU", "RYU"],
    "KANG": ["GANG"], "CHO": ["JO"], "LIM": ["IM"], "SEO": ["SUH"],
    "SATO": ["SATOU", "SATOH"], "ITO": ["ITOU", "ITOH"], "KATO": ["KATOU", "KATOH"], "SAITO": ["SAITOU", "SAITOH"], "YUKI": ["YUUKI"],
    "SHOTA": ["SHOUTA"], "RYOTA": ["RYOUTA"],
    "MUHAMMAD": ["MOHAMMED", "MOHAMAD", "MOHD", "MUHAMAD", "MOHAMMAD"], "AHMAD": ["AHMED"], "HASSAN": ["HASAN"],
    "NGUYỄN": ["NGUYEN"], "TRẦN": ["TRAN"], "LÊ": ["LE"], "PHẠM": ["PHAM"], "HOÀNG": ["HOANG"], "ĐẶNG": ["DANG"], "ĐỖ": ["DO"],
    "MÜLLER": ["MUELLER", "MULLER"], "JÜRGEN": ["JUERGEN", "JURGEN"],
}
OCR = {"0": "O", "O": "0", "1": "I", "I": "1"}


def passport(rng, nat):
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    L = lambda: rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
    return {"CHN": lambda: "E" + d(8), "TWN": lambda: "3" + d(8), "KOR": lambda: "M" + d(8), "JPN": lambda: "T" + L() + d(7),
            "IND": lambda: L() + d(7), "MYS": lambda: "A" + d(8), "VNM": lambda: "C" + d(7), "THA": lambda: "AA" + d(7),
            "PHL": lambda: "P" + d(7) + L(), "DEU": lambda: "C" + L() + d(7), "USA": lambda: "5" + d(8), "AUS": lambda: "PA" + d(7)}[nat]()


def person(rng, codes, weights):
    nat = rng.choices(codes, weights)[0]
    _, families, style = NATIONS[nat]
    family = rng.choice(families)
    if style in ("cn", "tw"):
        given = rng.choice(SYLLABLES_CN) + (" " + rng.choice(SYLLABLES_CN) if rng.random() < 0.6 else "")
        if style == "tw":
            given = given.replace(" ", "-")
    else:
        given = rng.choice(GIVEN[style])
    year = rng.randint(1955, 2004)
    dob = f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {"family_name": family, "given_names": given, "sex": rng.choice("MF"), "date_of_birth": dob, "nationality": nat,
            "passport_number": passport(rng, nat)}


def typo(rng, s):
    if len(s) < 3:
        return s
    k = rng.randrange(len(s))
    op = rng.random()
    if op < 0.33:
        return s[:k] + s[k + 1:]
    if op < 0.66:
        return s[:k] + rng.choice("ABCDEFGHIJKLMNOPRSTUWYZ") + s[k + 1:]
    if k < len(s) - 1:
        return s[:k] + s[k + 1] + s[k] + s[k + 2:]
    return s


def variant(rng, name):
    words = name.replace("-", " ").split()
    out = [rng.choice(VARIANTS[w]) if w in VARIANTS and rng.random() < 0.7 else w for w in words]
    return " ".join(out)


def noisy(rng, p):
    q = dict(p)
    q["family_name"] = variant(rng, q["family_name"]) if rng.random() < 0.35 else q["family_name"]
    q["given_names"] = variant(rng, q["given_names"]) if rng.random() < 0.35 else q["given_names"]
    if rng.random() < 0.10 and " " in q["given_names"]:
        q["given_names"] = q["given_names"].split()[0]                     # truncated
    if rng.random() < 0.10:
        q["given_names"] = q["given_names"].replace(" ", "")             # run together (XIAOMING)
    if rng.random() < 0.12:
        field = rng.choice(["family_name", "given_names"])
        q[field] = typo(rng, q[field])
    if rng.random() < 0.10:
        q["family_name"], q["given_names"] = q["given_names"], q["family_name"]   # swapped
    r = rng.random()
    y, m, d = q["date_of_birth"].split("-")
    if r < 0.10:
        q["date_of_birth"] = ""
    elif r < 0.18 and int(d) <= 12:
        q["date_of_birth"] = f"{y}-{d}-{m}"                                # day/month swapped
    elif r < 0.22:
        q["date_of_birth"] = f"{y}-{m}-{int(d) % 28 + 1:02d}"              # mistyped day
    if rng.random() < 0.5:
        q["date_of_birth"] = "/".join(reversed(q["date_of_birth"].split("-"))) if q["date_of_birth"] else ""  # DD/MM/YYYY
    r = rng.random()
    pn = q["passport_number"]
    if r < 0.18:
        q["passport_number"] = ""
    elif r < 0.30:
        q["passport_number"] = "".join(OCR.get(c, c) if rng.random() < 0.3 else c for c in pn)
    elif r < 0.35:
        q["passport_number"] = typo(rng, pn)
    elif r < 0.39:
        q["passport_number"] = passport(rng, q["nationality"])           # renewed passport
    if rng.random() < 0.05:
        q["sex"] = ""
    if rng.random() < 0.3:
        q["family_name"] = q["family_name"].title()
        q["given_names"] = q["given_names"].title()
    return q


FIELDS = ["id", "family_name", "given_names", "sex", "date_of_birth", "nationality", "passport_number"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--left", type=int, default=1000)
    ap.add_argument("--right", type=int, default=800)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    codes = list(NATIONS)
    weights = [NATIONS[c][0] for c in codes]
    os.makedirs(a.out, exist_ok=True)
    left = []
    with open(os.path.join(a.out, "left.csv"), "w", newline="", encoding="utf-8") as fl:
        w = csv.writer(fl, lineterminator="\n")
        w.writerow(FIELDS)
        for i in range(a.left):
            p = person(rng, codes, weights)
            left.append(p)
            w.writerow([f"L{i}"] + [p[k] for k in FIELDS[1:]])
    copies = int(a.right * 0.7)
    chosen = rng.sample(range(a.left), copies)
    rows = [(f"L{i}", noisy(rng, left[i])) for i in chosen]
    for _ in range(a.right - copies):
        r = rng.random()
        base = left[rng.randrange(a.left)]
        if r < 0.25:     # namesake: same names, other person
            p = person(rng, codes, weights)
            p.update(family_name=base["family_name"], given_names=base["given_names"], nationality=base["nationality"])
        elif r < 0.40:   # relative: same family name and nationality, same birth year
            p = person(rng, codes, weights)
            p.update(family_name=base["family_name"], nationality=base["nationality"], date_of_birth=base["date_of_birth"][:5] + p["date_of_birth"][5:])
        elif r < 0.45:   # twin: same family name and date of birth
            p = person(rng, codes, weights)
            p.update(family_name=base["family_name"], nationality=base["nationality"], date_of_birth=base["date_of_birth"])
        else:
            p = person(rng, codes, weights)
        rows.append((None, noisy(rng, p) if rng.random() < 0.5 else p))
    rng.shuffle(rows)
    write_right_and_truth(a.out, FIELDS, [(truth, [p[f] for f in FIELDS[1:]]) for truth, p in rows])


if __name__ == "__main__":
    main()
