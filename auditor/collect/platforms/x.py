"""X (Twitter): https://x.com/<handle> (twitter.com, mobile.* are the same app).

Read (the rendered DOM, which is what page.content() returns after X's app has run):
- header: ``[data-testid=UserName]`` (display name and @handle);
- bio: ``[data-testid=UserDescription]``;
- profile_field: ``[data-testid=UserUrl]`` (the website field), ``UserLocation``,
  ``UserProfessionalCategory``;
- pinned: the timeline ``article`` whose ``[data-testid=socialContext]`` says "Pinned";
- feed: every other ``article`` / ``[data-testid=tweet]`` / ``[data-testid=cellInnerDiv]``;
- other (never counts): navigation, the sidebar, the sign-up BottomBar and the cookie banner
  in ``#layers``;
- meta: og:description / description when X serves them (it does to crawlers, not always to
  browsers). X puts the bio there verbatim (t.co-wrapped links and all), so a crawler answer
  with an empty body still shows the bio (coverage how="meta"), but nothing else: the website
  field, the header and the pinned post are not seen.

Layouts read: the x.com app (2023-2025 data-testid markers; "Pinned" or "Pinned Tweet" social
context) and the twitter.com app of 2022-23 (same markers); X's crawler answer (head only).

Coverage (profile_parts: header, bio, website, pinned): the rendered ``UserName`` header shows the
bio and the website field whenever they are set, so under it a missing ``UserDescription`` /
``UserUrl`` is established empty. The pinned post is part of the profile (X shows it first on the
timeline): it counts as seen when the timeline rendered (any post) with or without a pinned one;
a timeline that did not load ("Something went wrong. Try reloading.") leaves it unseen.

Links: every outbound link is a t.co wrapper. Its target comes from, in this order, an
``expanded_url`` for that t.co URL in embedded JSON (``window.__INITIAL_STATE__`` or
``script[type=application/json]``: ``entities.url.urls[]`` / ``entities.description.urls[]``),
a ``title`` / ``data-expanded-url`` attribute, or the display text. X renders the display text
as three spans (hidden "https://", visible head, hidden tail and "…"); they are joined back
into one URL before unwrapping, so "agency.example.gov/page/contact-us" is not cut into pieces.

Walls: a redirect to /i/flow/login (or /login) is a login wall (review); "This account
doesn't exist" / "Hmm...this page doesn't exist" is not_found, "Account suspended" is
suspended, "Something went wrong. Try reloading." (X's generic failure, usually rate limiting
of logged-out visitors) and "Something went wrong, but don't fret" are error_page: all error,
never fail. These only apply when no bio, field or pinned post was read: a timeline that says
"Something went wrong" under a readable profile header is not a wall.

Known to break: X renames data-testid values rarely but does; logged-out access to profiles
comes and goes (when X serves only the login flow, the account is a review). A client-side
redirect to the login flow that has not finished when the page is captured leaves the profile
URL with an empty app shell: no profile text, so nothing passes, but it is not named as a wall
unless the "Log in" prompt text is present. Temporarily restricted ("Caution: This account is
temporarily restricted") profiles are not recognised. Text around a hashtag, mention or link
inside the bio is split at the link by the generic reader (the sentence breaks there).
"""

from __future__ import annotations

import contextlib
import json

from bs4 import BeautifulSoup, Tag

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import (
    Extract,
    Frame,
    MetaText,
    PageCapture,
    Platform,
    Rule,
    host_of,
    json_after,
    walk_json,
)
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, pinned, website


def _pinned(body: BeautifulSoup) -> list[Tag]:
    out = []
    for art in body.select("article"):
        ctx = art.select_one('[data-testid="socialContext"]')
        if ctx and "pinned" in ctx.get_text(" ", strip=True).lower():
            out.append(art)
    return out


def _expanded_urls(data: object, out: Extract) -> None:
    """t.co URL -> expanded_url from X's own JSON (users' ``entities`` and tweets' ``urls``)."""
    for _, urls in walk_json(data, {"urls"}):
        for u in urls if isinstance(urls, list) else []:
            if isinstance(u, dict) and u.get("url") and u.get("expanded_url"):
                out.hints.setdefault(str(u["url"]), str(u["expanded_url"]))


class X(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("X", (FieldSpec("bio", "Bio (Edit profile)", "bio", 160), pinned(280)),
                                   website("Website field (Edit profile)", limit=100))
    name = "x"
    hosts = ("x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com")
    redirectors = (Redirector("t.co", None),)
    rules = (
        Rule("other", '#layers, [data-testid="BottomBar"], [data-testid="sidebarColumn"], header[role="banner"], '
                      'nav, [role="navigation"], footer', "app chrome"),
        Rule("pinned", _pinned, "pinned post", part="pinned"),
        Rule("feed", 'article, [data-testid="tweet"], [data-testid="cellInnerDiv"]', "timeline"),
        Rule("bio", '[data-testid="UserDescription"]', "UserDescription", part="bio"),
        Rule("profile_field", '[data-testid="UserUrl"]', "UserUrl", part="website"),
        Rule("profile_field", '[data-testid="UserLocation"], [data-testid="UserProfessionalCategory"]',
             "profile field"),
        Rule("header", '[data-testid="UserName"]', "UserName", part="header"),
    )
    profile_parts = ("header", "bio", "website", "pinned")
    frames = (
        Frame('[data-testid="UserName"]', ("bio", "website"), "UserName profile header"),
        Frame('[data-testid="primaryColumn"] article, article[data-testid="tweet"]',
              ("pinned",), "timeline"),
    )
    meta_part = "bio"
    meta_boilerplate = (r"^From breaking news and entertainment to sports and politics",)
    unavailable_markers = (
        (r"account suspended", "suspended"),
        (r"this account doesn.t exist", "not_found"),
        (r"hmm\.*\s*this page doesn.t exist", "not_found"),
        (r"something went wrong\. try reloading", "error_page"),
        (r"something went wrong, but don.t fret", "error_page"),
        *Platform.unavailable_markers,
    )
    login_markers = (r"sign in to x\b", r"log in to x\b", *Platform.login_markers)

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        # og:description is the bio as written; the older description meta prefixed X's own words.
        for prefix in ("The latest posts from ", "The latest Tweets from "):
            if value.startswith(prefix):
                head, sep, rest = value.partition("). ")
                return MetaText(own=rest.strip(), verbatim=bool(sep and rest.strip()))
        return MetaText(own=value, verbatim=True)

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        for tag in soup.find_all("script"):
            script = tag.string or ""
            if tag.get("type") == "application/json":
                with contextlib.suppress(json.JSONDecodeError):
                    _expanded_urls(json.loads(script or "null"), out)
            elif "__INITIAL_STATE__" in script:
                _expanded_urls(json_after(script, "__INITIAL_STATE__"), out)

    def read_regions(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        body = soup.body or soup
        for a in body.find_all("a", href=True):
            if host_of(str(a["href"])) != "t.co":
                continue
            # X splits the display URL into hidden/visible spans; one string is the URL as written.
            display = a.get_text("", strip=True)
            a.clear()
            a.append(display)
        # Mentions in the bio sit in inline-flex divs (class r-xoduu5): one sentence, not a line each.
        for div in body.select('[data-testid="UserDescription"] div'):
            div.name = "span"
        super().read_regions(soup, cap, out)
