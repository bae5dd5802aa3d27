"""II.C.3.f: general (non-emergency) contact information."""

from __future__ import annotations

import pytest

from tests.checks.conftest import assert_pass, assert_status, check, link, snap

ITEM = "general_contact"
OWN = "DC Police Department"  # a profile header that says whose page it is: contact details count only there


@pytest.mark.parametrize(("bio", "kind", "match"), [
    ("Non-emergency: (202) 727-9099", "MPD Command Information Center", "727-9099"),
    ("Questions? 202-727-9099", "MPD Command Information Center", "727-9099"),
    ("Contact: 202.727.4383", "MPD Public Information Office", "727.4383"),
    ("Media: +1 202-555-0147", "phone number", "555-0147"),
    ("Call 311 for non-emergencies.", "311", "311"),
    ("Non-Emergency: 311", "311", "311"),
    ("Non emergency: 3-1-1", "311", "3-1-1"),
    ("Call (202) 727-9099 or email mpd@dc.gov", "e-mail address", "mpd@dc.gov"),
    ("Text tips to 50411.", "text tip line", "50411"),
    ("Email: mpd.communications@dc.gov", "e-mail address", "mpd.communications@dc.gov"),
    ("HQ: 441 4th Street NW, Washington, DC 20001", "postal address", "441 4th Street NW"),
    ("441 4th St. NW", "postal address", "441 4th St"),
    ("Contact us: mpdc.dc.gov/page/contact-mpd", "contact page", "mpdc.dc.gov/page/contact-mpd"),
    ("Non-emergency: (\uff12\uff10\uff12) 727\u20119099", "MPD Command Information Center", "727-9099"),
])
def test_text_passes(bio: str, kind: str, match: str) -> None:
    r = assert_pass(check(ITEM, snap(header=OWN, bio=bio)), region="bio", match_contains=match)
    assert kind in r.reason


@pytest.mark.parametrize(("target", "kind"), [
    ("https://mpdc.dc.gov/page/contact-mpd", "contact page"),
    ("mailto:mpd@dc.gov", "e-mail address"),
    ("tel:+12027279099", "MPD Command Information Center"),
])
def test_link_passes(target: str, kind: str) -> None:
    r = assert_pass(check(ITEM, snap(header=OWN, links=[link(target, text="Contact us", region="about")])),
                    region="about")
    assert kind in r.reason


@pytest.mark.parametrize("bio", [
    "In an emergency, call 911.",
    "Call 911",
    "Send us a DM!",
    "Serving 311 neighborhoods",
    "Est. 1861. 3,800 officers.",
    "DM us 24/7 in 2024",
    "See mpdc.dc.gov.evil.example/contact",
    "Washington, DC 20001",
    "Follow @DCPoliceDept",
])
def test_no_contact_details_fails(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "fail")


@pytest.mark.parametrize("target", [
    "https://evil.example/contact",
    "https://mpdc.dc.gov.evil.example/contact",
    "https://dc.gov/page/contact-us",
    "https://mpdc.dc.gov/",
    "tel:911",
    "tel:12345",
    "mailto:",
])
def test_link_that_is_not_contact_fails(target: str) -> None:
    assert_status(check(ITEM, snap(links=[link(target, text="Contact")])), "fail")


def test_feed_only_fails_with_note() -> None:
    r = assert_status(check(ITEM, snap(bio="Washington DC", feed="Call (202) 727-9099")), "fail")
    assert "feed post" in r.reason


def test_feed_links_do_not_count() -> None:
    s = snap(links=[link("mailto:mpd@dc.gov", region="feed"), link("tel:+12027279099", region="feed")])
    assert_status(check(ITEM, s), "fail")


def test_other_region_only_is_review() -> None:
    assert_status(check(ITEM, snap(other="Call (202) 727-9099")), "review")
