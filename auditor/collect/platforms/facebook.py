"""Facebook: https://www.facebook.com/<page> and its /about tab.

Read: the page's main column (role=main) minus feed posts (role=article) is the profile: the
Intro card, the about fields (website, phone, e-mail, address). The /about tab is loaded too
and read the same way. ``best_description`` and ``page_about_fields`` in embedded JSON are read
when present. og:description is the page's own description.
Links: l.facebook.com/l.php?u= and lm.facebook.com/l.php?u= wrappers are unwrapped.
Walls: /login, /checkpoint redirects; "You must log in to continue"; "This content isn't
available right now" (removed or age/region restricted). A login dialog over a visible page is
not a wall: the page behind it is read.
Known to break: Facebook's class names are generated; only roles and text are relied on.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Extract, PageCapture, Platform, Rule, walk_json


class Facebook(Platform):
    name = "facebook"
    hosts = ("facebook.com", "fb.com", "m.facebook.com", "web.facebook.com")
    redirectors = (Redirector("l.facebook.com", "u"), Redirector("lm.facebook.com", "u"))
    rules = (
        Rule("feed", '[role="article"], [role="feed"]', "feed post"),
        Rule("other", '[role="banner"], [role="navigation"], [role="dialog"], [role="complementary"], footer',
             "app chrome"),
        Rule("header", "h1", "page name"),
        Rule("about", '[role="main"]', "intro / about"),
    )
    unavailable_markers = (
        (r"this content isn.t available (?:right now|at the moment)", "not_found"),
        (r"this page isn.t available", "not_found"),
        *Platform.unavailable_markers,
    )
    login_markers = (r"you must log in to continue", r"log in to facebook", r"log into facebook")

    def urls(self, url: str) -> list[tuple[str, str]]:
        parts = urlsplit(url)
        if parts.path.rstrip("/").endswith("/about"):
            return [("profile", url)]
        if parts.path.startswith("/profile.php"):
            about = urlunsplit(parts._replace(query=(parts.query + "&" if parts.query else "") + "sk=about"))
        else:
            about = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/about", query="", fragment=""))
        return [("profile", url), ("about", about)]

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
                    for k in ("blurb", "description", "email", "phone_number", "formatted_phone_number", "address"):
                        v = value.get(k)
                        if isinstance(v, dict):
                            v = v.get("text")
                        if isinstance(v, str):
                            out.add_text("about" if k in ("blurb", "description") else "profile_field", v,
                                         f"page_about_fields.{k}", cap.url)
                    site = value.get("website")
                    if isinstance(site, str):
                        out.add_link("profile_field", site, self.unwrap(site), site, "page_about_fields.website",
                                     cap.url)
