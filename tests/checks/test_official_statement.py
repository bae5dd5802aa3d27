"""II.C.3.a: the account says it is an official MPD (DC) platform."""

from __future__ import annotations

import pytest

from tests.checks.conftest import assert_pass, assert_status, check, link, snap

ITEM = "official_statement"

PASSES = [
    "Official account of the Metropolitan Police Department of the District of Columbia.",
    "The official Facebook page of DC Police.",
    "Official Twitter account of the Metropolitan Police Department, Washington, DC.",
    "Official account of MPDC.",
    "This is the official account of the DC Metropolitan Police Department.",
    "Welcome to the official page of the Metropolitan Police Department in Washington, DC!",
    "MPDC Official Account",
    "The official account of DC's Metropolitan Police Department (MPDC).",
    "Official account of the District of Columbia Metropolitan Police Department",
    "Welcome to the D.C. Police official page",
    # ambiguous name + DC context in the profile
    "Official account of the Metropolitan Police Department. Serving Washington, DC.",
    "Official account of MPD. Serving the District of Columbia.",
    "MPD's official account. Washington, DC.",
    "Official X account for the Metropolitan Police Department (MPD), Washington, D.C.",
    "Official page of MPD's First District, Washington DC",
    # styled Unicode, curly quotes, non-breaking and narrow spaces
    "\U0001d40e\U0001d41f\U0001d41f\U0001d422\U0001d41c\U0001d422\U0001d41a\U0001d425 account of DC Police",
    "\u1d0f\u0493\u0493\u026a\u1d04\u026a\u1d00\u029f account of DC Police",
    "DC Police\u2019s official page.",
    "Official account of the DC\u00a0Metropolitan\u00a0Police\u202fDepartment.",
    "Official\u200b account of DC Police",
    "Official Account | DC Police",
    "Official: Metropolitan Police Department, Washington, DC",
    "The official source for news from the Metropolitan Police Department in Washington, D.C.",
    "Official Instagram of DC\u2019s Metropolitan Police Department \U0001f693",
    # official accounts often disclaim endorsements; that is not a hedge
    "Official account of DC Police. RTs \u2260 endorsements. Follows are not endorsements.",
    "Share your views with us! Official account of DC Police",
]


@pytest.mark.parametrize("bio", PASSES)
def test_passes(bio: str) -> None:
    r = assert_pass(check(ITEM, snap(bio=bio)), region="bio")
    assert any("official" in e.match.lower() for e in r.evidence)


def test_ambiguous_name_resolved_by_website_link() -> None:
    s = snap(bio="Official account of the Metropolitan Police Department.", links=[link("https://mpdc.dc.gov/")])
    assert_pass(check(ITEM, s), match_contains="Metropolitan Police Department")


def test_ambiguous_name_resolved_by_own_name_in_header() -> None:
    s = snap(header="DC Police Department (@DCPoliceDept)", bio="Official account of MPD.")
    assert_pass(check(ITEM, s), region="bio", match_contains="MPD")


def test_washington_alone_is_not_dc_context() -> None:
    s = snap(bio="Official account of the Metropolitan Police Department. We serve Washington.")
    assert_status(check(ITEM, s), "review")


def test_ambiguous_name_resolved_by_context_in_another_region() -> None:
    s = snap(bio="Official account of MPD.", profile_field="Washington, DC")
    assert_pass(check(ITEM, s), region="bio")


def test_evidence_quotes_the_sentence() -> None:
    r = check(ITEM, snap(about="Serving the city since 1861. The official page of DC Police. Not monitored 24/7."))
    assert_pass(r, region="about")
    assert r.evidence[0].quote == "The official page of DC Police."


NEGATED = [
    "This is not an official account of MPD. Washington DC.",
    "This is not an official account of the Metropolitan Police Department of the District of Columbia.",
    "Unofficial account of DC Police news.",
    "Un-official DC Police updates",
    "Formerly the official account of DC Police.",
    "This account is no longer the official account of DC Police.",
    "NOT the official account of DC Police",
    "This isn\u2019t the official account of DC Police.",
    "Not an official account.",
    "Not officially affiliated with MPD.",
]


@pytest.mark.parametrize("bio", NEGATED)
def test_negation_is_review(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "review")
    assert r.evidence


HEDGED = [
    "Official account of DC Police. Views are my own.",
    "All views my own. Official account of DC Police",
    "Official account of DC Police (parody)",
    "DC Police fan page. Official account of DC Police news",
    "Official account of DC Police. Opinions expressed here are mine.",
    "Satire. The official account of DC Police.",
    "Official account of DC Police. Not affiliated with the Metropolitan Police Department.",
    "Official account of DC Police. This account does not represent MPD.",
]


@pytest.mark.parametrize("bio", HEDGED)
def test_hedge_is_review(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "review")
    assert r.evidence


def test_hedge_in_another_profile_region_is_review() -> None:
    r = check(ITEM, snap(bio="Official account of DC Police.", about="Parody account. Views are my own."))
    assert_status(r, "review")
    assert any(e.region == "about" for e in r.evidence)


@pytest.mark.parametrize("bio", ["DC Police fan page", "Parody of the DC Police",
                                 "Personal account. Views are my own."])
def test_hedge_without_statement_is_review(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "review")


def test_hedge_in_feed_does_not_count() -> None:
    s = snap(bio="Official account of DC Police.", feed="Loved this parody video. Views are my own.")
    assert_pass(check(ITEM, s), region="bio")


@pytest.mark.parametrize("bio", [
    "Official account of the Metropolitan Police Department.",
    "Official account of MPD.",
    "Official account of the Metropolitan Police.",
])
def test_ambiguous_name_without_context_is_review(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "review")
    assert "could be another agency" in r.reason


@pytest.mark.parametrize("bio", [
    "Official account of the Minneapolis Police Department (MPD).",
    "Official account of the Metropolitan Police Service, London.",
    "Official account of the Metropolitan Police. Serving London since 1829.",
    "Official account of Metro Transit Police, Washington DC.",
    "Official account of the MPD. Memphis Police Department, Tennessee.",
    "Official account of MPD (Milwaukee Police Department).",
    "Official account of MPD. Minneapolis, MN.",
    "Official account of the Metropolitan Police Department. Washington, DC. Minneapolis Police",
    "Official account of the Las Vegas Metropolitan Police Department",
    "Official account of the Metropolitan Police Department, Nashville, TN",
])
def test_clashing_agency_fails(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "fail")
    assert "another agency" in r.reason


def test_strong_name_is_not_undone_by_clash_elsewhere() -> None:
    s = snap(bio="Official account of DC Police.", pinned="Thank you to our partners at Metro Transit Police!")
    assert_pass(check(ITEM, s), match_contains="DC Police")


def test_feed_only_fails_with_note() -> None:
    r = assert_status(check(ITEM, snap(bio="News from Washington, DC.", feed="Official account of DC Police.")), "fail")
    assert "feed post" in r.reason


def test_other_region_only_is_review() -> None:
    r = assert_status(check(ITEM, snap(other="Official account of DC Police.")), "review")
    assert r.evidence[0].region == "other"


@pytest.mark.parametrize("bio", ["We are DC Police. Call 911.", "Maintained by the MPD Office of Communications."])
def test_no_official_word_fails(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "fail")
