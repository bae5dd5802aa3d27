"""Hostile and broken pages against real Chromium on a loopback server: each costs only its own
account, with a named reason, and the run always finishes with every account in it."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT, LoopbackSite, load_results, run_auditor, write_registry

pytestmark = pytest.mark.browser

GOOD = """<!DOCTYPE html><html><head><title>MPD</title><script type="application/ld+json">
{"@type":"GovernmentOrganization","name":"MPD","description":"Official account of the Metropolitan Police
Department of the District of Columbia. Maintained by the MPD Office of Communications. Not monitored 24/7.
In an emergency, call 911.","url":"https://mpdc.dc.gov/","telephone":"(202) 727-9099"}</script></head>
<body><h1>MPD</h1></body></html>"""


def _never_finishes(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    handler.wfile.write(b"<html><body><p>Loading")
    handler.wfile.flush()
    time.sleep(20)


def _audit(tmp_path: Path, accounts: dict[str, str], *extra: str) -> tuple[subprocess.CompletedProcess, dict]:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": k, "name": k, "url": u} for k, u in accounts.items()])
    out = tmp_path / "out"
    proc = run_auditor("audit", "--sites", str(sites), "--out", str(out), "--timeout", "8", *extra,
                       own_browser=True)  # hostile pages get a browser of their own
    assert proc.returncode in (0, 1), proc.stderr
    got = {a["id"]: a for a in load_results(out)["accounts"]}
    assert list(got) == list(accounts), "every account is in the results, in registry order"
    return proc, got


def test_each_hostile_page_is_its_own_accounts_error(site: LoopbackSite, tmp_path: Path) -> None:
    accounts = {
        "good": site.add("/good", GOOD),
        "never-loads": site.add("/never", handler=_never_finishes),
        "redirect-loop": site.add("/loop", status=302, headers={"Location": "/loop"}),
        "huge-dom": site.add("/huge", "<html><body><script>for(let i=0;i<200000;i++)"
                                      "document.body.appendChild(document.createElement('div'))</script></body></html>"),
        "50mb": site.add("/big", "<html><body>" + "<p>A paragraph of filler text.</p>" * 1_500_000 + "</body></html>"),
        "alert-loop": site.add("/alerts", "<html><body><script>for(;;){alert('hi');confirm('sure?')}</script>"
                                          "</body></html>"),
        "download": site.add("/file", b"\x00binary" * 1000, content_type="application/octet-stream",
                             headers={"Content-Disposition": "attachment; filename=x.bin"}),
        "pdf": site.add("/doc.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        "json": site.add("/api", '{"not": "a page"}', content_type="application/json"),
        "navigates-away": site.add("/away", "<html><body><script>setTimeout(()=>location='http://localhost:"
                                            f"{site.server.server_address[1]}/good',50)</script>wait</body></html>"),
    }
    _, got = _audit(tmp_path, accounts, "--concurrency", "2")
    assert got["good"]["status"] == "compliant"
    reasons = {k: a["load"]["reason"] for k, a in got.items()}
    expected_words = {
        "never-loads": "timed out", "redirect-loop": "redirect loop", "huge-dom": "too large",
        "50mb": "too large", "alert-loop": "dialog", "download": "download", "pdf": "not an HTML page",
        "json": "not an HTML page", "navigates-away": "navigated itself away",
    }
    for account, words in expected_words.items():
        a = got[account]
        assert a["status"] == "unreachable", (account, reasons[account])
        assert {i["status"] for i in a["items"].values()} == {"error"}, account
        # A page that builds 200,000 elements may still be building them when its time is up: then
        # it is named as timed out rather than measured; either way it is that account's error alone.
        ok = (words, "timed out") if account == "huge-dom" else (words,)
        assert any(w in reasons[account] for w in ok), (account, reasons[account])


def test_popups_and_beforeunload_do_not_stop_the_account(site: LoopbackSite, tmp_path: Path) -> None:
    page = GOOD.replace("<h1>MPD</h1>", "<h1>MPD</h1><script>for(let i=0;i<5;i++)window.open('/good?'+i);"
                        "window.onbeforeunload=e=>{e.preventDefault();return 'stay'}</script>")
    _, got = _audit(tmp_path, {"popups": site.add("/popups", page), "after": site.add("/good", GOOD)})
    assert got["popups"]["status"] == "compliant" and got["after"]["status"] == "compliant"


def test_a_tls_error_is_named(tmp_path: Path) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")

    class H(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(GOOD.encode())

        def log_message(self, *a: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(ctx)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _, got = _audit(tmp_path, {"tls": f"https://127.0.0.1:{server.server_address[1]}/"})
    finally:
        server.shutdown()
    assert got["tls"]["status"] == "unreachable"
    assert "TLS" in got["tls"]["load"]["reason"] and "ERR_CERT" in got["tls"]["load"]["reason"]


def _chromium_pids(parent: int, renderer_only: bool = False) -> list[int]:
    """Chromium processes under ``parent``: the browser process(es), or only the renderers."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    children: dict[int, list[tuple[int, str]]] = {}
    for line in out.strip().splitlines():
        pid, ppid, args = line.split(None, 2)
        children.setdefault(int(ppid), []).append((int(pid), args))
    found, stack = [], [parent]
    while stack:
        for pid, args in children.get(stack.pop(), []):
            stack.append(pid)
            if "chrom" not in args:
                continue
            if renderer_only and "--type=renderer" in args or not renderer_only and "--type=" not in args:
                found.append(pid)
    return found


def _popen(tmp_path: Path, accounts: dict[str, str], *extra: str) -> tuple[subprocess.Popen, Path]:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": k, "name": k, "url": u} for k, u in accounts.items()])
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "audit", "--sites", str(sites), "--out", str(out),
                             "--concurrency", "1", "--timeout", "10", *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, out


def _wait_for(predicate, timeout: float = 30) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_a_browser_killed_mid_run_is_restarted_and_the_rest_carry_on(site: LoopbackSite, tmp_path: Path) -> None:
    accounts = {"first": site.add("/good", GOOD), "victim": site.add("/slow", GOOD, delay_s=3),
                "after": site.add("/after", GOOD)}
    proc, out = _popen(tmp_path, accounts)
    _wait_for(lambda: "/slow" in site.hits)
    pids = _chromium_pids(proc.pid)
    assert pids, "Chromium runs under the auditor"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1), err
    got = {a["id"]: a for a in load_results(out)["accounts"]}
    assert got["first"]["status"] == "compliant"
    assert got["after"]["status"] == "compliant", got["after"]["load"]
    assert got["victim"]["status"] in ("compliant", "unreachable")  # retried once after the restart


def test_a_renderer_crash_costs_only_its_account(site: LoopbackSite, tmp_path: Path) -> None:
    accounts = {"crashes": site.add("/never", handler=_never_finishes), "after": site.add("/good", GOOD)}
    proc, out = _popen(tmp_path, accounts)
    _wait_for(lambda: "/never" in site.hits)
    time.sleep(0.5)
    renderers = _chromium_pids(proc.pid, renderer_only=True)
    assert renderers
    for pid in renderers:
        os.kill(pid, signal.SIGKILL)  # what an out-of-memory kill or a renderer bug does to a tab
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    got = {a["id"]: a for a in load_results(out)["accounts"]}
    assert got["crashes"]["status"] == "unreachable"
    assert "crashed" in got["crashes"]["load"]["reason"], got["crashes"]["load"]
    assert got["after"]["status"] == "compliant"


def test_sigterm_writes_what_is_done_and_marks_the_rest(site: LoopbackSite, tmp_path: Path) -> None:
    accounts = {"done": site.add("/good", GOOD), "stuck": site.add("/never", handler=_never_finishes),
                "never-started": site.add("/after", GOOD)}
    proc, out = _popen(tmp_path, accounts)
    _wait_for(lambda: "/never" in site.hits)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    data = load_results(out)
    assert data["interrupted"] is True
    got = {a["id"]: a for a in data["accounts"]}
    assert got["done"]["status"] == "compliant"
    for unfinished in ("stuck", "never-started"):
        assert got[unfinished]["status"] == "unreachable"
        assert "interrupted" in got[unfinished]["load"]["reason"]
    assert (out / "report.html").is_file()
