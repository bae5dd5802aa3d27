"""Instagram: https://www.instagram.com/<handle>/.

Layouts read: the 2023-25 page (``script[type=application/json][data-sjs]`` payloads, a rendered
``header``), the 2025 logged-out JS shell (an empty ``mount_0_0`` div: only the meta description,
see below), and the 2018-22 page (``window._sharedData`` with ``entry_data.ProfilePage[0]
.graphql.user``, and ``window.__additionalDataLoaded(path, {graphql: {user}})``, beside a rendered
``header`` with ``section``).

Read:
- Embedded JSON (``script[type=application/json][data-sjs]``: Meta's nested ``require`` /
  ``__bbox`` / ``RelayPrefetchedStreamCache`` payloads, and the older ``graphql.user`` shapes of
  ``window._sharedData`` / ``__additionalDataLoaded``). Only
  the user object whose ``username`` is the account's handle is read, and only its own top-level
  fields: ``biography`` (bio), ``bio_links[{url, title, link_type}]`` and ``external_url``
  (profile links), ``full_name`` (header), ``category``/``category_name``, business/public
  e-mail, phone (with ``public_phone_country_code``) and address (``address_street``,
  ``city_name``, ``zip``, ``business_address_json``) as profile fields. Other users in the same
  payload (suggested accounts, post owners, tagged users) are ignored. Post captions anywhere in
  the payload (``caption.text``, ``edge_media_to_caption``) are feed.
- The rendered DOM: the profile ``header`` is the bio, links in it are profile fields (their
  l.instagram.com wrapper unwrapped); the posts grid (``/p/``, ``/reel/`` links, articles) and
  story highlights are feed; nav, footer, tabs, dialogs (cookie banner, log-in prompt) are chrome.
- Meta descriptions: Instagram writes ``N Followers, N Following, N Posts - See Instagram photos
  and videos from Name (@handle)`` (og:description: no words of the account's own: dropped) and
  ``N Followers, N Following, N Posts - Name (@handle) on Instagram: "<bio>"`` (description: the
  quoted text on a profile URL is the bio, verbatim; cut when it ends in "..."). Only that quoted
  bio is kept (meta), and it counts as the bio seen (how="meta"); the counts never.

Coverage (profile_parts: header, bio, website, contact). Pinned posts are posts (grid tiles whose
captions are feed), not a profile part. The profile's own JSON user object establishes the header
(``full_name``), the bio (``biography``, empty when ""), the website (``bio_links`` /
``external_url``, empty when neither is set) and, when it carries Meta's contact keys
(``business_email``, ``business_phone_number``, ``public_email`` ..., even null), the contact
fields. The rendered profile ``header`` (one holding a ``section`` or heading) is the bio seen in
the DOM and shows the bio links whenever set (website empty without one); the DOM never shows the
contact buttons, so without the JSON the contact fields are not seen.
Links: l.instagram.com/?u= is unwrapped (``lynx_url`` in JSON, hrefs in the DOM).
Walls: /accounts/login redirect (Instagram often shows logged-out visitors only this); the log-in
form served in place of the profile; "Sorry, this page isn't available." (not found / removed).
Known to break: logged-out access varies by region and rate (then the account is a review, never a
fail); the DOM classes are obfuscated, so the DOM is read by element (``header``, ``/p/`` links)
only, and if Instagram moves the bio out of ``header`` and drops the JSON the bio lands in
``other`` (a review). Contact buttons (Email/Call) exist only in the app; the web shows them only
through the JSON fields above. Highlights are read as feed (their titles are not account set-up).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import (
    Extract,
    Frame,
    MetaText,
    PageCapture,
    Platform,
    Rule,
    click_first_button,
    json_after,
    walk_json,
)
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, pinned, website

# Top-level fields of Meta's user object that are contact details / profile facts.
PROFILE_FIELDS = ("category", "category_name", "business_category_name", "public_email", "business_email")
PHONE_FIELDS = ("public_phone_number", "business_phone_number", "contact_phone_number")
CONTACT_KEYS = ("public_email", "business_email", *PHONE_FIELDS, "business_address_json", "address_street",
                "business_contact_method")


def handle_from_url(url: str) -> str:
    """'https://www.instagram.com/dcpolicedept/' or 'https://www.threads.net/@dcpolicedept' -> handle."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    first = next((p for p in path.split("/") if p), "")
    return first.lstrip("@").lower()


def profile_users(data: Any, handle: str) -> list[dict]:
    """The user objects in a Meta JSON payload that describe the profile itself.

    A payload also carries other users (post owners, suggested accounts); a user object counts
    when its ``username`` is the handle. Without a handle (or a match), a payload whose users with
    a biography all share one username is taken as that profile's.
    """
    users: list[dict] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("username"), str) and ("biography" in node or "bio_links" in node):
                users.append(node)
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(node)
    if handle:
        own = [u for u in users if u["username"].lower() == handle]
        if own:
            return own
    names = {u["username"].lower() for u in users}
    return users if len(names) == 1 and not handle else []


def _has_address(raw: Any) -> bool:
    try:
        addr = json.loads(raw) if isinstance(raw, str) and raw else None
    except json.JSONDecodeError:
        return True  # something is there that we cannot read: not "empty"
    return isinstance(addr, dict) and bool(addr.get("street_address"))


def _address(parts: list[Any]) -> str:
    return ", ".join(str(p).strip() for p in parts if isinstance(p, (str, int)) and str(p).strip())


def read_meta_user(user: dict, cap: PageCapture, out: Extract, platform: Platform) -> None:
    """One Meta user object (Instagram or Threads): bio, links, name and contact fields, and the
    parts it establishes (coverage)."""
    bio = user.get("biography")
    if isinstance(bio, dict):
        bio = bio.get("text")
    if isinstance(bio, str):
        out.add_text("bio", bio, "biography", cap.url)
        out.mark("bio", "embedded_json", "biography", cap.url, empty=not bio.strip())
    if "bio_links" in user or "external_url" in user:
        has_link = bool(user.get("external_url")) or any(
            isinstance(lk, dict) and lk.get("url") for lk in user.get("bio_links") or [])
        out.mark("website", "embedded_json", "bio_links / external_url", cap.url, empty=not has_link)
    if isinstance(user.get("full_name"), str):
        out.mark("header", "embedded_json", "full_name", cap.url, empty=not user["full_name"].strip())
    if any(k in user for k in CONTACT_KEYS):
        has_contact = any(user.get(k) for k in CONTACT_KEYS if k not in ("business_address_json",
                                                                           "business_contact_method"))
        out.mark("contact", "embedded_json", "contact fields", cap.url,
                 empty=not has_contact and not _has_address(user.get("business_address_json")))
    for link in user.get("bio_links") or []:
        if isinstance(link, dict) and isinstance(link.get("url"), str) and link["url"]:
            href = str(link.get("lynx_url") or link["url"])
            title = str(link.get("title") or "")
            # The JSON names the real URL beside the wrapper: that is the target.
            target = platform.unwrap(link["url"], text=title)
            out.add_link("profile_field", href, target, title or link["url"], "bio_links", cap.url)
    url = user.get("external_url")
    if isinstance(url, str) and url:
        href = str(user.get("external_lynx_url") or user.get("external_url_linkshimmed") or url)
        out.add_link("profile_field", href, platform.unwrap(url), url, "external_url", cap.url)
    if isinstance(user.get("full_name"), str):
        out.add_text("header", user["full_name"], "full_name", cap.url)
    for key in PROFILE_FIELDS:
        if isinstance(user.get(key), str) and user[key].strip():
            out.add_text("profile_field", user[key], key, cap.url)
    for key in PHONE_FIELDS:
        value = user.get(key)
        if isinstance(value, str) and value.strip():
            code = str(user.get("public_phone_country_code") or "").strip()
            number = value if value.startswith("+") or not code else f"+{code} {value}"
            out.add_text("profile_field", number, key, cap.url)
    street = _address([user.get("address_street"), user.get("city_name"), user.get("zip")])
    if user.get("address_street") and street:
        out.add_text("profile_field", street, "address", cap.url)
    raw = user.get("business_address_json")
    if isinstance(raw, str) and raw:
        try:
            addr = json.loads(raw)
        except json.JSONDecodeError:
            addr = None
        if isinstance(addr, dict) and addr.get("street_address"):
            text = _address([addr.get("street_address"), addr.get("city_name"), addr.get("zip_code")])
            out.add_text("profile_field", text, "business_address_json", cap.url)


def read_meta_feed(data: Any, cap: PageCapture, out: Extract) -> None:
    """Post captions in a Meta payload are feed: never account set-up, but noted when an item is
    only there."""
    for key, value in walk_json(data, {"caption", "edge_media_to_caption"}):
        if key == "caption" and isinstance(value, dict) and isinstance(value.get("text"), str):
            out.add_text("feed", value["text"], "post caption", cap.url)
        elif key == "edge_media_to_caption" and isinstance(value, dict):
            for edge in value.get("edges") or []:
                node = edge.get("node") if isinstance(edge, dict) else None
                if isinstance(node, dict) and isinstance(node.get("text"), str):
                    out.add_text("feed", node["text"], "post caption", cap.url)


def read_meta_profile_json(data: object, cap: PageCapture, out: Extract, platform: Platform,
                           handle: str | None = None) -> bool:
    """Instagram and Threads share Meta's profile JSON shape. True when the profile's own user
    object was found in ``data``."""
    if handle is None:
        handle = handle_from_url(cap.url)
    users = profile_users(data, handle)
    for user in users:
        read_meta_user(user, cap, out, platform)
    read_meta_feed(data, cap, out)
    return bool(users)


def meta_json_scripts(soup: BeautifulSoup) -> list[Any]:
    """Every parsed ``script[type=application/json]`` (data-sjs and others) on a Meta page, and the
    2018-22 globals ``window._sharedData = {...}`` / ``window.__additionalDataLoaded(path, {...})``."""
    found = []
    for tag in soup.find_all("script"):
        script = tag.string or tag.get_text() or ""
        if tag.get("type") == "application/json":
            try:
                found.append(json.loads(script or "null"))
            except (json.JSONDecodeError, TypeError):
                continue
            continue
        for marker in ("window._sharedData", "window.__additionalDataLoaded("):
            if marker in script:
                value = json_after(script, marker)
                if value is not None:
                    found.append(value)
    return found


# Instagram's meta descriptions of a profile page (English); the first keeps no words of the account's.
_META_COUNTS = r"[\d.,]+[KMB]? Followers, [\d.,]+[KMB]? Following, [\d.,]+[KMB]? Posts - "
META_NO_BIO = re.compile(rf"^{_META_COUNTS}See Instagram photos and videos from .+$", re.S)
META_BIO = re.compile(rf'^{_META_COUNTS}.+? on Instagram: "(?P<bio>.*)"$', re.S)
META_QUOTE = re.compile(r'^.*? on (?:Instagram|[A-Z][a-z]+ \d{1,2}, \d{4}): "(?P<bio>.*)"$', re.S)  # other forms


_RESERVED = re.compile(r"^(?:accounts|explore|p|reel|reels|stories|direct|about|legal|developer)$")


# Meta's EU cookie dialog (Instagram, Threads) covers the profile in screenshots.
META_COOKIE_BUTTONS = ("Decline optional cookies", "Only allow essential cookies")


PROFILE_HEADER = "header:has(section), header:has(h1), header:has(h2)"


class Instagram(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Instagram", (FieldSpec("bio", "Bio (Edit profile)", "bio", 150), pinned(2200)),
                                   website("Links field (Edit profile > Links)"))
    name = "instagram"
    hosts = ("instagram.com",)
    redirectors = (Redirector("l.instagram.com", "u"),)
    rules = (
        Rule("other", '[role="dialog"], nav, footer, [role="navigation"], [role="contentinfo"], '
                      '[role="tablist"]', "app chrome"),
        Rule("feed", 'article, main a[href*="/p/"], main a[href*="/reel/"], main a[href*="/tv/"]', "posts"),
        Rule("feed", 'main a[href*="/stories/highlights/"], main [role="menuitem"]', "story highlights"),
        Rule("profile_field", 'header a[href*="l.instagram.com"], header a[href^="http"]', "profile link",
             part="website"),
        Rule("bio", PROFILE_HEADER, "profile header", part="bio"),
        Rule("bio", "header", "profile header"),
    )
    profile_parts = ("header", "bio", "website", "contact")
    frames = (Frame(PROFILE_HEADER, ("website",), "profile header"),)
    meta_part = "bio"
    meta_boilerplate = (r"^Create an account or log in to Instagram",)

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        if META_NO_BIO.match(value):
            return MetaText()
        m = META_BIO.match(value) or META_QUOTE.match(value)
        if m and _RESERVED.match(handle_from_url(cap.final_url or cap.url)):
            return MetaText(feed=[m.group("bio")])  # a post's page: the quoted text is its caption
        if m:
            return MetaText(own=m.group("bio"), verbatim=m.re is META_BIO and bool(m.group("bio").strip()))
        return MetaText(own=value)

    unavailable_markers = (
        (r"sorry, this page isn.t available", "not_found"),
        *Platform.unavailable_markers,
    )

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        handle = handle_from_url(cap.url)
        if _RESERVED.match(handle):
            handle = ""
        for data in meta_json_scripts(soup):
            read_meta_profile_json(data, cap, out, self, handle)

    async def prepare(self, page: Any) -> None:
        # The EU cookie dialog covers the profile in screenshots; the DOM is readable either way.
        await click_first_button(page, META_COOKIE_BUTTONS)
