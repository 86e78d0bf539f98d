"""Real headless Chromium on a phone-sized screen: an officer files a daily report with a photo (its
GPS metadata is removed on the server), the supervisor returns it, the officer fixes it, the supervisor
approves it, and the archive shows both submitted versions."""
import base64
import os
import sqlite3
import struct

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_browser import SHOTS, login, logout
from test_pages import axe_violations


def photo_with_gps(browser, path):
    """A real JPEG drawn by the browser's canvas, with an EXIF segment carrying a GPS position added."""
    data = browser.execute_script("""
        var c = document.createElement('canvas'); c.width = 64; c.height = 48;
        var g = c.getContext('2d'); g.fillStyle = '#0b5394'; g.fillRect(0, 0, 64, 48); g.fillStyle = '#fff'; g.fillRect(8, 8, 20, 20);
        return c.toDataURL('image/jpeg', 0.9).split(',')[1];""")
    jpeg = base64.b64decode(data)
    exif = b"Exif\x00\x00MM GPSLatitude -7.5512 GPSLongitude 112.6243"
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    with open(path, "wb") as f:
        f.write(jpeg[:2] + app1 + jpeg[2:])


def choose_village(browser, village="35.16.05.2010"):
    """Picks the village by name in the region picker, level by level, as an officer does (each list is
    filled from the region look-up when the level above is chosen)."""
    parts = village.split(".")
    for level, n in (("province", 1), ("regency", 2), ("district", 3), ("village", 4)):
        code = ".".join(parts[:n])
        css = f"#kelurahanCode-{level} option[value='{code}']"
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, css) and d.find_element(By.ID, f"kelurahanCode-{level}").is_enabled())
        select = Select(browser.find_element(By.ID, f"kelurahanCode-{level}"))
        if select.first_selected_option.get_attribute("value") != code:
            select.select_by_value(code)


def fill_entry(browser, time_value, finding, note, photo=None, locate=False):
    browser.execute_script("document.getElementById('time').value = arguments[0]", time_value)
    if locate:
        browser.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["geolocation"]})
        browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": -7.5512, "longitude": 112.6243, "accuracy": 20})
        browser.find_element(By.ID, "use-location").click()
        WebDriverWait(browser, 10).until(lambda d: "-7.551" in d.find_element(By.ID, "location-text").text)
    choose_village(browser)
    browser.find_element(By.CSS_SELECTOR, "#activity option[value='companyVisit']").click()
    browser.find_element(By.CSS_SELECTOR, f"#findingSelect option[value='{finding}']").click()
    browser.find_element(By.ID, "note").send_keys(note)
    if photo:
        browser.find_element(By.ID, "photo").send_keys(photo)
    browser.find_element(By.CSS_SELECTOR, "#entry-form .actions button[type=submit]").click()


def test_report_flow_on_a_phone(browser, server, workdir):
    browser.set_window_size(390, 844)
    try:
        login(browser, server, "officer@demo.sinergi.id")
        browser.get(server + "/daily-reports")
        browser.find_element(By.CSS_SELECTOR, "#new-report-form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "entry-form"))
        report_url = browser.current_url
        path = os.path.join(workdir, "foto-lapangan.jpg")
        photo_with_gps(browser, path)
        fill_entry(browser, "09:30", "workOutsidePermit", "Dua TKA bekerja di bagian produksi, izin untuk jabatan teknisi", photo=path, locate=True)
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#entries img.thumb"))
        assert browser.find_element(By.ID, "flash").text == "Kegiatan tersimpan."      # the confirmation
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, "daily-report-phone.png"))
        browser.find_element(By.ID, "submit-report").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report-status[data-status='submitted']"))
        logout(browser)

        login(browser, server, "supervisor@demo.sinergi.id")
        browser.get(report_url)
        browser.find_element(By.ID, "comment").send_keys("Sebutkan nama perusahaan dan usulan tindak lanjut")
        browser.find_element(By.ID, "return-report").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report-status[data-status='returned']"))
        logout(browser)

        login(browser, server, "officer@demo.sinergi.id")
        browser.get(report_url)
        assert "Sebutkan nama perusahaan" in browser.find_element(By.ID, "report-comment").text
        fill_entry(browser, "10:15", "other", "PT Ngoro Baja; usul pemanggilan penjamin")
        WebDriverWait(browser, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#entries tr.entry")) == 2)
        browser.find_element(By.ID, "submit-report").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report-status[data-status='submitted']"))
        logout(browser)

        login(browser, server, "supervisor@demo.sinergi.id")
        browser.get(report_url)
        browser.find_element(By.ID, "approve-report").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report-status[data-status='approved']"))
        assert browser.find_elements(By.ID, "version-1") and browser.find_elements(By.ID, "version-2")
        assert not browser.find_elements(By.ID, "entry-form")
        # The archive: the supervisor finds it by finding.
        browser.get(server + "/daily-reports?finding=workOutsidePermit")
        assert browser.find_elements(By.CSS_SELECTOR, f"#report-list a[href='{report_url.replace(server, '')}']")
        browser.save_screenshot(os.path.join(SHOTS, "daily-report-approved.png"))
        logout(browser)
    finally:
        browser.set_window_size(1280, 900)
    # The stored photo has no GPS metadata.
    db = os.path.join(workdir, "server.sqlite")
    con = sqlite3.connect(db)
    photos = con.execute("SELECT bytes FROM report_photos").fetchall()
    con.close()
    assert len(photos) == 1
    assert photos[0][0][:2] == b"\xff\xd8" and b"GPSLatitude" not in photos[0][0]
    # The position the officer chose to record is the entry's, not the photo's.
    con = sqlite3.connect(db)
    located = con.execute("SELECT latitude, longitude FROM daily_report_entries WHERE latitude IS NOT NULL").fetchall()
    con.close()
    assert located == [(-7.5512, 112.6243)]


def test_field_work_pages_fit_a_360px_phone(browser, server):
    """No field-work page scrolls sideways on a 360 px phone, for the officer or the supervisor, and axe-core
    finds no critical or serious violation on any of them (the report page with its entry form included)."""
    browser.set_window_size(360, 780)
    try:
        wide = []
        for email, paths in (("officer@demo.sinergi.id", ["/daily-reports", "/daily-reports/summary", "/tasks", "/offline"]),
                             ("supervisor@demo.sinergi.id", ["/daily-reports", "/daily-reports/summary", "/tasks", "/leader", "/leader?days=90"])):
            login(browser, server, email)
            for path in paths:
                browser.get(server + path)
                width = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if width > 0:
                    wide.append(f"{email} {path}: {width}px")
                wide += [f"{email} {path}: axe {v['impact']} {v['id']}" for v in axe_violations(browser)]
            if email.startswith("officer"):
                browser.get(server + "/daily-reports")
                browser.execute_script("document.getElementById('date').value = '2026-11-19'")   # a day no other test files
                browser.find_element(By.CSS_SELECTOR, "#new-report-form button[type=submit]").click()
                WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "entry-form"))
                width = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if width > 0:
                    wide.append(f"{email} report page: {width}px")
                wide += [f"{email} report page: axe {v['impact']} {v['id']}" for v in axe_violations(browser)]
            logout(browser)
        assert not wide, wide
    finally:
        browser.set_window_size(1280, 900)
