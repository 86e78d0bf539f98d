"""Writing a synthetic linkage set: the agency side (right.csv, ids R0, R1, …) and its ground truth
(truth.csv: left_id,right_id). Shared by the generators, whose noise models are their own."""
import csv
import os


def write_right_and_truth(out, header, rows):
    """`rows`: (left id of the true match or None, the row's values after the id column) in file order."""
    with open(os.path.join(out, "right.csv"), "w", newline="", encoding="utf-8") as fr, \
            open(os.path.join(out, "truth.csv"), "w", newline="", encoding="utf-8") as ft:
        w, t = csv.writer(fr, lineterminator="\n"), csv.writer(ft, lineterminator="\n")
        w.writerow(header)
        t.writerow(["left_id", "right_id"])
        for k, (truth, values) in enumerate(rows):
            w.writerow([f"R{k}"] + list(values))
            if truth:
                t.writerow([truth, f"R{k}"])
