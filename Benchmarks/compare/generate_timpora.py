#!/usr/bin/env python3
"""generate_timpora.py -- synthetic Timpora joint-operation lists vs. an immigration registry.

Usage:  python3 generate_timpora.py --left N --right M [--seed S] --out DIR

Python 3 standard library only; the output is a pure function of (N, M, seed); default seed 20250517.
Writes DIR/left.csv (N registry rows, ids L0..), DIR/right.csv (M list rows, ids R0.., file order),
DIR/truth.csv (left_id,right_id; a list row has at most one registry person, a person may have many
list rows) and DIR/schema.json.  This generator was written without looking at the Sinergi matching
engine or at the project's other generators; its noise model is an independent guess at how such
data looks.

THE SOURCE
----------
left.csv is an extract of an immigration office's registry of foreign residents (in the spirit of
SIMKIM / the office's "data WNA"): name as in the passport, sex, birth date and place, nationality
(ISO alpha-3), passport number, stay permit (type + e-visa index, number, end date), sponsor
(penjamin), position from the RPTKA, registered address.  Columns: id, nama, jenis_kelamin (L/P),
tgl_lahir (ISO), tempat_lahir, kewarganegaraan, no_paspor, jenis_izin, no_izin, tgl_akhir_izin,
penjamin, jabatan, alamat.  At large N read it as a national extract: ~38 kabupaten/kota (industrial
estates of East Java, Bekasi/Karawang/Batam, nickel smelters of Morowali/Konawe/Halmahera, mines, Bali,
Jakarta, plantations, fishing ports, university towns).

right.csv is what the Timpora teams (immigration, police, manpower office, army, Satpol PP,
kecamatan, Kesbangpol) wrote down during a year of joint operations, all sheets concatenated in date
order under one header: id, kode_kegiatan, tgl_kegiatan, instansi, lokasi, nama, jenis_kelamin,
tgl_lahir, umur, kewarganegaraan, no_paspor, no_izin, perusahaan, jabatan, alamat, keterangan.
Each operation kept its own layout; a column an operation did not have is empty for its rows.

schema.json: name [nama], date [tgl_lahir], id [no_paspor, no_izin], category [jenis_kelamin,
kewarganegaraan], text [penjamin, alamat], date_format null (the list's dates come in many formats),
right_columns {perusahaan: penjamin}: the list's employer column is the registry's sponsor (added for the
peers, which need the same column names on both sides; the other columns carry the same names).

THE REGISTRY POPULATION (left)
------------------------------
* Sponsors: companies by sector (factory 38%, office 24%, hospitality 11%, construction 8%, plantation
  5%, education 5%, smelter 3%, mine 3%, fishing 3% of sponsors), employees per sponsor Pareto
  (alpha 1.25) times a sector scale (smelter 40, mine 10, construction 5, fishing 4, factory 3, ...),
  capped at 1.2% of N; at N=1M the largest smelter has 12,000 foreign workers, the median sponsor 4.
  Names in several styles (PT HUA XING NICKEL INDONESIA, PT DONGWOO ELECTRONICS, PT YAMATO SEIKI
  INDONESIA, PT SINAR ABADI TEXTILE, schools, pesantren).
* Each sponsor has a home nationality drawn from its sector's mix (smelters 91% CHN; factories CHN 35,
  KOR 17, JPN 17, TWN 8, IND 6, ...; hospitality AUS, RUS, FRA, GBR, ...); 85% of its employees (95% at
  smelters) share it.  Chinese sponsors recruit from two home provinces (60% of employees born there)
  and 25% of their Chinese employees carry one of two "village" surnames; 5% of employees are a
  brother/cousin of a previous co-worker (same surname, for CN/KR 70% a shared generation syllable,
  birth date within a few years, same birthplace).
* Families: an employee brings a family with probability 3.5% (CHN) to 40% (Western), higher for
  directors and managers: spouse (90%) and 0-3 children, ITAS E31, same address.  Wives take the
  husband's surname in Japanese, Western, Filipino, Indian, Russian, Turkish, Nigerian, Thai...
  cultures, not in Chinese, Korean, Vietnamese ones; children take the father's surname, or a
  patronymic (Malay BIN/BINTI father's name, Arabic chain, Russian patronymic, MY-Indian A/L).
* Not employed by a sponsor: mixed-marriage spouses 7% (sponsor = the Indonesian spouse), retirees
  3.5%, students 3%, ITAP holders 5%, visit-permit (ITK) holders 7%.  Employees + families are the
  rest (about 56% employees incl. ~2% investors/directors, 19% family members).
* Names are generated per culture from frequency-ordered pools (real frequencies where known, Zipf by
  rank otherwise): Chinese pinyin (surname distribution of the PRC, 1-2 syllable given names),
  Taiwanese Wade-Giles with hyphen (CHIH-MING), Hong Kong / Malaysian / Singaporean dialect forms (TAN,
  LIM, NG; AH KOW), Korean (RR or older spellings, MINJUN / MIN-JUN / MIN JUN), Japanese (long vowels),
  Vietnamese (NGUYEN 38%, VAN/THI middles), Thai (long compound surnames, every person has a nickname),
  Filipino (middle name = mother's surname, MA., JR.), Malay (MUHAMMAD/MOHD ... BIN ...), Malaysian
  Indian (A/L, A/P), North and South Indian (KUMAR, SINGH/KAUR, mononyms, father's name as surname),
  Bangladeshi/Pakistani (MD ..., BEGUM/KHATUN/AKTER), Arabic (given + father + grandfather + AL-family;
  Egyptian chains; Hadrami Yemeni families), English, German, French, Dutch (particles), Russian,
  Ukrainian, Uzbek, Nigerian, Turkish, Portuguese/Timorese, Myanmar (no family name).  Nationalities
  mix cultures (MYS: Malay 55 / Chinese 30 / Indian 15; SGP; AUS/USA/GBR with Chinese, Indian... names).
  Long tails: besides the frequency-ordered head of common names, a share of surnames is composed
  from real name parts (Japanese 72%, English 72%, German 75%, French 78%, Dutch 72%, Russian and
  Ukrainian 70%, Turkish 60%, Nigerian 60%; Japanese given names 45%), so that e.g. SMITH is ~1% of
  English names and SATO ~1.5% of Japanese, while Chinese (single-syllable given names 15%),
  Korean, Vietnamese, Malay and South Asian names stay as concentrated as they really are.  At the
  100k scale about 22% of registry persons share their exact full name with another person (Chinese
  28%, Korean 20%, Japanese 13%, Indian 47%, Vietnamese 40%, Australian 8%).
* How the registry prints a name: GIVEN SURNAME (85%) or legacy SURNAME GIVEN (15%); one-field names
  (Malay, MY-Chinese, MY-Indian, Myanmar) as printed; Filipino middle name dropped in 30%; a mononym
  as is (60%), "FNU X" (15%) or "X X" (25%); German umlauts MRZ-folded (MUELLER) 60%, stripped 30%,
  kept 10%; other diacritics stripped 75%; Japanese long vowels dropped (86%) or OH (14%).
* Registry errors: name typo 0.4%, day/month of birth swapped 0.2%, birth date blank 0.1%, sex blank
  0.1%, birthplace blank 3%, sponsor blank for some ITAP/ITK holders; birth date 1 January for 10% of
  BGD/PAK/MMR/NGA/YEM/EGY nationals (unknown real date).  15% of persons also hold an older passport,
  5% renewed their passport without the registry knowing, 3% of AUS/NZL/CAN/USA/GBR/HKG nationals (and
  Turkish Germans) hold a second nationality's passport.
* The file is shuffled: L-ids carry no information.

THE OPERATIONS (right)
----------------------
* Kinds, as shares of list rows (fixed at every scale): workplace inspections 70% (factories,
  smelters, mines, sites, plantations, offices, hotels), residential sweeps (kos, apartments,
  housing) 11%, tourism lodging (villas, homestays) 7%, entertainment venues (karaoke, spa, bar) 4%,
  fishing ports/vessels 3%, schools/universities/pesantren 3%, other (markets, shops) 2%.  Dates
  Monday-Saturday 2025; rows are in date order, within an operation in sheet (random) order.
* Who is met.  Workplace: a sample of the sponsor's employees (lognormal, median 2 + 0.35 x staff,
  capped 60, at most 400 per operation; bigger sponsors are inspected more often, weight staff^0.8);
  6% of those rows are workers of another sponsor in the area (subcontractors, visitors).  Plus
  unregistered workers at the sponsor's share u (50% of sponsors 3%, 30% 12%, 20% 35%; x1.6 for
  smelters, construction, fishing; x U(0.5,1.5)), and in 15% of operations 1+ newly arrived ones.
  Other kinds: registered share 68% (residential), 45% (tourism), 20% (entertainment), 72% (schools),
  30% (ports), 50% (other), drawn from the area's residents (non-workers for tourism 70% / all
  entertainment, students for schools).
* Not in the registry (no truth pair): permit still in process (40% of unregistered at workplaces),
  working on a visit visa (33%), holding an ITAS from another office (22%; they show a KITAS and are
  written like registered people), overstayers (5%); elsewhere tourists, visit-visa workers at venues
  (Uzbek, Chinese, Vietnamese, Thai, Russian...), overstayers (Nigerian, Bangladeshi...), fishing crew
  (Myanmar, Vietnam...).  15% of unregistered workers are relatives of a registered co-worker (same
  surname, CN/KR generation syllable 60%, same birthplace).  Namesakes arise from the name frequencies.
* The same people are met again: each registered person is sampled independently per operation (at
  the 100k scale 36% of the registry appears, 36% of them more than once); an unregistered person is
  re-met with probability 35% (workplace pool), 25% residential, 8% tourism, 30% entertainment, 35%
  schools, 25% ports, 20% other.  0.4% of rows repeat a person already on the same sheet.
* Teams differ.  Carefulness (careful / normal / sloppy) by agency: immigration 50/40/10, manpower
  35/45/20, police (Polres) 25/50/25, Polsek 15/45/40, Kodim 15/45/40, Kesbangpol 20/50/30, Koramil,
  Satpol PP, kecamatan 10/40/50.  A sheet is handwritten then typed up in 10/30/60% of operations
  (careful/normal/sloppy), and 30% of typed sheets went through a spreadsheet that mangles values.
* Where each row's data came from (registered persons; careful / normal / sloppy):
  passport 55/38/18%, KITAS card 30/22/12%, photocopy 5/10/10%, the employer's HR list 6/18/25%,
  told orally (often through an interpreter or HR staff) 4/12/35%; no HR list outside workplaces,
  ports and schools (its share goes mostly to oral).  Unregistered persons have no KITAS:
  passport 55/35/18, photocopy 10/12/12, HR 15/20/22, oral 20/33/48.
* Sheet layout per operation: birth date column 55%, "TTL" place + date in one cell 12%, an age
  column instead 15%, birth year only 6%, none 12%; date style dd-mm-yyyy 22%, dd/mm/yyyy 21%,
  d/m/yyyy 5%, dd.mm.yyyy 4%, dd/mm/yy 5%, "12 Maret 1985" 14%, "12-Mar-1985" (Indonesian abbreviations)
  4%, passport style "12 MAR 1985" 9%, ISO 8%, Excel en-US (day<=12 read as month: day and month swap,
  otherwise the typed text stays) 8%; sex column 82% coded L/P 45%, LK/PR 15%, LAKI-LAKI/PEREMPUAN 20%,
  M/F 10%, PRIA/WANITA 10%; nationality column 95%, written in Indonesian (Tiongkok/RRT/China/Cina/RRC,
  Korsel, Jepang...) 45%, ISO3 18%, English 20%, "WN x" 7%, mixed 10%; passport column 72%, one merged
  "passport / permit" column 12%, none 16%; a separate permit column in 30% of passport-column sheets;
  employer 95% (workplaces) / 40%; position 40%; address 85% (residential, tourism) / 30%; remarks 65%
  (filled in 60% of rows); letter case upper 50%, Title 38%, mixed 10%, lower 2%; missing values
  written as empty 70%, "-" 25%, "TIDAK ADA" 3%, "N/A" 2%.
* Concatenation accidents per operation: passport and permit columns swapped (5% of sheets having
  both), another date (permit end, arrival) under tgl_lahir (1% of birth-date sheets), nationality
  written into the name cell "ZHANG WEI (RRT)" (3% of sheets).

NAME NOISE (nama), rates per row
--------------------------------
(doc = copied from passport/KITAS/photocopy; rates given as doc careful/normal/sloppy, HR, oral)
* Nicknames / English names instead of or beside the name: Thai nickname 2% / 10% / 35%; English
  and Nigerian short names 2 / 12 / 28%; Filipino 1 / 8 / 20%; English names of Chinese, Taiwanese,
  HK, Malaysian-Chinese and Korean staff 1.5 / 16 / 14% (persons having one: CN 12%, TW 35%, HK 50%,
  MY-Chinese 35%, KR 20%).  From documents (and 30% of HR uses) it is appended: "... ALS JACK".
* Spelling variant per name word: doc 2 / 3.5 / 6%, HR 10%, oral 35%.  Variants are culture
  specific: pinyin as an Indonesian hears it (ZH->J/Z/CH, X->S/SY/SH, Q->C/CH/K, C->TS, -ONG->-UNG,
  -UI->-UEI, -IAN->-IEN...); other romanisations of a Chinese surname (CHEN/CHAN/TAN/TJEN...);
  Taiwanese names re-romanised in pinyin by mainland HR 30% of non-document rows; Korean RR vs older
  (LEE/YI/RHEE, PARK/PAK, JUNG/JEONG/CHUNG, SEONG/SUNG...); Japanese long vowels (SATO/SATOH/SATOU/
  SATOO) and Kunrei (SHI->SI, FU->HU); Vietnamese diacritics (NGUYỄN) and heard forms; Thai (PH/P,
  PORN/PHON, W/V); Russian/Ukrainian passport vs. popular transliteration (IULIIA/YULIA, OLEKSANDR/
  ALEKSANDR, -OV/-OFF); Muslim and Arabic names (MUHAMMAD/MOHAMMED/MOHD/MD, HUSSEIN/HUSAIN, AL-/AL /
  EL-), Malay (YUSOF/YUSUF, BIN -> B./BN), German/Turkish letters folded (MÜLLER/MULLER/MUELLER),
  Western (SMITH/SMYTH, CLARK/CLARKE, STEVEN/STEPHEN), Indian (LAKSHMI/LAXMI, DEEPAK/DIPAK), Myanmar.
* Word order: East Asian names surname first doc 55%, HR 80%, oral 85% (Japanese 50/55/45%);
  given-first cultures surname first doc 18% (a quarter of them "SURNAME, GIVEN"), HR 12%, oral 5%.
* Chinese/Taiwanese/Korean given syllables: doc as in passport 80%; HR spaced 55%, joined 40%,
  hyphenated 5%; oral spaced 70%, joined 30%.
* Parts left out or added: oral: given name only 6-8%, "MR./MRS. SURNAME" 3-4%; Vietnamese middle
  name dropped 1% / 5% / 15% (doc/HR/oral); second given names kept doc 55% (10% of them as initials),
  HR 40%, oral 15%; Filipino middle name full/initial/dropped doc 45/25/30, HR 30/30/40, oral 5/10/85;
  Russian patronymic added HR 5%, oral 6% (FIO order); Malay leading MUHAMMAD/NUR/SITI... dropped
  2/10/30%, BIN-part dropped 8/25/45%, "BIN" abbreviated 15%; MY-Indian A/L part dropped 10/40/40%;
  Arabic chain full / first+family / first+father / first only: doc 50/30/20/0, HR 30/40/30/0, oral
  15/45/30/10; long Myanmar names shortened (oral 10%); multi-word surnames (DELA CRUZ, VAN DEN BERG,
  DA COSTA) joined, cut to the last word or abbreviated 30%; South-Indian initial style "R. VENKATESH"
  doc 15%, else 30%.
* Indonesian spelling of a heard word (SH->SY, CH->C, V->F, Z->J, OO->U, ...): 15% of oral rows.
* Typing/handwriting slips: 2 / 5 / 12% of rows by carefulness, +4% handwritten, +3% oral; 20% of them
  get a second slip; handwritten sheets confuse similar letters (N/M, U/V, A/O, E/C, I/L...), typed
  ones hit neighbouring keys (substitution 40%, deletion 25%, doubling 17%, transposition 18%).
* Chinese characters copied from a Chinese HR list: 4% of Chinese HR rows ("ZHANG WEIGUO (张伟国)",
  30% characters only).  Titles before the name (MR., MRS., TN., NY., SDR., BPK., IBU; U/DAW/KO/MA for
  Myanmar): 0.5 / 2 / 6% + 4% oral.  "(ISTRI)/(SUAMI)/(ANAK)" after family members in residential and
  tourism sheets: 12%.  Stray double or trailing space: 1%.

OTHER FIELDS
------------
* tgl_lahir / umur: blank 2 / 6 / 15% (+25% oral, +5% HR); oral rows in a birth-date sheet give an
  age instead 40% ("± 35 TH"); ages from documents use the year difference 20% (off by one); oral
  ages are estimates (sd 3 years, 30% rounded to 5, 30% prefixed "±"); year only 1 / 2 / 5%; an
  unrelated date 0.3 / 0.6 / 1.5%; day and month swapped (day <= 12) 2 / 4 / 8% (+5% oral); year off by
  1 or 10 0.5 / 1 / 3%; day off 0.4 / 1 / 2.5%; an Excel serial number 3% in spreadsheet sheets; 8% of
  rows in another style than the sheet's; TTL place = passport birthplace (province for China),
  title-cased 50%, "PROV." 10%.
* jenis_kelamin: blank 1 / 3 / 8%, wrong 0.2 / 0.8 / 2% (+2% oral).
* kewarganegaraan: the person's nationality mistaken for a neighbour's (TWN->CHN 15%, HKG->CHN 25%,
  UKR->RUS 10%, KAZ->RUS 25%, UZB->RUS 12%, SGP->MYS 4%, BGD->IND 4%, PAK->IND 3%, NZL->AUS 8%,
  CAN->USA 6%, MMR->THA 3%, TLS->PHL 2%), another random error 0.2%, blank 0.5 / 2 / 6%; a sheet
  mostly sticks to one word per country (90%).
* no_paspor: oral rows blank or placeholder; HR rows blank 25%; an older passport from photocopies
  60% / HR 30% (persons having one), the newer unregistered passport 85% when the passport is shown,
  the other nationality's passport for dual nationals 50%; the KITAS number written instead 5 / 12 /
  25% of KITAS rows; placeholder 1 / 2 / 3%.  Transcription: one confusable character (O/0, I/1, S/5,
  B/8, Z/2, G/6, D/0, U/V, 7/1) at 0.4 / 1 / 2.5% per character (x2 handwritten), adjacent
  transposition 0.5 / 1.2 / 3%, a character dropped 0.3 / 0.8 / 2%, doubled 0.2 / 0.5 / 1.2%, leading
  letter left out 1 / 2 / 4%, space inserted 1.5 / 3 / 6%, dash added/removed 0.5 / 1 / 2%, lower case
  1 / 2 / 5%; leading zeros lost in spreadsheet sheets.
* no_izin: written from KITAS 90%, HR 60%, passport 35%, photocopy 30%, oral 5% (same transcription
  noise); when the registry's permit ended before the operation, half the persons carry a renewed
  permit with a new number; unregistered rows "DALAM PROSES"/"E-VISA" (30% of permit-in-process) or
  "VOA"/"VISA KUNJUNGAN" (30% of visitors).
* perusahaan: the inspected sponsor; a worker of another sponsor gets his own sponsor 50%; forms
  "PT." 18%, "P.T." 3%, without PT 15%, acronym "PT HXNI" 6%, without INDONESIA 35%, cut to three
  words 6%, typo 2 / 5 / 10%.
* jabatan: RPTKA position or a translation; 12% of workplace rows name a job outside the permit
  (welder, helper, driver...); IRT/PELAJAR/PENSIUNAN/TURIS/ABK/LC for others.
* alamat: the company mess, part of the registered address, or the lodging inspected.
* keterangan: free remarks (ITAS AKTIF, LENGKAP, PASPOR DITAHAN PERUSAHAAN, VOA, OVERSTAY, IZIN TINGGAL
  DALAM PROSES...); registered persons whose registry permit has ended get OVERSTAY/ITAS HABIS/PROSES
  PERPANJANGAN 60% -- remarks hint at registration status but never decide it.

RESULT (default seed, 100,000 x 80,000)
---------------------------------------
69.4% of list rows have a registry match; rows per matched person 1: 64%, 2: 24%, 3: 9%, 4: 2%,
5+: 1% (mean 1.53); matched names identical to the registry's (ignoring case and punctuation) 33%,
same words in another order 27%, spelled differently 40%; passport cell filled in 66% of matched rows
and then equal to the registry's 72%.  Empty cells in right.csv: jenis_kelamin 22%, tgl_lahir 31%
(ages in umur instead for part of them), kewarganegaraan 9%, no_paspor 35%, no_izin 91%.
Scale: 1,000,000 x 800,000 takes about 45 s and 1.1 GB on one core.
"""
import argparse
import bisect
import csv
import datetime
import json
import math
import os
import random
import sys
import unicodedata

DEFAULT_SEED = 20250517

# ---------------------------------------------------------------------------
# small utilities
# ---------------------------------------------------------------------------


class Pool(object):
    """Weighted choice over a fixed list (bisect over cumulative weights)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = list(items)
        c = 0.0
        cum = []
        for w in weights:
            c += w
            cum.append(c)
        self.cum = cum
        self.total = c

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def parse_pool(text, s=0.9, offset=1.5):
    """'A:5 B:3 C' -> Pool.  '_' inside a token becomes a space.
    Tokens without explicit weight get Zipf weights by rank (scaled to the
    explicit ones when mixed)."""
    items, weights, has_w = [], [], False
    toks = text.split()
    for i, t in enumerate(toks):
        if ":" in t and t.rsplit(":", 1)[1].replace(".", "").isdigit():
            name, w = t.rsplit(":", 1)
            w = float(w)
            has_w = True
        else:
            name, w = t, None
        items.append(name.replace("_", " "))
        weights.append(w)
    if not has_w:
        weights = [1.0 / ((i + offset) ** s) for i in range(len(items))]
    else:
        weights = [w if w is not None else 1.0 for w in weights]
    return Pool(items, weights)


def wpick(rng, pairs):
    """pairs: list of (item, weight) -- for rarely used choices."""
    tot = 0.0
    for _, w in pairs:
        tot += w
    x = rng.random() * tot
    for it, w in pairs:
        x -= w
        if x < 0:
            return it
    return pairs[-1][0]


def mkpairs(text, spaces=True):
    """'A_B:3 C:1' -> [("A B", 3.0), ("C", 1.0)]  (spaces=False keeps '_' for codes)"""
    out = []
    for t in text.split():
        k, w = t.rsplit(":", 1)
        out.append((k.replace("_", " ") if spaces else k, float(w)))
    return out


def pool_from_pairs(pairs):
    return Pool([p[0] for p in pairs], [p[1] for p in pairs])


def lognorm_int(rng, median, sigma, lo=1, hi=10 ** 9):
    v = int(round(median * math.exp(rng.gauss(0.0, sigma))))
    return max(lo, min(hi, v))


DIG = "0123456789"
UPP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def rdig(rng, n):
    return "".join([DIG[int(rng.random() * 10)] for _ in range(n)])


def rlet(rng, n, alphabet=UPP):
    la = len(alphabet)
    return "".join([alphabet[int(rng.random() * la)] for _ in range(n)])


def title_case(s):
    out = []
    for w in s.split(" "):
        if not w:
            out.append(w)
            continue
        # keep things like "A/L", "AL-HARBI" readable
        if "." in w:
            out.append(".".join(p[:1].upper() + p[1:].lower() for p in w.split(".")))
            continue
        parts = w.split("-")
        parts = [p[:1].upper() + p[1:].lower() for p in parts]
        out.append("-".join(parts))
    return " ".join(out)


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------

MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
             "Agustus", "September", "Oktober", "November", "Desember"]
MONTHS_ID_ABBR = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep",
                  "Okt", "Nov", "Des"]
MONTHS_EN_ABBR = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
                  "OCT", "NOV", "DEC"]
EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
ORD_2025 = datetime.date(2025, 1, 1).toordinal()


def ymd(o):
    d = datetime.date.fromordinal(o)
    return d.year, d.month, d.day


def iso(o):
    return datetime.date.fromordinal(o).isoformat()


def fmt_date(y, m, d, style):
    if style == "dmy-":
        return "%02d-%02d-%04d" % (d, m, y)
    if style == "dmy/":
        return "%02d/%02d/%04d" % (d, m, y)
    if style == "dmy/n":
        return "%d/%d/%04d" % (d, m, y)
    if style == "dmy.":
        return "%02d.%02d.%04d" % (d, m, y)
    if style == "dmy2":
        return "%02d/%02d/%02d" % (d, m, y % 100)
    if style == "dBulan":
        return "%d %s %d" % (d, MONTHS_ID[m - 1], y)
    if style == "dBln":
        return "%02d-%s-%d" % (d, MONTHS_ID_ABBR[m - 1], y)
    if style == "dMON":
        return "%02d %s %d" % (d, MONTHS_EN_ABBR[m - 1], y)
    if style == "iso":
        return "%04d-%02d-%02d" % (y, m, d)
    if style == "excel_us":
        # an Excel sheet in an en-US locale: a typed "dd/mm/yyyy" is parsed as
        # m/d/yyyy when the day is <= 12 (and then displayed m/d/yyyy);
        # otherwise it stays the text that was typed.
        if d <= 12:
            return "%d/%d/%04d" % (d, m, y)  # month and day swapped
        return "%02d/%02d/%04d" % (d, m, y)
    raise ValueError(style)


DATE_STYLES = mkpairs("dmy-:22 dmy/:21 dmy/n:5 dmy.:4 dmy2:5 dBulan:14 dBln:4 dMON:9 "
                      "iso:8 excel_us:8", spaces=False)

# ---------------------------------------------------------------------------
# nationalities: ISO3 -> (Indonesian forms, English forms)
# ---------------------------------------------------------------------------

NAT_NAMES = {
    "CHN": ("Tiongkok RRT China Cina RRC", "CHINA PRC"),
    "TWN": ("Taiwan", "TAIWAN"),
    "HKG": ("Hongkong Hong_Kong", "HONG KONG"),
    "KOR": ("Korea_Selatan Korsel Korea", "SOUTH_KOREA KOREA"),
    "JPN": ("Jepang", "JAPAN"),
    "VNM": ("Vietnam", "VIETNAM VIET_NAM"),
    "THA": ("Thailand", "THAILAND"),
    "PHL": ("Filipina", "PHILIPPINES"),
    "MYS": ("Malaysia", "MALAYSIA"),
    "SGP": ("Singapura", "SINGAPORE"),
    "IND": ("India", "INDIA"),
    "BGD": ("Bangladesh", "BANGLADESH"),
    "PAK": ("Pakistan", "PAKISTAN"),
    "SAU": ("Arab_Saudi Saudi_Arabia", "SAUDI_ARABIA"),
    "YEM": ("Yaman", "YEMEN"),
    "EGY": ("Mesir", "EGYPT"),
    "AUS": ("Australia", "AUSTRALIA"),
    "NZL": ("Selandia_Baru", "NEW_ZEALAND"),
    "USA": ("Amerika_Serikat Amerika AS", "USA UNITED_STATES"),
    "CAN": ("Kanada", "CANADA"),
    "GBR": ("Inggris Britania_Raya", "UNITED_KINGDOM UK BRITISH"),
    "DEU": ("Jerman", "GERMANY"),
    "FRA": ("Perancis Prancis", "FRANCE"),
    "NLD": ("Belanda", "NETHERLANDS HOLLAND"),
    "RUS": ("Rusia", "RUSSIA"),
    "UKR": ("Ukraina", "UKRAINE"),
    "KAZ": ("Kazakhstan", "KAZAKHSTAN"),
    "UZB": ("Uzbekistan", "UZBEKISTAN"),
    "NGA": ("Nigeria", "NIGERIA"),
    "TUR": ("Turki", "TURKEY TURKIYE"),
    "TLS": ("Timor_Leste", "TIMOR-LESTE TIMOR_LESTE"),
    "MMR": ("Myanmar", "MYANMAR"),
}
NAT_ID = {k: [x.replace("_", " ") for x in v[0].split()] for k, v in NAT_NAMES.items()}
NAT_EN = {k: [x.replace("_", " ") for x in v[1].split()] for k, v in NAT_NAMES.items()}
# what an officer might write instead (the person's nationality mistaken)
NAT_CONFUSE = {"TWN": ("CHN", 0.15), "HKG": ("CHN", 0.25), "UKR": ("RUS", 0.10),
               "KAZ": ("RUS", 0.25), "UZB": ("RUS", 0.12), "SGP": ("MYS", 0.04),
               "BGD": ("IND", 0.04), "PAK": ("IND", 0.03), "NZL": ("AUS", 0.08),
               "CAN": ("USA", 0.06), "MMR": ("THA", 0.03), "TLS": ("PHL", 0.02)}

# ---------------------------------------------------------------------------
# names.  Every pool is ordered by (rough) real frequency; weights are either
# given or Zipf by rank, so that common names are very common.
# ---------------------------------------------------------------------------

# --- Chinese (pinyin, as in PRC passports) ---------------------------------
CN_SURN_TXT = ("WANG:71 LI:70 ZHANG:66 LIU:53 CHEN:45 YANG:31 HUANG:22 ZHAO:21 WU:20 ZHOU:19 "
               "XU:15 SUN:15 MA:14 ZHU:13 HU:12 GUO:12 HE:11 GAO:10 LIN:10 LUO:9 ZHENG:9 "
               "LIANG:9 XIE:7 SONG:7 TANG:7 HAN:6 FENG:6 DENG:6 CAO:6 PENG:6 ZENG:5 XIAO:5 "
               "TIAN:5 DONG:5 PAN:4 YUAN:4 CAI:4 JIANG:4 YU:4 DU:4 YE:4 CHENG:4 WEI:4 SU:4 "
               "LV:3 DING:3 REN:3 LU:3 YAO:3 SHEN:3 ZHONG:3 CUI:2 TAN:2 FAN:2 LIAO:2 SHI:2 "
               "JIN:2 JIA:2 XIA:2 FU:2 FANG:2 ZOU:2 XIONG:2 BAI:2 MENG:2 QIN:2 QIU:2 HOU:2 "
               "YIN:2 XUE:2 YAN:2 DUAN:2 LEI:1 LONG:1 TAO:1 MAO:1 HAO:1 GU:1 GONG:1 SHAO:1 "
               "WAN:1 QIAN:1 HONG:1 KONG:1")
CN_SURN = parse_pool(CN_SURN_TXT)
# surname -> (Wade-Giles/Taiwan, Cantonese/HK, Hokkien-Teochew/MY-SG)
CN_DIALECT = {
    "WANG": ("WANG", "WONG", "ONG"), "LI": ("LI", "LEE", "LEE"), "ZHANG": ("CHANG", "CHEUNG", "TEO"),
    "LIU": ("LIU", "LAU", "LAU"), "CHEN": ("CHEN", "CHAN", "TAN"), "YANG": ("YANG", "YEUNG", "YEO"),
    "HUANG": ("HUANG", "WONG", "NG"), "ZHAO": ("CHAO", "CHIU", "TIO"), "WU": ("WU", "NG", "GOH"),
    "ZHOU": ("CHOU", "CHOW", "CHEW"), "XU": ("HSU", "HUI", "KOH"), "SUN": ("SUN", "SUEN", "SOON"),
    "MA": ("MA", "MA", "MAH"), "ZHU": ("CHU", "CHU", "CHOO"), "HU": ("HU", "WOO", "OOI"),
    "GUO": ("KUO", "KWOK", "KUEK"), "HE": ("HO", "HO", "HO"), "GAO": ("KAO", "KO", "KOH"),
    "LIN": ("LIN", "LAM", "LIM"), "LUO": ("LO", "LAW", "LOH"), "ZHENG": ("CHENG", "CHENG", "TAY"),
    "LIANG": ("LIANG", "LEUNG", "NEO"), "XIE": ("HSIEH", "TSE", "CHIA"), "SONG": ("SUNG", "SUNG", "SONG"),
    "TANG": ("TANG", "TONG", "TNG"), "HAN": ("HAN", "HON", "HAN"), "FENG": ("FENG", "FUNG", "PANG"),
    "DENG": ("TENG", "TANG", "TENG"), "CAO": ("TSAO", "TSO", "CHO"), "PENG": ("PENG", "PANG", "PHANG"),
    "ZENG": ("TSENG", "TSANG", "CHAN"), "XIAO": ("HSIAO", "SIU", "SIAW"), "TIAN": ("TIEN", "TIN", "TIAN"),
    "DONG": ("TUNG", "TUNG", "TANG"), "PAN": ("PAN", "POON", "PHUA"), "YUAN": ("YUAN", "YUEN", "WAN"),
    "CAI": ("TSAI", "CHOI", "CHUA"), "JIANG": ("CHIANG", "CHEUNG", "KANG"), "YU": ("YU", "YU", "YEE"),
    "DU": ("TU", "TO", "TOH"), "YE": ("YEH", "YIP", "YAP"), "CHENG": ("CHENG", "CHING", "CHENG"),
    "WEI": ("WEI", "NGAI", "WEE"), "SU": ("SU", "SO", "SOH"), "LV": ("LU", "LUI", "LU"),
    "DING": ("TING", "TING", "TENG"), "REN": ("JEN", "YAM", "JIN"), "LU": ("LU", "LO", "LOO"),
    "YAO": ("YAO", "YIU", "IOW"), "SHEN": ("SHEN", "SHUM", "SIM"), "ZHONG": ("CHUNG", "CHUNG", "CHONG"),
    "CUI": ("TSUI", "CHUI", "CHUI"), "TAN": ("TAN", "TAM", "TAM"), "FAN": ("FAN", "FAN", "HUAN"),
    "LIAO": ("LIAO", "LIU", "LIAW"), "SHI": ("SHIH", "SZE", "SIE"), "JIN": ("CHIN", "KAM", "KIM"),
    "JIA": ("CHIA", "KA", "KAH"), "XIA": ("HSIA", "HA", "HAH"), "FU": ("FU", "FU", "POH"),
    "FANG": ("FANG", "FONG", "HONG"), "ZOU": ("TSOU", "CHAU", "CHOW"), "XIONG": ("HSIUNG", "HUNG", "HIONG"),
    "BAI": ("PAI", "PAK", "PEH"), "MENG": ("MENG", "MANG", "BENG"), "QIN": ("CHIN", "CHUN", "CHIN"),
    "QIU": ("CHIU", "YAU", "KHOO"), "HOU": ("HOU", "HAU", "HAU"), "YIN": ("YIN", "WAN", "YIN"),
    "XUE": ("HSUEH", "SIT", "SIEH"), "YAN": ("YEN", "YIM", "GAN"), "DUAN": ("TUAN", "TUEN", "TUAN"),
    "LEI": ("LEI", "LUI", "LUI"), "LONG": ("LUNG", "LUNG", "LIONG"), "TAO": ("TAO", "TO", "TOH"),
    "MAO": ("MAO", "MO", "MOH"), "HAO": ("HAO", "HOK", "HOH"), "GU": ("KU", "KOO", "KOO"),
    "GONG": ("KUNG", "KUNG", "KONG"), "SHAO": ("SHAO", "SIU", "SIOW"), "WAN": ("WAN", "MAN", "BAN"),
    "QIAN": ("CHIEN", "CHIN", "CHEE"), "HONG": ("HUNG", "HUNG", "ANG"), "KONG": ("KUNG", "HUNG", "KHONG"),
}
CN_GIV_M = parse_pool("WEI JUN JIAN YONG JIE TAO QIANG LEI MING CHAO GANG PING HUI HUA BIN HAI PENG "
                      "FEI LONG FENG BO DONG ZHI GUO XIAO WEN HONG JIN LIANG HAO YU KAI XIN LIN JIA "
                      "CHENG QING SHAN SHENG DE FU GUI XIANG RONG ZHONG AN XU YANG CHUN HUAN YI "
                      "ZHEN ZE HANG RUI XUAN TIAN SONG", s=0.75)
CN_GIV_F = parse_pool("LI FANG NA MIN JING YAN JUAN XIA LING HONG YING HUI MEI LAN XIU YUN TING XUE "
                      "DAN YU HUA PING WEN JIA XIN YUE LU QIAN FEI SHU ZHEN CUI HUAN YI MENG XUAN "
                      "QING CHUN XIAO", s=0.75)
HANZI = {
    "WANG": "王", "LI": "李", "ZHANG": "张", "LIU": "刘", "CHEN": "陈", "YANG": "杨", "HUANG": "黄",
    "ZHAO": "赵", "WU": "吴", "ZHOU": "周", "XU": "徐", "SUN": "孙", "MA": "马", "ZHU": "朱", "HU": "胡",
    "GUO": "郭", "HE": "何", "GAO": "高", "LIN": "林", "LUO": "罗", "ZHENG": "郑", "LIANG": "梁",
    "XIE": "谢", "SONG": "宋", "TANG": "唐", "HAN": "韩", "FENG": "冯", "DENG": "邓", "CAO": "曹",
    "PENG": "彭", "ZENG": "曾", "XIAO": "肖", "TIAN": "田", "DONG": "董", "PAN": "潘", "YUAN": "袁",
    "CAI": "蔡", "JIANG": "蒋", "YU": "余", "DU": "杜", "YE": "叶", "CHENG": "程", "WEI": "魏",
    "SU": "苏", "LV": "吕", "DING": "丁", "REN": "任", "LU": "卢", "YAO": "姚", "SHEN": "沈",
    "ZHONG": "钟", "CUI": "崔", "TAN": "谭", "FAN": "范", "LIAO": "廖", "SHI": "石", "JIN": "金",
    "JIA": "贾", "XIA": "夏", "FU": "付", "FANG": "方", "ZOU": "邹", "XIONG": "熊", "BAI": "白",
    "MENG": "孟", "QIN": "秦", "QIU": "邱", "HOU": "侯", "YIN": "尹", "XUE": "薛", "YAN": "严",
    "DUAN": "段", "LEI": "雷", "LONG": "龙", "TAO": "陶", "MAO": "毛", "HAO": "郝", "GU": "顾",
    "GONG": "龚", "SHAO": "邵", "WAN": "万", "QIAN": "钱", "HONG": "洪", "KONG": "孔",
}
HANZI_GIV = {
    "WEI": "伟", "JUN": "军", "JIAN": "建", "YONG": "勇", "JIE": "杰", "TAO": "涛", "QIANG": "强",
    "LEI": "磊", "MING": "明", "CHAO": "超", "GANG": "刚", "PING": "平", "HUI": "辉", "HUA": "华",
    "BIN": "斌", "HAI": "海", "PENG": "鹏", "FEI": "飞", "LONG": "龙", "FENG": "峰", "BO": "波",
    "DONG": "东", "ZHI": "志", "GUO": "国", "XIAO": "晓", "WEN": "文", "HONG": "红", "JIN": "金",
    "LIANG": "亮", "HAO": "浩", "YU": "宇", "KAI": "凯", "XIN": "鑫", "LIN": "林", "JIA": "佳",
    "CHENG": "成", "QING": "庆", "SHAN": "山", "SHENG": "生", "DE": "德", "FU": "福", "GUI": "贵",
    "XIANG": "祥", "RONG": "荣", "ZHONG": "忠", "AN": "安", "XU": "旭", "YANG": "洋", "CHUN": "春",
    "LI": "丽", "FANG": "芳", "NA": "娜", "MIN": "敏", "JING": "静", "YAN": "燕", "JUAN": "娟",
    "XIA": "霞", "LING": "玲", "YING": "英", "MEI": "梅", "LAN": "兰", "XIU": "秀", "YUN": "云",
    "TING": "婷", "XUE": "雪", "DAN": "丹", "YUE": "月", "LU": "璐", "QIAN": "倩", "SHU": "淑",
    "ZHEN": "珍", "CUI": "翠", "HUAN": "欢", "YI": "怡", "MENG": "梦", "XUAN": "萱", "ZE": "泽",
    "HANG": "航", "RUI": "瑞", "TIAN": "天", "SONG": "松",
}
# Malaysian / Singaporean / Hong Kong Chinese given syllables (dialect romanisation)
DIALECT_GIV_M = parse_pool("WEI KOK CHEE KENG SENG HOCK BENG SOON LEONG MENG KIM CHOON TECK BOON HWA "
                           "KOW AH WAI KAH JUN YONG CHIN HONG KHENG HUAT LIANG KIAN MING KWAN TAI MAN "
                           "KA CHUN FAI SHING KEUNG HO KIN", s=0.7)
DIALECT_GIV_F = parse_pool("MEI LING SIEW YEE HUI PEI WAI LAI GEOK LIAN POH SOO CHIN YEN XIN HOOI "
                           "KIM AH SZE FONG KA YAN MAN WING SUK PING CHING", s=0.7)
ENGLISH_ALIAS_M = parse_pool("JACK KEVIN TONY LEO ERIC JASON PETER DAVID TOM FRANK ALLEN ANDY BILL STEVEN "
                             "VINCENT SUNNY JAMES MICHAEL JOHNNY SAM RAY BEN ALEX CHRIS DANIEL HENRY")
ENGLISH_ALIAS_F = parse_pool("LILY AMY CHERRY COCO LINDA GRACE HELEN VIVIAN JUDY ANNA JENNY SUSAN "
                             "CINDY WENDY ANGEL IVY JOY CHRISTINE")

PY_INITIALS = ["ZH", "CH", "SH", "B", "P", "M", "F", "D", "T", "N", "L", "G", "K", "H", "J",
               "Q", "X", "R", "Z", "C", "S", "Y", "W"]


def py_split(s):
    for i in PY_INITIALS:
        if s.startswith(i):
            return i, s[len(i):]
    return "", s


WG_INIT = {"B": "P", "P": "P", "D": "T", "T": "T", "G": "K", "K": "K", "ZH": "CH", "CH": "CH",
           "SH": "SH", "R": "J", "Z": "TS", "C": "TS", "S": "S", "J": "CH", "Q": "CH", "X": "HS",
           "H": "H", "M": "M", "F": "F", "N": "N", "L": "L", "Y": "Y", "W": "W", "": ""}


def pinyin_to_wg(s):
    ini, fin = py_split(s)
    if fin == "I" and ini in ("ZH", "CH", "SH", "R"):
        fin = "IH"
    elif fin == "I" and ini in ("Z", "C", "S"):
        return {"Z": "TZU", "C": "TZU", "S": "SSU"}[ini]
    if fin.endswith("ONG"):
        fin = fin[:-3] + "UNG"
    if fin == "IAN":
        fin = "IEN"
    elif fin == "IE":
        fin = "IEH"
    elif fin == "UE" or fin == "VE":
        fin = "UEH"
    elif fin == "UI":
        fin = "UEI"
    elif fin == "UO" and ini not in ("G", "K", "H", "SH", "CH", "ZH"):
        fin = "O"
    elif fin == "E" and ini in ("G", "K", "H"):
        fin = "O"
    elif fin == "V":
        fin = "U"
    if ini == "Y" and fin == "OU":
        return "YU"
    if ini == "Y" and fin == "AN":
        return "YEN"
    if ini == "Y" and fin == "E":
        return "YEH"
    return WG_INIT[ini] + fin


HEARD_INIT = {"ZH": ["J", "Z", "CH"], "CH": ["C", "TJ", "CH"], "SH": ["SY", "S"], "X": ["S", "SY", "SH", "H"],
              "Q": ["C", "CH", "K", "TJ"], "Z": ["C", "TS", "S", "J"], "C": ["TS", "S", "CH"],
              "J": ["C", "DJ", "Z", "CH"], "R": ["J", "L", "Y"], "G": ["K"], "K": ["G", "KH"],
              "D": ["T"], "B": ["P"], "P": ["B"], "T": ["D"], "H": ["KH", "HW"]}
HEARD_FIN = {"UI": ["UEI", "WEI", "UY"], "IU": ["IO", "IOU", "YU"], "IAN": ["IEN", "YEN", "EN"],
             "ONG": ["UNG", "ON"], "ENG": ["UNG", "EN"], "IE": ["YE", "IA"], "UO": ["O", "WO"],
             "E": ["O", "A", "EH"], "AO": ["AU", "OU", "O"], "AI": ["AY", "E"], "EN": ["AN", "UN"],
             "UAN": ["WAN", "UEN"], "IANG": ["YANG", "IAN"], "IAO": ["YAO", "IAU"], "UN": ["UEN", "WEN"],
             "ING": ["IN", "ENG"], "IN": ["ING"], "ANG": ["AN"], "AN": ["ANG"], "OU": ["O", "OW"],
             "EI": ["AI", "E", "EY"], "UE": ["UEH", "YUE"], "V": ["U", "YU", "IU"], "A": ["AH"],
             "U": ["OO", "OU"], "IONG": ["IUNG", "YONG"], "UANG": ["WANG", "UAN"], "UA": ["WA"]}
_heard_cache = {}


def cn_heard(s):
    """Plausible ways an Indonesian officer writes a pinyin syllable heard aloud."""
    r = _heard_cache.get(s)
    if r is not None:
        return r
    ini, fin = py_split(s)
    out = []
    for a in HEARD_INIT.get(ini, []):
        out.append(a + fin)
    for b in HEARD_FIN.get(fin, []):
        out.append(ini + b)
    if ini in HEARD_INIT and fin in HEARD_FIN:
        out.append(HEARD_INIT[ini][0] + HEARD_FIN[fin][0])
    if ini == "" and fin.startswith("I"):
        out.append("Y" + fin)
    if s == "LV":
        out += ["LU", "LYU", "LUE"]
    seen = {}
    res = [x for x in out if x and x != s and not (x in seen or seen.setdefault(x, 1) is None)]
    if not res:
        res = [s]
    _heard_cache[s] = res
    return res


# reverse dialect map: any romanisation of a Chinese surname -> other romanisations
CN_SURN_ALT = {}
for _py, _forms in CN_DIALECT.items():
    allf = [_py] + list(_forms)
    for f in allf:
        lst = CN_SURN_ALT.setdefault(f, [])
        for g in allf:
            if g != f and g not in lst:
                lst.append(g)

# --- Korean ------------------------------------------------------------------
KR_SURN = parse_pool("KIM:215 LEE:147 PARK:84 CHOI:47 JUNG:44 KANG:23 CHO:21 YOON:20 JANG:20 LIM:17 "
                     "HAN:15 OH:15 SEO:15 SHIN:15 KWON:14 HWANG:14 AHN:13 SONG:13 YOO:11 HONG:11 "
                     "JEON:11 KO:9 MOON:9 YANG:9 SON:9 BAE:8 BAEK:7 HEO:6 NAM:5 NOH:4 HA:4 KWAK:4 "
                     "SUNG:4 CHA:4 JOO:4 WOO:4 MIN:3 RYU:3 NA:3 JIN:3")
KR_SURN_ALT = {
    "KIM": ["GIM", "KIEM"], "LEE": ["YI", "RHEE", "RI", "I", "LIE"], "PARK": ["PAK", "BAK", "BARK"],
    "CHOI": ["CHOE", "CHOY", "CHEY"], "JUNG": ["JEONG", "CHUNG", "JOUNG", "CHONG"], "KANG": ["GANG", "KAHNG"],
    "CHO": ["JO", "CHOH"], "YOON": ["YUN", "YOUN"], "JANG": ["CHANG"], "LIM": ["IM", "RIM", "YIM"],
    "OH": ["O"], "SEO": ["SUH", "SUR", "SEOH"], "SHIN": ["SIN"], "KWON": ["GWON", "KWEON"],
    "HWANG": ["WHANG"], "AHN": ["AN"], "YOO": ["YU", "RYU"], "JEON": ["JUN", "CHUN", "CHEON"],
    "KO": ["GO", "KOH"], "MOON": ["MUN"], "SON": ["SOHN"], "BAE": ["PAE"], "BAEK": ["PAEK", "BAIK"],
    "HEO": ["HUH", "HUR"], "NOH": ["ROH", "NO"], "KWAK": ["GWAK"], "SUNG": ["SEONG"],
    "JOO": ["JU", "CHOO"], "RYU": ["YOO", "RHYU"], "NA": ["RA"], "HAN": ["HAHN"],
}
KR_SYL_ALT = {
    "MIN": [], "JUN": ["JOON", "CHUN"], "SEO": ["SUH", "SO"], "JI": ["CHI", "GEE"], "HUN": ["HOON"],
    "HYEON": ["HYUN", "HYON"], "WOO": ["U", "WU"], "YEONG": ["YOUNG", "YONG"], "SEONG": ["SUNG", "SONG"],
    "JIN": ["CHIN"], "SU": ["SOO"], "HO": [], "JAE": ["CHAE", "JAY"], "DONG": ["TONG"], "EUN": ["UN"],
    "HYE": ["HAE", "HYEH"], "YEON": ["YUN", "YON"], "GYEONG": ["KYUNG", "KYOUNG"], "SANG": [],
    "CHEOL": ["CHUL", "CHOL"], "SEUNG": ["SUNG"], "TAE": ["TAI"], "WON": ["WEON"],
    "JEONG": ["JUNG", "CHUNG"], "HUI": ["HEE", "HEUI"], "MI": ["MEE"], "NA": [], "A": ["AH"],
    "YUN": ["YOON"], "HWAN": ["HOAN"], "GWANG": ["KWANG"], "IL": [], "HYEOK": ["HYUK", "HYOK"],
    "SEOK": ["SUK", "SOK"], "BIN": ["PIN"], "GYU": ["KYU"], "YONG": ["YEONG"], "GI": ["KI", "KEE"],
    "CHANG": [], "SIK": ["SHIK"], "BEOM": ["BUM", "POM"], "JOO": ["JU", "CHU"], "HA": [], "RIN": ["LIN"],
    "SOL": ["SEOL"], "DA": [], "YE": ["YEH"], "SEON": ["SUN"],
}
KR_GIV_M = parse_pool("MIN JUN HYEON WOO SEONG JIN HO JAE DONG SANG CHEOL SEUNG TAE WON JEONG YEONG "
                      "GWANG IL HYEOK SEOK SU YONG GI SIK BEOM HUN GYU HWAN CHANG JOO", s=0.6)
KR_GIV_F = parse_pool("JI SEO EUN HYE YEON MI SU YEONG JEONG HUI NA A YUN JIN HA RIN SOL DA YE MIN "
                      "GYEONG SEON", s=0.6)

# --- Japanese (macrons mark long vowels) ------------------------------------
JP_SURN = parse_pool("SATŌ SUZUKI TAKAHASHI TANAKA WATANABE ITŌ YAMAMOTO NAKAMURA KOBAYASHI KATŌ "
                     "YOSHIDA YAMADA SASAKI YAMAGUCHI SAITŌ MATSUMOTO INOUE KIMURA HAYASHI SHIMIZU "
                     "YAMAZAKI MORI ABE IKEDA HASHIMOTO YAMASHITA ISHIKAWA NAKAJIMA MAEDA FUJITA "
                     "OGAWA GOTŌ OKADA HASEGAWA MURAKAMI KONDŌ ISHII SAKAMOTO ENDŌ AOKI FUJII "
                     "NISHIMURA FUKUDA ŌTA MIURA FUJIWARA OKAMOTO MATSUDA NAKAGAWA ŌNO HARADA TAMURA "
                     "TAKEUCHI KANEKO WADA NAKANO HARA HONMA SHIBATA KUDŌ", s=0.8)
JP_GIV_M = parse_pool("HIROSHI TAKASHI KENJI YŪKI DAISUKE TAKUYA KAZUKI SHŌTA NAOKI RYŌTA YŪSUKE "
                      "KENTA TATSUYA MAKOTO SATOSHI KŌJI AKIRA MASATO SHINJI TETSUYA KAZUYA "
                      "YOSHIHIRO TOSHIYUKI SHUN SHŌ YŪTA HARUTO REN KŌHEI JUNICHI SHUICHI TSUYOSHI "
                      "JUNPEI MASAHIRO HIDEKI", s=0.7)
JP_GIV_F = parse_pool("YŪKO KEIKO TOMOKO AKIKO YUMI NAOMI MAYUMI SACHIKO KUMIKO YŌKO MEGUMI AYUMI "
                      "YUKA AYA MIKA HARUKA MISAKI YUI CHIHIRO FUMIKO EMI NORIKO", s=0.7)

# --- Vietnamese ----------------------------------------------------------------
VN_SURN = parse_pool("NGUYEN:38 TRAN:11 LE:9.5 PHAM:7.1 HOANG:3 HUYNH:2.1 PHAN:4.5 VU:2 VO:1.9 "
                     "DANG:2.1 BUI:2 DO:1.4 HO:1.3 NGO:1.3 DUONG:1 LY:0.5 DINH:0.6 TRUONG:0.7 "
                     "LAM:0.4 MAI:0.4 CAO:0.3 TRINH:0.3")
VN_MID_M = parse_pool("VAN:50 DUC:8 MINH:8 QUOC:6 HUU:6 THANH:5 CONG:4 XUAN:3 NGOC:2 DINH:2")
VN_MID_F = parse_pool("THI:70 NGOC:8 THU:6 THANH:4 KIM:4 MY:3 PHUONG:2 HONG:3")
VN_GIV_M = parse_pool("ANH HUNG TUAN DUNG HAI LONG NAM SON THANH CUONG DUC HIEU HUY KHANH MINH PHONG "
                      "QUANG TAI THANG TRUNG VINH BINH HOA PHUC TAM TIEN TOAN LOC", s=0.7)
VN_GIV_F = parse_pool("ANH HOA LAN HUONG LINH TRANG MAI HA HANG NGA NGOC PHUONG THAO THU THUY VAN "
                      "YEN HANH NHUNG HIEN DUNG OANH", s=0.7)
VN_ALT = {
    "NGUYEN": ["NGUYỄN", "NGUEN", "NGYUEN", "NGUYÊN", "NGUYENG", "WIN"], "PHAM": ["PHẠM", "FAM", "PAM"],
    "TRAN": ["TRẦN", "CHAN", "TRANG"], "LE": ["LÊ", "LEE"], "HOANG": ["HOÀNG", "HUANG", "HWANG"],
    "HUYNH": ["HUỲNH", "HUYN", "WIN"], "DANG": ["ĐẶNG", "DHANG"], "DUONG": ["DƯƠNG", "ZUONG"],
    "VU": ["VŨ", "VOO"], "VO": ["VÕ"], "BUI": ["BÙI", "BUY"], "DO": ["ĐỖ", "DOH"], "NGO": ["NGÔ"],
    "VAN": ["VĂN", "WAN", "VANG"], "THI": ["THỊ", "TI", "THY"], "DUC": ["ĐỨC", "DUK", "DUCK"],
    "HUNG": ["HÙNG", "HUNK"], "TUAN": ["TUẤN", "TWAN"], "DUNG": ["DŨNG", "ZUNG", "YUNG"],
    "THANH": ["THÀNH", "TAN", "THAN"], "HUONG": ["HƯƠNG", "HUANG"], "PHUONG": ["PHƯƠNG", "FUONG"],
    "QUANG": ["KUANG", "QUAN"], "QUOC": ["QUỐC", "KUOK"], "NGOC": ["NGỌC", "NGOK"], "KHANH": ["KHÁNH", "KANH"],
    "XUAN": ["SUAN", "XUÂN"], "MINH": ["MIN"], "LINH": ["LIN"], "ANH": ["AN", "ANN"], "TRANG": ["CHANG"],
    "THUY": ["THỦY", "TUI", "THUI"], "YEN": ["YẾN", "IN"], "TRUONG": ["TRƯƠNG", "CHUONG"], "DINH": ["ĐINH", "DIN"],
    "HUU": ["HỮU", "HU"], "CUONG": ["CƯỜNG", "KUONG"], "HIEU": ["HIẾU", "HIU"], "LONG": ["LONK"],
    "SON": ["SƠN", "SONG"], "HAI": ["HẢI", "HAY"], "HA": ["HÀ"], "THAO": ["THẢO", "TAO"], "LY": ["LÝ", "LI"],
}

# --- Thai ------------------------------------------------------------------------
TH_GIV_M = parse_pool("SOMCHAI SOMSAK SOMPORN SOMPONG SURACHAI PRASERT WICHAI ANAN CHAIYAPORN KITTISAK "
                      "NATTAPONG PORNCHAI SAKCHAI SUTHEP THANAKORN THAWATCHAI WIRAT APICHART CHATCHAI "
                      "NARONG PANYA SOMBAT SUPACHAI WORAWIT THEERAPONG SITTICHAI BOONCHU", s=0.7)
TH_GIV_F = parse_pool("SOMSRI MALEE NITTAYA PORNPIMOL SIRIPORN SUDA SUPAPORN WANIDA KANOKWAN JINTANA "
                      "RATANA PRANEE NONGNUCH ARAYA DUANGJAI LAMAI ORATHAI PIMCHANOK SASITHORN "
                      "THIDARAT WILAIWAN", s=0.7)
TH_SURN_A = parse_pool("SRI WONG CHAI RATTANA BOON SUK THONG KAEW SIRI SAENG CHAROEN PHROM SOMBAT KIT "
                       "PRASERT PONG CHAN KHAM IN NA", s=0.5)
TH_SURN_B = parse_pool("SUWAN SAWAT YAPHUM SAKUL WONG PORN SIRI CHAI MEE SUK THONG KUL RAT WATTANA PHAN "
                       "NGAM CHAIYO PHAIBUN SIN SAP", s=0.5)
TH_NICK = parse_pool("LEK NOI NOK SOM TOM BEE PLOY AOM PIM JOY NAT GOLF BEER BOY TON OAT AE NING "
                     "FON KUNG MAI NAN", s=0.4)
TH_RULES = [("PH", "P"), ("TH", "T"), ("KH", "K"), ("CH", "J"), ("PORN", "PHON"), ("PORN", "PON"),
            ("PHON", "PORN"), ("EE", "I"), ("OO", "U"), ("W", "V"), ("SRI", "SI"), ("AI", "AY"),
            ("TT", "T"), ("Y", "I"), ("OR", "O"), ("AE", "E")]

# --- Filipino ----------------------------------------------------------------
PH_SURN = parse_pool("SANTOS REYES CRUZ BAUTISTA GARCIA MENDOZA OCAMPO TORRES TOMAS ANDRADA CASTILLO "
                     "FLORES VILLANUEVA RAMOS CASTRO RIVERA AQUINO NAVARRO SALAZAR MERCADO DELA_CRUZ "
                     "DE_LEON DEL_ROSARIO GONZALES LOPEZ AGUILAR DIZON PASCUAL MANALO SORIANO "
                     "FERNANDEZ DE_GUZMAN VALDEZ", s=0.8)
PH_GIV_M = parse_pool("JOHN_PAUL MARK JOSE JUAN JERRY ROMMEL RODEL ARNEL REYNALDO RICARDO EDUARDO "
                      "ROLANDO MICHAEL CHRISTIAN JOMAR JAYSON RYAN RONALD ALVIN NOEL JUNREY JEFFREY "
                      "MARK_ANTHONY JOHN_LLOYD JOSEPH DANILO ERNESTO ROMEO", s=0.6)
PH_GIV_F = parse_pool("MARIA MA._CRISTINA MARY_GRACE JENNIFER ROWENA MARICEL MARILOU LORNA JOCELYN "
                      "ANALYN RACHELLE GERALDINE KRISTINE ROSALIE MYLENE ANGELICA JOY MARY_JANE "
                      "MA._LOURDES", s=0.6)
PH_NICK = {"JOSE": "PEPE", "JUAN": "JUN", "ROLANDO": "ROLLY", "REYNALDO": "REY", "RICARDO": "CARDING",
           "EDUARDO": "EDDIE", "JOHN PAUL": "JP", "MARK ANTHONY": "MACKY", "JOSEPH": "JOJO",
           "DANILO": "DANNY", "ERNESTO": "ERNIE", "MARIA": "MAJA", "MA. CRISTINA": "TINA",
           "MARY GRACE": "GRACE", "ROWENA": "WENG", "JENNIFER": "JEN", "MARILOU": "LOU",
           "MA. LOURDES": "LOU", "MARY JANE": "MJ", "JEFFREY": "JEFF", "RONALD": "RON"}

# --- Malay (Malaysia / Singapore) ---------------------------------------------
MY_PRE_M = parse_pool("MUHAMMAD:30 MOHD:25 MOHAMAD:8 AHMAD:10 MOHAMMAD:5 MUHD:3 ABDUL:8 NUR:4 MD:3")
MY_NAME_M = parse_pool("HAFIZ AIMAN FIRDAUS HAKIM IKHWAN SYAFIQ AZMAN FAIZAL HAZIQ ZULKIFLI RIDZUAN "
                       "AIZAT KHAIRUL ARIFF AMIRUL FAHMI RAZAK ISMAIL RAHMAN HASSAN OSMAN YUSOF IBRAHIM "
                       "AZIZ HAMZAH JAMAL KAMAL SALLEH ZAINAL NAZRI SHAHRIL", s=0.6)
MY_PRE_F = parse_pool("NUR:30 SITI:30 NURUL:15 NOR:8 -:17")
MY_NAME_F = parse_pool("AISYAH FATIMAH NORAZLINA FARAH AIN IZZAH HIDAYAH SYAFIQAH AMIRAH ATIQAH NADIA "
                       "ZAINAB AZLINA ROSNAH SALMAH NORHAYATI HAFIZAH SYAZWANI ADLINA", s=0.6)
MY_FATHER = parse_pool("ABDULLAH ISMAIL IBRAHIM HASSAN OSMAN YUSOF AHMAD MOHD_SALLEH ABDUL_RAHMAN "
                       "ABDUL_AZIZ ZAINAL_ABIDIN MOHAMED ALI HUSSIN OMAR RAZAK HAMID SULAIMAN MAHMUD "
                       "JAAFAR", s=0.6)
MYIN_GIV_M = parse_pool("SARAVANAN MURUGAN RAJENDRAN KUMARESAN GANESAN SELVAM VIJAYAN RAVICHANDRAN "
                        "SIVAKUMAR MOHAN KANNAN", s=0.5)
MYIN_GIV_F = parse_pool("KAMALA LETCHUMI SARASWATHY DEVI MALAR VASANTHI PARVATHY", s=0.5)
MYIN_FATHER = parse_pool("MUNIANDY RAMASAMY SUPPIAH KRISHNAN ARUMUGAM PERUMAL SUBRAMANIAM GOVINDASAMY "
                         "NADARAJAN VELU", s=0.5)

# --- South Asia ----------------------------------------------------------------
IN_GIV_M = parse_pool("RAJESH AMIT SURESH RAMESH SANJAY VIJAY ANIL SUNIL RAHUL DEEPAK MANOJ ASHOK RAVI "
                      "ARUN PRADEEP MUKESH DINESH RAKESH VIKAS NAVEEN SANDEEP MAHESH AJAY PANKAJ GAURAV "
                      "ABHISHEK ALOK ROHIT VIVEK SATISH", s=0.6)
IN_GIV_F = parse_pool("PRIYA POOJA NEHA SUNITA ANITA KAVITA REKHA ANJALI SHALINI DEEPIKA MEENA SEEMA "
                      "JYOTI NISHA ARCHANA LAKSHMI", s=0.6)
IN_SURN = parse_pool("KUMAR:30 SINGH:25 SHARMA:12 VERMA:5 GUPTA:6 YADAV:5 PATEL:8 SHAH:4 JAIN:3 "
                     "AGARWAL:3 MISHRA:4 PANDEY:3 TIWARI:3 CHAUDHARY:3 MEHTA:2 JOSHI:3 DESAI:2 REDDY:4 "
                     "NAIR:3 IYER:2 PILLAI:2 MENON:2 RAO:4 DAS:4 BANERJEE:2 CHATTERJEE:2 GHOSH:2 "
                     "KHAN:4 SHAIKH:2 ANSARI:2")
INS_GIV_M = parse_pool("VENKATESH SRINIVASAN KARTHIK SARAVANAN MURUGAN BALAJI SENTHIL GANESH PRAKASH "
                       "RAMAN SURESH RAJA ARUL", s=0.5)
INS_GIV_F = parse_pool("LAKSHMI KAVITHA DIVYA PRIYA MEENAKSHI REVATHI SANGEETHA", s=0.5)
INS_FATHER = parse_pool("RAMASAMY KRISHNAN SUBRAMANIAN NATARAJAN RAJAGOPAL SUNDARAM VENKATARAMAN "
                        "PERUMAL ANNAMALAI", s=0.5)
BD_PRE = parse_pool("MD:45 MOHAMMAD:20 MUHAMMAD:20 -:15")
BD_NAME = parse_pool("RAFIQUL SHAFIQUL AMINUL MIZANUR HABIBUR ABDUL_KARIM ALAMGIR JAHANGIR KAMAL JAMAL "
                     "SHAHIN HASAN USMAN IMRAN BILAL ASIF FAISAL TARIQ ZAHID NADEEM WAQAS ARSHAD JAVED "
                     "SOHEL RUBEL", s=0.6)
BD_SURN = parse_pool("ISLAM HOSSAIN RAHMAN UDDIN ALI AHMED KHAN CHOWDHURY MIAH SHEIKH AKHTAR BUTT "
                     "QURESHI MALIK RAZA -", s=0.7)
BD_GIV_F = parse_pool("FATEMA NASRIN AYESHA SHIRIN RUKHSANA NAZIA SADIA AMINA", s=0.5)

# --- Arabic --------------------------------------------------------------------
AR_GIV_M = parse_pool("MOHAMMED AHMED ALI OMAR KHALED ABDULLAH YOUSEF HASSAN HUSSEIN IBRAHIM MAHMOUD "
                      "MUSTAFA SALEH SAEED FAHAD SULTAN NASSER ABDULRAHMAN ABDULAZIZ HAMAD MAJED WALEED "
                      "TAREK ADEL AMR KARIM SALEM", s=0.8)
AR_GIV_F = parse_pool("FATIMA AISHA MARYAM NOURA SARA HUDA MONA LAILA AMAL REEM HANAN", s=0.6)
AR_FAM_SAU = parse_pool("AL-HARBI AL-QAHTANI AL-GHAMDI AL-OTAIBI AL-ZAHRANI AL-SHEHRI AL-DOSARI "
                        "AL-MUTAIRI AL-AMOUDI BA-ALAWI AL-SHAMMARI AL-ANAZI", s=0.5)
AR_FAM_YEM = parse_pool("AL-HABSHI ALATAS ASSEGAF ALKAFF BIN_SHIHAB BAFADHAL BA-WAZIR AL-JUFRI "
                        "AL-AIDRUS BASALAMAH AL-AHDAL", s=0.5)

# --- European / Anglo ---------------------------------------------------------------
EN_GIV_M = parse_pool("JAMES JOHN ROBERT MICHAEL WILLIAM DAVID RICHARD JOSEPH THOMAS CHRISTOPHER DANIEL "
                      "MATTHEW ANTHONY MARK PAUL STEVEN ANDREW JOSHUA KEVIN BRIAN GEORGE TIMOTHY RYAN "
                      "JASON PETER BENJAMIN SAMUEL LUKE JACK SCOTT CRAIG GLENN DARREN SHANE NATHAN "
                      "NICHOLAS EDWARD", s=0.7)
EN_GIV_F = parse_pool("MARY JENNIFER SARAH JESSICA ELIZABETH EMMA OLIVIA KAREN LISA MICHELLE REBECCA "
                      "LAURA EMILY HANNAH CHLOE KATE SUSAN HELEN AMANDA NICOLE KATHERINE", s=0.7)
EN_SURN = parse_pool("SMITH JONES WILLIAMS BROWN TAYLOR JOHNSON WILSON DAVIES MILLER ANDERSON THOMAS "
                     "WHITE MARTIN THOMPSON WALKER HARRIS ROBINSON CLARK LEWIS LEE YOUNG WRIGHT KING "
                     "GREEN HALL WOOD CAMPBELL MITCHELL MORGAN ROBERTS MURPHY KELLY RYAN O'BRIEN "
                     "MCDONALD MACKENZIE STEWART DAVIS HUGHES EVANS", s=0.7)
EN_NICK = {"WILLIAM": ["BILL", "WILL", "BILLY", "LIAM"], "ROBERT": ["BOB", "ROB", "BOBBY"],
           "RICHARD": ["RICK", "RICH", "DICK"], "MICHAEL": ["MIKE", "MICK"], "JAMES": ["JIM", "JIMMY", "JAMIE"],
           "JOSEPH": ["JOE"], "THOMAS": ["TOM", "TOMMY"], "CHRISTOPHER": ["CHRIS"], "DANIEL": ["DAN", "DANNY"],
           "MATTHEW": ["MATT"], "ANTHONY": ["TONY"], "STEVEN": ["STEVE"], "ANDREW": ["ANDY", "DREW"],
           "JOSHUA": ["JOSH"], "TIMOTHY": ["TIM"], "BENJAMIN": ["BEN"], "SAMUEL": ["SAM"],
           "JENNIFER": ["JENNY", "JEN"], "ELIZABETH": ["LIZ", "BETH", "LIZZIE"], "JESSICA": ["JESS"],
           "REBECCA": ["BECKY", "BEC"], "SUSAN": ["SUE"], "NICHOLAS": ["NICK"], "PETER": ["PETE"],
           "DAVID": ["DAVE"], "EDWARD": ["ED", "TED"], "KATHERINE": ["KATE", "KATIE", "KATH"],
           "NATHAN": ["NATE"], "KAREN": [], "GEORGE": [], "JOHN": ["JACK", "JOHNNY"]}
EN_ALT = {"SMITH": ["SMIT", "SMYTH"], "JONES": ["JONS"], "DAVIES": ["DAVIS", "DAVIES"], "DAVIS": ["DAVIES"],
          "THOMPSON": ["THOMSON", "TOMPSON"], "CLARK": ["CLARKE"], "O'BRIEN": ["OBRIEN", "O BRIEN"],
          "MCDONALD": ["MACDONALD", "MC DONALD"], "MACKENZIE": ["MCKENZIE"], "STEWART": ["STUART"],
          "STEVEN": ["STEPHEN"], "JON": ["JOHN"], "JOHN": ["JON"], "PHILIP": ["PHILLIP"],
          "KATHERINE": ["CATHERINE", "KATHRYN"], "SARAH": ["SARA"], "ANDERSON": ["ANDERSEN"],
          "GLENN": ["GLEN"], "CRAIG": ["GRAIG"], "NICHOLAS": ["NICOLAS"], "MICHAEL": ["MICHEAL"],
          "JEFFREY": ["JEFFERY", "GEOFFREY"]}
DE_GIV_M = parse_pool("THOMAS MICHAEL ANDREAS STEFAN KLAUS JÜRGEN WOLFGANG MARKUS FRANK UWE JÖRG LUKAS "
                      "JONAS MAXIMILIAN FELIX", s=0.6)
DE_GIV_F = parse_pool("SABINE ANDREA KATHARINA JULIA ANNA URSULA MONIKA PETRA", s=0.6)
DE_SURN = parse_pool("MÜLLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER BECKER SCHULZ HOFFMANN "
                     "SCHÄFER KOCH BAUER RICHTER KLEIN WOLF SCHRÖDER NEUMANN SCHWARZ ZIMMERMANN BRAUN "
                     "KRÜGER HOFMANN HARTMANN LANGE WERNER KRAUSE LEHMANN KÖHLER GROß", s=0.7)
FR_GIV_M = parse_pool("JEAN PIERRE MICHEL PHILIPPE ALAIN NICOLAS FRANÇOIS JEAN-PIERRE JEAN-MARC LUC "
                      "JULIEN THOMAS ANTOINE LOUIS", s=0.6)
FR_GIV_F = parse_pool("MARIE NATHALIE ISABELLE SOPHIE CAMILLE CÉLINE ÉLODIE", s=0.6)
FR_SURN = parse_pool("MARTIN BERNARD DUBOIS THOMAS ROBERT RICHARD PETIT DURAND LEROY MOREAU SIMON "
                     "LAURENT LEFEBVRE MICHEL GARCIA DAVID BERTRAND ROUX VINCENT FOURNIER MOREL GIRARD "
                     "ANDRÉ LEFÈVRE MERCIER DUPONT LAMBERT BONNET", s=0.7)
NL_GIV_M = parse_pool("JAN PIETER HENK DIRK WILLEM JOHANNES HENDRIK COR KEES SANDER DAAN BRAM RUUD "
                      "MAARTEN", s=0.6)
NL_GIV_F = parse_pool("ANNA MARIA INGE SANNE ANOUK FLEUR ELS", s=0.6)
NL_SURN = parse_pool("DE_JONG JANSEN DE_VRIES VAN_DEN_BERG VAN_DIJK BAKKER JANSSEN VISSER SMIT MEIJER "
                     "DE_BOER MULDER DE_GROOT BOS VOS PETERS HENDRIKS VAN_LEEUWEN DEKKER BROUWER DE_WIT "
                     "DIJKSTRA SMITS DE_GRAAF VAN_DER_MEER VAN_DER_LINDEN KOK JACOBS DE_HAAN VERMEULEN",
                     s=0.7)
RU_GIV_M = parse_pool("ALEKSANDR SERGEI DMITRII ANDREI ALEKSEI MAKSIM IVAN MIKHAIL EVGENII NIKOLAI "
                      "VLADIMIR ARTEM DENIS IGOR PAVEL ROMAN OLEG KIRILL ILIA ANTON VIKTOR IURII", s=0.7)
RU_GIV_F = parse_pool("ANASTASIIA ELENA OLGA NATALIA EKATERINA TATIANA IRINA MARIIA ANNA SVETLANA "
                      "IULIIA DARIA KSENIIA ALINA VIKTORIIA POLINA", s=0.7)
RU_SURN = parse_pool("IVANOV SMIRNOV KUZNETSOV POPOV VASILEV PETROV SOKOLOV MIKHAILOV NOVIKOV FEDOROV "
                     "MOROZOV VOLKOV ALEKSEEV LEBEDEV SEMENOV EGOROV PAVLOV KOZLOV STEPANOV NIKOLAEV "
                     "ORLOV ANDREEV MAKAROV NIKITIN ZAKHAROV ZAITSEV SOLOVEV BORISOV YAKOVLEV ROMANOV",
                     s=0.7)
UA_SURN = parse_pool("KOVALENKO SHEVCHENKO BONDARENKO TKACHENKO KRAVCHENKO MELNYK BOIKO KOVALCHUK "
                     "OLIINYK LYSENKO MARCHENKO SAVCHENKO", s=0.6)
UA_GIV_M = parse_pool("OLEKSANDR SERHII DMYTRO ANDRII VOLODYMYR MYKOLA IURII OLEKSII MAKSYM IVAN", s=0.6)
UA_GIV_F = parse_pool("OLENA OLHA NATALIIA IRYNA TETIANA KATERYNA YULIIA ANNA", s=0.6)
RU_ALT = {"ALEKSANDR": ["ALEXANDER", "ALEXANDR", "ALEKSANDER"], "SERGEI": ["SERGEY", "SERGII"],
          "DMITRII": ["DMITRY", "DMITRIY", "DIMITRI"], "ANDREI": ["ANDREY"], "ALEKSEI": ["ALEXEY", "ALEXEI", "ALEKSEY"],
          "MAKSIM": ["MAXIM", "MAKSYM"], "MIKHAIL": ["MIHAIL", "MICHAEL"], "EVGENII": ["EVGENY", "YEVGENIY", "EVGENIY"],
          "NIKOLAI": ["NIKOLAY", "NICOLAI"], "ARTEM": ["ARTYOM", "ARTEOM"], "ILIA": ["ILYA", "ILJA"],
          "VIKTOR": ["VICTOR"], "IURII": ["YURI", "YURIY", "YURY"], "ANASTASIIA": ["ANASTASIA", "ANASTASIYA"],
          "NATALIA": ["NATALYA", "NATALIIA", "NATALIE"], "EKATERINA": ["YEKATERINA", "KATERINA"],
          "TATIANA": ["TATYANA", "TATJANA"], "MARIIA": ["MARIA", "MARIYA"], "IULIIA": ["YULIA", "JULIA", "YULIYA"],
          "DARIA": ["DARYA"], "KSENIIA": ["KSENIA", "XENIA"], "VIKTORIIA": ["VICTORIA", "VIKTORIYA"],
          "VASILEV": ["VASILIEV", "VASILYEV"], "SOLOVEV": ["SOLOVYOV", "SOLOVIEV"], "SEMENOV": ["SEMYONOV"],
          "FEDOROV": ["FYODOROV"], "ALEKSEEV": ["ALEXEEV"], "ZAITSEV": ["ZAYTSEV"], "YAKOVLEV": ["IAKOVLEV"],
          "OLEKSANDR": ["OLEXANDR", "ALEKSANDR", "ALEXANDER"], "SERHII": ["SERGII", "SERGEY", "SERHIY"],
          "DMYTRO": ["DMITRY", "DMITRO"], "ANDRII": ["ANDRIY", "ANDREY"], "VOLODYMYR": ["VLADIMIR", "VOLODIMIR"],
          "MYKOLA": ["NIKOLAI", "MIKOLA"], "OLEKSII": ["ALEXEY", "OLEKSIY"], "OLENA": ["ELENA", "OLENA"],
          "OLHA": ["OLGA", "OLHA"], "IRYNA": ["IRINA"], "TETIANA": ["TATIANA", "TETYANA"],
          "BOIKO": ["BOYKO"], "OLIINYK": ["OLEYNIK", "OLIYNYK"], "MELNYK": ["MELNIK"]}
UZ_GIV_M = parse_pool("SHAKHZOD BEKZOD JAMSHID SARDOR DILSHOD OTABEK AZIZ RUSTAM TIMUR BAKHTIYOR", s=0.5)
UZ_GIV_F = parse_pool("DILNOZA MALIKA GULNORA NILUFAR SHAKHNOZA ZARINA MADINA KAMOLA FERUZA NARGIZA "
                      "SEVARA MOKHINUR", s=0.5)
UZ_SURN = parse_pool("KARIMOV RAKHIMOV YUSUPOV ABDULLAEV TOSHMATOV ERGASHEV NORMATOV MIRZAEV SAIDOV "
                     "AKHMEDOV ALIMOV RASULOV SULTANOV KHOLMATOV", s=0.5)
NG_GIV_M = parse_pool("CHUKWUEMEKA CHINEDU OLUWASEUN ADEBAYO IBRAHIM MUSA ABUBAKAR EMEKA IFEANYI "
                      "OLUWAFEMI TUNDE KEHINDE TAIWO SAMUEL DANIEL JOHN GODWIN FRIDAY SUNDAY EMMANUEL "
                      "UCHE OBINNA NNAMDI", s=0.5)
NG_GIV_F = parse_pool("CHIOMA NGOZI FUNMILAYO BLESSING PRECIOUS AMINA FATIMA ADAEZE FOLAKE GRACE", s=0.5)
NG_SURN = parse_pool("OKONKWO OKAFOR ADEYEMI OLAWALE BELLO ABUBAKAR IBRAHIM MUSA EZE NWOSU OKEKE "
                     "OGUNLEYE ADEBAYO ADEWALE OKORO OBI NWANKWO CHUKWU AMADI UCHE BABATUNDE AKINTOLA "
                     "OJO", s=0.5)
NG_SHORT = {"CHUKWUEMEKA": "EMEKA", "OLUWASEUN": "SEUN", "OLUWAFEMI": "FEMI", "IFEANYI": "IFY",
            "CHINEDU": "NEDU", "OBINNA": "OBI", "FUNMILAYO": "FUNMI", "ADAEZE": "ADA", "BABATUNDE": "TUNDE",
            "EMMANUEL": "EMMA", "SAMUEL": "SAM", "DANIEL": "DANNY"}
TR_GIV_M = parse_pool("MEHMET MUSTAFA AHMET ALİ HÜSEYİN HASAN İBRAHİM İSMAİL OSMAN YUSUF MURAT ÖMER "
                      "RAMAZAN HALİL SÜLEYMAN ABDULLAH MAHMUT EMRE BURAK FATİH", s=0.7)
TR_GIV_F = parse_pool("AYŞE FATMA EMİNE HATİCE ZEYNEP ELİF MERVE", s=0.6)
TR_SURN = parse_pool("YILMAZ KAYA DEMİR ŞAHİN ÇELİK YILDIZ YILDIRIM ÖZTÜRK AYDIN ÖZDEMİR ARSLAN DOĞAN "
                     "KILIÇ ASLAN ÇETİN KARA KOÇ KURT ÖZKAN ŞİMŞEK", s=0.7)
PT_GIV_M = parse_pool("JOÃO JOSÉ ANTÓNIO FRANCISCO MANUEL DOMINGOS AGOSTINHO MARIANO JULIO", s=0.6)
PT_GIV_F = parse_pool("MARIA ANA ROSA JOANA FILOMENA ISABEL", s=0.6)
PT_SURN = parse_pool("DA_SILVA DOS_SANTOS DA_COSTA SOARES PEREIRA GUTERRES XIMENES BELO FREITAS "
                     "DE_JESUS MARTINS AMARAL DE_ARAÚJO GUSMÃO PINTO", s=0.6)
MM_SYL = parse_pool("AUNG KYAW MIN MYO THANT ZAW HTUT HLAING TUN WIN NAING SOE THU LWIN OO KHIN SAN "
                    "MYINT NYEIN HTET PAING PYAE PHYO THAN YE KO MAUNG NAY ZIN", s=0.5)
MM_SYL_F = parse_pool("KHIN MAR THIDA SU AYE CHO MOE WAI HNIN EI MYINT SAN NWE YI THET NANDAR", s=0.5)
MM_ALT = {"KYAW": ["KYAU", "CHAW", "JAW"], "HTUT": ["TUT", "HTOOT"], "HLAING": ["LAING", "HLINE"],
          "NYEIN": ["NYAIN", "NEIN"], "PHYO": ["PYO", "PHIO"], "MYINT": ["MINT", "MYIN"], "HTET": ["TET"],
          "THANT": ["TANT"], "AUNG": ["AUN", "ONG"], "OO": ["U", "OU"], "SOE": ["SO", "SOW"],
          "ZAW": ["ZAU", "JAW"], "NAING": ["NINE", "NAIN"], "THU": ["TU"], "KHIN": ["KIN"]}

# generic token variants usable for any culture (mostly Muslim / Arabic-derived names)
GEN_ALT = {
    "MUHAMMAD": ["MOHAMMAD", "MOHAMMED", "MUHAMMED", "MOHAMED", "MOHAMAD", "MUHAMAD", "MOHD", "MUH."],
    "MOHAMMED": ["MUHAMMAD", "MOHAMED", "MOHAMMAD", "MUHAMMED", "MOHAMMAD"],
    "MOHAMMAD": ["MUHAMMAD", "MOHAMMED", "MOHAMAD", "MD"], "MOHAMED": ["MOHAMMED", "MUHAMMAD"],
    "MOHD": ["MUHAMMAD", "MOHAMAD", "MOHAMMAD", "MOHD."], "MOHAMAD": ["MUHAMMAD", "MOHD", "MOHAMMAD"],
    "MUHD": ["MUHAMMAD", "MOHD"], "MD": ["MOHAMMAD", "MUHAMMAD", "MD."],
    "AHMED": ["AHMAD", "AHMET"], "AHMAD": ["AHMED", "ACHMAD"], "HUSSEIN": ["HUSAIN", "HUSSAIN", "HUSEIN", "HUSIN"],
    "HASSAN": ["HASAN"], "HASAN": ["HASSAN"], "YOUSEF": ["YUSUF", "YOUSSEF", "YOUSIF"], "YUSOF": ["YUSUF", "YUSOFF"],
    "KHALED": ["KHALID", "HALID"], "KHALID": ["KHALED"], "SAEED": ["SAID", "SAYED"], "SALEH": ["SALIH", "SHOLEH"],
    "OMAR": ["UMAR", "OMER"], "OSMAN": ["OTHMAN", "USMAN", "UTSMAN"], "USMAN": ["OSMAN", "UTSMAN", "OTHMAN"],
    "ABDULLAH": ["ABDALLAH", "ABDULAH"], "MAHMOUD": ["MAHMUD", "MAHMOOD"], "MAHMUD": ["MAHMOUD", "MAHMOOD"],
    "MUSTAFA": ["MOSTAFA", "MOUSTAFA", "MUSTOFA"], "TAREK": ["TARIQ", "TARIK"], "TARIQ": ["TAREK", "TARIK"],
    "WALEED": ["WALID"], "MAJED": ["MAJID"], "FAHAD": ["FAHD"], "NASSER": ["NASIR", "NASER"],
    "ABDULRAHMAN": ["ABDUL RAHMAN", "ABDURRAHMAN", "ABD RAHMAN", "ABDEL RAHMAN"],
    "ABDULAZIZ": ["ABDUL AZIZ", "ABD AZIZ", "ABDEL AZIZ"], "IBRAHIM": ["IBROHIM", "EBRAHIM"],
    "ISMAIL": ["ISMAEL", "ISMAYIL"], "ABDUL": ["ABD", "ABDUL.", "ABDEL"], "HUSSIN": ["HUSIN", "HUSSEIN"],
    "AISYAH": ["AISHAH", "AISAH", "AISHA"], "AISHA": ["AISYAH", "AYESHA", "AICHA"], "FATIMA": ["FATIMAH", "FATMA"],
    "FATIMAH": ["FATIMA"], "SYAFIQ": ["SHAFIQ", "SAFIQ"], "ZULKIFLI": ["ZULKIFLY", "ZULKEFLI"], "ARIFF": ["ARIF"],
    "RAHMAN": ["RAHMAN", "RACHMAN", "REHMAN"], "HOSSAIN": ["HOSSEN", "HUSSAIN", "HOSEN"], "CHOWDHURY": ["CHOUDHURY", "CHAUDHARY"],
    "CHAUDHARY": ["CHOUDHARY", "CHAUDHARI", "CHOWDHURY"], "UDDIN": ["UDIN", "UDDEEN"], "MIAH": ["MIA", "MIYA"],
    "SHEIKH": ["SHAIKH", "SYEKH", "SHEK"], "SHAIKH": ["SHEIKH"], "RAFIQUL": ["RAFIKUL"], "ALI": ["ALLY"],
    "SRINIVASAN": ["SREENIVASAN", "SHRINIVASAN"], "LAKSHMI": ["LAXMI", "LAKSMI"], "DEEPAK": ["DIPAK"],
    "POOJA": ["PUJA"], "VIJAY": ["WIJAY", "VIJAI"], "SURESH": ["SURES"], "RAJESH": ["RAJES"],
    "SHARMA": ["SARMA", "SHARMAH"], "VENKATESH": ["VENKATES", "VENKATESAN"], "SARAVANAN": ["SARAVANAN", "SARAWANAN"],
    "MURUGAN": ["MURUGAN", "MURUGHAN"], "REDDY": ["REDY"], "RAO": ["RAU"], "DAS": ["DASS"],
    "PATEL": ["PATIL"], "SINGH": ["SING"], "KUMAR": ["KUMARR"], "VERMA": ["VARMA"],
    "GUTERRES": ["GUTTERES", "GUTERES"], "XIMENES": ["SIMENES", "XIMENEZ"], "FREITAS": ["FREITAS"],
    "JOÃO": ["JOAO", "JOAU"], "JOSÉ": ["JOSE"], "ANTÓNIO": ["ANTONIO"], "GUSMÃO": ["GUSMAO"],
    "OKONKWO": ["OKONKO"], "CHUKWUEMEKA": ["CHUKWU EMEKA", "CHUKUEMEKA"], "OLUWASEUN": ["OLUSEUN"],
    "IFEANYI": ["IFEANYICHUKWU", "IFEANYI"], "NNAMDI": ["NAMDI"], "ADEYEMI": ["ADEYEMY"],
    "KARIMOV": ["KARIMOF"], "KHOLMATOV": ["XOLMATOV", "HOLMATOV"], "SHAKHZOD": ["SHAXZOD", "SYAHZOD"],
    "SHAKHNOZA": ["SHAXNOZA"], "RAKHIMOV": ["RAXIMOV", "RAHIMOV"], "AKHMEDOV": ["AXMEDOV", "AHMEDOV"],
    "BAKHTIYOR": ["BAXTIYOR", "BAHTIYOR"], "MOKHINUR": ["MOXINUR"],
    "MEHMET": ["MEHMED", "MEHMAT"], "HÜSEYİN": ["HUSEYIN", "HUSEIN"], "YILMAZ": ["YILMAS", "JILMAZ"],
    "ÇELİK": ["CELIK", "CHELIK"], "ŞAHİN": ["SAHIN", "SYAHIN"], "ÖZTÜRK": ["OZTURK"], "DOĞAN": ["DOGAN"],
    "DEMİR": ["DEMIR"], "KILIÇ": ["KILIC"],
}

# folding of diacritics / special letters as passport machine zones and registries do
FOLD_MRZ = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Å": "AA", "Ø": "OE", "Æ": "AE"}
FOLD_EXTRA = {"Đ": "D", "đ": "d", "ß": "SS", "Ø": "O", "Æ": "AE", "İ": "I", "ı": "I"}
_fold_cache = {}


def fold_simple(s):
    r = _fold_cache.get(s)
    if r is None:
        t = s
        for a, b in FOLD_EXTRA.items():
            t = t.replace(a, b)
        t = "".join([c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c)])
        if len(_fold_cache) < 200000:
            _fold_cache[s] = t
        r = t
    return r


def fold_mrz(s):
    if any(ord(ch) > 127 for ch in s):
        for a, b in FOLD_MRZ.items():
            s = s.replace(a, b)
        s = fold_simple(s)
    return s


def jp_passport(tok, rng, style=None):
    """Japanese long vowels: passports drop them (Hepburn) or write OH."""
    if "Ō" not in tok and "Ū" not in tok:
        return tok
    if style is None:
        style = "plain" if rng.random() < 0.86 else "oh"
    if style == "plain":
        return tok.replace("Ō", "O").replace("Ū", "U")
    return tok.replace("Ō", "OH").replace("Ū", "UU")


def jp_list(tok, rng):
    if "Ō" in tok or "Ū" in tok:
        st = wpick(rng, [("plain", 60), ("oh", 15), ("ou", 15), ("oo", 10)])
        if st == "plain":
            tok = tok.replace("Ō", "O").replace("Ū", "U")
        elif st == "oh":
            tok = tok.replace("Ō", "OH").replace("Ū", "UU")
        elif st == "ou":
            tok = tok.replace("Ō", "OU").replace("Ū", "UU")
        else:
            tok = tok.replace("Ō", "OO").replace("Ū", "UU")
    return tok


JP_KUNREI = [("SHI", "SI"), ("CHI", "TI"), ("TSU", "TU"), ("FU", "HU"), ("JI", "ZI"), ("SHO", "SYO"),
             ("SHU", "SYU"), ("JU", "ZYU"), ("NP", "MP"), ("NB", "MB"), ("NM", "MM")]


# ---------------------------------------------------------------------------
# long tails: the frequency-ordered pools above hold the common names; most
# people of many cultures carry a rarer one, built here from real name parts.
# ---------------------------------------------------------------------------


def extend_pool(pool, extra="", s=0.5):
    """The pool's names (kept in frequency order) plus more, re-weighted by rank."""
    seen = {}
    names = []
    for x in list(pool.items) + [t.replace("_", " ") for t in extra.split()]:
        if x not in seen:
            seen[x] = 1
            names.append(x)
    return Pool(names, [1.0 / ((i + 1.5) ** s) for i in range(len(names))])


class TailPool(object):
    """With probability p a name composed of a part from A and a part from B,
    otherwise a name from the frequency-ordered head pool."""

    __slots__ = ("head", "p", "a", "b", "pre")

    def __init__(self, head, p, a, b, pre=None):
        self.head, self.p = head, p
        self.a = parse_pool(a, s=0.45)
        self.b = parse_pool(b, s=0.45)
        self.pre = pre

    def pick(self, rng):
        if rng.random() >= self.p:
            return self.head.pick(rng)
        x = self.a.pick(rng)
        y = self.b.pick(rng)
        if y == x or x.endswith(y):
            y = self.b.pick(rng)
        s = x + y
        if self.pre is not None:
            s = self.pre.pick(rng) + s
        return s


JP_SURN = TailPool(extend_pool(JP_SURN, "", s=0.6), 0.72,
                   "YAMA TA NAKA KI MATSU I HAYA KO O SA MORI HASHI NISHI HIGASHI KITA MINAMI FUJI ISHI KAWA "
                   "OKA TAKA HIRA NAGA MIYA SHIMA SUGI KURO SHIRA AKA AO UME KAMI SHIMO FUKU YOSHI KANE TSUCHI "
                   "HARA HORI MIZU TAKE KUBO SAKA HOSO ASA IWA KAJI MAE",
                   "MOTO DA MURA KAWA SHITA GUCHI ZAKI NO UCHI HARA OKA SAKI TANI ZAWA SHIMA YAMA KI TA BAYASHI "
                   "HASHI MORI NAKA GAWA ZUKA ZONO NUMA TSUKA DERA BE SE")
JP_GIV_M = TailPool(extend_pool(JP_GIV_M, "", s=0.5), 0.45,
                    "HIRO TAKA KAZU YOSHI MASA TOSHI NORI HIDE YASU TETSU SHIN KEN DAI RYŌ YŪ SHŌ KŌ TATSU NAO "
                    "TOMO AKI KATSU SHIGE MITSU HARU TAKE",
                    "SHI YUKI KI YA TO HIKO O TA SUKE NORI HIRO AKI JI MA HEI TARŌ ICHI KAZU")
JP_GIV_F = TailPool(extend_pool(JP_GIV_F, "", s=0.5), 0.45,
                    "YU MI KEI TOMO AKI NAO SACHI KUMI MEGU AYA HARU MAI CHI E NORI MAYU KANA SAYA MISA HANA "
                    "RIE KAZU MASA",
                    "KO MI KA E NA RI YO HO")
EN_SURN = TailPool(extend_pool(EN_SURN, " ROBINSON WARD TURNER PARKER COLLINS EDWARDS "
                              "BAKER BELL COOPER RICHARDSON COX HOWARD PHILLIPS WATSON BROOKS SANDERS PRICE "
                              "BENNETT BARNES ROSS HENDERSON COLEMAN JENKINS PERRY POWELL LONG PATTERSON "
                              "FOSTER GRAHAM REID FRASER MURRAY BUTLER SIMPSON MARSHALL", s=0.5), 0.72,
                   "ASH BAR BLACK BRAD BROOK CALD CART CHAP CROM DAL DRAKE FAIR FOX GAR GRAY HAM HART HOLL KEN "
                   "LANG MAR MILL NORTH PEN RAD RIDG SHEL STAN STRAT TAL WAL WEST WHIT WIN BRIGHT CROSS HAWK LIT "
                   "MOR RUSH SOUTH STOCK THORN WAKE HOLM BUR COL HAR",
                   "BY FORD TON LEY WOOD FIELD MAN SON WELL HAM STEAD WORTH LAND MORE BURY DALE WICK RIDGE "
                   "COTT HURST TER LOW INGTON SHAW WAY")
EN_GIV_M = extend_pool(EN_GIV_M, " ADAM ALEXANDER ALAN ANDREW BRADLEY CAMERON CHARLES "
                      "DEAN DOUGLAS DYLAN ETHAN FRASER GARY GRAHAM HAMISH HARRY IAN JORDAN KEITH LIAM "
                      "MARTIN NEIL NOAH OLIVER OSCAR PATRICK PHILIP RAYMOND ROSS RUSSELL SEAN SIMON "
                      "STUART TREVOR TYLER WAYNE ZACHARY", s=0.5)
EN_GIV_F = extend_pool(EN_GIV_F, " ALICE AMY ANNA BETHANY CAROL CHARLOTTE CLAIRE "
                      "DEBORAH DIANE ELLA EMILY FIONA GEORGIA GRACE HEATHER ISABELLA JADE JULIA "
                      "KIMBERLY LAUREN LUCY MADISON MEGAN MELISSA NATALIE PAMELA RACHEL RUTH SAMANTHA "
                      "SOPHIE STEPHANIE TRACEY VICTORIA ZOE", s=0.5)
DE_SURN = TailPool(extend_pool(DE_SURN, "", s=0.55), 0.75,
                   "HOFF BERG WALD STEIN ROSEN LICHT WEISS GOLD EICH LIND BACH FELD HAHN KRAUS BRAND GRÜN "
                   "HEIL KIRCH LANG NEU OBER REIN SCHÖN SOMMER WINTER FRIED HART KUHN BECK STRAUß",
                   "MANN ER HOFF BERG STEIN FELD BAUER MEIER HAUS BACH HOLZ LEHNER WALD HUBER DORF BURG "
                   "ING EL KE")
FR_SURN = TailPool(extend_pool(FR_SURN, "", s=0.55), 0.78,
                   "LE DU BEAU BON CHAM MONT ROCHE FONT BOIS CHA GAR LA VIL BRU CHAR FAU GIR LAF MAR PER RO TOUR",
                   "NIER LLON CHARD RIVIERE MONT VAL PONT RIN LET REAU GNON TEAU NARD LIER ROT CHET QUET VILLE "
                   "LOUP MAS")
NL_SURN = TailPool(extend_pool(NL_SURN, "", s=0.55), 0.72,
                   "BERG HOEK MEUL HEIJ VELD BOS STEEN WER KAMP BRINK HOOG KORT GROEN DIJK LAAN HOF WAL ZAND "
                   "BROEK HUIS MOL DAM BEEK HAM KOOL",
                   "EN MAN MANS STRA ER INK HUIS LAND STEIN HOF",
                   pre=Pool(["", "VAN ", "VAN DER ", "VAN DEN ", "DE ", "VAN DE "], [40, 15, 12, 10, 15, 8]))
RU_SURN = TailPool(extend_pool(RU_SURN, "", s=0.55), 0.70,
                   "BEL GROM KRAS LAV MED TIM KOR RYB SUKH TIKH ZHUK BYK GUS DUB KOT KRYL LOS MYS SOROK CHERN "
                   "ZOL BOGD GOLUB KULIK LAPT MOLCH SINITS BARAN GORD DENIS ZHAR KISEL KUDR MARTYN OSIP "
                   "PROKH RUDN SAV TARAS FIL SHAR YUD",
                   "OV:5 EV:2 IN:2 SKII:1")
UA_SURN = TailPool(extend_pool(UA_SURN, "", s=0.55), 0.70,
                   "BEL GROM KRAS LAV MED TIM KOR RYB SUKH TKACH ZHUK BYK GUS DUB KOT KRYL LOS MYS SOROK "
                   "CHERN ZOL BOGD GOLUB KULIK HONCH PETR SYD",
                   "ENKO:5 CHUK:3 IUK:2 OV:1 SKYI:1 ETS:1")
TR_SURN = TailPool(extend_pool(TR_SURN, "", s=0.8), 0.6,
                   "AK KARA ÖZ YÜCE ER ALTIN GÜL TAŞ BAŞ KOCA SARI UYSAL GÜNEŞ ŞEN YAVUZ TEKİN ERDEM AY "
                   "BOZ GÖK",
                   "TAŞ KAYA DOĞAN SOY OĞLU ER GÜL TÜRK KAN DAĞ ASLAN YILDIZ CAN BAŞ")
NG_SURN = TailPool(extend_pool(NG_SURN, "", s=0.5), 0.6,
                   "OKO ADE OLU CHI NWA OBI EZE AKIN OGUN IFE OYE BABA NNA UCHE ODU",
                   "NKWO YEMI WALE NEDU CHUKWU FOR LEYE TUNDE MOLA KUNLE SOLA DIKE NNA EKE BUIKE")
PH_SURN = extend_pool(PH_SURN, " ALVAREZ BUENAVENTURA CABRERA CONCEPCION CORPUZ CORTEZ "
                     "DAVID DELA_PENA DEL_MUNDO DIAZ DOMINGO ENRIQUEZ ESPIRITU ESTRADA FRANCISCO GOMEZ "
                     "GUEVARRA GUTIERREZ HERNANDEZ IGNACIO JIMENEZ LACSON MACARAEG MAGBANUA MANGUBAT "
                     "MARQUEZ MARTINEZ MEDINA MIRANDA MORALES PACHECO PADILLA PANGANIBAN PEREZ QUIAMBAO "
                     "RAMIREZ ROBLES RODRIGUEZ ROXAS SALVADOR SAMONTE SAN_JOSE SANTIAGO SARMIENTO "
                     "TOLENTINO VALENZUELA VELASCO ZAMORA ABAD ABELLA AGUSTIN BALAGTAS CATACUTAN DIMAANO "
                     "LAGMAN MACAPAGAL ORTEGA QUIZON SISON TAMAYO", s=0.45)
IN_GIV_M = extend_pool(IN_GIV_M, " ADITYA AKASH ANAND ANKIT ANUP ARJUN ASHISH BHARAT "
                      "CHANDAN DEVENDRA GIRISH HARISH HEMANT JITENDRA KAMAL KAPIL KISHORE LALIT MANISH "
                      "MOHIT NARESH NITIN PAWAN PRAKASH PRASHANT RAJEEV RAJENDRA RAVINDRA SACHIN SAURABH "
                      "SHIVAM SUDHIR SUMIT TARUN UMESH VARUN VINOD VIRENDRA YOGESH", s=0.45)
IN_GIV_F = extend_pool(IN_GIV_F, " AARTI ANKITA BHAVNA DIVYA GEETA KIRAN LATA MAMTA "
                      "MONIKA NANDINI PALLAVI PREETI RADHA RASHMI RITU SAPNA SHWETA SONIA SWATI USHA "
                      "VANDANA", s=0.45)
INS_GIV_M = extend_pool(INS_GIV_M, " ANBU ARUMUGAM ASHOK BALU CHANDRAN DINESH ELANGO "
                       "GOPAL JAYAKUMAR KANNAN KUMARAN MANI MOHAN MUTHU NAGARAJ PALANI RAJKUMAR RAMESH "
                       "SATHISH SELVAM SIVA SUBRAMANI SUNDAR THIRU VELU VIGNESH VIJAY YUVARAJ "
                       "ANANTHAN DHANDAPANI KALAI MADHAVAN PANDIAN RAGHU SHANKAR THANGARAJ", s=0.4)
INS_GIV_F = extend_pool(INS_GIV_F, " ANITHA BHUVANA DEEPA GAYATHRI JAYA KALPANA "
                       "MALATHI NIRMALA PADMA RADHA SELVI SUMATHI UMA VIJAYA", s=0.4)
CN_GIV_M = extend_pool(CN_GIV_M, " SHUO YAO NING YI HENG WU KANG JIE LIN BAO ZHAO "
                      "QUAN DA JIAN HUA YUAN LE CAN YUN YANG FAN KE WANG HAN SHUN PEI ZHAN DUO", s=0.55)
CN_GIV_F = extend_pool(CN_GIV_F, " HAN NING JIAO QI SI WAN RUO XI YAO LIAN LAN "
                      "QIONG SHAN XIANG FEN CAI JUN BING HE NAN", s=0.55)
DE_GIV_M = extend_pool(DE_GIV_M, " ALEXANDER BERND CHRISTIAN DANIEL DIETER FLORIAN "
                      "GÜNTER HANS HEINZ HELMUT JAN JENS KARL MANFRED MARTIN MATTHIAS NIKLAS OLIVER PETER "
                      "RALF SEBASTIAN TIM TOBIAS", s=0.5)
FR_GIV_M = extend_pool(FR_GIV_M, " BERNARD CHRISTOPHE DAVID ÉRIC FRÉDÉRIC GUILLAUME "
                      "HUGO LAURENT MAXIME OLIVIER PASCAL PATRICK SÉBASTIEN STÉPHANE VINCENT YVES", s=0.5)
RU_GIV_M = extend_pool(RU_GIV_M, " BORIS FEDOR GEORGII GLEB KONSTANTIN LEONID "
                      "NIKITA RUSLAN STANISLAV TIMUR VADIM VALERII VIACHESLAV VITALII YAROSLAV", s=0.5)
RU_GIV_F = extend_pool(RU_GIV_F, " ALEKSANDRA ALENA ARINA EVGENIIA GALINA INNA KRISTINA "
                      "LIUDMILA LARISA MARINA NADEZHDA OKSANA SOFIIA VALERIIA VERA", s=0.5)
BD_NAME = extend_pool(BD_NAME, "ABDUR_RAHIM ANWAR AZIZUL DELWAR EMDADUL FARUK GOLAM_MOSTAFA HUMAYUN KABIR "
                      "LITON MAHBUB MASUD MONIRUL NAZRUL OMAR_FARUK RASHED SAIFUL SHAHADAT TANVIR ZAKIR "
                      "ADNAN HAMZA IRFAN JUNAID KAMRAN NOMAN OWAIS RIZWAN SHAHZAD UMAIR YASIR ZUBAIR", s=0.4)
BD_GIV_F = extend_pool(BD_GIV_F, "ROKSANA SHAHANA TASLIMA RAHIMA MOMENA NUSRAT FARHANA SHARMIN "
                       "ISRAT SUMAIYA TANIA MARIUM HUMAIRA ZAINAB SANA KHADIJA", s=0.4)
IN_SURN = parse_pool("KUMAR:14 SINGH:14 SHARMA:10 VERMA:4 GUPTA:6 YADAV:5 PATEL:8 SHAH:4 JAIN:3 "
                     "AGARWAL:3 MISHRA:4 PANDEY:3 TIWARI:3 CHAUDHARY:3 MEHTA:2 JOSHI:3 DESAI:2 REDDY:4 "
                     "NAIR:3 IYER:2 PILLAI:2 MENON:2 RAO:4 DAS:4 BANERJEE:2 CHATTERJEE:2 GHOSH:2 "
                     "KHAN:4 SHAIKH:2 ANSARI:2 BHATT:2 CHAUHAN:2 DUBEY:2 GOYAL:1.5 KAPOOR:1.5 KHANNA:1.5 "
                     "MALHOTRA:1.5 NAIDU:1.5 SAXENA:1.5 SRIVASTAVA:2 THAKUR:2 TRIPATHI:2 ARORA:2 SETHI:1 "
                     "GILL:1 SANDHU:1 DHILLON:1 BHATIA:1 KULKARNI:1.5 DESHPANDE:1 PATIL:2 JADHAV:1 "
                     "MUKHERJEE:1.5 BOSE:1 SEN:1 DUTTA:1 SINHA:1.5 PRASAD:2 MAURYA:1 RAJPUT:1")
TR_GIV_M = extend_pool(TR_GIV_M, "ADEM BARIŞ CEM DENİZ ENES ERKAN GÖKHAN HAKAN KEMAL KORAY LEVENT ONUR "
                       "SERKAN TOLGA UĞUR VOLKAN", s=0.5)
INS_FATHER = extend_pool(INS_FATHER, " ".join(x.replace(" ", "_") for x in INS_GIV_M.items) +
                         " ARUNACHALAM CHINNASAMY DURAISAMY GANAPATHY KALIYAPPAN MARIAPPAN MUNUSAMY "
                         "PALANISAMY PERIYASAMY RANGASAMY SIVARAMAN THANGAVEL VEERAPPAN", s=0.3)
INS_GIV_F = extend_pool(INS_GIV_F, "ABIRAMI BHARATHI CHITRA DHANALAKSHMI ESWARI HEMA INDIRA JANAKI "
                        "KAMALA MAHALAKSHMI NITHYA PRIYANKA RAJESWARI SARANYA SHANTHI SUGANYA TAMILSELVI "
                        "VALLI", s=0.35)

# ---------------------------------------------------------------------------
# persons
# ---------------------------------------------------------------------------

NAT_CULT = {
    "CHN": mkpairs("CN:1"), "TWN": mkpairs("TW:1"), "HKG": mkpairs("HK:1"), "KOR": mkpairs("KR:1"),
    "JPN": mkpairs("JP:1"), "VNM": mkpairs("VN:1"), "THA": mkpairs("TH:1"), "PHL": mkpairs("PH:1"),
    "MYS": mkpairs("MYM:55 MYC:30 MYI:15"), "SGP": mkpairs("MYC:72 MYM:14 MYI:9 EN:5"),
    "IND": mkpairs("INN:62 INS:32 BD:6"), "BGD": mkpairs("BD:1"), "PAK": mkpairs("BD:1"),
    "SAU": mkpairs("AR:1"), "YEM": mkpairs("AR:1"), "EGY": mkpairs("AR:1"),
    "AUS": mkpairs("EN:82 CN:7 VN:4 INN:3 DE:2 NL:2"), "NZL": mkpairs("EN:92 CN:5 INN:3"),
    "USA": mkpairs("EN:78 CN:6 KR:4 INN:5 DE:4 FR:3"), "CAN": mkpairs("EN:78 FR:12 CN:10"),
    "GBR": mkpairs("EN:85 INN:8 BD:5 CN:2"), "DEU": mkpairs("DE:91 TR:7 RU:2"), "FRA": mkpairs("FR:89 AR:9 VN:2"),
    "NLD": mkpairs("NL:88 EN:4 TR:4 AR:4"), "RUS": mkpairs("RU:95 UZ:5"), "UKR": mkpairs("UA:85 RU:15"),
    "KAZ": mkpairs("RU:65 UZ:35"), "UZB": mkpairs("UZ:1"), "NGA": mkpairs("NG:1"), "TUR": mkpairs("TR:1"),
    "TLS": mkpairs("PT:1"), "MMR": mkpairs("MM:1"),
}
NAT_CULT_POOL = {k: pool_from_pairs(v) for k, v in NAT_CULT.items()}
EAST_ASIAN = {"CN": 1, "TW": 1, "HK": 1, "MYC": 1, "KR": 1, "VN": 1}
SINGLE_FIELD = {"MYM": 1, "MYI": 1, "MYC": 1, "MM": 1}

BIRTHPLACES = {
    "CHN": parse_pool("HENAN HUNAN SICHUAN SHANDONG HEBEI JIANGSU ZHEJIANG FUJIAN GUANGDONG GUANGXI ANHUI "
                      "HUBEI JIANGXI GANSU SHAANXI SHANXI LIAONING JILIN HEILONGJIANG YUNNAN GUIZHOU "
                      "CHONGQING NEI_MONGGOL SHANGHAI BEIJING TIANJIN", s=0.6),
    "TWN": parse_pool("TAIPEI TAICHUNG KAOHSIUNG TAINAN TAOYUAN CHANGHUA HSINCHU PINGTUNG"),
    "HKG": parse_pool("HONG_KONG GUANGDONG KOWLOON"),
    "KOR": parse_pool("SEOUL BUSAN DAEGU INCHEON GWANGJU DAEJEON ULSAN GYEONGGI CHUNGCHEONG JEOLLA GYEONGSANG"),
    "JPN": parse_pool("TOKYO OSAKA AICHI KANAGAWA SAITAMA FUKUOKA HYOGO HOKKAIDO SHIZUOKA HIROSHIMA"),
    "VNM": parse_pool("HA_NOI HO_CHI_MINH NGHE_AN THANH_HOA HAI_PHONG NAM_DINH THAI_BINH HA_TINH DA_NANG"),
    "THA": parse_pool("BANGKOK CHIANG_MAI KHON_KAEN UDON_THANI NAKHON_RATCHASIMA SONGKHLA PATTANI YALA"),
    "PHL": parse_pool("MANILA QUEZON_CITY CEBU DAVAO ILOILO PAMPANGA BATANGAS LAGUNA ZAMBOANGA"),
    "MYS": parse_pool("KUALA_LUMPUR SELANGOR JOHOR PULAU_PINANG PERAK KEDAH KELANTAN SABAH SARAWAK MELAKA"),
    "SGP": parse_pool("SINGAPORE"),
    "IND": parse_pool("DELHI MUMBAI KOLKATA CHENNAI HYDERABAD BANGALORE PATNA LUCKNOW JAIPUR AHMEDABAD PUNE "
                      "KANPUR COIMBATORE MADURAI"),
    "BGD": parse_pool("DHAKA CHITTAGONG SYLHET COMILLA NOAKHALI KHULNA"),
    "PAK": parse_pool("LAHORE KARACHI FAISALABAD RAWALPINDI PESHAWAR MULTAN"),
    "SAU": parse_pool("RIYADH JEDDAH MAKKAH MADINAH DAMMAM TAIF"),
    "YEM": parse_pool("SANA'A ADEN TARIM MUKALLA SEIYUN TAIZ"),
    "EGY": parse_pool("CAIRO ALEXANDRIA GIZA ASYUT MANSOURA TANTA"),
    "AUS": parse_pool("SYDNEY MELBOURNE PERTH BRISBANE ADELAIDE DARWIN"),
    "NZL": parse_pool("AUCKLAND WELLINGTON CHRISTCHURCH"),
    "USA": parse_pool("CALIFORNIA NEW_YORK TEXAS FLORIDA ILLINOIS WASHINGTON HAWAII"),
    "CAN": parse_pool("TORONTO VANCOUVER MONTREAL CALGARY"),
    "GBR": parse_pool("LONDON MANCHESTER BIRMINGHAM LIVERPOOL LEEDS GLASGOW"),
    "DEU": parse_pool("BERLIN HAMBURG MÜNCHEN KÖLN FRANKFURT_AM_MAIN STUTTGART DÜSSELDORF"),
    "FRA": parse_pool("PARIS LYON MARSEILLE TOULOUSE NICE NANTES BORDEAUX"),
    "NLD": parse_pool("AMSTERDAM ROTTERDAM DEN_HAAG UTRECHT EINDHOVEN"),
    "RUS": parse_pool("MOSKVA SANKT-PETERBURG NOVOSIBIRSK EKATERINBURG KAZAN KRASNODAR"),
    "UKR": parse_pool("KYIV KHARKIV ODESA DNIPRO LVIV"),
    "KAZ": parse_pool("ALMATY ASTANA SHYMKENT"),
    "UZB": parse_pool("TASHKENT SAMARKAND FERGANA ANDIJAN BUKHARA"),
    "NGA": parse_pool("LAGOS ABUJA KANO ENUGU IBADAN ONITSHA"),
    "TUR": parse_pool("ISTANBUL ANKARA IZMIR BURSA KONYA"),
    "TLS": parse_pool("DILI BAUCAU MALIANA SUAI"),
    "MMR": parse_pool("YANGON MANDALAY MAWLAMYINE PATHEIN BAGO"),
}


class Person(object):
    __slots__ = ("cult", "nat", "sex", "dob", "fam", "giv", "mid", "gj", "midp", "alias", "py",
                 "reg", "bplace", "pp", "pp2", "pp2k", "ptype", "pidx", "pno", "pexp", "comp",
                 "sponsor", "jab", "area", "cat", "lid", "rel", "nat2")

    def __init__(self):
        self.py = None
        self.pp2 = ""
        self.pp2k = 0
        self.ptype = ""
        self.pidx = ""
        self.pno = ""
        self.pexp = 0
        self.comp = -1
        self.sponsor = ""
        self.jab = ""
        self.area = 0
        self.cat = ""
        self.lid = -1
        self.rel = ""
        self.alias = ""
        self.mid = ()
        self.midp = False
        self.gj = " "
        self.nat2 = ""


def _kr_rom(tok, rng, p_alt):
    alts = KR_SYL_ALT.get(tok)
    if alts and rng.random() < p_alt:
        return alts[int(rng.random() * len(alts))]
    return tok


def ru_patronymic(father, sex):
    f = father
    if f.endswith("II") or f.endswith("EI") or f.endswith("AI"):
        stem = f[:-1]
        return stem + ("EVICH" if sex == "L" else "EVNA")
    if f.endswith("A"):
        return f[:-1] + ("ICH" if sex == "L" else "ICHNA")
    return f + ("OVICH" if sex == "L" else "OVNA")


def ru_female(s):
    if s.endswith("OV") or s.endswith("EV") or s.endswith("IN"):
        return s + "A"
    if s.endswith("SKII"):
        return s[:-4] + "SKAIA"
    if s.endswith("SKYI"):
        return s[:-4] + "SKA"
    return s


def make_name(p, rng, fam_hint=None, gen_hint=None, father=None):
    """Fill p.fam, p.giv, p.mid, p.gj, p.midp, p.alias, p.py for p.cult / p.sex.
    fam_hint: force family name (relatives); gen_hint: shared generation syllable;
    father: father's Person for patronymic cultures."""
    c = p.cult
    r = rng.random
    male = p.sex == "L"
    if c == "CN":
        fam = fam_hint or CN_SURN.pick(rng)
        pool = CN_GIV_M if male else CN_GIV_F
        if r() < 0.15 and not gen_hint:
            giv = (pool.pick(rng),)
        else:
            a = gen_hint or pool.pick(rng)
            b = pool.pick(rng)
            if b == a and r() < 0.8:
                b = pool.pick(rng)
            giv = (a, b)
        p.fam, p.giv, p.gj = (fam,), giv, ""
        if r() < 0.12:
            p.alias = (ENGLISH_ALIAS_M if male else ENGLISH_ALIAS_F).pick(rng)
    elif c == "TW":
        fam = fam_hint or CN_SURN.pick(rng)
        pool = CN_GIV_M if male else CN_GIV_F
        a = gen_hint or pool.pick(rng)
        b = pool.pick(rng)
        p.py = (fam, (a, b))
        p.fam = (CN_DIALECT.get(fam, (fam,))[0],)
        p.giv = (pinyin_to_wg(a), pinyin_to_wg(b))
        p.gj = wpick(rng, [("-", 85), ("", 10), (" ", 5)])
        if r() < 0.35:
            p.alias = (ENGLISH_ALIAS_M if male else ENGLISH_ALIAS_F).pick(rng)
    elif c in ("HK", "MYC"):
        pyf = CN_SURN.pick(rng)
        forms = CN_DIALECT.get(pyf, (pyf, pyf, pyf))
        if c == "HK":
            f = forms[1]
        else:
            f = forms[2] if r() < 0.75 else forms[1]
        fam = fam_hint or f
        pool = DIALECT_GIV_M if male else DIALECT_GIV_F
        a = gen_hint or pool.pick(rng)
        b = pool.pick(rng)
        p.fam, p.giv, p.gj = (fam,), (a, b), " "
        if r() < (0.5 if c == "HK" else 0.35):
            p.alias = (ENGLISH_ALIAS_M if male else ENGLISH_ALIAS_F).pick(rng)
            if c == "HK" and r() < 0.5:
                p.mid, p.midp = (p.alias,), True
    elif c == "KR":
        if fam_hint:
            fam = fam_hint
        else:
            fam = KR_SURN.pick(rng)
            if r() < 0.15 and fam in KR_SURN_ALT:
                alts = KR_SURN_ALT[fam]
                fam = alts[int(r() * len(alts))]
        pool = KR_GIV_M if male else KR_GIV_F
        p_alt = 0.3
        a0 = pool.pick(rng)
        b0 = pool.pick(rng)
        if b0 == a0:
            b0 = pool.pick(rng)
        a = gen_hint or _kr_rom(a0, rng, p_alt)
        b = _kr_rom(b0, rng, p_alt)
        p.fam, p.giv = (fam,), (a, b)
        p.gj = wpick(rng, [("", 55), ("-", 25), (" ", 20)])
        if r() < 0.2:
            p.alias = (ENGLISH_ALIAS_M if male else ENGLISH_ALIAS_F).pick(rng)
    elif c == "JP":
        p.fam = (fam_hint or JP_SURN.pick(rng),)
        p.giv = ((JP_GIV_M if male else JP_GIV_F).pick(rng),)
        p.gj = "oh" if r() < 0.14 else "plain"   # passport long-vowel style
    elif c == "VN":
        fam = fam_hint or VN_SURN.pick(rng)
        mid = (VN_MID_M if male else VN_MID_F).pick(rng)
        g = (VN_GIV_M if male else VN_GIV_F).pick(rng)
        if r() < 0.15:
            g2 = (VN_GIV_M if male else VN_GIV_F).pick(rng)
            giv = (mid, g, g2) if g2 != g else (mid, g)
        else:
            giv = (mid, g)
        p.fam, p.giv, p.gj = (fam,), giv, " "
    elif c == "TH":
        p.giv = ((TH_GIV_M if male else TH_GIV_F).pick(rng),)
        if fam_hint:
            p.fam = (fam_hint,)
        else:
            a = TH_SURN_A.pick(rng)
            b = TH_SURN_B.pick(rng)
            while b == a:
                b = TH_SURN_B.pick(rng)
            p.fam = (a + b,)
        p.alias = TH_NICK.pick(rng)
    elif c == "PH":
        g = (PH_GIV_M if male else PH_GIV_F).pick(rng)
        giv = (g,)
        if male and r() < 0.03:
            giv = (g, "JR.")
        p.giv = giv
        p.fam = (fam_hint or PH_SURN.pick(rng),)
        mm = PH_SURN.pick(rng)
        if mm == p.fam[0]:
            mm = PH_SURN.pick(rng)
        p.mid, p.midp = (mm,), True
        nick = PH_NICK.get(g)
        if nick and r() < 0.5:
            p.alias = nick
    elif c == "MYM":
        if male:
            pre = MY_PRE_M.pick(rng)
            nm = MY_NAME_M.pick(rng)
            giv = (pre, nm) if pre != "-" else (nm,)
            if pre == "ABDUL":
                giv = ("ABDUL", nm)
            b = "BIN"
        else:
            pre = MY_PRE_F.pick(rng)
            nm = MY_NAME_F.pick(rng)
            giv = (pre, nm) if pre != "-" else (nm,)
            b = "BINTI"
        if father is not None:
            fn = " ".join(father.giv)
        else:
            fn = MY_FATHER.pick(rng)
            if r() < 0.3:
                fn = wpick(rng, [("MOHD", 5), ("MUHAMMAD", 3), ("AHMAD", 2)]) + " " + fn
        p.fam, p.giv, p.mid, p.midp, p.gj = (), giv, (b, fn), True, " "
    elif c == "MYI":
        p.giv = ((MYIN_GIV_M if male else MYIN_GIV_F).pick(rng),)
        fn = " ".join(father.giv) if father is not None else MYIN_FATHER.pick(rng)
        p.fam, p.mid, p.midp = (), ("A/L" if male else "A/P", fn), True
    elif c == "INN":
        g = (IN_GIV_M if male else IN_GIV_F).pick(rng)
        fam = fam_hint or IN_SURN.pick(rng)
        if male and fam != "KUMAR" and r() < 0.25:
            giv = (g, "KUMAR")
        else:
            giv = (g,)
        if not male and fam == "SINGH":
            fam = "KAUR"
        if not male and fam == "KUMAR":
            fam = "KUMARI"
        p.fam, p.giv = (fam,), giv
    elif c == "INS":
        p.giv = ((INS_GIV_M if male else INS_GIV_F).pick(rng),)
        if fam_hint:
            p.fam = (fam_hint,)
        elif r() < 0.7:
            p.fam = (INS_FATHER.pick(rng),)
        else:
            p.fam = ()
            p.gj = wpick(rng, [(" ", 60), ("FNU", 15), ("DUP", 25)])  # how a registry stores a mononym
    elif c == "BD":
        if male:
            pre = BD_PRE.pick(rng)
            nm = BD_NAME.pick(rng)
            giv = (pre, nm) if pre != "-" else (nm,)
            fam = fam_hint or BD_SURN.pick(rng)
        else:
            giv = (BD_GIV_F.pick(rng),)
            if r() < 0.35:
                fam = wpick(rng, [("BEGUM", 4), ("KHATUN", 3), ("AKTER", 3), ("BIBI", 1)])
            else:
                fam = fam_hint or BD_SURN.pick(rng)
        p.giv = giv
        p.fam = () if fam == "-" else (fam,)
    elif c == "AR":
        p.giv = ((AR_GIV_M if male else AR_GIV_F).pick(rng),)
        if father is not None:
            f1 = father.giv[0]
            f2 = father.mid[0] if father.mid else AR_GIV_M.pick(rng)
        else:
            f1 = AR_GIV_M.pick(rng)
            f2 = AR_GIV_M.pick(rng)
        if p.nat == "EGY":
            p.mid, p.midp = (f1, f2, AR_GIV_M.pick(rng)), True
            p.fam = ()
        else:
            p.mid, p.midp = (f1, f2), True
            if fam_hint:
                fam = fam_hint
            else:
                fam = (AR_FAM_YEM if p.nat == "YEM" else AR_FAM_SAU).pick(rng)
                if fam.startswith("AL-"):
                    st = wpick(rng, [("-", 50), (" ", 30), ("", 20)])
                    fam = "AL" + st + fam[3:]
            p.fam = (fam,)
    elif c in ("EN", "DE", "FR", "NL", "NG", "TR", "PT"):
        gp, sp = {
            "EN": ((EN_GIV_M, EN_GIV_F), EN_SURN), "DE": ((DE_GIV_M, DE_GIV_F), DE_SURN),
            "FR": ((FR_GIV_M, FR_GIV_F), FR_SURN), "NL": ((NL_GIV_M, NL_GIV_F), NL_SURN),
            "NG": ((NG_GIV_M, NG_GIV_F), NG_SURN), "TR": ((TR_GIV_M, TR_GIV_F), TR_SURN),
            "PT": ((PT_GIV_M, PT_GIV_F), PT_SURN)}[c]
        pool = gp[0] if male else gp[1]
        g = pool.pick(rng)
        p_mid = {"EN": 0.6, "DE": 0.3, "FR": 0.35, "NL": 0.45, "NG": 0.35, "TR": 0.15, "PT": 0.5}[c]
        if r() < p_mid:
            if c == "NG" and r() < 0.5:
                g2 = (EN_GIV_M if male else EN_GIV_F).pick(rng)
            else:
                g2 = pool.pick(rng)
            giv = (g, g2) if g2 != g else (g,)
        else:
            giv = (g,)
        fam = fam_hint or sp.pick(rng)
        if c == "PT" and not fam_hint and r() < 0.4:
            f2 = sp.pick(rng)
            if f2 != fam:
                fam = fam + " " + f2
        p.giv, p.fam = giv, (fam,)
        if c == "EN":
            nk = EN_NICK.get(g)
            if nk and r() < 0.45:
                p.alias = nk[int(r() * len(nk))]
        elif c == "NG":
            if g in NG_SHORT and r() < 0.6:
                p.alias = NG_SHORT[g]
    elif c in ("RU", "UA", "UZ"):
        if c == "RU":
            gp, sp = (RU_GIV_M, RU_GIV_F), RU_SURN
        elif c == "UA":
            gp, sp = (UA_GIV_M, UA_GIV_F), (UA_SURN if r() < 0.7 else RU_SURN)
        else:
            gp, sp = (UZ_GIV_M, UZ_GIV_F), UZ_SURN
        p.giv = ((gp[0] if male else gp[1]).pick(rng),)
        fam = fam_hint or sp.pick(rng)
        if fam_hint is None and not male:
            fam = ru_female(fam)
        p.fam = (fam,)
        fth = father.giv[0] if father is not None else gp[0].pick(rng)
        p.mid, p.midp = (ru_patronymic(fth, p.sex),), False
    elif c == "MM":
        pool = MM_SYL if male else MM_SYL_F
        n = 2 if r() < 0.55 else 3
        toks = []
        while len(toks) < n:
            t = pool.pick(rng)
            if not toks or t != toks[-1]:
                toks.append(t)
        p.giv, p.fam = tuple(toks), ()
    else:
        raise ValueError(c)


def given_field(p):
    """Given-name field as printed in the passport."""
    c = p.cult
    g = p.giv
    if c == "JP":
        return jp_passport(g[0], None, p.gj)
    if c in ("CN", "TW", "KR"):
        s = p.gj.join(g)
    else:
        s = " ".join(g)
    if p.midp and p.mid:
        s = s + " " + " ".join(p.mid)
    return s


def surname_field(p):
    if not p.fam:
        return ""
    if p.cult == "JP":
        return jp_passport(p.fam[0], None, p.gj)
    return p.fam[0]


def registry_name(p, rng):
    c = p.cult
    if c in SINGLE_FIELD:
        if c == "MYC":
            s = p.fam[0] + " " + " ".join(p.giv)
            if p.alias and rng.random() < 0.25:
                s = s + " " + p.alias if rng.random() < 0.5 else p.alias + " " + s
        else:
            s = given_field(p)
    else:
        gf = given_field(p)
        if c == "PH" and rng.random() < 0.3:
            gf = " ".join(p.giv)  # registry without the middle name
        sf = surname_field(p)
        if not sf:
            if c == "INS" and p.gj == "FNU":
                s = "FNU " + gf
            elif c == "INS" and p.gj == "DUP":
                s = gf + " " + gf
            else:
                s = gf
        elif rng.random() < 0.15:       # legacy records: SURNAME GIVEN
            s = sf + " " + gf
        else:
            s = gf + " " + sf
    # how the registry software treats letters outside A-Z
    if any(ord(ch) > 127 for ch in s):
        x = rng.random()
        if c == "DE":
            s = fold_mrz(s) if x < 0.6 else (fold_simple(s) if x < 0.9 else s)
        else:
            s = fold_simple(s) if x < 0.75 else s
    return s


# --- document numbers ---------------------------------------------------------

DE_PP_ALPHA = "CFGHJKLMNPRTVWXYZ0123456789"
NL_PP_ALPHA = "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789"


def make_passport(nat, rng):
    r = rng.random
    if nat == "CHN":
        if r() < 0.5:
            return "E" + rdig(rng, 8)
        return "E" + "ABCDEFGHJK"[int(r() * 10)] + rdig(rng, 7)
    if nat == "TWN":
        return "3" + rdig(rng, 8)
    if nat == "HKG":
        return "K" + rdig(rng, 8)
    if nat == "KOR":
        if r() < 0.5:
            return "M" + rdig(rng, 8)
        return "M" + rdig(rng, 3) + rlet(rng, 1) + rdig(rng, 4)
    if nat == "JPN":
        return ["TK", "TR", "TZ", "MZ", "MU", "TS", "TH"][int(r() * 7)] + rdig(rng, 7)
    if nat == "IND":
        return "JKLMNPRSTUVWZ"[int(r() * 13)] + rdig(rng, 7)
    if nat == "MYS":
        return "A" + rdig(rng, 8)
    if nat == "SGP":
        return "K" + rdig(rng, 7) + rlet(rng, 1)
    if nat == "PHL":
        if r() < 0.7:
            return "P" + rdig(rng, 7) + rlet(rng, 1)
        return "E" + "BC"[int(r() * 2)] + rdig(rng, 7)
    if nat == "VNM":
        return "BCN"[int(r() * 3)] + rdig(rng, 7)
    if nat == "THA":
        return "A" + "ABCD"[int(r() * 4)] + rdig(rng, 7)
    if nat in ("USA",):
        if r() < 0.6:
            return "5" + rdig(rng, 8)
        return "A" + rdig(rng, 8)
    if nat == "AUS":
        return "P" + "ABCDE"[int(r() * 5)] + rdig(rng, 7)
    if nat in ("GBR", "NZL", "CAN"):
        if nat == "CAN":
            return rlet(rng, 2) + rdig(rng, 6)
        if nat == "NZL":
            return "L" + rlet(rng, 1) + rdig(rng, 6)
        return "1" + rdig(rng, 8) if r() < 0.5 else "5" + rdig(rng, 8)
    if nat == "DEU":
        return "CFGHJK"[int(r() * 6)] + rlet(rng, 8, DE_PP_ALPHA)
    if nat == "FRA":
        return rdig(rng, 2) + rlet(rng, 2) + rdig(rng, 5)
    if nat == "NLD":
        return rlet(rng, 2, "ABCDEFGHIJKLMNPQRSTUVWXYZ") + rlet(rng, 6, NL_PP_ALPHA) + rdig(rng, 1)
    if nat in ("RUS", "KAZ"):
        return "7" + rdig(rng, 1) + rdig(rng, 7)
    if nat == "UKR":
        return rlet(rng, 2) + rdig(rng, 6)
    if nat == "UZB":
        return "FA" + rdig(rng, 7)
    if nat in ("NGA", "EGY", "TUR"):
        return {"NGA": "A", "EGY": "A", "TUR": "U"}[nat] + rdig(rng, 8)
    if nat in ("SAU", "YEM"):
        return rlet(rng, 1) + rdig(rng, 7) if nat == "SAU" else "0" + rdig(rng, 7)
    if nat in ("PAK", "BGD"):
        return rlet(rng, 2) + rdig(rng, 7)
    if nat == "TLS":
        return "P" + rdig(rng, 7)
    if nat == "MMR":
        return "M" + "ABCD"[int(r() * 4)] + rdig(rng, 6)
    return rlet(rng, 1) + rdig(rng, 8)


def make_permit_no(ptype, year, rng):
    pre = {"ITAS": "2C", "ITAP": "2D", "ITK": "1B"}.get(ptype, "2C")
    return "%s%02d%s%s-%s" % (pre, year % 100, rlet(rng, 2, "ABCDEFGHJKLMNPRSTUVWXYZ"), rdig(rng, 4),
                              rlet(rng, 1, "ABCDEFGHJKLMNPQRSTUVWXYZ"))

# ---------------------------------------------------------------------------
# the world: areas, sponsors (companies), the registry population
# ---------------------------------------------------------------------------

# (kabupaten/kota, type, kecamatan...)   types: ind smelt urban tour plant port edu
AREAS = [
    ("KAB. MOJOKERTO", "ind", "NGORO MOJOSARI PUNGGING JETIS", 6),
    ("KAB. PASURUAN", "ind", "BEJI GEMPOL PANDAAN REMBANG", 5),
    ("KAB. GRESIK", "ind", "MANYAR KEBOMAS DRIYOREJO CERME", 7),
    ("KAB. SIDOARJO", "ind", "SEDATI WARU GEDANGAN TAMAN BUDURAN", 6),
    ("KAB. BEKASI", "ind", "CIKARANG_UTARA CIKARANG_SELATAN SERANG_BARU SETU", 10),
    ("KAB. KARAWANG", "ind", "TELUKJAMBE_TIMUR KLARI CIKAMPEK", 7),
    ("KOTA BATAM", "ind", "BATU_AMPAR SEKUPANG NONGSA BATAM_KOTA", 8),
    ("KAB. TANGERANG", "ind", "CIKUPA BALARAJA PASAR_KEMIS", 6),
    ("KOTA CILEGON", "ind", "CIWANDAN CITANGKIL", 4),
    ("KAB. KENDAL", "ind", "KALIWUNGU BRANGSONG", 3),
    ("KAB. MOROWALI", "smelt", "BAHODOPI BUNGKU_TIMUR BUNGKU_PESISIR", 12),
    ("KAB. KONAWE", "smelt", "MOROSI MOTUI", 6),
    ("KAB. HALMAHERA TENGAH", "smelt", "WEDA WEDA_TENGAH", 5),
    ("KAB. HALMAHERA SELATAN", "smelt", "OBI", 3),
    ("KAB. MIMIKA", "smelt", "TEMBAGAPURA MIMIKA_BARU", 2),
    ("KAB. SUMBAWA BARAT", "smelt", "MALUK SEKONGKANG", 2),
    ("KAB. KUTAI KARTANEGARA", "smelt", "TENGGARONG LOA_KULU", 2),
    ("KOTA SURABAYA", "urban", "TEGALSARI GUBENG WONOKROMO SUKOMANUNGGAL WIYUNG", 8),
    ("KOTA JAKARTA SELATAN", "urban", "KEBAYORAN_BARU SETIABUDI MAMPANG_PRAPATAN CILANDAK", 12),
    ("KOTA JAKARTA UTARA", "urban", "PENJARINGAN KELAPA_GADING", 6),
    ("KOTA TANGERANG", "urban", "KARAWACI CIPONDOH", 4),
    ("KOTA MEDAN", "urban", "MEDAN_BARU MEDAN_PETISAH", 4),
    ("KOTA BANDUNG", "urban", "COBLONG SUKAJADI", 3),
    ("KOTA SEMARANG", "urban", "SEMARANG_TENGAH BANYUMANIK", 3),
    ("KOTA MAKASSAR", "urban", "PANAKKUKANG MARISO", 3),
    ("KAB. BADUNG", "tour", "KUTA_UTARA KUTA KUTA_SELATAN MENGWI", 12),
    ("KOTA DENPASAR", "tour", "DENPASAR_SELATAN DENPASAR_BARAT", 5),
    ("KAB. GIANYAR", "tour", "UBUD SUKAWATI", 4),
    ("KAB. LOMBOK TENGAH", "tour", "PUJUT PRAYA", 2),
    ("KAB. MANGGARAI BARAT", "tour", "KOMODO", 1),
    ("KAB. BOGOR", "tour", "CISARUA MEGAMENDUNG", 2),
    ("KAB. KOTAWARINGIN TIMUR", "plant", "MENTAYA_HILIR_SELATAN CEMPAGA", 2),
    ("KAB. SIAK", "plant", "TUALANG KANDIS", 2),
    ("KAB. ROKAN HILIR", "plant", "BAGAN_SINEMBAH", 1),
    ("KOTA BITUNG", "port", "MADIDIR AERTEMBAGA", 2),
    ("KAB. KEPULAUAN ARU", "port", "PULAU-PULAU_ARU", 1),
    ("KOTA MALANG", "edu", "LOWOKWARU KLOJEN", 3),
    ("KOTA YOGYAKARTA", "edu", "GONDOKUSUMAN DEPOK", 3),
]
AREA_NAME = [a[0] for a in AREAS]
AREA_TYPE = [a[1] for a in AREAS]
AREA_KEC = [[k.replace("_", " ") for k in a[2].split()] for a in AREAS]
AREA_SHORT = [a[0].replace("KAB. ", "").replace("KOTA ", "") for a in AREAS]
AREAS_BY_TYPE = {}
for _i, _a in enumerate(AREAS):
    AREAS_BY_TYPE.setdefault(_a[1], []).append(_i)
AREA_POOL_BY_TYPE = {t: Pool(ix, [AREAS[i][3] for i in ix]) for t, ix in AREAS_BY_TYPE.items()}
ALL_RES_AREAS = Pool(list(range(len(AREAS))), [a[3] for a in AREAS])

STREETS = parse_pool("MELATI MAWAR ANGGREK KENANGA DIPONEGORO SUDIRMAN GATOT_SUBROTO AHMAD_YANI PAHLAWAN "
                     "MERDEKA KARTINI HAYAM_WURUK GAJAH_MADA PEMUDA RAYA_INDUSTRI BY_PASS RAYA_PANTAI "
                     "CEMPAKA FLAMBOYAN DAHLIA SETIABUDI DIPONEGORO_BARAT KAWASAN_INDUSTRI", s=0.4)
ID_NAMES_M = parse_pool("BAMBANG AGUS BUDI SUGENG HENDRA RUDI JOKO WAHYU DEDI EKO ANDI HERU SLAMET "
                        "IWAN YUDI ARIF FAJAR DANI", s=0.5)
ID_NAMES_F = parse_pool("SITI SRI DEWI RINA YULI ENDANG WATI LESTARI NUR ANI RATNA INDAH FITRI "
                        "MAYA PUTU KADEK NI_LUH", s=0.5)
ID_SURN = parse_pool("SUSANTO RAHAYU WIJAYA SANTOSO HIDAYAT SETIAWAN KURNIAWAN PRATAMA WAHYUNI "
                     "HARTONO SUSILO LESTARI SARI PUTRI WULANDARI GUNAWAN HALIM", s=0.5)

SECTORS = mkpairs("smelter:3 mine:3 factory:38 construction:8 plantation:5 office:24 hospitality:11 "
                  "education:5 fishing:3")
SECTOR_POOL = pool_from_pairs(SECTORS)
SECTOR_XM = {"smelter": 40, "mine": 10, "factory": 3, "construction": 5, "plantation": 2, "office": 1,
             "hospitality": 1, "education": 2, "fishing": 4}
SECTOR_AREA = {"smelter": "smelt", "mine": "smelt", "factory": "ind", "construction": None,
               "plantation": "plant", "office": "urban", "hospitality": "tour", "education": "edu",
               "fishing": "port"}
SECTOR_NAT = {
    "smelter": pool_from_pairs(mkpairs("CHN:91 TWN:2 KOR:1 IND:2 AUS:1 PHL:1 RUS:1 MYS:1")),
    "mine": pool_from_pairs(mkpairs("CHN:40 AUS:15 USA:8 GBR:5 PHL:8 IND:6 JPN:4 KOR:4 CAN:5 NZL:2 ZZZ:0")),
    "factory": pool_from_pairs(mkpairs("CHN:35 KOR:17 JPN:17 TWN:8 IND:6 MYS:4 SGP:2 DEU:2 THA:2 VNM:2 "
                                       "PHL:2 TUR:1 USA:1 HKG:1")),
    "construction": pool_from_pairs(mkpairs("CHN:55 KOR:10 JPN:10 TUR:5 IND:5 MYS:3 PHL:3 AUS:2 GBR:2 "
                                            "BGD:3 PAK:2")),
    "plantation": pool_from_pairs(mkpairs("MYS:45 IND:15 SGP:10 CHN:10 PHL:5 BGD:5 GBR:3 AUS:3")),
    "office": pool_from_pairs(mkpairs("CHN:15 SGP:8 MYS:8 JPN:10 KOR:10 IND:8 USA:6 AUS:6 GBR:5 NLD:3 "
                                      "DEU:3 FRA:3 PHL:4 TUR:2 SAU:2 HKG:3 TWN:3")),
    "hospitality": pool_from_pairs(mkpairs("AUS:18 RUS:12 FRA:8 GBR:8 USA:6 DEU:6 NLD:5 JPN:5 KOR:5 "
                                           "IND:6 PHL:8 THA:4 UKR:4 TUR:2")),
    "education": pool_from_pairs(mkpairs("USA:18 GBR:15 AUS:15 PHL:15 IND:8 CAN:5 KOR:5 JPN:5 EGY:4 "
                                         "YEM:3 TLS:3 NZL:4")),
    "fishing": pool_from_pairs(mkpairs("CHN:40 TWN:20 KOR:10 MMR:15 VNM:10 PHL:5")),
}
SECTOR_MALE = {"smelter": 0.96, "mine": 0.93, "factory": 0.82, "construction": 0.95, "plantation": 0.85,
               "office": 0.70, "hospitality": 0.55, "education": 0.45, "fishing": 0.98}
JAB = {
    "smelter": parse_pool("TEKNISI OPERATOR_TUNGKU SUPERVISOR_PRODUKSI TENAGA_AHLI_METALURGI MEKANIK "
                          "TEKNISI_LISTRIK FOREMAN ENGINEER MANAGER_PRODUKSI QUALITY_CONTROL KEPALA_TEKNIK "
                          "DIREKTUR"),
    "mine": parse_pool("GEOLOGIST MINING_ENGINEER SUPERVISOR_TAMBANG MEKANIK_ALAT_BERAT SURVEYOR MANAGER "
                       "SAFETY_OFFICER DIREKTUR"),
    "factory": parse_pool("TEKNISI SUPERVISOR_PRODUKSI MANAGER_PABRIK QUALITY_CONTROL ENGINEER "
                          "PENASIHAT_TEKNIK KEPALA_BAGIAN DIREKTUR ADVISOR"),
    "construction": parse_pool("SITE_MANAGER ENGINEER SUPERVISOR_KONSTRUKSI SURVEYOR TEKNISI_SIPIL "
                               "MANDOR PROJECT_MANAGER"),
    "plantation": parse_pool("ESTATE_MANAGER ASISTEN_KEBUN AGRONOMIST MILL_MANAGER TEKNISI DIREKTUR"),
    "office": parse_pool("DIREKTUR MANAGER KONSULTAN FINANCE_MANAGER MARKETING_MANAGER KOMISARIS "
                         "GENERAL_MANAGER IT_SPECIALIST"),
    "hospitality": parse_pool("CHEF GENERAL_MANAGER SPA_MANAGER INSTRUKTUR_SELAM SOMMELIER "
                              "FOOD_AND_BEVERAGE_MANAGER DIREKTUR"),
    "education": parse_pool("GURU DOSEN KEPALA_SEKOLAH PENGAJAR_BAHASA KONSULTAN_PENDIDIKAN"),
    "fishing": parse_pool("NAHKODA FISHING_MASTER KEPALA_KAMAR_MESIN ABK TEKNISI_PENDINGIN"),
}
JAB_LIST_FORMS = {
    "TEKNISI": ["TEKNISI", "TECHNICIAN", "TKA TEKNISI"], "OPERATOR TUNGKU": ["OPERATOR", "OPERATOR TUNGKU", "FURNACE OPERATOR"],
    "SUPERVISOR PRODUKSI": ["SUPERVISOR", "SPV PRODUKSI", "PRODUCTION SUPERVISOR"],
    "MEKANIK": ["MEKANIK", "MECHANIC"], "ENGINEER": ["ENGINEER", "INSINYUR", "TEKNIK"],
    "MANAGER PRODUKSI": ["MANAGER", "MANAJER PRODUKSI"], "DIREKTUR": ["DIREKTUR", "DIRECTOR", "DIRUT"],
    "MANAGER": ["MANAGER", "MANAJER"], "GURU": ["GURU", "TEACHER", "PENGAJAR"], "CHEF": ["CHEF", "KOKI"],
}
OFF_PERMIT_JOBS = ["TUKANG LAS", "WELDER", "BURUH", "HELPER", "SOPIR", "TUKANG", "KOKI", "PEKERJA KASAR",
                   "OPERATOR", "JUALAN"]

CO_WORDS = {
    "CN": (["HUA", "XIN", "JIN", "LONG", "TIAN", "SHENG", "DA", "HONG", "BAO", "RUI", "YONG", "FENG", "HENG",
            "TAI", "KANG", "FU", "WAN", "DE", "ZHONG", "HAI"],
           ["XING", "YUAN", "FENG", "TAI", "HUA", "SHENG", "LONG", "DA", "MING", "CHENG", "FA", "LI", "TONG"]),
    "KR": (["DONG", "SAM", "HYUN", "SUNG", "DAE", "HAN", "KUM", "JIN", "YOUNG", "SHIN", "WOO", "IL"],
           ["WOO", "SUNG", "JIN", "IL", "YOUNG", "HWA", "KWANG", "DO", "SAN", "HO", "CHANG", "MYUNG"]),
    "JP": (["YAMATO", "TOYO", "NIPPON", "ASAHI", "FUJI", "SANYO", "DAIICHI", "KYOWA", "NISHI", "TOKAI",
            "MARUI", "SAKURA", "HOKUTO", "TAKARA", "MEIWA"],
           ["SEIKI", "KOGYO", "DENKI", "INDUSTRIES", "METAL", "PRECISION", "PARTS", "CHEMICAL", "SANGYO"]),
    "ID": (["SINAR", "MITRA", "KARYA", "BUMI", "SURYA", "CAHAYA", "PUTRA", "ANUGERAH", "BERKAH", "SUMBER",
            "MEGA", "MULTI", "PRIMA", "TUNAS", "GEMILANG", "INDAH", "MULIA", "BINTANG", "CIPTA", "DUTA"],
           ["ABADI", "JAYA", "SENTOSA", "MAKMUR", "PERKASA", "UTAMA", "MANDIRI", "LESTARI", "SEJAHTERA",
            "NUSANTARA", "PERSADA", "SAMUDERA", "GEMILANG", "ALAM", "BARU"]),
    "IN": (["SHREE", "SRI", "OM", "GANESH", "LAXMI", "BHARAT", "ARYA", "VISHNU", "KRISHNA"],
           ["METALS", "TEXTILE", "POLYCHEM", "STEEL", "COTTON", "AGRO", "IMPEX"]),
    "WE": (["ATLAS", "PACIFIC", "GLOBAL", "ORION", "VECTOR", "SUMMIT", "NORDIC", "DELTA", "HORIZON", "APEX",
            "BLUE", "OCEAN", "SOUTHERN", "EQUATOR"],
           ["CAPITAL", "PARTNERS", "VENTURES", "SERVICES", "GROUP", "HOLDINGS", "INTERNATIONAL", "ASIA"]),
}
SECTOR_WORD = {"smelter": ["NICKEL", "STEEL", "METAL", "SMELTING", "ALLOY", "MINERAL"],
               "mine": ["MINING", "RESOURCES", "MINERALS", "COAL", "TAMBANG"],
               "factory": ["INDUSTRIES", "MANUFACTURING", "ELECTRONICS", "TEXTILE", "CERAMIC", "CHEMICAL",
                           "PAPER", "FOOTWEAR", "GARMENT", "PLASTIC", "FOOD"],
               "construction": ["CONSTRUCTION", "ENGINEERING", "KONSTRUKSI", "BUILDING", "INFRASTRUCTURE"],
               "plantation": ["PLANTATION", "AGRO", "PERKEBUNAN", "PALM OIL", "SAWIT"],
               "office": ["TRADING", "CONSULTING", "INVESTMENT", "LOGISTICS", "TECHNOLOGY", "FINANCE"],
               "hospitality": ["RESORT", "VILLAS", "HOSPITALITY", "HOTEL", "DIVE", "BEACH CLUB"],
               "education": ["EDUCATION", "SCHOOL", "ACADEMY", "PENDIDIKAN"],
               "fishing": ["FISHERY", "MARINE", "PERIKANAN", "SEAFOOD"]}
NAT_COGROUP = {"CHN": "CN", "TWN": "CN", "HKG": "CN", "KOR": "KR", "JPN": "JP", "IND": "IN", "BGD": "IN",
               "PAK": "IN", "MYS": "ID", "SGP": "WE", "AUS": "WE", "USA": "WE", "GBR": "WE", "DEU": "WE",
               "FRA": "WE", "NLD": "WE", "CAN": "WE", "NZL": "WE", "RUS": "WE", "UKR": "WE"}


class Company(object):
    __slots__ = ("name", "sector", "area", "nat", "size", "u", "workers", "village", "origin",
                 "unreg", "short", "acr")


def company_name(sector, nat, rng, used):
    grp = NAT_COGROUP.get(nat, "ID")
    if rng.random() < 0.25:
        grp = "ID"
    nm = ""
    for _ in range(30):
        a, b = CO_WORDS[grp]
        w1 = a[int(rng.random() * len(a))]
        w2 = b[int(rng.random() * len(b))]
        sw = SECTOR_WORD[sector]
        w3 = sw[int(rng.random() * len(sw))]
        if sector == "education":
            nm = wpick(rng, [("SEKOLAH INTERNASIONAL %s %s" % (w1, w2), 3),
                             ("YAYASAN PENDIDIKAN %s %s" % (w1, w2), 2),
                             ("UNIVERSITAS %s %s" % (w1, w2), 1),
                             ("PONDOK PESANTREN %s %s" % (w1, w2), 1)])
        elif grp == "ID":
            nm = "PT %s %s %s" % (w1, w2, w3)
        elif grp == "CN":
            nm = "PT %s %s %s INDONESIA" % (w1, w2, w3)
        elif grp == "KR":
            nm = "PT %s%s %s" % (w1, w2, w3) + (" INDONESIA" if rng.random() < 0.5 else "")
        elif grp == "JP":
            nm = "PT %s %s INDONESIA" % (w1, w2)
        elif grp == "IN":
            nm = "PT %s %s" % (w1, w3) + (" INDONESIA" if rng.random() < 0.5 else "")
        else:
            nm = "PT %s %s %s" % (w1, w2, w3) + (" INDONESIA" if rng.random() < 0.5 else "")
        if nm not in used:
            used[nm] = 1
            return nm
    nm = nm + " " + ["UTAMA", "II", "BARU", "GROUP", "INTERNASIONAL"][int(rng.random() * 5)]
    used[nm] = 1
    return nm


def comp_acronym(name):
    ws = [w for w in name.split() if w not in ("PT", "TBK")]
    return "PT " + "".join(w[0] for w in ws)


class World(object):
    pass


CAT_PERMIT = {"pekerja": ("ITAS", "E23"), "investor": ("ITAS", "E28A"), "keluarga": ("ITAS", "E31"),
              "kawin_campur": ("ITAS", "E31A"), "lansia": ("ITAS", "E33E"), "pelajar": ("ITAS", "E30"),
              "itap": ("ITAP", "-"), "kunjungan": ("ITK", "C1"), "kanim_lain": ("ITAS", "E23")}

OTHER_CATS = [
    ("kawin_campur", 0.07, pool_from_pairs(mkpairs(
        "JPN:10 KOR:8 AUS:10 USA:8 GBR:8 DEU:6 NLD:6 FRA:4 CHN:8 MYS:6 IND:5 NGA:4 TUR:3 SAU:3 PAK:3 PHL:4 RUS:4"))),
    ("lansia", 0.035, pool_from_pairs(mkpairs("AUS:25 JPN:15 NLD:12 GBR:12 USA:10 DEU:10 FRA:6 KOR:5 CHN:5"))),
    ("pelajar", 0.03, pool_from_pairs(mkpairs(
        "THA:20 MYS:15 TLS:15 YEM:15 EGY:5 KOR:8 JPN:5 CHN:7 NGA:5 PAK:5"))),
    ("itap", 0.05, pool_from_pairs(mkpairs(
        "CHN:15 IND:12 NLD:8 AUS:8 MYS:8 PHL:6 KOR:6 JPN:6 USA:6 GBR:6 DEU:5 SGP:5 TWN:4 PAK:3"))),
    ("kunjungan", 0.07, pool_from_pairs(mkpairs(
        "RUS:15 AUS:12 CHN:12 IND:8 KOR:6 JPN:5 USA:6 GBR:6 DEU:5 FRA:5 UKR:5 SAU:5 NLD:3 MYS:4 SGP:3"))),
]
TRAVEL_AGENTS = ["PT %s TOUR & TRAVEL", "PT %s WISATA", "CV %s TRAVEL", "PT %s HOLIDAYS"]

WIFE_TAKES_NAME = {"JP": 1, "EN": 1, "DE": 1, "FR": 1, "NL": 1, "PH": 1, "INN": 1, "RU": 1, "UA": 1,
                   "UZ": 1, "TR": 1, "NG": 1, "PT": 1, "TH": 1}
FAMILY_P = {"JPN": 0.35, "KOR": 0.33, "TWN": 0.22, "HKG": 0.25, "IND": 0.3, "MYS": 0.3, "SGP": 0.3,
            "AUS": 0.4, "USA": 0.4, "GBR": 0.4, "DEU": 0.35, "FRA": 0.35, "NLD": 0.35, "CAN": 0.4,
            "NZL": 0.4, "CHN": 0.035, "PHL": 0.12, "TUR": 0.25, "RUS": 0.3}


DUAL_NAT = {"AUS": "GBR", "NZL": "GBR", "CAN": "USA", "USA": "GBR", "GBR": "AUS", "DEU": "TUR",
            "HKG": "GBR"}


def new_person(rng, nat, sex, cat, dob, cult=None):
    p = Person()
    p.nat = nat
    p.cult = cult or NAT_CULT_POOL[nat].pick(rng)
    p.sex = sex
    p.dob = dob
    p.cat = cat
    return p


def dob_for_age(rng, age_lo, age_hi, mode=None):
    if mode is None:
        age = rng.uniform(age_lo, age_hi)
    else:
        age = rng.triangular(age_lo, age_hi, mode)
    o = ORD_2025 + 180 - int(age * 365.25)
    return o


def finish_person(p, rng, area, sponsor, jab, registry=True, fam_hint=None, gen_hint=None, father=None):
    make_name(p, rng, fam_hint=fam_hint, gen_hint=gen_hint, father=father)
    p.area = area
    p.sponsor = sponsor
    p.jab = jab
    bp = BIRTHPLACES.get(p.nat)
    p.bplace = bp.pick(rng) if bp else ""
    p.pp = make_passport(p.nat, rng)
    x = rng.random()
    if x < 0.15:
        p.pp2, p.pp2k = make_passport(p.nat, rng), 1      # an older passport exists
    elif x < 0.20:
        p.pp2, p.pp2k = make_passport(p.nat, rng), 2      # renewed, registry not updated
    elif p.nat in DUAL_NAT and x < 0.23 and (p.nat != "DEU" or p.cult == "TR"):
        p.nat2 = DUAL_NAT[p.nat]                          # dual national: a second passport
        p.pp2, p.pp2k = make_passport(p.nat2, rng), 3
    # dates of birth given as 1 January when the real date is unknown
    if p.nat in ("BGD", "PAK", "MMR", "NGA", "YEM", "EGY") and rng.random() < 0.10:
        y = datetime.date.fromordinal(p.dob).year
        p.dob = datetime.date(y, 1, 1).toordinal()
    ptype, pidx = CAT_PERMIT.get(p.cat, ("", ""))
    if ptype:
        p.ptype, p.pidx = ptype, pidx
        issue_year = 2025 - int(rng.random() * (5 if ptype == "ITAP" else 2))
        p.pno = make_permit_no(ptype, issue_year, rng)
        dur = {"ITAS": 365 * (1 if rng.random() < 0.6 else 2), "ITAP": 365 * 5, "ITK": 60 + 30 * int(rng.random() * 4)}[ptype]
        start = datetime.date(issue_year, 1, 1).toordinal() + int(rng.random() * 330)
        p.pexp = start + dur
        if p.pexp < ORD_2025 + 60:
            p.pexp += dur
    if registry:
        p.reg = registry_name(p, rng)
    return p


def mess_or_street(rng, area, comp_name=None):
    kec = AREA_KEC[area]
    k = kec[int(rng.random() * len(kec))]
    if comp_name and rng.random() < 0.45:
        return "MESS %s, KEC. %s, %s" % (comp_name, k, AREA_NAME[area])
    t = rng.random()
    if AREA_TYPE[area] == "tour" and t < 0.5:
        return "VILLA %s NO. %d, JL. %s, KEC. %s, %s" % (
            STREETS.pick(rng), 1 + int(rng.random() * 40), STREETS.pick(rng), k, AREA_NAME[area])
    if AREA_TYPE[area] == "urban" and t < 0.35:
        return "APARTEMEN %s TOWER %s UNIT %d-%02d, KEC. %s, %s" % (
            STREETS.pick(rng), "ABCD"[int(rng.random() * 4)], 2 + int(rng.random() * 30),
            1 + int(rng.random() * 20), k, AREA_NAME[area])
    if t < 0.6:
        return "JL. %s NO. %d, KEC. %s, %s" % (STREETS.pick(rng), 1 + int(rng.random() * 150), k, AREA_NAME[area])
    return "PERUM %s BLOK %s-%d, KEC. %s, %s" % (STREETS.pick(rng), "ABCDEFGH"[int(rng.random() * 8)],
                                                  1 + int(rng.random() * 30), k, AREA_NAME[area])


def indonesian_name(rng, sex):
    if sex == "L":
        return ID_NAMES_M.pick(rng) + " " + ID_SURN.pick(rng)
    return ID_NAMES_F.pick(rng) + " " + ID_SURN.pick(rng)


def build_world(N, rng):
    W = World()
    persons = []
    addr = []
    used_names = {}
    companies = []
    # categories that are not employees of a company
    n_other = {cat: int(round(N * share)) for cat, share, _ in OTHER_CATS}
    n_work = N - sum(n_other.values())
    if n_work < 1:
        n_work = N
        n_other = {k: 0 for k in n_other}
    cap = max(30, int(N * 0.012))
    # --- companies, employees and their families
    while len(persons) < n_work:
        sec = SECTOR_POOL.pick(rng)
        co = Company()
        co.sector = sec
        at = SECTOR_AREA[sec]
        if at is None:
            at = wpick(rng, [("ind", 4), ("smelt", 3), ("urban", 2), ("tour", 1)])
        co.area = AREA_POOL_BY_TYPE[at].pick(rng)
        co.nat = SECTOR_NAT[sec].pick(rng)
        if co.nat == "ZZZ":
            co.nat = "AUS"
        size = int(SECTOR_XM[sec] * (rng.random() ** (-1.0 / 1.25)))
        co.size = max(1, min(cap, size))
        x = rng.random()
        u = 0.03 if x < 0.50 else (0.12 if x < 0.80 else 0.35)
        if sec in ("smelter", "construction", "fishing"):
            u = min(0.6, u * 1.6)
        co.u = u * rng.uniform(0.5, 1.5)
        co.name = company_name(sec, co.nat, rng, used_names)
        co.acr = comp_acronym(co.name)
        co.workers = []
        co.unreg = []
        co.village = [CN_SURN.pick(rng), CN_SURN.pick(rng)] if co.nat == "CHN" else []
        bp = BIRTHPLACES.get(co.nat)
        co.origin = [bp.pick(rng), bp.pick(rng)] if bp else []
        ci = len(companies)
        companies.append(co)
        jabp = JAB[sec]
        prev_by_cult = {}
        n_here = 0
        while n_here < co.size and len(persons) < n_work:
            nat = co.nat if rng.random() < (0.95 if sec == "smelter" else 0.85) else SECTOR_NAT[sec].pick(rng)
            if nat == "ZZZ":
                nat = co.nat
            sex = "L" if rng.random() < SECTOR_MALE[sec] else "P"
            cat = "pekerja"
            jab = jabp.pick(rng)
            if jab in ("DIREKTUR", "KOMISARIS") and rng.random() < 0.6:
                cat = "investor"
            p = new_person(rng, nat, sex, cat, dob_for_age(rng, 22, 62, 33))
            fam_hint = gen_hint = None
            bro = prev_by_cult.get(p.cult)
            rel = ""
            if bro is not None and rng.random() < 0.05 and p.cult not in ("MYM", "MYI", "MM", "AR", "INS"):
                # a brother / cousin employed at the same company
                fam_hint = bro.fam[0] if bro.fam else None
                if p.cult in ("CN", "KR") and rng.random() < 0.7 and len(bro.giv) == 2 and p.sex == bro.sex:
                    gen_hint = bro.giv[0]
                p.dob = bro.dob + int(rng.gauss(0, 4) * 365)
                rel = "saudara"
            elif p.cult == "CN" and co.village and rng.random() < 0.25:
                fam_hint = co.village[int(rng.random() * 2)]
            finish_person(p, rng, co.area, co.name, jab, fam_hint=fam_hint, gen_hint=gen_hint)
            if co.origin and rng.random() < 0.6 and p.nat == co.nat:
                p.bplace = co.origin[int(rng.random() * len(co.origin))]
            if rel:
                p.rel = rel
                p.bplace = bro.bplace
            p.comp = ci
            p.lid = len(persons)
            persons.append(p)
            a = mess_or_street(rng, co.area, co.name if sec in ("smelter", "mine", "construction", "factory", "fishing", "plantation") else None)
            addr.append(a)
            co.workers.append(p)
            prev_by_cult[p.cult] = p
            n_here += 1
            # family
            fp = FAMILY_P.get(nat, 0.15)
            if jab in ("DIREKTUR", "MANAGER", "GENERAL MANAGER", "MANAGER PABRIK", "ESTATE MANAGER"):
                fp = min(0.8, fp * 1.8)
            if rng.random() < fp and len(persons) < n_work:
                members = []
                if rng.random() < 0.9:
                    members.append("spouse")
                nk = min(3, int(rng.expovariate(1.0 / 1.3)))
                members += ["child"] * nk
                husband = p if p.sex == "L" else None
                for m in members:
                    if len(persons) >= n_work:
                        break
                    if m == "spouse":
                        q = new_person(rng, nat, "P" if p.sex == "L" else "L", "keluarga",
                                       p.dob + int(rng.gauss(-2 if p.sex == "L" else 2, 3) * 365), cult=p.cult)
                        fh = p.fam[0] if (p.cult in WIFE_TAKES_NAME and p.sex == "L" and p.fam) else None
                        finish_person(q, rng, co.area, co.name if rng.random() < 0.6 else p.reg, "",
                                      fam_hint=fh)
                        q.rel = "istri" if q.sex == "P" else "suami"
                        if husband is None:
                            husband = q
                    else:
                        q = new_person(rng, nat, "L" if rng.random() < 0.5 else "P", "keluarga",
                                       dob_for_age(rng, 0.3, 19), cult=p.cult)
                        if p.dob > q.dob - 18 * 365:
                            q.dob = p.dob + int(rng.uniform(20, 38) * 365)
                        fth = husband if husband is not None else p
                        fh = fth.fam[0] if fth.fam else None
                        if p.cult == "INS":
                            fh = fth.giv[0] if rng.random() < 0.5 else fh
                        if p.cult in ("MYM", "MYI", "MM", "AR") and p.cult != "AR":
                            fh = None
                        gh = None
                        finish_person(q, rng, co.area, co.name if rng.random() < 0.6 else p.reg, "",
                                      fam_hint=fh, gen_hint=gh, father=fth if fth.sex == "L" else None)
                        q.rel = "anak"
                    q.lid = len(persons)
                    persons.append(q)
                    addr.append(addr[p.lid])
    W.companies = companies
    # --- people not employed by a company
    for cat, share, natpool in OTHER_CATS:
        for _ in range(n_other[cat]):
            nat = natpool.pick(rng)
            if cat == "kawin_campur":
                sex = "L" if rng.random() < 0.6 else "P"
                dob = dob_for_age(rng, 24, 70, 40)
                area = wpick(rng, [("urban", 5), ("tour", 4), ("ind", 1)])
                sponsor = indonesian_name(rng, "P" if sex == "L" else "L")
                jab = ""
            elif cat == "lansia":
                sex = "L" if rng.random() < 0.7 else "P"
                dob = dob_for_age(rng, 55, 85, 64)
                area = wpick(rng, [("tour", 7), ("urban", 3)])
                sponsor = TRAVEL_AGENTS[int(rng.random() * 4)] % CO_WORDS["ID"][0][int(rng.random() * 20)]
                jab = "PENSIUNAN"
            elif cat == "pelajar":
                sex = "L" if rng.random() < 0.6 else "P"
                dob = dob_for_age(rng, 17, 30, 21)
                area = wpick(rng, [("edu", 7), ("urban", 3)])
                sponsor = "UNIVERSITAS %s" % CO_WORDS["ID"][0][int(rng.random() * 20)]
                jab = "MAHASISWA" if rng.random() < 0.7 else "SANTRI"
            elif cat == "itap":
                sex = "L" if rng.random() < 0.6 else "P"
                dob = dob_for_age(rng, 35, 80, 50)
                area = wpick(rng, [("urban", 6), ("tour", 3), ("ind", 1)])
                sponsor = indonesian_name(rng, "P" if sex == "L" else "L") if rng.random() < 0.6 else ""
                jab = ""
            else:  # kunjungan
                sex = "L" if rng.random() < 0.6 else "P"
                dob = dob_for_age(rng, 18, 70, 32)
                area = wpick(rng, [("tour", 6), ("urban", 4)])
                sponsor = (TRAVEL_AGENTS[int(rng.random() * 4)] % CO_WORDS["ID"][0][int(rng.random() * 20)]
                           if rng.random() < 0.5 else "")
                jab = ""
            ai = AREA_POOL_BY_TYPE[area].pick(rng)
            p = new_person(rng, nat, sex, cat, dob)
            finish_person(p, rng, ai, sponsor, jab)
            p.lid = len(persons)
            persons.append(p)
            addr.append(mess_or_street(rng, ai))
    # --- a few data-entry errors in the registry itself
    for p in persons:
        if rng.random() < 0.004:
            p.reg = typo(p.reg, rng, 0)
        if rng.random() < 0.002:
            y, m, d = ymd(p.dob)
            if d <= 12 and d != m:
                p.dob = datetime.date(y, d, m).toordinal()
    # --- shuffle so that file order carries no information
    order = list(range(len(persons)))
    rng.shuffle(order)
    persons = [persons[i] for i in order]
    addr = [addr[i] for i in order]
    for i, p in enumerate(persons):
        p.lid = i
    W.persons = persons
    W.addr = addr
    # indexes for sampling
    W.area_all = [[] for _ in AREAS]
    W.area_nonwork = [[] for _ in AREAS]
    W.area_students = [[] for _ in AREAS]
    for p in persons:
        W.area_all[p.area].append(p)
        if p.cat not in ("pekerja", "investor"):
            W.area_nonwork[p.area].append(p)
        if p.cat == "pelajar":
            W.area_students[p.area].append(p)
    for co in companies:
        co.workers.sort(key=lambda q: q.lid)
    W.area_workers = [[] for _ in AREAS]
    for co in companies:
        W.area_workers[co.area].extend(co.workers)
    sizes = [len(co.workers) for co in companies]
    W.comp_pool = Pool(list(range(len(companies))), [(s ** 0.8) if s > 0 else 0.0 for s in sizes])
    W.comp_by_sector = {}
    for i, co in enumerate(companies):
        if co.workers:
            W.comp_by_sector.setdefault(co.sector, []).append(i)
    return W

# ---------------------------------------------------------------------------
# noise primitives
# ---------------------------------------------------------------------------

_KB = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"]
KEY_NEIGH = {}
for _r, _row in enumerate(_KB):
    for _c, _ch in enumerate(_row):
        nb = []
        if _c > 0:
            nb.append(_row[_c - 1])
        if _c < len(_row) - 1:
            nb.append(_row[_c + 1])
        for _dr in (-1, 1):
            if 0 <= _r + _dr < 3:
                _o = _KB[_r + _dr]
                for _dc in (0, 1) if _dr == -1 else (-1, 0):
                    if 0 <= _c + _dc < len(_o):
                        nb.append(_o[_c + _dc])
        KEY_NEIGH[_ch] = "".join(nb)
# letters confused when a handwritten list is typed up later
HAND_CONF = {"N": "MUH", "M": "NW", "U": "VNA", "V": "U", "A": "OU", "O": "AU", "E": "CF", "I": "LJ",
             "L": "I", "R": "N", "H": "N", "C": "E", "G": "C", "Y": "V", "K": "X", "W": "M", "J": "I",
             "T": "F", "S": "Z", "Z": "S"}


def typo(s, rng, hand):
    n = len(s)
    if n < 3:
        return s
    r = rng.random
    i = int(r() * n)
    ch = s[i]
    x = r()
    if x < 0.4:
        up = ch.upper()
        if not ("A" <= up <= "Z"):
            return s
        cand = HAND_CONF.get(up, "") if hand else KEY_NEIGH.get(up, "")
        if not cand:
            cand = KEY_NEIGH.get(up, "")
        if not cand:
            return s
        rep = cand[int(r() * len(cand))]
        if ch.islower():
            rep = rep.lower()
        return s[:i] + rep + s[i + 1:]
    if x < 0.65:
        if ch == " ":
            return s
        return s[:i] + s[i + 1:]
    if x < 0.82:
        return s[:i] + ch + s[i:]
    if i < n - 1 and s[i + 1] != ch:
        return s[:i] + s[i + 1] + ch + s[i + 2:]
    return s


DOC_CONF = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2",
            "2": "Z", "G": "6", "6": "G", "D": "0", "Q": "0", "L": "1", "U": "V", "7": "1"}


def noisy_docno(s, rng, care, hand):
    """Transcription noise on a passport or permit number."""
    if not s:
        return s
    r = rng.random
    pc = (0.004, 0.01, 0.025)[care] * (2.0 if hand else 1.0)
    if r() < pc * len(s):
        out = list(s)
        i = int(r() * len(out))
        ch = out[i]
        if ch in DOC_CONF:
            out[i] = DOC_CONF[ch]
        elif ch.isdigit():
            out[i] = DIG[int(r() * 10)]
        s = "".join(out)
    if r() < (0.005, 0.012, 0.03)[care]:
        i = int(r() * (len(s) - 1))
        s = s[:i] + s[i + 1] + s[i] + s[i + 2:]
    x = r()
    if x < (0.003, 0.008, 0.02)[care]:
        i = int(r() * len(s))
        s = s[:i] + s[i + 1:]
    elif x < (0.005, 0.013, 0.032)[care]:
        i = int(r() * len(s))
        s = s[:i] + s[i] + s[i:]
    if r() < (0.01, 0.02, 0.04)[care] and len(s) > 2 and s[0].isalpha() and s[1].isdigit():
        s = s[1:]                       # prefix letter left out
    x = r()
    if x < (0.015, 0.03, 0.06)[care]:
        k = 1 if s[:1].isalpha() and not s[1:2].isalpha() else (2 if s[:2].isalpha() else 2 + int(r() * 3))
        s = s[:k] + " " + s[k:]
    elif x < (0.02, 0.04, 0.08)[care]:
        s = s.replace("-", "") if "-" in s else s[:3] + "-" + s[3:]
    if r() < (0.01, 0.02, 0.05)[care]:
        s = s.lower()
    return s


def apply_rules(tok, rules, rng):
    cands = [(a, b) for a, b in rules if a in tok]
    if not cands:
        return tok
    a, b = cands[int(rng.random() * len(cands))]
    return tok.replace(a, b, 1)


INDO_RULES = [("SH", "SY"), ("CH", "C"), ("TH", "T"), ("PH", "F"), ("OO", "U"), ("EE", "I"), ("V", "F"),
              ("Z", "J"), ("Q", "K"), ("X", "KS"), ("CK", "K"), ("CA", "KA"), ("CO", "KO"), ("CU", "KU"),
              ("Y", "I"), ("OU", "U"), ("EA", "I"), ("DJ", "J"), ("GH", "G"), ("KH", "H"), ("LL", "L"),
              ("SS", "S"), ("TT", "T"), ("EI", "E"), ("AE", "E"), ("W", "U")]


def tok_variant(tok, cult, rng, oral):
    """One spelling variant of a name token, the way it ends up on a list."""
    alts = GEN_ALT.get(tok)
    if cult in ("CN", "TW", "HK", "MYC"):
        if oral and cult == "CN":
            a2 = cn_heard(tok)
            return a2[int(rng.random() * len(a2))]
        a2 = CN_SURN_ALT.get(tok)
        if a2:
            return a2[int(rng.random() * len(a2))]
        if cult == "TW":
            return tok.replace("-", "").replace("HS", "S" if oral else "HS").replace("TS", "C" if oral else "TS")
        return cn_heard(tok)[0] if oral else tok
    if cult == "KR":
        a2 = KR_SURN_ALT.get(tok) or KR_SYL_ALT.get(tok)
        if a2:
            return a2[int(rng.random() * len(a2))]
        return tok
    if cult == "VN":
        a2 = VN_ALT.get(tok)
        if a2:
            if not oral:
                # diacritics come from the company's own (Vietnamese) staff list
                return a2[0] if rng.random() < 0.6 else a2[int(rng.random() * len(a2))]
            return a2[int(rng.random() * len(a2))]
        return tok
    if cult == "JP":
        return apply_rules(tok, JP_KUNREI, rng)
    if cult == "TH":
        return apply_rules(tok, TH_RULES, rng)
    if cult in ("RU", "UA"):
        a2 = RU_ALT.get(tok)
        if a2:
            return a2[int(rng.random() * len(a2))]
        if tok.endswith("OV") and rng.random() < 0.3:
            return tok[:-2] + "OFF"
        return apply_rules(tok, [("KH", "H"), ("IY", "Y"), ("II", "I"), ("IA", "YA"), ("IU", "YU"),
                                 ("KS", "X")], rng)
    if cult == "MM":
        a2 = MM_ALT.get(tok)
        if a2:
            return a2[int(rng.random() * len(a2))]
        return tok
    if cult in ("EN", "NG", "PT", "NL", "FR", "DE", "TR", "UZ"):
        a2 = alts or EN_ALT.get(tok)
        if a2:
            return a2[int(rng.random() * len(a2))]
        if any(ord(ch) > 127 for ch in tok):
            return fold_simple(tok) if rng.random() < 0.6 else fold_mrz(tok)
        return apply_rules(tok, INDO_RULES, rng) if oral else tok
    if alts:
        return alts[int(rng.random() * len(alts))]
    return apply_rules(tok, INDO_RULES, rng) if oral else tok


def name_case(s, style, rng):
    if style == "upper":
        return s.upper()
    if style == "title":
        return title_case(s)
    if style == "lower":
        return s.lower()
    x = rng.random()
    return s.upper() if x < 0.5 else (title_case(s) if x < 0.95 else s.lower())


# ---------------------------------------------------------------------------
# list rows
# ---------------------------------------------------------------------------

SRC_NAMES = ("paspor", "kitas", "fotokopi", "hr", "lisan")
# source of the data written for a registered person, by team carefulness
SRC_REG = [Pool(SRC_NAMES, [55, 30, 5, 6, 4]), Pool(SRC_NAMES, [38, 22, 10, 18, 12]),
           Pool(SRC_NAMES, [18, 12, 10, 25, 35])]
SRC_REG_NOHR = [Pool(SRC_NAMES, [58, 32, 5, 0, 5]), Pool(SRC_NAMES, [45, 25, 11, 0, 19]),
                Pool(SRC_NAMES, [24, 14, 12, 0, 50])]
SRC_UNREG = [Pool(SRC_NAMES, [55, 0, 10, 15, 20]), Pool(SRC_NAMES, [35, 0, 12, 20, 33]),
             Pool(SRC_NAMES, [18, 0, 12, 22, 48])]
SRC_UNREG_NOHR = [Pool(SRC_NAMES, [62, 0, 10, 0, 28]), Pool(SRC_NAMES, [42, 0, 13, 0, 45]),
                  Pool(SRC_NAMES, [22, 0, 13, 0, 65])]

HONOR_M = ["MR.", "MR", "TN.", "SDR.", "BPK."]
HONOR_F = ["MRS.", "MS.", "NY.", "SDRI.", "IBU"]
MM_HONOR_M = ["U", "KO", "MAUNG"]
MM_HONOR_F = ["DAW", "MA"]


def _fam_str(p):
    return p.fam[0] if p.fam else ""


def render_name(p, op, src, rng):
    r = rng.random
    c = p.cult
    care = op.care
    oral = src == "lisan"
    hr = src == "hr"
    copy = not (oral or hr)
    pv = (0.02, 0.035, 0.06)[care] if copy else (0.10 if hr else 0.35)
    fam = _fam_str(p)
    name = None
    als = ""
    # --- nickname / English name / alias
    if p.alias:
        if c == "TH":
            pa = 0.35 if oral else (0.10 if hr else 0.02)
        elif c in ("EN", "NG"):
            pa = 0.28 if oral else (0.12 if hr else 0.02)
        elif c == "PH":
            pa = 0.2 if oral else (0.08 if hr else 0.01)
        else:
            pa = 0.14 if oral else (0.16 if hr else 0.015)
        if r() < pa:
            if copy or (hr and r() < 0.3):
                als = p.alias          # "<name> ALS <alias>"
            else:
                x = r()
                f = fam
                if f and r() < pv:
                    f = tok_variant(f, c, rng, oral)
                if c == "TH":
                    name = p.alias if x < 0.6 else p.alias + " " + p.giv[0]
                elif c in EAST_ASIAN:
                    name = (p.alias + " " + f) if x < 0.6 else (p.alias if x < 0.8 else f + " " + p.alias)
                else:
                    name = (p.alias + " " + f) if (f and x < 0.85) else p.alias
    if name is None:
        name = _structured_name(p, op, src, rng, pv, copy, hr, oral)
        if als:
            name = name + wpick(rng, [(" ALS ", 5), (" ALS. ", 3), (" ALIAS ", 2), (" (", 2)]) + als
            if name.endswith(" (" + als):
                name += ")"
    # --- Indonesian spelling of what was heard
    if oral and r() < 0.15:
        toks = name.split(" ")
        i = int(r() * len(toks))
        toks[i] = apply_rules(toks[i], INDO_RULES, rng)
        name = " ".join(toks)
    # --- typing / handwriting slips
    pt = (0.02, 0.05, 0.12)[care] + (0.04 if op.hand else 0.0) + (0.03 if oral else 0.0)
    if r() < pt:
        name = typo(name, rng, op.hand)
        if r() < 0.2:
            name = typo(name, rng, op.hand)
    # --- Chinese characters from a Chinese company's HR list
    if hr and c == "CN" and r() < 0.04:
        hz = HANZI.get(p.fam[0], "")
        for s in p.giv:
            h = HANZI_GIV.get(s)
            if h is None:
                hz = ""
                break
            hz += h
        if hz:
            name = hz if r() < 0.3 else name + " (" + hz + ")"
    name = name_case(name, op.case, rng)
    # --- titles and remarks written into the name cell
    if r() < (0.005, 0.02, 0.06)[care] + (0.04 if oral else 0.0):
        if c == "MM" and r() < 0.6:
            h = (MM_HONOR_M if p.sex == "L" else MM_HONOR_F)
        else:
            h = (HONOR_M if p.sex == "L" else HONOR_F)
        h = h[int(r() * len(h))]
        name = (h if op.case == "upper" else h.title()) + " " + name
    if p.rel in ("istri", "suami", "anak") and op.kind in ("hunian", "wisata") and r() < 0.12:
        name += " (%s)" % p.rel.upper()
    if op.name_nat and op.has_nat:
        name += " (%s)" % nat_text(p.nat, op, rng, force=True)
    if r() < 0.01:
        name = name + " " if r() < 0.5 else name.replace(" ", "  ", 1)
    return name


def _structured_name(p, op, src, rng, pv, copy, hr, oral):
    r = rng.random
    c = p.cult
    fam = _fam_str(p)
    giv = list(p.giv)
    if c in EAST_ASIAN and c != "MYC":
        if c == "TW" and p.py is not None and not copy and r() < 0.3:
            fam, giv = p.py[0], list(p.py[1])        # mainland HR writes pinyin
            cc = "CN"
        else:
            cc = c
        if r() < pv:
            fam = tok_variant(fam, cc, rng, oral)
        for i in range(len(giv)):
            if r() < pv:
                giv[i] = tok_variant(giv[i], cc, rng, oral)
        if c == "VN" and len(giv) > 1 and r() < (0.15 if oral else (0.05 if hr else 0.01)):
            giv = giv[1:]               # middle name (VAN / THI ...) left out
        if c == "HK" and p.midp and p.mid and (copy and r() < 0.7):
            giv = giv + list(p.mid)
        if c in ("CN", "TW", "KR"):
            if copy:
                j = p.gj if r() < 0.8 else wpick(rng, [(" ", 6), ("", 3), ("-", 1)])
            elif hr:
                j = wpick(rng, [(" ", 55), ("", 40), ("-", 5)])
            else:
                j = wpick(rng, [(" ", 70), ("", 30)])
            g = j.join(giv)
        else:
            g = " ".join(giv)
        x = r()
        if oral and x < 0.06:
            return g
        if oral and x < 0.09:
            return "MR. " + fam if p.sex == "L" else "MRS. " + fam
        sf = 0.55 if copy else (0.8 if hr else 0.85)
        if r() < sf:
            return fam + " " + g
        return g + " " + fam
    if c == "MYC":
        toks = [fam] + giv
        for i in range(len(toks)):
            if r() < pv:
                toks[i] = tok_variant(toks[i], c, rng, oral)
        if r() < (0.1 if copy else 0.25):
            return " ".join(toks[1:]) + " " + toks[0]
        return " ".join(toks)
    if c == "JP":
        f = jp_passport(fam, None, p.gj) if copy else jp_list(fam, rng)
        g = jp_passport(giv[0], None, p.gj) if copy else jp_list(giv[0], rng)
        if r() < pv:
            f = tok_variant(f, c, rng, oral)
        if r() < pv:
            g = tok_variant(g, c, rng, oral)
        if oral and r() < 0.06:
            return "MR. " + f if p.sex == "L" else "MRS. " + f
        sf = 0.5 if copy else (0.55 if hr else 0.45)
        return (f + " " + g) if r() < sf else (g + " " + f)
    if c == "MYM":
        toks = list(giv)
        bin_, father = p.mid[0], p.mid[1]
        if len(toks) > 1 and toks[0] in ("MUHAMMAD", "MOHD", "MOHAMAD", "MOHAMMAD", "MUHD", "MD", "NUR", "SITI",
                                           "NURUL", "NOR", "AHMAD") and r() < (0.3 if oral else (0.1 if hr else 0.02)):
            toks = toks[1:]
        for i in range(len(toks)):
            if r() < pv * 2:
                toks[i] = tok_variant(toks[i], c, rng, oral)
        x = r()
        if x < (0.08 if copy else (0.25 if hr else 0.45)):
            return " ".join(toks)
        if r() < 0.15:
            bin_ = {"BIN": ["B.", "BN", "B"], "BINTI": ["BT", "BTE", "BT."]}[bin_][int(r() * 3)]
        ft = father.split(" ")
        for i in range(len(ft)):
            if r() < pv * 2:
                ft[i] = tok_variant(ft[i], c, rng, oral)
        return " ".join(toks) + " " + bin_ + " " + " ".join(ft)
    if c == "MYI":
        g = giv[0]
        if r() < pv:
            g = tok_variant(g, c, rng, oral)
        if r() < (0.1 if copy else 0.4):
            return g
        al = p.mid[0]
        if r() < 0.15:
            al = {"A/L": ["S/O", "AL", "A.L"], "A/P": ["D/O", "AP", "A.P"]}[al][int(r() * 3)]
        return g + " " + al + " " + p.mid[1]
    if c == "AR":
        first = giv[0]
        chain = list(p.mid)
        x = r()
        full_p, ff_p, f2_p = (0.5, 0.3, 0.2) if copy else ((0.3, 0.4, 0.3) if hr else (0.15, 0.45, 0.3))
        if x < full_p:
            toks = [first] + chain + ([fam] if fam else [])
        elif x < full_p + ff_p:
            toks = [first] + ([fam] if fam else chain[-1:])
        elif x < full_p + ff_p + f2_p:
            toks = [first, chain[0]]
            if r() < 0.1:
                toks = [first, "BIN", chain[0]]
        else:
            toks = [first]
        for i in range(len(toks)):
            if r() < pv * 1.5:
                t = toks[i]
                if t.startswith("AL"):
                    core = t[2:].lstrip("- ")
                    toks[i] = wpick(rng, [("AL-" + core, 3), ("AL " + core, 3), ("AL" + core, 2),
                                          ("EL-" + core, 1), (core, 2)])
                else:
                    toks[i] = tok_variant(t, c, rng, oral)
        return " ".join(toks)
    if c == "MM":
        toks = list(giv)
        if oral and len(toks) > 2 and r() < 0.1:
            toks = toks[:2]
        for i in range(len(toks)):
            if r() < pv:
                toks[i] = tok_variant(toks[i], c, rng, oral)
        return " ".join(toks)
    # --- given name(s) + family name cultures
    first = giv[0]
    rest = giv[1:]
    keep_rest = 0.55 if copy else (0.4 if hr else 0.15)
    if rest and r() >= keep_rest:
        rest = []
    elif rest and copy and r() < 0.1:
        rest = [t[0] + "." for t in rest]
    mid = []
    if c == "PH" and p.mid:
        x = r()
        fp, ip = (0.45, 0.25) if copy else ((0.3, 0.3) if hr else (0.05, 0.1))
        if x < fp:
            mid = [p.mid[0]]
        elif x < fp + ip:
            mid = [p.mid[0][0] + "."]
    patronymic = ""
    if c in ("RU", "UA", "UZ") and p.mid and not copy and r() < (0.05 if hr else 0.06):
        patronymic = p.mid[0]
    toks = [first] + rest + mid
    for i in range(len(toks)):
        if r() < pv:
            toks[i] = tok_variant(toks[i], c, rng, oral)
    f = fam
    if f:
        if " " in f and r() < 0.3:   # particles: DELA CRUZ, VAN DEN BERG, DA COSTA ...
            ws = f.split(" ")
            f = wpick(rng, [("".join(ws), 4), (ws[-1], 3), (" ".join(w[0] + "." if i < len(ws) - 1 else w
                                                                  for i, w in enumerate(ws)), 1)])
        elif r() < pv:
            f = tok_variant(f, c, rng, oral)
        if c == "INS" and r() < (0.15 if copy else 0.3):
            return f[0] + ". " + " ".join(toks)       # South Indian initial style
    else:
        return " ".join(toks)
    x = r()
    if oral and x < 0.08:
        return " ".join(toks)
    if oral and x < 0.12:
        return ("MR. " if p.sex == "L" else "MRS. ") + f
    if patronymic:
        return f + " " + " ".join(toks) + " " + patronymic
    sf = 0.18 if copy else (0.12 if hr else 0.05)
    y = r()
    if y < sf:
        if copy and r() < 0.25:
            return f + ", " + " ".join(toks)
        return f + " " + " ".join(toks)
    return " ".join(toks) + " " + f


def nat_text(nat, op, rng, force=False):
    r = rng.random
    cf = NAT_CONFUSE.get(nat)
    if cf is not None and r() < cf[1]:
        nat = cf[0]
    elif r() < 0.002:
        nat = "CHN" if nat != "CHN" else "TWN"
    fmt = op.nat_fmt
    if fmt == "mixed":
        fmt = ("id", "iso", "en")[int(r() * 3)]
    if fmt == "iso":
        return nat
    forms = NAT_ID[nat] if fmt in ("id", "wn") else NAT_EN[nat]
    ch = op.nat_choice.get(nat)
    if ch is None or r() < 0.1:
        ch = forms[int(r() * len(forms))]
        op.nat_choice.setdefault(nat, ch)
    if fmt == "wn":
        ch = "WN " + ch
    return ch


SEX_FMTS = [("L", "P"), ("LK", "PR"), ("LAKI-LAKI", "PEREMPUAN"), ("M", "F"), ("PRIA", "WANITA")]


def age_at(dob, when):
    y1, m1, d1 = ymd(dob)
    y2, m2, d2 = ymd(when)
    a = y2 - y1
    if (m2, d2) < (m1, d1):
        a -= 1
    return a


def render_dob(p, op, src, rng):
    """-> (tgl_lahir cell, umur cell)"""
    r = rng.random
    care = op.care
    oral = src == "lisan"
    mode = op.dob_mode
    if mode == "none":
        return "", ""
    if op.dob_wrong:                     # another date column mapped onto tgl_lahir
        o = p.pexp if p.pexp else op.date - int(r() * 400)
        y, m, d = ymd(o)
        return fmt_date(y, m, d, op.date_style), ""
    miss = (0.02, 0.06, 0.15)[care] + (0.25 if oral else 0.0) + (0.05 if src == "hr" else 0.0)
    if r() < miss:
        return op.blank, ""
    y, m, d = ymd(p.dob)
    if mode == "umur" or (mode == "tgl" and oral and r() < 0.4):
        a = age_at(p.dob, op.date)
        if oral:
            a = int(round(a + rng.gauss(0, 3)))
            if r() < 0.3:
                a = int(round(a / 5.0)) * 5
        elif r() < 0.2:
            a = op.date and (ymd(op.date)[0] - y)   # year difference
        s = "%d%s" % (a, op.age_suffix)
        if oral and r() < 0.3:
            s = "± " + s
        if mode == "umur":
            return "", s
        return s, ""
    if mode == "thn" or r() < (0.01, 0.02, 0.05)[care]:
        if r() < (0.005, 0.01, 0.03)[care]:
            y += 1 if r() < 0.5 else -1
        return str(y), ""
    # errors in a full date
    if r() < (0.003, 0.006, 0.015)[care]:
        o = p.dob + int(rng.gauss(0, 2000))
        y, m, d = ymd(o)
    if d <= 12 and d != m and r() < (0.02, 0.04, 0.08)[care] + (0.05 if oral else 0.0):
        d, m = m, d
    if r() < (0.005, 0.01, 0.03)[care]:
        y = y + (1 if r() < 0.5 else -1) * (1 if r() < 0.7 else 10)
    if r() < (0.004, 0.01, 0.025)[care]:
        d = max(1, min(28, d + (1 if r() < 0.5 else -1) * (1 + int(r() * 9))))
    try:
        o2 = datetime.date(y, m, d).toordinal()
    except ValueError:
        d = 28
        o2 = datetime.date(y, m, d).toordinal()
    style = op.date_style
    if op.excel and r() < 0.03:
        s = str(o2 - EXCEL_EPOCH)               # date pasted as a serial number
    else:
        if r() < 0.08:
            style = DATE_STYLE_POOL.pick(rng)
        s = fmt_date(y, m, d, style)
    if mode == "ttl":
        place = p.bplace or op.blank
        if r() < 0.5:
            place = title_case(place)
        if r() < 0.1:
            place = "PROV. " + place if p.nat == "CHN" else place
        s = place + (", " if r() < 0.8 else " / ") + s
    return s, ""


DATE_STYLE_POOL = pool_from_pairs(DATE_STYLES)


RENEWED = {}


def render_docs(p, op, src, rng, other_pp=False):
    """-> (no_paspor cell, no_izin cell)"""
    r = rng.random
    care = op.care
    hand = op.hand
    pp = ""
    iz = ""
    if op.pass_mode != "none":
        if src == "lisan":
            pp = op.blank if r() < 0.4 else ""
        elif src == "hr" and r() < 0.25:
            pp = ""
        else:
            pp = p.pp
            if other_pp:
                pp = p.pp2
            elif p.pp2k == 1 and (src == "fotokopi" and r() < 0.6 or src == "hr" and r() < 0.3):
                pp = p.pp2
            elif p.pp2k == 2 and src == "paspor" and r() < 0.85:
                pp = p.pp2
            if src == "kitas" and p.pno and r() < (0.05, 0.12, 0.25)[care]:
                pp = p.pno                            # permit number written as passport number
            if pp and r() < (0.01, 0.02, 0.03)[care] and src != "paspor":
                pp = op.blank
            if pp and pp != op.blank:
                pp = noisy_docno(pp, rng, care, hand)
                if op.excel and pp.isdigit():
                    pp = pp.lstrip("0")
    want_iz = op.pass_mode == "gabung" or op.has_izin
    if want_iz:
        if p.pno and p.ptype:
            pz = {"kitas": 0.9, "hr": 0.6, "paspor": 0.35, "fotokopi": 0.3, "lisan": 0.05}[src]
            if r() < pz:
                pno = p.pno
                if p.pexp and p.pexp < op.date:
                    # permit renewed after the registry's copy ran out: a new number
                    key = id(p)
                    if key not in RENEWED:
                        RENEWED[key] = make_permit_no(p.ptype, 2025, rng) if r() < 0.5 else ""
                    pno = RENEWED[key] or pno
                iz = noisy_docno(pno, rng, care, hand)
        elif p.cat == "u_proses" and r() < 0.3:
            iz = wpick(rng, [("DALAM PROSES", 3), ("PROSES", 2), ("E-VISA", 1), ("BELUM ADA", 1)])
        elif p.cat in ("u_turis", "u_kunjungan") and r() < 0.3:
            iz = wpick(rng, [("VOA", 4), ("B211A", 1), ("VISA KUNJUNGAN", 2), ("C1", 1), ("-", 2)])
    if op.pass_mode == "gabung":
        if pp and iz:
            pp = pp + wpick(rng, [(" / ", 4), ("/", 2), (" - ", 1), (", ", 1)]) + iz
        elif iz:
            pp = iz
        iz = ""
    if op.swap_docs:
        pp, iz = iz, pp
    return pp, iz


def comp_variant(co_name, rng, care):
    r = rng.random
    s = co_name
    x = r()
    if s.startswith("PT "):
        if x < 0.18:
            s = "PT. " + s[3:]
        elif x < 0.21:
            s = "P.T. " + s[3:]
        elif x < 0.36:
            s = s[3:]
        elif x < 0.42:
            s = comp_acronym(s)
    if s.endswith(" INDONESIA") and r() < 0.35:
        s = s[:-10]
    if r() < 0.06:
        ws = s.split(" ")
        s = " ".join(ws[:3]) if len(ws) > 3 else s
    if r() < (0.02, 0.05, 0.1)[care]:
        s = typo(s, rng, False)
    return s


KET_REG = mkpairs("-:10 ITAS_AKTIF:8 KITAS:5 LENGKAP:6 DOKUMEN_LENGKAP:5 SESUAI:4 "
                  "PASPOR_DITAHAN_PERUSAHAAN:1 DALAM_PROSES_PERPANJANGAN:1 TIDAK_MEMBAWA_PASPOR:2 "
                  "MELALUI_PENERJEMAH:1")
KET_UNREG = {
    "u_proses": mkpairs("IZIN_TINGGAL_DALAM_PROSES:6 BELUM_ADA_ITAS:4 E-VISA_KERJA:2 -:3 "
                        "PASPOR_DITAHAN_PERUSAHAAN:2 DIMINTA_KE_KANTOR_IMIGRASI:2"),
    "u_kunjungan": mkpairs("VISA_KUNJUNGAN:5 VOA:4 BEKERJA_DENGAN_VISA_KUNJUNGAN:3 DIAMANKAN:2 "
                           "-:4 TIDAK_DAPAT_MENUNJUKKAN_DOKUMEN:2"),
    "u_overstay": mkpairs("OVERSTAY:6 IZIN_TINGGAL_HABIS:3 DIAMANKAN:3 DIBAWA_KE_KANIM:2 -:3"),
    "u_turis": mkpairs("TURIS:4 WISATA:3 VOA:4 -:6 LENGKAP:2"),
    "u_kanim_lain": mkpairs("ITAS_KANIM_LAIN:2 ITAS_AKTIF:5 KITAS:4 -:6 MUTASI:1 LENGKAP:3"),
    "u_abk": mkpairs("ABK:5 BUKU_PELAUT:3 CREW_LIST:2 -:4"),
}
KET_REG_POOL = pool_from_pairs(KET_REG)
KET_EXPIRED = pool_from_pairs(mkpairs("OVERSTAY:4 IZIN_TINGGAL_HABIS:3 ITAS_HABIS:2 PROSES_PERPANJANGAN:2 -:3"))
KET_UNREG_POOL = {k: pool_from_pairs(v) for k, v in KET_UNREG.items()}

# ---------------------------------------------------------------------------
# joint operations
# ---------------------------------------------------------------------------

AGENCIES = pool_from_pairs(mkpairs("imigrasi:40 polres:14 polsek:5 disnaker:12 kodim:6 koramil:4 satpolpp:8 "
                                   "kecamatan:7 kesbangpol:4"))
CARE_BY_AGENCY = {"imigrasi": (50, 40, 10), "polres": (25, 50, 25), "polsek": (15, 45, 40),
                  "disnaker": (35, 45, 20), "kodim": (15, 45, 40), "koramil": (10, 40, 50),
                  "satpolpp": (10, 40, 50), "kecamatan": (10, 40, 50), "kesbangpol": (20, 50, 30)}
UNREG_CAT = {
    "kerja": pool_from_pairs(mkpairs("u_proses:40 u_kunjungan:33 u_kanim_lain:22 u_overstay:5", False)),
    "hunian": pool_from_pairs(mkpairs("u_overstay:25 u_kanim_lain:35 u_kunjungan:30 u_proses:10", False)),
    "wisata": pool_from_pairs(mkpairs("u_turis:60 u_kunjungan:25 u_overstay:15", False)),
    "hiburan": pool_from_pairs(mkpairs("u_kunjungan:70 u_overstay:30", False)),
    "pendidikan": pool_from_pairs(mkpairs("u_kunjungan:50 u_proses:50", False)),
    "pelabuhan": pool_from_pairs(mkpairs("u_abk:85 u_overstay:15", False)),
    "lainnya": pool_from_pairs(mkpairs("u_kunjungan:40 u_overstay:30 u_kanim_lain:30", False)),
}
UNREG_NAT = {
    "hunian": pool_from_pairs(mkpairs("CHN:20 NGA:10 IND:8 BGD:6 PAK:5 KOR:6 JPN:4 MYS:6 PHL:6 VNM:4 RUS:4 "
                                      "AUS:4 USA:3 GBR:3 TUR:3 YEM:3 UZB:2")),
    "wisata": pool_from_pairs(mkpairs("RUS:20 UKR:8 AUS:16 GBR:7 USA:7 DEU:6 FRA:6 NLD:4 IND:5 CHN:6 KOR:3 "
                                      "JPN:2 KAZ:3 SAU:3 TUR:2 NZL:2 CAN:2")),
    "hiburan": pool_from_pairs(mkpairs("UZB:25 CHN:20 VNM:15 THA:12 RUS:8 KAZ:8 PHL:7 MMR:3 UKR:2")),
    "pendidikan": pool_from_pairs(mkpairs("YEM:20 THA:20 MYS:15 TLS:15 EGY:8 NGA:7 PAK:5 CHN:5 KOR:5")),
    "pelabuhan": pool_from_pairs(mkpairs("MMR:30 VNM:20 CHN:20 TWN:10 PHL:10 THA:10")),
    "lainnya": pool_from_pairs(mkpairs("CHN:20 NGA:10 IND:10 BGD:8 PAK:6 RUS:6 KOR:5 MYS:5 PHL:5 VNM:5 USA:4 "
                                       "AUS:4 TUR:3 YEM:3 UZB:3 KAZ:3")),
}
UNREG_REPEAT = {"kerja": 0.35, "hunian": 0.25, "wisata": 0.08, "hiburan": 0.30, "pendidikan": 0.35,
                "pelabuhan": 0.25, "lainnya": 0.20}
UNREG_MALE = {"hunian": 0.7, "wisata": 0.55, "hiburan": 0.08, "pendidikan": 0.65, "pelabuhan": 0.98,
              "lainnya": 0.7}
UNREG_AGE = {"kerja": (22, 55, 32), "hunian": (20, 60, 32), "wisata": (19, 65, 30), "hiburan": (19, 35, 24),
             "pendidikan": (17, 28, 20), "pelabuhan": (18, 50, 28), "lainnya": (20, 60, 32)}
KIND_AREA = {"hunian": None, "wisata": "tour", "hiburan": None, "pendidikan": "edu", "pelabuhan": "port",
             "lainnya": None}
LOC_HUNIAN = ["KOS %s", "RUMAH KOS BU %s", "APARTEMEN %s", "PERUMAHAN %s", "RUSUNAWA %s", "MESS %s"]
LOC_WISATA = ["VILLA %s", "HOTEL %s", "HOMESTAY %s", "GUEST HOUSE %s", "RESORT %s"]
LOC_HIBURAN = ["KARAOKE %s", "SPA %s", "BAR %s", "PANTI PIJAT %s", "KLUB MALAM %s", "LOUNGE %s"]
LOC_LAIN = ["PASAR %s", "RUKO %s", "KANTOR %s", "GEREJA %s", "WARUNG %s"]


class Op(object):
    pass


def make_op_layout(op, rng):
    r = rng.random
    op.agency = AGENCIES.pick(rng)
    cw = CARE_BY_AGENCY[op.agency]
    op.care = wpick(rng, [(0, cw[0]), (1, cw[1]), (2, cw[2])])
    op.hand = r() < (0.1, 0.3, 0.6)[op.care]
    op.excel = (not op.hand) and r() < 0.3
    op.dob_mode = wpick(rng, [("tgl", 55), ("ttl", 12), ("umur", 15), ("thn", 6), ("none", 12)])
    op.date_style = DATE_STYLE_POOL.pick(rng)
    op.age_suffix = wpick(rng, [("", 4), (" TH", 3), (" THN", 2), (" TAHUN", 2), (" Th", 1)])
    op.has_jk = r() < 0.82
    op.sex_fmt = SEX_FMTS[wpick(rng, [(0, 45), (1, 15), (2, 20), (3, 10), (4, 10)])]
    op.nat_fmt = wpick(rng, [("id", 45), ("iso", 18), ("en", 20), ("wn", 7), ("mixed", 10)])
    op.has_nat = r() < 0.95
    op.nat_choice = {}
    op.pass_mode = wpick(rng, [("paspor", 72), ("gabung", 12), ("none", 16)])
    op.has_izin = op.pass_mode == "paspor" and r() < 0.3
    op.has_co = r() < (0.95 if op.kind == "kerja" else 0.4)
    op.has_jab = r() < 0.4
    op.has_alamat = r() < (0.85 if op.kind in ("hunian", "wisata") else 0.3)
    op.has_ket = r() < 0.65
    op.case = wpick(rng, [("upper", 50), ("title", 38), ("mixed", 10), ("lower", 2)])
    op.swap_docs = op.pass_mode == "paspor" and op.has_izin and r() < 0.05
    op.dob_wrong = op.dob_mode == "tgl" and r() < 0.01
    op.name_nat = r() < 0.03
    if op.name_nat:
        op.has_nat = True
    op.blank = wpick(rng, [("", 70), ("-", 25), ("TIDAK ADA", 3), ("N/A", 2)])


KIND_ROW_SHARE = mkpairs("kerja:70 hunian:11 wisata:7 hiburan:4 pelabuhan:3 pendidikan:3 lainnya:2")


def plan_ops(W, M, rng):
    """Operations of the year, each with how many registered / unregistered foreigners it meets.
    Every kind of operation gets a fixed share of the M list rows (KIND_ROW_SHARE)."""
    r = rng.random
    plans = []
    tot_w = sum(w for _, w in KIND_ROW_SHARE)
    budgets = [[k, int(M * w / tot_w)] for k, w in KIND_ROW_SHARE]
    budgets[0][1] += M - sum(b for _, b in budgets)
    for kind, budget in budgets:
        total = 0
        while total < budget:
            op = Op()
            op.kind = kind
            op.comp = None
            if kind == "kerja":
                co = W.companies[W.comp_pool.pick(rng)]
                op.comp = co
                op.area = co.area
                n = len(co.workers)
                k = lognorm_int(rng, max(2.0, min(60.0, 2.0 + n * 0.35)), 0.7, 1, 400)
                k_reg = min(n, k)
                pu = co.u / (1.0 - co.u)
                k_un = int(k_reg * pu + r())
                if r() < 0.15:
                    k_un += 1 + int(r() * 3)        # "newly arrived" workers seen that day
            else:
                at = KIND_AREA[kind]
                if at is None:
                    op.area = ALL_RES_AREAS.pick(rng)
                else:
                    op.area = AREA_POOL_BY_TYPE[at].pick(rng)
                med, share = {"hunian": (5, 0.68), "wisata": (5, 0.45), "hiburan": (6, 0.20),
                              "pendidikan": (8, 0.72), "pelabuhan": (12, 0.30), "lainnya": (3, 0.50)}[kind]
                k = lognorm_int(rng, med, 0.75, 1, 80)
                k_reg = sum(1 for _ in range(k) if r() < share)
                k_un = k - k_reg
            if k_reg + k_un == 0:
                continue
            if total + k_reg + k_un > budget:
                excess = total + k_reg + k_un - budget
                cut = min(excess, k_un)
                k_un -= cut
                k_reg -= excess - cut
            op.k_reg, op.k_un = k_reg, k_un
            total += k_reg + k_un
            op.date = ORD_2025 + int(r() * 365)
            if datetime.date.fromordinal(op.date).weekday() == 6:
                op.date -= 1
            make_op_layout(op, rng)
            plans.append(op)
    plans.sort(key=lambda o: o.date)
    return plans


def new_unreg(W, op, rng):
    r = rng.random
    kind = op.kind
    cat = UNREG_CAT[kind].pick(rng)
    rel_of = None
    if kind == "kerja":
        co = op.comp
        nat = co.nat if r() < 0.85 else SECTOR_NAT[co.sector].pick(rng)
        if nat == "ZZZ":
            nat = co.nat
        male = SECTOR_MALE[co.sector]
        area = co.area
        if co.workers and r() < 0.15:
            q = co.workers[int(r() * len(co.workers))]
            if q.cult not in ("MYM", "MYI", "MM", "AR", "INS") and q.fam:
                rel_of = q
                nat = q.nat
    else:
        nat = UNREG_NAT[kind].pick(rng)
        male = UNREG_MALE[kind]
        area = op.area
    sex = "L" if r() < male else "P"
    lo, hi, mode = UNREG_AGE[kind]
    if rel_of is not None:
        p = new_person(rng, nat, sex, cat, rel_of.dob + int(rng.gauss(0, 5) * 365), cult=rel_of.cult)
        gh = rel_of.giv[0] if (p.cult in ("CN", "KR") and len(rel_of.giv) == 2 and r() < 0.6
                                and sex == rel_of.sex) else None
        fh = rel_of.fam[0]
        if p.cult in ("RU", "UA", "UZ") and sex != rel_of.sex:
            fh = ru_female(fh) if sex == "P" else fh
        finish_person(p, rng, area, "", "", registry=False, fam_hint=fh, gen_hint=gh)
        p.bplace = rel_of.bplace
    else:
        p = new_person(rng, nat, sex, cat, dob_for_age(rng, lo, hi, mode))
        finish_person(p, rng, area, "", "", registry=False)
    if kind == "kerja":
        p.sponsor = op.comp.name if cat == "u_kanim_lain" else ""
        p.jab = JAB[op.comp.sector].pick(rng)
    if cat == "u_kanim_lain":
        p.ptype, p.pidx = "ITAS", "E23"
        p.pno = make_permit_no("ITAS", 2024 + int(r() * 2), rng)
    return p


def select_people(W, op, rng):
    r = rng.random
    people = []
    seen = {}
    # registered persons
    if op.kind == "kerja":
        src = op.comp.workers
    elif op.kind == "hunian" or op.kind == "lainnya":
        src = W.area_all[op.area]
    elif op.kind == "wisata":
        src = W.area_nonwork[op.area] if r() < 0.7 else W.area_all[op.area]
    elif op.kind == "hiburan":
        src = W.area_nonwork[op.area]
    elif op.kind == "pendidikan":
        src = W.area_students[op.area] or W.area_nonwork[op.area]
    else:
        src = W.area_workers[op.area] or W.area_all[op.area]
    k_reg = min(op.k_reg, len(src))
    if k_reg:
        for p in rng.sample(src, k_reg):
            if op.kind == "kerja" and r() < 0.06:
                aw = W.area_workers[op.area]
                if aw:
                    q = aw[int(r() * len(aw))]
                    if id(q) not in seen:
                        p = q            # a subcontractor's / visiting worker
            if id(p) in seen:
                continue
            seen[id(p)] = 1
            people.append(p)
    # unregistered persons
    n_un = op.k_un + (op.k_reg - len(people))
    if op.kind == "kerja":
        pool = op.comp.unreg
    else:
        key = (op.kind, op.area)
        pool = W.unreg_pools.get(key)
        if pool is None:
            pool = W.unreg_pools[key] = []
    rep = UNREG_REPEAT[op.kind]
    for _ in range(n_un):
        p = None
        if pool and r() < rep:
            q = pool[int(r() * len(pool))]
            if id(q) not in seen:
                p = q
        if p is None:
            p = new_unreg(W, op, rng)
            pool.append(p)
        seen[id(p)] = 1
        people.append(p)
    # the same person written twice on one sheet
    n = len(people)
    for i in range(n):
        if r() < 0.004:
            j = int(r() * n)
            people[j] = people[i] if j != i else people[j]
    rng.shuffle(people)
    return people


def op_header(op, W, seq, rng):
    r = rng.random
    area = op.area
    kec = AREA_KEC[area][int(r() * len(AREA_KEC[area]))]
    ag = op.agency
    short = AREA_SHORT[area]
    inst = {"imigrasi": "KANTOR IMIGRASI " + short, "polres": "POLRES " + short, "polsek": "POLSEK " + kec,
            "disnaker": "DISNAKER " + AREA_NAME[area], "kodim": "KODIM %04d" % (700 + (area * 37) % 900),
            "koramil": "KORAMIL " + kec, "satpolpp": "SATPOL PP " + AREA_NAME[area],
            "kecamatan": "KECAMATAN " + kec, "kesbangpol": "BAKESBANGPOL " + AREA_NAME[area]}[ag]
    w = CO_WORDS["ID"][0][int(r() * 20)] + " " + CO_WORDS["ID"][1][int(r() * 15)]
    if op.kind == "kerja":
        loc = comp_variant(op.comp.name, rng, op.care)
    elif op.kind == "hunian":
        loc = LOC_HUNIAN[int(r() * len(LOC_HUNIAN))] % (ID_NAMES_F.pick(rng) if r() < 0.5 else w)
    elif op.kind == "wisata":
        loc = LOC_WISATA[int(r() * len(LOC_WISATA))] % w
    elif op.kind == "hiburan":
        loc = LOC_HIBURAN[int(r() * len(LOC_HIBURAN))] % w
    elif op.kind == "pendidikan":
        loc = wpick(rng, [("UNIVERSITAS %s" % w, 3), ("PONDOK PESANTREN %s" % w, 3), ("SEKOLAH %s" % w, 1)])
    elif op.kind == "pelabuhan":
        loc = wpick(rng, [("PELABUHAN PERIKANAN %s" % kec, 3), ("KM. %s" % w, 2), ("KAPAL %s" % w, 1)])
    else:
        loc = LOC_LAIN[int(r() * len(LOC_LAIN))] % w
    if op.kind != "kerja" and r() < 0.5:
        loc += ", " + ("KEC. " if r() < 0.6 else "") + kec
    op.loc_addr = loc
    y, m, d = ymd(op.date)
    op.code = "TIMPORA/%s/%03d/%s/%d" % (short.replace(" ", "")[:6], seq, ["I", "II", "III", "IV", "V", "VI", "VII",
                                                                          "VIII", "IX", "X", "XI", "XII"][m - 1], y)
    op.tgl = fmt_date(y, m, d, op.date_style if op.date_style != "excel_us" else "dmy/")
    op.inst = name_case(inst, op.case, rng) if op.case != "mixed" else inst
    op.lok = name_case(loc, op.case, rng) if op.case != "mixed" else loc


def render_row(W, op, p, rng):
    r = rng.random
    reg = p.lid >= 0
    nohr = op.kind not in ("kerja", "pelabuhan", "pendidikan")
    if reg or p.cat == "u_kanim_lain":
        src = (SRC_REG_NOHR if nohr else SRC_REG)[op.care].pick(rng)
    else:
        src = (SRC_UNREG_NOHR if nohr else SRC_UNREG)[op.care].pick(rng)
    nama = render_name(p, op, src, rng)
    # a dual national showing the other passport
    other = p.pp2k == 3 and src in ("paspor", "fotokopi") and r() < 0.5
    # sex
    jk = ""
    if op.has_jk:
        x = r()
        if x < (0.01, 0.03, 0.08)[op.care]:
            jk = op.blank
        else:
            s = p.sex
            if x > 1.0 - ((0.002, 0.008, 0.02)[op.care] + (0.02 if src == "lisan" else 0.0)):
                s = "P" if s == "L" else "L"
            jk = op.sex_fmt[0 if s == "L" else 1]
            if op.case == "title" and len(jk) > 2:
                jk = jk.title()
    tgl, umur = render_dob(p, op, src, rng)
    # nationality
    wn = ""
    if op.has_nat and not op.name_nat:
        if r() < (0.005, 0.02, 0.06)[op.care]:
            wn = op.blank
        else:
            wn = nat_text(p.nat2 if other else p.nat, op, rng)
            if op.case == "title" and len(wn) > 3:
                wn = title_case(wn)
    pp, iz = render_docs(p, op, src, rng, other)
    # employer
    co = ""
    if op.has_co:
        if op.kind == "kerja":
            if reg and p.comp >= 0 and W.companies[p.comp] is not op.comp and r() < 0.5:
                co = comp_variant(W.companies[p.comp].name, rng, op.care)
            else:
                co = comp_variant(op.comp.name, rng, op.care)
        elif reg and p.sponsor and p.cat in ("pekerja", "investor") and r() < 0.6:
            co = comp_variant(p.sponsor, rng, op.care)
        elif p.rel in ("istri", "suami", "anak") and r() < 0.3:
            co = wpick(rng, [("IKUT SUAMI", 3), ("IKUT ORANG TUA", 2), ("KELUARGA TKA", 2)])
        if co and op.case == "title":
            co = title_case(co)
    # position / occupation
    jab = ""
    if op.has_jab:
        if p.jab:
            if op.kind == "kerja" and r() < 0.12:
                jab = OFF_PERMIT_JOBS[int(r() * len(OFF_PERMIT_JOBS))]
            else:
                forms = JAB_LIST_FORMS.get(p.jab)
                jab = forms[int(r() * len(forms))] if forms and r() < 0.6 else p.jab
        elif p.rel == "istri":
            jab = wpick(rng, [("IRT", 3), ("IBU RUMAH TANGGA", 2), ("", 2)])
        elif p.rel == "anak" or p.cat == "pelajar":
            jab = wpick(rng, [("PELAJAR", 3), ("MAHASISWA", 1), ("", 1)])
        elif p.cat == "lansia":
            jab = "PENSIUNAN"
        elif p.cat == "u_turis":
            jab = wpick(rng, [("TURIS", 3), ("WISATAWAN", 2), ("", 3)])
        elif p.cat == "u_abk":
            jab = wpick(rng, [("ABK", 5), ("KRU KAPAL", 2), ("NELAYAN", 1)])
        elif op.kind == "hiburan":
            jab = wpick(rng, [("LC", 2), ("TERAPIS", 3), ("PEMANDU LAGU", 2), ("PENARI", 1), ("", 3)])
        if jab and op.case == "title":
            jab = title_case(jab)
    # address
    al = ""
    if op.has_alamat:
        if op.kind == "kerja":
            x = r()
            if x < 0.45:
                al = "MESS " + (op.comp.acr if r() < 0.4 else op.comp.name)
            elif x < 0.7 and reg:
                al = W.addr[p.lid]
                if r() < 0.5:
                    al = al.split(",")[0]
        elif op.kind in ("hunian", "wisata", "hiburan"):
            al = op.loc_addr
            if r() < 0.3:
                al += " NO. %d" % (1 + int(r() * 30))
        elif reg and r() < 0.5:
            al = W.addr[p.lid].split(",")[0]
        if al and op.case == "title":
            al = title_case(al)
    ket = ""
    if op.has_ket and r() < 0.6:
        if reg and p.pexp and p.pexp < op.date and r() < 0.6:
            ket = KET_EXPIRED.pick(rng)         # the registry's permit has run out by now
        elif reg:
            ket = KET_REG_POOL.pick(rng)
            if src == "lisan" and r() < 0.3:
                ket = "TIDAK MEMBAWA PASPOR"
        else:
            pool = KET_UNREG_POOL.get(p.cat)
            ket = pool.pick(rng) if pool else "-"
        if ket == "ITAS AKTIF" and p.pexp and r() < 0.4:
            y, m, d = ymd(p.pexp)
            ket = "ITAS S/D " + fmt_date(y, m, d, op.date_style if op.date_style != "excel_us" else "dmy/")
        if op.case == "title":
            ket = ket.capitalize()
    return [op.code, op.tgl, op.inst, op.lok, nama, jk, tgl, umur, wn, pp, iz, co, jab, al, ket]


LEFT_HEADER = ["id", "nama", "jenis_kelamin", "tgl_lahir", "tempat_lahir", "kewarganegaraan", "no_paspor",
               "jenis_izin", "no_izin", "tgl_akhir_izin", "penjamin", "jabatan", "alamat"]
RIGHT_HEADER = ["id", "kode_kegiatan", "tgl_kegiatan", "instansi", "lokasi", "nama", "jenis_kelamin",
                "tgl_lahir", "umur", "kewarganegaraan", "no_paspor", "no_izin", "perusahaan", "jabatan",
                "alamat", "keterangan"]


def write_left(W, path, rng):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(LEFT_HEADER)
        rows = []
        addr = W.addr
        for p in W.persons:
            dob = iso(p.dob) if rng.random() >= 0.001 else ""
            bp = p.bplace if rng.random() >= 0.03 else ""
            izin = p.ptype + (" " + p.pidx if p.pidx and p.pidx != "-" else "")
            rows.append(["L%d" % p.lid, p.reg, p.sex if rng.random() >= 0.001 else "", dob, bp, p.nat, p.pp,
                         izin, p.pno, iso(p.pexp) if p.pexp else "", p.sponsor, p.jab, addr[p.lid]])
            if len(rows) >= 20000:
                w.writerows(rows)
                rows = []
        w.writerows(rows)


def generate(N, M, seed, out, verbose=True):
    import time
    t0 = time.time()
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    W = build_world(N, rng)
    W.unreg_pools = {}
    RENEWED.clear()
    if verbose:
        sys.stderr.write("registry built: %d persons, %d sponsors (%.1fs)\n" % (len(W.persons), len(W.companies),
                                                                                  time.time() - t0))
    write_left(W, os.path.join(out, "left.csv"), rng)
    plans = plan_ops(W, M, rng)
    if verbose:
        sys.stderr.write("left.csv written; %d operations planned (%.1fs)\n" % (len(plans), time.time() - t0))
    rid = 0
    with open(os.path.join(out, "right.csv"), "w", newline="", encoding="utf-8") as fr, \
            open(os.path.join(out, "truth.csv"), "w", newline="", encoding="utf-8") as ft:
        wr = csv.writer(fr, lineterminator="\n")
        wr.writerow(RIGHT_HEADER)
        ft.write("left_id,right_id\n")
        seq_by_area = {}
        buf = []
        tbuf = []
        for op in plans:
            s = seq_by_area.get(op.area, 0) + 1
            seq_by_area[op.area] = s
            op_header(op, W, s, rng)
            for p in select_people(W, op, rng):
                row = render_row(W, op, p, rng)
                row.insert(0, "R%d" % rid)
                buf.append(row)
                if p.lid >= 0:
                    tbuf.append("L%d,R%d\n" % (p.lid, rid))
                rid += 1
            if len(buf) > 20000:
                wr.writerows(buf)
                ft.write("".join(tbuf))
                buf, tbuf = [], []
        wr.writerows(buf)
        ft.write("".join(tbuf))
    schema = {"name": ["nama"], "date": ["tgl_lahir"], "id": ["no_paspor", "no_izin"],
              "category": ["jenis_kelamin", "kewarganegaraan"], "text": ["penjamin", "alamat"], "date_format": None,
              "right_columns": {"perusahaan": "penjamin"}}
    with open(os.path.join(out, "schema.json"), "w", encoding="utf-8") as fh:
        json.dump(schema, fh, indent=1)
        fh.write("\n")
    if verbose:
        sys.stderr.write("right.csv: %d rows (%.1fs)\n" % (rid, time.time() - t0))
    if rid != M:
        raise SystemExit("internal error: %d list rows instead of %d" % (rid, M))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Synthetic Timpora joint-operation lists vs. an immigration "
                                             "registry of foreign residents (record-linkage benchmark).")
    ap.add_argument("--left", type=int, required=True, help="registry rows (left.csv)")
    ap.add_argument("--right", type=int, required=True, help="list rows (right.csv)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.left < 1 or a.right < 1:
        ap.error("--left and --right must be positive")
    generate(a.left, a.right, a.seed, a.out, verbose=not a.quiet)


if __name__ == "__main__":
    main()
