"""The web console in a real headless Chromium (Debian's ``chromium`` + ``chromedriver``): what a person sees.

Outside CI the tests skip when chromium is missing (``scripts/ensure-chromium.sh`` installs it); in CI
(``CI=true``) a missing browser is a failure. ``B2KIT_CONSOLE_SCREENSHOT=path`` saves the screenshot the
docs use.
"""

import hashlib
import os
import shutil
import urllib.parse
from pathlib import Path

import pytest
import urllib3

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI") == "true":
        raise RuntimeError("chromium/chromedriver missing in CI: scripts/ensure-chromium.sh installs them")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.xdist_group("chromium")  # one browser at a time on a small machine


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1400,1400",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_text(browser, selector, text, timeout=20):
    WebDriverWait(browser, timeout).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text)
    )


def _visible(browser, selector):
    return browser.find_element(By.CSS_SELECTOR, selector).text  # rendered text: what a person sees


def _open_signed_in(browser, server):
    fragment = urllib.parse.urlencode({"keyId": server.key_id, "key": server.key})
    browser.get(f"{server.realm}/#{fragment}")
    _wait_text(browser, "#buckets", "public-site")


def _click(browser, css, text):
    for element in browser.find_elements(By.CSS_SELECTOR, css):
        if element.text == text:
            element.click()
            return
    raise AssertionError(f"no {css} reading {text!r}")


def test_console_shows_buckets_keys_faults_requests_and_unfinished_files(browser, server, stocked):
    _open_signed_in(browser, server)
    assert browser.current_url == f"{server.realm}/_b2kit/console"  # "/" redirected; the key left the URL
    buckets = _visible(browser, "#buckets")
    assert "photos allPrivate" in buckets and "public-site allPublic" in buckets and "owner=web" in buckets
    keys = _visible(browser, "#keys")
    assert "pets-reader" in keys and "listFiles, readFiles" in keys and "pets/" in keys
    assert stocked.reader_key_id in keys
    faults = _visible(browser, "#faults")
    assert "b2_upload_file error 2 of 2 status=503" in faults
    requests = _visible(browser, "#requests")
    assert "b2_list_file_names" in requests and "400 bad_bucket_id" in requests
    assert "b2_upload_file" in requests and "photos/pets/cat.jpg" in requests
    unfinished = _visible(browser, "#unfinished")
    assert "videos/big.mp4 in photos" in unfinished and "2 part(s)" in unfinished
    assert stocked.part_sha1s[0] in unfinished and stocked.part_sha1s[1] in unfinished
    page = browser.page_source
    assert stocked.reader_key not in page and server.key not in page


def test_console_browses_folders_versions_and_hide_markers(browser, server, stocked, tmp_path):
    _open_signed_in(browser, server)
    _click(browser, "a.bucket", "photos")
    _wait_text(browser, "#files", "readme.txt")
    files = _visible(browser, "#files")
    assert "pets/" in _visible(browser, "#folders")
    assert "readme.txt upload 14 B" in files  # the newest version first...
    assert "readme.txt upload (older version) 5 B" in files  # ...then the older one
    assert "old.txt hide marker" in files
    assert stocked.readme_new["contentSha1"] in files and stocked.readme_new["fileId"] in files
    screenshot = Path(os.environ.get("B2KIT_CONSOLE_SCREENSHOT") or tmp_path / "console.png")
    browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    _click(browser, "a.folder", "▸ pets/")
    _wait_text(browser, "#files tbody", "cat.jpg")
    files = _visible(browser, "#files")
    assert (
        "cat.jpg upload 3.9 KiB" in files and "color=black" in files and stocked.cat["contentSha1"] in files
    )
    assert "dogs/" in _visible(browser, "#folders") and "readme.txt" not in files


def test_console_download_links_use_a_download_authorization(browser, server, stocked):
    _open_signed_in(browser, server)
    _click(browser, "a.bucket", "photos")
    _wait_text(browser, "#files tbody", "readme.txt")
    links = {
        link.find_element(By.XPATH, "../..").find_element(By.CSS_SELECTOR, "td").text: link.get_attribute(
            "href"
        )
        for link in browser.find_elements(By.LINK_TEXT, "download")
    }
    assert set(links) == {
        "readme.txt"
    }  # the newest upload only: no link for the older version or the hide marker
    assert "/file/photos/readme.txt?Authorization=" in links["readme.txt"]
    fetched = urllib3.request("GET", links["readme.txt"], retries=False)
    assert fetched.status == 200 and fetched.data == b"second version"
    assert hashlib.sha1(fetched.data).hexdigest() == stocked.readme_new["contentSha1"]
    granted = [r for r in server.requests() if r.endpoint == "b2_get_download_authorization"]
    assert granted and granted[-1].bucket_name == "photos"


def test_console_asks_for_the_key_and_says_when_it_is_wrong(browser, server, stocked):
    browser.get(f"{server.realm}/_b2kit/console")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{server.realm}/_b2kit/console")
    _wait_text(browser, "#login", "Sign in with the master key")
    assert not browser.find_element(By.ID, "console").is_displayed()
    browser.find_element(By.ID, "login-key-id").send_keys(server.key_id)
    browser.find_element(By.ID, "login-key").send_keys("not-the-key")
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    _wait_text(browser, "#login-error", "Sign-in failed")
    browser.find_element(By.ID, "login-key").clear()
    browser.find_element(By.ID, "login-key").send_keys(server.key)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    _wait_text(browser, "#buckets", "photos")
    assert browser.find_element(By.ID, "console").is_displayed()
