"""YouTube: https://www.youtube.com/@<handle> (or /channel/<id>, /c/<name>, /user/<name>) and /about.

Read: ``ytInitialData`` embedded in the page: channelMetadataRenderer (title, description),
the about panel (aboutChannelViewModel: description, links; older
channelAboutFullMetadataRenderer: description, primaryLinks), the page header's description.
Rendered DOM fallbacks: #description-container, ytd-channel-about-metadata-renderer, #links-section.
Video grids and shelves are feed.
Links: youtube.com/redirect?q= is unwrapped.
Walls: consent.youtube.com (EU cookie consent): the SOCS cookie is set before loading and the
"Accept all"/"Reject all" button is clicked if the page still shows; if it stays, the account is
a review. "This channel doesn't exist" / "This account has been terminated".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, PageCapture, Platform, Rule, json_after, walk_json

CONSENT_COOKIES = [
    {"name": "SOCS", "value": "CAISEwgDEgk0ODE3Nzk3MjQaAmVuIAEaBgiA_LyaBg", "domain": ".youtube.com", "path": "/"},
    {"name": "CONSENT", "value": "YES+cb", "domain": ".youtube.com", "path": "/"},
]


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


class YouTube(Platform):
    name = "youtube"
    hosts = ("youtube.com", "m.youtube.com")
    redirectors = (Redirector("youtube.com", "q", "/redirect"),)
    rules = (
        Rule("feed", "ytd-rich-grid-renderer, ytd-video-renderer, ytd-grid-video-renderer, "
                     "ytd-reel-shelf-renderer, ytd-shelf-renderer, ytd-item-section-renderer, "
                     "ytd-rich-item-renderer, ytd-comments", "videos"),
        Rule("other", "#masthead-container, ytd-masthead, tp-yt-app-drawer, ytd-mini-guide-renderer, "
                      "#guide, footer", "app chrome"),
        Rule("about", "ytd-about-channel-renderer, ytd-channel-about-metadata-renderer, #description-container, "
                      "#links-section, yt-description-preview-view-model", "about panel"),
        Rule("header", "#channel-header, yt-page-header-renderer, #page-header", "channel header"),
    )
    unavailable_markers = (
        (r"this channel doesn.t exist", "not_found"),
        (r"this account has been terminated", "suspended"),
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
        if not self.is_consent_url(page.url):
            return
        for label in ("Accept all", "Reject all", "I agree"):
            button = page.get_by_role("button", name=label)
            if await button.count():
                await button.first.click(timeout=5000)
                await page.wait_for_load_state("domcontentloaded", timeout=10000)
                return

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
        for key, panel in walk_json(data, {"aboutChannelViewModel", "channelAboutFullMetadataRenderer"}):
            if not isinstance(panel, dict):
                continue
            out.add_text("about", _text(panel.get("description")), f"{key}.description", cap.url)
            for k in ("country", "businessEmailLabel"):
                if _text(panel.get(k)):
                    out.add_text("profile_field", _text(panel.get(k)), f"{key}.{k}", cap.url)
            for _, link in walk_json(panel, {"channelExternalLinkViewModel"}):
                if isinstance(link, dict):
                    self._add_link(link, _text(link.get("link")), cap, out, key)
            for link in panel.get("primaryLinks") or []:
                if isinstance(link, dict):
                    self._add_link(link, _text(link.get("title")), cap, out, key)
        for _, header in walk_json(data, {"pageHeaderViewModel"}):
            if isinstance(header, dict):
                for _, desc in walk_json(header, {"descriptionPreviewViewModel"}):
                    if isinstance(desc, dict):
                        out.add_text("bio", _text(desc.get("description")), "pageHeader description", cap.url)

    def _add_link(self, node: dict, text: str, cap: PageCapture, out: Extract, source: str) -> None:
        urls = [u for _, u in walk_json(node, {"url"}) if isinstance(u, str)]
        href = urls[0] if urls else text
        if href.startswith("/"):
            href = "https://www.youtube.com" + href
        if href:
            out.add_link("about", href, self.unwrap(href, text=text), text, f"{source} link", cap.url)
