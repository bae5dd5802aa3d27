"""X (Twitter): https://x.com/<handle>.

Read: the profile header (data-testid=UserName), bio (UserDescription), profile fields (UserUrl,
UserLocation, UserProfessionalCategory), the pinned post (a tweet article whose socialContext
says "Pinned"), og:description. Feed tweets are labelled feed and never count.
Links: every outbound link is a t.co wrapper; its target is the display text, a title
attribute, or ``expanded_url`` in embedded JSON (``entities.url.urls[]``).
Walls: redirect to /i/flow/login; "This account doesn't exist"; "Account suspended";
"Something went wrong. Try reloading." (X's generic failure page, often a rate limit).
Known to break: X changes data-testid names rarely, but logged-out access to profiles comes and
goes; when X serves only the login flow, the account is a review, never a fail.
"""

from __future__ import annotations

import json

from bs4 import BeautifulSoup, Tag

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, PageCapture, Platform, Rule, walk_json


def _pinned(body: BeautifulSoup) -> list[Tag]:
    out = []
    for art in body.select("article"):
        ctx = art.select_one('[data-testid="socialContext"]')
        if ctx and "pinned" in ctx.get_text(" ", strip=True).lower():
            out.append(art)
    return out


class X(Platform):
    name = "x"
    hosts = ("x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com")
    redirectors = (Redirector("t.co", None),)
    rules = (
        Rule("pinned", _pinned, "pinned post"),
        Rule("feed", 'article, [data-testid="tweet"], [data-testid="cellInnerDiv"]', "timeline"),
        Rule("bio", '[data-testid="UserDescription"]', "UserDescription"),
        Rule("profile_field", '[data-testid="UserUrl"]', "UserUrl"),
        Rule("profile_field", '[data-testid="UserLocation"], [data-testid="UserProfessionalCategory"]',
             "profile field"),
        Rule("header", '[data-testid="UserName"]', "UserName"),
        Rule("other", 'nav, header[role="banner"], [data-testid="sidebarColumn"], [data-testid="BottomBar"], '
                      '[role="navigation"], footer', "app chrome"),
    )
    unavailable_markers = (
        (r"account suspended", "suspended"),
        (r"this account doesn.t exist", "not_found"),
        (r"something went wrong\. try reloading", "error_page"),
        *Platform.unavailable_markers,
    )

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        for tag in soup.find_all("script", attrs={"type": "application/json"}):
            try:
                data = json.loads(tag.string or "null")
            except (json.JSONDecodeError, TypeError):
                continue
            for _, urls in walk_json(data, {"urls"}):
                for u in urls if isinstance(urls, list) else []:
                    if isinstance(u, dict) and u.get("url") and u.get("expanded_url"):
                        out.hints[str(u["url"])] = str(u["expanded_url"])
