"""``auditor recheck DIR``: re-judges saved snapshots in place, and keeps when the pages were read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main, parser
from auditor.models import Account, Snapshot, TextBlock
from auditor.outputs import results_json
from auditor.policy import load_policy
from auditor.runner import build_run, judge

READ_AT, READ_END = "2026-11-24T14:05:02+00:00", "2026-11-24T14:07:40+00:00"


def _finished_run(out: Path) -> None:
    policy = load_policy(None)
    account = Account(id="mpd-x", name="MPD on X", url="https://x.com/DCPoliceDept", platform="x")
    snap = Snapshot(account_id="mpd-x", platform="x", requested_url=account.url, final_url=account.url,
                    texts=[TextBlock(region="bio", text="Official account of the Metropolitan Police Department.")],
                    collected_at=READ_AT)
    run = build_run([judge(account, snap, policy)], policy, "sites.yaml", READ_AT, 158.0)
    run = run.model_copy(update={"finished_at": READ_END})
    (out / "snapshots").mkdir(parents=True)
    (out / "snapshots" / "mpd-x.json").write_text(snap.model_dump_json(), encoding="utf-8")
    results_json.write(run, out)


def test_recheck_keeps_when_the_pages_were_read_and_adds_when_they_were_rejudged(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _finished_run(out)
    assert main(["recheck", str(out), "--fail-on", "never"]) == 0
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert (data["started_at"], data["finished_at"], data["duration_s"]) == (READ_AT, READ_END, 158.0)
    assert data["rechecked_at"] > READ_END
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    results_json.read(out / "results.json")  # still valid against the schema


def test_recheck_help_says_what_is_rewritten(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["recheck", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "results.json, report.html and junit.xml are rewritten in place" in text
    assert "rechecked_at says when they were re-judged" in text
