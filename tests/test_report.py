"""report.html as a person sees it: the demo audit rendered in real Chromium, plus the hostile cases.

The report must be one self-contained file (no request leaves it), readable without colour (a symbol
and a word per status), grouped by element with the worst account first, and it must show page text
as text, never as markup.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

import checks
from auditor.collect.browser import LAUNCH_ARGS, find_chromium
from auditor.models import ITEM_IDS, AccountResult, AuditRun, Evidence, ItemResult, LoadSummary
from auditor.outputs import html_report, results_json
from tests import report_runs
from tests.conftest import run_auditor

pytestmark = pytest.mark.browser

HOSTILE_BIO = '<script>window.__pwned = 1</script><img src="http://evil.example/x.png" onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-demo")
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(None, None), args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


class Opened:
    def __init__(self, page: Page, requests: list[str]) -> None:
        self.page, self.requests = page, requests

    def text(self, selector: str) -> str:
        return self.page.locator(selector).inner_text()


def open_report(browser: Browser, path: Path, shot: Path | None = None) -> Opened:
    page = browser.new_page(viewport={"width": 1100, "height": 900}, java_script_enabled=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    if shot:
        page.screenshot(path=str(shot), full_page=True)
    return Opened(page, requests)


def external(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith(("file://", "data:"))]


def row(o: Opened, name: str) -> list[str]:
    cells = o.page.locator("table.grid tr", has=o.page.get_by_role("link", name=name, exact=True)).locator("td")
    return [c.replace("\xa0", " ").strip() for c in cells.all_inner_texts()]


def test_demo_report_as_a_person_sees_it(demo_out: Path, browser: Browser) -> None:
    shot = demo_out / "report.png"
    o = open_report(browser, demo_out / "report.html", shot)
    assert shot.stat().st_size > 50_000  # a full-page screenshot was taken (looked at by hand, see the PR)
    assert external(o.requests) == []

    # Counts: a number, a symbol and a word for each account status.
    counts = " ".join(o.page.locator("table.counts td").all_inner_texts()).replace("\xa0", " ").split()
    assert " ".join(counts) == "2 ✘ Non-compliant 0 ! Unreachable 1 ? Needs review 2 ✔ Compliant"

    # The matrix: account, status, then items a-f, each with a symbol and a word.
    assert row(o, "Fifth District on X")[1:] == ["✘ Non-compliant", "✔ Pass", "? Review", "✔ Pass", "✘ Fail",
                                                 "✔ Pass", "✔ Pass"]
    assert row(o, "MPD on Facebook")[1:] == ["✘ Non-compliant", "✔ Pass", "✔ Pass", "✘ Fail", "✔ Pass", "✔ Pass",
                                             "✔ Pass"]
    assert row(o, "MPD on Instagram")[1:] == ["? Needs review"] + ["? Review"] * 6
    assert row(o, "MPD on X")[1:] == ["✔ Compliant"] + ["✔ Pass"] * 6
    # Colour carries the same information as the word (the fail cell is red-tinted, the pass cell green).
    fail_bg = o.page.locator("table.grid td.fail").first.evaluate("e => getComputedStyle(e).backgroundColor")
    pass_bg = o.page.locator("table.grid td.pass").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert fail_bg != pass_bg

    # Grouped by element, Office of Communications first, worst account first inside a group.
    groups = o.page.locator("div.element-group h2").all_inner_texts()
    assert groups == ["Office of Communications", "Fifth District"]
    order = o.page.locator("table.account").evaluate_all("els => els.map(e => e.id)")
    assert order == ["acct-mpd-facebook", "acct-mpd-instagram", "acct-mpd-x", "acct-mpd-youtube", "acct-mpd-5d-x"]

    # Each matrix row links to its account section, without script.
    o.page.locator("table.grid").get_by_role("link", name="Fifth District on X", exact=True).click()
    assert o.page.url.endswith("#acct-mpd-5d-x")
    assert o.page.locator("#acct-mpd-5d-x").is_visible()

    # Evidence: the quote, with the matching words highlighted, and where it was found.
    x = o.page.locator("#acct-mpd-x")
    marks = x.locator("mark").all_inner_texts()
    assert "Not monitored 24/7" in marks and any("call 911" in m for m in marks)
    assert "Found in: bio · UserDescription" in x.inner_text()
    mark_bg = x.locator("mark").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert mark_bg not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")

    # For a fail: what to do, and the ready-to-paste text (a pinned post: the bio is nearly full), naming
    # the account's own element. The per-item advice names the same place and words as the fix box.
    fifth = o.page.locator("#acct-mpd-5d-x").inner_text()
    fix = o.page.locator("#acct-mpd-5d-x .fix-text").inner_text()
    assert "Maintained by MPD's Fifth District." in fix and checks.META["emergency_contact"].example in fix
    assert "Publish as a new post, pinned to the top of the profile" in fifth
    assert "already uses 142" in fifth and "Checked: this text" in fifth
    todos = o.page.locator("#acct-mpd-5d-x .todo").all_inner_texts()
    assert len(todos) == 2 and all("Publish as a new post, pinned to the top of the profile" in t for t in todos)
    assert not any("bio" in t.lower() for t in todos), todos  # the bio is full: no advice to add to it
    # The action list comes first: each account that needs action, its reason and what to do.
    actions = o.page.locator("table.actions").inner_text()
    # b is a near-miss ("Maintained by 5D command staff"): to check by hand; d is missing
    assert "Fifth District on X" in actions and "to check by hand: b. Says MPD maintains the page" in actions
    assert "MPD on X" not in actions.replace("Fifth District on X", "")

    # For review: why (the login wall), and the screenshot of what the auditor saw.
    insta = o.page.locator("#acct-mpd-instagram")
    assert "Login wall" in insta.locator(".why").inner_text()
    img = insta.locator("img.shot")
    assert img.get_attribute("src", timeout=1000).startswith("data:image/jpeg;base64,")
    assert img.evaluate("e => e.complete && e.naturalWidth") > 300

    # Each item explained once, in the General Order's words, with what is accepted.
    body = o.page.locator("body").inner_text()
    for item in ITEM_IDS:
        assert body.count(checks.META[item].requirement) == 1
        assert checks.META[item].accepts in body
    o.page.close()


def test_demo_report_is_one_self_contained_mail_ready_file(demo_out: Path) -> None:
    html = (demo_out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"""\bsrc=(?!["']?data:)""", html, re.I)  # every image is embedded
    assert not re.search(r"url\(", html, re.I)  # no CSS-loaded resources (fonts, backgrounds)
    assert "@import" not in html and "@font-face" not in html
    # Styles are inlined (mail clients drop <style>); only the print rules stay in a block.
    assert re.search(r'<td[^>]+class="cell fail"[^>]+style="[^"]*background', html)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
    assert styles and all(s.strip().startswith("@media") for s in styles)  # narrow screens and print
    # Order for print: the action list before the matrix and accounts; the item explanations last.
    order = [html.index(f'id="{i}"') for i in ("actions", "acct-mpd-5d-x", "items")]
    assert order == sorted(order)
    assert html.count('id="acct-') == 5
    size = len(html.encode())
    assert size < 400_000, size  # five accounts, five thumbnails


def test_page_text_is_shown_as_text_never_run(tmp_path: Path, browser: Browser) -> None:
    evil = Evidence(quote=HOSTILE_BIO + " In an emergency, call 911.", match="call 911", region="bio",
                    url="javascript:alert(1)", source="UserDescription")
    items = {i: ItemResult(item=i, status="fail", reason=f"Missing {HOSTILE_BIO}") for i in ITEM_IDS}
    items["emergency_contact"] = ItemResult(item="emergency_contact", status="pass", reason="ok", evidence=[evil])
    account = AccountResult(id="evil", name="<b>Bold</b> & <i>name</i>", url="javascript:alert(1)",
                            platform="x", element="<script>el</script>", status="non_compliant", items=items,
                            load=LoadSummary(outcome="ok", final_url="javascript:alert(2)"))
    run = AuditRun(schema_version="1.0", tool_version="t", started_at="2026-01-01T00:00:00+00:00",
                   finished_at="2026-01-01T00:00:05+00:00", duration_s=5, registry="<r>.yaml", policy_id="mpd-dc",
                   policy_name="MPD", counts={"non_compliant": 1, "total": 1}, accounts=[account])
    path = html_report.write(run, tmp_path)
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html and "<img src=\"http" not in html and 'href="javascript' not in html

    o = open_report(browser, path, tmp_path / "evil.png")
    assert o.page.evaluate("window.__pwned") is None
    assert o.page.locator("script").count() == 0 and o.page.locator("b", has_text="Bold").count() == 0
    assert external(o.requests) == []
    section = o.page.locator("#acct-evil").inner_text()
    assert HOSTILE_BIO in section  # the bio shows as the characters it is made of
    assert "<b>Bold</b> & <i>name</i>" in o.text("table.grid")
    assert "<script>el</script>" in o.text("div.element-group h2")
    assert o.page.locator("#acct-evil mark").all_inner_texts() == ["call 911"]
    o.page.close()


def test_fifty_accounts_stay_well_under_ten_megabytes(demo_out: Path, tmp_path: Path) -> None:
    demo = results_json.read(demo_out / "results.json")
    (tmp_path / "screenshots").mkdir()
    accounts = []
    for n in range(50):
        src = demo.accounts[n % len(demo.accounts)]
        shot = f"screenshots/a{n}.jpg"
        shutil.copy(demo_out / str(src.screenshot), tmp_path / shot)
        accounts.append(src.model_copy(update={"id": f"a{n}", "name": f"{src.name} {n}", "screenshot": shot,
                                               "element": f"{['First', 'Second', 'Third'][n % 3]} District"}))
    run = demo.model_copy(update={"accounts": accounts})
    t0 = time.monotonic()
    path = html_report.write(run, tmp_path)
    elapsed = time.monotonic() - t0
    size = path.stat().st_size
    assert size < 4_000_000, size
    assert elapsed < 20, elapsed
    html = path.read_text(encoding="utf-8")
    assert html.count('id="acct-') == 50 and html.count("data:image/jpeg;base64,") == 50
    print(f"50 accounts: {size / 1e6:.2f} MB in {elapsed:.2f} s")


def test_missing_or_escaping_screenshot_paths_are_skipped(demo_out: Path, tmp_path: Path) -> None:
    demo = results_json.read(demo_out / "results.json")
    a = demo.accounts[0].model_copy(update={"screenshot": "../../etc/passwd"})
    b = demo.accounts[1].model_copy(update={"screenshot": "screenshots/none.jpg"})
    html = html_report.render(demo.model_copy(update={"accounts": [a, b]}), tmp_path)
    assert "data:image" not in html and html.count('id="acct-') == 2


@pytest.fixture(scope="module")
def fifty_out(demo_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-fifty")
    report_runs.multiplied(demo_out, out, 50)
    return out


# Screenshots, PDFs and PDF pages of the report, kept to look at (outside the repository).
SHOTS = Path(os.environ.get("AUDITOR_TEST_ARTIFACTS", tempfile.gettempdir())) / "auditor-report-views"


def test_report_reads_at_phone_tablet_and_desktop_widths(demo_out: Path, fifty_out: Path, browser: Browser) -> None:
    SHOTS.mkdir(exist_ok=True)
    for name, out, widths in (("demo", demo_out, (390, 768, 1280)), ("fifty", fifty_out, (390,))):
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((out / "report.html").resolve().as_uri())
            if name == "demo":
                page.screenshot(path=str(SHOTS / f"report-{name}-{width}.png"), full_page=True)
            # The page is as wide as the screen: nothing to pan sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            row = page.locator("table.grid tr:has(a[href^='#acct-mpd-5d-x'])")
            display = row.first.evaluate("e => getComputedStyle(e).display")
            label = page.locator("table.grid .cell-label").first
            fix = page.locator(".fix-text").first
            fix_width = fix.evaluate("e => e.getBoundingClientRect().width")
            if width == 390:  # the matrix is one card per account, each item labelled; the fix box is full width
                assert display == "block" and label.is_visible()
                assert fix_width > 300, fix_width
            else:
                assert display == "table-row" and not label.is_visible()
            # No word of the ready-to-paste text is broken across lines (each line ends at a space).
            text = fix.inner_text()
            lines = fix.evaluate("""e => { const r = document.createRange(); const t = e.firstChild; const out = [];
                let top = null, line = ''; for (let i = 0; i < t.length; i++) { r.setStart(t, i); r.setEnd(t, i + 1);
                const y = r.getBoundingClientRect().top; if (top !== null && y > top + 2) { out.push(line); line = ''; }
                top = y; line += t.data[i]; } out.push(line); return out; }""")
            assert "".join(lines) == text
            assert all(ln.endswith(" ") for ln in lines[:-1]), lines
            page.close()


def _pdf_pages(browser: Browser, report: Path, pdf: Path) -> list[str]:
    page = browser.new_page()
    page.goto(report.resolve().as_uri())
    page.pdf(path=str(pdf), format="Letter", print_background=True)
    page.close()
    doc = pdfium.PdfDocument(str(pdf))
    texts = [doc[i].get_textpage().get_text_bounded().replace("\r\n", "\n") for i in range(len(doc))]
    for i in (0, 1, len(doc) // 2):
        doc[i].render(scale=0.7).to_pil().save(pdf.with_name(f"{pdf.stem}-p{i + 1}.png"))
    doc.close()
    return texts


def _fix_pages_agree(texts: list[str], names: list[str]) -> None:
    """Every fix box is printed on the same page as its account's heading."""
    for name in names:
        fix_pages = [i for i, t in enumerate(texts) if f"What to fix on {name}:" in t]
        assert len(fix_pages) == 1, (name, fix_pages)
        assert f"{name}\nElement" in texts[fix_pages[0]], (name, fix_pages[0])


def test_printed_report_action_list_first_fix_boxes_beside_their_accounts(demo_out: Path, fifty_out: Path,
                                                                          browser: Browser) -> None:
    SHOTS.mkdir(exist_ok=True)
    demo = _pdf_pages(browser, demo_out / "report.html", SHOTS / "report-demo.pdf")
    assert "What to fix, account by account" in demo[0]  # the action list on the first page
    assert "The six items, explained" in demo[-1] and all("The six items, explained" not in t for t in demo[:-1])
    _fix_pages_agree(demo, ["MPD on Facebook", "Fifth District on X"])
    assert len(demo) <= 9, len(demo)
    fifty = _pdf_pages(browser, fifty_out / "report.html", SHOTS / "report-fifty.pdf")
    run = results_json.read(fifty_out / "results.json")
    with_fix = [a.name for a in run.accounts if a.status == "non_compliant"]
    assert len(with_fix) == 20
    _fix_pages_agree(fifty, with_fix)
    assert len(fifty) <= 75, len(fifty)  # 50 accounts; 24 took 52 pages before
    print(f"PDF pages: demo {len(demo)}, 50 accounts {len(fifty)}")
