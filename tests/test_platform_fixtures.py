"""Every platform's fixture set, audited through the real CLI and Chromium from a replay HAR.

Each folder under tests/fixtures/platforms/<platform>/ holds realistic logged-out pages of that
platform (manifest.yaml -> pages/), a registry (sites.yaml) and what a person reading those
pages finds (expected.yaml: account status and the six item statuses, in II.C.3 order).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.collect import har
from auditor.models import ITEM_IDS
from tests.conftest import ROOT, load_results, run_auditor

pytestmark = pytest.mark.browser
FIXTURES = ROOT / "tests" / "fixtures" / "platforms"
PLATFORM_DIRS = sorted(p for p in FIXTURES.iterdir() if (p / "expected.yaml").is_file()) if FIXTURES.is_dir() else []


@pytest.mark.parametrize("folder", PLATFORM_DIRS, ids=lambda p: p.name)
def test_platform_fixtures_are_audited_right(folder: Path, tmp_path: Path) -> None:
    har_path = tmp_path / "replay.har"
    har.write(har.build_from_manifest(folder / "manifest.yaml"), har_path)
    out = tmp_path / "out"
    proc = run_auditor("audit", "--sites", str(folder / "sites.yaml"), "--replay", str(har_path), "--out", str(out),
                       "--no-screenshots", "--timeout", "15")
    assert proc.returncode in (0, 1), proc.stderr
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    got = {a["id"]: a for a in load_results(out)["accounts"]}
    problems = []
    for account_id, want in expected.items():
        a = got[account_id]
        want_items = want["items"].split()
        have_items = [a["items"][i]["status"] for i in ITEM_IDS]
        if a["platform"] != folder.name and want.get("platform", folder.name) != a["platform"]:
            problems.append(f"{account_id}: platform {a['platform']}")
        if a["status"] != want["status"] or have_items != want_items:
            detail = "; ".join(f"{i}={a['items'][i]['status']} ({a['items'][i]['reason'][:140]})"
                               for i, w in zip(ITEM_IDS, want_items, strict=True) if a["items"][i]["status"] != w)
            problems.append(f"{account_id}: {a['status']} (want {want['status']}): {detail or a['load']['reason']}")
        for item in a["items"].values():  # nothing passes without evidence
            assert item["status"] != "pass" or item["evidence"], (account_id, item)
    assert not problems, "\n".join(problems)
