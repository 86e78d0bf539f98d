"""The admin console end to end (issue 16): the admin creates an office with its jurisdiction picked by name and a
user for it; the user gets the set-password link from a real SMTP server, chooses a password and signs in."""
import os
import re
import shutil

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import env_for, free_port, serve
from test_browser import login


def wait(driver, condition, seconds=10):
    return WebDriverWait(driver, seconds, ignored_exceptions=(WebDriverException,)).until(condition)


def choose(driver, select_id, value):
    """Picks a value in a region list once the list has it (the picker fills the next list by script)."""
    wait(driver, lambda d: d.execute_script(
        "var s = document.getElementById(arguments[0]); return !!s && !s.disabled && Array.from(s.options).some(o => o.value === arguments[1]);",
        select_id, value))
    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def first_option(driver, select_id):
    wait(driver, lambda d: d.execute_script(
        "var s = document.getElementById(arguments[0]); return !!s && !s.disabled && s.options.length > 1;", select_id))
    return driver.execute_script("return document.getElementById(arguments[0]).options[1].value;", select_id)


def start_server(seeded_db, workdir, smtp_port):
    path = os.path.join(workdir, "admin-e2e.sqlite")
    shutil.copy(seeded_db, path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for("sqlite://" + path, SMTP_URL=f"smtp://127.0.0.1:{smtp_port}?starttls=never", SINERGI_SCHEDULER="on",
                  SINERGI_ALERTS_HOUR="23", SINERGI_PUBLIC_URL=base, SINERGI_MAIL_FROM="noreply@sinergi.test")
    return serve(env, port)


def test_admin_creates_an_office_and_its_user_who_signs_in(browser, seeded_db, workdir, smtp_sink):
    proc, base = start_server(seeded_db, workdir, smtp_sink.port)
    try:
        login(browser, base, "admin@demo.sinergi.id")
        browser.get(base + "/admin/offices/new")
        browser.find_element(By.ID, "code").send_keys("KPG")
        browser.find_element(By.ID, "name").send_keys("Kantor Imigrasi Kelas I TPI Kupang")
        # The seat and the jurisdiction are picked by name: Nusa Tenggara Timur → Kota Kupang → …
        choose(browser, "villageCode-province", "53")
        choose(browser, "villageCode-regency", "53.71")
        choose(browser, "villageCode-district", first_option(browser, "villageCode-district"))
        choose(browser, "villageCode-village", first_option(browser, "villageCode-village"))
        choose(browser, "regency-province", "53")
        choose(browser, "regency-regency", "53.71")
        browser.find_element(By.CSS_SELECTOR, "#office-form button[type=submit]:not([name])").click()
        wait(browser, lambda d: "Kantor tersimpan" in d.find_element(By.TAG_NAME, "main").text
             or d.find_elements(By.CSS_SELECTOR, ".field-error, .alert"))
        main = browser.find_element(By.TAG_NAME, "main").text
        assert "Kantor tersimpan" in main, main
        # The jurisdiction by name; its code only as the name's title.
        assert "Kota Kupang" in main and "53.71" not in main
        assert browser.find_elements(By.CSS_SELECTOR, "main li span.place[title='53.71']")

        # The office's page has two forms: sending the regions' while its details hold an unsaved edit asks first.
        name = browser.find_element(By.ID, "name")
        name.send_keys(" (diubah)")
        choose(browser, "regency-province", "53")
        # The province's regencies come by script: wait for them.
        other = wait(browser, lambda d: next((v for v in d.execute_script(
            "var s = document.getElementById('regency-regency'); return s && !s.disabled ? Array.from(s.options).map(o => o.value) : [];")
            if v.startswith("53.") and v != "53.71"), None))
        choose(browser, "regency-regency", other)
        browser.find_element(By.ID, "add-regency-submit").click()
        asked = wait(browser, lambda d: d.switch_to.alert)
        assert "belum disimpan" in asked.text, asked.text
        asked.dismiss()
        assert browser.find_element(By.ID, "name").get_attribute("value").endswith(" (diubah)")
        assert "Wilayah ditambahkan" not in browser.find_element(By.TAG_NAME, "main").text
        browser.find_element(By.ID, "add-regency-submit").click()
        wait(browser, lambda d: d.switch_to.alert).accept()
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"#jurisdiction span.place[title='{other}']"))
        # Sending the form that holds the edit alone asks nothing.
        browser.find_element(By.ID, "name").send_keys(" lagi")
        browser.find_element(By.CSS_SELECTOR, "#office-form button[type=submit]:not([name])").click()
        wait(browser, lambda d: "lagi" in d.find_element(By.TAG_NAME, "h1").text)

        browser.get(base + "/admin/users/new")
        browser.find_element(By.ID, "email").send_keys("petugas@kupang.imigrasi.go.id")
        browser.find_element(By.ID, "name").send_keys("Petugas Kupang")
        Select(browser.find_element(By.ID, "role")).select_by_value("officer")
        Select(browser.find_element(By.ID, "officeCode")).select_by_value("KPG")
        browser.find_element(By.CSS_SELECTOR, "#user-form button[type=submit]").click()
        wait(browser, lambda d: "Akun dibuat" in d.find_element(By.TAG_NAME, "main").text)

        # The link arrives at the mail server at once (not at the scheduler's next round).
        mails = [m for m in smtp_sink.wait_for(1, seconds=20) if "petugas@kupang.imigrasi.go.id" in str(m)]
        assert mails, "no set-password e-mail"
        link = re.search(r"https?://\S+/password/[A-Za-z0-9_-]+", str(mails[0]).replace("\\n", "\n"))
        assert link, mails[0]
        browser.delete_all_cookies()
        browser.get(link.group(0))
        browser.find_element(By.ID, "password").send_keys("kuda-laut-biru-77")
        browser.find_element(By.ID, "confirm").send_keys("kuda-laut-biru-77")
        browser.find_element(By.CSS_SELECTOR, "#password-form button[type=submit]").click()
        wait(browser, lambda d: "/login" in d.current_url)
        assert "Kata sandi tersimpan" in browser.find_element(By.TAG_NAME, "main").text
        browser.find_element(By.ID, "email").send_keys("petugas@kupang.imigrasi.go.id")
        browser.find_element(By.ID, "password").send_keys("kuda-laut-biru-77")
        browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
        wait(browser, lambda d: "/login" not in d.current_url)
        assert "Kupang" in browser.find_element(By.TAG_NAME, "body").text
        # The link worked once.
        browser.get(link.group(0))
        assert "sudah dipakai" in browser.find_element(By.TAG_NAME, "main").text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
