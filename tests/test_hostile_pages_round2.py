"""Hostile pages, round two: one account's trouble never reaches another account or the run.

Unit tests (no browser) for the pieces; real Chromium on loopback servers for the cases: a lone
surrogate in a bio, runaway checks, request / history floods, internal addresses."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from auditor.collect.addresses import AddressGuard, internal_ip
from auditor.isolate import Overran, WorkerFailed, run_isolated
from auditor.textnorm import valid_data, valid_unicode
from tests.conftest import ROOT, LoopbackSite, load_results, run_auditor, write_registry
from tests.test_hostile_pages import GOOD

POLICY = ROOT / "auditor" / "policies" / "mpd.yaml"


# -- unit: valid Unicode, isolation, addresses ---------------------------------------------------

def test_lone_surrogates_become_replacement_characters_and_pairs_are_joined() -> None:
    assert valid_unicode("Official\ud800 account") == "Official\ufffd account"
    assert valid_unicode("\ud83d\ude00") == "\U0001F600"  # a split pair, as JSON "\ud83d\ude00" gives
    text = "all fine"
    assert valid_unicode(text) is text
    data = valid_data({"k\udfff": ["a\ud800", {"x": "\ud800"}], "n": 1})
    assert json.dumps(data, ensure_ascii=False).encode("utf-8")  # encodable now
    assert data == {"k\ufffd": ["a\ufffd", {"x": "\ufffd"}], "n": 1}


def test_a_gil_holding_regex_is_stopped_and_the_loop_goes_on_meanwhile() -> None:
    """A backtracking regex in a thread would freeze the loop (it holds the GIL); in the child it cannot."""
    async def main() -> tuple[float, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        t = asyncio.ensure_future(ticker())
        start = time.monotonic()
        with pytest.raises(Overran):
            await run_isolated(lambda: re.match(r"(?:x+x+)+y", "x" * 40), 1.5)
        took = time.monotonic() - start
        t.cancel()
        return took, ticks

    took, ticks = asyncio.run(main())
    print(f"runaway regex stopped after {took:.2f} s; the loop ticked {ticks} times meanwhile")
    assert took < 5
    assert ticks >= 3, "the event loop kept running while the child spun (a GIL-held thread gives 0 or 1)"


def test_isolated_work_returns_its_result_and_names_its_exception() -> None:
    assert asyncio.run(run_isolated(lambda: {"ok": [1, 2]}, 10)) == {"ok": [1, 2]}
    with pytest.raises(WorkerFailed, match="ZeroDivisionError"):
        asyncio.run(run_isolated(lambda: 1 / 0, 10))


def test_internal_addresses_are_recognised() -> None:
    for internal in ("169.254.169.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1",
                     "127.9.9.9", "0.0.0.0", "[::1]", "::1", "fc00::1", "fd12::1", "fe80::1", "::ffff:127.0.0.1",
                     "100.64.0.1"):
        assert internal_ip(internal), internal
    for public in ("93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "example.com"):
        assert not internal_ip(public), public


def test_the_guard_refuses_internal_hosts_but_not_the_accounts_own() -> None:
    async def main() -> dict[str, str]:
        guard = AddressGuard("http://127.0.0.2:8080/profile")
        urls = ["http://127.0.0.2:9999/own-host-other-port", "http://127.0.0.1:8080/other-loopback",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://localhost:1/",
                "http://x.localhost/", "http://10.0.0.1/", "data:text/plain,hi", "https://93.184.216.34/"]
        return {u: await guard.refusal(u) for u in urls}

    got = asyncio.run(main())
    assert got["http://127.0.0.2:9999/own-host-other-port"] == ""
    assert got["data:text/plain,hi"] == "" and got["https://93.184.216.34/"] == ""
    for u in ("http://127.0.0.1:8080/other-loopback", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
              "http://localhost:1/", "http://x.localhost/", "http://10.0.0.1/"):
        assert got[u], u
    assert asyncio.run(AddressGuard("http://a.example/", enabled=False).refusal("http://10.0.0.1/")) == ""


# -- real Chromium ---------------------------------------------------------------------------------

def _registry(tmp_path: Path, accounts: dict[str, str]) -> Path:
    return write_registry(tmp_path / "sites.yaml", [{"id": k, "name": k, "url": u} for k, u in accounts.items()])


def _audit(tmp_path: Path, accounts: dict[str, str], *extra: str, rc: tuple[int, ...] = (0, 1)) -> tuple[dict, float]:
    out = tmp_path / "out"
    start = time.monotonic()
    # Hostile pages get a browser of their own: a flood may make the auditor restart it.
    proc = run_auditor("audit", "--sites", str(_registry(tmp_path, accounts)), "--out", str(out), "-q", *extra,
                       own_browser=True)
    took = time.monotonic() - start
    assert proc.returncode in rc, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    got = {a["id"]: a for a in load_results(out)["accounts"]}
    assert list(got) == list(accounts), "every account is in the results, in registry order"
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    return got, took


@pytest.mark.browser
def test_a_lone_surrogate_in_a_bio_costs_nothing(site: LoopbackSite, tmp_path: Path) -> None:
    """A script puts a lone surrogate into the DOM, and embedded JSON-LD escapes one: outputs are written."""
    hostile = GOOD.replace("<h1>MPD</h1>", "<h1>MPD</h1><p id=b></p><script>document.getElementById('b')"
                           ".textContent = 'Official \\ud800 account ' + String.fromCharCode(0xDFFF)</script>"
                           '<script type="application/ld+json">{"name": "x\\ud800", "@type": "Thing"}</script>')
    accounts = {"surrogate": site.add("/s", hostile), "good": site.add("/good", GOOD)}
    got, _ = _audit(tmp_path, accounts, "--timeout", "30")
    assert got["good"]["status"] == "compliant"
    snap = json.loads((tmp_path / "out" / "snapshots" / "surrogate.json").read_text(encoding="utf-8"))
    assert "\ufffd" in json.dumps(snap, ensure_ascii=False)
    ET = pytest.importorskip("xml.etree.ElementTree")
    ET.parse(tmp_path / "out" / "junit.xml")


def _slow_policy(tmp_path: Path, phrase: str = "(?:x+x+)+y") -> Path:
    """The built-in policy plus one slow phrase: by default catastrophic for a backtracking engine (RE2
    runs it in linear time); with a look-behind, one that only Python's re runs, polynomially slow."""
    spec = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    spec["items"]["official_statement"]["inputs"]["phrases"]["en"].append(phrase)
    path = tmp_path / "slow-policy.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


HUGE = ("<html><head><title>Huge</title><script type=\"application/ld+json\">{\"@type\": \"Organization\", "
        "\"description\": \"" + "x" * 200_000 + "\"}</script></head><body><h1>Huge</h1><p>" + "x" * 200_000 + "</p>"
        + "".join(f'<a href="https://example.org/{i}">l{i}</a>' for i in range(20_000)) + "</body></html>")


@pytest.mark.browser
def test_runaway_checks_cost_only_their_account(site: LoopbackSite, tmp_path: Path) -> None:
    """200 KB without a space, 20,000 links and a policy phrase that backtracks forever, next to normal
    accounts: the hostile one ends as its own error (or is judged in time), the normal ones unslowed."""
    normal = {f"good{i}": site.add(f"/good{i}", GOOD) for i in range(3)}
    (tmp_path / "alone").mkdir()
    alone, t_alone = _audit(tmp_path / "alone", normal, "--timeout", "20", "--concurrency", "1")
    slow = GOOD.replace("In an emergency", "x" * 60 + ". In an emergency")
    accounts = {"good0": normal["good0"], "huge": site.add("/huge", HUGE), "good1": normal["good1"],
                "slow-phrase": site.add("/slow", slow), "good2": normal["good2"]}
    got, t_with = _audit(tmp_path, accounts, "--timeout", "20", "--concurrency", "1",
                         "--policy", str(_slow_policy(tmp_path)))
    ms = {k: got[k]["load"]["elapsed_ms"] for k in normal}
    print(f"\nnormal accounts alone: {t_alone:.1f} s run, "
          f"{[alone[k]['load']['elapsed_ms'] for k in normal]} ms each; next to the runaway ones: {t_with:.1f} s "
          f"run, {list(ms.values())} ms each; " + "; ".join(
              f"{k}: {got[k]['status']}, {got[k]['items']['official_statement']['reason']!r}"
              for k in ("huge", "slow-phrase")))
    for k in normal:
        assert got[k]["status"] == "compliant", got[k]["load"]
        assert ms[k] < max(3 * alone[k]["load"]["elapsed_ms"], 15_000), k
    huge = got["huge"]
    assert huge["status"] != "compliant"
    assert all(i["status"] != "pass" for i in huge["items"].values())
    # The phrase would backtrack for ever in Python's re; policy patterns run on RE2 (a hard dependency),
    # which judges it in linear time, so the page (compliant apart from the x's) is compliant. The
    # checks' budget on a phrase only Python's re runs: test_sigterm_is_obeyed_while_the_checks_run_away.
    phrase = got["slow-phrase"]
    assert phrase["status"] == "compliant", phrase
    assert t_with < t_alone + 2 * 20 + 2 * 60, "the run waits neither for the runaway work nor at exit"


@pytest.mark.browser
def test_sigterm_is_obeyed_while_the_checks_run_away(site: LoopbackSite, tmp_path: Path) -> None:
    page = GOOD.replace("In an emergency", "x" * 3_000 + ". In an emergency")
    accounts = {"done": site.add("/good", GOOD), "runaway": site.add("/x", page), "after": site.add("/after", GOOD)}
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "audit", "--sites", str(_registry(tmp_path, accounts)),
                             "--out", str(out), "--concurrency", "1", "--timeout", "30", "-q",
                             "--policy", str(_slow_policy(tmp_path, "(?<!q)x*x*x*x*y"))],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 90
    while not list(out.glob(".auditor-staging-*/snapshots/runaway.json")) and time.monotonic() < end:
        time.sleep(0.1)
    time.sleep(1.0)  # the checks on "runaway" are spinning now
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    print(f"\nexit {proc.returncode} {time.monotonic() - sent:.1f} s after SIGTERM")
    assert proc.returncode == 130, err
    assert time.monotonic() - sent < 20
    got = {a["id"]: a for a in load_results(out)["accounts"]}
    assert got["done"]["status"] == "compliant"
    assert "interrupted" in got["after"]["load"]["reason"]


def _flood(script: str) -> str:
    return GOOD.replace("<h1>MPD</h1>", f"<h1>MPD</h1><script>{script}</script>")


FLOODS = {
    "pushstate": _flood("addEventListener('load',()=>{let i=0;for(;;){history.pushState({},'','?'+(i++))}})"),
    "hash": _flood("addEventListener('load',()=>{let i=0;for(;;){location.hash='a'+(i++)}})"),
    "fetch": _flood("addEventListener('load',()=>setInterval(()=>{for(let i=0;i<50;i++)"
                    "fetch('/ping?'+Math.random()).catch(()=>0)},0))"),
    "busy": _flood("addEventListener('load',()=>setTimeout(()=>{for(;;){}},100))"),
}


@pytest.mark.browser
@pytest.mark.parametrize("concurrency", ["1", "2"])
def test_a_flood_does_not_outlive_its_account(site: LoopbackSite, tmp_path: Path, concurrency: str) -> None:
    site.add("/ping", "pong", content_type="text/plain")
    normal = {f"good{i}": site.add(f"/good{i}", GOOD) for i in range(3)}
    (tmp_path / "alone").mkdir()
    alone, t_alone = _audit(tmp_path / "alone", normal, "--timeout", "10", "--concurrency", concurrency)
    accounts: dict[str, str] = {}
    for name, page in FLOODS.items():
        accounts[name] = site.add(f"/{name}", page)
        accounts[f"after-{name}"] = site.add(f"/after-{name}", GOOD)  # a page of its own: one URL, one account
    got, t_with = _audit(tmp_path, accounts, "--timeout", "10", "--concurrency", concurrency)
    usual = max(a["load"]["elapsed_ms"] for a in alone.values())
    after = {k: got[k]["load"]["elapsed_ms"] for k in accounts if k.startswith("after-")}
    print(f"\nconcurrency {concurrency}: normal accounts alone {t_alone:.1f} s run, slowest {usual} ms; "
          f"after each flood: {after} ms; run {t_with:.1f} s; floods: "
          + "; ".join(f"{k}: {got[k]['status']} {got[k]['load']['reason']!r}" for k in FLOODS))
    for k in after:
        assert got[k]["status"] == "compliant", (k, got[k]["load"])
        # At concurrency 2 the account loading beside a flood when the browser is restarted is retried
        # once, so it pays up to a page timeout more (measured 19-29 s under load); the others do not.
        limit = max(4 * usual, 20_000) if concurrency == "1" else max(4 * usual, 45_000)
        assert after[k] < limit, (k, after[k], usual)
    for k in FLOODS:  # a flood page is read in time or is its own error: never a fail
        assert not any(i["status"] == "fail" for i in got[k]["items"].values()), (k, got[k]["load"])


@pytest.mark.browser
def test_a_restart_is_known_from_the_moment_the_browser_is_killed() -> None:
    """An account whose page dies while another account's flood restarts the browser is retried, not named
    unreachable: the runner asks ``restarted_since`` the moment its load fails, while the new browser is
    still starting. (CI once saw the account beside a flood called unreachable in that window.)"""
    import asyncio

    from auditor.collect.browser import BrowserSession, find_chromium

    async def run() -> tuple[bool, bool, bool]:
        async with BrowserSession(find_chromium(None, None)) as session:
            generation = session.generation
            restart = asyncio.create_task(session.restart(generation, by="flood"))
            while session.alive and not restart.done():
                await asyncio.sleep(0.005)
            during = (not restart.done(), session.restarted_since(generation, "neighbour"),
                      session.restarted_since(generation, "flood"))
            await restart
            return during[0] and during[1], during[2], session.alive and session.restarted_since(generation, "x")

    seen_in_window, own, after = asyncio.run(run())
    assert seen_in_window, "while the new browser starts, a neighbour must already see the restart"
    assert not own, "the flood's own restart is not a reason to retry the flood"
    assert after


class _Server:
    """A second loopback server on another address (127.0.0.2): a 'public' host next to 127.0.0.1."""

    def __init__(self, host: str, site: LoopbackSite) -> None:
        self.server = ThreadingHTTPServer((host, 0), site.server.RequestHandlerClass)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.browser
def test_internal_addresses_are_refused_and_named(site: LoopbackSite, tmp_path: Path) -> None:
    """A page registered on 127.0.0.2 embeds an image, a frame and a fetch of 127.0.0.1 (another
    host: 'internal' to it), localhost and the metadata address: none is fetched, each is named."""
    try:
        other = _Server("127.0.0.2", site)
    except OSError:
        pytest.skip("127.0.0.2 cannot be bound here")
    try:
        secret = site.base  # the same handler answers on 127.0.0.1
        port = site.server.server_address[1]
        page = GOOD.replace("<h1>MPD</h1>", f"""<h1>MPD</h1><img src="{secret}/secret.png">
            <iframe src="{secret}/frame"></iframe><img src="http://localhost:{port}/local.png">
            <img src="http://169.254.169.254/latest/meta-data/">
            <script>fetch("{secret}/api").catch(() => 0); new WebSocket("ws://127.0.0.1:{port}/ws")</script>""")
        site.add("/hostile", page)
        site.add("/redir", status=302, headers={"Location": f"{secret}/redirected.png"})
        page2 = GOOD.replace("<h1>MPD</h1>", '<h1>MPD</h1><img src="/redir">')
        site.add("/hostile2", page2)
        own_ws = GOOD.replace("<h1>MPD</h1>", '<h1>MPD</h1><script>new WebSocket('
                                               f'"ws://127.0.0.2:{other.server.server_address[1]}/ws-own")</script>')
        site.add("/hostile3", own_ws)
        accounts = {"hostile": f"{other.base}/hostile", "redirect": f"{other.base}/hostile2",
                    "own-loopback": site.add("/good", GOOD), "own-socket": f"{other.base}/hostile3"}
        got, _ = _audit(tmp_path, accounts, "--timeout", "30")
    finally:
        other.close()
    assert got["own-loopback"]["status"] == "compliant"
    hits = set(site.hits)
    for path in ("/secret.png", "/frame", "/api", "/local.png", "/ws"):
        assert path not in hits, f"{path} reached the internal server"
    assert "/ws-own" in hits, "a WebSocket to the account's own host goes through"
    snap = json.loads((tmp_path / "out" / "snapshots" / "hostile.json").read_text(encoding="utf-8"))
    blocked = " ".join(snap["load"]["blocked_requests"])
    print("\nblocked:", snap["load"]["blocked_requests"])
    for path in ("/secret.png", "/frame", "/api", "/local.png", "169.254.169.254", "/ws (WebSocket: internal"):
        assert path in blocked, path
    redirect = json.loads((tmp_path / "out" / "snapshots" / "redirect.json").read_text(encoding="utf-8"))
    if "/redirected.png" in hits:  # not routed again after the redirect: detected, and no screenshot
        assert redirect["screenshot"] is None
        assert any("redirected.png" in b for b in redirect["load"]["blocked_requests"])


@pytest.mark.browser
def test_a_replayed_page_opens_no_websocket(site: LoopbackSite, tmp_path: Path) -> None:
    """A replay reaches no network: HAR routing answers HTTP only, so a WebSocket a replayed page opens
    (here to a loopback server standing in for the world) is closed by the auditor, and named."""
    from auditor.collect import har

    port = site.server.server_address[1]
    # The script then holds the page for 1.5 s: the handshake (on the browser's network thread) would be made by then.
    page = GOOD.replace("<h1>MPD</h1>", f'<h1>MPD</h1><script>new WebSocket("ws://127.0.0.1:{port}/ws-replay");'
                                        "const t = Date.now(); while (Date.now() - t < 1500) {}</script>")
    archive = tmp_path / "replay.har"
    har.write(har.build([har.HarPage("http://127.0.0.3:9/mpd", page)]), archive)
    _, _ = _audit(tmp_path, {"replayed": "http://127.0.0.3:9/mpd"}, "--replay", str(archive))
    assert "/ws-replay" not in site.hits
    snap = json.loads((tmp_path / "out" / "snapshots" / "replayed.json").read_text(encoding="utf-8"))
    assert any("/ws-replay (WebSocket: a replay reaches no network)" in b for b in snap["load"]["blocked_requests"])


@pytest.mark.browser
def test_a_failure_of_the_tool_itself_is_exit_3_with_the_outputs_written(
        site: LoopbackSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """Faults injected into the tool (not the page): merging the recorded HAR at the end of the run,
    then writing junit.xml. Both end in exit 3 with every account in the outputs that could be written."""
    from auditor import cli
    from auditor.collect import har
    from auditor.outputs import junit

    sites = _registry(tmp_path, {"good": site.add("/good", GOOD), "other": site.add("/other", GOOD)})

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("injected fault")

    with monkeypatch.context() as m:
        m.setattr(har, "merge", broken)
        rc = cli.main(["audit", "--sites", str(sites), "--out", str(tmp_path / "a"), "-q", "--timeout", "20",
                       "--record-har", str(tmp_path / "a.har")])
    err = capsys.readouterr().err
    assert rc == 3, err
    assert "injected fault" in err and "Traceback" not in err
    got = {a["id"]: a for a in load_results(tmp_path / "a")["accounts"]}
    assert got["good"]["status"] == got["other"]["status"] == "compliant"  # done before the fault: kept
    assert (tmp_path / "a" / "report.html").is_file() and (tmp_path / "a" / "junit.xml").is_file()

    with monkeypatch.context() as m:
        m.setattr(junit, "write", broken)
        rc = cli.main(["audit", "--sites", str(sites), "--out", str(tmp_path / "b"), "-q", "--timeout", "20"])
    err = capsys.readouterr().err
    assert rc == 3, err
    assert "junit.xml (RuntimeError: injected fault)" in err
    assert len(load_results(tmp_path / "b")["accounts"]) == 2 and (tmp_path / "b" / "report.html").is_file()
