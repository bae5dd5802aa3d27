"""Instagram module on the fixture pages, without a browser: the profile's own JSON user,
regions, l.instagram.com targets, walls."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.instagram import Instagram, handle_from_url, profile_users

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "instagram" / "pages"


def _extract(name: str, url: str, *, final_url: str = "", status: int = 200) -> Extract:
    body = (PAGES / name).read_text(encoding="utf-8")
    return Instagram().extract([PageCapture(kind="profile", url=url, final_url=final_url or url, status=status,
                                            html=body)])


def _regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def test_compliant_profile_json_and_dom() -> None:
    out = _extract("dcpolicedept.html", "https://www.instagram.com/dcpolicedept/")
    assert out.wall is None
    bio = [t for t in out.texts if t.source == "biography"]
    assert [t.region for t in bio] == ["bio"]
    assert bio[0].text.startswith("Official account of the DC Metropolitan Police Department.\nRun by MPD's")
    # JSON biography and rendered header are bio; the description meta repeats it.
    assert _regions(out, "Not monitored 24/7. In an emergency, call 911.") == {"bio", "meta"}
    assert {(t.source, t.text) for t in out.texts if t.region == "profile_field"} >= {
        ("public_email", "mpd.communications@dc.gov"),
        ("public_phone_number", "+1 2027279099"),
        ("address", "441 4th St NW, Washington, District of Columbia, 20001"),
        ("category", "Government organization"),
    }
    assert [t.text for t in out.texts if t.source == "full_name"] == ["DC Police Department"]
    # The wanted poster caption says "call 911" and "text 50411": a post, never the profile.
    assert _regions(out, "If you see him, do not approach") == {"feed"}
    assert _regions(out, "Safety Tips") == {"feed"}  # story highlight title
    assert _regions(out, "Allow the use of cookies") == {"other"}


def test_bio_link_is_unwrapped_from_lynx_wrapper() -> None:
    out = _extract("dcpolicedept.html", "https://www.instagram.com/dcpolicedept/")
    site = [lk for lk in out.links if lk.region == "profile_field"]
    assert site, out.links
    assert {lk.target for lk in site} == {"https://mpdc.dc.gov/"}
    assert all(lk.href.startswith("https://l.instagram.com/?u=https%3A%2F%2Fmpdc.dc.gov%2F") for lk in site)
    # Post tiles are feed links, never profile links.
    assert {lk.region for lk in out.links if "/p/" in lk.target} == {"feed"}


def test_other_users_in_the_payload_are_not_the_profile() -> None:
    out = _extract("joinmpdc.html", "https://www.instagram.com/joinmpdc/")
    # Suggested accounts carry "call 911" bios; neither may become this profile's text.
    assert _regions(out, "Non-emergency: 311.") == set()
    assert _regions(out, "DC Fire and EMS") == set()
    assert _regions(out, "always call 911") == {"feed"}
    assert not any("911" in t.text for t in out.texts if t.region not in ("feed", "other"))
    assert [lk.target for lk in out.links if lk.source == "bio_links"] == ["https://mpdc.dc.gov/page/join-mpd"]


def test_link_in_bio_page_target_and_post_only_disclaimer() -> None:
    out = _extract("dcpolice_1d.html", "https://www.instagram.com/dcpolice_1d/")
    assert {lk.target for lk in out.links if lk.region == "profile_field"} == {"https://linktr.ee/mpd1d"}
    assert _regions(out, "not monitored 24/7") == {"feed"}


def test_login_redirect_is_a_login_wall() -> None:
    out = _extract("login.html", "https://www.instagram.com/mpdc_3d/",
                   final_url="https://www.instagram.com/accounts/login/?next=%2Fmpdc_3d%2F")
    assert out.wall == "login"
    assert not out.profile_text_found()


def test_login_form_served_in_place_is_a_login_wall() -> None:
    out = _extract("login.html", "https://www.instagram.com/mpdc_3d/")
    assert out.wall == "login" and "password" in out.wall_reason


def test_unavailable_page_is_not_found() -> None:
    out = _extract("mpdc_7d-not-found.html", "https://www.instagram.com/mpdc_7d/")
    assert out.wall == "not_found"
    assert "Sorry, this page isn't available" in out.wall_reason


def test_handle_and_user_selection() -> None:
    assert handle_from_url("https://www.instagram.com/DCPoliceDept/?hl=en") == "dcpolicedept"
    assert handle_from_url("https://www.threads.net/@mpd_5d") == "mpd_5d"
    payload = {"a": {"user": {"username": "someone_else", "biography": "Call 911"}},
               "b": [{"username": "dcpolicedept", "biography": "Official"}]}
    assert [u["biography"] for u in profile_users(payload, "dcpolicedept")] == ["Official"]
    assert profile_users(payload, "mpdc_9d") == []  # never borrow another user's bio
    assert profile_users(payload, "") == []  # two different users and no handle: ambiguous
