"""Run health is not account health: a run that could not look says so (banner, exit 3 or 130, mail
subject) and leaves history alone ("not read this time", never "fixed" or "newly failing").

End to end against the real CLI: an offline run (unresolvable hosts and a refused loopback port), a
browser that cannot start, an interrupted run (SIGTERM) and a merge with a shard missing; each next
to a previous run whose items passed, so history pollution would show.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from auditor import health
from auditor.models import AccountResult, AuditRun, ItemResult, LoadSummary
from auditor.outputs import email as mail
from auditor.outputs import history
from auditor.shard import MISSING_SHARD, shard_of
from auditor.status import count_statuses
from tests.conftest import ROOT, LoopbackSite, load_results, run_auditor, write_registry

FIXTURE = ROOT / "tests" / "fixtures" / "delivery_run.json"
GOOD = """<!DOCTYPE html><html><head><title>MPD</title><script type="application/ld+json">
{"@type":"GovernmentOrganization","name":"MPD","description":"Official account of the Metropolitan Police
Department of the District of Columbia. Maintained by the MPD Office of Communications. Not monitored 24/7.
In an emergency, call 911.","url":"https://mpdc.dc.gov/","telephone":"(202) 727-9099"}</script></head>
<body><h1>MPD</h1></body></html>"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _account(aid: str, outcome: str = "ok", reason: str = "", wall: str | None = None,
             status: str = "pass") -> AccountResult:
    items = {i: ItemResult(item=i, status=status, reason="r") for i in
             ("official_statement", "maintained_by", "not_monitored_disclaimer", "emergency_contact",
              "website_link", "general_contact")}
    return AccountResult(id=aid, name=aid.upper(), url=f"https://example.org/{aid}", platform="generic",
                         status="compliant" if status == "pass" else "unreachable", items=items,
                         load=LoadSummary(outcome=outcome, reason=reason, wall=wall))


def _run(accounts: list[AccountResult], interrupted: bool = False) -> AuditRun:
    run = AuditRun(schema_version="1.0", tool_version="t", started_at="2026-11-24T14:05:02+00:00",
                   finished_at="2026-11-24T14:05:09+00:00", duration_s=7, registry="sites.yaml",
                   policy_id="mpd-dc", policy_name="MPD", interrupted=interrupted,
                   counts=count_statuses(accounts), accounts=accounts)
    run.health = health.of_run(run)
    return run


def _offline(aid: str, code: str = "ERR_NAME_NOT_RESOLVED") -> AccountResult:
    return _account(aid, "failed", f"the host name does not resolve loading https://{aid}.invalid/ ({code})",
                    "error_page", status="error")


def test_health_is_decided_from_the_run() -> None:
    assert health.of_run(_run([_account("a"), _account("b")])).complete
    offline = health.of_run(_run([_offline("a"), _offline("b", "ERR_CONNECTION_REFUSED")]))
    assert not offline.complete and offline.reason == "no network" and "ERR_NAME_NOT_RESOLVED" in offline.detail
    # One bad host among readable accounts, or a one-account run, is that account's problem.
    assert health.of_run(_run([_offline("a"), _account("b")])).complete
    assert health.of_run(_run([_offline("a")])).complete
    # A page that failed for its own reason (an HTTP error, a timeout) is not an outage.
    assert health.of_run(_run([_offline("a"), _account("b", "failed", "HTTP 404", "not_found", "error")])).complete
    missing = health.of_run(_run([_account("a"), _account("b", "failed", MISSING_SHARD, "unfinished", "error")]))
    assert not missing.complete and missing.reason == "results of 1 account missing" and "b" in missing.detail
    stopped = health.of_run(_run([_account("a"), _account("b", "failed", "x", "unfinished", "error")], True))
    assert not stopped.complete and stopped.reason == "interrupted" and "1 account of 2" in stopped.detail
    nobrowser = _account("a", "failed", f"{health.NOT_STARTED}: Chromium failed to start", "unfinished", "error")
    assert health.of_run(_run([nobrowser])).reason == "the browser could not start"


def test_subject_says_the_run_could_not_run() -> None:
    assert mail.subject(_run([_offline("a"), _offline("b")])) == \
        "MPD social media audit 2026-11-24: audit could not run: no network"
    stopped = _run([_account("a"), _account("b", "failed", "x", "unfinished", "error")], interrupted=True)
    assert mail.subject(stopped).endswith("(run interrupted)")
    missing = _run([_account("a"), _account("b", "failed", MISSING_SHARD, "unfinished", "error")])
    assert mail.subject(missing) == ("MPD social media audit 2026-11-24: audit did not complete "
                                     "(results of 1 account missing); 1 of 2 accounts needs action")


def test_history_does_not_count_accounts_not_read() -> None:
    good, offline = _run([_account("a"), _account("b")]), _run([_offline("a"), _offline("b")])
    c = history.compare(good, offline)
    assert c.not_read == ["a", "b"] and not (c.newly_failing or c.fixed or c.still_failing)
    c = history.compare(offline, good)  # the run after the outage: nothing is "fixed"
    assert c.not_read_before == ["a", "b"] and not (c.newly_failing or c.fixed or c.still_failing)
    assert "Not read in the previous run (not compared): a, b" in "\n".join(history.summary_lines(c))


@dataclass
class Box:
    messages: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd API
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Box]]:
    box, port = Box(), free_port()
    c = Controller(box, hostname="127.0.0.1", port=port)
    c.start()
    yield port, box
    c.stop()


def _env(port: int) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_FROM="MPD Social Media Audit <audit-bot@mpdc.dc.gov>",
               SMTP_TIMEOUT="20")
    return env


def _previous(tmp_path: Path, ids: list[str]) -> Path:
    """A previous run in which every item of these accounts passed."""
    data = json.loads(FIXTURE.read_text())
    template = data["accounts"][0]  # MPD on X: compliant
    data["accounts"] = [{**template, "id": i, "name": i} for i in ids]
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _assert_banner(out: Path, reason: str) -> None:
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="run-health"' in html and f"The audit did not complete: {reason}" in html
    assert html.index('id="run-health"') < html.index("Summary")  # it opens the report


@pytest.mark.browser
def test_offline_run_exits_3_with_a_banner_a_plain_subject_and_clean_history(tmp_path: Path, smtp,  # noqa: ANN001
                                                                            site: LoopbackSite) -> None:
    port, box = smtp
    accounts = [{"id": "one", "name": "One", "url": "https://nonexistent.invalid/one", "platform": "generic"},
                {"id": "two", "name": "Two", "url": f"http://127.0.0.1:{free_port()}/two", "platform": "generic"},
                {"id": "three", "name": "Three", "url": f"http://127.0.0.1:{free_port()}/", "platform": "generic"}]
    sites = write_registry(tmp_path / "sites.yaml", accounts)
    out = tmp_path / "out"
    proc = run_auditor("audit", "--sites", str(sites), "--out", str(out), "-q", "--timeout", "10", "--previous",
                       str(_previous(tmp_path, ["one", "two", "three"])), "--email-to", "comms@mpdc.dc.gov",
                       env=_env(port))
    assert proc.returncode == 3, proc.stderr
    assert "the audit did not complete (no network)" in proc.stderr
    data = load_results(out)
    assert data["health"]["complete"] is False and data["health"]["reason"] == "no network"
    assert data["changes"]["not_read"] == ["one", "two", "three"]
    assert data["changes"]["newly_failing"] == [] and data["changes"]["fixed"] == []
    _assert_banner(out, "no network")
    [raw] = box.messages
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"].endswith(": audit could not run: no network")
    assert "The audit did not complete: no network" in msg.get_body(("html",)).get_content()
    assert "THE AUDIT DID NOT COMPLETE: no network." in msg.get_body(("plain",)).get_content()
    assert "Not read this time (3): one, two, three" in msg.get_body(("plain",)).get_content()
    assert "What to fix, account by account" not in (out / "report.html").read_text(encoding="utf-8")

    # The next run, with the network back, compares with the offline one: nothing is "fixed".
    back = [{**a, "url": site.add(f"/{a['id']}", GOOD)} for a in accounts]
    out2 = tmp_path / "out2"
    proc = run_auditor("audit", "--sites", str(write_registry(tmp_path / "back.yaml", back)), "--out", str(out2),
                       "-q", "--previous", str(out))
    assert proc.returncode == 0, proc.stderr
    ch = load_results(out2)["changes"]
    assert ch["fixed"] == [] and ch["newly_failing"] == [] and ch["not_read_before"] == ["one", "two", "three"]


def test_a_browser_that_cannot_start_still_writes_the_report_and_exits_3(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(out), "-q",
                       "--browser", "/bin/false")
    assert proc.returncode == 3, proc.stderr
    data = load_results(out)
    assert data["health"]["reason"] == "the browser could not start"
    assert all(a["load"]["reason"].startswith(health.NOT_STARTED) for a in data["accounts"])
    _assert_banner(out, "the browser could not start")


@pytest.mark.browser
def test_an_interrupted_run_shows_the_banner_exits_130_and_keeps_history_clean(tmp_path: Path,
                                                                               site: LoopbackSite) -> None:
    import time

    def never(handler) -> None:  # noqa: ANN001
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(b"<html><body><p>Loading")
        handler.wfile.flush()
        time.sleep(20)

    accounts = [{"id": "done", "name": "Done", "url": site.add("/good", GOOD)},
                {"id": "stuck", "name": "Stuck", "url": site.add("/never", handler=never)},
                {"id": "later", "name": "Later", "url": site.add("/later", GOOD)}]
    sites = write_registry(tmp_path / "sites.yaml", accounts)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "audit", "--sites", str(sites), "--out", str(out),
                             "-q", "--concurrency", "1", "--timeout", "10", "--previous",
                             str(_previous(tmp_path, ["done", "stuck", "later"]))],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 60
    while "/never" not in site.hits and time.monotonic() < end:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    data = load_results(out)
    assert data["health"] == {"complete": False, "reason": "interrupted", "detail": data["health"]["detail"]}
    assert "2 accounts of 3 were not read" in data["health"]["detail"]
    assert sorted(data["changes"]["not_read"]) == ["later", "stuck"]
    assert data["changes"]["newly_failing"] == [] and data["changes"]["fixed"] == []
    _assert_banner(out, "interrupted")


@pytest.mark.browser
def test_a_merge_with_a_missing_shard_shows_the_banner_and_exits_3(tmp_path: Path) -> None:
    k = 2 if shard_of("mpd-x", 2) == 1 else 1  # the shard without MPD on X: its results go missing
    shard = tmp_path / "shard"
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(shard), "-q",
                       "--no-screenshots", "--shard", f"{k}/2", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "merged"
    proc = run_auditor("merge", str(shard), "--sites", "demo/sites.yaml", "--out", str(out), "--previous", str(FIXTURE))
    assert proc.returncode == 3, proc.stderr
    data = load_results(out)
    missing = [a["id"] for a in data["accounts"] if a["load"]["reason"] == MISSING_SHARD]
    assert "mpd-x" in missing and data["health"]["complete"] is False
    assert data["health"]["reason"] == f"results of {len(missing)} account{'s' if len(missing) > 1 else ''} missing"
    assert "mpd-x" in data["changes"]["not_read"]
    assert all(c["account"] not in missing for c in data["changes"]["newly_failing"] + data["changes"]["fixed"])
    _assert_banner(out, data["health"]["reason"])
