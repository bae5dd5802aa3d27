"""Merging shards in CI: an account no shard reported (a shard job died) is listed, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.shard import select_shard
from tests.conftest import load_results, run_auditor


@pytest.mark.browser
def test_merge_lists_accounts_missing_from_every_shard(tmp_path: Path) -> None:
    from auditor.registry import load_registry

    shard = tmp_path / "shard-1"
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--shard", "1/2",
                       "--out", str(shard), "-q", "--no-screenshots", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    accounts = load_registry(Path("demo/sites.yaml")).accounts
    lost = [a.id for a in accounts if a not in select_shard(accounts, 1, 2)]
    assert lost, "shard 2 holds some accounts"
    out = tmp_path / "merged"
    proc = run_auditor("merge", str(shard), "--sites", "demo/sites.yaml", "--out", str(out), "--fail-on",
                       "unreachable")
    assert proc.returncode == 3, proc.stderr  # a shard's results are missing: the run did not complete
    assert f"{len(lost)} registered account(s) missing from the shards: {', '.join(lost)}" in proc.stderr
    data = load_results(out)
    assert [a["id"] for a in data["accounts"]] == [a.id for a in accounts]
    assert data["counts"]["total"] == 5 and data["counts"]["unreachable"] >= len(lost)
    for a in data["accounts"]:
        if a["id"] in lost:
            assert a["status"] == "unreachable" and "no shard's results include this account" in a["load"]["reason"]
            assert {r["status"] for r in a["items"].values()} == {"error"}
    assert "no shard&#39;s results include this account" in (out / "report.html").read_text() or \
        "no shard's results include this account" in (out / "report.html").read_text()
