"""The field app without network: an entry is kept on the phone (IndexedDB), retried syncs never make a
second entry, and a conflict (the report was submitted meanwhile) is shown and kept, not dropped."""
import os
import sqlite3

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import SHOTS, login, logout


def entry_count(workdir, report_id):
    con = sqlite3.connect(os.path.join(workdir, "server.sqlite"))
    n = con.execute("SELECT COUNT(*) FROM daily_report_entries WHERE report_id = ?", (report_id.upper(),)).fetchone()[0]
    con.close()
    return n


def pending(browser):
    return int(browser.find_element(By.ID, "pending-count").text or "0")


def test_offline_entry_syncs_once_and_conflicts_are_shown(browser, server, workdir):
    browser.set_window_size(390, 844)
    try:
        login(browser, server, "officer@demo.sinergi.id")
        browser.get(server + "/daily-reports")
        browser.execute_script("document.getElementById('date').value = arguments[0]", "2026-11-25")
        browser.find_element(By.CSS_SELECTOR, "#new-report-form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "entry-form"))
        report_id = browser.find_element(By.ID, "entry-form").get_attribute("data-report")
        assert browser.execute_script("return !!document.querySelector('link[rel=manifest]')")

        browser.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        browser.execute_script("document.getElementById('time').value = '08:45'")
        browser.find_element(By.ID, "kelurahanCode").send_keys("35.16.05.2010")
        browser.find_element(By.CSS_SELECTOR, "#activity option[value='lodgingCheck']").click()
        browser.find_element(By.ID, "note").send_keys("Pemeriksaan penginapan tanpa sinyal")
        browser.find_element(By.CSS_SELECTOR, "#entry-form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "pending-box").is_displayed())
        assert pending(browser) == 1
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, "offline-pending.png"))
        for _ in range(2):                                   # retried while still offline: still waiting, nothing sent
            browser.find_element(By.ID, "sync-now").click()
            WebDriverWait(browser, 5).until(lambda d: pending(d) == 1)
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
        browser.execute_async_script("""
            var item = arguments[0], done = arguments[1];
            indexedDB.open('sinergi-field', 1).onsuccess = function (e) {
              var t = e.target.result.transaction('pending', 'readwrite'); t.objectStore('pending').put(item); t.oncomplete = function () { done(); };
            };""", item)
        browser.refresh()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "sync-now"))
        browser.execute_script("document.getElementById('sync-now').click()")
        WebDriverWait(browser, 15).until(lambda d: pending(d) == 0)
    assert entry_count(workdir, report_id) == 1

    # Submitted meanwhile: the waiting entry gets a conflict, stays on the phone and is shown.
    browser.find_element(By.ID, "submit-report").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report-status[data-status='submitted']"))
    late = dict(item, clientId="6f1c9a52-3d7e-4b8a-9c0d-2e4f6a8b0c1d", fields=dict(item["fields"], clientId="6f1c9a52-3d7e-4b8a-9c0d-2e4f6a8b0c1d", time="17:30"))
    browser.execute_async_script("""
        var item = arguments[0], done = arguments[1];
        indexedDB.open('sinergi-field', 1).onsuccess = function (e) {
          var t = e.target.result.transaction('pending', 'readwrite'); t.objectStore('pending').put(item); t.oncomplete = function () { done(); };
        };""", late)
    browser.refresh()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "sync-now"))
    browser.execute_script("document.getElementById('sync-now').click()")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pending-list li.conflict"))
    assert "submitted" in browser.find_element(By.CSS_SELECTOR, "#pending-list li.conflict").text
    assert pending(browser) == 1 and entry_count(workdir, report_id) == 1
    browser.save_screenshot(os.path.join(SHOTS, "offline-conflict.png"))
    browser.set_window_size(1280, 900)
    logout(browser)
