"""Writes while a large agency list is stored and reconciled (issue 17, item 7), on SQLite: the real binary, the
demo registry, six clients writing all the time the import runs — an officer's and a supervisor's daily-report
entries, a sponsor's mandatory reports and the officer's decisions on them, the officer's edits of the registry
(new people, with passport, permit and address, and their moves) and the registry feed's batches — and none of them
may get a server error: every write transaction takes SQLite's write lock when it begins and waits for it, instead of failing with
"database is locked" when another connection committed first. Every write that was answered must be stored once,
and the audit chain must verify.

`SINERGI_E2E_IMPORT_ROWS` sets the list's size (30,000 by default) and `SINERGI_E2E_IMPORT_DB` the SQLite file the
server starts from (a copy of the demo by default); docs/performance.md has the run with 200,000 rows on the import
benchmark's 1,000,000-person registry and the release binary (`SINERGI_BIN`)."""
import datetime
import io
import os
import random
import shutil
import sqlite3
import threading
import time
import uuid
import zipfile
import zoneinfo

from conftest import BINARY, PASSWORD, api_token, call, env_for, free_port, serve

ROWS = int(os.environ.get("SINERGI_E2E_IMPORT_ROWS", "30000"))
START = os.environ.get("SINERGI_E2E_IMPORT_DB")
# The demo accounts' password in that file (the benchmark's registry was seeded with its own).
START_PASSWORD = os.environ.get("SINERGI_E2E_IMPORT_PASSWORD", PASSWORD)


def token(base, email):
    return api_token(base, email, START_PASSWORD)


def agency_list(path, n):
    """A residents list: every third row a registry person (some with a typo in the name), the rest strangers."""
    db = sqlite3.connect(path)
    people = db.execute("SELECT family_name, given_names, sex, date_of_birth, nationality, passport_number FROM foreigners "
                        "WHERE passport_number IS NOT NULL ORDER BY passport_number").fetchall()
    db.close()
    rng = random.Random(17)
    names = ["WANG", "LI", "ZHANG", "KIM", "PARK", "NGUYEN", "TANAKA", "SMITH", "SILVA", "KUMAR", "CHEN", "LEE"]
    lines = ["family_name,given_names,sex,date_of_birth,nationality,passport_number"]
    for i in range(n):
        if i % 3 == 0:
            family, given, sex, dob, nat, passport = people[(i // 3) % len(people)]
            if i % 9 == 0:
                given = given[:-1] + "X" if len(given) > 2 else given
        else:
            family, given = rng.choice(names), rng.choice(names) + " " + rng.choice("ABCDEFGHJK")
            sex, nat = rng.choice("MF"), rng.choice(["CHN", "KOR", "VNM", "JPN", "IND", "USA"])
            dob = f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            passport = f"Q{rng.randint(10_000_000, 99_999_999)}"
        lines.append(f"{family},{given},{sex},{dob or ''},{nat},{passport}")
    return ("\n".join(lines) + "\n").encode()


def feed_batch(ref, today):
    """A registry feed batch (.zip) bringing one new person, with a passport and an address."""
    files = {
        "foreigners.csv": f"person_ref,family_name,given_names,sex,date_of_birth,nationality,place_of_birth\n{ref},FEEDMANN,ANNA,F,1985-03-14,DEU,Hamburg\n",
        "passports.csv": f"person_ref,number,issuing_country,issued_on,expires_on\n{ref},{ref.replace('-', '')[-9:]},DEU,2020-01-10,2030-01-09\n",
        "addresses.csv": f"person_ref,line,village_code,valid_from\n{ref},Jl. Kenanga 5,35.16.05.2010,{today}\n",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr("batch/" + name, text)
    return out.getvalue()


class Writer(threading.Thread):
    """Calls `work(i)` until told to stop; keeps every server error or exception, and what each success wrote."""

    def __init__(self, name, work):
        super().__init__(daemon=True, name=name)
        self.work, self.stop, self.errors, self.written, self.during = work, False, [], [], 0
        self.importing = False

    def run(self):
        i = 0
        while not self.stop:
            try:
                status, what = self.work(i)
                if status >= 500:
                    self.errors.append((status, what))
                elif what is not None:
                    self.written.append(what)
                    self.during += self.importing
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                self.errors.append(repr(e))
            i += 1


def test_writers_get_no_server_error_while_a_large_list_is_imported(seeded_db, workdir):
    path = os.path.join(workdir, "writes-during-import.sqlite")
    if START:
        # A file in WAL mode may hold committed rows in its -wal file: fold them in before the copy.
        sqlite3.connect(START).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    shutil.copy(START or seeded_db, path)
    url = "sqlite://" + path
    log = open(os.path.join(workdir, "writes-during-import.log"), "w")
    proc, base = serve(env_for(url, SINERGI_MAX_UPLOAD_MB="64"), free_port(), log=log)
    writers = []
    try:
        officer, supervisor = token(base, "officer@demo.sinergi.id"), token(base, "supervisor@demo.sinergi.id")
        sponsor = token(base, "sponsor@demo.sinergi.id")
        today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Jakarta")).date().isoformat()
        reports = {}
        for who, t in (("officer", officer), ("supervisor", supervisor)):
            status, report = call(base, "POST", "/api/v1/daily-reports", t, {"date": today, "entries": []})
            assert status in (200, 201), (status, report)
            reports[who] = report["id"]
        status, page = call(base, "GET", "/api/v1/foreigners?per=100", sponsor)
        assert status == 200 and page["items"], (status, page)
        sponsored = [p["id"] for p in page["items"]]
        body = agency_list(path, ROWS)

        def entries(who, t):
            def work(i):
                client = str(uuid.uuid4())
                s, _ = call(base, "POST", f"/api/v1/daily-reports/{reports[who]}/entries", t,
                            {"clientId": client, "time": f"{8 + i % 10:02d}:{i % 60:02d}", "kelurahanCode": "35.16.05.2010",
                             "activity": "companyVisit", "finding": "compliant", "note": f"Kunjungan {i}"})
                return s, (client if s in (200, 201) else None)
            return work

        filed, filed_lock = [], threading.Lock()

        def sponsor_reports(i):
            client = f"during-import-{i}-{uuid.uuid4().hex[:8]}"
            s, r = call(base, "POST", "/api/v1/sponsor-reports", sponsor,
                        {"clientId": client, "foreignerId": sponsored[i % len(sponsored)], "type": "addressChange", "eventOn": today,
                         "address": f"Jl. Pindahan {i}", "kelurahanCode": "35.16.05.2010"})
            if s == 201:
                with filed_lock:
                    filed.append(r["id"])
            return s, (r["id"] if s == 201 else None)

        def decisions(i):
            with filed_lock:
                report = filed.pop(0) if filed else None
            if report is None:
                time.sleep(0.05)
                return 200, None
            decision = {"decision": "accept"} if i % 2 == 0 else {"decision": "return", "reason": "Lampiran belum ada"}
            s, _ = call(base, "POST", f"/api/v1/sponsor-reports/{report}/review", officer, decision)
            return s, ((report, decision["decision"]) if s == 200 else None)

        people = []     # (id, passport, permit, addresses added) of each person the officer recorded

        def registry_edits(i):
            """Even turns record a new person (passport, permit, address), odd ones move the last one."""
            if i % 2 == 0 or not people:
                tag = uuid.uuid4().hex[:7].upper()
                passport, permit = f"DI{tag}", f"2C21DI{tag}"
                s, r = call(base, "POST", "/api/v1/foreigners", officer,
                            {"familyName": "DURING", "givenNames": f"IMPORT {i}", "sex": "M", "dateOfBirth": "1990-05-17", "nationality": "KOR",
                             "passport": {"number": passport, "expiresOn": "2031-01-01"},
                             "permit": {"number": permit, "type": "E23", "startOn": today, "endOn": "2027-12-31"},
                             "address": {"line": f"Jl. Baru {i}", "villageCode": "35.16.05.2010", "validFrom": "2025-01-01"}, "reason": "Lapor datang"})
                if s == 201:
                    people.append([r["foreigner"]["id"], passport, permit, 0])
                return s, (passport if s == 201 else None)
            person = people[-1]
            moved = (datetime.date(2025, 2, 1) + datetime.timedelta(days=person[3])).isoformat()   # one move a day
            s, _ = call(base, "POST", f"/api/v1/foreigners/{person[0]}/addresses", officer,
                        {"line": f"Jl. Pindah {i}", "villageCode": "35.16.05.2010", "validFrom": moved, "reason": "Pindah kos"})
            if s == 201:
                person[3] += 1
            return s, (person[0] if s == 201 else None)

        def feed_batches(i):
            ref = f"DURING-{i}-{uuid.uuid4().hex[:6].upper()}"
            s, r = call(base, "POST", "/api/v1/registry/batches", supervisor, raw=feed_batch(ref, today), content_type="application/zip")
            return s, (ref if s == 201 and r["created"]["foreigners"] == 1 else None)

        writers = [Writer("officer entries", entries("officer", officer)), Writer("supervisor entries", entries("supervisor", supervisor)),
                   Writer("sponsor reports", sponsor_reports), Writer("decisions", decisions),
                   Writer("registry edits", registry_edits), Writer("feed batches", feed_batches)]
        for w in writers:
            w.start()
        time.sleep(1)
        for w in writers:
            w.importing = True
        started = time.time()
        status, created = call(base, "POST", "/api/v1/imports?kind=residents", officer, raw=body, content_type="text/csv", timeout=600)
        assert status == 201, (status, created)
        deadline = time.time() + 900
        while time.time() < deadline:
            status, state = call(base, "GET", f"/api/v1/imports/{created['id']}", officer)
            assert status == 200, (status, state)
            if state["status"] != "reconciling":
                break
            time.sleep(0.2)
        seconds = time.time() - started
        for w in writers:
            w.importing = False
        time.sleep(1)
        for w in writers:
            w.stop = True
        for w in writers:
            w.join(timeout=120)
        assert not any(w.is_alive() for w in writers), "a writer did not stop"

        assert state["status"] == "reconciled", state
        assert {w.name: w.errors for w in writers} == {w.name: [] for w in writers}
        # Each client kept writing while the list was stored and reconciled (the decisions need filed reports).
        assert all(w.during >= 3 for w in writers), {w.name: w.during for w in writers}
        print(f"\n{ROWS} rows stored and reconciled in {seconds:.1f} s; writes answered meanwhile: "
              + ", ".join(f"{w.name} {w.during}" for w in writers))

        # Every answered write is stored, once.
        assert state["rows"] == ROWS and state["matched"] + state["review"] + state["unmatched"] + state.get("setAside", 0) == ROWS, state
        for w, who, t in ((writers[0], "officer", officer), (writers[1], "supervisor", supervisor)):
            status, full = call(base, "GET", f"/api/v1/daily-reports/{reports[who]}", t)
            assert status == 200 and sorted(e["clientId"].lower() for e in full["entries"]) == sorted(w.written), w.name
        db = sqlite3.connect(path)
        statuses = dict(db.execute("SELECT status, COUNT(*) FROM sponsor_reports WHERE client_id LIKE 'during-import-%' GROUP BY status").fetchall())
        recorded = {row[0].replace("-", "").lower(): row[1:] for row in db.execute(
            "SELECT f.id, p.number, (SELECT COUNT(*) FROM stay_permits s WHERE s.foreigner_id = f.id), "
            "(SELECT COUNT(*) FROM addresses a WHERE a.foreigner_id = f.id) FROM foreigners f JOIN passports p ON p.foreigner_id = f.id "
            "WHERE f.family_name = 'DURING'").fetchall()}
        fed = {row[0] for row in db.execute("SELECT person_ref FROM foreigners WHERE person_ref LIKE 'DURING-%'").fetchall()}
        db.close()
        accepted = sum(1 for _, d in writers[3].written if d == "accept")
        assert sum(statuses.values()) == len(writers[2].written), statuses
        assert statuses.get("accepted", 0) == accepted and statuses.get("returned", 0) == len(writers[3].written) - accepted, statuses
        # Each person the officer recorded is there once, with passport, permit and every address added; each batch's person too.
        assert len(recorded) == len(people) and sum(p[3] for p in people) >= 3, (len(recorded), len(people), sum(p[3] for p in people))
        for pid, passport, _, moves in people:
            assert recorded[pid.replace("-", "").lower()] == (passport, 1, 1 + moves), (pid, recorded[pid.replace("-", "").lower()], moves)
        assert fed == set(writers[5].written), (len(fed), len(writers[5].written))
    finally:
        for w in writers:
            w.stop = True
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    verify = __import__("subprocess").run([BINARY, "audit", "verify"], env=env_for(url), capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0 and "intact" in verify.stdout, verify.stdout + verify.stderr
