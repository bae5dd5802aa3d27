"""Nextdoor: public agency pages, https://nextdoor.com/agency-detail/<state>/<city>/<agency>/ and
https://nextdoor.com/pages/<name>/.

Pages loaded: the agency page only (it carries the about text and the contact block).

Read: the agency name (h1, header); the about text (``[data-testid="agency-about"]``,
``[data-testid="page-description"]``, or the card headed "About" / "About us" / "About this
agency") as about; the contact block (``[data-testid="agency-contact"]``, or the card headed
"Contact" / "Contact information" / "Contact info": website, phone, e-mail, address) as profile
fields. Agency posts (``[data-testid="post-card"]``, ``[data-testid="feed-item"]``, ``article``,
``[role="feed"]``, the card headed "Posts" / "Recent posts") are feed. The top bar, the OneTrust
cookie banner, the "Join Nextdoor" sign-up modal and the footer are chrome; the rest
("Neighborhoods served", follower counts) is left as other. JSON-LD (GovernmentOrganization /
Organization) and og:description are read generically. ``script#__NEXT_DATA__`` is read when
present, only from the object that is the agency itself (``__typename`` Agency/PublicAgency/
AgencyPage): description as about, phone, e-mail and website as profile fields; post objects in
the same data are never read.
Layouts read: the 2023-25 agency-detail and /pages/ layouts (data-testid hooks or English card
headings, ``__NEXT_DATA__``). Meta: read generically, never as a part seen (``meta_part`` None).
Coverage (profile_parts: header, about, website, contact): the agency name h1 is the header seen,
the about text (test id or card) the about part, the contact block (test id or card) is read whole
and is the contact part and the website with it; the agency object in ``__NEXT_DATA__``
establishes about, contact and website (a key it leaves out is not set). Posts are feed.
Links: Nextdoor links out directly (no redirect wrapper).
Walls: redirect to /login, /register, /join, /signup or /onboarding (login: logged-out visitors
are often sent to sign up); a "Join Nextdoor to see" / "Log in to see" page with no agency
section (login); "This page is no longer available", "We couldn't find that page", "Page not
found" (not_found); "Something went wrong" (error_page).
Known to break: Nextdoor's class names are generated and its data-testid values are not
documented; when neither the test ids nor the English card headings are found, the agency text
stays ``other`` (review, never a pass or a fail). Logged-out access to agency pages depends on
the agency's settings and the visitor's region: many accounts come out as a login wall (review).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from auditor.collect.platforms.base import Extract, Frame, PageCapture, Platform, Rule, cards_headed, walk_json
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, website

_SIGNUP_PATH = re.compile(r"^/(?:register|join|signup|sign-up|onboarding|choose_address)\b", re.I)
_AGENCY_TYPES = {"Agency", "PublicAgency", "AgencyPage", "GovernmentAgency"}


def _about(body: BeautifulSoup) -> list[Tag]:
    return cards_headed(body, ("About", "About us", "About this agency"))


def _contact(body: BeautifulSoup) -> list[Tag]:
    return cards_headed(body, ("Contact", "Contact information", "Contact info"))


def _posts(body: BeautifulSoup) -> list[Tag]:
    return cards_headed(body, ("Posts", "Recent posts", "Updates"))


class Nextdoor(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Nextdoor", (FieldSpec("about", "About section of the agency page", "about"),),
                                   website("Website field of the agency page"))
    name = "nextdoor"
    hosts = ("nextdoor.com",)
    rules = (
        Rule("feed", '[data-testid="post-card"], [data-testid="feed-item"], [role="feed"], article', "agency post"),
        # Chrome goes before the heading-found cards (a footer column headed "About" is not the
        # agency's about); an aside is not chrome: the contact card may sit in the right rail.
        Rule("other", 'header:not(:has(h1)), nav, footer, [role="dialog"], [role="banner"]:not(:has(h1)), '
                      '[role="contentinfo"], #onetrust-consent-sdk, #onetrust-banner-sdk, '
                      '[data-testid="signup-modal"], form', "page chrome"),
        Rule("feed", _posts, "posts section"),
        Rule("header", "h1", "agency name", part="header"),
        Rule("about", '[data-testid="agency-about"], [data-testid="page-description"]', "agency about", part="about"),
        Rule("about", _about, "about card", part="about"),
        Rule("profile_field", '[data-testid="agency-contact"]', "agency contact", part="contact"),
        Rule("profile_field", _contact, "contact card", part="contact"),
    )
    profile_parts = ("header", "about", "website", "contact")
    meta_boilerplate = (r"^Log in to Nextdoor", r"^Nextdoor is where you connect")
    frames = (Frame(lambda body: body.select('[data-testid="agency-contact"]') + _contact(body), ("website",),
                    "contact block", empty=False),)
    unavailable_markers = (
        (r"this page is no longer available", "not_found"),
        (r"we couldn.t find (?:that|this) page", "not_found"),
        (r"page not found", "not_found"),
        *Platform.unavailable_markers,
    )
    login_markers = (r"(?:join nextdoor|sign up|log in) to (?:see|view|continue|read)", r"you must be a member",
                     r"log in to nextdoor")

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        tag = soup.find("script", id="__NEXT_DATA__")
        if tag is None:
            return
        try:
            data = json.loads(tag.string or "null")
        except (json.JSONDecodeError, TypeError):
            return
        for _, node in walk_json(data, {"agency", "page", "publicAgency"}):
            if isinstance(node, dict) and node.get("__typename") in _AGENCY_TYPES:
                self._agency(node, cap, out)

    def _agency(self, node: dict, cap: PageCapture, out: Extract) -> None:
        for part in ("about", "website", "contact"):
            out.mark(part, "embedded_json", f"__NEXT_DATA__ {node.get('__typename')}", cap.url)
        for key in ("description", "about", "bio"):
            if isinstance(node.get(key), str):
                out.add_text("about", node[key], f"__NEXT_DATA__ {key}", cap.url)
        for key in ("phoneNumber", "phone", "email", "address"):
            value = node.get(key)
            if isinstance(value, dict):
                value = value.get("formatted") or value.get("display") or value.get("text")
            if isinstance(value, str):
                out.add_text("profile_field", value, f"__NEXT_DATA__ {key}", cap.url)
        for key in ("websiteUrl", "website", "url"):
            value = node.get(key)
            if isinstance(value, str) and value.startswith("http") and "nextdoor.com" not in value:
                out.add_link("profile_field", value, self.unwrap(value), value, f"__NEXT_DATA__ {key}", cap.url)

    def detect_wall(self, captures: list[PageCapture], out: Extract) -> None:
        main = next((c for c in captures if c.kind == "profile"), None)
        if main is not None and not main.error and (main.status or 200) < 400:
            final = main.final_url or main.url
            if _SIGNUP_PATH.search(urlsplit(final).path) and not _SIGNUP_PATH.search(urlsplit(main.url).path):
                out.wall, out.wall_reason = "login", f"redirected to Nextdoor's sign-up page ({final})"
                return
        super().detect_wall(captures, out)
