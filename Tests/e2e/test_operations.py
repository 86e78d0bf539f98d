"""Operations (issue 17, items 5 and 6): backup while the server writes, restore and verify; export of one person;
retention's dry run — the real binary against SQLite and PostgreSQL."""
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request
import uuid

import pytest

from conftest import PASSWORD, env_for, free_port, run, serve


def start_server(db_url):
    return serve(env_for(db_url), free_port())


class Writer(threading.Thread):
    """Signs in over and over through the API: each sign-in writes a token and an audit event."""

    def __init__(self, base):
        super().__init__(daemon=True)
        self.base, self.ok, self.errors, self.stop = base, 0, [], threading.Event()

    def run(self):
        body = json.dumps({"email": "officer@demo.sinergi.id", "password": PASSWORD}).encode()
        while not self.stop.is_set():
            req = urllib.request.Request(self.base + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as res:
                    self.ok += res.status == 200
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                self.errors.append(str(e))


def backup_while_writing(db_url, target):
    proc, base = start_server(db_url)
    writer = Writer(base)
    try:
        writer.start()
        time.sleep(1.0)
        before = writer.ok
        r = run(["backup", target], db_url)
        assert r.returncode == 0, r.stderr
        summary = json.loads(r.stdout.strip().splitlines()[-1])
        time.sleep(0.5)
        writer.stop.set()
        writer.join(timeout=30)
        assert writer.errors == [] and writer.ok > before, (writer.ok, writer.errors[:3])
        return summary, writer.ok
    finally:
        writer.stop.set()
        proc.terminate()
        proc.wait(timeout=20)


def test_sqlite_backup_while_serving_then_restore(seeded_db, workdir):
    live = os.path.join(workdir, "backup-live.sqlite")
    shutil.copy(seeded_db, live)
    url = "sqlite://" + live
    # A second-factor key sealed under another server's key: the restore counts it.
    con = sqlite3.connect(live)
    con.execute("UPDATE users SET totp_pending = 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE email = 'admin@demo.sinergi.id'")
    con.commit()
    con.close()
    target = os.path.join(workdir, "backup-copy.sqlite")
    summary, _ = backup_while_writing(url, target)
    assert summary["backup"] == target and summary["bytes"] > 1_000_000 and not os.path.exists(target + ".partial")
    # The server key made beside the database is named, and is not in the copy.
    assert summary["secretKeyFile"] == live + ".key" and os.path.exists(live + ".key")
    # The copy is whole: its chain verifies on its own.
    assert run(["audit", "verify"], "sqlite://" + target).returncode == 0
    copied = sqlite3.connect(target).execute("select count(*) from audit_events").fetchone()[0]
    live_events = sqlite3.connect(live).execute("select count(*) from audit_events").fetchone()[0]
    assert copied >= summary["auditEventsAtLeast"] and live_events > copied
    # A second backup to the same name is refused; restore asks for --yes.
    again = run(["backup", target], url)
    assert again.returncode == 1 and "exists already" in again.stderr
    unsure = run(["restore", target], url)
    assert unsure.returncode == 1 and "--yes" in unsure.stderr
    not_a_backup = os.path.join(workdir, "not-a-backup.sqlite")
    with open(not_a_backup, "wb") as fh:
        fh.write(b"hello")
    bad = run(["restore", not_a_backup, "--yes"], url)
    assert bad.returncode == 1
    assert sqlite3.connect(live).execute("select count(*) from audit_events").fetchone()[0] == live_events
    # Restored: the live file holds the copy's events, the chain verifies, and the server starts on it.
    ok = run(["restore", target, "--yes"], url)
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout.strip().splitlines()[-1])
    assert result["auditChain"] == "intact" and result["auditEvents"] == copied and result["secondFactorKeysUnreadable"] == 1
    assert "1 second-factor keys in the backup do not open" in ok.stderr
    assert sqlite3.connect(live).execute("select count(*) from audit_events").fetchone()[0] == copied
    proc, _ = start_server(url)
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.skipif(not os.environ.get("SINERGI_TEST_POSTGRES_URL"), reason="no PostgreSQL")
def test_postgres_backup_while_serving_then_restore(workdir):
    admin = os.environ["SINERGI_TEST_POSTGRES_URL"]
    name = "e2e_bk_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    url = admin.rsplit("/", 1)[0] + "/" + name
    assert run(["migrate", "--yes"], url).returncode == 0
    assert run(["seed", "--demo"], url).returncode == 0
    target = os.path.join(workdir, "backup-pg.dump")
    summary, _ = backup_while_writing(url, target)
    assert summary["bytes"] > 100_000 and "secretKeyFile" not in summary
    count = lambda: int(subprocess.run(["psql", url, "-tA", "-c", "select count(*) from audit_events"], capture_output=True, text=True, check=True).stdout)
    # A change after the backup is undone by the restore; the chain verifies.
    made = run(["users", "create", "--email", "setelah.backup@imigrasi.go.id", "--role", "admin", "--password-stdin"], url, stdin="kuda-laut-biru-77\n")
    assert made.returncode == 0, made.stderr
    after = count()
    ok = run(["restore", target, "--yes"], url)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout.strip().splitlines()[-1])["auditChain"] == "intact"
    assert count() < after
    users = subprocess.run(["psql", url, "-tA", "-c", "select count(*) from users where email = 'setelah.backup@imigrasi.go.id'"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert users == "0"
    subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE {name} WITH (FORCE)"], check=True)


def test_export_person_and_retention_dry_run(seeded_db, workdir):
    path = os.path.join(workdir, "export.sqlite")
    shutil.copy(seeded_db, path)
    url = "sqlite://" + path
    db = sqlite3.connect(path)
    fid = run(["export", "person", "bukan-uuid"], url)
    assert fid.returncode == 1 and "UUID" in fid.stderr
    # The foreigner with the first passport number; ids are stored as text or 16 bytes depending on the driver.
    raw, number = db.execute("select foreigner_id, number from passports order by number limit 1").fetchone()
    person = str(uuid.UUID(bytes=raw)) if isinstance(raw, bytes) else raw
    out = os.path.join(workdir, "exports")
    r = run(["export", "person", person.upper(), "--dir", out], url)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    doc = json.load(open(summary["json"]))
    assert doc["foreignerId"].lower() == person.lower()
    assert any(p["number"] == number for p in doc["records"]["passports"])
    assert "stay_permits" in doc["records"]
    page = open(summary["html"]).read()
    assert number in page and "<h2>passports" in page
    assert oct(os.stat(summary["json"]).st_mode & 0o777) == "0o600"
    assert sqlite3.connect(path).execute("select count(*) from audit_events where action = 'person.export'").fetchone()[0] == 1
    assert run(["audit", "verify"], url).returncode == 0
    dry = run(["retention", "run", "--dry-run"], url)
    assert dry.returncode == 0, dry.stderr
    out = json.loads(dry.stdout.strip().splitlines()[-1])
    assert out["dryRun"] is True and set(out["counts"]) >= {"publicReportsErased", "notifications", "closedTasks", "sentMailBodies"}
