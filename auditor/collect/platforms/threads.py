"""Threads: https://www.threads.net/@<handle> (now served from www.threads.com; both hosts).

Read:
- Embedded JSON (``script[type=application/json][data-sjs]``, Meta's ``require``/``__bbox``
  payloads; the same user shape as Instagram, read with instagram.read_meta_profile_json): the
  user object whose ``username`` is the handle gives ``biography`` (bio), ``bio_links`` (up to
  five profile links), ``full_name`` (header); other users (post authors, quoted and suggested
  accounts) are ignored. Post text (``thread_items[].post.caption.text``) is feed.
- The rendered DOM: posts (``[data-pressable-container]``, the "Threads"/"Replies"/"Reposts"
  columns) are feed; the display name ``h1`` is the header; the bio element is found by its text
  (the biography from the JSON) and labelled bio; profile links (l.threads.net / l.threads.com
  wrappers outside posts) are profile fields; nav, footer, the log-in banner and dialogs are chrome.
- ``og:description`` ("N followers • bio. See the latest conversations with @handle.").
Layouts read: the 2023-25 threads.net / threads.com page (data-sjs JSON and the rendered DOM).
Meta: ``N Followers • N Threads • <bio>. See the latest conversations with @handle.``: the counts
and Threads' own sentence are dropped, the bio kept as meta; no real capture was available to
confirm it is verbatim, so it counts as no part seen.
Coverage (profile_parts: header, bio, website): the profile's JSON user object establishes all
three (``full_name``, ``biography``, ``bio_links``); the DOM bio element found by that text is the
bio seen. Pinned posts are posts (feed), not a profile part.
Links: l.threads.net/?u= and l.threads.com/?u= (and l.instagram.com, used for some bio links)
are unwrapped.
Walls: redirect to /login (Threads asks logged-out visitors to log in for some profiles and after
a few views); "Sorry, this page isn't available." (not found / removed); "Something went wrong".
Known to break: Threads has almost no stable DOM markers, so without the JSON the bio text lands
in ``other`` (a review, never a pass); the og:description still carries the bio.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, MetaText, PageCapture, Platform, Rule, click_first_button
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, pinned, website
from auditor.collect.platforms.instagram import (
    META_COOKIE_BUTTONS,
    handle_from_url,
    meta_json_scripts,
    read_meta_profile_json,
)
from auditor.textnorm import normalise

META_COUNTS = re.compile(r"^(?:[\d.,]+[KMB]? (?:Followers|Threads|Replies)\s*•\s*)+", re.I)
META_TAIL = re.compile(r"\.?\s*See the latest conversations with @[\w.]+\.?\s*$", re.I)
MARK = "data-auditor-region"  # set on DOM nodes that the JSON identified (the bio element)


def _flat(text: str) -> str:
    """Text without any white space: DOM text nodes and JSON line breaks space words differently."""
    return re.sub(r"\s+", "", normalise(text))


def _profile_links(body: BeautifulSoup) -> list[Tag]:
    return [a for a in body.find_all("a", href=True)
            if re.match(r"https?://l\.threads\.(?:net|com)/|https?://l\.instagram\.com/", str(a["href"]))]


class Threads(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Threads", (FieldSpec("bio", "Bio (Edit profile)", "bio", 150), pinned(500)),
                                   website("Links field (Edit profile > Links)"))
    name = "threads"
    hosts = ("threads.net", "threads.com")
    redirectors = (Redirector("l.threads.net", "u"), Redirector("l.threads.com", "u"))
    rules = (
        Rule("feed", '[data-pressable-container], article, [role="article"]', "posts"),
        Rule("other", 'nav, footer, [role="navigation"], [role="dialog"], [role="banner"], '
                      '[role="contentinfo"], [role="tablist"]', "app chrome"),
        Rule("bio", f'[{MARK}="bio"]', "biography", part="bio"),
        Rule("profile_field", _profile_links, "bio links"),
        Rule("header", "h1", "display name"),
    )
    unavailable_markers = (
        (r"sorry, this page isn.t available", "not_found"),
        *Platform.unavailable_markers,
    )
    login_markers = (r"log in (?:or sign up )?to see", *Platform.login_markers)
    profile_parts = ("header", "bio", "website")
    meta_boilerplate = (r"^Join Threads to share ideas",)

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        return MetaText(own=META_TAIL.sub("", META_COUNTS.sub("", value)).strip())

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        handle = handle_from_url(cap.final_url or cap.url) or handle_from_url(cap.url)
        before = {t.text for t in out.texts if t.region == "bio"}
        for data in meta_json_scripts(soup):
            read_meta_profile_json(data, cap, out, self, handle)
        bios = {_flat(t.text) for t in out.texts if t.region == "bio" and t.text not in before}
        if bios:
            self._mark_bio(soup, bios)

    @staticmethod
    def _mark_bio(soup: BeautifulSoup, bios: set[str]) -> None:
        """Label the smallest DOM element outside posts whose text is the biography."""
        body = soup.body or soup
        for el in body.find_all(True):
            if el.find_parent(attrs={"data-pressable-container": True}) or el.name in ("script", "style"):
                continue
            if _flat(el.get_text(" ", strip=True)) in bios and not any(
                    _flat(c.get_text(" ", strip=True)) in bios for c in el.find_all(True)):
                el[MARK] = "bio"

    async def prepare(self, page: Any) -> None:
        await click_first_button(page, META_COOKIE_BUTTONS)
