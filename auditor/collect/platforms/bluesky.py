"""Bluesky: https://bsky.app/profile/<handle> (a handle or a DID).

Pages: the bsky.app profile page, then the public AppView API through the browser (so HAR
replay and recording cover it): ``app.bsky.actor.getProfile`` and ``app.bsky.feed.getAuthorFeed``
(with pins). Both API calls are optional extras; a refused one is noted.

Read:
- bsky.app's server-rendered page (a React Native Web shell; logged-out visitors without
  script get only this): og:description / description is the profile description (meta),
  og:title the name (the generic reader does these); URLs written in the description count as
  links (bsky.app renders them as links, bare domains like "agency.example.gov" included). When the
  app has rendered, ``[data-testid=profileHeaderDisplayName]`` is header,
  ``[data-testid=profileHeaderDescription]`` bio, ``[data-testid^=feedItem-by-]`` feed;
- getProfile: displayName -> header, description -> bio, and the description's URLs -> bio
  links (getProfile has no website field: a profile's only links are in its description);
- getAuthorFeed: a post with ``reason.$type == app.bsky.feed.defs#reasonPin`` is the pinned
  post (pinned); every other post is feed. Link targets come from the post's link facets and
  external embeds (the real URI, whatever the visible text says).

Layouts read: bsky.app's server HTML (meta, JSON-LD ProfilePage, noscript summary) and the
rendered React Native Web DOM (2024-26 data-testid hooks); the AppView API answers above.
Meta: og:description is the description verbatim (``meta_part`` bio).

Coverage (profile_parts: header, bio, pinned; Bluesky has no website or contact field: links live
in the description). getProfile establishes the header and the bio (no ``description`` key on a
profile answer is an empty bio) and, without a ``pinnedPost``, that there is no pinned post;
getAuthorFeed read with pins establishes the pinned post (empty when no post is a reasonPin).
The rendered ``profileHeaderDisplayName`` header shows the description whenever it is set; a
rendered author feed (``feedItem-by-*``) shows the pinned post first with a "Pinned" label (read
as pinned), so without one it establishes that there is none. The
page's og:description is the description verbatim (coverage how="meta").

Walls: getProfile's errors name them: "Profile not found" / InvalidRequest -> not_found,
AccountTakedown -> suspended, AccountDeactivated -> not_found (all error). The self-label
``!no-unauthenticated`` (the account asked that logged-out visitors sign in; bsky.app then shows
"Sign-in required") is a login wall: review, even though the API still answers.

Known to break: bsky.app's data-testid names are the app's own test hooks and can change; a
description that writes a URL with a trailing full stop ("see agency.example.gov.") is trimmed the way
the app trims it; handles on custom domains are fine, but a changed handle makes the old URL a
not_found.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from bs4 import BeautifulSoup

from auditor.collect.platforms.base import Extract, Frame, MetaText, PageCapture, Platform, Rule, api_object
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, pinned

API = "https://public.api.bsky.app/xrpc"
# The app's own link detection (RichText detectFacets): a scheme URL or a bare domain.
URL_IN_TEXT = re.compile(r"(?:^|(?<=[\s(]))((?:https?://\S+)|(?:[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+(?:/\S*)?))", re.I)
KNOWN_TLDS = {"gov", "com", "org", "net", "us", "ee", "bio", "ai", "link", "social", "app", "io", "co", "edu", "info"}
NOT_FOUND = re.compile(r"profile not found|could not find|unable to resolve|AccountDeactivated", re.I)


def urls_in_text(text: str) -> list[str]:
    """URLs written in a description, as the app links them (https:// added to bare domains)."""
    out = []
    for m in URL_IN_TEXT.finditer(text):
        url = m.group(1).rstrip(".,;:!?)\"'")
        host = (urlsplit(url if "://" in url else "https://" + url).hostname or "").lower()
        if not host or ("://" not in url and host.rsplit(".", 1)[-1] not in KNOWN_TLDS):
            continue  # "e.g." or "St.Louis" are not links; the app checks a bare domain's TLD too
        out.append(url if "://" in url else "https://" + url)
    return out



class Bluesky(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Bluesky", (FieldSpec("bio", "Description (Edit profile)", "bio", 256), pinned(300)),
                                   None)
    name = "bluesky"
    hosts = ("bsky.app",)
    rules = (
        Rule("other", 'nav, footer, [role="navigation"], #splash', "app chrome"),
        Rule("header", '[data-testid="profileHeaderDisplayName"], [data-testid="profileHeaderHandle"]',
             "profile header", part="header"),
        Rule("bio", '[data-testid="profileHeaderDescription"]', "profile description", part="bio"),
        Rule("pinned", lambda body: [el for el in body.select('[data-testid^="feedItem-by-"]')
                                     if any(t.strip() == "Pinned" for t in el.find_all(string=True))],
             "pinned post", part="pinned"),
        Rule("feed", '[data-testid^="feedItem-by-"], article, [role="article"]', "feed"),
    )
    profile_parts = ("header", "bio", "pinned")
    frames = (Frame('[data-testid="profileHeaderDisplayName"]', ("bio",), "profile header"),
              # The rendered author feed starts with the pinned post, labelled "Pinned", when there is one.
              Frame('[data-testid^="feedItem-by-"]', ("pinned",), "rendered author feed"))
    meta_part = "bio"
    unavailable_markers = (
        (r"profile not found|unable to resolve handle", "not_found"),
        (r"this account has been suspended", "suspended"),
        *Platform.unavailable_markers,
    )

    @staticmethod
    def actor(url: str) -> str:
        parts = [p for p in urlsplit(url).path.split("/") if p]
        return parts[1] if len(parts) >= 2 and parts[0] == "profile" else ""

    def urls(self, url: str) -> list[tuple[str, str]]:
        actor = quote(self.actor(url), safe=":")
        if not actor:
            return [("profile", url)]
        return [("profile", url),
                ("api", f"{API}/app.bsky.actor.getProfile?actor={actor}"),
                ("api", f"{API}/app.bsky.feed.getAuthorFeed?actor={actor}&filter=posts_and_author_threads"
                        "&includePins=true&limit=30")]

    def read_meta(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        super().read_meta(soup, cap, out)
        desc = out.meta.get("og:description") or out.meta.get("description") or ""
        for url in urls_in_text(desc):
            out.add_link("meta", url, self.unwrap(url), url, "meta og:description", cap.url)

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        return MetaText(own=value, verbatim=True)

    def read_api(self, cap: PageCapture, out: Extract) -> None:
        data = api_object(cap)
        if not data or "error" in data:
            return
        if "getProfile" in cap.url:
            out.add_text("header", str(data.get("displayName") or data.get("handle") or ""), "getProfile.displayName",
                         cap.url)
            desc = str(data.get("description") or "")
            out.add_text("bio", desc, "getProfile.description", cap.url)
            for url in urls_in_text(desc):
                out.add_link("bio", url, self.unwrap(url), url, "getProfile.description", cap.url)
            if data.get("did") or data.get("handle"):  # a profile answer: what it leaves out is not set
                out.mark("header", "api", "getProfile", cap.url)
                out.mark("bio", "api", "getProfile.description", cap.url, empty=not desc.strip())
                if not data.get("pinnedPost"):
                    out.mark("pinned", "api", "getProfile (no pinnedPost)", cap.url, empty=True)
        elif "getAuthorFeed" in cap.url and isinstance(data.get("feed"), list):
            before = sum(t.region == "pinned" for t in out.texts)
            for item in data["feed"]:
                if isinstance(item, dict):
                    self._read_post(item, cap, out)
            pinned = any(isinstance(i, dict) and isinstance(i.get("reason"), dict)
                         and i["reason"].get("$type") == "app.bsky.feed.defs#reasonPin" for i in data["feed"])
            if "includePins=true" in cap.url or pinned:
                out.mark("pinned", "api", "getAuthorFeed (with pins)", cap.url,
                         empty=not pinned and sum(t.region == "pinned" for t in out.texts) == before)

    def _read_post(self, item: dict, cap: PageCapture, out: Extract) -> None:
        post = item.get("post") if isinstance(item.get("post"), dict) else {}
        record = post.get("record") if isinstance(post.get("record"), dict) else {}
        reason = item.get("reason") if isinstance(item.get("reason"), dict) else {}
        region = "pinned" if reason.get("$type") == "app.bsky.feed.defs#reasonPin" else "feed"
        source = "pinned post" if region == "pinned" else "author feed"
        text = str(record.get("text") or "")
        out.add_text(region, text, source, cap.url)
        text_bytes = text.encode()
        for facet in record.get("facets") or []:
            idx = facet.get("index") or {}
            shown = text_bytes[idx.get("byteStart", 0):idx.get("byteEnd", 0)].decode(errors="ignore")
            for feat in facet.get("features") or []:
                if feat.get("$type") == "app.bsky.richtext.facet#link" and feat.get("uri"):
                    out.add_link(region, feat["uri"], self.unwrap(feat["uri"]), shown, source, cap.url)
        embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
        external = embed.get("external") if isinstance(embed.get("external"), dict) else {}
        if external.get("uri"):
            out.add_link(region, external["uri"], self.unwrap(external["uri"]), str(external.get("title") or ""),
                         f"{source} link card", cap.url)

    def detect_wall(self, captures: list[PageCapture], out: Extract) -> None:
        super().detect_wall(captures, out)
        if out.wall in ("error_page", "not_found", "blocked"):
            return
        profile = next((c for c in captures if c.kind == "api" and "getProfile" in c.url and c.html), None)
        if profile is None:
            return
        data = api_object(profile)
        error, message = str(data.get("error") or ""), str(data.get("message") or "")
        if error == "AccountTakedown":
            out.wall, out.wall_reason = "suspended", f"Bluesky says the account was taken down (\"{message}\")"
        elif error and NOT_FOUND.search(f"{error} {message}"):
            out.wall, out.wall_reason = "not_found", f"Bluesky's API says \"{message or error}\""
        elif any(isinstance(lb, dict) and lb.get("val") == "!no-unauthenticated" for lb in data.get("labels") or []):
            out.wall = "login"
            out.wall_reason = ("the account asks that logged-out visitors sign in (label !no-unauthenticated); "
                               "bsky.app shows \"Sign-in required\" instead of the profile")
