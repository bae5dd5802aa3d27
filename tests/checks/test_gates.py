"""Rules shared by all six checks: load outcome gates, region rules, run_all."""

from __future__ import annotations

import pytest

from auditor.models import ITEM_IDS
from checks import run_all
from tests.checks.conftest import check, link, mpd_policy, snap

# A profile that satisfies every item: the reference "compliant" snapshot.
COMPLETE_BIO = (
    "Official account of the Metropolitan Police Department of the District of Columbia. "
    "Maintained by the MPD Office of Communications. Not monitored 24/7. "
    "In an emergency, call 911. Non-emergency: (202) 727-9099."
)


def complete(**kw: object) -> dict[str, object]:
    return {"bio": COMPLETE_BIO, "links": [link("https://mpdc.dc.gov/", region="profile_field")], **kw}


def test_complete_profile_passes_every_item() -> None:
    results = run_all(snap(**complete()), mpd_policy())
    assert list(results) == list(ITEM_IDS)
    for item, r in results.items():
        assert r.status == "pass", (item, r.reason)
        assert r.evidence and all(e.quote and e.match and e.region for e in r.evidence), item


@pytest.mark.parametrize("item", ITEM_IDS)
@pytest.mark.parametrize("wall", ["login", "consent"])
def test_partial_load_is_review_even_when_found(item: str, wall: str) -> None:
    r = check(item, snap(outcome="partial", wall=wall, **complete()))
    assert r.status == "review", r.reason
    assert "partly visible" in r.reason


@pytest.mark.parametrize("item", ITEM_IDS)
def test_partial_load_is_review_not_fail_when_missing(item: str) -> None:
    r = check(item, snap(outcome="partial", wall="login", bio="Log in to see more"))
    assert r.status == "review", r.reason


@pytest.mark.parametrize("item", ITEM_IDS)
def test_failed_load_is_error(item: str) -> None:
    r = check(item, snap(outcome="failed", **complete()))
    assert r.status == "error", r.reason
    assert not r.evidence


@pytest.mark.parametrize("item", ITEM_IDS)
def test_empty_profile_fails(item: str) -> None:
    r = check(item, snap(bio="Serving our community."))
    assert r.status == "fail", r.reason
    assert not r.evidence


@pytest.mark.parametrize("item", ITEM_IDS)
def test_everything_only_in_feed_fails_with_a_note(item: str) -> None:
    s = snap(bio="Washington, DC", feed=COMPLETE_BIO + " Contact page: https://mpdc.dc.gov/page/contact-mpd",
             links=[link("https://mpdc.dc.gov/", region="feed")])
    r = check(item, s)
    assert r.status == "fail", r.reason
    assert "feed post" in r.reason


@pytest.mark.parametrize("item", ITEM_IDS)
def test_everything_only_in_unplaced_text_is_review(item: str) -> None:
    s = snap(other=COMPLETE_BIO, links=[link("https://mpdc.dc.gov/", region="other")])
    r = check(item, s)
    assert r.status == "review", r.reason
    assert r.evidence and all(e.region == "other" for e in r.evidence)


@pytest.mark.parametrize("region", ["bio", "about", "pinned", "header", "profile_field", "meta"])
def test_every_profile_region_counts(region: str) -> None:
    s = snap(blocks=[(region, COMPLETE_BIO)], links=[link("https://mpdc.dc.gov/", region=region)])
    for item, r in run_all(s, mpd_policy()).items():
        assert r.status == "pass", (item, r.reason)
        assert {e.region for e in r.evidence} == {region}, item


def test_statements_split_across_profile_regions() -> None:
    s = snap(bio="Official account of DC Police.", about="Maintained by the MPD Office of Communications.",
             pinned="This page is not monitored 24/7. In case of emergency, call 911.",
             profile_field="441 4th Street NW, Washington, DC 20001",
             links=[link("https://mpdc.dc.gov/", region="profile_field")])
    statuses = {item: r.status for item, r in run_all(s, mpd_policy()).items()}
    assert statuses == dict.fromkeys(ITEM_IDS, "pass")


@pytest.mark.parametrize(("item", "bio"), [
    ("official_statement", "This account is not monitored 24/7. Official account of DC Police."),
    ("maintained_by", "Not monitored 24/7. Maintained by DC Police."),
    ("emergency_contact", "Do not report crimes here. Call 911 in an emergency."),
])
def test_negation_in_previous_sentence_does_not_leak(item: str, bio: str) -> None:
    r = check(item, snap(bio=bio))
    assert r.status == "pass", r.reason
    assert not r.evidence[0].quote.lower().startswith(("this account", "not", "do not"))
