"""X module on the fixture pages, without a browser: regions, t.co targets, walls."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.x import X

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "x" / "pages"


def _extract(name: str, url: str, *, final_url: str = "", status: int = 200, html: str | None = None) -> Extract:
    body = html if html is not None else (PAGES / name).read_text(encoding="utf-8")
    return X().extract([PageCapture(kind="profile", url=url, final_url=final_url or url, status=status, html=body)])


def _regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def test_compliant_profile_regions_and_website_field() -> None:
    out = _extract("dcpolicedept.html", "https://x.com/DCPoliceDept")
    assert out.wall is None
    assert _regions(out, "not monitored 24/7") == {"bio"}
    assert _regions(out, "Have a tip? Text 50411") == {"pinned"}
    assert _regions(out, "call 911 or text 50411") == {"feed"}  # an ordinary post
    assert _regions(out, "Did someone say") == {"other"}  # cookie banner
    assert _regions(out, "Washington, DC") >= {"profile_field"}
    site = [lk for lk in out.links if lk.source == "UserUrl"]
    assert [(lk.region, lk.href, lk.target) for lk in site] == [
        ("profile_field", "https://t.co/Xk2mPdc0Lq", "https://mpdc.dc.gov/")]


def test_tco_in_bio_joins_hidden_spans_into_one_url() -> None:
    out = _extract("dcpolicedept.html", "https://x.com/DCPoliceDept")
    bio = {lk.href: lk.target for lk in out.links if lk.region == "bio"}
    assert bio["https://t.co/Qm3xVp0aZk"] == "https://mpdc.dc.gov/page/contact-metropolitan-police-department"


def test_tco_expanded_url_from_initial_state_beats_truncated_display() -> None:
    html = (PAGES / "dcpolicedept.html").read_text(encoding="utf-8")
    # Without X's hidden tail span the display text alone would be the truncated
    # "mpdc.dc.gov/page/contact-m…"; the embedded expanded_url still gives the real target.
    tail = '<span aria-hidden="true" class="css-1jxf684 r-qlhcfr">etropolitan-police-department</span>'
    html = html.replace(tail, "")
    out = _extract("", "https://x.com/DCPoliceDept", html=html)
    assert out.hints["https://t.co/Qm3xVp0aZk"].endswith("/contact-metropolitan-police-department")
    bio = {lk.href: lk.target for lk in out.links if lk.region == "bio"}
    assert bio["https://t.co/Qm3xVp0aZk"] == "https://mpdc.dc.gov/page/contact-metropolitan-police-department"


def test_link_in_bio_page_is_kept_as_its_own_target() -> None:
    out = _extract("mpdc1d.html", "https://x.com/MPDC_1D")
    assert [lk.target for lk in out.links if lk.region == "profile_field"] == ["https://linktr.ee/mpdc1d"]


def test_disclaimer_only_in_a_post_is_feed() -> None:
    out = _extract("mpd7d.html", "https://x.com/MPD_7D")
    assert _regions(out, "not monitored 24/7") == {"feed"}
    assert _regions(out, "2455 Alabama Ave SE") == {"bio"}
    assert out.wall is None


def test_walls_are_named() -> None:
    assert _extract("dcpolicealerts.html", "https://x.com/DCPoliceAlerts").wall == "suspended"
    assert _extract("mpdcyouth.html", "https://x.com/MPDC_Youth").wall == "not_found"
    wrong = _extract("mpd3d.html", "https://x.com/MPD_3D")
    assert (wrong.wall, wrong.wall_reason) == ("error_page", 'the page says "Something went wrong. Try reloading"')
    login = _extract("login-flow.html", "https://x.com/MPDC_Traffic",
                     final_url="https://x.com/i/flow/login?redirect_after_login=%2FMPDC_Traffic")
    assert login.wall == "login"


def test_timeline_error_under_a_readable_profile_is_not_a_wall() -> None:
    html = (PAGES / "mpd7d.html").read_text(encoding="utf-8").replace(
        "Officers from PSA 702 will be at Ferebee-Hope Elementary on Friday for career day.",
        "Something went wrong. Try reloading.")
    assert _extract("", "https://x.com/MPD_7D", html=html).wall is None
