"""The collector against real Chromium and a real loopback web server: loads, walls, failures,
recording a HAR and replaying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.models import ITEM_IDS
from tests.conftest import LoopbackSite, load_results, run_auditor, write_registry

pytestmark = pytest.mark.browser

COMPLIANT = """<!DOCTYPE html><html><head><title>MPD Community Page</title>
<meta name="description" content="Official page of the Metropolitan Police Department, Washington, DC.">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"GovernmentOrganization",
"name":"Metropolitan Police Department","description":"Official account of the Metropolitan Police Department of
the District of Columbia. Maintained by the MPD Office of Communications. This page is not monitored 24/7. In an
emergency, call 911.","url":"https://mpdc.dc.gov/","telephone":"(202) 727-9099"}</script></head>
<body><nav><a href="/">Home</a></nav><h1>MPD</h1><article>Call 911 if you see this car.</article></body></html>"""


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _audit(tmp_path: Path, accounts: list[dict], *extra: str) -> tuple[int, dict, str]:
    sites = write_registry(tmp_path / "sites.yaml", accounts)
    out = tmp_path / "out"
    proc = run_auditor("audit", "--sites", str(sites), "--out", str(out), "--timeout", "5", *extra)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, {a["id"]: a for a in load_results(out)["accounts"]}, proc.stderr


def test_generic_page_read_from_json_ld_passes_all_six(site: LoopbackSite, tmp_path: Path) -> None:
    url = site.add("/mpd", COMPLIANT)
    rc, accounts, _ = _audit(tmp_path, [{"id": "gen", "name": "Generic", "url": url}])
    assert rc == 0
    a = accounts["gen"]
    assert a["platform"] == "generic" and a["status"] == "compliant"
    assert {i: a["items"][i]["status"] for i in ITEM_IDS} == dict.fromkeys(ITEM_IDS, "pass")


def test_failures_are_errors_and_walls_are_reviews_and_no_account_is_lost(site: LoopbackSite, tmp_path: Path) -> None:
    ok = site.add("/ok", COMPLIANT)
    gone = site.add("/gone", "<html><body>Sorry, this page isn't available.</body></html>", status=404)
    broken = site.add("/broken", "<html><body>Internal error</body></html>", status=500)
    slow = site.add("/slow", COMPLIANT, delay_s=8)
    site.add("/login", "<html><body><form><input name=u><input type=password name=p></form></body></html>")
    walled = site.add("/walled", "", status=302, headers={"Location": "/login?next=/walled"})
    refused = f"http://127.0.0.1:{_closed_port()}/nothing-listens-here"
    accounts = [{"id": n, "name": n, "url": u} for n, u in
                [("ok", ok), ("gone", gone), ("broken", broken), ("slow", slow), ("walled", walled),
                 ("refused", refused)]]
    rc, got, _ = _audit(tmp_path, accounts)
    assert rc == 1
    assert list(got) == ["ok", "gone", "broken", "slow", "walled", "refused"]
    assert got["ok"]["status"] == "compliant"
    for name, words in [("gone", "404"), ("broken", "500"), ("slow", "timed out"), ("refused", "refused")]:
        a = got[name]
        assert a["status"] == "unreachable", name
        assert {r["status"] for r in a["items"].values()} == {"error"}, name
        assert words in a["load"]["reason"], (name, a["load"]["reason"])
    w = got["walled"]
    assert w["status"] == "needs_review" and w["load"]["wall"] == "login"
    assert {r["status"] for r in w["items"].values()} == {"review"}


def test_record_a_run_then_replay_it_offline(site: LoopbackSite, tmp_path: Path) -> None:
    url = site.add("/mpd", COMPLIANT)
    har_path = tmp_path / "rec.har"
    (tmp_path / "live").mkdir()
    _, live, _ = _audit(tmp_path / "live", [{"id": "gen", "name": "Generic", "url": url}],
                        "--record-har", str(har_path))
    assert har_path.is_file() and url in har_path.read_text()
    site.server.shutdown()  # the live site is gone: only the HAR can answer now
    (tmp_path / "replay").mkdir()
    _, replayed, _ = _audit(tmp_path / "replay", [{"id": "gen", "name": "Generic", "url": url}],
                            "--replay", str(har_path))
    assert replayed["gen"]["status"] == live["gen"]["status"] == "compliant"


def test_a_page_missing_from_the_replay_archive_is_an_error_not_a_fail(tmp_path: Path) -> None:
    from auditor.collect import har

    har_path = tmp_path / "empty.har"
    har.write(har.build([]), har_path)
    _, got, _ = _audit(tmp_path, [{"id": "x", "name": "X", "url": "https://x.com/SomeoneElse"}],
                       "--replay", str(har_path))
    assert got["x"]["status"] == "unreachable"
    assert "not in the replay archive" in got["x"]["items"]["official_statement"]["reason"]


def test_a_browser_path_that_is_not_chromium_exits_3(tmp_path: Path) -> None:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": "a", "name": "A", "url": "https://x.com/a"}])
    proc = run_auditor("audit", "--sites", str(sites), "--out", str(tmp_path / "o"), "--browser", "/nonexistent")
    assert proc.returncode == 3
    assert "--browser: /nonexistent is not an executable Chromium" in proc.stderr
