"""II.C.3.b: the page says it is maintained by MPD (DC)."""

from __future__ import annotations

import pytest

from tests.checks.conftest import assert_pass, assert_status, check, snap

ITEM = "maintained_by"

PASSES = [
    ("Maintained by the Metropolitan Police Department of the District of Columbia.", "Maintained by"),
    ("Managed by MPD's Office of Communications. Washington, DC", "Managed by MPD"),
    ("Managed by MPD\u2019s Office of Communications. Washington, DC", "Managed by MPD"),
    ("Posts from the MPD Office of Communications, Washington, DC.", "MPD Office of Communications"),
    ("This page is run by the Metropolitan Police Department (DC).", "run by"),
    ("Operated by DC Police.", "Operated by"),
    ("This account is maintained by the MPDC Office of Communications.", "maintained by"),
    ("Maintained by the Office of Communications, Metropolitan Police Department, Washington DC.",
     "Office of Communications"),
    ("Page administered by the DC Metropolitan Police Department.", "administered by"),
    ("Managed by the DC Police Office of Communications", "Managed by"),
    ("MPDC manages this account.", "manages this"),
    ("The Metropolitan Police Department (MPD) maintains this page. Washington, DC", "maintains this"),
    ("Owned and operated by DC Police", "operated by"),
    ("Run by the @DCPoliceDept team", "@DCPoliceDept"),
    ("MPD's Office of Communications maintains this page. Washington, DC", "Office of Communications"),
    ("Managed by the Office of Communications at MPD, Washington DC", "Office of Communications"),
    ("Run by the \U0001d40c\U0001d40f\U0001d403\U0001d402 Office of Communications", "Run by the MPDC"),
]


@pytest.mark.parametrize(("bio", "match"), PASSES)
def test_passes(bio: str, match: str) -> None:
    assert_pass(check(ITEM, snap(bio=bio)), region="bio", match_contains=match)


def test_office_of_communications_alone_needs_dc_context() -> None:
    assert_status(check(ITEM, snap(bio="Maintained by the Office of Communications.")), "review")
    assert_pass(check(ITEM, snap(bio="Maintained by the Office of Communications.", about="Washington, D.C.")))


@pytest.mark.parametrize("bio", [
    "Managed by MPD's Office of Communications.",
    "Maintained by the Metropolitan Police Department.",
])
def test_ambiguous_without_context_is_review(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "review")


@pytest.mark.parametrize("bio", [
    "This page is not maintained by MPD. Washington, DC.",
    "Not run by DC Police.",
    "No longer maintained by DC Police.",
    "This page isn't managed by the Metropolitan Police Department of the District of Columbia.",
    "Never operated by DC Police.",
    "Not managed or maintained by MPD. Washington DC",
])
def test_negation_is_review(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "review")
    assert r.evidence


@pytest.mark.parametrize("bio", [
    "Maintained by DC Police. Views are my own.",
    "Maintained by DC Police. Parody.",
    "Fan page of DC Police",
])
def test_hedge_is_review(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "review")


@pytest.mark.parametrize("bio", [
    "Maintained by the Minneapolis Police Department.",
    "Run by the Metropolitan Police Service (London).",
    "Managed by Metro Transit Police.",
    "Maintained by MPD, Memphis, Tennessee.",
])
def test_clashing_agency_fails(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "fail")


@pytest.mark.parametrize("bio", ["Maintained by a proud supporter of DC Police", "Maintained by 5D command staff",
                                 "Run by volunteers. Washington, DC"])
def test_near_miss_is_review_with_the_quote(bio: str) -> None:
    """A maintained-by phrase that does not name the agency is close: a person decides (not "nothing found")."""
    r = assert_status(check(ITEM, snap(bio=bio)), "review")
    assert r.evidence and r.evidence[0].quote.startswith(bio.split(".")[0])
    assert "close to" in r.reason


def test_official_statement_alone_is_not_maintained_by() -> None:
    assert_status(check(ITEM, snap(bio="Official account of DC Police.")), "fail")


def test_feed_only_fails_with_note() -> None:
    r = assert_status(check(ITEM, snap(bio="Washington DC", feed="Maintained by DC Police.")), "fail")
    assert "feed post" in r.reason


def test_other_region_only_is_review() -> None:
    assert_status(check(ITEM, snap(other="Maintained by DC Police.")), "review")
