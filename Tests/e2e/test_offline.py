"""The field app without network: an entry is kept on the phone (IndexedDB) and says it waits for the
network; retried syncs never make a second entry; an entry the server refuses is shown as rejected with
the server's reason in Indonesian, is corrected in the form and then saved; a report submitted meanwhile
rejects a late entry, which stays on the phone with its reason."""
import os
import sqlite3

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import SHOTS, login, logout
from test_daily_reports import choose_village


def entry_count(workdir, report_id):
    con = sqlite3.connect(os.path.join(workdir, "server.sqlite"))
    n = con.execute("SELECT COUNT(*) FROM daily_report_entries WHERE report_id = ?", (report_id.upper(),)).fetchone()[0]
    con.close()
    return n


def stored_nationalities(workdir, report_id):
    con = sqlite3.connect(os.path.join(workdir, "server.sqlite"))
    rows = [r[0] for r in con.execute("SELECT person_nationality FROM daily_report_entries WHERE report_id = ? AND person_nationality IS NOT NULL",
                                      (report_id.upper(),))]
    con.close()
    return rows


def pending(browser):
    # Read by script: the counter is re-rendered while the phone syncs.
    return int(browser.execute_script("var e = document.getElementById('pending-count'); return e ? e.textContent.trim() : ''") or "0")


def put_on_phone(browser, item):
    browser.execute_async_script("""
        var item = arguments[0], done = arguments[1];
        indexedDB.open('sinergi-field', 1).onsuccess = function (e) {
          var t = e.target.result.transaction('pending', 'readwrite'); t.objectStore('pending').put(item); t.oncomplete = function () { done(); };
        };""", item)


def open_report(browser, server, day):
    browser.get(server + "/daily-reports")
    browser.execute_script("document.getElementById('date').value = arguments[0]", day)
    browser.find_element(By.CSS_SELECTOR, "#new-report-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "entry-form"))
    return browser.find_element(By.ID, "add-entry").get_attribute("data-report")


def test_offline_entry_syncs_once_and_conflicts_are_shown(browser, server, workdir):
    browser.set_window_size(390, 844)
    try:
        login(browser, server, "officer@demo.sinergi.id")
        report_id = open_report(browser, server, "2026-11-25")
        assert browser.execute_script("return !!document.querySelector('link[rel=manifest]')")

        # The form is filled (the village picked by name), then the network drops before it is sent.
        browser.execute_script("document.getElementById('time').value = '08:45'")
        choose_village(browser)
        browser.find_element(By.CSS_SELECTOR, "#activity option[value='lodgingCheck']").click()
        browser.find_element(By.CSS_SELECTOR, "#findingSelect option[value='compliant']").click()
        browser.find_element(By.ID, "note").send_keys("Pemeriksaan penginapan tanpa sinyal")
        browser.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        browser.find_element(By.CSS_SELECTOR, "#entry-form .actions button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "pending-box").is_displayed())
        assert pending(browser) == 1
        waiting = browser.find_element(By.CSS_SELECTOR, "#pending-list li.waiting")
        assert "menunggu jaringan" in waiting.text and "Pemeriksaan penginapan" in waiting.text
        assert not browser.find_elements(By.CSS_SELECTOR, "#pending-list li.rejected")
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, "offline-pending.png"))
        for _ in range(2):                                   # retried while still offline: still waiting, nothing sent
            browser.find_element(By.ID, "sync-now").click()
            WebDriverWait(browser, 5).until(lambda d: pending(d) == 1)
        assert browser.find_elements(By.CSS_SELECTOR, "#pending-list li.waiting")
        assert entry_count(workdir, report_id) == 0
        item = browser.execute_async_script("""
            var done = arguments[0];
            indexedDB.open('sinergi-field', 1).onsuccess = function (e) {
              e.target.result.transaction('pending').objectStore('pending').getAll().onsuccess = function (r) { done(r.target.result[0]); };
            };""")
    finally:
        browser.delete_network_conditions()

    # Back online: the 'online' event (or the button) sends it, and the page shows it.
    browser.execute_script("var b = document.getElementById('sync-now'); if (b) { b.click(); }")
    WebDriverWait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#entries tr.entry")) == 1)
    assert entry_count(workdir, report_id) == 1
    # The answer to a sync is lost and the phone sends the same entry again: still one entry.
    for _ in range(2):
        put_on_phone(browser, item)
        browser.refresh()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "sync-now"))
        browser.execute_script("document.getElementById('sync-now').click()")
        WebDriverWait(browser, 15).until(lambda d: pending(d) == 0)
    assert entry_count(workdir, report_id) == 1

    # Submitted meanwhile: the waiting entry is rejected with the reason, stays on the phone and is shown.
    browser.find_element(By.ID, "submit-report").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report-status[data-status='submitted']"))
    late_id = "6f1c9a52-3d7e-4b8a-9c0d-2e4f6a8b0c1d"
    put_on_phone(browser, dict(item, clientId=late_id, fields=dict(item["fields"], clientId=late_id, time="17:30")))
    browser.refresh()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "sync-now"))
    browser.execute_script("document.getElementById('sync-now').click()")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pending-list li.rejected"))
    rejected = browser.find_element(By.CSS_SELECTOR, "#pending-list li.rejected").text
    assert "DITOLAK" in rejected and "sudah dikirim" in rejected and "menunggu jaringan" not in rejected
    assert pending(browser) == 1 and entry_count(workdir, report_id) == 1
    browser.save_screenshot(os.path.join(SHOTS, "offline-conflict.png"))
    browser.execute_script("window.confirm = function () { return true; }")
    browser.find_element(By.CSS_SELECTOR, "#pending-list li.rejected button.discard").click()
    WebDriverWait(browser, 10).until(lambda d: pending(d) == 0)
    browser.set_window_size(1280, 900)
    logout(browser)


def test_a_rejected_entry_shows_the_reason_and_is_corrected_in_place(browser, server, workdir):
    browser.set_window_size(390, 844)
    try:
        login(browser, server, "officer@demo.sinergi.id")
        report_id = open_report(browser, server, "2026-11-24")
        browser.execute_script("document.getElementById('time').value = '10:20'")
        choose_village(browser)
        browser.find_element(By.ID, "personName").send_keys("JOHN DOE")
        browser.find_element(By.ID, "personNationality").send_keys("XQZ")        # no such country
        browser.find_element(By.ID, "personPassport").send_keys("12")            # too short: both are named at once
        browser.find_element(By.CSS_SELECTOR, "#activity option[value='companyVisit']").click()
        browser.find_element(By.CSS_SELECTOR, "#findingSelect option[value='documentViolation']").click()
        browser.find_element(By.ID, "note").send_keys("Pekerja tanpa dokumen di gudang")
        browser.find_element(By.CSS_SELECTOR, "#entry-form .actions button[type=submit]").click()

        # Refused by the server: shown as rejected with the reason in Indonesian, not as waiting for the network.
        WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pending-list li.rejected"))
        text = browser.find_element(By.CSS_SELECTOR, "#pending-list li.rejected").text
        assert "DITOLAK" in text and "tulis kode negara tiga huruf (seperti AUS atau CHN)" in text and "ISO" not in text, text
        assert "Ngoro" in text and "35.16.05.2010" not in text                    # the village by its name
        assert "menunggu jaringan" not in text
        assert not browser.find_elements(By.CSS_SELECTOR, "#pending-list li.waiting")
        assert pending(browser) == 1 and entry_count(workdir, report_id) == 0
        browser.save_screenshot(os.path.join(SHOTS, "offline-rejected.png"))

        # Corrected in place: the entry goes back into the form, the reason beside its field, and is sent again.
        browser.find_element(By.CSS_SELECTOR, "#pending-list li.rejected button.fix").click()
        WebDriverWait(browser, 5).until(lambda d: d.find_elements(By.ID, "fix-error"))
        nationality = browser.find_element(By.ID, "personNationality")
        assert nationality.get_attribute("value") == "XQZ" and nationality.get_attribute("aria-invalid") == "true"
        assert "tulis kode negara tiga huruf" in browser.find_element(By.ID, "fix-error").text
        field = browser.execute_script("return document.getElementById('fix-error').closest('.field').querySelector('input').id")
        assert field == "personNationality"
        second = browser.execute_script("var e = document.getElementById('fix-error-1'); return e ? [e.closest('.field').querySelector('input').id, e.textContent] : null")
        assert second and second[0] == "personPassport", second
        browser.find_element(By.ID, "personPassport").clear()
        assert browser.find_element(By.ID, "personName").get_attribute("value") == "JOHN DOE"
        assert browser.find_element(By.ID, "kelurahanCode-village").get_attribute("value") == "35.16.05.2010"
        nationality.clear()
        nationality.send_keys("USA")
        browser.find_element(By.CSS_SELECTOR, "#entry-form .actions button[type=submit]").click()
        WebDriverWait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#entries tr.entry")) == 1)
        WebDriverWait(browser, 10).until(lambda d: pending(d) == 0)
        assert entry_count(workdir, report_id) == 1
        assert stored_nationalities(workdir, report_id) == ["USA"]
        assert "JOHN DOE" in browser.find_element(By.ID, "entries").text
    finally:
        browser.set_window_size(1280, 900)
    logout(browser)


def test_an_ended_sign_in_keeps_the_entry_on_the_phone(browser, server, workdir):
    """The sign-in ends while an entry waits: the server answers with the sign-in page, which is neither a
    save nor a network failure; the entry stays on the phone, says why, and is saved after signing in."""
    login(browser, server, "officer@demo.sinergi.id")
    report_id = open_report(browser, server, "2026-11-23")
    client = "0b7e2c1a-5d4f-4e3a-8b9c-1d2e3f4a5b6c"
    fields = {"clientId": client, "time": "07:15", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "compliant", "note": "Patroli pagi"}
    put_on_phone(browser, {"clientId": client, "report": report_id, "fields": fields})
    browser.get(server + "/offline")
    browser.delete_cookie("sinergi_session")
    browser.execute_script("document.getElementById('sync-now').click()")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pending-list li.held"))
    held = browser.find_element(By.CSS_SELECTOR, "#pending-list li.held").text
    assert "masuk kembali" in held and "menunggu jaringan" not in held
    assert pending(browser) == 1 and entry_count(workdir, report_id) == 0
    login(browser, server, "officer@demo.sinergi.id")
    browser.get(server + "/offline")
    browser.execute_script("document.getElementById('sync-now').click()")
    WebDriverWait(browser, 15).until(lambda d: pending(d) == 0)
    assert entry_count(workdir, report_id) == 1
