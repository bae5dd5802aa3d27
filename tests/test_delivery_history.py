"""What changed since the last run (--previous, or the archive's latest run): unit and end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.models import AuditRun
from auditor.outputs import history
from tests.conftest import ROOT, load_results, run_auditor

FIXTURE = ROOT / "tests" / "fixtures" / "delivery_run.json"


def run_from(data: dict) -> AuditRun:
    return AuditRun.model_validate(data)


def test_compare_names_newly_failing_fixed_still_failing_added_removed() -> None:
    before = json.loads(FIXTURE.read_text())
    after = json.loads(FIXTURE.read_text())
    x, fb = after["accounts"]
    x["items"]["emergency_contact"]["status"] = "fail"  # was pass
    fb["items"]["not_monitored_disclaimer"]["status"] = "pass"  # was fail
    fb["items"]["website_link"]["status"] = "review"  # was pass
    before["accounts"][1]["items"]["general_contact"]["status"] = "error"  # error -> review now: still failing
    fb["items"]["general_contact"]["status"] = "review"
    after["accounts"].append({**x, "id": "mpd-new", "name": "New"})
    before["accounts"].append({**before["accounts"][0], "id": "mpd-gone", "name": "Gone"})
    c = history.compare(run_from(before), run_from(after), "prev/results.json")
    assert [(ch.account, ch.item, ch.before, ch.after) for ch in c.newly_failing] == [
        ("mpd-x", "emergency_contact", "pass", "fail"), ("mpd-facebook", "website_link", "pass", "review")]
    assert [(ch.account, ch.item) for ch in c.fixed] == [("mpd-facebook", "not_monitored_disclaimer")]
    assert [(ch.account, ch.item, ch.before, ch.after) for ch in c.still_failing] == [
        ("mpd-facebook", "general_contact", "error", "review")]
    assert c.accounts_added == ["mpd-new"] and c.accounts_removed == ["mpd-gone"]
    assert c.previous_source == "prev/results.json" and c.previous_started_at == "2026-11-24T14:05:02+00:00"
    text = "\n".join(history.summary_lines(c))
    assert "Newly failing (2):" in text and "MPD on X (mpd-x): emergency contact: pass -> fail" in text
    assert "Accounts added: mpd-new" in text and "Accounts removed: mpd-gone" in text


def test_same_results_say_nothing_new() -> None:
    run = run_from(json.loads(FIXTURE.read_text()))
    c = history.compare(run, run)
    assert not (c.newly_failing or c.fixed or c.accounts_added or c.accounts_removed)
    assert [(ch.account, ch.item) for ch in c.still_failing] == [("mpd-facebook", "not_monitored_disclaimer")]
    assert history.summary_lines(c)[1] == "  nothing new; 1 item(s) still need action"


@pytest.mark.browser
def test_previous_run_changes_reach_results_report_and_log(tmp_path: Path) -> None:
    prev = json.loads(FIXTURE.read_text())
    # The previous run saw MPD on X without its website link, and Facebook with the disclaimer.
    prev["accounts"][0]["items"]["website_link"]["status"] = "fail"
    prev["accounts"][1]["items"]["not_monitored_disclaimer"]["status"] = "pass"
    prev_path = tmp_path / "prev.json"
    prev_path.write_text(json.dumps(prev), encoding="utf-8")
    out = tmp_path / "out"
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(out),
                       "--no-screenshots", "-q", "--previous", str(prev_path))
    assert proc.returncode == 1, proc.stderr
    ch = load_results(out)["changes"]
    assert [(c["account"], c["item"]) for c in ch["fixed"]] == [("mpd-x", "website_link")]
    assert [(c["account"], c["item"], c["after"]) for c in ch["newly_failing"]] == [
        ("mpd-facebook", "not_monitored_disclaimer", "fail")]
    assert ch["accounts_added"] == ["mpd-instagram", "mpd-youtube", "mpd-5d-x"] and ch["accounts_removed"] == []
    assert "Newly failing (1):" in proc.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "What changed since the last run" in html
    section = html[html.index("What changed since the last run"):html.index("Accounts and items")]
    assert "Newly failing (1)" in section and "Fixed (1)" in section and "MPD on Facebook" in section
    assert "Accounts added:</b> mpd-instagram, mpd-youtube, mpd-5d-x" in section


def test_bad_previous_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--out", str(tmp_path / "o"), "--previous",
                       str(tmp_path / "bad.json"))
    assert proc.returncode == 2 and "--previous: not a valid results.json" in proc.stderr
    assert not (tmp_path / "o").exists()
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--previous", str(tmp_path / "none.json"))
    assert proc.returncode == 2 and "results.json not found" in proc.stderr
