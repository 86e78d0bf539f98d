"""The peers, run one at a time in a child process so that time and peak memory are their own.

    python peers.py recordlinkage|splink DATASET_DIR OUT_PAIRS.csv

DATASET_DIR holds left.csv (and right.csv for linkage) as written by run.py. Prints one JSON line
with the wall seconds spent inside the process after imports.
"""
import json
import os
import sys
import time

import pandas as pd


def load(d):
    left = pd.read_csv(os.path.join(d, "left.csv"), dtype=str, keep_default_na=False).replace("", None)
    right_path = os.path.join(d, "right.csv")
    right = pd.read_csv(right_path, dtype=str, keep_default_na=False).replace("", None) if os.path.exists(right_path) else None
    return left, right


def standardise(df):
    """What splink's docs ask of input: consistent case, trimmed, dates in one format (our engine does
    this itself; the peers get it done for them so the comparison is about linkage, not cleaning)."""
    import unicodedata
    def fold(v):
        if v is None:
            return None
        v = unicodedata.normalize("NFKD", str(v)).encode("ascii", "ignore").decode().upper().replace("-", " ").strip()
        return " ".join(v.split()) or None
    for col in ("family_name", "given_names", "passport_number", "sex", "nationality"):
        if col in df.columns:
            df[col] = df[col].map(fold)
    s = df["date_of_birth"].fillna("")
    slash = s.str.contains("/")
    df.loc[slash, "date_of_birth"] = s[slash].str.split("/").map(lambda p: f"{p[2]}-{p[1]}-{p[0]}" if len(p) == 3 else None)
    df["date_of_birth"] = df["date_of_birth"].replace("", None)
    return df


def febrl_like(df):
    return "soc_sec_id" in df.columns


def run_recordlinkage(left, right):
    import recordlinkage
    from recordlinkage.index import Block
    l = left.set_index("id")
    r = right.set_index("id") if right is not None else None
    idx = recordlinkage.Index()
    if febrl_like(left):
        # As in recordlinkage's documented FEBRL examples: blocking on given name and on surname.
        idx.add(Block("given_name"))
        idx.add(Block("surname"))
        idx.add(Block("date_of_birth"))
    else:
        idx.add(Block("passport_number"))
        idx.add(Block(["date_of_birth", "sex"]))
        idx.add(Block(["family_name", "given_names"]))
    pairs = idx.index(l, r) if r is not None else idx.index(l)
    c = recordlinkage.Compare()
    if febrl_like(left):
        c.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
        c.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
        c.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        c.exact("suburb", "suburb", label="suburb")
        c.exact("state", "state", label="state")
        c.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address_1")
        c.exact("postcode", "postcode", label="postcode")
        c.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    else:
        c.string("family_name", "family_name", method="jarowinkler", threshold=0.85, label="family_name")
        c.string("given_names", "given_names", method="jarowinkler", threshold=0.85, label="given_names")
        c.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        c.exact("sex", "sex", label="sex")
        c.exact("nationality", "nationality", label="nationality")
        c.exact("passport_number", "passport_number", label="passport_number")
    features = c.compute(pairs, l, r) if r is not None else c.compute(pairs, l)
    ecm = recordlinkage.ECMClassifier(binarize=0.5)
    matches = ecm.fit_predict(features)
    prob = ecm.prob(features)
    return [(a, b, prob.loc[(a, b)]) for a, b in matches]


def run_splink(left, right):
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    link = right is not None
    if febrl_like(left):
        comparisons = [
            cl.NameComparison("given_name"), cl.NameComparison("surname"), cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]), cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True), cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        ]
        rules = [block_on("given_name", "surname"), block_on("surname", "date_of_birth"), block_on("given_name", "date_of_birth"),
                 block_on("soc_sec_id"), block_on("postcode", "street_number")]
        training = [block_on("date_of_birth"), block_on("surname"), block_on("given_name")]
    else:
        comparisons = [
            cl.NameComparison("family_name"), cl.NameComparison("given_names"), cl.ExactMatch("sex"), cl.ExactMatch("nationality"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d", invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("passport_number", [1, 2]),
        ]
        rules = [block_on("passport_number"), block_on("date_of_birth", "sex"), block_on("family_name", "given_names"),
                 block_on("family_name", "substr(date_of_birth, 1, 7)")]
        training = [block_on("passport_number"), block_on("date_of_birth"), block_on("family_name", "given_names")]
    settings = SettingsCreator(link_type="link_only" if link else "dedupe_only", unique_id_column_name="id",
                               comparisons=comparisons, blocking_rules_to_generate_predictions=rules, retain_intermediate_calculation_columns=False)
    db = DuckDBAPI()
    # Splink 5 takes registered SplinkDataFrames, not pandas frames.
    frames = [db.register(left, dataset_display_name="df_a", table_name="df_a")] + ([db.register(right, dataset_display_name="df_b", table_name="df_b")] if link else [])
    linker = Linker(frames, settings)
    linker.training.estimate_probability_two_random_records_match(rules, recall=0.95)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    for r in training:
        linker.training.estimate_parameters_using_expectation_maximisation(r)
    preds = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return list(zip(preds["id_l"], preds["id_r"], preds["match_probability"]))


def main():
    which, d, out = sys.argv[1:4]
    left, right = load(d)
    started = time.time()
    if not febrl_like(left):
        left = standardise(left)
        right = standardise(right) if right is not None else None
    pairs = run_recordlinkage(left, right) if which == "recordlinkage" else run_splink(left, right)
    seconds = time.time() - started
    with open(out, "w") as fh:
        fh.write("left_id,right_id,probability\n")
        for a, b, p in pairs:
            fh.write(f"{a},{b},{p}\n")
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
