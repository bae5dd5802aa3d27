"""Mastodon module on the fixture pages and API answers, without a browser."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.mastodon import Mastodon, html_to_text

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "mastodon" / "pages"


def _extract(url: str, page: str, api: str | None, *, status: int = 200, api_status: int = 200) -> Extract:
    urls = [u for _, u in Mastodon().urls(url)]
    caps = [PageCapture(kind="profile", url=urls[0], status=status, html=(PAGES / page).read_text("utf-8"))]
    caps.append(PageCapture(kind="api", url=urls[1], status=api_status if api else None,
                            html=(PAGES / api).read_text("utf-8") if api else "", error="" if api else "aborted"))
    return Mastodon().extract(caps)


def _regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def test_urls_infer_the_instance_api() -> None:
    assert Mastodon().urls("https://dmv.community/@MPD_4D") == [
        ("profile", "https://dmv.community/@MPD_4D"),
        ("api", "https://dmv.community/api/v1/accounts/lookup?acct=MPD_4D")]
    assert Mastodon().urls("https://mastodon.social/@mpd@social.dc.gov")[1] == (
        "api", "https://mastodon.social/api/v1/accounts/lookup?acct=mpd@social.dc.gov")


def test_note_html_keeps_hrefs_and_joins_hidden_url_parts() -> None:
    note = ('<p>Web: <a href="https://mpdc.dc.gov/page/contact-us" rel="nofollow noopener">'
            '<span class="invisible">https://</span><span class="ellipsis">mpdc.dc.gov/page/co</span>'
            '<span class="invisible">ntact-us</span></a></p><p>Line one<br>Line two</p>')
    text, links = html_to_text(note)
    assert text.strip() == "Web: https://mpdc.dc.gov/page/contact-us\n\nLine one\nLine two"
    assert links == [("https://mpdc.dc.gov/page/contact-us", "https://mpdc.dc.gov/page/contact-us")]


def test_api_note_and_fields() -> None:
    out = _extract("https://mastodon.social/@DCPoliceDept", "dcpolicedept.html", "dcpolicedept-api.json")
    assert out.wall is None
    assert _regions(out, "not monitored 24/7") == {"bio", "meta"}
    assert _regions(out, "Non-emergency: 311 or (202) 727-9099") == {"profile_field"}
    website = [lk for lk in out.links if lk.region == "profile_field" and "'Website'" in lk.source]
    assert [(lk.target, lk.source) for lk in website] == [("https://mpdc.dc.gov", "api field 'Website' (verified)")]


def test_rendered_page_pinned_feed_and_no_handle_as_email() -> None:
    out = _extract("https://mastodon.social/@MPD_3D", "mpd3d.html", "mpd3d-api.json")
    assert _regions(out, "it is not monitored 24/7") == {"feed"}
    assert _regions(out, "Welcome to the 3D account") == {"pinned"}
    assert _regions(out, "Sign in to follow profiles") == {"other"}
    assert not [t for t in out.texts if "@MPD_3D@mastodon.social" in t.text]
    dom_field = [lk for lk in out.links if lk.source == "account fields"]
    assert [(lk.target, lk.text) for lk in dom_field] == [("https://mpdc.dc.gov/page/third-district",
                                                            "https://mpdc.dc.gov/page/third-district")]


def test_walls() -> None:
    signin = _extract("https://social.dmvgov.org/@MPDC_2D", "mpdc2d.html", "unauthorized.json", api_status=401)
    assert signin.wall == "login"
    shell_only = _extract("https://dmv.community/@MPD_6D", "mpd4d.html", None)
    assert shell_only.wall == "error_page"
    suspended = _extract("https://mastodon.social/@DCPoliceAlerts", "gone.html", "alerts-api.json", status=410)
    assert suspended.wall == "suspended"
    missing = _extract("https://mastodon.social/@MPDC_Youth", "notfound.html", "record-not-found.json",
                       status=404, api_status=404)
    assert missing.wall == "not_found"


def test_pinned_posts_are_asked_for_with_the_id_the_lookup_gave() -> None:
    m = Mastodon()
    lookup = PageCapture(kind="api", url="https://dmv.community/api/v1/accounts/lookup?acct=MPD_4D",
                         html=(PAGES / "mpd4d-api.json").read_text("utf-8"))
    profile = PageCapture(kind="profile", url="https://dmv.community/@MPD_4D", html="<html></html>")
    assert m.follow_ups([profile, lookup]) == [
        ("api", "https://dmv.community/api/v1/accounts/109334875120034561/statuses?pinned=true")]
    for bad in ('{"id": "../../admin"}', '{"id": "١٢٣"}', '{"id": 5e9999}', "[]", "not json", '{"error": "x"}'):
        assert m.follow_ups([profile, PageCapture(kind="api", url=lookup.url, html=bad)]) == [], bad
    assert m.follow_ups([profile, PageCapture(kind="api", url=lookup.url, html=lookup.html, error="refused")]) == []
    remote = lookup.html.replace('"acct": "MPD_4D"', '"acct": "MPD_4D@social.example"')
    assert remote != lookup.html
    assert m.follow_ups([profile, PageCapture(kind="api", url=lookup.url, html=remote)]) == [], \
        "a remote account's pinned list on this instance proves nothing"


def _with_pinned(answer: str | None) -> Extract:
    urls = [u for _, u in Mastodon().urls("https://dmv.community/@MPD_4D")]
    caps = [PageCapture(kind="profile", url=urls[0], status=200, html=(PAGES / "mpd4d.html").read_text("utf-8")),
            PageCapture(kind="api", url=urls[1], status=200, html=(PAGES / "mpd4d-api.json").read_text("utf-8"))]
    pinned_url = "https://dmv.community/api/v1/accounts/109334875120034561/statuses?pinned=true"
    caps.append(PageCapture(kind="api", url=pinned_url, status=200 if answer is not None else None,
                            html=answer or "", error="" if answer is not None else "aborted"))
    return Mastodon().extract(caps)


def test_pinned_posts_from_the_api_are_pinned_text_and_an_empty_answer_establishes_none() -> None:
    post = ('[{"id": "1", "content": "<p>In an emergency, call 911. <a href=\\"https://mpdc.dc.gov/\\">'
            'mpdc.dc.gov</a></p>", "reblog": null, "url": "https://dmv.community/@MPD_4D/1"},'
            ' {"id": "2", "content": "<p>Boosted: contact us at 555-0100</p>", "reblog": {"id": "9"}}]')
    out = _with_pinned(post)
    assert _regions(out, "In an emergency, call 911") == {"pinned"}
    assert not _regions(out, "555-0100"), "a boost is another account's words"
    assert [lk.target for lk in out.links if lk.region == "pinned"] == ["https://mpdc.dc.gov/"]
    seen = {s.part: s for s in out.coverage.seen}
    assert seen["pinned"].how == "api" and not seen["pinned"].empty
    assert _with_pinned("[]").coverage.saw("pinned"), "nothing pinned was established, not unseen"
    for unseen in (None, '{"error": "This API requires an authenticated user"}'):
        out = _with_pinned(unseen)
        assert "pinned" in out.coverage.expected and not out.coverage.saw("pinned"), unseen
