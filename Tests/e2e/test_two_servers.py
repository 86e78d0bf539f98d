"""Several servers, one PostgreSQL (issue 17, item 8): two `sinergi serve` processes with their schedulers on, one
database, one SMTP server, traffic to both at once. Nothing may happen twice or diverge: the day's warning scan
runs once, each e-mail is delivered once, the audit trail stays one chain that verifies, and the sign-in throttle
and the region look-up's rate limit count requests on both servers together."""
import collections
import datetime
import os
import subprocess
import threading
import time
import uuid
import zoneinfo

import pytest

from conftest import PASSWORD, SMTPSink, api_token, call, env_for, free_port, run, serve

PG = os.environ.get("SINERGI_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not PG, reason="no PostgreSQL (SINERGI_TEST_POSTGRES_URL)")


def token(base, email):
    return api_token(base, email)


def psql(url, query):
    return subprocess.run(["psql", url, "-tA", "-c", query], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture()
def database():
    name = "e2e_two_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", PG, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    url = PG.rsplit("/", 1)[0] + "/" + name
    try:
        r = run(["migrate", "--yes"], url)
        assert r.returncode == 0, r.stderr
        r = run(["seed", "--demo"], url)
        assert r.returncode == 0, r.stderr
        yield url
    finally:
        subprocess.run(["psql", PG, "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


class Traffic(threading.Thread):
    """Runs `work(i)` for i in range(n); collects every answer that is a server error or an exception."""

    def __init__(self, n, work):
        super().__init__(daemon=True)
        self.n, self.work, self.errors, self.done = n, work, [], 0

    def run(self):
        for i in range(self.n):
            try:
                status = self.work(i)
                if status >= 500:
                    self.errors.append(status)
                self.done += 1
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                self.errors.append(repr(e))


def test_two_servers_on_one_postgresql(database, tmp_path):
    url = database
    sink = SMTPSink(str(tmp_path / "mail"), "--delay-rcpt", "0.03")
    servers = []
    try:
        smtp = f"smtp://127.0.0.1:{sink.port}?starttls=never"
        # Each server its own sender address, so the sink shows which server delivered what.
        envs = [env_for(url, SMTP_URL=smtp, SINERGI_SCHEDULER="on", SINERGI_ALERTS_HOUR="0", SINERGI_MAIL_FROM=f"server-{n}@sinergi.test")
                for n in ("a", "b")]
        # Both start at once: both schedulers find the day's scan due at boot.
        started = [None, None]
        threads = [threading.Thread(target=lambda k=k: started.__setitem__(k, serve(envs[k], free_port()))) for k in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        servers = [s[0] for s in started if s]
        assert len(servers) == 2, "a server did not start"
        a, b = started[0][1], started[1][1]

        # Traffic to both at once: audited list and detail reads, daily report entries, new accounts (each an
        # invitation e-mail and a delivery round on the server that made it).
        officer = {base: token(base, "officer@demo.sinergi.id") for base in (a, b)}
        admin = {base: token(base, "admin@demo.sinergi.id") for base in (a, b)}
        today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Jakarta")).date().isoformat()
        status, report = call(a, "POST", "/api/v1/daily-reports", officer[a], {"date": today, "entries": []})
        assert status in (200, 201), (status, report)
        status, page = call(b, "GET", "/api/v1/foreigners?per=50", officer[b])
        assert status == 200 and page["items"], (status, page)
        people = [p["id"] for p in page["items"]]
        office = psql(url, "select o.code from offices o join users u on u.office_id = o.id where u.email = 'officer@demo.sinergi.id'")

        def reads(base):
            def work(i):
                s, _ = call(base, "GET", f"/api/v1/foreigners?page={i % 5 + 1}&per=20", officer[base])
                if s != 200:
                    return s if s >= 500 else 900 + s
                s, _ = call(base, "GET", f"/api/v1/foreigners/{people[i % len(people)]}?purpose=supervision", officer[base])
                return s if s == 200 or s >= 500 else 900 + s
            return work

        entries = []

        def writes(base):
            def work(i):
                client = str(uuid.uuid4())
                entries.append(client)
                s, _ = call(base, "POST", f"/api/v1/daily-reports/{report['id']}/entries", officer[base],
                            {"clientId": client, "time": f"{8 + i % 10:02d}:{i % 60:02d}", "kelurahanCode": "35.16.05.2010",
                             "activity": "companyVisit", "finding": "compliant", "note": f"Kunjungan {i} dari server {base}"})
                return s if s in (200, 201) or s >= 500 else 900 + s
            return work

        invited = []

        def accounts(base, tag):
            def work(i):
                email = f"petugas.{tag}{i}@imigrasi.go.id"
                invited.append(email)
                s, _ = call(base, "POST", "/api/v1/admin/users", admin[base],
                            {"email": email, "name": f"Petugas {tag.upper()} {i}", "role": "officer", "officeCode": office})
                return s if s in (200, 201) or s >= 500 else 900 + s
            return work

        traffic = [Traffic(40, reads(a)), Traffic(40, reads(b)), Traffic(25, writes(a)), Traffic(25, writes(b)),
                   Traffic(8, accounts(a, "a")), Traffic(8, accounts(b, "b"))]
        for t in traffic:
            t.start()
        for t in traffic:
            t.join(timeout=180)
        assert all(not t.is_alive() for t in traffic), "traffic did not finish"
        assert [t.errors for t in traffic] == [[]] * len(traffic)

        # The daily scan ran once: one run, its warnings and digests counted once, one run event.
        deadline = time.time() + 60
        while time.time() < deadline and psql(url, "select count(*) from alert_runs where finished_at is not null") != "1":
            time.sleep(0.2)
        runs = psql(url, "select count(*) || ' ' || sum(warnings) || ' ' || sum(emails) from alert_runs").split()
        assert runs[0] == "1", runs
        warnings, emails = int(runs[1]), int(runs[2])
        assert warnings > 0 and emails > 0
        assert psql(url, "select count(*) from permit_warnings") == str(warnings)
        assert psql(url, "select count(*) from outbox_messages where kind = 'warning-digest'") == str(emails)
        assert psql(url, "select count(*) from audit_events where action = 'alerts.run'") == "1"

        # Every e-mail (digests, invitations) delivered once, by one server or the other.
        expected = emails + len(invited)
        deadline = time.time() + 90
        while time.time() < deadline and psql(url, "select count(*) from outbox_messages where status = 'sent'") != str(expected):
            time.sleep(0.3)
        assert psql(url, "select status || ':' || count(*) from outbox_messages group by status") == f"sent:{expected}"
        time.sleep(0.3)
        mails = sink.messages()
        by_id = collections.Counter(m["message_id"].strip("<>").split("@")[0] for m in mails)
        ids = set(psql(url, "select id from outbox_messages").split())
        assert set(by_id) == ids and set(by_id.values()) == {1}, {k: n for k, n in by_id.items() if n > 1}
        senders = collections.Counter(m["mail_from"] for m in mails)
        assert set(senders) == {"server-a@sinergi.test", "server-b@sinergi.test"}, senders

        # The writes all landed, once each.
        status, full = call(b, "GET", f"/api/v1/daily-reports/{report['id']}", officer[b])
        assert status == 200 and sorted(e["clientId"].lower() for e in full["entries"]) == sorted(entries)

        # The sign-in throttle counts failures on both servers together: the 6th wrong password in a row is
        # refused whichever server gets it, and the right one too.
        wrong = {"email": "agency@demo.sinergi.id", "password": "wrong-password-123"}
        answers = [call((a, b)[k % 2], "POST", "/api/v1/auth/token", body=wrong)[0] for k in range(7)]
        assert answers == [401] * 5 + [429, 429], answers
        right = {"email": "agency@demo.sinergi.id", "password": PASSWORD}
        assert call(a, "POST", "/api/v1/auth/token", body=right)[0] == 429

        # The region look-up's limit (120 a minute per address) too: 120 answers across both, then 429 on both.
        if datetime.datetime.now().second > 50:
            time.sleep(61 - datetime.datetime.now().second)
        codes = [call((a, b)[k % 2], "GET", "/api/v1/regions?q=ngoro&level=district")[0] for k in range(120)]
        assert codes == [200] * 120, collections.Counter(codes)
        assert [call(a, "GET", "/api/v1/regions?q=ngoro")[0], call(b, "GET", "/api/v1/regions?q=ngoro")[0]] == [429, 429]

        # One audit chain, through both servers' events, that verifies.
        r = run(["audit", "verify"], url)
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        for p in servers:
            p.terminate()
            p.wait(timeout=20)
        sink.stop()
