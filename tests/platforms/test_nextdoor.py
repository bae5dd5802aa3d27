"""Nextdoor extract() on the fixture pages, without a browser."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.nextdoor import Nextdoor

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "nextdoor" / "pages"
ND = Nextdoor()
PROFILE = ("bio", "about", "pinned", "header", "profile_field", "meta")
AGENCY = "https://nextdoor.com/agency-detail/dc/washington/"


def cap(url: str, page: str, final_url: str = "", status: int = 200) -> PageCapture:
    return PageCapture(kind="profile", url=url, final_url=final_url or url, status=status,
                       html=(PAGES / page).read_text(encoding="utf-8"))


def texts(ex: Extract, *regions: str) -> str:
    return "\n".join(t.text for t in ex.texts if t.region in regions)


def test_agency_page_regions() -> None:
    ex = ND.extract([cap(AGENCY + "metropolitan-police-department/", "mpd.html")])
    assert ex.wall is None
    about = texts(ex, "about")
    assert "is not monitored 24/7" in about and "In an emergency, call 911." in about
    assert "mpd.communications@dc.gov" in texts(ex, "profile_field")
    assert texts(ex, "header") == "Metropolitan Police Department"
    assert "call 911 if you see a crime in progress" in texts(ex, "feed")
    assert "crime in progress" not in texts(ex, *PROFILE, "other")
    # The footer's "About" column and the sign-up modal are chrome, not the agency's about.
    assert "Careers" in texts(ex, "other") and "Careers" not in about
    assert "Join Nextdoor to see more" in texts(ex, "other")
    assert any(lk.target == "https://mpdc.dc.gov/" and lk.region == "profile_field" for lk in ex.links)


def test_cards_found_by_heading_and_next_data_posts_not_read() -> None:
    ex = ND.extract([cap("https://nextdoor.com/pages/mpd-first-district/", "first-district.html")])
    about = [t for t in ex.texts if t.region == "about"]
    assert {t.source for t in about} == {"about card", "__NEXT_DATA__ description"}
    assert all("Serving 24 neighborhoods" not in t.text for t in about)  # the card did not swallow the header
    assert "not monitored" in texts(ex, "feed") and "not monitored" not in texts(ex, *PROFILE)
    assert "(202) 698-0555" in texts(ex, "profile_field")


def test_link_only_in_a_post_is_feed() -> None:
    ex = ND.extract([cap(AGENCY + "mpd-third-district/", "third-district.html")])
    assert {lk.region for lk in ex.links if lk.target == "https://mpdc.dc.gov/events"} == {"feed"}
    assert {lk.region for lk in ex.links if lk.target == "https://mpdc.dc.gov/page/third-district-3d"} == {
        "profile_field"}


def test_login_and_signup_redirects_are_walls() -> None:
    ex = ND.extract([cap(AGENCY + "mpd-seventh-district/", "login.html",
                         final_url="https://nextdoor.com/login/?next=%2Fagency-detail%2F")])
    assert ex.wall == "login"
    ex = ND.extract([cap(AGENCY + "mpd-fourth-district/", "register.html",
                         final_url="https://nextdoor.com/register/?next=%2Fagency-detail%2F")])
    assert ex.wall == "login" and "sign-up" in ex.wall_reason


def test_closed_page_is_not_found() -> None:
    ex = ND.extract([cap(AGENCY + "mpd-harbor-patrol/", "gone.html")])
    assert ex.wall == "not_found" and "no longer available" in ex.wall_reason
