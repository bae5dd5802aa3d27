"""II.C.3.e: a profile link whose real target is on mpdc.dc.gov."""

from __future__ import annotations

import pytest

from tests.checks.conftest import assert_pass, assert_status, check, link, snap

ITEM = "website_link"


@pytest.mark.parametrize(("target", "href", "text", "region"), [
    ("https://mpdc.dc.gov/", None, "", "bio"),
    ("https://mpdc.dc.gov/page/contact", None, "", "about"),
    ("https://www.mpdc.dc.gov", None, "", "profile_field"),
    ("https://MPDC.DC.GOV/", None, "", "bio"),
    ("http://mpdc.dc.gov/", None, "", "header"),
    ("https://mpdc.dc.gov./", None, "", "profile_field"),
    ("mpdc.dc.gov/page/x", None, "", "profile_field"),
    ("https://mpdc.dc.gov/", "https://l.facebook.com/l.php?u=https%3A%2F%2Fmpdc.dc.gov%2F", "mpdc.dc.gov", "about"),
    ("https://mpdc.dc.gov/", "https://t.co/abc123", "mpdc.dc.gov", "profile_field"),
    ("https://mpdc.dc.gov/page/districts", "https://www.youtube.com/redirect?q=https%3A%2F%2Fmpdc.dc.gov", "", "about"),
    ("https://news.mpdc.dc.gov/x", None, "", "pinned"),
])
def test_passes(target: str, href: str | None, text: str, region: str) -> None:
    r = assert_pass(check(ITEM, snap(links=[link(target, href=href, text=text, region=region)])), region=region)
    assert r.evidence[0].match == target


@pytest.mark.parametrize(("target", "text", "note"), [
    ("https://dc.gov/", "", "DC government portal"),
    ("https://linktr.ee/dcpolice", "", "link-in-bio"),
    ("https://mpdc.dc.gov.evil.example/", "", ""),
    ("https://mpdc-dc.gov/", "", ""),
    ("https://notmpdc.dc.gov/", "", ""),
    ("https://evil.example/", "mpdc.dc.gov", "link text says"),
    ("https://evil.example/?u=https://mpdc.dc.gov", "", ""),
    ("https://mpdc.dc.gov@evil.example/", "", ""),
    ("https://mpdc.dc.gov:443@evil.example/", "", ""),
    ("javascript:alert(1)", "mpdc.dc.gov", ""),
    ("mailto:info@mpdc.dc.gov", "", ""),
])
def test_not_the_website_fails(target: str, text: str, note: str) -> None:
    r = assert_status(check(ITEM, snap(links=[link(target, text=text)])), "fail")
    assert note in r.reason


def test_spoofed_link_text_also_shown_in_bio_fails() -> None:
    s = snap(bio="\U0001f517 mpdc.dc.gov",
             links=[link("https://evil.example/", href="https://t.co/x", text="mpdc.dc.gov")])
    r = assert_status(check(ITEM, s), "fail")
    assert "evil.example" in r.reason


def test_real_link_wins_over_other_links() -> None:
    s = snap(links=[link("https://linktr.ee/dcpolice"), link("https://mpdc.dc.gov/", region="about")])
    assert_pass(check(ITEM, s), region="about")


def test_unknown_target_with_site_href_is_review() -> None:
    assert_status(check(ITEM, snap(links=[link("", href="https://mpdc.dc.gov/", text="mpdc.dc.gov")])), "review")


@pytest.mark.parametrize("bio", ["Visit mpdc.dc.gov for more.", "Visit https://mpdc.dc.gov for more.",
                                 "Website: MPDC.DC.GOV"])
def test_site_as_plain_text_is_review(bio: str) -> None:
    r = assert_status(check(ITEM, snap(bio=bio)), "review")
    assert "not a link" in r.reason


@pytest.mark.parametrize("bio", ["Visit mpdc.dc.gov.evil.example for more.", "Visit dc.gov for more.",
                                 "Visit mpdc-dc.gov today"])
def test_lookalike_plain_text_fails(bio: str) -> None:
    assert_status(check(ITEM, snap(bio=bio)), "fail")


def test_feed_link_only_fails_with_note() -> None:
    r = assert_status(check(ITEM, snap(links=[link("https://mpdc.dc.gov/", region="feed")])), "fail")
    assert "feed post" in r.reason


def test_feed_text_only_fails() -> None:
    assert_status(check(ITEM, snap(feed="Visit mpdc.dc.gov for more.")), "fail")


def test_other_region_link_is_review() -> None:
    r = assert_status(check(ITEM, snap(links=[link("https://mpdc.dc.gov/", region="other")])), "review")
    assert r.evidence[0].region == "other"
