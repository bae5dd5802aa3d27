"""Every built-in policy's own check cases (auditor/policies/cases/<policy>.yaml): profiles in,
statuses out. One generic runner: no case is Python tied to one agency."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import checks
from auditor import attestations, remediation
from auditor.models import Attestation, Coverage, Link, LoadInfo, PartSeen, Snapshot, TextBlock
from auditor.policy import POLICY_DIR, builtin_policies, load_policy

CASES_DIR = POLICY_DIR / "cases"
REGIONS = ("bio", "about", "pinned", "header", "profile_field", "meta", "feed", "other")
PARTS = ("bio", "about", "website", "contact", "pinned", "header")


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            out.append(pytest.param(path.stem, case, id=f"{path.stem}: {case['name']}"))
    return out


def snapshot_of(case: dict[str, Any]) -> Snapshot:
    texts = [TextBlock(region=r, text=case[r]) for r in REGIONS if case.get(r)]  # type: ignore[arg-type]
    links = [Link(region=lk.get("region", "bio"), href=lk.get("href", lk["target"]), target=lk["target"],
                  text=lk.get("text", lk["target"])) for lk in case.get("links", [])]
    # The profile was read in full unless the case says otherwise: every part seen (empty where no text).
    unseen = set(case.get("unseen", []))
    coverage = Coverage(expected=list(PARTS), seen=[PartSeen(part=p, how="dom") for p in PARTS if p not in unseen])
    return Snapshot(account_id="case", platform=case.get("platform", "x"), requested_url="https://x.com/case",
                    texts=texts, links=links, coverage=coverage,
                    load=LoadInfo(outcome=case.get("outcome", "ok"), wall=case.get("wall")))


def test_every_builtin_policy_has_cases() -> None:
    assert set(builtin_policies()) <= {p.stem for p in CASES_DIR.glob("*.yaml")}


@pytest.mark.parametrize(("policy_name", "case"), _cases())
def test_case(policy_name: str, case: dict[str, Any]) -> None:
    policy = load_policy(policy_name)
    assert set(case["expect"]) <= set(policy.item_ids), "the case names items the policy does not have"
    snap = snapshot_of(case)
    results = checks.run_all(snap, policy)
    if case.get("attest"):
        account = type("A", (), {"attestations": [Attestation(item=i, by="A. Person", date="2026-11-01")
                                                  for i in case["attest"]]})()
        results = attestations.apply(account, results, today=date(2026, 11, 2))  # type: ignore[arg-type]
    got = {i: results[i].status for i in case["expect"]}
    assert got == case["expect"], {i: results[i].reason for i in case["expect"]}
    for r in results.values():
        assert r.reason
        if r.status == "pass" and r.attestation is None:
            assert r.evidence and all(e.quote for e in r.evidence)
    if "language" in case:
        assert policy.detect_language(t.text for t in snap.profile_texts()) == case["language"]
    if "fix_language" in case:
        missing = [i for i, r in results.items() if r.status == "fail"]
        lang = remediation.language_of(None, snap, policy)
        s = remediation.suggest(snap.platform, missing, policy, remediation.current_lengths(snap, snap.platform),
                                lang)
        assert s is not None and s.ok and s.language == case["fix_language"], s
        text = " ".join(p.text for p in s.placements)
        for words in case.get("fix_contains", []):
            assert words in text, text


def test_cases_files_are_only_for_builtin_policies() -> None:
    names = set(builtin_policies())
    assert {p.stem for p in Path(CASES_DIR).glob("*.yaml")} <= names
