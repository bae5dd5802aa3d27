"""The report's advice agrees with itself (no browser): each item's "What to do" names the place and
words of the fix box, and the maintained-by text names the account's element from the registry."""

from __future__ import annotations

from pathlib import Path

import checks
from auditor import remediation
from auditor.models import ITEM_IDS, AccountResult, AuditRun, ItemResult, LoadSummary, Snapshot, TextBlock
from auditor.outputs import html_report
from auditor.policy import load_policy

FULL_BIO = "Official account of DC's Metropolitan Police Department (MPDC). Not monitored 24/7. " \
           "Tips: (202) 727-9099. News and safety updates for the District."  # 148 of X's 160 characters


def _run(tmp_path: Path, element: str | None, owner: str | None = None, bio: str = FULL_BIO) -> AuditRun:
    items = {i: ItemResult(item=i, status="pass", reason="found") for i in ITEM_IDS}
    for i in ("maintained_by", "emergency_contact"):
        items[i] = ItemResult(item=i, status="fail", reason="missing")
    a = AccountResult(id="acct", name="Acct", url="https://x.com/acct", platform="x", element=element, owner=owner,
                      status="non_compliant", items=items, load=LoadSummary(outcome="ok"))
    snap = Snapshot(account_id="acct", platform="x", requested_url=a.url, texts=[TextBlock(region="bio", text=bio)])
    (tmp_path / "snapshots").mkdir(exist_ok=True)
    (tmp_path / "snapshots" / "acct.json").write_text(snap.model_dump_json(), encoding="utf-8")
    return AuditRun(schema_version="1.0", tool_version="t", started_at="2026-11-24T14:05:02+00:00",
                    finished_at="2026-11-24T14:05:09+00:00", duration_s=7, registry="sites.yaml", policy_id="mpd-dc",
                    policy_name="MPD", counts={"non_compliant": 1, "total": 1}, accounts=[a])


def _view(run: AuditRun, out: Path) -> html_report.AccountView:
    [group] = html_report.build(run, out, load_policy(), thumbs=False)
    return group.accounts[0]


def test_item_advice_names_the_fix_box_place_when_the_bio_is_full(tmp_path: Path) -> None:
    v = _view(_run(tmp_path, "Fifth District"), tmp_path)
    [fix] = v.fixes
    assert fix.new_post and v.fix_verified  # the bio has no room: a pinned post, checked by the auditor
    assert "Maintained by MPD's Fifth District." in fix.text
    todo = {it.id: it.todo for it in v.items if it.todo}
    assert set(todo) == {"maintained_by", "emergency_contact"}
    for text in todo.values():
        assert text.startswith("Publish as a new post, pinned to the top of the profile: ")
        assert "bio" not in text.lower(), text  # never "add to the bio" when the fix box says otherwise
    assert "“Maintained by MPD's Fifth District.”" in todo["maintained_by"]
    assert f"“{checks.META['emergency_contact'].example}”" in todo["emergency_contact"]
    # The action list and the mail say the same: where, and the text.
    assert v.todo_lines == [("Publish as a new post, pinned to the top of the profile", fix.text)]


def test_item_advice_names_the_bio_when_the_text_fits(tmp_path: Path) -> None:
    v = _view(_run(tmp_path, None, owner="Sixth District", bio="News."), tmp_path)
    [fix] = v.fixes
    assert fix.label == "Bio (Edit profile)" and "Maintained by MPD's Sixth District." in fix.text  # the owner
    assert all(it.todo.startswith("Add to the Bio (Edit profile): ") for it in v.items if it.todo)


def test_without_element_or_owner_the_policy_example_stands(tmp_path: Path) -> None:
    v = _view(_run(tmp_path, None, bio="News."), tmp_path)
    assert checks.META["maintained_by"].example in v.fixes[0].text
    assert remediation.account_examples(v.a, load_policy(), "en") == {}
