"""Manual attestations: parsed from sites.yaml with file:line errors, applied after the checks,
shown as attested (never as found), expired ones are review; end to end on real Chromium."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from auditor import attestations
from auditor.errors import InputError
from auditor.models import Account, Attestation, Evidence, ItemResult
from auditor.registry import load_registry
from tests.conftest import load_results, run_auditor

GOOD = """accounts:
  - id: mpd-facebook
    name: MPD on Facebook
    url: https://www.facebook.com/DCPoliceDepartment
    element: Office of Communications
    attestations:
      - item: not_monitored_disclaimer
        by: J. Smith, Office of Communications
        date: 2026-11-02
        note: Disclaimer is in the cover photo text
        expires: "2099-05-02"
  - id: mpd-5d-x
    name: Fifth District on X
    url: https://x.com/MPD_5D
    element: Fifth District
    attestations:
      - item: emergency_contact
        by: K. Lee
        date: 2025-01-02
        expires: 2025-07-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_attestations_are_read_with_their_lines(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, GOOD))
    [fb, fifth] = reg.accounts
    assert fb.attestations == [Attestation(item="not_monitored_disclaimer", by="J. Smith, Office of Communications",
                                           date="2026-11-02", note="Disclaimer is in the cover photo text",
                                           expires="2099-05-02", line=7)]
    assert fifth.attestations[0].expires == "2025-07-01" and fifth.attestations[0].note == ""


@pytest.mark.parametrize(("old", "new", "message"), [
    ("item: not_monitored_disclaimer", "item: not_monitored",
     r"sites.yaml:7: account 'mpd-facebook': attestations\[0\]: unknown item 'not_monitored'"),
    ("date: 2026-11-02", "date: '2026-13-02'", r"sites.yaml:9: .*attestations\[0\]: date '2026-13-02' is not a date"),
    ("date: 2026-11-02", "date: 2026-13-02", r"sites.yaml:9: .*attestations\[0\]: date '2026-13-02' is not a date"),
    ("date: 2026-11-02", "date: yesterday", r"sites.yaml:9: .*date 'yesterday' is not a date"),
    ('expires: "2099-05-02"', "expires: 2020-01-01", r"sites.yaml:11: .*expires 2020-01-01 is before the date"),
    ("by: J. Smith, Office of Communications", "who: J. Smith",
     r"sites.yaml:8: .*unknown key 'who'(.|\n)*sites.yaml:7: .*missing 'by'"),
    ("      - item: not_monitored_disclaimer", "      - item: not_monitored_disclaimer\n        date: 2026-11-03",
     r"sites.yaml:10: .*duplicate key 'date' \(first on line 8\)"),
    ("    attestations:\n      - item: emergency_contact\n        by: K. Lee\n        date: 2025-01-02\n"
     "        expires: 2025-07-01\n", "    attestations: none\n",
     r"sites.yaml:16: account 'mpd-5d-x': 'attestations' must be a list, not a string"),
])
def test_bad_attestations_are_registry_errors_with_file_and_line(tmp_path: Path, old: str, new: str,
                                                                  message: str) -> None:
    assert old in GOOD
    with pytest.raises(InputError) as err:
        load_registry(write(tmp_path, GOOD.replace(old, new, 1)))
    assert re.search(message, str(err.value)), str(err.value)


def test_validate_cli_refuses_a_bad_attestation(tmp_path: Path) -> None:
    proc = run_auditor("validate", "--sites", str(write(tmp_path, GOOD.replace("item: emergency_contact",
                                                                                "item: 911", 1))))
    assert proc.returncode == 2 and "unknown item '911'" in proc.stderr and "sites.yaml:17:" in proc.stderr


ACCOUNT = Account(id="a", name="A", url="https://x.com/a", platform="x", attestations=[
    Attestation(item="maintained_by", by="J. Smith", date="2026-11-02", note="In the header image", line=9),
    Attestation(item="emergency_contact", by="K. Lee", date="2025-01-02", expires="2025-07-01"),
    Attestation(item="website_link", by="K. Lee", date="2026-01-02"),
    Attestation(item="general_contact", by="K. Lee", date="2026-01-02"),
])


def items(**statuses: str) -> dict[str, ItemResult]:
    return {k: ItemResult(item=k, status=v, reason=f"auditor said {v}",  # type: ignore[arg-type]
                          evidence=[Evidence(quote="q", region="bio")]) for k, v in statuses.items()}


def test_apply_attested_expired_error_and_found() -> None:
    out = attestations.apply(ACCOUNT, items(maintained_by="fail", emergency_contact="fail", website_link="error",
                                            general_contact="pass", official_statement="review"),
                             today=date(2026, 11, 24))
    m = out["maintained_by"]
    assert m.status == "pass" and m.attestation is not None
    assert m.reason == "Attested by J. Smith on 2026-11-02: In the header image (not verified by the auditor)"
    assert [(e.region, e.quote) for e in m.evidence] == [("attestation", "In the header image")]
    assert "sites.yaml line 9" in m.evidence[0].source
    e = out["emergency_contact"]
    assert e.status == "review" and "expired on 2025-07-01" in e.reason and "auditor said fail" in e.reason
    assert out["website_link"].status == "error" and out["website_link"].attestation is None, \
        "an unreachable page is never covered by an attestation"
    assert out["general_contact"].attestation is None, "a pass the auditor found stays the auditor's"
    assert out["official_statement"].status == "review", "no attestation for it"


def test_attestation_counts_until_its_expiry_day() -> None:
    acc = Account(id="a", name="A", url="https://x.com/a", platform="x", attestations=[
        Attestation(item="maintained_by", by="J", date="2026-01-01", expires="2026-06-30")])
    assert attestations.apply(acc, items(maintained_by="fail"), date(2026, 6, 30))["maintained_by"].status == "pass"
    assert attestations.apply(acc, items(maintained_by="fail"), date(2026, 7, 1))["maintained_by"].status == "review"


@pytest.mark.browser
def test_attested_items_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_auditor("audit", "--sites", str(write(tmp_path, GOOD)), "--replay", "demo/demo.har", "--out", str(out),
                       "--no-screenshots")
    assert proc.returncode == 1, proc.stderr
    data = load_results(out)
    fb, fifth = data["accounts"]
    # Facebook's demo page lacks the disclaimer (a fail without the attestation).
    c = fb["items"]["not_monitored_disclaimer"]
    assert c["status"] == "pass" and c["attestation"]["by"] == "J. Smith, Office of Communications"
    assert c["reason"].endswith("(not verified by the auditor)")
    assert fb["status"] == "compliant" and fb["attestations"][0]["item"] == "not_monitored_disclaimer"
    d = fifth["items"]["emergency_contact"]
    assert d["status"] == "review" and "expired on 2025-07-01" in d["reason"]
    # Nothing fails any more: its maintained-by wording is a near-miss (review) and d's attestation expired.
    assert fifth["status"] == "needs_review" and fifth["items"]["maintained_by"]["status"] == "review"
    assert "[2/2] mpd-facebook: compliant (pass=6, 1 attested)" in proc.stderr \
        or "mpd-facebook: compliant (pass=6, 1 attested)" in proc.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    # The matrix row of MPD on Facebook: column c says Attested, not Pass.
    row = html[html.index('href="#acct-mpd-facebook"'):]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[:row.index("</tr>")], re.S)
    assert len(cells) == 7
    # cells: status, then items a-f; c (not monitored disclaimer) is cells[3].
    assert "Compliant" in cells[0]
    assert "Attested" in cells[3] and "Pass" not in cells[3]
    assert all("Pass" in c and "Attested" not in c for i, c in enumerate(cells[1:], 1) if i != 3)
    assert "1 item passes because a person recorded in the registry" in html
    assert "attestation recorded in the registry (not seen by the auditor)" in html
    # Re-checking the saved snapshots keeps the attestations (they are in results.json).
    proc = run_auditor("recheck", str(out))
    assert load_results(out)["accounts"][0]["items"]["not_monitored_disclaimer"]["status"] == "pass", proc.stderr
