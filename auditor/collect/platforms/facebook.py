"""Facebook: https://www.facebook.com/<page> and its about tab.

Pages loaded: the page itself, then its about tab (``/<page>/about``; for
``profile.php?id=N`` pages ``profile.php?id=N&sk=about``). The about tab is optional: when it is
refused (redirect to /login or /checkpoint, a "You must log in" page, an error) it is left out
and only the main page is read; the visit is still listed in the snapshot's load.pages.

Read, main page: the page name (h1, header); the Intro card (the card headed "Intro": the page's
description, category, address, phone, e-mail, website) as about. Everything else in the main
column (cover, tabs, photo and video cards, "likes/followers" counts) is left as ``other``, so it
can only ever make an item a review. Feed posts (role=article / role=feed) are feed, including
shared posts and their comments. The login form, cookie and "See more on Facebook" dialogs,
navigation and footer are page chrome (other).
Read, about tab: the whole main column except the header and tabs is about ("Contact info",
"Websites and social links", "Basic info", "Page transparency").
Embedded JSON (``script[type=application/json]``, Facebook's data-sjs payloads):
``best_description`` (the Intro text) is bio; ``page_about_fields`` (blurb/description as about,
e-mail, phone, address, website as profile fields). og:description is the page's own
description (meta).
Links: l.facebook.com/l.php?u= and lm.facebook.com/l.php?u= wrappers are unwrapped.
Walls: redirect to /login or /checkpoint (login); a "You must log in to continue" page with no
Intro card and no page name (login); "This content isn't available right now" outside feed posts
on a page with no Intro (not_found: removed, or age/region restricted), "Something went wrong"
(error_page). A login dialog over a visible page is not a wall: the page behind it is read. The
same "isn't available" sentence inside a feed post (a shared post that was deleted) is feed text
and never makes the page unavailable.
Known to break: Facebook's class names are generated, so only roles, headings and text are relied
on. The Intro card is found by its heading text ("Intro"): a page rendered in another language
has no Intro card for us, its text stays ``other`` (review, never a pass or a fail). Facebook
sometimes renders the Intro lazily; what has rendered by the time the page settles is read.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, PageCapture, Platform, Rule, cards_headed, walk_json
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, website


def _intro(body: BeautifulSoup) -> list[Tag]:
    return cards_headed(body, ("Intro",))


_CHROME = ('[role="banner"], [role="navigation"], [role="dialog"], [role="alertdialog"], '
           '[role="complementary"], [role="contentinfo"], [role="tablist"], footer, form')
_PROFILE_RULES = (
    Rule("feed", '[role="article"], [role="feed"]', "feed post"),
    Rule("other", _CHROME, "app chrome"),
    Rule("header", "h1", "page name"),
    Rule("about", _intro, "Intro card"),
)
_ABOUT_RULES = (
    Rule("feed", '[role="article"], [role="feed"]', "feed post"),
    Rule("other", _CHROME, "app chrome"),
    Rule("header", "h1", "page name"),
    Rule("about", '[role="main"]', "about tab"),
)
_REFUSED_TEXT = re.compile(r"you must log in|log in to continue|content isn.t available|page isn.t available|"
                           r"something went wrong", re.I)


class Facebook(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Facebook", (FieldSpec("about", "Intro / About section (Edit Page info)", "about"),),
                                   website("Website field (About > Contact and basic info)", "about"))
    name = "facebook"
    hosts = ("facebook.com", "fb.com", "m.facebook.com", "web.facebook.com")
    redirectors = (Redirector("l.facebook.com", "u"), Redirector("lm.facebook.com", "u"))
    rules = _PROFILE_RULES
    unavailable_markers = (
        (r"this content isn.t available (?:right now|at the moment)", "not_found"),
        (r"this page isn.t available", "not_found"),
        *Platform.unavailable_markers,
    )
    login_markers = (r"you must log in to continue", r"log in to facebook", r"log into facebook")

    def urls(self, url: str) -> list[tuple[str, str]]:
        parts = urlsplit(url)
        if parts.path.rstrip("/").endswith("/about") or "sk=about" in parts.query:
            return [("profile", url)]
        if parts.path.startswith("/profile.php"):
            about = urlunsplit(parts._replace(query=(parts.query + "&" if parts.query else "") + "sk=about",
                                              fragment=""))
        else:
            about = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/about", query="", fragment=""))
        return [("profile", url), ("about", about)]

    def tab_refused(self, cap: PageCapture) -> bool:
        if super().tab_refused(cap):
            return True
        soup = BeautifulSoup(cap.html, "html.parser")
        main = soup.select_one('[role="main"]')
        text = main.get_text(" ", strip=True) if main else ""
        return main is None or (soup.find("h1") is None and bool(_REFUSED_TEXT.search(text)))

    def read_regions(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        super().read_regions(soup, cap, out, _ABOUT_RULES if cap.kind == "about" else _PROFILE_RULES)

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        for tag in soup.find_all("script", attrs={"type": "application/json"}):
            try:
                data = json.loads(tag.string or "null")
            except (json.JSONDecodeError, TypeError):
                continue
            for _, value in walk_json(data, {"best_description"}):
                text = value.get("text") if isinstance(value, dict) else value
                if isinstance(text, str):
                    out.add_text("bio", text, "best_description", cap.url)
            for _, value in walk_json(data, {"page_about_fields"}):
                if isinstance(value, dict):
                    self._about_fields(value, cap, out)

    def _about_fields(self, value: dict, cap: PageCapture, out: Extract) -> None:
        for k in ("blurb", "description", "email", "phone_number", "formatted_phone_number", "address"):
            v = value.get(k)
            if isinstance(v, dict):
                v = v.get("text") or v.get("full_address") or v.get("single_line_full_address")
            if isinstance(v, str):
                out.add_text("about" if k in ("blurb", "description") else "profile_field", v,
                             f"page_about_fields.{k}", cap.url)
        sites = value.get("website") or value.get("websites") or []
        for site in sites if isinstance(sites, list) else [sites]:
            if isinstance(site, dict):
                site = site.get("url") or site.get("uri")
            if isinstance(site, str) and site:
                out.add_link("profile_field", site, self.unwrap(site), site, "page_about_fields.website", cap.url)
