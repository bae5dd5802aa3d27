"""Threads module on the fixture pages, without a browser: JSON user, DOM bio, wrappers, walls."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.threads import Threads

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "threads" / "pages"


def _extract(name: str, url: str, *, final_url: str = "", status: int = 200) -> Extract:
    body = (PAGES / name).read_text(encoding="utf-8")
    return Threads().extract([PageCapture(kind="profile", url=url, final_url=final_url or url, status=status,
                                          html=body)])


def _regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def test_compliant_profile_after_threads_net_redirect() -> None:
    out = _extract("dcpolicedept.html", "https://www.threads.net/@dcpolicedept",
                   final_url="https://www.threads.com/@dcpolicedept")
    assert out.wall is None
    assert _regions(out, "Not monitored 24/7. Emergency: call 911. Non-emergency: 311") == {"bio", "meta"}
    assert [t.text for t in out.texts if t.source == "full_name"] == ["DC Police Department"]
    assert _regions(out, "If you see something suspicious, call 911") == {"feed"}
    assert _regions(out, "Log in or sign up for Threads") == {"other"}
    links = {(lk.region, lk.target) for lk in out.links if lk.region == "profile_field"}
    assert links == {("profile_field", "https://mpdc.dc.gov/")}
    dom = [lk for lk in out.links if lk.source == "bio links"]
    assert dom and dom[0].href.startswith("https://l.threads.com/?u=https%3A%2F%2Fmpdc.dc.gov%2F")


def test_dom_bio_is_labelled_by_the_json_biography() -> None:
    out = _extract("dcpolicedept.html", "https://www.threads.com/@dcpolicedept")
    # The bio element's text is taken as bio, so nothing of it is left over in "other".
    assert not any("Office of Communications" in t.text for t in out.texts if t.region == "other")


def test_l_threads_net_wrapper_to_city_portal() -> None:
    out = _extract("mpd_5d.html", "https://www.threads.net/@mpd_5d")
    assert {lk.target for lk in out.links if lk.region == "profile_field"} == {"https://dc.gov/"}
    assert any(lk.href.startswith("https://l.threads.net/?u=") for lk in out.links if lk.region == "profile_field")
    assert _regions(out, "this account is not monitored 24/7") == {"feed"}


def test_quoted_and_suggested_users_are_not_the_profile() -> None:
    out = _extract("mpdc_pio.html", "https://www.threads.com/@mpdc_pio")
    assert _regions(out, "Official account of DC Fire and EMS") == set()
    assert not any("911" in t.text for t in out.texts if t.region not in ("feed", "other"))
    assert _regions(out, "Media: (202) 727-4383") == {"bio", "meta"}


def test_login_redirect_and_unavailable_page() -> None:
    login = _extract("login.html", "https://www.threads.com/@mpdc_6d",
                     final_url="https://www.threads.com/login?next=%2F%40mpdc_6d")
    assert login.wall == "login"
    gone = _extract("mpdc_7d-not-found.html", "https://www.threads.com/@mpdc_7d")
    assert gone.wall == "not_found"
