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

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, PageCapture, Platform, Rule
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, website

_COMPANY = re.compile(r"^/(company|school|showcase)/([^/]+)", re.I)


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
        Rule("feed", 'section[data-test-id="updates"], [data-test-id="main-feed-activity-card"], '
                     '.main-feed-activity-card, .updates__list, article', "updates"),
        Rule("header", "h1.top-card-layout__title, h1", "company name"),
        Rule("bio", "h2.top-card-layout__headline", "tagline"),
        Rule("header", "h3.top-card-layout__first-subline", "top card subline"),
        Rule("about", '[data-test-id="about-us__description"]', "about-us__description"),
        Rule("profile_field", 'div[data-test-id^="about-us__"], dl div', "about-us field"),
        Rule("profile_field", 'section[data-test-id="locations"] [id^="address-"], section.locations li',
             "locations"),
    )
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

