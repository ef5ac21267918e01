"""Open every page of the built book in headless Chromium and check what a reader would see.

Needs the HTML book (`make book`) and Debian's `chromium` and `chromium-driver`. Outside CI, a
missing browser or book skips these tests with a message; with CI=true they must run.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOT = ROOT / "_build" / "ledger.png"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

pytestmark = pytest.mark.browser


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser check must run)")
    pytest.skip(reason)


def _pages() -> list[str]:
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not p.relative_to(HTML).parts[0].startswith("_")
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser that drops a connection it no longer needs is not a failure


@pytest.fixture(scope="module")
def site():
    """The built book served on a free loopback port."""
    if not (HTML / "index.html").is_file():
        _unavailable(f"no built book at {HTML}: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        _unavailable("headless Chromium not found: apt-get install chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed: run the check through `make test`")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


# Waits for MathJax (when the page loads it) to finish typesetting, then reports what a reader
# would notice: untypeset TeX, MathJax errors, broken images, error outputs.
_INSPECT = """
const done = arguments[arguments.length - 1];
function report(mathjaxError) {
  const visible = document.body.cloneNode(true);
  visible.querySelectorAll('pre, code, script, style, textarea, .highlight')
    .forEach(e => e.remove());
  const text = visible.textContent;
  return {
    mathjaxError: mathjaxError || null,
    mathjax: !!(window.MathJax && window.MathJax.version),
    mathNodes: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    rawTex: ['$$', '\\\\(', '\\\\[', '\\\\begin{'].filter(s => text.includes(s)),
    brokenImages: Array.from(document.images)
      .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src),
    images: document.images.length,
    errorOutputs: Array.from(
        document.querySelectorAll('.cell_output .traceback, .cell_output .error'))
      .map(e => e.textContent.slice(0, 200)),
    tracebacks: Array.from(document.querySelectorAll('.cell_output'))
      .filter(e => e.textContent.includes('Traceback (most recent call last)')).length,
    downloads: Array.from(document.querySelectorAll('.dropdown-download-buttons a[href]'))
      .map(a => a.href),
    launches: Array.from(document.querySelectorAll('.dropdown-launch-buttons a[href]'))
      .map(a => a.href),
  };
}
if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
  window.MathJax.startup.promise.then(() => done(report())).catch(e => done(report(String(e))));
} else {
  done(report());
}
"""


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_every_page_renders(site, browser):
    pages = _pages()
    assert "index.html" in pages and "chapters/ledger.html" in pages
    problems, typeset_pages = [], 0
    for page in pages:
        browser.get(site + page)
        r = browser.execute_async_script(_INSPECT)
        where = f"{page}:"
        if r["mathjaxError"]:
            problems.append(f"{where} MathJax failed: {r['mathjaxError']}")
        if r["mathNodes"] and not (r["mathjax"] and r["typeset"]):
            problems.append(f"{where} {r['mathNodes']} math nodes but MathJax did not typeset")
        if r["mathErrors"]:
            problems.append(f"{where} {r['mathErrors']} MathJax error(s)")
        if r["rawTex"]:
            problems.append(f"{where} raw TeX left in the text: {r['rawTex']}")
        if r["brokenImages"]:
            problems.append(f"{where} images that did not load: {r['brokenImages']}")
        if r["errorOutputs"] or r["tracebacks"]:
            problems.append(f"{where} error output in a cell: {r['errorOutputs'][:2]}")
        for link in r["downloads"]:
            if link.startswith(site) and _status(link) != 200:
                problems.append(f"{where} download link {link} is broken")
        for link in r["launches"]:
            if ".ipynb" not in link or ".md" in link:
                problems.append(f"{where} launch link {link} does not open an .ipynb")
        typeset_pages += bool(r["typeset"])
    assert not problems, "\n".join(problems)
    assert typeset_pages >= 1, "no page typeset any mathematics: is MathJax loading at all?"


def test_chapter_offers_notebook_and_markdown(site, browser):
    browser.get(site + "chapters/front/how-claims-are-checked.html")
    r = browser.execute_async_script(_INSPECT)
    suffixes = {Path(link).suffix for link in r["downloads"]}
    assert {".ipynb", ".md"} <= suffixes, r["downloads"]
    assert r["launches"], "an executed chapter should have launch buttons"
    assert r["images"] >= 2 and not r["brokenImages"]


def test_ledger_page_screenshot(site, browser):
    browser.get(site + "chapters/ledger.html")
    browser.execute_async_script(_INSPECT)  # waits for MathJax
    rows = browser.find_elements(
        "css selector", ".rederived-generated table tbody tr, table tbody tr"
    )
    assert rows, "the ledger table has no rows"
    rules = browser.find_elements("css selector", ".rederived-rule")
    assert len(rules) == len(rows), "every ledger row shows the rule its verdict came from"
    assert all(r.text.startswith("reproduced if") for r in rules)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(max(height, 1000), 6000))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
