"""End-to-end fixtures: the real `sinergi` binary, a real server on loopback, real headless Chromium."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support import wait as selenium_wait

# Every wait in these tests polls a page that its script re-renders or that is being replaced by the next one:
# an element read meanwhile fails as "stale" or, in Chromium, as "Node with given id does not belong to the
# document" (a plain WebDriverException). The wait reads again at the next poll; a condition that never holds
# still fails, at the wait's timeout (flakes seen under CI load).
selenium_wait.IGNORED_EXCEPTIONS = (WebDriverException,)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SINERGI_BIN", os.path.join(ROOT, ".build", "debug", "sinergi"))
PASSWORD = "E2e-Demo-Password-2026"


def env_for(db_url, **extra):
    env = dict(os.environ)
    env.update({"DATABASE_URL": db_url, "SINERGI_BCRYPT_COST": "4", "SINERGI_DEMO_PASSWORD": PASSWORD, "LOG_LEVEL": "warning",
                "SINERGI_SCHEDULER": "off", "SINERGI_TOTP_ROLES": "none"})
    env.pop("SMTP_URL", None)
    env.update(extra)
    return env


def run(args, db_url, stdin=None, **extra):
    return subprocess.run([BINARY] + args, env=env_for(db_url, **extra), input=stdin, capture_output=True, text=True, timeout=300)


def serve(env, port, log=None):
    """Starts `sinergi serve` with `env` on `port` and waits for /healthz; returns (process, base URL).
    A long run passes `log`, a file its log goes to: an unread pipe would fill and stop the server."""
    proc = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log if log is not None else subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as res:
                if res.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start: " + (proc.stderr.read().decode() if proc.stderr else "see its log"))


def call(base, method, path, token=None, body=None, raw=None, content_type=None, timeout=60):
    """One API request: (status, JSON or None); HTTP errors are answers, not exceptions. `body` is sent as JSON,
    `raw` as it is (with `content_type`)."""
    headers = {"Accept": "application/json"}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            text = res.read()
            return res.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, None


def api_token(base, email, password=PASSWORD):
    status, body = call(base, "POST", "/api/v1/auth/token", body={"email": email, "password": password})
    assert status == 200, (status, body)
    return body["token"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def workdir():
    d = tempfile.mkdtemp(prefix="sinergi-e2e-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def seeded_db(workdir):
    """A migrated and seeded SQLite file; tests copy it when they need to change it."""
    path = os.path.join(workdir, "seeded.sqlite")
    url = "sqlite://" + path
    r = run(["migrate", "--yes"], url)
    assert r.returncode == 0, r.stderr
    r = run(["seed", "--demo"], url)
    assert r.returncode == 0, r.stderr
    assert "Demo data created" in r.stdout
    return path


@pytest.fixture(scope="session")
def server(workdir, seeded_db):
    path = os.path.join(workdir, "server.sqlite")
    shutil.copy(seeded_db, path)
    port = free_port()
    proc = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                            env=env_for("sqlite://" + path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as res:
                if res.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("server did not start: " + proc.stderr.read().decode())
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        opts.add_argument(a)
    # Officers' browsers are Indonesian; the English switch is tested separately.
    opts.add_argument("--lang=id")
    opts.add_experimental_option("prefs", {"intl.accept_languages": "id"})
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    opts.binary_location = chromium
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class SMTPSink:
    """scripts/smtp_sink.py: a real SMTP server (aiosmtpd) storing each message as JSON."""

    def __init__(self, directory, *extra):
        self.dir = directory
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "smtp_sink.py"), "--dir", directory, *extra],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        words = self.proc.stdout.readline().split()
        assert words and words[0] == "READY", "smtp_sink.py did not start (pip install aiosmtpd)"
        self.port = int(words[1])

    def messages(self):
        return [json.load(open(os.path.join(self.dir, n), encoding="utf-8")) for n in sorted(os.listdir(self.dir)) if n.endswith(".json")]

    def wait_for(self, count, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            m = self.messages()
            if len(m) >= count:
                return m
            time.sleep(0.2)
        return self.messages()

    def stop(self):
        self.proc.stdin.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture()
def smtp_sink(tmp_path):
    sink = SMTPSink(str(tmp_path / "mail"))
    yield sink
    sink.stop()
