"""The console's security: who may use it, what a request must carry, what a URL may reach, and that
page-derived text is shown as text. The server runs for real (`auditor serve` on loopback); requests go
through http.client so crafted paths reach it exactly as written, and one test uses real Chromium."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from auditor.collect.browser import LAUNCH_ARGS, find_chromium
from auditor.console import settings
from auditor.console.security import CONSOLE_CSP
from auditor.errors import InputError
from auditor.models import ITEM_IDS, AccountResult, AuditRun, Evidence, ItemResult, LoadSummary
from auditor.outputs import html_report, junit, results_json
from tests.conftest import run_auditor, write_registry
from tests.console_support import Client, Served, serve

TOKEN = "test-token-0123456789-abcdefghij"
RUN_ID = "20260101T000000Z"
MARKER = "OUTSIDE-THE-OUTPUT-ROOT-7f3a"
HOSTILE = '<script>window.__pwned = 1</script><img src="http://evil.example/x.png" onerror="window.__pwned=2">'
EVIL_NAME = "<b>Bold</b> & <i>name</i><script>window.__pwned=3</script>"


def hostile_run(out: Path) -> None:
    """A finished run whose page text, names and evidence carry markup."""
    evil = Evidence(quote=HOSTILE + " In an emergency, call 911.", match="call 911", region="bio",
                    url="javascript:alert(1)", source="UserDescription")
    items = {i: ItemResult(item=i, status="fail", reason=f"Missing {HOSTILE}") for i in ITEM_IDS}
    items["emergency_contact"] = ItemResult(item="emergency_contact", status="pass", reason="ok", evidence=[evil])
    account = AccountResult(id="evil", name=EVIL_NAME, url="javascript:alert(1)", platform="x",
                            element="<script>el</script>", status="non_compliant", items=items,
                            load=LoadSummary(outcome="ok", final_url="javascript:alert(2)"))
    run = AuditRun(schema_version="1.0", tool_version="t", started_at="2026-01-01T00:00:00+00:00",
                   finished_at="2026-01-01T00:00:05+00:00", duration_s=5, registry="<r>.yaml", policy_id="mpd-dc",
                   policy_name="MPD <em>policy</em>", counts={"non_compliant": 1, "total": 1}, accounts=[account])
    out.mkdir(parents=True)
    results_json.write(run, out)
    junit.write(run, out)
    html_report.write(run, out)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    root = tmp_path_factory.mktemp("console-sec")
    (root / "secret.txt").write_text(MARKER)  # beside the output root, never to be served
    sites = write_registry(root / "sites.yaml", [{"id": "evil", "name": EVIL_NAME, "url": "https://x.com/evil"}])
    hostile_run(root / "runs" / RUN_ID)
    with serve("--sites", str(sites), "--out-root", str(root / "runs"), env={"AUDITOR_CONSOLE_TOKEN": TOKEN},
               log=root / "serve.log") as server:
        yield server, sites


def logged_in(server: Served) -> Client:
    c = Client(server.port)
    r = c.login(TOKEN)
    assert r.status == 303 and r.headers["location"] == "/", r.body
    return c


# ---- starting -----------------------------------------------------------------------------------

def test_a_non_loopback_host_without_a_token_refuses_to_start(tmp_path: Path) -> None:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": "a", "name": "A", "url": "https://x.com/a"}])
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_CONSOLE_TOKEN"}
    proc = run_auditor("serve", "--sites", str(sites), "--out-root", str(tmp_path / "runs"), "--host", "0.0.0.0",
                       "--port", "0", timeout=120, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "--host 0.0.0.0" in proc.stderr and "AUDITOR_CONSOLE_TOKEN" in proc.stderr


@pytest.mark.parametrize("host", ["192.0.2.10", "::", "console.example.org", "127.0.0.1.example.org"])
def test_every_other_non_loopback_host_needs_a_token(tmp_path: Path, host: str) -> None:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": "a", "name": "A", "url": "https://x.com/a"}])
    with pytest.raises(InputError, match=f"--host {re.escape(host)}: .*AUDITOR_CONSOLE_TOKEN"):
        settings.from_args(sites, tmp_path / "runs", None, None, None, host, 0, env={})
    ok = settings.from_args(sites, tmp_path / "runs", None, None, None, host, 0, env={"AUDITOR_CONSOLE_TOKEN": TOKEN})
    assert ok.token == TOKEN and not ok.loopback and TOKEN not in repr(ok)
    for loopback in ("127.0.0.1", "localhost", "::1"):
        assert settings.from_args(sites, tmp_path / "runs", None, None, None, loopback, 0, env={}).loopback


def test_a_short_token_refuses_to_start(tmp_path: Path) -> None:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": "a", "name": "A", "url": "https://x.com/a"}])
    with pytest.raises(InputError, match="shorter than 16") as err:
        settings.from_args(sites, tmp_path / "runs", None, None, None, "0.0.0.0", 0,
                           env={"AUDITOR_CONSOLE_TOKEN": "tiny-token"})
    assert "tiny-token" not in str(err.value)  # the token itself is never printed


# ---- the token ----------------------------------------------------------------------------------

def test_every_page_needs_the_token(console: tuple[Served, Path]) -> None:
    server, _ = console
    anon = Client(server.port)
    for path in ("/", "/runs", f"/runs/{RUN_ID}", f"/runs/{RUN_ID}/report.html", f"/runs/{RUN_ID}/results.json",
                 f"/runs/{RUN_ID}/archive.zip", "/accounts/evil", "/audits"):
        r = anon.get(path)
        assert r.status == 303 and r.headers["location"] == "/login", path
        assert MARKER not in r.body and "evil" not in r.body
    assert anon.post("/audit", {"scope": "all", "policy": "builtin"}).status == 401
    wrong = Client(server.port)
    r = wrong.login("test-token-0123456789-abcdefghiX")
    assert r.status == 403 and "not the access token" in r.body
    assert wrong.get("/").status == 303
    r = Client(server.port).post("/login", {"token": TOKEN})  # the right token, but no CSRF token
    assert r.status == 403

    c = logged_in(server)
    cookie = next(v for k, v in c.cookies.items() if k == "auditor_console")
    assert c.get("/").status == 200 and cookie != wrong.cookies.get("auditor_console")
    raw = Client(server.port)
    raw.get("/login")
    login_csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', raw.get("/login").body)
    assert login_csrf
    r = raw.post("/login", {"csrf": login_csrf.group(1), "token": TOKEN})
    set_cookie = r.headers["set-cookie"]
    for attr in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert attr.lower() in set_cookie.lower(), set_cookie
    assert TOKEN not in set_cookie


def test_state_changing_requests_need_the_csrf_token(console: tuple[Served, Path]) -> None:
    server, sites = console
    c = logged_in(server)
    good = c.csrf("/accounts/evil")
    before = sites.read_bytes()
    attestation = {"item": "website_link", "by": "Mallory", "date": "2026-11-02"}
    posts = {"/audit": {"scope": "all", "policy": "builtin"}, "/accounts/evil/attest": attestation,
             f"/runs/{RUN_ID}/email": {}, "/logout": {}}
    for path, form in posts.items():
        for csrf in (None, "", "0" * 64, good[:-1] + ("0" if good[-1] != "0" else "1")):
            data = dict(form) if csrf is None else {**form, "csrf": csrf}
            r = c.post(path, data)
            assert r.status == 403, (path, csrf, r.status)
        cross = c.post(path, {**form, "csrf": good}, headers={"Origin": "http://evil.example"})
        assert cross.status == 403, path
        other_session = Client(server.port)
        other_session.login(TOKEN)
        assert other_session.post(path, {**form, "csrf": good}).status == 403  # bound to its session
    assert sites.read_bytes() == before
    assert "No audit has been started" in c.get("/audits").body
    assert c.get("/").status == 200  # still logged in: /logout without the token did nothing
    for path in posts:  # state-changing routes do not answer GET
        assert c.get(path).status in (404, 405), path


def test_a_crafted_run_id_never_reads_outside_the_output_root(console: tuple[Served, Path]) -> None:
    server, _ = console
    c = logged_in(server)
    crafted = [
        "/runs/../secret.txt", "/runs/..%2fsecret.txt", "/runs/..%2F..%2Fsecret.txt", "/runs/%2e%2e%2fsecret.txt",
        "/runs/%2e%2e/secret.txt", "/runs/%252e%252e%252fsecret.txt", "/runs/..%252fsecret.txt",
        "/runs/%2e%2e%2f%2e%2e%2fsecret.txt/report.html", "/runs/..%5csecret.txt/results.json",
        f"/runs/{RUN_ID}/..%2f..%2fsecret.txt", f"/runs/{RUN_ID}/%2e%2e%2f%2e%2e%2fsecret.txt",
        f"/runs/{RUN_ID}/../../secret.txt", f"/runs/{RUN_ID}/%252e%252e%252fsecret.txt",
        f"/runs/{RUN_ID}%2f..%2f..%2fsecret.txt/report.html", f"/runs/{RUN_ID}/snapshots%2fevil.json",
        f"/runs/{RUN_ID}/MANIFEST.sha256", f"/runs/{RUN_ID}/report.html%00.json", "/runs/20260101T000000Z-1",
        "/static/..%2f..%2fsecret.txt", "/static/%2e%2e/%2e%2e/%2e%2e/secret.txt", "/static/../app.py",
        "/accounts/..%2f..%2fsecret.txt", "/accounts/%2e%2e", "/audits/..%2f..%2fsecret.txt",
        "/runs//etc/passwd", "/runs/%2fetc%2fpasswd/results.json",
    ]
    for path in crafted:
        r = c.get(path)
        assert r.status in (400, 404), (path, r.status)
        assert MARKER not in r.body and "root:" not in r.body, path
    ok = c.get(f"/runs/{RUN_ID}/results.json")
    assert ok.status == 200 and json.loads(ok.body)["accounts"][0]["id"] == "evil"


def test_a_rebound_host_name_is_refused(console: tuple[Served, Path]) -> None:
    server, _ = console
    c = logged_in(server)
    r = c.get("/", headers={"Host": f"evil.example:{server.port}"})
    assert r.status == 400
    for path in ("/runs", "/accounts/evil"):  # the account page would show the hostile name if served
        r = c.get(path, headers={"Host": "evil.example"})
        assert r.status == 400 and "Bold" not in r.body, path


def test_pages_and_reports_carry_a_script_free_policy(console: tuple[Served, Path]) -> None:
    server, _ = console
    c = logged_in(server)
    for path in ("/", "/runs", f"/runs/{RUN_ID}", "/accounts/evil"):
        r = c.get(path)
        assert r.headers["content-security-policy"] == CONSOLE_CSP and "script-src 'none'" in CONSOLE_CSP
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in r.body.lower(), path
    report = c.get(f"/runs/{RUN_ID}/report.html")
    csp = report.headers["content-security-policy"]
    assert "script-src 'none'" in csp and "default-src 'none'" in csp and "sandbox" in csp
    for name, kind in (("results.json", "application/json"), ("junit.xml", "application/xml"),
                       ("archive.zip", "application/zip")):
        r = c.get(f"/runs/{RUN_ID}/{name}")
        assert r.status == 200 and r.headers["content-type"].startswith(kind), name
        assert r.headers["content-disposition"].startswith("attachment"), name


# ---- escaping, in real Chromium -------------------------------------------------------------------

@pytest.mark.browser
def test_markup_in_names_and_evidence_shows_as_text(console: tuple[Served, Path]) -> None:
    server, _ = console
    shots = Path("/tmp/console-shots")
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(None, None), args=LAUNCH_ARGS, headless=True)
        page = b.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server.base + "/")
        expect(page).to_have_url(re.compile(r"/login$"))
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(shots / f"login-{width}.png"), full_page=True)
        page.get_by_label("Access token").fill(TOKEN)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("h1")).to_contain_text("Registry")  # the Secure cookie is kept on loopback
        for path, where in (("/", "table.accounts"), (f"/runs/{RUN_ID}", "main"), ("/accounts/evil", "main"),
                            (f"/runs/{RUN_ID}/report.html", "body")):
            page.goto(server.base + path)
            text = page.locator(where).inner_text()
            assert EVIL_NAME in text, path
            assert page.evaluate("window.__pwned") is None, path
            assert page.locator("main b, main i, main script, main img").count() == 0, path
            if path == "/accounts/evil":
                assert HOSTILE in text and "Missing " + HOSTILE in text
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                name = "hostile-" + (path.strip("/").replace("/", "-").replace(".", "-") or "registry")
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        assert not [u for u in requests if not u.startswith(server.base)]  # nothing fetched from elsewhere
        b.close()
