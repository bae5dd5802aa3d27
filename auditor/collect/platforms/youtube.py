"""YouTube: https://www.youtube.com/@<handle> (or /channel/<id>, /c/<name>, /user/<name>) and /about.

Pages: the channel page, then its /about tab (optional: a refused /about is noted and the
channel page's own ytInitialData still carries the full description).

Read, from ``ytInitialData`` (the JSON every YouTube page embeds, present in the rendered DOM;
the same JSON is the answer of ``youtubei/v1/browse``, read as a PageCapture of kind "api"):
- header: channelMetadataRenderer.title; bio: the page header's description preview
  (pageHeaderViewModel > descriptionPreviewViewModel); header links: the header's
  "agency.example.gov and 2 more links" attribution (attributionViewModel commandRuns);
- the 2019-24 ``c4TabbedHeaderRenderer`` header: title (header), ``tagline``
  (channelTaglineRenderer.content, the description's first line: bio) and its website links in
  ``headerLinks`` (``channelHeaderLinksViewModel`` firstLink / more, 2023-24, or the older
  ``channelHeaderLinksRenderer`` primaryLinks / secondaryLinks);
- about: channelMetadataRenderer.description and the about panel in both shapes YouTube has
  served: the current ``aboutChannelViewModel`` (description, country, links as
  ``channelExternalLinkViewModel`` whose URL sits in commandRuns[].onTap.innertubeCommand
  .urlEndpoint.url) and the older ``channelAboutFullMetadataRenderer`` (description,
  primaryLinks[].navigationEndpoint.urlEndpoint.url, country, businessEmailLabel);
- feed: every video in the grid or shelves (videoRenderer, gridVideoRenderer, reelItemRenderer:
  title and descriptionSnippet) — a "call 911" in a video description is never account set-up;
- other: alerts (alertRenderer), so "This account has been terminated" is seen even before the
  DOM renders.
And from the rendered DOM: the about panel (ytd-about-channel-renderer, the older
ytd-channel-about-metadata-renderer) — taken before the feed rule because YouTube renders it
inside an ytd-item-section-renderer, the same element that wraps video shelves — the channel
header, and video grids/shelves as feed; masthead, guide and footer are chrome.

Meta: og:description is the channel description verbatim (about, coverage how="meta"); the
description meta is a cut copy ("...").

Coverage (profile_parts: header, about, website, contact). channelMetadataRenderer establishes the
header and the about text (the full description, empty when ""). The website part is seen when a
header link or an about-panel link was read, and established empty when the about panel was read
without links. The contact part is the about panel's business e-mail: a panel that was read
without one establishes it empty; a panel that offers one only to signed-in visitors
(``signInForBusinessEmail``) leaves it unseen, and the coverage note says so. Without the about
panel (a refused /about) website (unless in the header) and contact are not seen.

Links: every outbound link is wrapped in youtube.com/redirect?q=<target>; the q parameter is
the target, whatever the visible text says.

Walls: consent.youtube.com (EU cookie consent). The SOCS/CONSENT cookies are set before loading;
if the consent page still shows, "Reject all" (else "Accept all" / "I agree") is clicked. If the
click does not get through (blocked, or not in a replay archive) the page is put back on the
consent URL so the wall is named: all items review. The in-page consent dialog ("Before you
continue to YouTube") hiding an otherwise empty page is the same wall. "This channel doesn't
exist" / "This page isn't available" (HTTP 404) is not_found; "This account has been
terminated" is suspended: all items error.

Known to break: the consent buttons are found by their English labels only; YouTube renames
view models every year or two (the ``*ViewModel`` names here date from 2024-2025); the business
e-mail is hidden behind a sign-in for logged-out visitors and is never read.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import (
    Extract,
    MetaText,
    PageCapture,
    Platform,
    Rule,
    api_object,
    host_of,
    json_after,
    walk_json,
)
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, website

CONSENT_COOKIES = [
    {"name": "SOCS", "value": "CAISEwgDEgk0ODE3Nzk3MjQaAmVuIAEaBgiA_LyaBg", "domain": ".youtube.com", "path": "/"},
    {"name": "CONSENT", "value": "YES+cb", "domain": ".youtube.com", "path": "/"},
]
CONSENT_TEXT = re.compile(r"before you continue to youtube", re.I)
VIDEO_KEYS = {"videoRenderer", "gridVideoRenderer", "reelItemRenderer", "compactVideoRenderer"}


def _text(value: Any) -> str:
    """YouTube text objects: {"simpleText"}, {"content"}, {"runs": [{"text"}]} or a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("simpleText"), str):
            return value["simpleText"]
        if isinstance(value.get("content"), str):
            return value["content"]
        if isinstance(value.get("runs"), list):
            return "".join(str(r.get("text", "")) for r in value["runs"] if isinstance(r, dict))
    return ""


def _endpoint_urls(node: Any) -> list[str]:
    """The navigation URLs in a node (urlEndpoint.url), not thumbnails' or icons' URLs."""
    return [str(ep["url"]) for _, ep in walk_json(node, {"urlEndpoint"})
            if isinstance(ep, dict) and isinstance(ep.get("url"), str)]


class YouTube(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("YouTube", (FieldSpec("about", "Channel description (Customisation > Basic info)",
                                                        "about", 1000),),
                                   website("Links (Customisation > Basic info > Links)", "about"))
    name = "youtube"
    hosts = ("youtube.com", "m.youtube.com")
    redirectors = (Redirector("youtube.com", "q", "/redirect"),)
    rules = (
        Rule("other", "#masthead-container, ytd-masthead, tp-yt-app-drawer, ytd-mini-guide-renderer, "
                      "#guide, footer, ytd-consent-bump-v2-lightbox, tp-yt-app-toolbar, yt-tab-group-shape",
             "app chrome"),
        Rule("about", "ytd-about-channel-renderer, ytd-channel-about-metadata-renderer", "about panel"),
        Rule("bio", "yt-description-preview-view-model", "header description"),
        Rule("header", "#channel-header, yt-page-header-renderer, #page-header", "channel header"),
        Rule("feed", "ytd-rich-grid-renderer, ytd-video-renderer, ytd-grid-video-renderer, "
                     "ytd-reel-shelf-renderer, ytd-shelf-renderer, ytd-item-section-renderer, "
                     "ytd-rich-item-renderer, ytd-comments, ytd-backstage-post-thread-renderer", "videos"),
        Rule("about", "#description-container, #links-section", "about panel"),
    )
    profile_parts = ("header", "about", "website", "contact")
    meta_part = "about"
    meta_boilerplate = (r"^Enjoy the videos and music you love",)
    unavailable_markers = (
        (r"this channel doesn.t exist", "not_found"),
        (r"this account has been terminated", "suspended"),
        (r"this channel was removed", "suspended"),
        *Platform.unavailable_markers,
    )

    def urls(self, url: str) -> list[tuple[str, str]]:
        parts = urlsplit(url)
        path = parts.path.rstrip("/")
        for tab in ("/about", "/videos", "/featured", "/streams", "/shorts", "/playlists"):
            if path.endswith(tab):
                path = path[: -len(tab)]
        about = urlunsplit(parts._replace(path=path + "/about", query="", fragment=""))
        return [("profile", url)] if about == url else [("profile", url), ("about", about)]

    def cookies(self) -> list[dict]:
        return CONSENT_COOKIES

    async def prepare(self, page: Any) -> None:
        from playwright.async_api import Error as PlaywrightError

        if not self.is_consent_url(page.url):
            return
        consent_url = page.url
        for label in ("Reject all", "Accept all", "I agree"):
            button = page.get_by_role("button", name=label)
            if not await button.count():
                continue
            with contextlib.suppress(PlaywrightError):  # a refused form POST ends in an error page
                await button.first.click(timeout=5000)
                await page.wait_for_url(lambda u: u != consent_url, timeout=10000)
                await page.wait_for_load_state("domcontentloaded", timeout=10000)
            if page.url.startswith("chrome-error:") or not host_of(page.url).endswith("youtube.com"):
                # The consent form's POST failed (an error page): go back so the wall is named.
                with contextlib.suppress(PlaywrightError):
                    await page.goto(consent_url, wait_until="load", timeout=15000)
            return

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        return MetaText(own=value, verbatim=True)

    def read_api(self, cap: PageCapture, out: Extract) -> None:
        """A ``youtubei/v1/browse`` answer: the JSON the channel page embeds as ytInitialData."""
        if data := api_object(cap):
            self._read_initial_data(data, cap, out)

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        for tag in soup.find_all("script"):
            script = tag.string or ""
            if "ytInitialData" not in script:
                continue
            data = json_after(script, "ytInitialData")
            if isinstance(data, dict):
                self._read_initial_data(data, cap, out)

    def _read_initial_data(self, data: dict, cap: PageCapture, out: Extract) -> None:
        for _, meta in walk_json(data, {"channelMetadataRenderer"}):
            if isinstance(meta, dict):
                out.add_text("header", _text(meta.get("title")), "channelMetadataRenderer.title", cap.url)
                out.add_text("about", _text(meta.get("description")), "channelMetadataRenderer.description",
                             cap.url)
                if "title" in meta:
                    out.mark("header", "embedded_json", "channelMetadataRenderer.title", cap.url)
                if "description" in meta:
                    out.mark("about", "embedded_json", "channelMetadataRenderer.description", cap.url,
                             empty=not _text(meta.get("description")).strip())
        for key, panel in walk_json(data, {"aboutChannelViewModel", "channelAboutFullMetadataRenderer"}):
            if not isinstance(panel, dict):
                continue
            out.add_text("about", _text(panel.get("description")), f"{key}.description", cap.url)
            for k in ("country", "businessEmailLabel"):
                if _text(panel.get(k)):
                    out.add_text("profile_field", _text(panel.get(k)), f"{key}.{k}", cap.url)
            before = len(out.links)
            for _, link in walk_json(panel, {"channelExternalLinkViewModel"}):
                if isinstance(link, dict):
                    self._add_link("about", link, _text(link.get("link")), cap, out, key)
            for link in panel.get("primaryLinks") or []:
                if isinstance(link, dict):
                    self._add_link("about", link, _text(link.get("title")), cap, out, key)
            out.mark("website", "embedded_json", f"{key} links", cap.url, empty=len(out.links) == before)
            hidden = any(k in panel for k in ("signInForBusinessEmail", "businessEmailButton",
                                               "bypassBusinessEmailCaptcha", "businessEmailRevealButton"))
            if hidden:
                out.unseen_why.append("the channel's business e-mail is shown only to signed-in visitors")
            elif _text(panel.get("businessEmail")) or _text(panel.get("email")):
                out.add_text("profile_field", _text(panel.get("businessEmail") or panel.get("email")),
                             f"{key}.businessEmail", cap.url)
                out.mark("contact", "embedded_json", f"{key}.businessEmail", cap.url)
            else:
                out.mark("contact", "embedded_json", f"{key} (no business e-mail)", cap.url, empty=True)
        for _, c4 in walk_json(data, {"c4TabbedHeaderRenderer"}):
            if isinstance(c4, dict):
                self._read_c4_header(c4, cap, out)
        for _, header in walk_json(data, {"pageHeaderViewModel"}):
            if not isinstance(header, dict):
                continue
            for _, desc in walk_json(header, {"descriptionPreviewViewModel"}):
                if isinstance(desc, dict):
                    out.add_text("bio", _text(desc.get("description")), "pageHeader description", cap.url)
            for _, attribution in walk_json(header, {"attributionViewModel"}):
                if isinstance(attribution, dict):
                    self._add_run_links(attribution.get("text"), cap, out)
        for key, video in walk_json(data, VIDEO_KEYS):
            if isinstance(video, dict):
                text = "\n".join(t for t in (_text(video.get("title")), _text(video.get("headline")),
                                             _text(video.get("descriptionSnippet"))) if t)
                out.add_text("feed", text, key, cap.url)
        for _, alert in walk_json(data, {"alertRenderer", "alertWithButtonRenderer"}):
            if isinstance(alert, dict):
                out.add_text("other", _text(alert.get("text")), "alert", cap.url)

    def _read_c4_header(self, c4: dict, cap: PageCapture, out: Extract) -> None:
        """The 2019-24 channel header: title, tagline (first line of the description), header links."""
        out.add_text("header", _text(c4.get("title")), "c4TabbedHeaderRenderer.title", cap.url)
        tagline = c4.get("tagline")
        if isinstance(tagline, dict):
            for _, renderer in walk_json(tagline, {"channelTaglineRenderer"}):
                if isinstance(renderer, dict):
                    out.add_text("bio", _text(renderer.get("content")), "c4TabbedHeaderRenderer.tagline", cap.url)
        links = c4.get("headerLinks")
        if not isinstance(links, dict):
            return
        for _, view in walk_json(links, {"channelHeaderLinksViewModel"}):
            if isinstance(view, dict):
                for key in ("firstLink", "more"):
                    self._add_run_links(view.get(key), cap, out, "c4 headerLinks")
        for _, renderer in walk_json(links, {"channelHeaderLinksRenderer"}):
            if isinstance(renderer, dict):
                for key in ("primaryLinks", "secondaryLinks"):
                    for link in renderer.get(key) or []:
                        if isinstance(link, dict):
                            self._add_link("header", link, _text(link.get("title")), cap, out, "c4 headerLinks")
                            out.mark("website", "embedded_json", "c4 headerLinks", cap.url)

    def _add_run_links(self, text_obj: Any, cap: PageCapture, out: Extract,
                       source: str = "page header links") -> None:
        """Links in an attributed string: {"content": "...", "commandRuns": [{startIndex, length, onTap}]}."""
        if not isinstance(text_obj, dict):
            return
        content = _text(text_obj)
        for run in text_obj.get("commandRuns") or []:
            if isinstance(run, dict):
                start, length = int(run.get("startIndex", 0)), int(run.get("length", 0))
                if _endpoint_urls(run):
                    self._add_link("header", run, content[start:start + length], cap, out, source)
                    out.mark("website", "embedded_json", source, cap.url)

    def _add_link(self, region: str, node: dict, text: str, cap: PageCapture, out: Extract, source: str) -> None:
        urls = _endpoint_urls(node)
        href = urls[0] if urls else text
        if href.startswith("/"):
            href = "https://www.youtube.com" + href
        if href:
            out.add_link(region, href, self.unwrap(href, text=text), text, f"{source} link", cap.url)

    def detect_wall(self, captures: list[PageCapture], out: Extract) -> None:
        super().detect_wall(captures, out)
        main = next((c for c in captures if c.kind == "profile"), None)
        if out.wall or main is None or out.profile_text_found():
            return
        if CONSENT_TEXT.search(main.html):
            out.wall = "consent"
            out.wall_reason = "YouTube's consent dialog (\"Before you continue to YouTube\") hides the channel"
