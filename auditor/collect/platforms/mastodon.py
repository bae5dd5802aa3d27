"""Mastodon: https://<instance>/@<user> (any instance; inferred from the /@ path), also
/@<user>@<other.instance> for a remote account seen through an instance.

Pages: the profile page, then the instance's public API through the browser (so HAR replay and
recording cover it): ``/api/v1/accounts/lookup?acct=<user>``, then, with the id that answer gave,
``/api/v1/accounts/<id>/statuses?pinned=true`` (a follow-up; both optional: a refused API is noted).

Read:
- the API (what counts: Mastodon's logged-out page is a JavaScript shell): ``display_name`` ->
  header; ``note`` (HTML) -> bio, tags stripped, paragraphs and <br> kept as line breaks, and
  every <a href> kept as a bio link (Mastodon hides "https://" and the tail of long URLs in
  ``span.invisible``; the pieces are joined back into one URL text); ``fields`` [{name, value
  (HTML), verified_at}] -> one profile_field text "name: value" each and their links (a
  rel=me-verified field says so in the source);
- the page: og:description / description (Mastodon writes "N Posts, N Following, N
  Followers · <note as plain text>") -> meta; when the web app has rendered,
  ``.account__header__content`` is bio, ``.account__header__fields`` profile_field,
  ``.account__header__tabs__name`` header, a status whose prepend says "Pinned" is pinned,
  other ``article`` posts are feed; the sign-in banner and the instance's sidebar are
  chrome.

Layouts read: the Mastodon 3.x-4.x web app (rendered ``.account__header``), its logged-out
script shell (meta only), and the v1 lookup API answer (4.x).
Meta: after the counts, the note as plain text (``meta_part`` bio).

Coverage (profile_parts: header, bio, website, contact, pinned; a website or contact detail on
Mastodon is one of the profile's ``fields``). The lookup answer establishes the first four: the note
(empty when ""), and the fields read whole (website and contact seen with them; empty when there
are none). The rendered ``.account__header`` shows the note and the fields whenever set. Pinned
posts are seen from the pinned-statuses answer (a list; ``[]`` establishes none; a boost is another
account's words and is skipped) or a rendered "Pinned" status; without either they are unseen, so
an item that may live in a pinned post is review, never fail. A remote account (``acct`` with an
``@``) is not asked: an instance knows only the pinned posts it happened to fetch. og:description
(after Mastodon's "N Posts, N Following, N Followers ·", which is dropped) is the note as plain
text (coverage how="meta").

Walls: no API answer and no rendered profile (the page is only the script shell) is
error_page: the fields were never seen, so nothing may fail. HTTP 404 / ``{"error": "Record
not found"}`` is not_found; a suspended account (HTML 410, or the API's ``"suspended": true``)
is suspended: all items error. An instance that requires
sign-in for its API (HTTP 401 "This API requires an authenticated user", or the page sends
visitors to /auth/sign_in) is a login wall: the fields cannot be seen, so every item is review.
An account the instance's moderators have limited (``"limited": true``) shows a "This profile
has been hidden" interstitial: also review.

Known to break: an instance that answers the lookup but refuses the statuses call leaves the
pinned posts unseen (review, not fail); a Mastodon fork that renames the CSS classes (Glitch, Hometown
keep them) only loses the rendered-DOM reading, not the API; instances that block unknown user
agents answer 403 (blocked: error).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from auditor.collect.platforms.base import (
    Extract,
    Frame,
    MetaText,
    PageCapture,
    Platform,
    Rule,
    api_json,
    api_object,
    host_of,
)
from auditor.collect.platforms.fields import FieldSpec, ProfileFields, pinned, website

META_COUNTS = re.compile(r"^(?:[\d.,]+[KMB]? (?:Posts|Toots|Following|Followers)(?:, | · |\s*$))+\s*", re.I)


def _pinned(body: BeautifulSoup) -> list[Tag]:
    out = []
    for status in body.select("article"):
        prepend = status.select_one(".status__prepend")
        if prepend and "pinned" in prepend.get_text(" ", strip=True).lower():
            out.append(status)
    return out


def html_to_text(fragment: str) -> tuple[str, list[tuple[str, str]]]:
    """Mastodon HTML (note, field value) -> (plain text, [(href, link text)])."""
    soup = BeautifulSoup(fragment or "", "html.parser")
    links = []
    for a in soup.find_all("a", href=True):
        # "<span class=invisible>https://</span><span>agency.example.gov</span>": one URL, not three words
        text = a.get_text("", strip=True)
        links.append((str(a["href"]), text))
        a.replace_with(NavigableString(text))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for p in soup.find_all("p"):
        p.insert_after(NavigableString("\n\n"))
        p.unwrap()
    return soup.get_text(""), links


PINNED_PATH = re.compile(r"/api/v1/accounts/(\d+)/statuses$")


class Mastodon(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Mastodon", (FieldSpec("bio", "Bio (Edit profile)", "bio", 500), pinned(500)),
                                   website("an Extra field labelled Website (Edit profile)", limit=255))
    name = "mastodon"
    hosts = ()
    rules = (
        Rule("other", ".sign-in-banner, .navigation-panel, .columns-area__panels__pane--compositional, "
                      ".columns-area__panels__pane--navigational, .ui__header, .link-footer, "
                      ".account__section-headline, nav, footer", "app chrome"),
        Rule("pinned", _pinned, "pinned post", part="pinned"),
        # Only the post wrappers: nested selectors (.item-list > article > .status) would read a post twice.
        Rule("feed", "article", "posts"),
        Rule("header", ".account__header__tabs__name", "account name", part="header"),
        Rule("bio", ".account__header__content", "account note", part="bio"),
        Rule("profile_field", ".account__header__fields", "account fields", part="website"),
    )
    profile_parts = ("header", "bio", "website", "contact", "pinned")
    frames = (Frame(".account__header__fields", ("contact",), "account fields", empty=False),
              Frame(".account__header__tabs__name", ("bio", "website", "contact"), "account header"))
    meta_part = "bio"

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        m = META_COUNTS.match(value)
        if not m:
            return MetaText(own=value)
        return MetaText(own=value[m.end():].lstrip("·").strip(), verbatim=True)
    unavailable_markers = (
        (r"this account has been suspended|account suspended", "suspended"),
        (r"the page you are looking for isn.t here", "not_found"),
        *Platform.unavailable_markers,
    )

    @staticmethod
    def acct(url: str) -> str:
        path = urlsplit(url).path
        first = path.lstrip("/").split("/")[0]
        return first[1:] if first.startswith("@") else ""

    def urls(self, url: str) -> list[tuple[str, str]]:
        acct, host = self.acct(url), host_of(url)
        if not acct or not host:
            return [("profile", url)]
        return [("profile", url), ("api", f"https://{host}/api/v1/accounts/lookup?acct={quote(acct, safe='@.')}")]

    def follow_ups(self, captures: list[PageCapture]) -> list[tuple[str, str]]:
        """The account's pinned posts: ``/api/v1/accounts/<id>/statuses?pinned=true``, the id from the
        lookup answer (digits only: the answer names no other host or path)."""
        api = next((c for c in captures if c.kind == "api" and not c.error), None)
        data = api_object(api) if api else {}
        account_id, host = str(data.get("id") or ""), host_of(api.url) if api else ""
        if not (account_id.isascii() and account_id.isdigit() and host):
            return []
        if "@" in str(data.get("acct") or ""):
            # A remote account seen through this instance: its answer lists only the pinned posts this
            # instance happened to fetch, so an empty list would prove nothing. Left unseen: review.
            return []
        return [("api", f"https://{host}/api/v1/accounts/{account_id}/statuses?pinned=true")]

    def read_api(self, cap: PageCapture, out: Extract) -> None:
        if PINNED_PATH.search(urlsplit(cap.url).path):
            self._read_pinned(cap, out)
            return
        data = api_object(cap)
        if not data or "error" in data or data.get("suspended") or data.get("limited"):
            return
        out.add_text("header", str(data.get("display_name") or data.get("acct") or ""), "api display_name", cap.url)
        note, links = html_to_text(str(data.get("note") or ""))
        out.add_text("bio", note, "api note", cap.url)
        if data.get("acct") or data.get("username"):  # an account answer: what it leaves out is not set
            fields = [f for f in data.get("fields") or [] if isinstance(f, dict)]
            out.mark("header", "api", "api display_name", cap.url)
            out.mark("bio", "api", "api note", cap.url, empty=not note.strip())
            has_link = any("href=" in str(f.get("value") or "") for f in fields)
            out.mark("website", "api", "api fields", cap.url, empty=not has_link)
            out.mark("contact", "api", "api fields", cap.url, empty=not fields)
        for href, text in links:
            out.add_link("bio", href, self.unwrap(href, text=text), text, "api note", cap.url)
        for field in data.get("fields") or []:
            if not isinstance(field, dict):
                continue
            name = str(field.get("name") or "")
            value, links = html_to_text(str(field.get("value") or ""))
            source = f"api field {name!r}" + (" (verified)" if field.get("verified_at") else "")
            out.add_text("profile_field", f"{name}: {value}" if name else value, source, cap.url)
            for href, text in links:
                out.add_link("profile_field", href, self.unwrap(href, text=text), text, source, cap.url)

    def _read_pinned(self, cap: PageCapture, out: Extract) -> None:
        """The pinned statuses answer: a list (empty: nothing is pinned). Each status's ``content``
        (HTML) is a pinned text, its links pinned links; a boost is another account's words."""
        statuses = api_json(cap)
        if not isinstance(statuses, list):
            return
        own = [st for st in statuses if isinstance(st, dict) and not st.get("reblog")]
        for st in own:
            text, links = html_to_text(str(st.get("content") or ""))
            source = "api pinned post"
            out.add_text("pinned", text, source, str(st.get("url") or cap.url))
            for href, label in links:
                out.add_link("pinned", href, self.unwrap(href, text=label), label, source, cap.url)
        out.mark("pinned", "api", "api pinned posts", cap.url, empty=not own)

    def read_regions(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        body = soup.body or soup
        for a in body.select("a"):
            if a.select_one("span.invisible"):  # hidden "https://" and URL tail: one URL text
                text = a.get_text("", strip=True)
                a.clear()
                a.append(text)
        # "@user@instance" is a fediverse address, not an e-mail address: it must not read as contact details.
        for handle in body.select(".account__header__tabs__name small, .display-name__account"):
            handle.decompose()
        super().read_regions(soup, cap, out)

    def detect_wall(self, captures: list[PageCapture], out: Extract) -> None:
        super().detect_wall(captures, out)
        api = next((c for c in captures if c.kind == "api" and not c.error), None)
        main = next((c for c in captures if c.kind == "profile"), None)
        data = api_object(api) if api else {}
        rendered = main is not None and "account__header__content" in main.html
        if main is not None and "/auth/sign_in" in urlsplit(main.final_url or main.url).path:
            out.wall = "login"
            out.wall_reason = f"the instance sends signed-out visitors to its sign-in page ({main.final_url})"
        elif data.get("suspended") or (main is not None and main.status == 410):
            out.wall, out.wall_reason = "suspended", "the instance says the account is suspended"
        elif out.wall in ("error_page", "not_found", "blocked", "suspended"):
            return
        elif api is not None and (api.status == 404 or data.get("error") == "Record not found"):
            out.wall, out.wall_reason = "not_found", "the instance has no such account (API: Record not found)"
        elif api is not None and api.status in (401, 403):
            out.wall = "login" if api.status == 401 else "blocked"
            out.wall_reason = (f"the instance's API answered HTTP {api.status} "
                               f"({data.get('error') or 'refused'}): the profile fields cannot be read signed out")
        elif data.get("limited"):
            out.wall, out.wall_reason = "login", "the instance's moderators have limited this profile (it is hidden)"
        elif not data and not rendered and main is not None and not main.error:
            # The page is the web app's script shell: without the API only the meta summary is known.
            out.wall = "error_page"
            out.wall_reason = "the instance's account API could not be read and the page is only a script shell"
