"""Bluesky module on the fixture pages and API answers, without a browser."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.bluesky import Bluesky, urls_in_text

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "bluesky" / "pages"
API = "https://public.api.bsky.app/xrpc"


def _extract(handle: str, page: str, profile: str | None, feed: str | None, status: int = 200) -> Extract:
    urls = [u for _, u in Bluesky().urls(f"https://bsky.app/profile/{handle}")]
    caps = [PageCapture(kind="profile", url=urls[0], status=200, html=(PAGES / page).read_text("utf-8"))]
    for name, url in zip((profile, feed), urls[1:], strict=True):
        body = (PAGES / name).read_text("utf-8") if name else ""
        caps.append(PageCapture(kind="api", url=url, status=status, html=body, error="" if name else "aborted"))
    return Bluesky().extract(caps)


def _regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def test_urls_ask_the_public_api_through_the_browser() -> None:
    assert Bluesky().urls("https://bsky.app/profile/mpdc.dc.gov") == [
        ("profile", "https://bsky.app/profile/mpdc.dc.gov"),
        ("api", f"{API}/app.bsky.actor.getProfile?actor=mpdc.dc.gov"),
        ("api", f"{API}/app.bsky.feed.getAuthorFeed?actor=mpdc.dc.gov&filter=posts_and_author_threads"
                "&includePins=true&limit=30")]


def test_urls_in_description_are_links_like_the_app_makes_them() -> None:
    text = "Call 311. Web: mpdc.dc.gov. Tips https://mpdc.dc.gov/page/tips (text 50411), Washington, D.C."
    assert urls_in_text(text) == ["https://mpdc.dc.gov", "https://mpdc.dc.gov/page/tips"]
    assert urls_in_text("Email joinmpd@dc.gov e.g. St.Louis") == []


def test_profile_description_pinned_post_and_feed() -> None:
    out = _extract("mpdc.dc.gov", "mpdc.html", "mpdc-profile.json", "mpdc-feed.json")
    assert out.wall is None
    assert _regions(out, "Not monitored 24/7") == {"bio", "meta"}
    assert _regions(out, "Text 50411") == {"pinned"}
    assert _regions(out, "call 911. Do not approach") == {"feed"}
    assert {(lk.region, lk.target) for lk in out.links} == {
        ("meta", "https://mpdc.dc.gov"), ("bio", "https://mpdc.dc.gov"),
        ("pinned", "https://mpdc.dc.gov/page/text-tip-line"),
        ("feed", "https://mpdc.dc.gov/release/arrest-made-benning-road-shooting")}


def test_page_meta_alone_when_the_api_is_refused() -> None:
    out = _extract("mpdc1d.bsky.social", "mpdc1d.html", None, None)
    assert out.wall is None
    assert _regions(out, "Emergencies: 911") == {"meta"}
    assert [lk.target for lk in out.links] == ["https://linktr.ee/mpdc1d"]


def test_disclaimer_only_in_an_unpinned_post_is_feed() -> None:
    out = _extract("mpd5d.bsky.social", "mpd5d.html", "mpd5d-profile.json", "mpd5d-feed.json")
    assert _regions(out, "not monitored 24/7") == {"feed"}
    assert _regions(out, "National Night Out") == {"pinned"}


def test_walls_from_the_api() -> None:
    cadets = _extract("dcpolicecadets.bsky.social", "cadets.html", "cadets-profile.json", "cadets-feed.json")
    assert cadets.wall == "login" and "!no-unauthenticated" in cadets.wall_reason
    gone = _extract("dcpolicealerts.bsky.social", "shell.html", "alerts-profile.json", "alerts-feed.json", 400)
    assert (gone.wall, gone.wall_reason) == ("not_found", "Bluesky's API says \"Profile not found\"")
    down = _extract("mpdc-traffic.bsky.social", "shell.html", "traffic-profile.json", "traffic-feed.json", 400)
    assert down.wall == "suspended"
