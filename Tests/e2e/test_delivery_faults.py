"""E-mail delivery under faults (issue 17, item 7): the real binary, the demo's warning digests, a real SMTP
server (scripts/smtp_sink.py) that is slow, hangs, refuses sessions or answers "try again later".

What holds, by Message-ID (the outbox id, stable across attempts):
- kill -9 of `sinergi serve` while it waits on the SMTP server: after a restart every message arrives once;
- kill -9 after the SMTP server has stored a message but before its "250" reached the sender: that one message
  arrives twice and every other once. No SMTP client can close this window; the sender keeps it to the message
  in flight (marked sent in its own statement right after each "250") and this test pins it down;
- SIGTERM mid-delivery: the message in flight is recorded before the server exits, nothing stays claimed;
- a server that is not there, refuses the session (421, 554) or answers 451: nothing lost, nothing failed,
  everything delivered once it works;
- a full outbox (thousands of messages) drains, each message once, even with two senders at once.
"""
import collections
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import uuid

from conftest import BINARY, SMTPSink, env_for, free_port, run, serve

# Short enough for a test, longer than any one SMTP transaction here (the sink answers in milliseconds). The
# default is 10 minutes.
LEASE = 2


def queued(seeded_db, workdir, name):
    """A copy of the demo with the day's warning digests (one per sponsor) in the outbox, not yet sent: the scan
    ran without SMTP_URL, as cron would before a mail server is configured. Returns (path, url, outbox ids)."""
    path = os.path.join(workdir, name)
    shutil.copy(seeded_db, path)
    url = "sqlite://" + path
    r = run(["alerts", "run"], url)
    assert r.returncode == 0 and "SMTP_URL is not set" in r.stdout, r.stdout + r.stderr
    ids = ids_of(path)
    assert len(ids) >= 40, r.stdout
    return path, url, ids


def ids_of(path):
    return {uid(r[0]) for r in sqlite3.connect(path).execute("select id from outbox_messages")}


def uid(raw):
    return str(uuid.UUID(bytes=raw)) if isinstance(raw, bytes) else raw.lower()


def states(path):
    db = sqlite3.connect(path)
    counts = dict(db.execute("select status, count(*) from outbox_messages group by status").fetchall())
    db.close()
    return counts


def delivered(sink):
    """How often each outbox id arrived (Message-ID `<id@sinergi>`)."""
    return collections.Counter(m["message_id"].strip("<>").split("@")[0] for m in sink.messages())


def wait_until(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out: " + what)


def server_env(url, smtp_port, **extra):
    return env_for(url, SMTP_URL=f"smtp://127.0.0.1:{smtp_port}?starttls=never", SINERGI_SCHEDULER="on",
                   SINERGI_OUTBOX_LEASE_SECONDS=str(LEASE), **extra)


def stop_all(procs, sink):
    """Stops the servers still running (each finishes its message in flight), then the sink."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
            p.wait(timeout=20)
    sink.stop()


def kill_mid_delivery(seeded_db, workdir, tmp_path, name, hang):
    """Serves with the outbox full and a slow sink that hangs at `hang` (`--hang-rcpt-at 20` or
    `--hang-data-at 20`); kill -9 while it hangs; serves again after the lease. Returns (ids, state at the
    kill, the ids claimed at the kill, deliveries before the restart, deliveries at the end)."""
    path, url, ids = queued(seeded_db, workdir, name)
    sink = SMTPSink(str(tmp_path / "mail"), "--delay-rcpt", "0.02", *hang)
    procs = []
    try:
        env = server_env(url, sink.port)
        proc, _ = serve(env, free_port())
        procs.append(proc)
        # The scheduler's first round starts at boot; the sink holds the 20th message.
        wait_until(lambda: os.path.exists(os.path.join(sink.dir, "hanging")), 60, "the sink never reached the hang")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        killed = time.time()
        at_kill = states(path)
        claimed = {uid(r[0]) for r in sqlite3.connect(path).execute("select id from outbox_messages where status = 'sending'")}
        before = delivered(sink)
        # The restarted server cannot tell a dead server's claim from a live one's: it waits for the lease.
        time.sleep(max(0.0, killed + LEASE + 0.3 - time.time()))
        proc, _ = serve(env, free_port())
        procs.append(proc)
        wait_until(lambda: states(path).get("sent", 0) == len(ids), 60, f"not all sent: {states(path)}")
        # Everything is marked sent; anything sent twice would have arrived by now.
        time.sleep(0.3)
        return ids, at_kill, claimed, before, delivered(sink)
    finally:
        stop_all(procs, sink)


def test_kill_9_while_waiting_on_the_smtp_server_sends_every_message_once(seeded_db, workdir, tmp_path):
    ids, at_kill, claimed, before, after = kill_mid_delivery(seeded_db, workdir, tmp_path, "kill-rcpt.sqlite", ["--hang-rcpt-at", "20"])
    # 19 accepted and recorded; the 20th claimed (only it: one claim per sender, taken just before sending); the rest untouched.
    assert at_kill == {"sent": 19, "sending": 1, "pending": len(ids) - 20}, at_kill
    assert sum(before.values()) == 19 and set(before.values()) == {1} and not claimed & set(before)
    assert set(after) == ids, f"lost: {len(ids - set(after))}"
    twice = {k: n for k, n in after.items() if n > 1}
    assert twice == {}, f"sent more than once: {twice}"


def test_kill_9_inside_the_window_after_250_resends_only_that_message(seeded_db, workdir, tmp_path):
    """The inherent window: the SMTP server has the 20th message (stored) but the sender dies before the "250"
    arrives and is recorded. After the lease that message is sent again, with the same Message-ID; nothing else
    is, and nothing is lost."""
    ids, at_kill, claimed, before, after = kill_mid_delivery(seeded_db, workdir, tmp_path, "kill-data.sqlite", ["--hang-data-at", "20"])
    assert at_kill == {"sent": 19, "sending": 1, "pending": len(ids) - 20}, at_kill
    # The sink has 20, the database knows of 19: the claimed one arrived but was not recorded.
    assert sum(before.values()) == 20 and set(before.values()) == {1} and claimed <= set(before)
    assert set(after) == ids, f"lost: {len(ids - set(after))}"
    twice = {k: n for k, n in after.items() if n > 1}
    assert twice == {next(iter(claimed)): 2}, twice


def test_a_graceful_stop_mid_delivery_records_the_message_in_flight(seeded_db, workdir, tmp_path):
    """SIGTERM (a deploy, a restart) while the slow sink takes messages: the server claims nothing more, records the
    answer for the message in flight and exits; nothing is left claimed, so a server started at once (default
    10-minute lease) sends the rest, each once."""
    path, url, ids = queued(seeded_db, workdir, "sigterm.sqlite")
    sink = SMTPSink(str(tmp_path / "mail"), "--delay-rcpt", "0.05")
    procs = []
    try:
        env = env_for(url, SMTP_URL=f"smtp://127.0.0.1:{sink.port}?starttls=never", SINERGI_SCHEDULER="on")
        proc, _ = serve(env, free_port())
        procs.append(proc)
        wait_until(lambda: sum(delivered(sink).values()) >= 10, 60, "nothing delivered")
        proc.terminate()
        assert proc.wait(timeout=20) == 0
        at_stop = states(path)
        assert "sending" not in at_stop and at_stop["sent"] == sum(delivered(sink).values()) < len(ids), at_stop
        proc, _ = serve(env, free_port())
        procs.append(proc)
        wait_until(lambda: states(path).get("sent", 0) == len(ids), 60, f"not all sent: {states(path)}")
        time.sleep(0.3)
        got = delivered(sink)
        assert set(got) == ids and set(got.values()) == {1}
    finally:
        stop_all(procs, sink)


def alerts_round(url, smtp_port, **extra):
    """One cron round (`sinergi alerts run`): the scan finds nothing new; then delivery. Returns (sent, retry, failed, output
    with the log)."""
    r = run(["alerts", "run"], url, SMTP_URL=f"smtp://127.0.0.1:{smtp_port}?starttls=never", SINERGI_OUTBOX_RETRY_SECONDS="1", **extra)
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"Outbox: (\d+) sent, (\d+) to retry later, (\d+) failed", r.stdout)
    assert m, r.stdout
    return int(m[1]), int(m[2]), int(m[3]), r.stdout + r.stderr


def attempts(path):
    return collections.Counter(r[0] for r in sqlite3.connect(path).execute("select attempts from outbox_messages"))


def test_a_failing_smtp_server_loses_nothing(seeded_db, workdir, tmp_path):
    path, url, ids = queued(seeded_db, workdir, "failing-smtp.sqlite")
    port = free_port()
    # Nobody listens: nothing is claimed, nothing counted, nothing failed.
    sent, retry, failed, err = alerts_round(url, port)
    assert (sent, retry, failed) == (0, 0, 0) and "outbox: cannot open a session" in err, err
    assert states(path) == {"pending": len(ids)} and attempts(path) == {0: len(ids)}
    # A server that is busy (421) or refuses service (554) at the greeting says nothing about any message: none fails.
    for code in ("421", "554"):
        sink = SMTPSink(str(tmp_path / f"greeting-{code}"), "--port", str(port), "--greeting", code)
        try:
            sent, retry, failed, err = alerts_round(url, port)
        finally:
            sink.stop()
        assert (sent, retry, failed) == (0, 0, 0) and code in err, err
        assert states(path) == {"pending": len(ids)} and attempts(path) == {0: len(ids)}, states(path)
    # A working server that answers 451 ("try again later") to 20 messages: those wait (1 s here, 1 minute by
    # default), the rest go.
    sink = SMTPSink(str(tmp_path / "mail"), "--port", str(port), "--fail-first", "20", "--fail-code", "451")
    try:
        sent, retry, failed, _ = alerts_round(url, port)
        assert (sent, retry, failed) == (len(ids) - 20, 20, 0)
        assert states(path) == {"sent": len(ids) - 20, "pending": 20}
        total = sent
        deadline = time.time() + 30
        while total < len(ids) and time.time() < deadline:
            time.sleep(0.5)
            sent, retry, failed, _ = alerts_round(url, port)
            assert failed == 0 and retry == 0
            total += sent
        assert states(path) == {"sent": len(ids)}
        got = delivered(sink)
        assert set(got) == ids and set(got.values()) == {1}
        assert attempts(path) == {1: len(ids) - 20, 2: 20}
    finally:
        sink.stop()


def fill(path, total):
    """Fills the outbox to `total` messages: copies of the queued digests under new ids, keys and recipients,
    in the driver's own formats (ids and times as the real rows store them)."""
    db = sqlite3.connect(path)
    rows = db.execute("select id, kind, recipient, subject, body, created_at, next_attempt_at from outbox_messages").fetchall()
    text_ids = isinstance(rows[0][0], str)
    new = []
    for k in range(total - len(rows)):
        _, kind, recipient, subject, body, created, due = rows[k % len(rows)]
        u = uuid.uuid4()
        new.append((str(u).upper() if text_ids else u.bytes, f"e2e-fill:{u}", kind, f"copy{k}.{recipient}", subject, body,
                    "pending", 0, created, due))
    db.executemany("insert into outbox_messages (id, idempotency_key, kind, recipient, subject, body, status, attempts, "
                   "created_at, next_attempt_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new)
    db.commit()
    db.close()
    return ids_of(path)


def test_a_full_outbox_drains_each_message_once_with_two_senders(seeded_db, workdir, smtp_sink):
    """2,000 messages, two cron rounds overlapping (the second starts after the lease has passed, while the
    first is still sending): every message arrives once. Each claim is taken just before its message is sent,
    so a long round never holds a claim older than one SMTP transaction (claims stamped with the round's start
    would look dead to the second sender, which would send them again)."""
    path, url, _ = queued(seeded_db, workdir, "full-outbox.sqlite")
    ids = fill(path, 2000)
    assert len(ids) == 2000
    # Two live senders: the lease must outlast one transaction even on a loaded machine.
    lease = 5
    env = env_for(url, SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}?starttls=never", SINERGI_OUTBOX_LEASE_SECONDS=str(lease))
    first = subprocess.Popen([BINARY, "alerts", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: states(path).get("sent", 0) >= 50, 60, "the first round sent nothing")
    time.sleep(lease + 0.5)
    assert first.poll() is None, "the first round ended before the second began: use more messages"
    second = subprocess.Popen([BINARY, "alerts", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=240) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outs
    sent = [int(re.search(r"Outbox: (\d+) sent, 0 to retry later, 0 failed", o[0])[1]) for o in outs]
    assert sum(sent) == 2000 and sent[1] > 0, sent
    assert states(path) == {"sent": 2000}
    got = delivered(smtp_sink)
    assert set(got) == ids, f"lost: {len(ids - set(got))}"
    assert {k: n for k, n in got.items() if n > 1} == {}
