"""LinkedIn extract() on the fixture pages, without a browser."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.linkedin import LinkedIn

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "linkedin" / "pages"
LI = LinkedIn()
MPD = "https://www.linkedin.com/company/dc-metropolitan-police-department/"
PROFILE = ("bio", "about", "pinned", "header", "profile_field", "meta")


def cap(kind: str, url: str, page: str, final_url: str = "", status: int = 200) -> PageCapture:
    return PageCapture(kind=kind, url=url, final_url=final_url or url, status=status,
                       html=(PAGES / page).read_text(encoding="utf-8"))


def texts(ex: Extract, *regions: str) -> str:
    return "\n".join(t.text for t in ex.texts if t.region in regions)


def test_urls_add_the_about_tab() -> None:
    assert LI.urls(MPD) == [("profile", MPD), ("about", MPD + "about/")]
    assert LI.urls("https://www.linkedin.com/company/joinmpdc?trk=x") == [
        ("profile", "https://www.linkedin.com/company/joinmpdc?trk=x"),
        ("about", "https://www.linkedin.com/company/joinmpdc/about/")]
    assert LI.urls(MPD + "about/") == [("profile", MPD + "about/")]


def test_guest_company_page_regions() -> None:
    authwall = "https://www.linkedin.com/authwall?trk=bf&sessionRedirect=x"
    ex = LI.extract([cap("profile", MPD, "mpd.html"),
                     cap("about", MPD + "about/", "authwall.html", final_url=authwall)])
    assert ex.wall is None
    assert "not monitored 24/7: in an emergency, call 911" in texts(ex, "about")
    assert texts(ex, "bio") == "Official page of DC's Metropolitan Police Department (MPDC)"
    assert "DC Metropolitan Police Department" in texts(ex, "header")
    fields = texts(ex, "profile_field")
    assert "Government Agency" in fields and "441 4th St NW" in fields
    assert "We're hiring!" in texts(ex, "feed") and "If you see something, call 911" in texts(ex, "feed")
    assert "call 911" not in texts(ex, "other") and "We're hiring" not in texts(ex, *PROFILE)
    assert "essential and non-essential cookies" in texts(ex, "other")
    assert "Sign in to see who you already know" in texts(ex, "other")
    assert "Agree & Join" not in " ".join(t.text for t in ex.texts)  # the refused /about/ tab is dropped
    site = [lk for lk in ex.links if lk.target == "https://mpdc.dc.gov" and lk.region == "profile_field"]
    assert any(lk.href.startswith("https://www.linkedin.com/redir/redirect?url=") for lk in site)
    assert any(lk.source == "json-ld sameAs" for lk in site)


def test_jsonld_graph_is_read() -> None:
    html = (PAGES / "recruiting.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    end = html.index("</script>", start)
    graph = json.dumps({"@context": "http://schema.org",
                        "@graph": [json.loads(html[start:end]), {"@type": "WebPage", "name": "MPD Recruiting"}]})
    ex = LI.extract([PageCapture(kind="profile", url="https://www.linkedin.com/company/joinmpdc/", status=200,
                                 html=html[:start] + graph + html[end:])])
    assert any(t.source == "json-ld description" and t.region == "about" for t in ex.texts)
    assert any(lk.target == "https://linktr.ee/joinmpdc" and lk.source == "json-ld sameAs" for lk in ex.links)


def test_updates_only_statements_stay_feed() -> None:
    ex = LI.extract([cap("profile", "https://www.linkedin.com/company/mpdc-academy/", "academy.html")])
    assert "this page is not monitored 24/7" in texts(ex, "feed")
    assert "monitored" not in texts(ex, *PROFILE)


def test_authwall_redirect_and_999() -> None:
    ex = LI.extract([cap("profile", "https://www.linkedin.com/company/mpdc-fifth-district/", "authwall.html",
                         final_url="https://www.linkedin.com/authwall?trk=gf&sessionRedirect=x")])
    assert ex.wall == "login" and "/authwall" in ex.wall_reason
    ex = LI.extract([cap("profile", "https://www.linkedin.com/company/mpdc-criminal-investigations/", "status999.html",
                         status=999)])
    assert ex.wall == "blocked" and "999" in ex.wall_reason


def test_authwall_served_in_place_is_a_login_wall() -> None:
    ex = LI.extract([cap("profile", "https://www.linkedin.com/company/mpdc-fifth-district/", "authwall.html")])
    assert ex.wall == "login"
