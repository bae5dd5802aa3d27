"""Generic fallback for sites without a module of their own.

Read: meta description (meta), JSON-LD Organization/ProfilePage (about, profile fields), h1
(header); articles and feeds are feed; navigation and footers are "other". The rest of the
page is "other" too: the generic reader cannot know which text is the account's set-up, so
text found only there makes an item a review, never a pass.

Declared profile (registry ``profile_selector`` / ``website_selector``): a site without a module
can say where its profile is. Text in the ``profile_selector`` elements is read as ``bio`` and
links in the ``website_selector`` elements as ``profile_field`` (taken first, so the website
element may sit inside the profile one); both are coverage ``how="declared"``, so an item can pass
there and, when the declared element was on the page, fail. A declared element missing from the
page is not seen (review). Without a declaration nothing is marked seen: the generic reader is
review at best for anything it did not find.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from auditor.collect.platforms.base import Declared, Extract, PageCapture, Platform, Rule
from auditor.collect.platforms.fields import FieldSpec, ProfileFields
from auditor.models import PartSeen


class Generic(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Web page", (FieldSpec("about", "the page's about / description text", "about"),),
                                   None)
    name = "generic"

    def expected_parts(self, declared: Declared | None = None) -> list[str]:
        if declared is None or not declared.profile_selector:
            return ["website"] if declared and declared.website_selector else []
        return ["bio", "website"] if declared.website_selector else ["bio"]

    def read_declared(self, soup: BeautifulSoup, cap: PageCapture, out: Extract,
                      declared: Declared | None) -> None:
        if declared is None or cap.kind != "profile":
            return
        body = soup.body or soup
        for junk in body.find_all(["script", "style", "noscript", "template", "svg"]):
            junk.decompose()
        rules = []
        if declared.website_selector:
            rules.append(Rule("profile_field", declared.website_selector, "declared website_selector",
                              part="website", how="declared"))
        if declared.profile_selector:
            rules.append(Rule("bio", declared.profile_selector, "declared profile_selector", part="bio",
                              how="declared"))
        for rule in rules:
            assert isinstance(rule.select, str)
            for el in body.select(rule.select):
                if el is body or not any(p is body for p in el.parents):
                    continue  # already taken inside an earlier declared element
                text = " ".join(el.get_text(" ", strip=True).split())
                self._mark_element(el, rule, text, cap, out)
                self._take(el, rule.region, rule.source, cap, out)

    def coverage_note(self, captures: list[PageCapture], out: Extract, expected: list[str],
                      seen: list[PartSeen]) -> str:
        if not expected:
            return ("no platform module reads this site and the registry declares no profile_selector: "
                    "the profile's parts could not be told apart")
        return super().coverage_note(captures, out, expected, seen)
