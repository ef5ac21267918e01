"""The whole book as one PDF, printed offline by headless Chromium from the built HTML.

``python -m rederived.book pdf`` (``make pdf``) serves ``_build/html`` on a loopback port, opens
every page of the table of contents in reading order, waits until MathJax has typeset it,
prints it (A4, backgrounds on) and joins the pages into ``_build/pdf/rederived.pdf`` with one
bookmark per page. Nothing is fetched from the network: MathJax and the fonts are served by the
book itself. A JSON report beside the PDF records, per page, the PDF pages it took, the typeset
formulas and the figures, so that a test can hold the PDF to the HTML.

Needs Debian's ``chromium`` and ``chromium-driver`` (as the browser check does), ``selenium``
and ``pypdf``.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rederived.book.chapters import RELEASE, book_order, book_root

__all__ = ["PDF_PATH", "assemble_pdf", "build_pdf", "chromium", "print_loaded", "print_pages"]

#: Where ``make pdf`` writes the book, under the book root; the report is beside it.
PDF_PATH = Path("_build") / "pdf" / "rederived.pdf"

# Words of a table cell cut across two lines (a column squeezed below its longest word): a
# space, hyphen, dash, slash or marked break (<wbr>) is a fair place to break, and mathematics
# is not looked at. Shared with the browser check, which runs it on screen at two widths.
CUT_WORDS_JS = """
function rederivedCutWords(root) {
  const cut = [];
  root.querySelectorAll('table td, table th').forEach(cell => {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      if (node.parentElement.closest('mjx-container')) continue;
      for (const m of node.data.matchAll(/[^\\s\\-–—\\/]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects())
          .filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) cut.push(m[0]);
      }
    }
  });
  return cut;
}
"""

# Waits for MathJax to finish (pages without math: at once), then counts what the print shows.
_READY = (
    CUT_WORDS_JS
    + """
const done = arguments[arguments.length - 1];
const started = Date.now();
function report(error) {
  const text = document.querySelector('main') ? document.querySelector('main').innerText : '';
  done({
    error: error || null,
    title: document.title,
    mathNodes: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    figures: document.querySelectorAll('figure img, .figure img, .cell_output img').length,
    brokenImages: Array.from(document.images)
      .filter(img => !(img.complete && img.naturalWidth > 0)).length,
    characters: text.length,
    // blocks that would be cut at the printed width (code, outputs, tables, equations)
    // blocks that would be cut at the printed width (code, outputs, tables, equations), a
    // table wider than the column that holds it, and words cut inside a table's cells
    overflowing: Array.from(document.querySelectorAll(
      'main pre, main table, main div.math, main mjx-container[display="true"]'))
      .filter(e => e.offsetParent !== null && (e.scrollWidth > e.clientWidth + 2 || (
        e.tagName === 'TABLE'
        && e.getBoundingClientRect().width > e.parentElement.clientWidth + 2)))
      .map(e => e.tagName.toLowerCase() + ': ' + e.textContent.trim().slice(0, 60))
      .concat(rederivedCutWords(document.querySelector('main') || document)
        .map(w => 'word cut in a table: ' + w)),
  });
}
function whenReady() {
  if (!document.body) {
    if (Date.now() - started < 30000) { setTimeout(whenReady, 100); } else { report('no body'); }
    return;
  }
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    let finished = false;
    setTimeout(() => { if (!finished) { finished = true; report('MathJax stalled'); } }, 120000);
    window.MathJax.startup.promise
      .then(() => document.fonts.ready)
      .then(() => { if (!finished) { finished = true; report(); } })
      .catch(e => { if (!finished) { finished = true; report(String(e)); } });
  } else if (document.querySelectorAll('.math').length && Date.now() - started < 30000) {
    setTimeout(whenReady, 100);
  } else {
    document.fonts.ready.then(() => report());
  }
}
whenReady();
"""
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass


def chromium(profile: str | Path, width: int = 1400):
    """A headless Chromium driven by selenium (Debian's ``chromium`` and ``chromium-driver``),
    offline, with generous timeouts (on two shared cores MathJax's startup on the longest pages
    once took more than a minute); RuntimeError, naming what to install, when either is
    missing. The PDF and the browser check both use it."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not browser or not driver_path:
        raise RuntimeError("headless Chromium not found: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
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
        f"--window-size={width},1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(180)
    driver.set_page_load_timeout(120)
    return driver


def _reading_order(root: Path, html: Path) -> list[str]:
    pages = [f"{doc}.html" for doc, _number, _part in book_order(root)]
    missing = [p for p in pages if not (html / p).is_file()]
    if missing:
        raise FileNotFoundError(f"pages missing from {html}: {missing[:3]} (run `make book`)")
    return pages


#: A4 with 1.5 cm margins: the printed column is 18 cm, 680 CSS pixels.
_PAPER_CM, _MARGIN_CM = (21.0, 29.7), 1.5
_COLUMN_PX = round((_PAPER_CM[0] - 2 * _MARGIN_CM) / 2.54 * 96)


def _load(driver, url: str) -> dict:
    """Load a page and wait for MathJax; a stall or a timeout (seen under load) gets one more
    load before it is reported in the page's ``error``."""
    from selenium.common.exceptions import TimeoutException

    report = None
    for _attempt in range(2):
        try:
            driver.get(url)
            report = driver.execute_async_script(_READY)
        except TimeoutException as exc:
            report = {"error": f"timed out: {exc.msg}"}
            continue
        if report["error"] is None:
            break
    return report


def _print_options():
    from selenium.webdriver.common.print_page_options import PrintOptions

    options = PrintOptions()
    options.page_width, options.page_height = _PAPER_CM
    options.margin_top = options.margin_bottom = _MARGIN_CM
    options.margin_left = options.margin_right = _MARGIN_CM
    options.background = True
    return options


def _as_print(driver) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": _COLUMN_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    )


def _as_screen(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def _print_here(driver, page: str) -> tuple[bytes, dict]:
    """Print the loaded page, the print layout already emulated: fit its equations to the
    printed column, wait for MathJax and the fonts, inspect and print."""
    driver.execute_script("window.rederivedFitEquations && window.rederivedFitEquations()")
    report = driver.execute_async_script(_READY)
    report["page"] = page
    report.setdefault("overflowing", [])
    return base64.b64decode(driver.print_page(_print_options())), report


def print_loaded(driver, page: str) -> tuple[bytes, dict]:
    """Print the page the driver has loaded on screen (``page``: its path under the site), laid
    out as print at the printed column's width, and restore the screen layout after. The
    browser check prints each page this way right after inspecting it, so that the book is
    loaded once for both."""
    from selenium.common.exceptions import TimeoutException

    _as_print(driver)
    try:
        return _print_here(driver, page)
    except TimeoutException as exc:  # reported like a page that failed to load (see _load)
        return b"", {"page": page, "error": f"timed out: {exc.msg}", "overflowing": []}
    finally:
        _as_screen(driver)


def print_pages(driver, site: str, pages: list[str]) -> tuple[list[bytes], list[dict]]:
    """Open each page under ``site`` (a URL ending in /) laid out as print at the printed
    column's width, wait for MathJax, print it; return the PDF bytes and the inspection
    report of every page (``error`` None when it loaded and typeset)."""
    pdfs, reports = [], []
    _as_print(driver)
    try:
        for page in pages:
            report = _load(driver, site + page)
            if report.get("error") is not None:  # print what there is, report the failure
                report["page"] = page
                report.setdefault("overflowing", [])
                data = base64.b64decode(driver.print_page(_print_options()))
            else:
                data, report = _print_here(driver, page)
            pdfs.append(data)
            reports.append(report)
    finally:
        _as_screen(driver)
    return pdfs, reports


def _link_pages(writer, origin: str, starts: dict[str, int]) -> int:
    """Turn the printed links to pages of the book (``origin``: the local server's URL) into
    links to the page's first PDF page, and drop links to the server's other files (downloads,
    sources): a PDF read elsewhere must not point at a local server. Returns the links kept."""
    from pypdf.generic import ArrayObject, NameObject

    kept = 0
    for page in writer.pages:
        if "/Annots" not in page:
            continue
        annotations = ArrayObject()
        for ref in page["/Annots"]:
            annotation = ref.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(origin):
                annotations.append(ref)
                continue
            target = uri[len(origin) :].split("#")[0].split("?")[0]
            if target in starts:
                del annotation["/A"]
                annotation[NameObject("/Dest")] = ArrayObject(
                    [writer.pages[starts[target]].indirect_reference, NameObject("/Fit")]
                )
                annotations.append(ref)
                kept += 1
        page[NameObject("/Annots")] = annotations
    return kept


def build_pdf(
    root: str | Path | None = None,
    target: str | Path | None = None,
    driver=None,
    pages: list[str] | None = None,
) -> tuple[Path, dict]:
    """Print the built book (``<root>/_build/html``) into one PDF; return its path and the
    report (also written beside it as ``.json``). ``driver``: a selenium Chromium to use
    (default: one started here and closed after); ``pages``: the pages to print (default:
    every page of the reading order)."""
    root = book_root(root)
    html = root / "_build" / "html"
    target = Path(target) if target is not None else root / PDF_PATH
    pages = _reading_order(root, html) if pages is None else list(pages)
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = ""
    own = driver is None
    profile = tempfile.mkdtemp(prefix="rederived-pdf-") if own else None
    try:
        if own:
            driver = chromium(profile)
        driver.set_window_size(1400, 1000)
        site = f"http://127.0.0.1:{server.server_address[1]}/"
        pdfs, reports = print_pages(driver, site, pages)
    finally:
        if own and driver is not None:
            driver.quit()
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
        server.shutdown()
        server.server_close()
    return assemble_pdf(pdfs, reports, site, target)


def assemble_pdf(
    pdfs: list[bytes], reports: list[dict], site: str, target: str | Path
) -> tuple[Path, dict]:
    """Join printed pages (in reading order, with their reports) into one PDF at ``target``,
    one bookmark per page, links to the book's pages (under ``site``) turned into links
    inside the PDF; write the report beside it as ``.json`` and return both."""
    from pypdf import PdfReader, PdfWriter

    target = Path(target)
    writer, starts = PdfWriter(), {}
    for data, report in zip(pdfs, reports, strict=True):
        start = len(writer.pages)
        starts[report["page"]] = start
        if not data:  # a page that could not be printed: its report carries the error
            report["pdf_pages"] = 0
            continue
        writer.append(PdfReader(io.BytesIO(data)))
        report["pdf_pages"] = len(writer.pages) - start
        title = (report.get("title") or "").split(" — ")[0].strip() or report["page"]
        writer.add_outline_item(title=title, page_number=start)
    links = _link_pages(writer, site, starts)
    writer.add_metadata({"/Title": f"Rederived (release {RELEASE})"})
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        writer.write(handle)
    summary = {
        "release": RELEASE,
        "pages": reports,
        "pdf_pages": sum(r["pdf_pages"] for r in reports),
        "links_between_pages": links,
        "problems": [f"{r['page']}: {r['error']}" for r in reports if r.get("error") is not None]
        + [
            f"{r['page']}: cut at the printed width: {r['overflowing'][:3]}"
            for r in reports
            if r.get("overflowing")
        ],
    }
    target.with_suffix(".json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return target, summary
