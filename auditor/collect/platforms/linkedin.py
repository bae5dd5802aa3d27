"""LinkedIn: company pages, https://www.linkedin.com/company/<name>/ (and /about/).

Pages loaded: the company page, then its /about/ tab. Logged out, LinkedIn serves the public
("guest") company page; the /about/ tab is often refused (redirect to /authwall): a refused tab
is left out and only the main page is read (the visit is still listed in load.pages).

Read (the guest page's own markup):
- header: ``h1.top-card-layout__title`` (company name) and ``h3.top-card-layout__first-subline``
  (industry, location, followers);
- bio: ``h2.top-card-layout__headline`` (the tagline);
- about: ``p[data-test-id="about-us__description"]`` (the "About us" text);
- profile_field: the about-us definition list, ``div[data-test-id^="about-us__"]`` (Website,
  Industry, Company size, Headquarters, Type, Founded, Specialties, Phone), and the Locations
  section (addresses);
- feed: the Updates section (``section[data-test-id="updates"]``, ``article``,
  ``.main-feed-activity-card``) and anything in ``[data-test-id="main-feed-activity-card"]``;
- other: the global nav, the cookie banner (``.artdeco-global-alert``), the sign-in modal,
  "Employees at", "Similar pages", "Browse jobs" asides and the footer.
Layouts read: the guest page above (2019-25), and the LOGGED-IN company page of 2020-22
(``section.org-top-card``: the name ``h1`` and the ``org-top-card-summary-info-list`` are header,
``p.org-top-card-summary__tagline`` the bio; the home tab's card headed "About" is about, its
"Contact info" box ``.org-contact-info__content`` the website (profile_field); the about tab's
``.org-page-details`` / ``dl`` is profile fields; "Pages people also viewed", the messaging
overlay, the global nav and the voyager ``<code>`` JSON blobs are chrome). The auditor itself
never logs in; this layout appears only in captures or archives made by a signed-in person.

Coverage (profile_parts: header, bio, about, website, contact). The top card (guest
``top-card-layout`` or signed-in ``org-top-card``) is the header seen and shows the tagline
whenever it is set (bio empty without one). The guest page's about-us block (description and the
definition list) is read whole: the about text, the Website row (the website part) and the Phone
row (contact) are seen with it, established empty when their rows are absent. On the signed-in
home tab the About card is the about part and its Contact info box the website; the phone shows
only on the about tab, so contact is seen there or not at all. Updates are feed, never a part.

Meta: "<name> | N followers on LinkedIn. <tagline> | <about text>" (cut): the follower count is
dropped; the rest is LinkedIn's composition of the tagline and a cut about text, kept as meta but
never counted as a part seen (``meta_part`` None).

JSON-LD (``Organization``, also inside ``@graph``): description (about), sameAs / url (website),
address. og:description (meta) is LinkedIn's own "<name> | N followers on LinkedIn. <tagline> |
<about text>".
Links: linkedin.com/redir/redirect?url= is unwrapped; lnkd.in short links need display text.
Walls: redirect to /authwall, /login, /uas/login or /checkpoint (login); HTTP 999 (LinkedIn's
bot refusal: blocked); a "Sign in to view" / "Join LinkedIn" page with no company section
(login); "This page doesn't exist" / "Page not found" (not_found).
Known to break: LinkedIn frequently A/B tests the guest page; class names (top-card-layout__*)
have been stable for years but data-test-id values are the firmer anchor. From data-centre IPs
LinkedIn mostly answers 999 or the authwall: those accounts come out review/error, never fail.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, Frame, MetaText, PageCapture, Platform, Rule
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, website

_COMPANY = re.compile(r"^/(company|school|showcase)/([^/]+)", re.I)
_FOLLOWERS = re.compile(r"\s*\|\s*[\d.,]+[KMB]? followers on LinkedIn\.\s*", re.I)
_ABOUT_US = '[data-test-id="about-us"], section.about-us, [data-test-id="about-us__description"]'


def _about_card(body: BeautifulSoup) -> list[Tag]:
    """The signed-in home tab's card headed "About" (its first heading; the card also holds the
    "Contact info" and funding boxes, which have headings of their own)."""
    out = []
    for card in body.select("section.artdeco-card"):
        heading = card.select_one("h2, h3")
        if heading and heading.get_text(" ", strip=True).lower() == "about" and not card.select_one("section"):
            out.append(card)
    return out


class LinkedIn(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("LinkedIn", (FieldSpec("about", "About / Overview (Edit page > Page info)", "about",
                                                         2000),),
                                   website("Website field (Edit page > Page info)"))
    name = "linkedin"
    hosts = ("linkedin.com",)
    redirectors = (Redirector("linkedin.com", "url", "/redir/redirect"), Redirector("lnkd.in", None))
    rules = (
        Rule("other", 'header.global-alert-offset-top, nav, .artdeco-global-alert, [role="dialog"], '
                      '.contextual-sign-in-modal, .sign-in-modal, footer, .li-footer, aside, '
                      'section[data-test-id="employees-at"], section.similar-pages, section.browse-jobs, '
                      'section.aside-section-container, code', "page chrome"),
        Rule("other", '.org-page-navigation, .msg-overlay-container, #msg-overlay, .global-nav, '
                      '.org-similar-orgs, aside, .scaffold-layout__aside, .org-top-card-primary-actions, '
                      '.org-top-card-secondary-content__connections', "signed-in chrome"),
        Rule("feed", 'section[data-test-id="updates"], [data-test-id="main-feed-activity-card"], '
                     '.main-feed-activity-card, .updates__list, article, .org-updates-section-container, '
                     '.org-page-updates', "updates"),
        Rule("header", "h1.top-card-layout__title, section.org-top-card h1", "company name", part="header"),
        Rule("header", "h1", "company name"),
        Rule("bio", "h2.top-card-layout__headline, p.org-top-card-summary__tagline", "tagline", part="bio"),
        Rule("header", "h3.top-card-layout__first-subline, .org-top-card-summary-info-list", "top card subline"),
        Rule("about", '[data-test-id="about-us__description"]', "about-us__description", part="about"),
        Rule("profile_field", '[data-test-id="about-us__website"], .org-contact-info__content',
             "website field", part="website"),
        Rule("profile_field", '[data-test-id="about-us__phone"]', "phone field", part="contact"),
        Rule("profile_field", 'div[data-test-id^="about-us__"], dl div', "about-us field"),
        Rule("profile_field", 'section[data-test-id="locations"] [id^="address-"], section.locations li',
             "locations"),
        Rule("about", _about_card, "About card", part="about"),
        Rule("about", ".org-about-us-organization-description__text", "about tab description", part="about"),
    )
    profile_parts = ("header", "bio", "about", "website", "contact")
    meta_boilerplate = (r"^\d+ million\+ members \| Manage your professional identity",)
    frames = (
        Frame(".top-card-layout, section.org-top-card", ("bio",), "top card"),
        Frame('[data-test-id="about-us"], section.about-us', ("about", "website", "contact"), "about-us block"),
    )

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        # "<name> | N followers on LinkedIn. <tagline> | <about>": the count is LinkedIn's own words.
        return MetaText(own=_FOLLOWERS.sub(" | ", value, count=1).strip(" |"))
    unavailable_markers = (
        (r"this page doesn.t exist", "not_found"),
        (r"page not found", "not_found"),
        (r"this company page is (?:no longer )?(?:un)?available", "not_found"),
        *Platform.unavailable_markers,
    )
    login_markers = (r"sign in to (?:view|see|continue)", r"join linkedin", r"join now to see",
                     r"agree & join linkedin", r"you.re signed out")

    def urls(self, url: str) -> list[tuple[str, str]]:
        parts = urlsplit(url)
        m = _COMPANY.match(parts.path)
        if not m or parts.path.rstrip("/").endswith("/about"):
            return [("profile", url)]
        about = urlunsplit(parts._replace(path=f"/{m.group(1)}/{m.group(2)}/about/", query="", fragment=""))
        return [("profile", url), ("about", about)]

    def tab_refused(self, cap: PageCapture) -> bool:
        if super().tab_refused(cap):
            return True
        return 'data-test-id="about-us' not in cap.html and "top-card-layout" not in cap.html

    def read_jsonld_item(self, item: dict, cap: PageCapture, out: Extract) -> None:
        graph = item.get("@graph")
        if isinstance(graph, list):
            for node in graph:
                if isinstance(node, dict):
                    super().read_jsonld_item(node, cap, out)
            return
        super().read_jsonld_item(item, cap, out)

