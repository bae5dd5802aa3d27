"""`auditor serve`: the web console, driven in real Chromium over loopback.

One end-to-end flow on the demo registry (replayed): registry, an audit of everything with a second
one waiting in the queue, live progress to the end, the report, what changed since the run before,
mail to aiosmtpd on loopback, an attestation written back to sites.yaml with its comments kept.
Then cancelling a live audit of slow loopback pages, and the fast checks without a browser.
Screenshots of each page at 390 and 1280 px go to /tmp/console-shots (not the repo).
"""

from __future__ import annotations

import difflib
import email
import email.policy
import io
import json
import re
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect, sync_playwright

from auditor.collect.browser import LAUNCH_ARGS, find_chromium
from auditor.console import attest, jobs
from auditor.console.app import read_registry
from auditor.console.settings import ConsoleSettings
from auditor.errors import InputError
from auditor.outputs.archive import verify as verify_archive
from auditor.policy import load_policy, resolve
from auditor.registry import load_registry
from auditor.runner import build_run, judge, now
from tests.conftest import ROOT, LoopbackSite, load_results, run_auditor, write_registry
from tests.console_support import Client, serve
from tests.test_policy_outputs import _snap

SHOTS = Path("/tmp/console-shots")
ITEMS = load_policy().item_ids
COMMENT = "  # Element accounts below: each district keeps its own\n"


def demo_sites(tmp: Path) -> Path:
    """demo/sites.yaml with a comment between two accounts (it must survive an edit)."""
    text = (ROOT / "demo" / "sites.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: mpd-5d-x\n", COMMENT + "  - id: mpd-5d-x\n")
    path = tmp / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def only_insertions(before: str, after: str) -> list[str]:
    """The lines added; fails if any line of ``before`` was changed, moved or removed."""
    added = []
    for op in difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False).get_opcodes():
        assert op[0] in ("equal", "insert"), op
        if op[0] == "insert":
            added += after.splitlines()[op[3]:op[4]]
    return added


# ---- fast checks, no browser -------------------------------------------------------------------

def test_attestation_is_written_with_comments_order_and_layout_kept(tmp_path: Path) -> None:
    sites = demo_sites(tmp_path)
    before = sites.read_text(encoding="utf-8")
    att = attest.NewAttestation("emergency_contact", "J. Smith, Office of Communications", "2026-11-02",
                                "911 line is in the pinned image", "2027-05-02")
    attest.record(sites, "mpd-facebook", att, ITEMS, attest.digest(before))  # the account before the comment
    after = sites.read_text(encoding="utf-8")
    assert only_insertions(before, after) == [
        "    attestations:", "      - item: emergency_contact", "        by: J. Smith, Office of Communications",
        "        date: 2026-11-02", "        note: 911 line is in the pinned image", "        expires: 2027-05-02"]
    assert after.index("owner: 5D Commander") > after.index(COMMENT) > after.index("expires: 2027-05-02")
    second = attest.NewAttestation("website_link", "K. Lee", "2026-11-03")
    attest.record(sites, "mpd-facebook", second, ITEMS)
    assert only_insertions(after, sites.read_text(encoding="utf-8")) == [
        "      - item: website_link", "        by: K. Lee", "        date: 2026-11-03"]
    account = next(a for a in load_registry(sites).accounts if a.id == "mpd-facebook")
    assert [(a.item, a.by, a.expires) for a in account.attestations] == [
        ("emergency_contact", "J. Smith, Office of Communications", "2027-05-02"), ("website_link", "K. Lee", None)]


@pytest.mark.parametrize(("att", "account", "message"), [
    (attest.NewAttestation("emergency_contact", "J. Smith", "2026-11-02", expires="2026-10-01"), "mpd-x",
     r"sites\.yaml:\d+: account 'mpd-x': .*expires 2026-10-01 is before the date 2026-11-02"),
    (attest.NewAttestation("emergency_contact", "J. Smith", "2026-02-30"), "mpd-x", r"not a date"),
    (attest.NewAttestation("no_such_item", "J. Smith", "2026-11-02"), "mpd-x", r"is not one of"),
    (attest.NewAttestation("website_link", "  ", "2026-11-02"), "mpd-x", r"'by' is required"),
    (attest.NewAttestation("website_link", "J.\nSmith", "2026-11-02"), "mpd-x", r"one line"),
    (attest.NewAttestation("website_link", "J. Smith", "2026-11-02"), "nobody", r"'nobody' is not in the registry"),
])
def test_a_bad_attestation_is_refused_and_the_file_untouched(tmp_path: Path, att: attest.NewAttestation,
                                                             account: str, message: str) -> None:
    sites = demo_sites(tmp_path)
    before = sites.read_bytes()
    with pytest.raises(InputError, match=message):
        attest.record(sites, account, att, ITEMS)
    assert sites.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["sites.yaml"]  # no temporary file left behind


def test_an_edit_made_since_the_page_was_loaded_is_not_overwritten(tmp_path: Path) -> None:
    sites = demo_sites(tmp_path)
    seen = attest.digest(sites.read_text(encoding="utf-8"))
    sites.write_text(sites.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    edited = sites.read_bytes()
    with pytest.raises(InputError, match="changed since this page was loaded"):
        attest.record(sites, "mpd-x", attest.NewAttestation("website_link", "J. Smith", "2026-11-02"), ITEMS, seen)
    assert sites.read_bytes() == edited


def test_registry_problems_are_those_of_auditor_validate(tmp_path: Path) -> None:
    sites = write_registry(tmp_path / "sites.yaml", [
        {"id": "ok-1", "name": "Fine", "url": "https://x.com/fine"},
        {"id": "bad url", "name": "Broken", "url": "ftp://x.com/a"},
        {"id": "ok-2", "name": "Dated", "url": "https://x.com/b",
         "attestations": [{"item": "website_link", "by": "J", "date": "2026-13-40"}]}])
    view = read_registry(sites, ITEMS)
    proc = run_auditor("validate", "--sites", str(sites))
    assert proc.returncode == 2
    assert view.problems == proc.stderr.strip().removeprefix("auditor: error: ").splitlines()
    assert [r.id for r in view.rows] == ["ok-1", "bad url", "ok-2"]
    by_row = {r.id: r.problems for r in view.rows}
    assert by_row["ok-1"] == [] and len(by_row["bad url"]) == 2 and len(by_row["ok-2"]) == 1
    assert all(p.startswith(f"{sites}:") for p in view.problems)


def test_the_console_names_items_from_policies_never_from_the_code(tmp_path: Path) -> None:
    """Served with another policy, the console offers that policy's items for attestation (and refuses
    the built-in's), while a run made under the built-in policy is shown with the built-in's items."""
    import html

    from auditor.outputs import results_json

    sites = tmp_path / "sites.yaml"
    sites.write_text((ROOT / "demo/diamond-bar/sites.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    account = next(a for a in load_registry(sites, load_policy("diamond-bar").item_ids).accounts
                   if a.id == "db-parks-x")
    builtin = load_policy()
    run = build_run([judge(account, _snap(account, "Parks news.", "https://example.org"), builtin)], builtin,
                    str(sites), now(), 0.1)
    results_json.write(run, (tmp_path / "runs" / "20261201T000000Z").resolve())
    theirs = load_policy(resolve("diamond-bar"))
    with serve("--sites", str(sites), "--out-root", str(tmp_path / "runs"), "--policy", "diamond-bar",
               log=tmp_path / "serve.log") as server:
        client = Client(server.port)
        page = html.unescape(client.get("/accounts/db-parks-x").body)
        form = page[page.index('<select id="item"'):]
        form = form[:form.index("</select>")]
        result = page[page.index('id="latest"'):page.index("</dl>")]
        assert all(theirs.meta(i).title in form for i in theirs.item_ids), form
        assert not any(builtin.meta(i).title in form for i in builtin.item_ids if i not in theirs.item_ids)
        assert builtin.meta("official_statement").title in result  # the run's own policy named its items
        assert theirs.meta("city_name").title not in result
        csrf = client.csrf("/accounts/db-parks-x")
        refused = client.post("/accounts/db-parks-x/attest", {"csrf": csrf, "item": "official_statement",
                                                              "by": "R. Lee", "date": "2026-11-20"})
        assert refused.status == 400 and "city_name" in html.unescape(refused.body)
        digest = re.search(r'name="digest" value="([0-9a-f]{64})"', client.get("/accounts/db-parks-x").body)
        assert digest
        saved = client.post("/accounts/db-parks-x/attest", {"csrf": client.csrf("/accounts/db-parks-x"),
                                                            "digest": digest.group(1), "item": "city_name",
                                                            "by": "R. Lee", "date": "2026-11-20"})
        assert saved.status == 303, saved.body[saved.body.find("role=\"alert\""):][:400]
        run_page = html.unescape(client.get("/runs/20261201T000000Z").body)
        assert f"({''.join(i.mark for i in builtin.info().items)})" in run_page
    assert "item: city_name" in sites.read_text(encoding="utf-8")


def test_one_audit_at_a_time_and_a_bounded_visible_queue(tmp_path: Path) -> None:
    class Held(jobs.JobQueue):
        """Runs nothing: each job 'runs' until the test lets it finish."""

        gate = threading.Event()

        def _run(self, job: jobs.Job) -> None:
            self.gate.wait(30)
            job.rc, job.state = 0, "finished"

    settings = ConsoleSettings(sites=tmp_path / "sites.yaml", out_root=tmp_path / "runs")
    q = Held(settings)
    spec = {"scope": "every account", "accounts": ["a"], "names": {"a": "A"}, "argv": ["x"], "concurrency": 1}
    made = [q.submit(dict(spec)) for _ in range(1 + jobs.MAX_WAITING)]
    assert len({j.out_dir for j in made}) == len(made)  # never two audits over the same output
    deadline = time.monotonic() + 10
    while made[0].state != "running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert [j.state for j in made] == ["running"] + ["queued"] * jobs.MAX_WAITING
    assert [q.position(j) for j in made[1:]] == list(range(1, jobs.MAX_WAITING + 1))
    with pytest.raises(InputError, match="already waiting"):
        q.submit(dict(spec))
    q.cancel(made[2])
    assert made[2].state == "cancelled" and q.position(made[3]) == 2
    assert not made[2].out_dir.exists() and made[3].out_dir.is_dir()
    Held.gate.set()
    while any(j.active for j in made):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert [j.state for j in made] == ["finished", "finished", "cancelled"] + ["finished"] * (jobs.MAX_WAITING - 2)
    q.shutdown()


def test_serve_help_says_how_to_run_it_for_real() -> None:
    out = run_auditor("serve", "--help").stdout
    for words in ("--sites", "--archive", "--policy", "--host", "AUDITOR_CONSOLE_TOKEN", "--out-root", "--replay"):
        assert words in out


# ---- real Chromium ------------------------------------------------------------------------------

@dataclass
class Mailbox:
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd API
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(None, None), args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


def shoot(page: Page, name: str) -> None:
    """The page at phone and desktop width, full length, under /tmp (looked at by hand)."""
    SHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    if size:
        page.set_viewport_size(size)


def go(page: Page, url: str) -> Page:
    """Open ``url`` in a new tab of the same session: a progress page reloads itself every two seconds,
    and that reload must not race the next navigation. The old tab stays open (it stops reloading
    when its audit ends); the context is closed at the end."""
    fresh = page.context.new_page()
    fresh.goto(url)
    return fresh


@pytest.mark.browser
@pytest.mark.timeout(900)  # two replayed audits of the demo; about 90 s on an idle 2-core machine
def test_console_end_to_end_on_the_demo(tmp_path: Path, browser: Browser, smtp: tuple[int, Mailbox]) -> None:
    sites = demo_sites(tmp_path)
    port, box = smtp
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_FROM": "audit@example.org",
           "AUDITOR_EMAIL_TO": "comms@example.org"}
    archive = tmp_path / "archive"
    with serve("--sites", str(sites), "--replay", "demo/demo.har", "--out-root", str(tmp_path / "runs"),
               "--archive", str(archive), env=env, log=tmp_path / "serve.log") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        scripts: list[str] = []
        context.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
        t0 = time.monotonic()

        # The registry lists every account by name; start an audit of everything.
        page = go(page, server.base + "/")
        names = ["MPD on X", "MPD on Facebook", "MPD on Instagram", "MPD on YouTube", "Fifth District on X"]
        for name in names:
            expect(page.locator("table.accounts")).to_contain_text(name)
        expect(page.locator("table.accounts")).to_contain_text("Fifth District")  # element column
        expect(page.locator("table.accounts")).to_contain_text("5D Commander's office")  # owner column
        shoot(page, "registry")
        page.get_by_role("button", name="Start audit").click()
        page.wait_for_url(re.compile(r"/audits/\d{8}T\d{6}Z"))
        first = page.url.rsplit("/", 1)[1]
        expect(page.locator("#state")).to_have_text("running", timeout=30_000)
        shoot(page, "audit-running")

        # A second audit (one platform) waits in a visible queue behind the first.
        page = go(page, server.base + "/")
        page.locator("input[name=scope][value=platform]").check()
        page.locator("select[name=platform]").select_option("x")
        page.get_by_role("button", name="Start audit").click()
        page.wait_for_url(re.compile(r"/audits/\d{8}T\d{6}Z"))
        second = page.url.rsplit("/", 1)[1]
        assert second != first
        expect(page.locator("#state")).to_contain_text("1 ahead in the queue")
        shoot(page, "audit-queued")

        # Live progress on the first one reaches the end (the page refreshes itself, no script).
        page = go(page, f"{server.base}/audits/{first}")
        expect(page.locator("#done-count")).not_to_have_text("0", timeout=120_000)
        expect(page.locator("#state")).to_have_text("finished", timeout=180_000)
        expect(page.locator("#done-count")).to_have_text("5")
        rows = page.locator("table.progress tbody tr")
        expect(rows).to_have_count(5)
        expect(page.locator("table.progress")).to_contain_text("Non-compliant")
        shoot(page, "audit-finished")

        # Its report, served with a policy that forbids scripts.
        page.get_by_role("link", name="Results of this run").click()
        first = page.url.rsplit("/", 1)[1]  # the run's id is its folder in the evidence archive
        assert (archive / first / "MANIFEST.sha256").is_file()
        expect(page.locator("h1")).to_have_text(f"Run {first}")
        zipped = page.request.get(f"{server.base}/runs/{first}/archive.zip")
        assert zipped.ok and zipped.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(zipped.body())) as z:
            files = z.namelist()
        assert f"{first}/MANIFEST.sha256" in files and f"{first}/har/demo.har" in files
        assert f"{first}/junit.xml" in files and f"{first}/results.json" in files
        expect(page.locator("#changes")).to_contain_text("first run")
        with page.expect_response(re.compile(r"/report\.html$")) as got:
            page.get_by_role("link", name="Open the report").click()
        csp = got.value.headers["content-security-policy"]
        assert "script-src 'none'" in csp and "default-src 'none'" in csp
        for name in names:
            expect(page.locator("body")).to_contain_text(name)
        shoot(page, "report")

        # The second run, compared with the one before it.
        page = go(page, f"{server.base}/audits/{second}")
        expect(page.locator("#state")).to_have_text("finished", timeout=180_000)
        page.get_by_role("link", name="Results of this run").click()
        second = page.url.rsplit("/", 1)[1]
        changes = page.locator("#changes")
        expect(changes).to_contain_text(f"since run {first}")
        expect(changes).to_contain_text("Accounts not in this run: mpd-facebook, mpd-instagram, mpd-youtube")
        expect(changes).to_contain_text("Still failing: 2 item(s)")  # mpd-5d-x: maintained_by, emergency_contact
        shoot(page, "run")

        # Mail it to the configured recipients (aiosmtpd on loopback).
        page.get_by_role("button", name="Send this report").click()
        expect(page.locator(".notice")).to_have_text("Report mailed.")
        assert len(box.messages) == 1
        sender, rcpts, raw = box.messages[0]
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert rcpts == ["comms@example.org"] and sender == "audit@example.org"
        assert "social media audit" in msg["Subject"] and "of 2 accounts need" in msg["Subject"]

        # The account's history and an attestation written back to sites.yaml.
        page = go(page, server.base + "/accounts/mpd-5d-x")
        expect(page.locator("table")).to_contain_text(first)
        expect(page.locator("table")).to_contain_text(second)
        before = sites.read_text(encoding="utf-8")
        form = page.locator("form[action$='/attest']")
        form.locator("select[name=item]").select_option("emergency_contact")
        form.locator("input[name=by]").fill("J. Smith, Office of Communications")
        form.locator("input[name=date]").fill("2026-11-02")
        form.locator("input[name=expires]").fill("2026-10-01")  # before the date: refused
        form.get_by_role("button", name="Save attestation").click()
        expect(page.locator(".error")).to_contain_text(f"{sites}:")
        expect(page.locator(".error")).to_contain_text("is before the date 2026-11-02")
        assert sites.read_text(encoding="utf-8") == before
        form.locator("input[name=expires]").fill("2027-05-02")  # the form kept what was typed
        form.locator("input[name=note]").fill("The 911 line is in the pinned image")
        form.get_by_role("button", name="Save attestation").click()
        expect(page.locator(".notice")).to_have_text("Attestation saved to the registry.")
        assert only_insertions(before, sites.read_text(encoding="utf-8")) == [
            "    attestations:", "      - item: emergency_contact", "        by: J. Smith, Office of Communications",
            "        date: 2026-11-02", "        note: The 911 line is in the pinned image",
            "        expires: 2027-05-02"]
        assert COMMENT in sites.read_text(encoding="utf-8")
        expect(page.locator("#attest")).to_contain_text("emergency_contact: J. Smith, Office of Communications")
        shoot(page, "account")

        page = go(page, server.base + "/runs")
        expect(page.locator("table")).to_contain_text(first)
        shoot(page, "runs")
        page = go(page, server.base + "/")
        expect(page.locator("table.accounts")).to_contain_text("emergency_contact: J. Smith")
        context.close()
        assert scripts == []  # the console runs no script at all
        print(f"end-to-end flow: {time.monotonic() - t0:.1f} s")

    # The archive holds both runs, intact; the second says what changed since the first.
    assert [v.intact for v in verify_archive(archive)] == [True, True]
    changes = load_results(archive / second)["changes"]
    assert changes["accounts_removed"] == ["mpd-facebook", "mpd-instagram", "mpd-youtube"]


SLOW = ("<html><head><title>Slow {n}</title><meta name='description' content='Official account of a test "
        "agency'></head><body><h1>Slow page {n}</h1><p>Official account.</p></body></html>")


@pytest.mark.browser
def test_cancel_keeps_what_is_done(tmp_path: Path, site: LoopbackSite) -> None:
    for n in range(1, 4):
        site.add(f"/slow{n}", SLOW.format(n=n), delay_s=0.2 if n == 1 else 30)  # the others are cancelled while loading
    sites = write_registry(tmp_path / "sites.yaml", [
        {"id": f"slow-{n}", "name": f"Slow {n}", "url": site.url(f"/slow{n}")} for n in range(1, 4)])
    with serve("--sites", str(sites), "--out-root", str(tmp_path / "runs"), log=tmp_path / "serve.log") as server:
        c = Client(server.port)
        r = c.post("/audit", {"csrf": c.csrf(), "scope": "all", "policy": "builtin"})
        assert r.status == 303, r.body
        job = r.headers["location"]
        t0 = time.monotonic()
        deadline = t0 + 120
        while "1 of 3" not in re.sub(r"<[^>]+>", "", c.get(job).body):
            assert time.monotonic() < deadline, c.get(job).body
            time.sleep(0.3)
        print(f"first account done after {time.monotonic() - t0:.1f} s")
        assert c.post(job + "/cancel", {"csrf": c.csrf(job)}).status == 303
        while "cancelled" not in (body := c.get(job).body):
            assert time.monotonic() < deadline, body
            time.sleep(0.3)
        print(f"cancelled after {time.monotonic() - t0:.1f} s")
        assert "the accounts already audited are kept" in body
        run_id = job.rsplit("/", 1)[1]
        results = json.loads(c.get(f"/runs/{run_id}/results.json").body)
        assert results["interrupted"] is True
        by_id = {a["id"]: a for a in results["accounts"]}
        assert list(by_id) == ["slow-1", "slow-2", "slow-3"]  # every account is in the output
        assert by_id["slow-1"]["load"]["wall"] != "unfinished"
        assert any(a["load"]["wall"] == "unfinished" for a in results["accounts"])
        assert "interrupted" in c.get("/runs").body


