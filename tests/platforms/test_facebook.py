"""Facebook extract() on the fixture pages, without a browser."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.facebook import Facebook

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "facebook" / "pages"
FB = Facebook()


def cap(kind: str, url: str, page: str, final_url: str = "", status: int = 200) -> PageCapture:
    return PageCapture(kind=kind, url=url, final_url=final_url or url, status=status,
                       html=(PAGES / page).read_text(encoding="utf-8"))


def texts(ex: Extract, *regions: str) -> str:
    return "\n".join(t.text for t in ex.texts if t.region in regions)


PROFILE = ("bio", "about", "pinned", "header", "profile_field", "meta")


def test_urls_add_the_about_tab() -> None:
    assert FB.urls("https://www.facebook.com/MPD4D") == [
        ("profile", "https://www.facebook.com/MPD4D"), ("about", "https://www.facebook.com/MPD4D/about")]
    assert FB.urls("https://www.facebook.com/profile.php?id=100069872145530")[1] == (
        "about", "https://www.facebook.com/profile.php?id=100069872145530&sk=about")
    assert FB.urls("https://www.facebook.com/MPD4D/about") == [("profile", "https://www.facebook.com/MPD4D/about")]


def test_intro_card_is_about_and_posts_are_feed() -> None:
    url = "https://www.facebook.com/DCPoliceDepartment"
    ex = FB.extract([cap("profile", url, "dcpolicedepartment.html"),
                     cap("about", url + "/about", "dcpolicedepartment-about.html")])
    assert ex.wall is None  # the login dialog over the page and a deleted shared post are not walls
    about = texts(ex, "about")
    assert "This page is not monitored 24/7." in about and "In an emergency, call 911." in about
    assert "(202) 727-9099" in about and "mpd.communications@dc.gov" in about
    assert "Call 911 if you see this person" in texts(ex, "feed")
    assert "Call 911 if you see this person" not in texts(ex, *PROFILE, "other")
    assert "This content isn't available right now" in texts(ex, "feed")
    assert "Maintained by the MPD Office of Communications" in texts(ex, "bio")  # best_description
    assert texts(ex, "header").startswith("DC Metropolitan Police Department")
    # The cookie and login dialogs, tabs and likes are not profile text.
    assert "Allow the use of cookies" in texts(ex, "other")
    assert "Allow the use of cookies" not in texts(ex, *PROFILE)
    assert "107K followers" not in texts(ex, "header", "bio")
    site = [lk for lk in ex.links if lk.target == "https://mpdc.dc.gov/"]
    assert site and all(lk.region == "about" for lk in site)
    assert site[0].href.startswith("https://l.facebook.com/l.php?u=")
    assert any(lk.target == "https://x.com/DCPoliceDept" and lk.region == "about" for lk in ex.links)


def test_refused_about_tab_is_dropped() -> None:
    ex = FB.extract([cap("profile", "https://www.facebook.com/MPD4D", "mpd4d.html"),
                     cap("about", "https://www.facebook.com/MPD4D/about", "login.html",
                         final_url="https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2FMPD4D%2Fabout")])
    assert ex.wall is None
    assert "Forgotten account?" not in texts(ex, *PROFILE, "other")
    assert "You must log in" not in " ".join(t.text for t in ex.texts)
    assert any(lk.target == "https://dc.gov/" and lk.region == "about" for lk in ex.links)
    assert "not monitored 24/7" in texts(ex, "feed") and "not monitored" not in texts(ex, *PROFILE)


def test_profile_php_about_tab_and_lm_wrapper() -> None:
    url = "https://www.facebook.com/profile.php?id=100069872145530"
    ex = FB.extract([cap("profile", url, "yfsd.html"), cap("about", url + "&sk=about", "yfsd-about.html")])
    targets = {lk.target: lk.region for lk in ex.links}
    assert targets["https://mpdc.dc.gov/page/youth-and-family-services-division"] == "about"
    assert targets["https://linktr.ee/mpdyouth"] == "about"
    assert "mpd.yfsd@dc.gov" in texts(ex, "about")


def test_login_redirect_is_a_login_wall() -> None:
    ex = FB.extract([cap("profile", "https://www.facebook.com/MPD7D", "login.html",
                         final_url="https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2FMPD7D")])
    assert ex.wall == "login" and "/login/" in ex.wall_reason


def test_must_log_in_page_is_a_login_wall() -> None:
    ex = FB.extract([cap("profile", "https://www.facebook.com/MPDSpecialOps", "mustlogin.html"),
                     cap("about", "https://www.facebook.com/MPDSpecialOps/about", "mustlogin.html")])
    assert ex.wall == "login" and "You must log in to continue" in ex.wall_reason
    assert not ex.profile_text_found()


def test_unavailable_page_is_not_found() -> None:
    ex = FB.extract([cap("profile", "https://www.facebook.com/MPD2D", "unavailable.html")])
    assert ex.wall == "not_found" and "isn't available right now" in ex.wall_reason


def test_main_column_without_an_intro_card_stays_other() -> None:
    html = (PAGES / "mpd6d.html").read_text(encoding="utf-8").replace("<span class=\"x193iq5w\">Intro</span>",
                                                                        "<span class=\"x193iq5w\">Présentation</span>")
    ex = FB.extract([PageCapture(kind="profile", url="https://www.facebook.com/MPD6D", status=200, html=html)])
    assert "maintained by the MPD Office of Communications" in texts(ex, "other")
    assert "maintained by" not in texts(ex, "about", "bio", "profile_field")
