"""Each platform strips its own generated words from meta descriptions; quoted posts are feed."""

from __future__ import annotations

import pytest

from auditor.collect.platforms import get
from auditor.collect.platforms.base import PageCapture


def _meta(platform: str, url: str, description: str) -> tuple[dict[str, list[str]], dict[str, tuple[str, bool]]]:
    html = f'<html><head><meta property="og:description" content="{description}"></head><body></body></html>'
    out = get(platform).extract([PageCapture(kind="profile", url=url, status=200, html=html)])
    by_region: dict[str, list[str]] = {}
    for t in out.texts:
        by_region.setdefault(t.region, []).append(t.text)
    return by_region, {p.part: (p.how, p.truncated) for p in out.coverage.seen}


@pytest.mark.parametrize(("platform", "url", "description", "meta", "feed", "seen"), [
    ("tiktok", "https://www.tiktok.com/@mpdc_5d",
     "MPD Fifth District (@mpdc_5d) on TikTok | 41.2K Likes. 3,310 Followers. Not monitored 24/7.Watch "
     "MPD Fifth District's popular videos: &quot;In an emergency call 911...&quot;, &quot;Recruiting day...&quot;. "
     "Join 3,310 followers on TikTok for more dc content",
     ["Not monitored 24/7"], ["In an emergency call 911...", "Recruiting day..."], {"bio": ("meta", False)}),
    ("tiktok", "https://www.tiktok.com/@mpdc_5d",  # a form the module does not know: captions still feed
     "Schau dir Videos von MPD an: &quot;call 911 now...&quot;", ["Schau dir Videos von MPD an"],
     ["call 911 now..."], {}),
    ("instagram", "https://www.instagram.com/mpdc_4d/",
     "8,912 Followers, 143 Following, 1,207 Posts - MPD (@mpdc_4d) on Instagram: &quot;Official account of th...&quot;",
     ["Official account of th..."], [], {"bio": ("meta", True)}),
    ("instagram", "https://www.instagram.com/mpdc_4d/",
     "8,912 Followers, 143 Following, 1,207 Posts - See Instagram photos and videos from MPD (@mpdc_4d)",
     [], [], {}),
    ("instagram", "https://www.instagram.com/p/C8x2Lm/",
     "120 likes, 4 comments - mpdc_4d on June 3, 2024: &quot;In an emergency, call 911.&quot;",
     [], ["In an emergency, call 911."], {}),
    ("facebook", "https://www.facebook.com/MPD6D",
     "MPD Sixth District, Washington, DC. 5,103 likes · 22 talking about this · 310 were here. Official page.",
     ["MPD Sixth District, Washington, DC. Official page."], [], {"about": ("meta", True)}),
    ("linkedin", "https://www.linkedin.com/company/mpd/",
     "MPD | 21,480 followers on LinkedIn. Serve and protect | The official page.",
     ["MPD | Serve and protect | The official page."], [], {}),
    ("mastodon", "https://mastodon.example/@mpd",
     "412 Posts, 96 Following, 3.2K Followers · Official account. Not monitored 24/7.",
     ["Official account. Not monitored 24/7."], [], {}),  # no API answer: a script shell, nothing seen
    ("threads", "https://www.threads.com/@mpd",
     "18.4K Followers • 1.1K Threads • Official account of MPD. See the latest conversations with @mpd.",
     ["Official account of MPD"], [], {}),
    ("x", "https://x.com/MPD", "The latest posts from MPD (@MPD). Official account.", ["Official account."], [],
     {"bio": ("meta", False)}),
    ("x", "https://x.com/MPD", "From breaking news and entertainment to sports and politics, get the full story.",
     [], [], {}),
])
def test_meta_descriptions_keep_only_the_accounts_words(platform: str, url: str, description: str, meta: list[str],
                                                        feed: list[str], seen: dict) -> None:
    regions, coverage = _meta(platform, url, description)
    assert regions.get("meta", []) == meta
    assert regions.get("feed", []) == feed
    assert coverage == seen
