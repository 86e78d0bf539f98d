"""Real headless Chromium: each role signs in and sees its own dashboard; sign-in and the field look-up
work by keyboard alone, every input has a label, and errors stand beside their field."""
import os

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD


def count(text):
    """A count as a page writes it (1.234 in Indonesian, 1,234 in English)."""
    return int(text.strip().replace(".", "").replace(",", ""))

SHOTS = os.environ.get("SINERGI_SCREENSHOTS", "/tmp/sinergi-screens")


def login(driver, base, email):
    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/login" not in d.current_url or d.find_elements(By.CSS_SELECTOR, ".alert"))


def menu_is_open(driver):
    return driver.execute_script("var m = document.getElementById('site-menu'); return !!m && m.matches(':popover-open')")


def open_menu(driver):
    """On a phone the navigation and the account are behind the header's "Menu" button; wider, they are in sight."""
    toggle = driver.find_elements(By.CSS_SELECTOR, "button.menu-toggle")
    if toggle and toggle[0].is_displayed() and not menu_is_open(driver):
        toggle[0].click()
        WebDriverWait(driver, 5).until(menu_is_open)


def logout(driver):
    open_menu(driver)
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(driver, 10).until(lambda d: "/login" in d.current_url)
    assert "Anda telah keluar" in driver.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize("role,heading", [
    ("admin", "Administrator"), ("supervisor", "Supervisor"), ("officer", "Petugas Imigrasi"),
    ("agency", "Anggota Timpora"), ("sponsor", "Penjamin"),
])
def test_each_role_sees_its_dashboard(browser, server, role, heading):
    login(browser, server, f"{role}@demo.sinergi.id")
    h1 = browser.find_element(By.TAG_NAME, "h1").text
    assert h1 == f"Dasbor · {heading}", h1
    total = count(browser.find_element(By.ID, "stat-total").text)
    assert total > 0
    body = browser.find_element(By.TAG_NAME, "body").text
    if role == "agency":
        assert "jumlah saja" in body
        assert total == 600
        assert not browser.find_elements(By.CSS_SELECTOR, "a[href^='/foreigners']")
    if role == "sponsor":
        assert browser.find_elements(By.CSS_SELECTOR, "a[href^='/foreigners/']")
    if role == "admin":
        assert count(browser.find_element(By.ID, "audit-count").text) > 0
    os.makedirs(SHOTS, exist_ok=True)
    browser.save_screenshot(os.path.join(SHOTS, f"dashboard-{role}.png"))
    logout(browser)


def test_officer_searches_and_opens_a_record_on_a_phone(browser, server):
    browser.set_window_size(390, 844)
    try:
        login(browser, server, "officer@demo.sinergi.id")
        browser.get(server + "/foreigners?status=overstayed")
        rows = browser.find_elements(By.CSS_SELECTOR, "#foreigner-list tbody tr")
        assert rows, "overstayed list is empty"
        assert all("Overstay" in r.text for r in rows)
        rows[0].find_element(By.TAG_NAME, "a").click()
        assert "jejak audit" in browser.find_element(By.TAG_NAME, "body").text
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, "foreigner-phone.png"))
        browser.get(server + "/foreigners?q=zzzz-nothing")
        assert "Tidak ada data" in browser.find_element(By.TAG_NAME, "main").text
        logout(browser)
    finally:
        browser.set_window_size(1280, 900)


def test_wrong_password_and_english(browser, server):
    browser.delete_all_cookies()
    browser.get(server + "/login")
    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in"
    browser.find_element(By.ID, "email").send_keys("officer@demo.sinergi.id")
    browser.find_element(By.ID, "password").send_keys("wrong-password-1")
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "email-error"))
    assert "Wrong email or password" in browser.find_element(By.ID, "email-error").text
    # The e-mail is kept and has the focus; the password is not kept.
    assert browser.find_element(By.ID, "email").get_attribute("value") == "officer@demo.sinergi.id"
    assert browser.switch_to.active_element.get_attribute("id") == "email"
    assert browser.find_element(By.ID, "password").get_attribute("value") == ""
    browser.find_element(By.CSS_SELECTOR, "a.lang").click()


def unlabelled_inputs(driver):
    """Visible inputs, selects and text areas with neither a <label for> nor an aria-label."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll('main input, main select, main textarea'))
          .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
          .filter(e => !(e.id && document.querySelector('label[for="' + e.id + '"]')) && !e.getAttribute('aria-label'))
          .map(e => e.name || e.id);
    """)


def tab_to(driver, element_id, limit=40):
    """Presses Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"#{element_id} is not reachable by Tab")


def test_sign_in_and_look_up_by_keyboard_alone(browser, server):
    browser.delete_all_cookies()
    browser.get(server + "/login")
    assert unlabelled_inputs(browser) == []
    # The e-mail field has the focus at once; Tab leads to the password; Enter signs in.
    assert browser.switch_to.active_element.get_attribute("id") == "email"
    ActionChains(browser).send_keys("officer@demo.sinergi.id", Keys.TAB, PASSWORD, Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "stat-total"))

    browser.get(server + "/foreigners?status=overstayed")
    name = browser.find_element(By.CSS_SELECTOR, "#foreigner-list tbody tr a").text
    browser.get(server + "/lookup")
    assert unlabelled_inputs(browser) == []
    tab_to(browser, "name")
    ActionChains(browser).send_keys(name.lower(), Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".lookup-result, #lookup-empty"))
    assert any(name in c.text for c in browser.find_elements(By.CSS_SELECTOR, ".lookup-result"))
    # The result's link is reachable by Tab and opens the record with Enter.
    link = browser.find_element(By.CSS_SELECTOR, ".lookup-result h2 a")
    for _ in range(40):
        if browser.switch_to.active_element == link:
            break
        ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element == link
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda d: "/foreigners/" in d.current_url)

    # A wrong entry: the message beside the field, which has the focus for the correction.
    browser.get(server + "/lookup")
    tab_to(browser, "passport")
    ActionChains(browser).send_keys("AB", Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "passport-error"))
    assert "minimal 5" in browser.find_element(By.ID, "passport-error").text
    assert browser.switch_to.active_element.get_attribute("id") == "passport"
    assert browser.find_element(By.ID, "passport").get_attribute("value") == "AB"
    logout(browser)


def test_field_lookup_on_a_phone(browser, server):
    browser.set_window_size(390, 844)
    try:
        login(browser, server, "officer@demo.sinergi.id")
        browser.get(server + "/foreigners?status=overstayed")
        name = browser.find_element(By.CSS_SELECTOR, "#foreigner-list tbody tr a").text
        browser.get(server + "/lookup")
        browser.find_element(By.ID, "name").send_keys(name.lower())
        browser.find_element(By.CSS_SELECTOR, "#lookup-form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".lookup-result, #lookup-empty"))
        cards = browser.find_elements(By.CSS_SELECTOR, ".lookup-result")
        assert any(name in c.text for c in cards)
        assert any("Biaya overstay" in c.text for c in cards)
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, "lookup-phone.png"))
        browser.get(server + "/lookup")
        browser.find_element(By.ID, "mrz").send_keys("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408122F1204159ZE184226B<<<<<10")
        browser.find_element(By.CSS_SELECTOR, "#lookup-form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "mrz-error"))
        error = browser.find_element(By.ID, "mrz-error").text
        assert "nomor dokumen" in error and "baris 2" in error, error
        assert "L898902C37" in browser.find_element(By.ID, "mrz").get_attribute("value")
        logout(browser)
    finally:
        browser.set_window_size(1280, 900)


def test_a_date_the_browser_cannot_read_is_said_beside_it(browser, server):
    """A date typed halfway is sent empty by the browser: the page says so beside the field and sends nothing."""
    browser.delete_all_cookies()
    browser.get(server + "/lapor")
    browser.find_element(By.ID, "description").send_keys("Tes tanggal yang belum lengkap")
    seen = browser.find_element(By.ID, "seenAt")
    seen.click()
    seen.send_keys("12")          # the first part typed, the rest not
    assert browser.execute_script("return document.getElementById('seenAt').validity.badInput")
    url = browser.current_url
    browser.find_element(By.CSS_SELECTOR, "#report-form p.actions button[type=submit]").click()
    error = WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "seenAt-error"))[0]
    assert "Tanggal dan jam ini belum lengkap atau tidak ada di kalender" in error.text, error.text   # a date-time field
    assert browser.current_url == url and not browser.find_elements(By.ID, "tracking-code")
    assert browser.execute_script("return document.activeElement.id") == "seenAt"
    assert "seenAt-error" in seen.get_attribute("aria-describedby") and seen.get_attribute("aria-invalid") == "true"
    # The description typed is still there: nothing was sent.
    assert "belum lengkap" in browser.find_element(By.ID, "description").get_attribute("value")


def test_citizen_reports_and_tracks_without_login(browser, server):
    browser.delete_all_cookies()
    browser.get(server + "/lapor")
    assert browser.find_elements(By.ID, "website")            # the honeypot exists …
    assert not browser.find_element(By.ID, "website").is_displayed()   # … but is not visible
    browser.find_element(By.ID, "description").send_keys("Beberapa orang asing bekerja di proyek tanpa tanda pengenal")
    # The village by its name, through the picker's search (Ngoro, Kab. Mojokerto: 35.16.05.2010).
    browser.find_element(By.ID, "kelurahanCode-search").send_keys("Ngoro")
    # The results name places; the official code is in the page but not shown to a citizen.
    WebDriverWait(browser, 10).until(lambda d: any("35.16.05.2010" in li.get_attribute("textContent") for li in d.find_elements(By.CSS_SELECTOR, "#kelurahanCode-results li")))
    option = next(li for li in browser.find_elements(By.CSS_SELECTOR, "#kelurahanCode-results li") if "35.16.05.2010" in li.get_attribute("textContent"))
    assert "Ngoro" in option.text and "35.16.05.2010" not in option.text, option.text
    ActionChains(browser).click(option).perform()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.querySelector('select[name=kelurahanCode]').value") == "35.16.05.2010")
    # A date-time picker's keyboard entry depends on the browser's locale; set the value as the picker would.
    import datetime
    seen = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))) - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    browser.execute_script("document.getElementById('seenAt').value = arguments[0]", seen)
    browser.find_element(By.CSS_SELECTOR, "#report-form p.actions button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "tracking-code") or d.find_elements(By.ID, "report-error"))
    errors = browser.find_elements(By.ID, "report-error")
    assert not errors, errors[0].text if errors else ""
    code = browser.find_element(By.ID, "tracking-code").text
    assert code.startswith("LPR-")
    browser.find_element(By.LINK_TEXT, "Cek status laporan").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "report-status"))
    assert "Diterima" in browser.find_element(By.ID, "report-status").text
