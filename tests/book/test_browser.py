"""Open every page of the built book in headless Chromium and check what a reader would see.

Needs the HTML book (`make book`) and Debian's `chromium` and `chromium-driver`. Outside CI, a
missing browser or book skips these tests with a message; with CI=true they must run.
"""

from __future__ import annotations

import functools
import os
import threading
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rederived.book.pdf import CUT_WORDS_JS

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SCREENSHOT = ROOT / "_build" / "ledger.png"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

pytestmark = [pytest.mark.browser, pytest.mark.needs_book]


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
def site(built_book):
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
    try:
        import selenium  # noqa: F401
    except ImportError:
        _unavailable("selenium is not installed: run the check through `make test`")
    from rederived.book.pdf import chromium

    try:
        driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
    except RuntimeError as missing:
        _unavailable(str(missing))
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
    // delimiters left standing, and TeX commands in the text (a line of a paragraph that
    // Markdown read as a list item, say, splits a formula and leaves its TeX raw)
    rawTex: ['$$', '\\\\(', '\\\\[', '\\\\begin{'].filter(s => text.includes(s))
      .concat((text.match(/\\\\[A-Za-z]{2,}/g) || []).slice(0, 3)),
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
// MathJax loads deferred: on a page with math, wait (up to 30 s) until its startup promise
// exists, instead of reporting a page whose script has not run yet as untypeset
const started = Date.now();
const STALLED = "MathJax did not finish within 90 s";
function whenReady() {
  // under load the document can still be empty when the script starts: wait for its body
  if (!document.body) {
    if (Date.now() - started < 30000) { setTimeout(whenReady, 100); } else { done(null); }
    return;
  }
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    // a startup that never settles (seen under load) is reported after 90 s, not waited on
    let finished = false;
    const finish = r => { if (!finished) { finished = true; done(r); } };
    setTimeout(() => finish(report(STALLED)), 90000);
    window.MathJax.startup.promise
      .then(() => finish(report()))
      .catch(e => finish(report(String(e))));
  } else if (document.querySelectorAll('.math').length && Date.now() - started < 30000) {
    setTimeout(whenReady, 100);
  } else {
    done(report());
  }
}
whenReady();
"""


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_every_page_renders(site, sweep):
    pages = _pages()
    assert "index.html" in pages and "chapters/ledger.html" in pages
    problems, typeset_pages = [], 0
    for page in pages:
        r = sweep[1400][page]["report"]
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
    r = _inspect(browser, site + "chapters/front/how-claims-are-checked.html")
    suffixes = {Path(link).suffix for link in r["downloads"]}
    assert {".ipynb", ".md"} <= suffixes, r["downloads"]
    assert r["launches"], "an executed chapter should have launch buttons"
    issues = browser.find_elements("css selector", 'a[href*="/issues/new"]')
    assert issues, "every page offers to open an issue about it"
    assert r["images"] >= 2 and not r["brokenImages"]


_STALLED = "MathJax did not finish within 90 s"  # as the inspection script reports it


def _inspect(browser, url: str) -> dict:
    """Load a page and inspect it; a page whose document never got a body (a load that raced
    the test server under load), or whose MathJax startup stalled, is loaded once more before
    it counts as broken."""
    for _ in range(2):
        browser.get(url)
        report = browser.execute_async_script(_INSPECT)
        if report is not None and report["mathjaxError"] != _STALLED:
            return report
    if report is None:
        raise AssertionError(f"{url}: the page never got a document body")
    return report


def _open(browser, url: str, width: int = 1400, dark: bool = False) -> dict:
    """Load a page at a window width (light or dark theme) and wait for MathJax and the
    equation fitting; returns the inspection report."""
    from selenium.common.exceptions import TimeoutException

    browser.set_window_size(width, 1000)
    timed_out = False
    for _ in range(2):  # once more if the document never got a body (see _inspect)
        browser.get(url)
        if dark:
            browser.execute_script(
                "document.documentElement.dataset.theme = 'dark';"
                "document.documentElement.dataset.mode = 'dark';"
            )
        try:
            report = browser.execute_async_script(_INSPECT)
        except TimeoutException:
            # the inspection script itself never returned (its own 90 s stall report did not
            # fire either: a fresh-clone CI run met this once on an idle machine); load the page
            # once more, and fail by name if it happens twice
            report, timed_out = None, True
            continue
        timed_out = False
        if report is not None and report["mathjaxError"] != _STALLED:
            break
    if timed_out:
        raise AssertionError(f"{url}: the inspection script timed out on two loads of the page")
    if report is None:
        raise AssertionError(f"{url}: the page never got a document body")
    browser.execute_script("window.rederivedFitEquations && window.rederivedFitEquations()")
    return report


def _chapter_pages() -> list[str]:
    return [p for p in _pages() if p.startswith("chapters/") and p.count("/") == 2]


@pytest.fixture(scope="module")
def sweep(site, browser):
    """Every page loaded once, inspected at 1400 px and then, resized without reloading, at a
    phone's 400 px, with what each check below reads off it: one pass over the book instead of
    one per check and width (the loads, each waiting for MathJax, were most of the browser tests'
    time; a resize reflows the page as a narrow window would, and the book's script fits the
    equations again). ``sweep[width][page]`` holds the results of the page scripts, and at
    1400 px the inspection report."""
    from rederived.book.pdf import print_loaded

    chapters = set(_chapter_pages())
    printed = set(_reading_order())
    out = {1400: {}, 400: {}}
    for page in _pages():
        wide = {"report": _open(browser, site + page, width=1400)}
        wide["equations"] = browser.execute_script(_EQUATIONS)
        wide["fits"] = browser.execute_script(_FITS)
        if page in chapters:
            wide["aspect"] = browser.execute_script(_ASPECT)
            wide["figures"] = browser.execute_script(_FIGURES)
            wide["text"] = browser.execute_script(_TEXT)
            wide["clipped"] = browser.execute_script(_CLIPPED)
        if page in printed:
            # printed here, laid out as print, for the PDF check: one load for both
            wide["printed"] = print_loaded(browser, page)
        if page in chapters:
            # last at this width: it unfolds the folded cells and solutions, so the phone's
            # checks below see those too
            wide["code"] = browser.execute_script(_CODE)
        out[1400][page] = wide
        browser.set_window_size(400, 1000)
        viewport = browser.execute_script("return window.innerWidth")
        assert 380 <= viewport <= 400, f"{page}: the resize to 400 px gave a {viewport}-px viewport"
        browser.execute_script("window.rederivedFitEquations && window.rederivedFitEquations()")
        narrow = {
            "equations": browser.execute_script(_EQUATIONS),
            "fits": browser.execute_script(_FITS),
        }
        if page in chapters:
            narrow["aspect"] = browser.execute_script(_ASPECT)
        out[400][page] = narrow
    return out


def _reading_order() -> list[str]:
    from rederived.book.pdf import _reading_order as order

    return order(ROOT, HTML)


def test_ledger_page_screenshot(site, browser):
    _open(browser, site + "chapters/ledger.html")
    rows = browser.find_elements("css selector", "table.rederived-table-claims tbody tr")
    assert rows, "the ledger has no claim rows"
    rules = browser.find_elements("css selector", "table.rederived-table-claims .rederived-rule")
    assert len(rules) == len(rows), "every ledger row shows the rule its verdict came from"
    assert all(r.text.startswith("reproduced if") for r in rules)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(max(height, 1000), 6000))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


_LEDGER = """
const claims = Array.from(document.querySelectorAll('table.rederived-table-claims tbody tr'));
const summary = document.querySelector('table.rederived-table-summary');
return {
  claimRows: claims.length,
  firstCells: claims.map(r => r.cells[0].textContent.trim()),
  measured: claims.map(r => r.cells[2].textContent.trim()),
  sources: claims.map(r => r.cells[4].textContent.trim()),
  summaryRows: summary ? Array.from(summary.tBodies[0].rows).map(r => ({
    chapter: r.cells[0].textContent.trim(),
    counts: Array.from(r.cells).slice(2).map(c => c.textContent.trim()),
    links: Array.from(r.cells).slice(2).map(c => !!c.querySelector('a[href]')),
  })) : null,
  exports: Array.from(document.querySelectorAll('a[download]')).map(a => a.href),
};
"""


def test_ledger_front_page(site, browser):
    """Summary in reading order with linked counts, verdict first, units and locators, exports."""
    import csv
    import io
    import json

    _open(browser, site + "chapters/ledger.html")
    r = browser.execute_script(_LEDGER)
    verdicts = ("reproduced", "partly", "not reproduced", "not tested at the paper")
    assert all(any(v in c for v in verdicts) for c in r["firstCells"]), r["firstCells"][:3]
    # every measured value carries a unit or meaning after the number (and the rule below it)
    for text in r["measured"]:
        value_and_unit = text.split("reproduced if")[0].strip()
        assert len(value_and_unit.split()) >= 2, f"measured value without a unit: {text!r}"
    # every source names the paper and a locator in it
    assert all("," in s for s in r["sources"]), [s for s in r["sources"] if "," not in s]
    rows = r["summaryRows"]
    assert rows, "no summary table on the ledger page"
    numbers = [int(row["chapter"].split(".")[0]) for row in rows if row["chapter"][0].isdigit()]
    assert numbers == sorted(numbers) and numbers[0] == 1, f"chapters out of order: {numbers}"
    for row in rows:
        for count, linked in zip(row["counts"], row["links"], strict=True):
            assert linked == (count != "0"), f"{row['chapter']}: count {count} link {linked}"
    totals = sum(int(c) for row in rows for c in row["counts"])
    assert totals == r["claimRows"], "the summary's counts add up to the claims listed"
    by_name = {Path(u).name: u for u in r["exports"]}
    assert set(by_name) == {"ledger.csv", "ledger.json"}, r["exports"]
    with urllib.request.urlopen(by_name["ledger.csv"], timeout=10) as response:
        records = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    with urllib.request.urlopen(by_name["ledger.json"], timeout=10) as response:
        claims = json.loads(response.read().decode("utf-8"))["claims"]
    assert len(records) == len(claims) == r["claimRows"]
    assert [c["claim"] for c in claims] == [row["claim"] for row in records]
    # one verdict field, as the ledger counts it: a claim not run at the paper's scale says so
    # in `verdict` itself (the rule's verdict on what was run is `rule_verdict`)
    kinds = {"reproduced", "partly", "not-reproduced", "not-at-scale"}
    assert {row["verdict"] for row in records} <= kinds
    for row in records:
        assert (row["verdict"] == "not-at-scale") == bool(row["not_at_paper_scale"]), row["claim"]
        assert row["rule_verdict"] in kinds - {"not-at-scale"}


_VISIBLE_VERDICTS = """
const w = window.innerWidth;
return Array.from(document.querySelectorAll('table.rederived-table-claims .rederived-verdict'))
  .map(e => { const b = e.getBoundingClientRect(); return [b.left, b.right, w]; })
  .filter(([l, r, w]) => l < 0 || r > w + 1);
"""


def test_ledger_verdicts_visible_on_a_phone(site, browser):
    _open(browser, site + "chapters/ledger.html", width=400)
    hidden = browser.execute_script(_VISIBLE_VERDICTS)
    assert not hidden, f"{len(hidden)} verdicts outside a 400 px screen: {hidden[:3]}"


_CONTRAST = r"""
function rgb(c) { const m = c.match(/[\d.]+/g).map(Number); return m; }
function lum([r, g, b]) {
  const f = v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function background(e) {
  for (; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0.5) return c.slice(0, 3);
  }
  return [255, 255, 255];
}
return Array.from(document.querySelectorAll(arguments[0])).map(e => {
  const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
  return [e.textContent.trim().slice(0, 30), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
});
"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_verdicts_and_claim_ids_readable(site, browser, dark):
    """WCAG AA contrast (4.5) for verdicts and claim ids, in light and dark mode."""
    for page in ("chapters/ledger.html", "chapters/scaling/chinchilla-refit.html"):
        _open(browser, site + page, dark=dark)
        for selector in (".rederived-verdict", ".rederived-claim code", "td code"):
            poor = [
                (text, round(ratio, 2))
                for text, ratio in browser.execute_script(_CONTRAST, selector)
                if ratio < 4.5
            ]
            assert not poor, f"{page} ({'dark' if dark else 'light'}) {selector}: {poor[:4]}"


_DARK_FIGURES = """
const luminance = colour => {
  const [r, g, b] = colour.match(/[0-9.]+/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
};
let page = document.querySelector('.bd-main') || document.body;
const figures = Array.from(document.querySelectorAll('figure img, .figure img, .cell_output img'))
  .filter(img => img.naturalWidth > 0 && img.getBoundingClientRect().width > 0)
  .map(img => {
    const s = getComputedStyle(img), box = img.getBoundingClientRect();
    const padX = parseFloat(s.paddingLeft) + parseFloat(s.paddingRight);
    const padY = parseFloat(s.paddingTop) + parseFloat(s.paddingBottom);
    return [img.src.split('/').pop(), s.backgroundColor + ' ' + s.filter,
            Math.min(parseFloat(s.paddingLeft), parseFloat(s.paddingTop)),
            ((box.width - padX) / (box.height - padY)) / (img.naturalWidth / img.naturalHeight)];
  });
return [luminance(getComputedStyle(document.body).backgroundColor), figures];
"""


@pytest.mark.parametrize("width", [1400, 400])
def test_figures_framed_in_dark_mode(site, browser, width):
    """In dark mode every figure sits, undimmed, on a white plate with a white margin (a frame
    that reads as intended against the dark page), and the picture keeps its aspect ratio."""
    for page in ("chapters/scaling/four-plus-three-phases.html", "chapters/back/benchmarks.html"):
        _open(browser, site + page, width=width, dark=True)
        page_luminance, figures = browser.execute_script(_DARK_FIGURES)
        assert page_luminance < 0.3, f"{page}: the page is not dark ({page_luminance:.2f})"
        assert figures, f"{page}: no figures found"
        for name, background, padding, ratio in figures:
            assert background == "rgb(255, 255, 255) none", f"{page} {name}: {background}"
            assert padding >= 4, f"{page} {name}: no white margin ({padding} px)"
            assert abs(ratio - 1) < 0.01, f"{page} {name}: aspect ratio off by {ratio - 1:+.3f}"


# A display equation against its own box (a numbered one shares its line with the number):
# what it needs against what it is given, so one that scrolls inside its box counts as too wide.
_EQUATIONS = """
return Array.from(document.querySelectorAll('mjx-container[display="true"]'))
  .filter(box => box.clientWidth > 0)
  .map(box => [Math.max(box.scrollWidth / box.clientWidth,
                        box.getBoundingClientRect().width / box.parentElement.clientWidth),
               Number(box.dataset.rederivedScale || 1), box.textContent.slice(0, 40)]);
"""

REPORT = ROOT / "_build" / "browser-report.json"


def test_display_equations_fit_their_column(sweep):
    """At 1400 px and at 400 px no display equation needs more room than its box (beside its
    number, if it has one) or is wider than its column; an equation is scaled down to fit only
    down to 60 % (below that it must be split by hand)."""
    stats, problems = _measured(sweep, lambda r: r["equations"], "equations", "its column")
    _fit_report("equations", stats)
    assert all(s["equations"] for s in stats.values()), "no display equations found"
    assert not problems, "\n".join(problems)


# Inline formulas (outside tables: a table's own fit covers them) against the width inside the
# nearest block that holds them, and every table against the box that holds it.
_FITS = (
    CUT_WORDS_JS
    + """
const blockOf = e => {
  let b = e.parentElement;
  while (b && getComputedStyle(b).display.startsWith('inline')) b = b.parentElement;
  return b;
};
const room = b => {
  const s = getComputedStyle(b);
  return b.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
};
const inline = Array.from(document.querySelectorAll('main mjx-container:not([display="true"])'))
  .filter(e => e.getBoundingClientRect().width > 0 && !e.closest('table'))
  .map(e => [e.getBoundingClientRect().width / room(blockOf(e)),
             Number(e.dataset.rederivedScale || 1), e.textContent.slice(0, 40)]);
// a table against its column, and each cell against its own box (a card on a phone is as wide
// as its column by construction: what could still overflow is a cell's content)
const over = e => e.scrollWidth / Math.max(e.clientWidth, 1);
const tables = Array.from(document.querySelectorAll('main table'))
  .filter(t => t.getBoundingClientRect().width > 0)
  .map(t => [Math.max(t.getBoundingClientRect().width / t.parentElement.clientWidth,
                      ...Array.from(t.querySelectorAll('td, th')).map(over)),
             t.textContent.replace(/\\s+/g, ' ').slice(0, 40)]);
const broken = rederivedCutWords(document.querySelector('main') || document);
return {inline, tables, broken};
"""
)


def _measured(sweep, select, noun: str, room: str) -> tuple[dict, list[str]]:
    """Per width, how many of the measured things (``select`` picks them from a page's sweep
    results: rows of (need/room ratio, [scale,] text)), the widest ratio and how many are
    scaled down; and those over their room by more than 0.5 %."""
    stats, problems = {}, []
    for width in (1400, 400):
        widest, count, scaled = 0.0, 0, 0
        for page in _pages():
            for ratio, *scale, text in select(sweep[width][page]):
                count += 1
                widest = max(widest, ratio)
                scaled += bool(scale) and scale[0] < 1
                if ratio > 1.005:
                    problems.append(f"{page} at {width} px: {ratio:.2f} × {room}: {text!r}")
        stats[width] = {noun: count, "widest": round(widest, 3), "scaled": scaled}
    return stats, problems


def _fit_report(key: str, stats: dict) -> None:
    import json

    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[key] = stats
    REPORT.write_text(json.dumps(report, indent=1))


def test_inline_formulas_fit_their_line(sweep):
    """At 1400 px and at 400 px no inline formula is wider than the block that holds it (MathJax
    cannot break one across lines: the book scales one down to 80 % at most, and a formula that
    needs more must be set as a display equation)."""
    stats, problems = _measured(sweep, lambda r: r["fits"]["inline"], "formulas", "its line")
    _fit_report("inline formulas", stats)
    assert all(s["formulas"] for s in stats.values()), "no inline formulas found"
    assert not problems, "\n".join(problems)


def test_tables_fit_their_column(sweep):
    """At 1400 px and at 400 px no table is wider than its column, so no measured value or verdict
    hides behind a sideways scroll: long names break, and on a phone the generated tables (a
    chapter's claims, the ledger, the Benchmarks rows) become one card per row."""
    stats, problems = _measured(sweep, lambda r: r["fits"]["tables"], "tables", "its column")
    _fit_report("tables", stats)
    assert all(s["tables"] for s in stats.values()), "no tables found"
    assert not problems, "\n".join(problems)


def test_table_cells_do_not_break_words(sweep):
    """A table fits its column by wrapping at spaces, hyphens and marked places in long names,
    never by cutting a word in two: a column squeezed below its longest word makes "measured"
    read "mea/sured". Checked at 1400 px and on a phone."""
    problems = []
    for width in (1400, 400):
        for page in _pages():
            broken = sweep[width][page]["fits"]["broken"]
            if broken:
                problems.append(f"{page} at {width} px: {len(broken)} words cut: {broken[:4]}")
    assert not problems, "\n".join(problems)


_FIGURES = """
return Array.from(document.querySelectorAll('figure img, .figure img')).map(img => ({
  alt: img.alt, src: img.src, natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
  declared: parseFloat(img.style.width) || Number(img.getAttribute('width')) || img.naturalWidth,
}));
"""


def test_figures_sharp_legible_and_described(sweep):
    """Every chapter figure: its caption as alt text, PNG at 2 pixels per CSS pixel (200 dpi for
    matplotlib's 100), and shown at ≥ 90 % of its size, so 10-point text stays ≥ 9 points."""
    import json

    problems, figures = [], []
    for page in _chapter_pages():
        for fig in sweep[1400][page]["figures"]:
            figures.append(fig)
            name = f"{page}: {Path(fig['src']).name[:12]}"
            if len(fig["alt"]) < 20 or "_images/" in fig["alt"] or fig["alt"].endswith(".png"):
                problems.append(f"{name} alt text is not a description: {fig['alt'][:40]!r}")
            if fig["natural"] < 1.99 * fig["declared"]:
                problems.append(f"{name} is {fig['natural']} px for {fig['declared']} px shown")
            if fig["shown"] < 0.9 * fig["declared"]:
                problems.append(f"{name} shown at {fig['shown'] / fig['declared']:.0%} of its size")
    assert figures, "no figures found"
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report["figures"] = {
        "count": len(figures),
        "pixels_per_css_pixel": round(min(f["natural"] / f["declared"] for f in figures), 2),
        "smallest_shown_fraction": round(min(f["shown"] / f["declared"] for f in figures), 3),
    }
    REPORT.write_text(json.dumps(report, indent=1))
    assert not problems, "\n".join(problems)


_ASPECT = """
return Array.from(document.querySelectorAll('figure img, .figure img, .cell_output img'))
  .filter(img => img.naturalWidth > 0 && img.getBoundingClientRect().width > 0)
  .map(img => {
    const box = img.getBoundingClientRect();
    return [img.src, (box.width / box.height) / (img.naturalWidth / img.naturalHeight)];
  });
"""


def test_figures_keep_their_aspect_ratio(sweep):
    """At 1400 px and on a phone (400 px) every figure and output image is shown with the
    aspect ratio of its PNG (within 1 %): a column narrower than the figure scales it whole."""
    problems, count = [], 0
    for width in (1400, 400):
        for page in _chapter_pages():
            for src, ratio in sweep[width][page]["aspect"]:
                count += 1
                if abs(ratio - 1) > 0.01:
                    problems.append(f"{page} at {width} px: {Path(src).name[:12]} at {ratio:.2f}")
    assert count, "no figures found"
    assert not problems, "\n".join(problems)


_TEXT = """
const visible = document.querySelector('main').cloneNode(true);
visible.querySelectorAll('script, style, .tag_remove-cell').forEach(e => e.remove());
return visible.innerText;
"""


def test_no_test_harness_language_in_chapters(sweep):
    for page in _chapter_pages():
        if "/front/" in page:
            continue  # the front matter explains verification, once
        text = sweep[1400][page]["text"]
        for phrase in ("NBVAL", "nbval", "strict mode", "budget 60 s", "on 2 cores"):
            assert phrase not in text, f"{page} shows {phrase!r} to readers"


def test_code_shown_has_no_glue_calls(site):
    # glue() hands numbers to the prose; the code a reader sees (folded cells too) leaves it
    # out, and the downloadable notebooks keep it
    import html
    import re

    for page in _chapter_pages():
        source = (HTML / page).read_text("utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", source))
        assert "glue(" not in text, f"{page} shows a glue() call"


_CLIPPED = """
return Array.from(document.querySelectorAll('.cell_output pre, .cell_output .output'))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .filter(e => !['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .map(e => e.textContent.slice(0, 60));
"""


_CODE = """
document.querySelectorAll('details').forEach(d => { d.open = true; });
document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
const wide = e => e.scrollWidth > e.clientWidth + 1;
const longest = e => e.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '');
const inputs = Array.from(document.querySelectorAll('.cell_input div.highlight pre'));
const outputs = Array.from(document.querySelectorAll('.cell_output pre'));
return {
  inputs: inputs.length, unshown: inputs.filter(e => e.clientWidth === 0).length,
  scrolling: inputs.filter(wide).map(e => longest(e).slice(0, 60)),
  outputs: outputs.length, outputsScrolling: outputs.filter(wide).length,
};
"""


def test_code_fits_the_column(sweep):
    """At 1400 px no code cell scrolls sideways, folded ones and solutions unfolded (the
    source-side check is tests/book/test_code_width.py). Outputs may scroll (a wide printed
    table keeps its alignment); how many do goes into the browser report."""
    problems, stats = [], {"inputs": 0, "outputs": 0, "outputs scrolling": 0}
    for page in _chapter_pages():
        code = sweep[1400][page]["code"]
        stats["inputs"] += code["inputs"]
        stats["outputs"] += code["outputs"]
        stats["outputs scrolling"] += code["outputsScrolling"]
        assert not code["unshown"], f"{page}: {code['unshown']} code cells still folded"
        problems += [f"{page}: {line!r}" for line in code["scrolling"]]
    _fit_report("code at 1400 px", stats)
    assert stats["inputs"], "no code cells found"
    assert not problems, "code cells that scroll sideways:\n" + "\n".join(problems)


def test_output_lines_scroll_rather_than_clip(sweep):
    for page in _chapter_pages():
        clipped = sweep[1400][page]["clipped"]
        assert not clipped, f"{page}: output cut at the right edge: {clipped[:2]}"


def _images_in(xobjects, seen) -> int:
    """Image XObjects reachable from a page's resources (forms included), each counted once."""
    count = 0
    for ref in (xobjects or {}).values():
        key = getattr(ref, "idnum", None)
        if key is not None and key in seen:
            continue
        seen.add(key)
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            count += 1
        elif obj.get("/Subtype") == "/Form":
            count += _images_in(obj.get("/Resources", {}).get("/XObject"), seen)
    return count


def test_make_pdf_prints_pages_it_loads_itself(browser, tmp_path):
    """`make pdf` itself (build_pdf: its own server, each page loaded laid out as print, then
    printed and joined, with its report), on the first two pages of the reading order and the
    first chapter; the whole book is printed by the check below from the sweep's pages."""
    from rederived.book.pdf import build_pdf

    order = _reading_order()
    first_chapter = next(p for p in order if p.startswith("chapters/") and p.count("/") == 2)
    pages = [*order[:2], first_chapter]
    path, summary = build_pdf(ROOT, tmp_path / "part.pdf", driver=browser, pages=pages)
    reports = summary["pages"]
    assert not summary["problems"], summary["problems"]
    assert [r["page"] for r in reports] == pages and all(r["pdf_pages"] >= 1 for r in reports)
    assert all(r["typeset"] for r in reports if r["mathNodes"])
    assert path.is_file() and path.with_suffix(".json").is_file()


def test_the_whole_book_prints_to_one_pdf(site, sweep, tmp_path):
    """The whole book as one PDF: every page of the table of contents printed offline, in
    reading order, one bookmark each, nothing cut at the printed width, links between pages
    pointing into the PDF (none to the local server), its mathematics typeset (MathJax's fonts
    on every page range with formulas) and each page's figures in its own page range. The
    pages are those the sweep printed right after inspecting them on screen (laid out as
    print); `make pdf`'s own loading is checked above on three pages."""
    from pypdf import PdfReader

    from rederived.book.pdf import PDF_PATH, assemble_pdf

    order = _reading_order()
    pdfs, reports = zip(*(sweep[1400][page]["printed"] for page in order), strict=True)
    path, summary = assemble_pdf(list(pdfs), list(reports), site, tmp_path / PDF_PATH.name)
    reports = summary["pages"]
    problems = list(summary["problems"])
    problems += [
        f"{r['page']}: math not typeset" for r in reports if r["mathNodes"] and not r["typeset"]
    ]
    problems += [
        f"{r['page']}: {r['mathErrors']} MathJax errors" for r in reports if r["mathErrors"]
    ]
    problems += [
        f"{r['page']}: {r['brokenImages']} broken images" for r in reports if r["brokenImages"]
    ]
    assert not problems, problems
    reader = PdfReader(path)
    assert len(reader.pages) == summary["pdf_pages"]
    assert all(r["pdf_pages"] >= 1 for r in reports)
    assert [item.title for item in reader.outline] == [
        r["title"].split(" — ")[0].strip() for r in reports
    ]
    local, internal = [], 0
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if uri.startswith("http://127.0.0.1"):
                local.append(uri)
            internal += "/Dest" in annotation
    assert not local, local[:5]
    assert internal >= summary["links_between_pages"] > 100

    # MathJax's glyphs reach the PDF as its own fonts (MathJax_Main, MathJax_Math, ...): every
    # page whose HTML typeset formulas must print some of them; and every page's figures must
    # be images within its own page range
    def font_names(page) -> set[str]:
        names = set()
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            for name in (
                font.get("/BaseFont"),
                descriptor and descriptor.get_object().get("/FontName"),
            ):
                if name:
                    names.add(str(name).split("+")[-1])
        return names

    start, untypeset, missing_figures = 0, [], []
    for r in reports:
        pages = reader.pages[start : start + r["pdf_pages"]]
        names = set().union(*(font_names(p) for p in pages))
        if r["typeset"] and not any(n.startswith("MathJax_") for n in names):
            untypeset.append(r["page"])
        seen: set = set()
        images = sum(_images_in(p.get("/Resources", {}).get("/XObject"), seen) for p in pages)
        if images < r["figures"]:
            missing_figures.append((r["page"], images, r["figures"]))
        start += r["pdf_pages"]
    assert sum(bool(r["typeset"]) for r in reports) >= 20 and not untypeset, untypeset
    assert sum(r["figures"] for r in reports) >= 50 and not missing_figures, missing_figures
