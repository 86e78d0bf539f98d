"""Real headless Chromium, as people use the pages: a citizen who knows only the village's name files a public
report (with JavaScript, by keyboard, and without JavaScript, step by step); every page of every role fits a
360 px phone without scrolling sideways; axe-core finds no critical or serious accessibility violation."""
import os
import shutil
import struct
import zlib
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PASSWORD
from test_browser import login, menu_is_open, open_menu

ROLES = ["admin", "supervisor", "officer", "agency", "sponsor"]
SKIP = ("/logout", "/lang/", "/static/", "/manifest", "/sw.js", "/template/", "/photo", "/csv", "/api/")
PAGES_PER_ROLE = int(os.environ.get("SINERGI_PAGES_PER_ROLE", "30"))


def local_now_input():
    """A moment an hour ago in WIB, as a datetime-local input holds it."""
    return (datetime.now(timezone(timedelta(hours=7))) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def set_value(driver, element_id, value):
    driver.execute_script("document.getElementById(arguments[0]).value = arguments[1]", element_id, value)


def test_a_citizen_reports_knowing_only_the_village_name(browser, server):
    browser.delete_all_cookies()
    browser.get(server + "/lapor")
    browser.find_element(By.ID, "description").send_keys("Orang asing bekerja di gudang tanpa pemberitahuan ke RT")
    search = browser.find_element(By.ID, "kelurahanCode-search")
    assert search.is_displayed(), "the search box appears when JavaScript runs"
    search.send_keys("ngoro mojokerto")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#kelurahanCode-results li"))
    first = browser.find_element(By.CSS_SELECTOR, "#kelurahanCode-results li")
    assert "Kabupaten Mojokerto" in first.text
    search.send_keys(Keys.ARROW_DOWN)
    search.send_keys(Keys.ENTER)
    # Read by script: the lists are refilled while the choice settles, so an element read could go stale.
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.getElementById('kelurahanCode-village').value") != "")
    village = Select(browser.find_element(By.ID, "kelurahanCode-village")).first_selected_option
    assert village.text == "Ngoro" and village.get_attribute("value") == "35.16.05.2010"
    assert Select(browser.find_element(By.ID, "kelurahanCode-district")).first_selected_option.text == "Ngoro"
    set_value(browser, "seenAt", local_now_input())
    browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]:not([name])").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "tracking-code") or d.find_elements(By.ID, "report-form-error"))
    assert browser.find_elements(By.ID, "tracking-code"), browser.find_element(By.TAG_NAME, "main").text


def test_a_wrong_entry_keeps_the_input_and_names_the_field_in_indonesian(browser, server):
    browser.delete_all_cookies()
    browser.get(server + "/lapor")
    browser.find_element(By.ID, "description").send_keys("Terlalu")   # too short
    set_value(browser, "seenAt", local_now_input())
    browser.find_element(By.ID, "contact").send_keys("0812 3456 7890")
    browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]:not([name])").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "description-error"))
    assert "Apa yang Anda lihat?" in browser.find_element(By.ID, "description-error").text or "10 sampai 2000" in browser.find_element(By.ID, "description-error").text
    assert browser.find_element(By.ID, "description").get_attribute("value") == "Terlalu"
    assert browser.find_element(By.ID, "contact").get_attribute("value") == "0812 3456 7890"
    assert browser.find_element(By.ID, "description").get_attribute("aria-invalid") == "true"


def png_file(path):
    """A small real PNG (4 × 4, one colour), as a phone camera's file would be chosen."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x20\x60\xa0" * 4 for _ in range(4))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def test_a_report_with_a_photo_from_a_phone_goes_through_the_upload_check(browser, server, tmp_path):
    """The browser's own multipart body passes the check every upload now goes through (a malformed one is refused
    before the parser, which used to stop the server): at 360 px, in Indonesian, a wrong entry with a photo chosen
    names the field and keeps the text; chosen again, the photo arrives with the report."""
    photo = png_file(str(tmp_path / "foto.png"))
    browser.delete_all_cookies()
    browser.set_window_size(360, 780)
    try:
        browser.get(server + "/lapor")
        browser.find_element(By.ID, "description").send_keys("Pendek")   # too short
        set_value(browser, "seenAt", local_now_input())
        browser.find_element(By.ID, "photo").send_keys(photo)
        browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]:not([name])").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "description-error"))
        error = browser.find_element(By.ID, "description-error").text
        assert "10" in error and "2000" in error and "characters" not in error, error
        assert browser.find_element(By.ID, "description").get_attribute("value") == "Pendek"
        description = browser.find_element(By.ID, "description")
        description.clear()
        description.send_keys("Orang asing memotret kawasan industri dari mobil tanpa pelat")
        search = browser.find_element(By.ID, "kelurahanCode-search")
        search.send_keys("ngoro mojokerto")
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#kelurahanCode-results li"))
        search.send_keys(Keys.ARROW_DOWN)
        search.send_keys(Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.getElementById('kelurahanCode-village').value") != "")
        set_value(browser, "seenAt", local_now_input())
        browser.find_element(By.ID, "photo").send_keys(photo)   # a browser never keeps a chosen file across a page
        browser.execute_script("window.sinergiOldPage = true")  # the error page's own .field-error must not end the wait
        browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]:not([name])").click()
        WebDriverWait(browser, 10).until(lambda d: not d.execute_script("return window.sinergiOldPage === true")
                                         and (d.find_elements(By.ID, "tracking-code") or d.find_elements(By.CSS_SELECTOR, ".field-error, .alert")))
        assert browser.find_elements(By.ID, "tracking-code"), browser.find_element(By.TAG_NAME, "main").text
        code = browser.find_element(By.ID, "tracking-code").text
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling at 360 px"
        # The officers' list shows the photo with the report, and it is the picture sent (re-encoded without metadata).
        login(browser, server, "officer@demo.sinergi.id")
        browser.get(server + "/public-reports")
        row = next(tr for tr in browser.find_elements(By.CSS_SELECTOR, "tr") if code in tr.text)
        thumb = row.find_element(By.CSS_SELECTOR, "img.thumb")
        WebDriverWait(browser, 10).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", thumb) == 4)
    finally:
        browser.set_window_size(1280, 900)


@pytest.fixture()
def no_js_browser():
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=390,844", "--lang=id"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "id", "profile.managed_default_content_settings.javascript": 2})
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def tiny_png(path):
    """A valid 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_without_javascript_the_picker_steps_through_plain_selects(no_js_browser, server, tmp_path):
    d = no_js_browser
    d.get(server + "/lapor")
    assert not d.find_element(By.ID, "kelurahanCode-search").is_displayed()
    d.find_element(By.ID, "description").send_keys("Orang asing memotret kawasan industri dari jalan")
    photo = str(tmp_path / "foto.png")
    tiny_png(photo)
    d.find_element(By.ID, "photo").send_keys(photo)
    following = {"province": "regency", "regency": "district", "district": "village"}
    for level, name in [("province", "Jawa Timur"), ("regency", "Kabupaten Mojokerto"), ("district", "Ngoro")]:
        select = Select(d.find_element(By.ID, f"kelurahanCode-{level}"))
        select.select_by_visible_text(name)
        code = select.first_selected_option.get_attribute("value")
        old_page = d.find_element(By.TAG_NAME, "html")
        d.find_element(By.CSS_SELECTOR, "button[name=_picker]").click()
        # The form is posted back (multipart, as the photo field makes it) and comes back with the choice made.
        WebDriverWait(d, 10).until(lambda x: EC.staleness_of(old_page)(x) and x.execute_script("return document.readyState") == "complete")
        assert Select(d.find_element(By.ID, f"kelurahanCode-{level}")).first_selected_option.get_attribute("value") == code
        # What was typed survives each step, and none of it (nor the form's token) went into the address.
        assert d.find_element(By.ID, "description").get_attribute("value").startswith("Orang asing memotret")
        assert "?" not in d.current_url and "memotret" not in d.current_url, d.current_url
        # The cursor is on the list to choose from next, so the page opens there, not at its top.
        assert d.switch_to.active_element.get_attribute("id") == f"kelurahanCode-{following[level]}"
        if level == "province":
            # A chosen photo cannot come back into the page: the form says to choose it again.
            assert "pilih lagi" in d.find_element(By.ID, "photo-hint").text
    Select(d.find_element(By.ID, "kelurahanCode-village")).select_by_visible_text("Ngoro")
    # The page runs no script; the test driver sets the date-time field as the browser's own date picker would.
    set_value(d, "seenAt", local_now_input())
    d.find_element(By.CSS_SELECTOR, "#report-form p.actions button[type=submit]").click()
    WebDriverWait(d, 10).until(lambda x: x.find_elements(By.ID, "tracking-code") or x.find_elements(By.ID, "report-form-error"))
    assert d.find_elements(By.ID, "tracking-code"), d.find_element(By.TAG_NAME, "main").text


def crawl(driver, base, limit):
    """Pages reachable by the links on them, starting at the dashboard."""
    queue, seen = [base + "/"], []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        driver.get(url)
        seen.append(url)
        yield url
        for a in driver.find_elements(By.CSS_SELECTOR, "main a[href], header a[href]"):
            href = a.get_attribute("href") or ""
            if not href.startswith(base) or any(s in href for s in SKIP) or "#" in href:
                continue
            if href not in seen and href not in queue:
                queue.append(href)


AXE = None


def axe_violations(driver):
    """Critical and serious violations by axe-core (shipped by the PyPI package axe-selenium-python)."""
    global AXE
    if AXE is None:
        import axe_selenium_python
        path = os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js")
        AXE = open(path, encoding="utf-8").read()
    driver.execute_script(AXE)
    result = driver.execute_async_script("var done = arguments[0]; axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations); });")
    return [v for v in result if v.get("impact") in ("critical", "serious")]


@pytest.mark.parametrize("role", [None] + ROLES)
def test_every_page_fits_a_phone_and_passes_axe(browser, server, role):
    browser.set_window_size(360, 800)
    problems = []
    try:
        if role:
            login(browser, server, f"{role}@demo.sinergi.id")
            urls = crawl(browser, server, PAGES_PER_ROLE)
        else:
            browser.delete_all_cookies()
            urls = iter_public(browser, server)
        count = 0
        for url in urls:
            count += 1
            path = urlparse(url).path
            wide = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if wide[0] > wide[1] + 1:
                problems.append(f"{path}: {wide[0]} px wide on a {wide[1]} px screen")
            for v in axe_violations(browser):
                targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:3]
                problems.append(f"{path}: axe {v['impact']} {v['id']} at {targets}")
        assert count >= (3 if role is None else 4), f"only {count} pages visited"
    finally:
        browser.set_window_size(1280, 900)
    assert not problems, "\n".join(problems[:60])


def iter_public(driver, base):
    for path in ("/login", "/lapor", "/lapor/status"):
        driver.get(base + path)
        yield base + path


def press(driver, by, selector, *keys):
    """Sends keys to an element, finding it again if the page's script replaced it meanwhile."""
    def attempt(d):
        d.find_element(by, selector).send_keys(*keys)
        return True
    WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException, WebDriverException)).until(attempt)


def test_the_staff_header_is_one_line_on_a_phone_and_its_menu_works_by_keyboard(browser, server):
    """At 360 px the header is one line, the brand and a "Menu" button (it took some 200 px); the menu opens by keyboard,
    the focus goes on into it and is seen, every control in it is a finger's size, Esc closes it, and its links and
    groups work. At 800 px too the header is one line; at 1280 px the navigation stands in the header as before, without the button."""
    browser.set_window_size(360, 800)
    try:
        login(browser, server, "supervisor@demo.sinergi.id")
        browser.get(server + "/foreigners")
        height = browser.execute_script("return document.querySelector('header.top').getBoundingClientRect().height")
        assert height <= 64, height
        assert not browser.find_element(By.CSS_SELECTOR, "#site-menu nav").is_displayed()
        toggle = browser.find_element(By.CSS_SELECTOR, "button.menu-toggle")
        assert toggle.text.startswith("Menu") and toggle.size["height"] >= 44 and toggle.size["width"] >= 44
        toggle.send_keys(Keys.ENTER)
        WebDriverWait(browser, 5).until(menu_is_open)
        ActionChains(browser).send_keys(Keys.TAB).perform()
        assert browser.execute_script("return document.getElementById('site-menu').contains(document.activeElement)")
        assert browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle") != "none"
        controls = "Array.from(document.querySelectorAll('#site-menu a, #site-menu summary, #site-menu button')).filter(e => e.offsetParent)"
        heights = browser.execute_script(f"return {controls}.map(e => e.getBoundingClientRect().height)")
        assert len(heights) >= 6 and min(heights) >= 44, heights
        ActionChains(browser).send_keys(Keys.ESCAPE).perform()
        WebDriverWait(browser, 5).until(lambda d: not menu_is_open(d))
        # A group's link, through the menu: the group opens in place, its links a finger's size too.
        open_menu(browser)
        link = browser.find_element(By.CSS_SELECTOR, "#site-menu details.menu a[href='/sponsors']")
        link.find_element(By.XPATH, "ancestor::details/summary").click()
        heights = browser.execute_script(f"return {controls}.map(e => e.getBoundingClientRect().height)")
        assert min(heights) >= 44, heights
        link.click()
        WebDriverWait(browser, 10).until(lambda d: urlparse(d.current_url).path == "/sponsors")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        # A tablet (800 px): the supervisor's navigation wrapped to three lines there (187 px); it is behind the button too.
        browser.set_window_size(800, 1000)
        browser.get(server + "/foreigners")
        assert browser.find_element(By.CSS_SELECTOR, "button.menu-toggle").is_displayed()
        assert browser.execute_script("return document.querySelector('header.top').getBoundingClientRect().height") <= 64
        browser.set_window_size(1280, 900)
        browser.get(server + "/foreigners")
        assert not browser.find_element(By.CSS_SELECTOR, "button.menu-toggle").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "#site-menu nav").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").is_displayed()
        assert browser.execute_script("return document.querySelector('header.top').getBoundingClientRect().height") < 100
    finally:
        browser.set_window_size(1280, 900)


def test_an_officer_files_a_daily_report_by_keyboard_alone(browser, server):
    """No mouse: every control is reached and worked with keys (send_keys focuses the element as Tab would)."""
    browser.set_window_size(390, 844)
    try:
        browser.delete_all_cookies()
        browser.get(server + "/login")
        browser.find_element(By.ID, "email").send_keys("officer@demo.sinergi.id")
        browser.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: "/login" not in d.current_url)
        browser.get(server + "/daily-reports")
        # A day no other test files a report for (the server is shared by the whole session).
        day = (datetime.now(timezone(timedelta(hours=7))) - timedelta(days=6)).strftime("%Y-%m-%d")
        set_value(browser, "date", day)
        browser.find_element(By.CSS_SELECTOR, "#new-report-form button[type=submit]").send_keys(Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "entry-form"))
        press(browser, By.ID, "time", "10:15")
        press(browser, By.ID, "kelurahanCode-search", "srigading")
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#kelurahanCode-results li"))
        press(browser, By.ID, "kelurahanCode-search", Keys.ARROW_DOWN, Keys.ENTER)
        # Read by script: the lists are refilled while the choice settles, so an element read could go stale.
        WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.getElementById('kelurahanCode-village').value") != "")
        press(browser, By.ID, "activity", "Kunjungan perusahaan")
        press(browser, By.ID, "findingSelect", "Patuh")
        press(browser, By.ID, "note", "Diperiksa tanpa tetikus: dokumen lengkap")
        press(browser, By.CSS_SELECTOR, "#entry-form .actions button[type=submit]", Keys.ENTER)
        # The field app sends the entry and then shows the saved day with it.
        # Read by script: the list is re-rendered while it settles, and a held element can leave the document.
        WebDriverWait(browser, 15).until(lambda d: d.execute_script(
            "var e = document.getElementById('entries'); return !!e && e.textContent.indexOf('Diperiksa tanpa tetikus') >= 0"))
        press(browser, By.ID, "submit-report", Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report-status[data-status='submitted']"))
    finally:
        browser.set_window_size(1280, 900)


def test_the_registry_upkeep_pages_fit_a_phone_and_pass_axe(browser, server):
    """Pages a crawl of 30 may not reach: the sponsors' upkeep and the password pages."""
    browser.set_window_size(360, 800)
    problems = []
    try:
        login(browser, server, "officer@demo.sinergi.id")
        browser.get(server + "/sponsors")
        first = browser.find_element(By.CSS_SELECTOR, "#sponsor-list a").get_attribute("href")
        pages = [server + "/sponsors/new", server + "/sponsor-merges", first, first + "/edit"]
        for url in pages:
            browser.get(url)
            assert "Kesalahan" not in browser.title, url
            wide = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if wide[0] > wide[1] + 1:
                problems.append(f"{url}: {wide[0]} px wide on a {wide[1]} px screen")
            problems += [f"{url}: axe {v['impact']} {v['id']}" for v in axe_violations(browser)]
        browser.delete_all_cookies()
        browser.get(server + "/password/forgot")
        problems += [f"/password/forgot: axe {v['impact']} {v['id']}" for v in axe_violations(browser)]
    finally:
        browser.set_window_size(1280, 900)
    assert not problems, "\n".join(problems)


def test_the_administration_pages_fit_a_phone_and_pass_axe(browser, server):
    """The pages of issue 16 a crawl may not reach: orders, rules, company accounts, an operation's action steps."""
    browser.set_window_size(360, 800)
    problems = []
    try:
        for who, paths in [("supervisor@demo.sinergi.id", ["/orders", "/operations"]), ("admin@demo.sinergi.id", ["/admin/rules", "/admin/offices/new", "/admin/agencies/new", "/admin/permit-types/new"]),
                           ("sponsor@demo.sinergi.id", ["/portal/users", "/portal"])]:
            login(browser, server, who)
            for path in paths:
                browser.get(server + path)
                assert "/login" not in browser.current_url, path
                wide = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                if wide[0] > wide[1] + 1:
                    problems.append(f"{path}: {wide[0]} px wide on a {wide[1]} px screen")
                problems += [f"{path}: axe {v['impact']} {v['id']} at {[', '.join(n.get('target', [])) for n in v.get('nodes', [])][:3]}" for v in axe_violations(browser)]
    finally:
        browser.set_window_size(1280, 900)
    assert not problems, "\n".join(problems)


def test_a_large_office_finds_its_sponsor_in_place(browser, seeded_db, workdir):
    """With more sponsors than a list can show, the search fills the Penjamin list in place: the page does not move
    to another address (nothing typed goes into a URL), what was typed stays, a lone match is chosen, and Enter in
    another field sends the form itself rather than the search."""
    import sqlite3
    import uuid

    from conftest import env_for, free_port, serve
    db = os.path.join(workdir, "many-sponsors.sqlite")
    shutil.copy(seeded_db, db)
    con = sqlite3.connect(db)
    cols = [r[1] for r in con.execute("PRAGMA table_info(sponsors)")]
    model = con.execute("SELECT * FROM sponsors WHERE regency_code = '35.78' LIMIT 1").fetchone()
    for i in range(350):
        row = dict(zip(cols, model))
        row.update(id=str(uuid.uuid4()).upper(), name=f"PT Sumber Rejeki {i:03d}", kind="company", nib=None, npwp=None,
                   sponsor_ref=None, merged_into=None)
        con.execute(f"INSERT INTO sponsors ({','.join(cols)}) VALUES ({','.join('?' for _ in cols)})", [row[c] for c in cols])
    con.commit()
    con.close()
    proc, base = serve(env_for("sqlite://" + db), free_port())
    try:
        login(browser, base, "officer@demo.sinergi.id")
        browser.get(base + "/foreigners/new")
        browser.find_element(By.ID, "familyName").send_keys("Suzuki")
        search = browser.find_element(By.ID, "sponsorId-q")
        search.send_keys("sumber rejeki 123", Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: "cocok" in d.find_element(By.ID, "sponsorId-q-hint").text)
        chosen = Select(browser.find_element(By.ID, "sponsorId")).first_selected_option
        assert chosen.text.startswith("PT Sumber Rejeki 123 · ")      # results carry NIB/NPWP, else the address
        assert "sudah dipilih" in browser.find_element(By.ID, "sponsorId-q-hint").text
        assert browser.current_url == base + "/foreigners/new"
        assert browser.find_element(By.ID, "familyName").get_attribute("value") == "Suzuki"
        # Many matches: the first 50, said so.
        search.clear()
        browser.find_element(By.CSS_SELECTOR, ".picker-search input").send_keys("sumber")
        browser.find_element(By.CSS_SELECTOR, ".picker-search button").click()
        WebDriverWait(browser, 10).until(lambda d: "pertama dari 350" in d.find_element(By.ID, "sponsorId-q-hint").text)
        assert len(Select(browser.find_element(By.ID, "sponsorId")).options) == 51 + 1   # none, the chosen one, 50 matches
        # Enter in another field sends the form: the server's check answers (the rest is not filled in).
        browser.find_element(By.ID, "familyName").send_keys(Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "new-foreigner-error"))
        assert browser.current_url == base + "/foreigners/new"
        assert browser.find_element(By.ID, "familyName").get_attribute("value") == "Suzuki"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
