"""Sharding a registry across CI jobs, merging the shards, and the JUnit file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auditor.models import Account
from auditor.shard import parse_shard, select_shard, shard_of
from tests.conftest import load_results, run_auditor

ACCOUNTS = [Account(id=f"acct-{i}", name=str(i), url=f"https://x.com/a{i}", platform="x") for i in range(200)]


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_shards_hold_every_account_exactly_once(n: int) -> None:
    shards = [select_shard(ACCOUNTS, k, n) for k in range(1, n + 1)]
    ids = [a.id for shard in shards for a in shard]
    assert sorted(ids) == sorted(a.id for a in ACCOUNTS)
    if n > 1:
        assert all(len(s) > 200 / n / 3 for s in shards), "hash spreads accounts over the shards"


def test_an_accounts_shard_does_not_move_when_others_are_added() -> None:
    first_50 = {a.id for a in ACCOUNTS[:50]}
    small = {a.id for a in select_shard(ACCOUNTS[:50], 2, 4)}
    big = {a.id for a in select_shard(ACCOUNTS, 2, 4)}
    assert small == big & first_50
    assert 1 <= shard_of("mpd-x", 4) <= 4


@pytest.mark.parametrize("bad", ["0/2", "3/2", "2", "a/b", "1/0", ""])
def test_bad_shard_spec_is_bad_input(bad: str) -> None:
    from auditor.errors import InputError

    with pytest.raises(InputError, match="--shard"):
        parse_shard(bad)


@pytest.fixture(scope="module")
def shard_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("shards")
    common = ("--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--no-screenshots", "-q")
    dirs = {n: base / n for n in ("whole", "s1", "s2", "merged")}
    for name, extra in (("whole", ()), ("s1", ("--shard", "1/2")), ("s2", ("--shard", "2/2"))):
        proc = run_auditor("audit", *common, "--out", str(dirs[name]), *extra)
        assert proc.returncode in (0, 1), proc.stderr
    return dirs


@pytest.mark.browser
def test_two_shards_merged_equal_one_run(shard_runs: dict[str, Path]) -> None:
    whole, s1, s2, merged = (shard_runs[n] for n in ("whole", "s1", "s2", "merged"))
    assert load_results(s1)["counts"]["total"] + load_results(s2)["counts"]["total"] == 5
    proc = run_auditor("merge", str(s2), str(s1), "--sites", "demo/sites.yaml", "--out", str(merged))
    assert proc.returncode == 1, proc.stderr
    one, both = load_results(whole), load_results(merged)
    assert [(a["id"], a["status"], {k: v["status"] for k, v in a["items"].items()}) for a in one["accounts"]] == \
           [(a["id"], a["status"], {k: v["status"] for k, v in a["items"].items()}) for a in both["accounts"]]
    assert one["counts"] == both["counts"]
    assert (merged / "report.html").is_file()
    suites = ET.parse(merged / "junit.xml").getroot()
    assert len(suites.findall("testsuite")) == 5
    # fails: Facebook's c and the Fifth District's d; reviews: Instagram's six and the Fifth District's b
    assert suites.get("failures") == "2" and suites.get("skipped") == "7"
    fails = [c.get("name") for c in suites.iter("testcase") if c.find("failure") is not None]
    assert "II.C.3.d emergency_contact" in fails


@pytest.mark.browser
def test_merging_overlapping_shards_is_refused(shard_runs: dict[str, Path], tmp_path: Path) -> None:
    proc = run_auditor("merge", str(shard_runs["s1"]), str(shard_runs["whole"]), "--out", str(tmp_path / "m"))
    assert proc.returncode == 2 and "shards overlap" in proc.stderr


def test_merging_a_directory_without_results_is_bad_input(tmp_path: Path) -> None:
    proc = run_auditor("merge", str(tmp_path), "--out", str(tmp_path / "m"))
    assert proc.returncode == 2 and "results.json" in proc.stderr
