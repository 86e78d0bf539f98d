"""The command-line contract: migrate, seed, users create, audit verify, config fail-fast."""
import csv
import os
import shutil
import sqlite3
import subprocess
import uuid

import pytest

from conftest import BINARY, PASSWORD, run


def BINARY_PATH():
    return BINARY


def copy_db(seeded_db, workdir, name):
    path = os.path.join(workdir, name)
    shutil.copy(seeded_db, path)
    return path


def test_bad_config_fails_fast_with_one_line(workdir):
    r = run(["migrate", "--yes"], "mysql://nope")
    assert r.returncode != 0
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "DATABASE_URL" in lines[0], r.stderr
    r = run(["migrate", "--yes"], "sqlite://" + os.path.join(workdir, "x.sqlite"), SINERGI_BCRYPT_COST="3")
    assert r.returncode != 0 and "SINERGI_BCRYPT_COST" in r.stderr


def test_seed_twice_changes_nothing(seeded_db, workdir):
    path = copy_db(seeded_db, workdir, "reseed.sqlite")
    count = lambda: sqlite3.connect(path).execute("select count(*) from foreigners").fetchone()[0]
    before = count()
    r = run(["seed", "--demo"], "sqlite://" + path)
    assert r.returncode == 0
    assert "nothing changed" in r.stdout
    assert count() == before > 600


def test_users_create(seeded_db, workdir):
    url = "sqlite://" + copy_db(seeded_db, workdir, "users.sqlite")
    ok = run(["users", "create", "--email", "kasi@imigrasi.go.id", "--role", "supervisor", "--office", "SBY", "--password-stdin"], url,
             stdin="kuda-laut-biru-77\n")
    assert ok.returncode == 0, ok.stderr
    assert "created supervisor kasi@imigrasi.go.id" in ok.stdout
    weak = run(["users", "create", "--email", "x@imigrasi.go.id", "--role", "admin", "--password-stdin"], url, stdin="password\n")
    assert weak.returncode != 0 and "password refused" in weak.stderr
    no_office = run(["users", "create", "--email", "y@imigrasi.go.id", "--role", "officer", "--password-stdin"], url, stdin="kuda-laut-biru-77\n")
    assert no_office.returncode != 0 and "--office" in no_office.stderr
    dup = run(["users", "create", "--email", "KASI@imigrasi.go.id", "--role", "admin", "--password-stdin"], url, stdin="kuda-laut-biru-77\n")
    assert dup.returncode != 0 and "already exists" in dup.stderr
    bad_role = run(["users", "create", "--email", "z@imigrasi.go.id", "--role", "king", "--password-stdin"], url, stdin="kuda-laut-biru-77\n")
    assert bad_role.returncode != 0 and "--role" in bad_role.stderr


def test_users_set_password(seeded_db, workdir):
    path = copy_db(seeded_db, workdir, "setpw.sqlite")
    url = "sqlite://" + path
    before = sqlite3.connect(path).execute("select password_hash from users where email = 'officer@demo.sinergi.id'").fetchone()[0]
    ok = run(["users", "set-password", "--email", "OFFICER@demo.sinergi.id", "--password-stdin"], url, stdin="kuda-laut-biru-88\n")
    assert ok.returncode == 0, ok.stderr
    assert "password set for officer@demo.sinergi.id" in ok.stdout
    db = sqlite3.connect(path)
    after = db.execute("select password_hash from users where email = 'officer@demo.sinergi.id'").fetchone()[0]
    assert after != before and after.startswith("$2")
    assert db.execute("select count(*) from audit_events where action = 'user.password.set'").fetchone()[0] == 1
    weak = run(["users", "set-password", "--email", "officer@demo.sinergi.id", "--password-stdin"], url, stdin="password\n")
    assert weak.returncode != 0 and "password refused" in weak.stderr
    nobody = run(["users", "set-password", "--email", "nobody@demo.sinergi.id", "--password-stdin"], url, stdin="kuda-laut-biru-88\n")
    assert nobody.returncode != 0 and "no user" in nobody.stderr
    no_stdin_flag = run(["users", "set-password", "--email", "officer@demo.sinergi.id"], url, stdin="kuda-laut-biru-88\n")
    assert no_stdin_flag.returncode != 0 and "--password-stdin" in no_stdin_flag.stderr
    assert run(["audit", "verify"], url).returncode == 0


def test_audit_verify_detects_an_edited_row(seeded_db, workdir):
    path = copy_db(seeded_db, workdir, "audit.sqlite")
    url = "sqlite://" + path
    run(["users", "create", "--email", "a1@imigrasi.go.id", "--role", "admin", "--password-stdin"], url, stdin="kuda-laut-biru-77\n")
    run(["users", "create", "--email", "a2@imigrasi.go.id", "--role", "admin", "--password-stdin"], url, stdin="kuda-laut-biru-77\n")
    intact = run(["audit", "verify"], url)
    assert intact.returncode == 0, intact.stderr
    assert "intact: 3 events" in intact.stdout
    db = sqlite3.connect(path)
    db.execute("update audit_events set detail = 'role=supervisor' where seq = 2")
    db.commit()
    broken = run(["audit", "verify"], url)
    assert broken.returncode != 0
    assert "event 2" in broken.stderr


def test_audit_verify_detects_a_deleted_row(seeded_db, workdir):
    path = copy_db(seeded_db, workdir, "audit-del.sqlite")
    url = "sqlite://" + path
    for i in range(3):
        run(["users", "create", "--email", f"d{i}@imigrasi.go.id", "--role", "admin", "--password-stdin"], url, stdin="kuda-laut-biru-77\n")
    db = sqlite3.connect(path)
    db.execute("delete from audit_events where seq = 3")
    db.commit()
    broken = run(["audit", "verify"], url)
    assert broken.returncode != 0 and "event 4" in broken.stderr


@pytest.mark.skipif(not os.environ.get("SINERGI_TEST_POSTGRES_URL"), reason="no PostgreSQL")
def test_postgres_migrate_seed_verify():
    admin = os.environ["SINERGI_TEST_POSTGRES_URL"]
    name = "e2e_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    url = admin.rsplit("/", 1)[0] + "/" + name
    assert run(["migrate", "--yes"], url).returncode == 0
    seed = run(["seed", "--demo"], url)
    assert seed.returncode == 0 and "Demo data created" in seed.stdout
    assert run(["audit", "verify"], url).returncode == 0
    subprocess.run(["psql", url, "-q", "-c", "UPDATE audit_events SET actor_id = 'x' WHERE seq = 1"], check=True)
    broken = run(["audit", "verify"], url)
    assert broken.returncode != 0 and "event 1" in broken.stderr


FIXTURE = os.path.join(os.path.dirname(__file__), "..", "MatchingTests", "Fixtures", "foreigners")


def test_match_links_the_fixture(workdir):
    out = os.path.join(workdir, "pairs.csv")
    r = subprocess.run([BINARY_PATH(), "match", "--left", os.path.join(FIXTURE, "left.csv"), "--right", os.path.join(FIXTURE, "right.csv"),
                        "--id", "id", "--one-to-one", "--output", out], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "sinergi match:" in r.stderr                       # progress on stderr
    rows = list(csv.reader(open(out)))
    assert rows[0] == ["left_id", "right_id", "probability"]
    truth = {tuple(x) for x in list(csv.reader(open(os.path.join(FIXTURE, "truth.csv"))))[1:]}
    pred = {(a, b) for a, b, p in rows[1:]}
    assert all(0.5 <= float(p) <= 1 for _, _, p in rows[1:])
    tp = len(truth & pred)
    assert tp / len(pred) >= 0.98 and tp / len(truth) >= 0.97


def test_match_bad_input_names_the_line_and_writes_nothing(workdir):
    bad = os.path.join(workdir, "bad.csv")
    with open(bad, "w") as fh:
        fh.write("id,family_name,date_of_birth\n1,ZHANG,1990-01-01\n2,LI\n")
    out = os.path.join(workdir, "never.csv")
    r = subprocess.run([BINARY_PATH(), "match", "--left", bad, "--id", "id", "--output", out], capture_output=True, text=True)
    assert r.returncode == 1
    assert "bad.csv:3" in r.stderr and "expected 3 fields" in r.stderr
    assert not os.path.exists(out)
    usage = subprocess.run([BINARY_PATH(), "match", "--left", bad], capture_output=True, text=True)
    assert usage.returncode == 2 and "--id is required" in usage.stderr
