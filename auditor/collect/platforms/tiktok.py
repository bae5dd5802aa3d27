"""TikTok: https://www.tiktok.com/@<handle>.

Read:
- ``script#__UNIVERSAL_DATA_FOR_REHYDRATION__`` JSON: ``__DEFAULT_SCOPE__ -> webapp.user-detail ->
  userInfo -> user``: ``signature`` (bio), ``bioLink.link`` (the one profile link), ``nickname``
  and ``uniqueId`` (header); ``statusCode``/``statusMsg`` name an account that does not exist or
  was banned.
- The older ``script#SIGI_STATE`` JSON: ``UserModule.users.<handle>`` (``signature``,
  ``bioLink``, ``nickname``); ``ItemModule.<id>.desc`` video captions are feed.
- The rendered DOM: ``[data-e2e="user-bio"]`` (bio; an h2, formerly h3), ``[data-e2e="user-link"]``
  (profile field; its tiktok.com/link/v2?target= wrapper unwrapped), ``user-title`` /
  ``user-subtitle`` and the counts (header); video items (``user-post-item``, the post list, the
  reposts/liked tabs) are feed; the top bar, side navigation, log-in modal, cookie banner and
  footer are chrome.
- ``description`` / ``og:description``: TikTok writes ``Name (@handle) on TikTok | N Likes. N
  Followers. <bio>.Watch the latest video from Name (@handle).`` or (2025) ``... <bio>.Watch
  Name's popular videos: "<caption excerpt>...", "...". Join N followers on TikTok for more
  <tags> content``. Only the bio between the counts and "Watch" is kept (meta; it is the signature
  verbatim, coverage how="meta"); the quoted caption excerpts are video captions, read as feed and
  never as profile text; the counts and TikTok's own sentences are dropped. A description in any
  other form is kept whole as meta text but counts as no part seen.

Layouts read: the 2022-26 rehydration JSON and data-e2e DOM, the 2020-22 SIGI_STATE JSON, the
meta descriptions above. Coverage (profile_parts: header, bio, website): the profile's user
object (``signature``, ``bioLink``, ``nickname``) establishes all three, an empty signature or a
missing bioLink as empty; the rendered ``user-bio`` / ``user-link`` markers are the bio and the
website seen in the DOM, and the rendered ``user-title`` header shows them whenever set. Pinned
videos are not a profile part: logged out they are thumbnails, their captions feed.
Walls: "Couldn't find this account" (not found; also TikTok's page for a banned account),
``statusCode`` 10202/10221/10223 in the JSON, a captcha/"Verify to continue" page (blocked:
TikTok refused the automated browser) and a /login redirect.

Known limits: the bio is at most 80 characters and carries one link (accounts with 1,000+
followers or business accounts). Six items fit only tersely, e.g. "Official XPD
account, run by XPD. Not monitored 24/7. Call 911. Text 55555" (76 characters) with the bio link
to agency.example.gov; anything longer must be moved to a pinned video, which TikTok shows logged-out
only as a thumbnail with a "Pinned" badge and whose caption is read as feed (never counted).
Known to break: TikTok renames data-e2e markers now and then; the JSON blobs are the main source.
Logged-out visitors from data-centre addresses are often served the captcha: a blocked error.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, Frame, MetaText, PageCapture, Platform, Rule
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, pinned, website
from auditor.collect.platforms.instagram import handle_from_url

_COUNT = r"[\d.,]+[KMB]?"
META_HEAD = re.compile(rf"^.+? on TikTok \| {_COUNT} Likes\. {_COUNT} Followers\.\s*", re.S)
META_WATCH = re.compile(r"\.?\s*Watch (?:the latest video from .*|.+?'s popular videos:(?P<quotes>.*))$", re.S)
QUOTED = re.compile(r'"([^"]+)"')

# webapp.user-detail statusCode values TikTok uses for accounts that cannot be shown.
MISSING_CODES = {10202: "not_found", 10221: "not_found", 10223: "suspended"}


def _link(value: Any) -> str:
    """bioLink.link is written without a scheme ("agency.example.gov")."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    return value if value.lower().startswith(("http://", "https://")) else "https://" + value


def _script_json(soup: BeautifulSoup, script_id: str) -> Any:
    tag = soup.find("script", id=script_id)
    if tag is None:
        return None
    try:
        return json.loads(tag.string or tag.get_text() or "null")
    except (json.JSONDecodeError, TypeError):
        return None


def _user_detail(soup: BeautifulSoup) -> dict:
    data = _script_json(soup, "__UNIVERSAL_DATA_FOR_REHYDRATION__")
    scope = data.get("__DEFAULT_SCOPE__") if isinstance(data, dict) else None
    detail = scope.get("webapp.user-detail") if isinstance(scope, dict) else None
    return detail if isinstance(detail, dict) else {}


class TikTok(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("TikTok", (FieldSpec("bio", "Bio (Edit profile)", "bio", 80),
                                              pinned(2200, "video caption")),
                                   website("Website field (Edit profile)"))
    name = "tiktok"
    hosts = ("tiktok.com",)
    redirectors = (Redirector("tiktok.com", "target", "/link"),)
    rules = (
        # Each video first (one feed block a video), then whatever else the lists hold.
        Rule("feed", '[data-e2e="user-post-item"], [data-e2e="user-post-item-desc"], '
                     '[data-e2e="user-playlist-item"]', "video"),
        Rule("feed", '[data-e2e="user-post-item-list"], [data-e2e="user-repost-item-list"], '
                     '[data-e2e="user-liked-item-list"]', "videos"),
        Rule("other", 'nav, footer, [role="dialog"], #loginContainer, #app-header, [data-e2e="nav-bar"], '
                      '[data-e2e="top-bar"], [role="tablist"], tiktok-cookie-banner, .tiktok-cookie-banner',
             "app chrome"),
        Rule("bio", '[data-e2e="user-bio"]', "user-bio", part="bio"),
        Rule("profile_field", '[data-e2e="user-link"]', "user-link", part="website"),
        Rule("header", '[data-e2e="user-title"], [data-e2e="user-subtitle"]', "profile header", part="header"),
        Rule("header", '[data-e2e="followers-count"], [data-e2e="following-count"], [data-e2e="likes-count"], h1',
             "profile header"),
    )
    profile_parts = ("header", "bio", "website")
    frames = (Frame('[data-e2e="user-title"]', ("bio", "website"), "user-title profile header"),)
    meta_part = "bio"
    meta_boilerplate = (r"^TikTok - trends start here",)

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        # The "Watch ..." tail and its quoted caption excerpts go whatever precedes them: a caption
        # is never profile text, even in a description whose head is not in the known form.
        watch = META_WATCH.search(value)
        quotes = QUOTED.findall(watch.group("quotes") or "") if watch else []
        text = value[:watch.start()] if watch else value
        head = META_HEAD.match(text)
        if not head or not watch:
            # A form we do not know (another language): quoted excerpts in it are captions too.
            return MetaText(own=QUOTED.sub("", text).strip(" .,:"), feed=quotes + QUOTED.findall(text))
        bio = text[head.end():].strip()
        return MetaText(own=bio, verbatim=bool(bio), feed=quotes)
    unavailable_markers = (
        (r"couldn.t find this account", "not_found"),
        (r"this account (?:was|has been) banned", "suspended"),
        (r"verify to continue|drag the slider to fit the puzzle|select \d+ objects that are the same shape",
         "blocked"),
        *Platform.unavailable_markers,
    )

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        handle = handle_from_url(cap.url)
        info = _user_detail(soup).get("userInfo")
        user = info.get("user") if isinstance(info, dict) else None
        if isinstance(user, dict) and user.get("uniqueId"):
            self._read_user(user, "webapp.user-detail", cap, out)
        sigi = _script_json(soup, "SIGI_STATE")
        if isinstance(sigi, dict):
            users = (sigi.get("UserModule") or {}).get("users") or {}
            for key, u in users.items() if isinstance(users, dict) else ():
                if isinstance(u, dict) and str(u.get("uniqueId") or key).lower() == handle:
                    self._read_user(u, "SIGI_STATE", cap, out)
            items = sigi.get("ItemModule") or {}
            for item in items.values() if isinstance(items, dict) else ():
                if isinstance(item, dict) and isinstance(item.get("desc"), str):
                    out.add_text("feed", item["desc"], "SIGI_STATE video caption", cap.url)

    def _read_user(self, user: dict, source: str, cap: PageCapture, out: Extract) -> None:
        if isinstance(user.get("nickname"), str):
            out.add_text("header", user["nickname"], f"{source} nickname", cap.url)
            out.mark("header", "embedded_json", f"{source} nickname", cap.url)
        if isinstance(user.get("signature"), str):
            out.add_text("bio", user["signature"], f"{source} signature", cap.url)
            out.mark("bio", "embedded_json", f"{source} signature", cap.url, empty=not user["signature"].strip())
        bio_link = user.get("bioLink")
        link = _link(bio_link.get("link")) if isinstance(bio_link, dict) else ""
        if isinstance(user.get("signature"), str):  # the user object is the profile's: no bioLink is no link
            out.mark("website", "embedded_json", f"{source} bioLink", cap.url, empty=not link)
        if link:
            out.add_link("profile_field", link, self.unwrap(link), str(bio_link.get("link")),
                         f"{source} bioLink", cap.url)

    def unwrap(self, href: str, *, text: str = "", hint: str = "") -> str:
        target = super().unwrap(href, text=text, hint=hint)
        # tiktok.com/link/v2?target= carries the URL as written ("agency.example.gov"): give it a scheme.
        if target and "://" not in target and not target.startswith(("mailto:", "tel:")):
            target = _link(target)
        return target

    def detect_wall(self, captures: list[PageCapture], out: Extract) -> None:
        super().detect_wall(captures, out)
        if out.wall:
            return
        main = next((c for c in captures if c.kind == "profile" and c.html), None)
        if main is None:
            return
        detail = _user_detail(BeautifulSoup(main.html, "html.parser"))
        code = detail.get("statusCode")
        user = (detail.get("userInfo") or {}).get("user") if isinstance(detail.get("userInfo"), dict) else None
        if isinstance(code, int) and code != 0 and not (isinstance(user, dict) and user.get("uniqueId")):
            out.wall = MISSING_CODES.get(code, "not_found")
            msg = detail.get("statusMsg") or "no user"
            out.wall_reason = f"TikTok's page data says the account cannot be shown (statusCode {code}: {msg})"
