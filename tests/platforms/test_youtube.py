"""YouTube module on the fixture pages, without a browser: both about shapes, redirect unwrapping, walls."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.youtube import YouTube

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "youtube" / "pages"


def _cap(kind: str, name: str, url: str, *, final_url: str = "", status: int = 200) -> PageCapture:
    return PageCapture(kind=kind, url=url, final_url=final_url or url, status=status,
                       html=(PAGES / name).read_text(encoding="utf-8"))


def _regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def test_urls_add_the_about_tab() -> None:
    assert YouTube().urls("https://www.youtube.com/@DCPoliceDept/videos") == [
        ("profile", "https://www.youtube.com/@DCPoliceDept/videos"),
        ("about", "https://www.youtube.com/@DCPoliceDept/about")]


def test_current_about_view_model_links_are_unwrapped() -> None:
    url = "https://www.youtube.com/@DCPoliceDept"
    out = YouTube().extract([_cap("profile", "dcpolicedept.html", url),
                             _cap("about", "dcpolicedept-about.html", url + "/about")])
    assert out.wall is None
    about = {lk.target for lk in out.links if lk.region == "about" and lk.source == "aboutChannelViewModel link"}
    assert about == {"https://mpdc.dc.gov/", "https://x.com/DCPoliceDept", "https://www.facebook.com/DCPoliceDepartment"}
    assert all(lk.href.startswith("https://www.youtube.com/redirect?") for lk in out.links if lk.region == "about")
    header = [(lk.text, lk.target) for lk in out.links if lk.region == "header"]
    assert header == [("mpdc.dc.gov", "https://mpdc.dc.gov/")]
    # The rendered about panel sits inside an ytd-item-section-renderer, like video shelves: still about.
    assert "about" in _regions(out, "is not monitored 24/7")
    assert "feed" not in _regions(out, "is not monitored 24/7")
    # Video descriptions (DOM and ytInitialData) are feed.
    assert _regions(out, "If you see something, call 911") == {"feed"}


def test_old_about_metadata_uses_endpoint_url_not_favicon() -> None:
    url = "https://www.youtube.com/user/MPDCRecruiting"
    out = YouTube().extract([_cap("profile", "mpdcrecruiting.html", url),
                             _cap("about", "mpdcrecruiting-about.html", url + "/about")])
    old = {(lk.text, lk.target) for lk in out.links if lk.source == "channelAboutFullMetadataRenderer link"}
    assert old == {("Join MPD", "https://joinmpdc.org/"), ("DC.gov", "https://dc.gov/")}
    assert "about" in _regions(out, "Email joinmpd@dc.gov")
    assert _regions(out, "In an emergency always call 911") == {"feed"}
    assert "profile_field" in _regions(out, "United States")


def test_refused_about_tab_still_reads_the_channel_page() -> None:
    url = "https://www.youtube.com/@MPDC7D"
    out = YouTube().extract([_cap("profile", "mpdc7d.html", url),
                             PageCapture(kind="about", url=url + "/about", error="not in the replay archive")])
    assert out.wall is None
    assert "about" in _regions(out, "This channel is not monitored 24/7; in an emergency call 911")
    assert [lk.target for lk in out.links if lk.region == "header"] == ["https://mpdc.dc.gov/page/seventh-district"]


def test_walls() -> None:
    consent = "https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2F%40MPDCEvents%3Fcbrd%3D1"
    out = YouTube().extract([_cap("profile", "consent.html", "https://www.youtube.com/@MPDCEvents", final_url=consent)])
    assert out.wall == "consent"
    # The same consent text served in place (no redirect) hides an empty page: still a consent wall.
    inplace = YouTube().extract([_cap("profile", "consent.html", "https://www.youtube.com/@MPDCEvents")])
    assert inplace.wall == "consent"
    terminated = YouTube().extract([_cap("profile", "terminated.html", "https://www.youtube.com/@DCPoliceArchive")])
    assert terminated.wall == "suspended"
    gone = YouTube().extract([_cap("profile", "notfound.html", "https://www.youtube.com/@MPDC_Cadets", status=404)])
    assert gone.wall == "not_found"
