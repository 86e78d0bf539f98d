"""The API contract: schemathesis `--checks all` against the running server, as an officer, an agency member, a
sponsor, a supervisor and an administrator, finds nothing — no server error, no undocumented status or content type, no answer outside its schema, no
schema-valid request refused (beyond the rules listed in contract/schemathesis.toml) and no invalid one accepted,
405 with Allow for every unsupported method, 401 without a token."""
import base64
import glob
import json
import os
import shutil
import subprocess
import sys
import urllib.request

import pytest

from conftest import PASSWORD, env_for, free_port, serve

CONTRACT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contract")
# Test cases per operation and phase; more find more, at the cost of time (about 3 minutes per role at 8).
EXAMPLES = os.environ.get("SINERGI_CONTRACT_EXAMPLES", "8")
# Operations that would end the run's own token: revoking sessions (the run's own among them).
EXCLUDED = r"/account/sessions/\{id\}/revoke$"


ROLES = ["officer", "agency", "sponsor", "supervisor", "admin"]
# An administrator sees no personal data: every other operation answers him 403, which schemathesis reports as
# failed authentication. His run covers the operations open to him (the reference tables, accounts, rules, the
# outbox, his account and notifications); the others' 403 for him is in the officer's, agency's and sponsor's runs'
# documents and in ScopeTests.
ONLY = {"admin": r"^/api/v1/(admin/|rules|outbox|notifications|stats|account/|auth/)"}


@pytest.fixture(scope="module")
def contract_server(workdir, seeded_db):
    """The server, its log, and each role's token, taken before any run: the runs' own wrong sign-ins count
    against this address, and after 20 of them the address is throttled."""
    db = os.path.join(workdir, "contract.sqlite")
    shutil.copy(seeded_db, db)
    log_path = os.path.join(workdir, "contract-server.log")
    with open(log_path, "wb") as log:
        proc, base = serve(env_for("sqlite://" + db), free_port(), log=log)
        tokens = {role: token(base, role) for role in ROLES}
        yield base, tokens, log_path, proc
        proc.terminate()
        proc.wait(timeout=10)


def token(base, role):
    body = json.dumps({"email": f"{role}@demo.sinergi.id", "password": PASSWORD}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.load(res)["token"]


def failures(report_dir):
    """Each failed check and each error of the run, as one readable line."""
    found = []
    for path in glob.glob(os.path.join(report_dir, "*.ndjson")):
        for line in open(path, encoding="utf-8"):
            event = json.loads(line)
            if "NonFatalError" in event:
                e = event["NonFatalError"]
                found.append(f"error in {e.get('label')}: {str(e.get('value', e))[:300]}")
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished.get("recorder", {})
            for case_id, checks in recorder.get("checks", {}).items():
                for check in checks:
                    if check.get("status") != "failure":
                        continue
                    failure = (check.get("failure_info") or {}).get("failure", {})
                    case = recorder.get("cases", {}).get(case_id, {}).get("value", {})
                    response = (recorder.get("interactions", {}).get(case_id) or {}).get("response") or {}
                    content = response.get("content") or {}
                    body = base64.b64decode(content.get("$base64", "")).decode("utf-8", "replace") if isinstance(content, dict) else ""
                    found.append(f"{failure.get('code')} {recorder.get('label')}: {failure.get('title')} — "
                                 f"{case.get('method')} {case.get('path')} query={case.get('query')} body={str(case.get('body'))[:200]} "
                                 f"→ {response.get('status_code')} {body[:200]}")
    return sorted(set(found))


@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_nothing(contract_server, role, tmp_path):
    base, tokens, log_path, proc = contract_server
    report_dir = str(tmp_path / "report")
    env = dict(os.environ, PYTHONPATH=CONTRACT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", os.path.join(CONTRACT, "schemathesis.toml"),
               "run", base + "/api/v1/openapi.json",
               "-H", "Authorization: Bearer " + tokens[role],
               "--checks", "all", "--max-examples", EXAMPLES, "--request-timeout", "60", "--seed", "20261202", "--workers", "1",
               "--exclude-path-regex", EXCLUDED, "--report", "ndjson", "--report-dir", report_dir, "--no-color"]
    if role in ONLY:
        command += ["--include-path-regex", ONLY[role]]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1500, cwd=str(tmp_path))
    found = failures(report_dir)
    summary = run.stdout[run.stdout.rfind("SUMMARY"):][:3000]
    log_text = open(log_path, encoding="utf-8", errors="replace").read()
    crash = log_text.find("Fatal error")
    # A crash: its message and the frames of our own code (the whole backtrace runs to hundreds of lines).
    server_log = (log_text[crash:crash + 300] + "\n" + "\n".join(l for l in log_text[crash:].splitlines() if "crashed" in l or "/work/main/Sources/" in l or "Sources/Vapor/" in l)[:6000]
                  if crash >= 0 else log_text[-3000:])
    assert proc.poll() is None, f"the server stopped during the run as {role}:\n{server_log}"
    assert found == [] and run.returncode == 0, f"{len(found)} failures as {role}:\n" + "\n".join(found) + "\n\n" + summary + "\n\nserver log:\n" + server_log
    # The run did test the API: the operations were tested, not skipped for want of a schema or a connection.
    tested = int(run.stdout.split("Tested:")[1].split()[0]) if "Tested:" in run.stdout else 0
    assert tested >= (18 if role in ONLY else 100), run.stdout[-2000:]
