"""II.C.3.d: how to reach MPD in an emergency (911, as a standalone number)."""

from __future__ import annotations

import pytest

from tests.checks.conftest import assert_pass, assert_status, check, snap

ITEM = "emergency_contact"

PASSES = [
    "In an emergency, call 911.",
    "For emergencies, dial 9-1-1.",
    "In case of emergency, call 911",
    "Emergencies: 911",
    "911 for emergencies",
    "If this is an emergency, please call 911.",
    "Call 911 in an emergency.",
    "Emergency? Call 911.",
    "Emergency \u2013 911",
    "To report an emergency dial 9 1 1",
    "For emergencies call \uff19\uff11\uff11",
    "Emergencies should be reported to 911.",
    "Do not use this page to report emergencies \u2014 call 911.",
    "Not for emergencies - call 911",
    "Do not report crimes here; call 911.",
    "This account is not monitored, so call 911 in an emergency",
    "For emergencies call 911. Do not call 911 for non-emergencies.",
    "Non-emergency: 311 | Emergency: 911",
    "Call or text 911 in an emergency",
    "If you have an emergency, do not message us - call 911",
    "For non-emergencies call 311; emergencies call 911",
    "For any emergency, contact 9-1-1 immediately",
    "\U0001f6a8 Emergency? Dial 911 \U0001f6a8",
    "EMERGENCIES: CALL 911",
    "Report crimes in progress by calling 911.",
]


@pytest.mark.parametrize("bio", PASSES)
def test_passes(bio: str) -> None:
    r = assert_pass(check(ITEM, snap(bio=bio)), region="bio")
    assert any(ch.isdigit() for ch in r.evidence[0].match)


@pytest.mark.parametrize("bio", [
    "Do not call 911.",
    "Please don't call 911 about this page.",
    "Never dial 911 to reach this account.",
    "Do not call or text 911 for non-emergencies",
])
def test_negated_is_review(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "review")
    assert "negated" in r.reason


@pytest.mark.parametrize("bio", [
    "Call 311 for non-emergencies.",
    "Non-emergency line: (202) 911-1234",
    "Emergency info: (202) 911-1234",
    "Emergency line 202.911.1234",
    "Emergency planning since 9/11/2001",
    "Emergency prep since 9.11.2001",
    "Emergency management 2019-11-911",
    "Our emergency fund raised $911.",
    "Call (202) 727-9099.",
    "Emergency? Send us a DM.",
    "Stay safe, DC!",
])
def test_no_standalone_emergency_number_fails(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "fail")


def test_feed_only_fails_with_note() -> None:
    r = assert_status(check(ITEM, snap(bio="Washington DC", feed="In an emergency, call 911.")), "fail")
    assert "feed post" in r.reason


def test_other_region_only_is_review() -> None:
    assert_status(check(ITEM, snap(other="In an emergency, call 911.")), "review")


def test_evidence_names_the_number_and_region() -> None:
    r = check(ITEM, snap(pinned="Official account of DC Police. In an emergency, call 911. Not monitored 24/7."))
    assert_pass(r, region="pinned", match_contains="911")
    assert r.evidence[0].quote == "In an emergency, call 911."
