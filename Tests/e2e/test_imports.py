"""Real headless Chromium: an officer uploads an agency list (the upload's progress bar moves),
previews it, imports it, watches the reconciliation finish and decides in the review queue."""
import csv
import os
import shutil
import sqlite3
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import env_for, free_port, serve
from test_browser import SHOTS, count, login, logout
from test_pages import axe_violations


def agency_list(seeded_db, path):
    """Registry foreigners of Kabupaten Mojokerto, written the way an agency would: names in another
    order, dates as DD/MM/YYYY, semicolons; plus people the registry does not know."""
    con = sqlite3.connect(seeded_db)
    rows = con.execute("SELECT given_names, family_name, date_of_birth, passport_number, nationality, sex FROM foreigners "
                       "WHERE regency_code = '35.16' AND passport_number IS NOT NULL ORDER BY full_name").fetchall()
    con.close()
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Nama Lengkap", "Tgl Lahir", "No Paspor", "Kewarganegaraan", "Jenis Kelamin", "Keterangan"])
        for given, family, dob, passport, nat, sex in rows:
            y, m, d = dob.split("-")
            w.writerow([f"{family} {given}", f"{d}/{m}/{y}", passport, nat, {"M": "L", "F": "P"}.get(sex, ""), "pemeriksaan rutin " + "x" * 40])
        for i in range(40):
            w.writerow([f"UNKNOWN PERSON{chr(65 + i % 26)} {i}", "01/01/1980", f"Q{i:08d}", "USA", "L", "tidak terdaftar"])
    return len(rows) + 40


def choose_on_a_slow_uplink(browser, base, path):
    """As the officer: the upload form with a list of persons checked and `path` chosen, on a 24 KB/s uplink (undone by
    the caller with `delete_network_conditions`)."""
    login(browser, base, "officer@demo.sinergi.id")
    browser.get(base + "/imports/new")
    browser.find_element(By.CSS_SELECTOR, "#kind option[value='persons-checked']").click()
    browser.find_element(By.ID, "file").send_keys(path)
    browser.set_network_conditions(offline=False, latency=50, download_throughput=1024 * 1024, upload_throughput=24 * 1024)


def test_upload_with_progress_then_review(browser, server, seeded_db, workdir):
    path = os.path.join(workdir, "razia-ngoro.csv")
    total = agency_list(seeded_db, path)
    # A slow uplink, as in the field, so the upload's progress can be seen moving.
    choose_on_a_slow_uplink(browser, server, path)
    try:
        browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
        seen = set()
        deadline = time.time() + 30
        while time.time() < deadline and "/imports/preview/" not in browser.current_url:
            try:
                v = browser.execute_script("var p = document.getElementById('upload-progress'); return p && !document.getElementById('upload-status').hidden ? p.value : null")
            except Exception:
                v = None
            if v is not None:
                seen.add(int(v))
            time.sleep(0.05)
    finally:
        browser.delete_network_conditions()
    WebDriverWait(browser, 30).until(lambda d: "/imports/preview/" in d.current_url)
    assert any(0 < v < 100 for v in seen), f"progress values seen: {sorted(seen)}"
    # The preview: mapped columns, sample rows, no invalid rows, nothing stored yet.
    assert browser.find_element(By.ID, "import-valid")
    assert browser.find_element(By.CSS_SELECTOR, "#map-name option:checked").text == "Nama Lengkap"
    assert browser.find_element(By.CSS_SELECTOR, "#map-passport_number option:checked").text == "No Paspor"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#preview-rows tbody tr")) == 10
    button = browser.find_element(By.ID, "confirm-import")
    assert f"{total:,}".replace(",", ".") in button.text  # counts grouped as the page's language writes them
    button.click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#import-status[data-status='reconciled']"))
    assert count(browser.find_element(By.ID, "import-rows").text) == total
    matched = count(browser.find_element(By.ID, "count-matched").text)
    unmatched = count(browser.find_element(By.ID, "count-unmatched").text)
    review = count(browser.find_element(By.ID, "count-review").text)
    assert matched + review + unmatched == total
    assert matched >= (total - 40) * 0.95, (matched, review, unmatched)
    assert unmatched >= 38
    os.makedirs(SHOTS, exist_ok=True)
    browser.save_screenshot(os.path.join(SHOTS, "import-reconciled.png"))
    # The review queue: both records side by side a field to a line, each field marked as compared (in words, as the
    # eye sees it: the headings are in capitals), each field's contribution behind a disclosure, a decision.
    browser.find_element(By.CSS_SELECTOR, "a[href$='rows?state=matched']").click()
    first = browser.find_element(By.CSS_SELECTOR, ".review-item")
    assert "DATA INSTANSI" in first.text.upper() and "DATA IMIGRASI" in first.text.upper()
    lines = first.find_elements(By.CSS_SELECTOR, "table.compare tbody tr")
    assert len(lines) >= 4 and all(len(tr.find_elements(By.CSS_SELECTOR, "td")) == 2 for tr in lines)
    assert any(m.text in ("sama", "mirip", "berbeda") for m in first.find_elements(By.CSS_SELECTOR, "table.compare .cmp"))
    assert first.find_elements(By.CSS_SELECTOR, "table.why tr")
    row_id = first.get_attribute("id")
    first.find_element(By.CSS_SELECTOR, "button[data-decision='rejected']").click()
    # The decision is a form post that redirects back to the list: wait until the page it left is gone
    # (the URL alone says nothing — it names the matched list before and after the post).
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(first))
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    # Back at the card after the one decided, which has the keyboard's focus: Tab goes on to its buttons.
    place, focused = browser.execute_script("return [location.hash, document.activeElement && document.activeElement.id]")
    assert place.startswith("#row-") and focused == place[1:], (place, focused)
    # A link within the page to another card moves the focus there too.
    other = [c.get_attribute("id") for c in browser.find_elements(By.CSS_SELECTOR, ".review-item") if c.get_attribute("id") != place[1:]][0]
    browser.execute_script("location.hash = arguments[0]", "#" + other)
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return document.activeElement && document.activeElement.id") == other)
    browser.get(browser.current_url.split("?")[0] + "?state=unmatched")
    rejected = browser.find_element(By.ID, row_id)
    assert "Ditolak petugas" in rejected.text
    browser.save_screenshot(os.path.join(SHOTS, "import-review.png"))
    # Its person searched for by hand: the search comes back at the people found, focused; on a phone, nothing wider
    # than the screen, and nothing axe-core calls serious.
    rejected.find_element(By.CSS_SELECTOR, "a[id^='link-']").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "link-search"))
    browser.set_window_size(390, 844)
    try:
        box = browser.find_element(By.ID, "q")
        assert box.get_attribute("value"), "the search starts from the row's name"
        box.send_keys(Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.activeElement && document.activeElement.id") == "link-results")
        assert browser.find_elements(By.CSS_SELECTOR, "#link-results .link-candidate"), "the rejected row's own name finds people"
        wide = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert wide[0] <= wide[1] + 1, wide
        assert not axe_violations(browser)
        # Each person's fields are marked as they compare with the row's, in words.
        marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#link-results .link-candidate .cmp")]
        assert set(marks) <= {"sama", "mirip", "berbeda", "kosong", "disisihkan (tidak dapat dipakai), tidak dibandingkan"}, marks
        assert set(marks) & {"sama", "mirip", "berbeda"}, "a person found is compared with the row: " + repr(marks)
        searched = browser.current_url
        assert "q=" in searched, searched
        # Chosen, back in the queue; the browser's Back shows the search again, without asking to send a form again.
        # (A person whose fields differ from the row's, or matched to another line already, is asked about first.)
        choose = browser.find_element(By.CSS_SELECTOR, "#link-results .link-candidate button[type=submit]")
        doubt = choose.get_attribute("data-confirm")
        assert choose.get_attribute("aria-label").startswith(choose.text + ": "), "the button names its person"
        choose.click()
        if doubt:
            WebDriverWait(browser, 5).until(expected_conditions.alert_is_present())
            assert browser.switch_to.alert.text == doubt
            browser.switch_to.alert.accept()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".review-item, #flash"))
        browser.back()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "link-search"))
        assert browser.current_url == searched and browser.find_elements(By.CSS_SELECTOR, "#link-results .link-candidate")
    finally:
        browser.set_window_size(1280, 900)
    # The same file again is recognised.
    browser.get(server + "/imports/new")
    browser.find_element(By.CSS_SELECTOR, "#kind option[value='persons-checked']").click()
    browser.find_element(By.ID, "file").send_keys(path)
    browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "confirm-import"))
    browser.find_element(By.ID, "confirm-import").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "import-duplicate"))
    logout(browser)


def test_a_file_over_the_limit_is_refused_before_it_is_sent(browser, seeded_db, workdir):
    """On a server accepting lists up to 1 MB, a 1.5 MB file is refused by the page itself, in Indonesian and
    naming the limit, without minutes of uploading; the form stays as it was and nothing reaches the server."""
    db = os.path.join(workdir, "upload-limit.sqlite")
    shutil.copy(seeded_db, db)
    proc, base = serve(env_for("sqlite://" + db, SINERGI_MAX_UPLOAD_MB="1"), free_port())
    try:
        path = os.path.join(workdir, "terlalu-besar.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("Nama Lengkap;No Paspor;Kewarganegaraan\n")
            for i in range(40_000):
                f.write(f"PERSON NUMBER {i};Q{i:08d};USA\n")
        assert os.path.getsize(path) > 1_048_576
        # At 24 KB/s the file would take a minute to send: the message within seconds shows it was not sent.
        choose_on_a_slow_uplink(browser, base, path)
        try:
            browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
            error = WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "upload-error") if d.find_element(By.ID, "upload-error").is_displayed() else None)
        finally:
            browser.delete_network_conditions()
        assert error.text == "Berkas: lebih besar dari batas 1 MB."
        assert "/imports/new" in browser.current_url
        assert browser.find_element(By.ID, "upload-status").get_attribute("hidden") is not None
        assert browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").is_enabled()
        assert browser.find_element(By.CSS_SELECTOR, "#kind option:checked").get_attribute("value") == "persons-checked"
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, "import-too-large.png"))
        con = sqlite3.connect(db)
        assert con.execute("SELECT COUNT(*) FROM agency_imports").fetchone()[0] == 0
        con.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_list_with_invalid_rows_opens_its_preview_with_the_table(browser, server, workdir):
    """A list that is stored but refused row by row (a row without a name): the page goes on to the preview, whose
    table names each row and what is wrong, instead of keeping only the upload page's one-line summary."""
    path = os.path.join(workdir, "tanpa-nama.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("nama,tanggal_lahir\n,1990-01-01\nC D,1990-01-01\n")
    login(browser, server, "agency@demo.sinergi.id")
    try:
        browser.get(server + "/imports/new")
        browser.find_element(By.ID, "file").send_keys(path)
        browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
        WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "invalid-rows"))
        assert "/imports/preview/" in browser.current_url
        row = browser.find_element(By.CSS_SELECTOR, "#invalid-rows tbody tr").text
        assert "2" in row and "Nama wajib diisi" in row, row
    finally:
        logout(browser)
