"""TikTok module on the fixture pages, without a browser: rehydration JSON, SIGI_STATE, data-e2e
regions, the link/v2 wrapper, walls."""

from __future__ import annotations

from pathlib import Path

from auditor.collect.platforms.base import Extract, PageCapture
from auditor.collect.platforms.tiktok import TikTok

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "tiktok" / "pages"


def _extract(name: str, url: str, *, html: str | None = None) -> Extract:
    body = html if html is not None else (PAGES / name).read_text(encoding="utf-8")
    return TikTok().extract([PageCapture(kind="profile", url=url, final_url=url, status=200, html=body)])


def _regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def test_compliant_profile_from_rehydration_json_and_dom() -> None:
    out = _extract("dcpolicedept.html", "https://www.tiktok.com/@dcpolicedept")
    assert out.wall is None
    sig = "Official MPDC account, run by MPDC. Not monitored 24/7. Call 911. Text 50411"
    assert len(sig) <= 80  # TikTok's bio limit
    # The signature, and the same words cut out of TikTok's meta description (its counts dropped).
    assert [t.region for t in out.texts if t.text == sig] == ["meta", "bio"]
    assert [t.text for t in out.texts if t.source == "webapp.user-detail nickname"] == ["DC Police Department"]
    # Pinned and ordinary videos are feed, whatever they say.
    assert _regions(out, "here for you 24/7") == {"feed"}
    assert _regions(out, "Dial 311") == {"feed"}
    assert _regions(out, "We use cookies") == {"other"}


def test_bio_link_from_json_and_link_v2_wrapper() -> None:
    out = _extract("dcpolicedept.html", "https://www.tiktok.com/@dcpolicedept")
    links = {(lk.source, lk.target) for lk in out.links if lk.region == "profile_field"}
    assert links == {("webapp.user-detail bioLink", "https://mpdc.dc.gov"), ("user-link", "https://mpdc.dc.gov")}
    dom = next(lk for lk in out.links if lk.source == "user-link")
    assert dom.href.startswith("https://www.tiktok.com/link/v2?")


def test_link_in_bio_page() -> None:
    out = _extract("joinmpdc.html", "https://www.tiktok.com/@joinmpdc")
    assert {lk.target for lk in out.links if lk.region == "profile_field"} == {"https://linktr.ee/joinmpdc"}
    assert _regions(out, "joinmpd@dc.gov") == {"feed"}


def test_older_sigi_state_page() -> None:
    out = _extract("mpdc_5d.html", "https://www.tiktok.com/@mpdc_5d")
    assert out.wall is None
    assert [t.source for t in out.texts if t.region == "bio" and "Not monitored 24/7" in t.text] == [
        "SIGI_STATE signature"]
    assert "https://mpdc.dc.gov/page/fifth-district" in {lk.target for lk in out.links if lk.region == "profile_field"}
    assert _regions(out, "call 911 right away") == {"feed"}
    assert not any("911" in t.text for t in out.texts if t.region not in ("feed", "other"))


def test_not_found_page_and_status_code_alone() -> None:
    html = (PAGES / "mpdc_7d-not-found.html").read_text(encoding="utf-8")
    out = _extract("", "https://www.tiktok.com/@mpdc_7d", html=html)
    assert out.wall == "not_found"
    # Without the visible message, the page data's statusCode still names the account as missing.
    bare = html.replace("Couldn't find this account", "")
    out = _extract("", "https://www.tiktok.com/@mpdc_7d", html=bare)
    assert out.wall == "not_found" and "10221" in out.wall_reason


def test_captcha_is_blocked() -> None:
    out = _extract("captcha.html", "https://www.tiktok.com/@mpdc_6d")
    assert out.wall == "blocked"


def test_unwrap_link_v2_without_scheme() -> None:
    tiktok = TikTok()
    assert tiktok.unwrap("https://www.tiktok.com/link/v2?aid=1988&scene=bio_url&target=mpdc.dc.gov") == \
        "https://mpdc.dc.gov"
    assert tiktok.unwrap("https://www.tiktok.com/@dcpolicedept") == "https://www.tiktok.com/@dcpolicedept"
