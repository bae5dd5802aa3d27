"""Instagram: https://www.instagram.com/<handle>/.

Read: the profile lives in embedded JSON (``script[type=application/json][data-sjs]`` and other
JSON scripts): ``biography`` (bio), ``bio_links`` and ``external_url`` (profile links),
``full_name`` (header), business/public e-mail, phone and address fields (profile fields). The
rendered ``header`` element (name, bio, links) is read as the bio too; posts are feed.
Links: l.instagram.com/?u= is unwrapped.
Walls: /accounts/login redirect (Instagram often shows logged-out visitors only this);
"Sorry, this page isn't available."
Known to break: logged-out access varies by region and rate; then the account is a review.
"""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, PageCapture, Platform, Rule, walk_json

PROFILE_FIELDS = ("business_email", "public_email", "business_phone_number", "public_phone_number",
                  "contact_phone_number", "category_name", "business_category_name", "city_name",
                  "address_street", "zip")


def read_meta_profile_json(data: object, cap: PageCapture, out: Extract, platform: Platform) -> None:
    """Instagram and Threads share Meta's profile JSON shape."""
    for _, bio in walk_json(data, {"biography"}):
        if isinstance(bio, str):
            out.add_text("bio", bio, "biography", cap.url)
        elif isinstance(bio, dict) and isinstance(bio.get("text"), str):
            out.add_text("bio", bio["text"], "biography", cap.url)
    for _, links in walk_json(data, {"bio_links"}):
        for link in links if isinstance(links, list) else []:
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                href = link["url"]
                out.add_link("profile_field", href, platform.unwrap(href, text=str(link.get("title") or "")),
                             str(link.get("title") or link.get("url")), "bio_links", cap.url)
    for _, url in walk_json(data, {"external_url"}):
        if isinstance(url, str) and url:
            out.add_link("profile_field", url, platform.unwrap(url), url, "external_url", cap.url)
    for _, name in walk_json(data, {"full_name"}):
        if isinstance(name, str):
            out.add_text("header", name, "full_name", cap.url)
    for key, value in walk_json(data, set(PROFILE_FIELDS)):
        if isinstance(value, str) and value.strip():
            out.add_text("profile_field", value, key, cap.url)
    for _, value in walk_json(data, {"business_address_json"}):
        if isinstance(value, str):
            try:
                addr = json.loads(value)
            except json.JSONDecodeError:
                continue
            if isinstance(addr, dict):
                parts = [addr.get(k) for k in ("street_address", "city_name", "zip_code")]
                out.add_text("profile_field", ", ".join(str(p) for p in parts if p), "business_address", cap.url)


class Instagram(Platform):
    name = "instagram"
    hosts = ("instagram.com",)
    redirectors = (Redirector("l.instagram.com", "u"),)
    rules = (
        Rule("feed", 'article, main a[href*="/p/"], main a[href*="/reel/"]', "posts"),
        Rule("other", 'nav, footer, [role="dialog"], [role="navigation"]', "app chrome"),
        Rule("bio", "header section, header", "profile header"),
    )
    unavailable_markers = (
        (r"sorry, this page isn.t available", "not_found"),
        *Platform.unavailable_markers,
    )

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        for tag in soup.find_all("script", attrs={"type": "application/json"}):
            try:
                data = json.loads(tag.string or "null")
            except (json.JSONDecodeError, TypeError):
                continue
            read_meta_profile_json(data, cap, out, self)
