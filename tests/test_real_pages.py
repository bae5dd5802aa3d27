"""Real captured platform pages (../shared/real-pages, see its PROVENANCE.md) through their platform
modules, without a browser: each yields its profile text in the right regions with the coverage
it earned, or coverage that says the profile could not be seen. Skipped where the folder is absent
(a user's clone does not have it); the captures are never copied into this repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.collect.platforms import get
from auditor.collect.platforms.base import Extract, PageCapture
from tests.conftest import ROOT

REAL = ROOT.parent / "shared" / "real-pages"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-pages is not here")


def read(platform: str, name: str, url: str, kind: str = "profile", status: int = 200) -> Extract:
    body = (REAL / name).read_text(encoding="utf-8")
    return get(platform).extract([PageCapture(kind=kind, url=url, final_url=url, status=status, html=body)])


def regions(out: Extract, needle: str) -> set[str]:
    return {t.region for t in out.texts if needle.lower() in t.text.lower()}


def seen(out: Extract) -> dict[str, tuple[str, bool, bool]]:
    return {p.part: (p.how, p.empty, p.truncated) for p in out.coverage.seen}


def targets(out: Extract, region: str) -> set[str]:
    return {lk.target for lk in out.links if lk.region == region}


def test_every_real_page_is_covered_here() -> None:
    files = {str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file() and p.name != "PROVENANCE.md"}
    source = Path(__file__).read_text(encoding="utf-8")
    assert {f for f in files if f'"{f}"' not in source} == set()


# -- X ------------------------------------------------------------------------------------------
def test_x_2025_rendered_profile() -> None:
    out = read("x", "x/kikobeats-2025-12.html", "https://x.com/Kikobeats")
    assert out.wall is None
    assert regions(out, "Building web infra & open source") >= {"bio"}
    assert regions(out, "Making some") == {"pinned"}
    assert "https://kikobeats.com" in targets(out, "profile_field")
    assert seen(out) == {"header": ("dom", False, False), "bio": ("dom", False, False),
                         "website": ("dom", False, False), "pinned": ("dom", False, False)}


def test_x_2025_profile_without_website_field_and_mentions_inline() -> None:
    out = read("x", "x/javilop-2025-12.html", "https://x.com/javilop")
    # One line, not one per mention (the JSON-LD description repeats the bio as about).
    assert regions(out, "Fundador @Magnific_AI (acq. por @freepik)") == {"bio", "about"}
    assert seen(out)["website"] == ("dom", True, False)  # the rendered header shows none: established empty
    assert seen(out)["pinned"] == ("dom", False, False)


def test_twitter_2023_profile_with_pinned_tweet() -> None:
    out = read("x", "x/kikobeats-twitter-2023-01.html", "https://twitter.com/Kikobeats")
    assert regions(out, "engineering ▲ @vercel; founder of") == {"bio", "meta"}
    assert regions(out, "Microlink Cards is officially out") == {"pinned"}
    assert {"http://microlink.io", "http://metascraper.js.org"} <= targets(out, "bio")
    assert set(seen(out)) == {"header", "bio", "website", "pinned"}


def test_x_crawler_answer_with_empty_body_is_only_the_bio_from_meta() -> None:
    out = read("x", "x/kikobeats-og-2025-12.html", "https://x.com/Kikobeats")
    assert {t.region for t in out.texts} == {"meta"}
    assert regions(out, "engineering ▲ @vercel") == {"meta"}
    # The bio verbatim can pass an item; header, website field and pinned post were not seen (no fail).
    assert seen(out) == {"bio": ("meta", False, False)}
    assert out.coverage.unseen(["header", "website", "pinned"]) == ["header", "website", "pinned"]


# -- Instagram ----------------------------------------------------------------------------------
def test_instagram_2025_js_shell_is_only_the_quoted_bio() -> None:
    out = read("instagram", "instagram/pluto-travel-2025-01.html", "https://www.instagram.com/pluto__travel/")
    assert [t.text for t in out.texts if t.region != "other"] == [
        "Home of travel - Plan a trip and find the best things to do in one simple, fun and beautiful app."]
    assert not regions(out, "Followers")  # the counts are Instagram's words, never the profile's
    assert seen(out) == {"bio": ("meta", False, False)}
    assert "only" not in out.coverage.note and "not seen: profile header, website field, contact fields" in \
        out.coverage.note


def test_instagram_2021_shared_data_graphql_user() -> None:
    out = read("instagram", "instagram/pluto-travel-2021-06.html", "https://www.instagram.com/pluto__travel/")
    assert [t.source for t in out.texts if t.text.startswith("Where travel lovers go to escape.")] == ["biography"]
    assert "https://linkin.bio/pluto__travel" in targets(out, "profile_field")
    assert regions(out, "hello@pluto.travel") == {"profile_field"}
    assert regions(out, "Staycation spots all booked up") == {"feed"}  # a post caption
    assert not regions(out, "See Instagram photos and videos")
    header = next(t.text for t in out.texts if t.source == "profile header")
    assert "Product/Service\nWhere" in header  # adjacent blocks do not glue ("Product/ServiceWhere")
    assert {part: how for part, (how, _, _) in seen(out).items()} == {
        "header": "embedded_json", "bio": "embedded_json", "website": "embedded_json", "contact": "embedded_json"}


# -- TikTok -------------------------------------------------------------------------------------
def test_tiktok_caption_excerpts_in_the_meta_are_feed_never_profile() -> None:
    out = read("tiktok", "tiktok/illojuan-2025-12.html", "https://www.tiktok.com/@illojuan")
    assert regions(out, "Timing, saludos desde Almería") >= {"bio", "meta"}
    assert regions(out, "La nueva locurilla d") == {"feed"}
    assert regions(out, "TIMING SALUDOS DESDE") == {"feed"}
    assert not regions(out, "popular videos") and not regions(out, "783.4K Followers")
    assert "https://twitch.tv/illojuan" in targets(out, "profile_field")
    assert set(seen(out)) == {"header", "bio", "website"}


# -- YouTube ------------------------------------------------------------------------------------
def test_youtube_2024_c4_tabbed_header() -> None:
    out = read("youtube", "youtube/onemedia-2024-01.html", "https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA")
    assert regions(out, "Don't miss the latest movie and blockbuster trailers.") >= {"about"}
    assert [t.source for t in out.texts if t.region == "bio"] == ["c4TabbedHeaderRenderer.tagline"]
    assert targets(out, "header") == {"https://www.facebook.com/204568612956950"}  # headerLinks, unwrapped
    assert regions(out, "Jaws: The Revenge") == {"feed"}
    assert set(seen(out)) == {"header", "about", "website"}
    assert out.coverage.unseen(["contact"]) == ["contact"]  # no about panel on this page


@pytest.mark.parametrize(("name", "about", "site"), [
    ("youtube/vsauce-browse-2026-01.json", "Our World is Amazing.", "https://www.curiositybox.com"),
    ("youtube/kurzgesagt-browse-2026-01.json", "optimistic nihilism", "https://shop.kgs.link/cool"),
])
def test_youtube_2026_browse_answer_page_header_view_model(name: str, about: str, site: str) -> None:
    out = read("youtube", name, "https://www.youtube.com/youtubei/v1/browse", kind="api")
    assert "about" in regions(out, about)
    assert site in targets(out, "header")  # the attribution link of pageHeaderViewModel
    assert set(seen(out)) == {"header", "about", "website"}


# -- LinkedIn -----------------------------------------------------------------------------------
def test_linkedin_guest_company_page() -> None:
    out = read("linkedin", "linkedin/audiense-guest-2024-10.html", "https://uk.linkedin.com/company/audiense")
    assert regions(out, "The Audiense platform combines rich social data") >= {"about"}
    assert "http://www.audiense.com" in targets(out, "profile_field")
    assert regions(out, "Kemp House") >= {"profile_field"}
    assert not regions(out, "5,750 followers on LinkedIn")
    assert seen(out)["contact"] == ("dom", True, False)  # the about-us list has no Phone row
    assert set(seen(out)) == {"header", "bio", "about", "website", "contact"}


def test_linkedin_signed_in_org_top_card() -> None:
    out = read("linkedin", "linkedin/audiense-member-2021-10.html", "https://www.linkedin.com/company/audiense")
    assert "bio" in regions(out, "Put consumer segmentation and cultural understanding")  # also in page chrome
    assert "about" in regions(out, "The Audiense platform combines rich social data")  # and in voyager <code> JSON
    assert any(t.startswith("https://dashboard.audiense.com/") for t in targets(out, "profile_field"))
    assert not regions(out, "Pages people also viewed") - {"other"}
    assert set(seen(out)) == {"header", "bio", "about", "website"}
    assert out.coverage.unseen(["contact"]) == ["contact"]  # the phone shows only on the about tab


# -- Bluesky ------------------------------------------------------------------------------------
def test_bluesky_rendered_profile() -> None:
    out = read("bluesky", "bluesky/stephenking-2026-01.html", "https://bsky.app/profile/stephenking.bsky.social")
    assert [t.text for t in out.texts if t.region == "bio"] == ["Writer"]
    assert regions(out, "290 days until the midterms") == {"feed"}
    assert seen(out) == {"header": ("dom", False, False), "bio": ("dom", False, False),
                         "pinned": ("dom", True, False)}  # the rendered author feed starts with no pinned post


def test_bluesky_get_profile_answer() -> None:
    out = read("bluesky", "bluesky/wired-getprofile-2025-04.json",
               "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=wired.com", kind="api")
    assert regions(out, "At wired.com where tomorrow is realized") == {"bio"}
    assert {"https://wired.com", "https://wrd.cm/newsletters"} <= targets(out, "bio")
    # It names a pinnedPost, but the author feed was not read: the pinned post was not seen.
    assert set(seen(out)) == {"header", "bio"} and out.coverage.unseen(["pinned"]) == ["pinned"]


# -- Mastodon -----------------------------------------------------------------------------------
def test_mastodon_lookup_answer() -> None:
    out = read("mastodon", "mastodon/mastodonpy-test-lookup-2026-08.json",
               "http://localhost:3000/api/v1/accounts/lookup?acct=mastodonpy_test", kind="api")
    assert [t.text for t in out.texts if t.region == "bio"] == ["I walk funny"]
    assert {t.text for t in out.texts if t.region == "profile_field"} == {"bread: toasty.", "lasagna: no!!!"}
    assert seen(out)["website"] == ("api", True, False)  # no field links anywhere
    assert set(seen(out)) == {"header", "bio", "website", "contact"}


def test_mastodon_lookup_not_found() -> None:
    out = read("mastodon", "mastodon/lookup-not-found-2026-08.json",
               "http://localhost:3000/api/v1/accounts/lookup?acct=kljadklajsdkljlkjlkjlkjasdasd", kind="api",
               status=404)
    assert out.wall == "not_found" and not out.coverage.seen
    assert out.coverage.note.startswith("the profile could not be seen")


# -- Facebook -----------------------------------------------------------------------------------
def test_facebook_mobile_posts_tab_logged_out() -> None:
    out = read("facebook", "facebook/nintendo-mobile-posts-2021-06.html", "https://m.facebook.com/Nintendo/posts/")
    assert out.wall is None
    assert regions(out, "Video game") == {"header"}
    assert [t.text for t in out.texts if t.region == "header"][0].startswith("Nintendo\nVideo game")
    assert "https://www.nintendo.com/" in targets(out, "profile_field")  # the header's website button
    assert regions(out, "Nintendo is on Facebook. To connect with Nintendo") == {"other"}
    assert regions(out, "May 2021 is in the books") == {"feed"}
    assert not regions(out, "talking about this") and not regions(out, "5,411,563 likes")
    assert regions(out, "Welcome to the official Nintendo Facebook page") == {"meta"}
    # The About text is only in the (cut) meta: good for a pass, never for a fail.
    assert seen(out) == {"header": ("dom", False, False), "website": ("dom", False, False),
                         "about": ("meta", False, True)}
    assert out.coverage.unseen(["about", "contact"]) == ["about", "contact"]
