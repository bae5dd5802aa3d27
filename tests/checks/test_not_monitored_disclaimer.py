"""II.C.3.c: a disclaimer that the page is not monitored at all times."""

from __future__ import annotations

import pytest

from tests.checks.conftest import assert_pass, assert_status, check, snap

ITEM = "not_monitored_disclaimer"

PASSES = [
    "Not monitored 24/7.",
    "This account is not monitored on a 24 hour basis.",
    "This account is not monitored on a 24-hour basis.",
    "Page not staffed around the clock.",
    "This page is not monitored at all times.",
    "This page isn't monitored 24 hours a day.",
    "This page isn\u2019t monitored 24 hours a day.",
    "This account is not continuously monitored.",
    "This site is not monitored.",
    "Monitored only during business hours.",
    "We do not monitor this page 24/7.",
    "We don\u2019t monitor this account around the clock.",
    "This account is not monitored 24 hours a day, 7 days a week.",
    "Not monitored 24 / 7",
    "Not monitored 24x7",
    "This account is not monitored 24\u20117.",
    "This account is not actively monitored at all times.",
    "Please note this page is not monitored round the clock.",
    "This account is unmonitored.",
    "Comments and messages are not monitored 24/7.",
    "Page monitored Monday-Friday, 8am-5pm.",
    "\U0001d40d\U0001d428\U0001d42d \U0001d426\U0001d428\U0001d427\U0001d422\U0001d42d"
    "\U0001d428\U0001d42b\U0001d41e\U0001d41d 24/7",  # mathematical bold
    "NOT\u00a0MONITORED\u00a024/7",
    "This page isn't staffed 24/7",
    "We are not able to monitor this page 24/7",
    "We cannot monitor this account 24/7",
    "This page may not be monitored.",
    "Not staffed 24-7",
]


@pytest.mark.parametrize("bio", PASSES)
def test_passes(bio: str) -> None:
    r = assert_pass(check(ITEM, snap(bio=bio)), region="bio")
    assert "monitor" in r.evidence[0].match.lower() or "staffed" in r.evidence[0].match.lower()


def test_evidence_quote_is_the_sentence() -> None:
    r = check(ITEM, snap(about="Official account of DC Police. This page is not monitored 24/7. Call 911."))
    assert_pass(r, region="about")
    assert r.evidence[0].quote == "This page is not monitored 24/7."


@pytest.mark.parametrize("bio", [
    "This page is monitored 24/7.",
    "Our team monitors this page around the clock. It is monitored at all times.",
])
def test_claim_of_constant_monitoring_fails(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "fail")
    assert "opposite" in r.reason


def test_disclaimer_and_contradiction_is_review() -> None:
    r = assert_status(check(ITEM, snap(bio="This page is monitored 24/7. Not monitored on weekends.")), "review")
    assert any("monitored 24/7" in e.match for e in r.evidence)


@pytest.mark.parametrize("bio", ["Do not report crimes here.", "Don't use this page to report emergencies."])
def test_close_but_not_a_disclaimer_is_review(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "review")


@pytest.mark.parametrize("bio", ["Official account of DC Police.", "We are always here to help.",
                                 "Messages monitored by our team.", "We monitor this page 24/7"])
def test_no_disclaimer_fails(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "fail")


def test_feed_only_fails_with_note() -> None:
    r = assert_status(check(ITEM, snap(bio="Washington DC", feed="This account is not monitored 24/7.")), "fail")
    assert "feed post" in r.reason


def test_other_region_only_is_review() -> None:
    assert_status(check(ITEM, snap(other="This account is not monitored 24/7.")), "review")
