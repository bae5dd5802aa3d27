"""Coverage on every fixture page, without a browser: which profile parts each platform module
says it saw. A page meant to be read in full reports every part of its platform's profile seen
(so an expected `fail` stays a fail once the checks gate `fail` on coverage); a page behind a
wall, a script shell, a crawler answer or an unknown log-in prompt reports what it could not see."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.collect.platforms import get
from auditor.collect.platforms.base import Declared, PageCapture
from tests.platforms.replay import FIXTURES, ROOT, accounts, extract

SETS = sorted(p for p in FIXTURES.iterdir() if (p / "sites.yaml").is_file())
# Read in part on purpose: YouTube's /about tab is not in the archive, so the about panel (where a
# business e-mail would be) was never read. general_contact cannot be a fail there.
KNOWN_UNSEEN = {"yt-7d": ["contact"]}


def _expected(folder: Path) -> dict:
    for name in ("expected.yaml", "expected-with-coverage-gate.yaml"):
        if (folder / name).is_file():
            return yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    return {}


def _cases() -> list[tuple[Path, str]]:
    return [(folder, a.id) for folder in [*SETS, ROOT / "demo"] for a in accounts(folder)]


def _demo_expected() -> dict:
    from tests.test_demo_audit import EXPECTED

    return {k: {"status": s, "items": items} for k, (s, items) in EXPECTED.items()}


@pytest.mark.parametrize(("folder", "account_id"), _cases(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_coverage_matches_what_a_reader_of_the_page_sees(folder: Path, account_id: str) -> None:
    account = next(a for a in accounts(folder) if a.id == account_id)
    want = (_demo_expected() if folder.name == "demo" else _expected(folder))[account_id]
    items = want["items"].split() if isinstance(want["items"], str) else list(want["items"])
    out = extract(folder, account)
    cov = out.coverage
    assert cov.expected == get(account.platform).expected_parts(Declared.of(account))
    unseen = cov.unseen(cov.expected)
    if set(items) == {"error"} or want["status"] == "needs_review" and set(items) == {"review"} and out.wall:
        # Not found, suspended, blocked, a login or consent wall: nothing of the profile was seen.
        assert not cov.seen, cov.seen
        assert cov.note.startswith("the profile could not be seen")
    elif "fail" in items:
        assert unseen == KNOWN_UNSEEN.get(account_id, []), (unseen, cov.note)
    if not cov.seen:
        assert cov.note  # it says in words why


def test_the_four_unseen_cases_say_what_could_not_be_seen() -> None:
    folder = FIXTURES / "unseen"
    got = {a.id: extract(folder, a).coverage for a in accounts(folder)}
    # JS shell and crawler answer: only the bio, from the meta description the platform writes verbatim.
    for account_id in ("ig-shell", "x-crawler"):
        assert [(p.part, p.how, p.truncated) for p in got[account_id].seen] == [("bio", "meta", False)]
        assert "the page's meta description was read as the profile" in got[account_id].note
    assert got["x-crawler"].unseen(["header", "website", "pinned"]) == ["header", "website", "pinned"]
    # A log-in prompt worded the way no wall marker knows: no profile part at all.
    assert not got["fb-see-more"].profile_found
    assert got["fb-see-more"].note == "the page had no readable profile; only the page's meta description was readable"
    # The mobile site's posts tab: the page header and its website button; the about text only cut.
    mobile = {p.part: p for p in got["fb-mobile"].seen}
    assert set(mobile) == {"header", "website", "about"} and mobile["about"].truncated
    assert got["fb-mobile"].unseen(["about", "contact"]) == ["about", "contact"]


def test_declared_selectors_are_read_as_bio_and_website_and_can_be_missed() -> None:
    folder = FIXTURES / "declared"
    account = next(a for a in accounts(folder) if a.id == "decl-2d")
    out = extract(folder, account)
    assert [(p.part, p.how) for p in out.coverage.seen] == [("bio", "declared"), ("website", "declared")]
    assert {t.region for t in out.texts if "run by the MPD Office of Communications" in t.text} == {"bio"}
    assert {t.region for t in out.texts if "not monitored 24/7" in t.text} == {"feed"}
    assert [(lk.region, lk.target) for lk in out.links if "mpdc.dc.gov" in lk.target] == [
        ("profile_field", "https://mpdc.dc.gov/page/second-district-2d")]
    html = (folder / "pages" / "mpd2d.html").read_text(encoding="utf-8")
    cap = PageCapture(kind="profile", url=account.url, status=200, html=html)
    # A selector that matches nothing on the page (the site changed): nothing seen, so nothing can fail.
    moved = get("generic").extract([cap], Declared(profile_selector="div.gone", website_selector="a.gone"))
    assert not moved.coverage.seen and moved.coverage.expected == ["bio", "website"]
    # No declaration: the generic reader has no parts to look for; it stays review at best.
    plain = get("generic").extract([cap])
    assert plain.coverage.expected == [] and not plain.coverage.seen
    assert "declares no profile_selector" in plain.coverage.note
