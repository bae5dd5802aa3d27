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
Meta: Facebook writes ``Name, City. N likes · N talking about this · N were here. <about text>``.
The counts are dropped (never profile text); the rest is kept as meta. The about text there is the
page's own, but Facebook cuts it (not always with an ellipsis), so it counts as the about part
seen only in a cut version (``truncated``: good for a pass, never for a fail).

Mobile site (m.facebook.com, mbasic.facebook.com; logged out, 2019-21 layout): the page header
(``#msite-pages-header-contents``: name and category) is header, its launchpad's l.php-wrapped
button the website (profile_field, the website part seen; without it the website is not seen, a
page may choose another button); posts (``article``,
``data-sigil="story-div"``) are feed; the blue top bar, the hidden "Facebook" h1, the "<Page> is
on Facebook. To connect with <Page>, log in or create an account." bar and its pop-up copy, the tab
strip and the loading/error views are chrome. A mobile posts tab shows no About, website or
contact: those parts are not seen there (the about tab is read like the desktop one).

Coverage (profile_parts: header, about, website, contact). Pinned posts are read as feed (a
Facebook pinned post is an ordinary post at the top of the feed), not as a profile part. The page
name h1 (desktop) or the mobile page header is the header seen; the Intro card is the about part
seen and is read whole, so the website and contact details it lists when set are seen with it
(a website link there marks the website); the about tab's main column likewise (about, website,
contact); ``page_about_fields`` in the embedded JSON establishes about, website and contact.

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
from auditor.collect.platforms.base import (
    Extract,
    Frame,
    MetaText,
    PageCapture,
    Platform,
    Rule,
    cards_headed,
    host_of,
    walk_json,
)
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, website


def _intro(body: BeautifulSoup) -> list[Tag]:
    return cards_headed(body, ("Intro",))


_CHROME = ('[role="banner"], [role="navigation"], [role="dialog"], [role="alertdialog"], '
           '[role="complementary"], [role="contentinfo"], [role="tablist"], footer, form')
_MOBILE_CHROME = ('#MChromeHeader, #header-notices, #mobile_login_bar, [data-sigil~="loggedout_mobile_cta_footer"], '
                  '[data-sigil="scroll-area"], #mErrorView, [data-sigil~="m-loading-indicator-root"], '
                  '#viewport > h1, [data-sigil~="m-dialog-header-title"]')
_EXTERNAL = 'a[href*="l.facebook.com/l.php"], a[href*="lm.facebook.com/l.php"]'
_PROFILE_RULES = (
    Rule("feed", '[role="article"], [role="feed"]', "feed post"),
    Rule("other", _CHROME, "app chrome"),
    Rule("header", "h1", "page name", part="header"),
    Rule("about", lambda body: [a for card in _intro(body) for a in card.select(_EXTERNAL)], "Intro card website",
         part="website"),
    Rule("about", _intro, "Intro card", part="about"),
)
_ABOUT_RULES = (
    Rule("feed", '[role="article"], [role="feed"]', "feed post"),
    Rule("other", f"{_CHROME}, {_MOBILE_CHROME}", "app chrome"),
    Rule("header", "h1", "page name", part="header"),
    Rule("about", f'[role="main"] {_EXTERNAL.replace(", a", ", [role=main] a")}', "about tab website",
         part="website"),
    Rule("about", '[role="main"]', "about tab", part="about"),
)
_MOBILE_RULES = (
    Rule("feed", 'article, [data-sigil~="story-div"], [role="article"]', "feed post"),
    Rule("other", f"{_CHROME}, {_MOBILE_CHROME}", "mobile chrome"),
    # The header's launchpad buttons: an l.php-wrapped one is the page's website button.
    Rule("profile_field", '#msite-pages-header-contents #launchpad a[href*="l.php"]', "mobile header website button",
         part="website"),
    Rule("header", "#msite-pages-header-contents", "mobile page header", part="header"),
)
_PROFILE_FRAMES = (Frame(_intro, ("website", "contact"), "Intro card", empty=False),)
_ABOUT_FRAMES = (Frame('[role="main"]', ("website", "contact"), "about tab", empty=False),)
_COUNTS = re.compile(r"(?:^|(?<=\. )|(?<= · ))[\d.,]+[KMB]? (?:likes?|followers?|people like this|talking about this|"
                     r"were here|check-ins?|people follow this)(?: · |\.\s*|$)", re.I)
_REFUSED_TEXT = re.compile(r"you must log in|log in to continue|content isn.t available|page isn.t available|"
                           r"something went wrong", re.I)


def is_mobile(soup: BeautifulSoup, cap: PageCapture) -> bool:
    """m.facebook.com / mbasic.facebook.com pages (also when served under another host in a replay)."""
    host = host_of(cap.final_url or cap.url)
    mobile_host = host.startswith(("m.", "mbasic.", "touch."))
    return mobile_host or soup.select_one("#MChromeHeader, #viewport #page") is not None


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
    profile_parts = ("header", "about", "website", "contact")
    meta_part = "about"
    meta_boilerplate = (r"^Log in to Facebook to start sharing", r"^See posts, photos and more on Facebook\.?$")

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        m = list(_COUNTS.finditer(value))
        if not m:
            return MetaText(own=value)
        head, about = value[:m[0].start()].strip(), value[m[-1].end():].strip()
        return MetaText(own=" ".join(t for t in (head, about) if t), verbatim=bool(about))

    def meta_cut(self, own: str) -> bool:
        return True  # Facebook cuts the about text in its meta description, not always with "..."

    def urls(self, url: str) -> list[tuple[str, str]]:
        parts = urlsplit(url)
        if parts.path.rstrip("/").endswith("/about") or "sk=about" in parts.query:
            return [("profile", url)]
        tab = re.match(r"^(/[^/]+)/(?:posts|photos|videos|community|events|reviews)/?$", parts.path)
        if tab and not parts.path.startswith("/profile.php"):
            parts = parts._replace(path=tab.group(1))
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
        if cap.kind == "about":
            super().read_regions(soup, cap, out, _ABOUT_RULES, _ABOUT_FRAMES)
        elif is_mobile(soup, cap):
            super().read_regions(soup, cap, out, _MOBILE_RULES, ())
        else:
            super().read_regions(soup, cap, out, _PROFILE_RULES, _PROFILE_FRAMES)

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
        for part in ("about", "website", "contact"):
            out.mark(part, "embedded_json", "page_about_fields", cap.url)
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
