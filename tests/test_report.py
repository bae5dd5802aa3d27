"""report.html as a person sees it: the demo audit rendered in real Chromium, plus the hostile cases.

The report must be one self-contained file (no request leaves it), readable without colour (a symbol
and a word per status), grouped by element with the worst account first, and it must show page text
as text, never as markup.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

import checks
from auditor.collect.browser import LAUNCH_ARGS, find_chromium
from auditor.models import ITEM_IDS, AccountResult, AuditRun, Evidence, ItemResult, LoadSummary
from auditor.outputs import html_report, results_json
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
    assert row(o, "Fifth District on X")[1:] == ["✘ Non-compliant", "✔ Pass", "✘ Fail", "✔ Pass", "✘ Fail",
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
    o.page.get_by_role("link", name="Fifth District on X", exact=True).click()
    assert o.page.url.endswith("#acct-mpd-5d-x")
    assert o.page.locator("#acct-mpd-5d-x").is_visible()

    # Evidence: the quote, with the matching words highlighted, and where it was found.
    x = o.page.locator("#acct-mpd-x")
    marks = x.locator("mark").all_inner_texts()
    assert "Not monitored 24/7" in marks and any("call 911" in m for m in marks)
    assert "Found in: bio · UserDescription" in x.inner_text()
    mark_bg = x.locator("mark").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert mark_bg not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")

    # For a fail: what to do, and the ready-to-paste text (a pinned post: the bio is nearly full).
    fifth = o.page.locator("#acct-mpd-5d-x").inner_text()
    assert "What to do:" in fifth
    assert "Publish as a new post, pinned to the top of the profile" in fifth
    for item in ("maintained_by", "emergency_contact"):
        assert checks.META[item].example in fifth
    assert "already uses 142" in fifth and "Checked: this text" in fifth

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
    assert styles and all(s.strip().startswith("@media print") for s in styles)
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
