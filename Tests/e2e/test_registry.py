"""The registry feed through the real binary: kill -9 in the middle of a batch leaves nothing, a re-run
applies it exactly once (issue 15)."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from conftest import BINARY, ROOT, env_for, run


def counts(path):
    db = sqlite3.connect(path)
    try:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("foreigners", "passports", "stay_permits", "addresses", "sponsors", "registry_batches")}
    finally:
        db.close()


def test_kill_during_a_batch_then_rerun_applies_it_once(seeded_db, workdir):
    path = os.path.join(workdir, "feed-kill.sqlite")
    shutil.copy(seeded_db, path)
    url = "sqlite://" + path
    batch = os.path.join(workdir, "feed-40k")
    subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "registry", "generate_feed.py"), batch, "--persons", "40000"], check=True)
    before = counts(path)

    proc = subprocess.Popen([BINARY, "registry", "import", batch], env=env_for(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)
    assert proc.poll() is None, "the batch finished before it could be interrupted; make it larger"
    proc.kill()
    proc.wait()
    assert counts(path) == before          # nothing partial

    first = run(["registry", "import", batch], url)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    assert summary["created"]["foreigners"] == 40000 and summary["created"]["permits"] == 40000
    after = counts(path)
    assert after["foreigners"] == before["foreigners"] + 40000 and after["registry_batches"] == 1

    again = run(["registry", "import", batch], url)
    assert again.returncode == 0, again.stderr
    repeat = json.loads(again.stdout.strip().splitlines()[-1])
    assert repeat["batch"] == summary["batch"]
    assert all(v == 0 for v in repeat["created"].values()) and all(v == 0 for v in repeat["updated"].values())
    assert counts(path) == after

    bad = os.path.join(workdir, "feed-bad")
    os.makedirs(bad, exist_ok=True)
    with open(os.path.join(bad, "permits.csv"), "w") as f:
        f.write("person_ref,number,type,category,start_on,end_on,status,sponsor_ref,office_code\n"
                "NOBODY,2C21X,E23,ITAS,2026-01-01,2027-01-01,active,,SBY\n"
                "P00000001,2C21Y,E23,ITAS,2026-01-01,2027-13-01,active,,SBY\n")
    r = run(["registry", "import", bad], url)
    assert r.returncode == 1
    assert "permits.csv:3: end_on is not a real YYYY-MM-DD date: 2027-13-01." in r.stderr
    assert counts(path) == after

    verify = run(["audit", "verify"], url)
    assert verify.returncode == 0 and "intact" in verify.stdout
