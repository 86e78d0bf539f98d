"""Early warnings end to end: the cron command and the server's own scheduler deliver digests to a real
SMTP server; a sponsor files a mandatory report in the browser and gets a receipt."""
import datetime
import os
import re
import shutil
import subprocess
import time
import urllib.request

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import BINARY, env_for, free_port, run
from test_browser import login


def copy_db(seeded_db, workdir, name):
    path = os.path.join(workdir, name)
    shutil.copy(seeded_db, path)
    return "sqlite://" + path


def test_alerts_run_delivers_once_per_sponsor(seeded_db, workdir, smtp_sink):
    url = copy_db(seeded_db, workdir, "alerts.sqlite")
    smtp = f"smtp://127.0.0.1:{smtp_sink.port}?starttls=never"
    today = datetime.date.today().isoformat()
    r = run(["alerts", "run", "--as-of", today], url, SMTP_URL=smtp, SINERGI_MAIL_FROM="noreply@sinergi.test")
    assert r.returncode == 0, r.stderr
    queued = int(r.stdout.split(" e-mails queued")[0].rsplit(" ", 1)[1])
    assert queued > 0, r.stdout
    assert f"Outbox: {queued} sent" in r.stdout, r.stdout
    got = smtp_sink.wait_for(queued)
    assert len(got) == queued
    # One digest per sponsor: every message to a different address, in Indonesian, from the configured sender.
    assert len({m["rcpt_tos"][0] for m in got}) == queued
    assert all(m["mail_from"] == "noreply@sinergi.test" and "izin tinggal" in m["subject"] for m in got)
    # Again the same day: nothing new, nothing sent twice.
    r = run(["alerts", "run", "--as-of", today], url, SMTP_URL=smtp)
    assert " 0 new, 0 e-mails queued" in r.stdout and "Outbox: 0 sent" in r.stdout, r.stdout
    time.sleep(0.5)
    assert len(smtp_sink.messages()) == queued
    bad = run(["alerts", "run", "--as-of", "2026-02-30"], url)
    assert bad.returncode != 0 and "--as-of" in (bad.stderr + bad.stdout)


def test_server_scheduler_sends_without_a_request(seeded_db, workdir, smtp_sink):
    url = copy_db(seeded_db, workdir, "scheduler.sqlite")
    port = free_port()
    env = env_for(url, SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}?starttls=never", SINERGI_SCHEDULER="on", SINERGI_ALERTS_HOUR="0")
    proc = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        got = smtp_sink.wait_for(1, seconds=60)
        assert got, "the server's scheduler sent nothing"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as res:
            assert res.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wait(browser, condition):
    """Waits across page loads: an element read while the next page replaces it is looked up again."""
    return WebDriverWait(browser, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(condition)


def test_sponsor_files_a_report_and_gets_a_receipt(browser, server):
    login(browser, server, "sponsor@demo.sinergi.id")
    browser.get(server + "/portal")
    assert browser.find_element(By.ID, "portal-foreigners")
    browser.find_element(By.CSS_SELECTOR, "#portal-foreigners a[href^='/portal/reports/new']").click()
    wait(browser, lambda d: d.find_elements(By.ID, "report-form"))
    Select(browser.find_element(By.ID, "type")).select_by_value("departure")
    day = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    browser.execute_script("document.getElementById('eventOn').value = arguments[0]", day)
    browser.find_element(By.ID, "destination").send_keys("Seoul")
    browser.find_element(By.ID, "report-submit").click()
    wait(browser, lambda d: d.find_elements(By.ID, "receipt-number"))
    receipt = browser.find_element(By.ID, "receipt-number").text
    assert receipt.startswith("WL-")
    assert browser.find_element(By.ID, "timeliness").text == "Tepat waktu"
    assert "Menunggu pemeriksaan" in browser.find_element(By.ID, "report-status").text
    # The officer finds it and accepts it; the sponsor sees the outcome.
    login(browser, server, "officer@demo.sinergi.id")
    browser.get(server + "/sponsor-reports")
    browser.find_element(By.LINK_TEXT, receipt).click()
    browser.find_element(By.CSS_SELECTOR, "#review-form button[value=accept]").click()
    wait(browser, lambda d: "Diterima" in d.find_element(By.ID, "report-status").text)
    login(browser, server, "sponsor@demo.sinergi.id")
    browser.get(server + "/portal")
    assert receipt in browser.find_element(By.ID, "report-list").text
    assert "Diterima" in browser.find_element(By.ID, "report-list").text


def choose_village(browser, village):
    """Picks the village by name, level by level, in the region picker of the report form."""
    parts = village.split(".")
    for level, n in (("province", 1), ("regency", 2), ("district", 3), ("village", 4)):
        code = ".".join(parts[:n])
        css = f"#kelurahanCode-{level} option[value='{code}']"
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, css) and d.find_element(By.ID, f"kelurahanCode-{level}").is_enabled())
        select = Select(browser.find_element(By.ID, f"kelurahanCode-{level}"))
        if select.first_selected_option.get_attribute("value") != code:
            select.select_by_value(code)


def fits_the_screen(browser):
    return browser.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_sponsor_reports_an_address_change_on_a_360_px_phone(browser, server):
    """The village is picked by name (here in Bali, not the office's province); no sponsor page scrolls
    sideways at 360 px; the receipt's time is local and its print button works under the CSP."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 780, "deviceScaleFactor": 1, "mobile": True})
    try:
        login(browser, server, "sponsor@demo.sinergi.id")
        browser.get(server + "/portal")
        assert fits_the_screen(browser), "/portal scrolls sideways"
        profile = browser.find_element(By.CSS_SELECTOR, "main a[href^='/sponsors/']").get_attribute("href")
        browser.find_element(By.CSS_SELECTOR, "#portal-foreigners a[href^='/portal/reports/new']").click()
        wait(browser, lambda d: d.find_elements(By.ID, "report-form"))
        assert fits_the_screen(browser), "the report form scrolls sideways"
        Select(browser.find_element(By.ID, "type")).select_by_value("addressChange")
        day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        browser.execute_script("document.getElementById('eventOn').value = arguments[0]", day)
        browser.find_element(By.ID, "address").send_keys("Jl. Danau Tamblingan 12")
        choose_village(browser, "51.71.01.1003")
        browser.find_element(By.ID, "report-submit").click()
        wait(browser, lambda d: d.find_elements(By.ID, "receipt-number"))
        main = browser.find_element(By.TAG_NAME, "main").text
        # The village by its name; its code only as the name's title.
        assert "Sesetan" in main and "51.71.01.1003" not in main and "Laporan terkirim" in main
        assert browser.find_elements(By.CSS_SELECTOR, "main span.place[title='51.71.01.1003']")
        assert re.fullmatch(r"\d{1,2} \w{3} \d{4} \d{2}\.\d{2} WI(B|TA|T)", browser.find_element(By.ID, "submitted-at").text)
        assert fits_the_screen(browser), "the receipt scrolls sideways"
        # The print button (no inline script): /static/ui.js calls window.print().
        browser.execute_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
        browser.find_element(By.CSS_SELECTOR, "button[data-print]").click()
        assert browser.execute_script("return window.__printed") == 1
        for path in ["/portal/tka", profile, "/portal/reports/new"]:
            browser.get(path if path.startswith("http") else server + path)
            assert fits_the_screen(browser), f"{path} scrolls sideways"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

