"""What every platform module shares: the capture/extract contract and generic HTML reading.

A platform module is mostly data (hosts, URLs to visit, CSS rules that label regions, redirectors,
wall markers) plus, where a platform hides its profile in embedded JSON, a small function that
reads it. ``extract`` is pure (HTML in, regions out) so it is unit-tested on fixture pages without
a browser; ``prepare`` is the one hook that touches the live page (consent dialogs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from auditor.collect.links import Redirector, unwrap
from auditor.collect.platforms.fields import ProfileFields
from auditor.models import Link, TextBlock
from auditor.textnorm import normalise

# A rule labels the page elements it selects: a CSS selector, or a function for what CSS cannot say.
Selector = str | Callable[[BeautifulSoup], Iterable[Tag]]


@dataclass(frozen=True)
class Rule:
    region: str
    select: Selector
    source: str = ""


@dataclass
class PageCapture:
    """One page the collector loaded: what a browser saw, as plain data."""

    kind: str  # "profile", "about", "api", ...
    url: str
    final_url: str = ""
    status: int | None = None
    html: str = ""  # rendered DOM (or the body of an API response)
    error: str = ""


@dataclass
class Extract:
    title: str = ""
    texts: list[TextBlock] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict] = field(default_factory=list)
    wall: str | None = None
    wall_reason: str = ""
    hints: dict[str, str] = field(default_factory=dict)  # wrapped href -> expanded URL (embedded data)

    def add_text(self, region: str, text: str, source: str = "", url: str = "") -> None:
        text = normalise(text or "")
        if not text:
            return
        if any(t.region == region and t.text == text for t in self.texts):
            return
        self.texts.append(TextBlock(region=region, text=text, source=source, url=url))  # type: ignore[arg-type]

    def add_link(self, region: str, href: str, target: str, text: str = "", source: str = "", url: str = "") -> None:
        if any(lk.region == region and lk.target == target and lk.href == href for lk in self.links):
            return
        self.links.append(Link(region=region, href=href, target=target, text=normalise(text or ""),  # type: ignore[arg-type]
                               source=source, url=url))

    def profile_text_found(self) -> bool:
        return any(t.region in ("bio", "about", "pinned", "profile_field") for t in self.texts)


LOGIN_PATH = re.compile(r"/(?:login|log-in|signin|sign-in|sign_in|accounts/login|i/flow/login|checkpoint|authwall|"
                        r"uas/login|auth/login)\b", re.I)
META_DESCRIPTION_KEYS = ("og:description", "description", "twitter:description")


class Platform:
    """The generic platform; specific ones subclass and fill in the data."""

    profile_fields: ProfileFields | None = None  # where fixes go and how much fits (every platform declares it)

    name = "generic"
    hosts: tuple[str, ...] = ()
    redirectors: tuple[Redirector, ...] = ()
    rules: tuple[Rule, ...] = (
        Rule("feed", "article, [role=feed], [role=article]", "article"),
        Rule("other", "nav, footer, [role=navigation], [role=contentinfo]", "page chrome"),
        Rule("header", "h1", "h1"),
    )
    # Text seen on the page that means the account cannot be read, and what it means.
    unavailable_markers: tuple[tuple[str, str], ...] = (
        (r"account (?:has been |is )?suspended", "suspended"),
        (r"this account doesn.t exist", "not_found"),
        (r"this page isn.t available|page (?:is )?not found|content isn.t available", "not_found"),
        (r"something went wrong", "error_page"),
    )
    login_markers: tuple[str, ...] = (r"log in to (?:see|continue|view)", r"you must log in", r"sign in to continue")
    meta_region = "meta"  # where og:description goes: the profile's own description on most platforms

    # -- which pages to load -------------------------------------------------------------------
    def urls(self, url: str) -> list[tuple[str, str]]:
        """(kind, url) to load, the profile first. Later ones are optional: a refusal is noted."""
        return [("profile", url)]

    def cookies(self) -> list[dict]:
        """Cookies set before the first load (consent already given)."""
        return []

    async def prepare(self, page: Any) -> None:  # noqa: B027 - optional hook
        """Runs on the live page after load (dismiss consent dialogs). Default: nothing."""

    # -- reading -------------------------------------------------------------------------------
    def extract(self, captures: list[PageCapture]) -> Extract:
        # An optional tab that was refused is dropped: its login or error page is not the account's text.
        captures = [c for c in captures if c.kind == "profile" or not self.tab_refused(c)]
        out = Extract()
        for cap in captures:
            if cap.error or not cap.html:
                continue
            if cap.kind == "api":
                self.read_api(cap, out)
                continue
            soup = BeautifulSoup(cap.html, "html.parser")
            if cap.kind == "profile":
                out.title = normalise(soup.title.get_text()) if soup.title else ""
            self.read_meta(soup, cap, out)
            self.read_jsonld(soup, cap, out)
            self.read_embedded(soup, cap, out)
            self.read_regions(soup, cap, out)
        self.detect_wall(captures, out)
        return out

    def tab_refused(self, cap: PageCapture) -> bool:
        """Whether an optional tab (about) was refused: an error, an HTTP error, a login or consent
        page. Platforms add their own signs (a login page served in place)."""
        if cap.kind == "api":
            return False  # an API's answers, 4xx included, are the platform's to read (read_api, detect_wall)
        if cap.error or not cap.html or (cap.status is not None and cap.status >= 400):
            return True
        final = cap.final_url or cap.url
        return bool(LOGIN_PATH.search(urlsplit(final).path)) or self.is_consent_url(final)

    def read_api(self, cap: PageCapture, out: Extract) -> None:  # noqa: B027 - optional hook
        """Platforms with a public API (Bluesky, Mastodon) read its JSON here."""

    def read_meta(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        for tag in soup.find_all("meta"):
            key = tag.get("property") or tag.get("name")
            value = tag.get("content")
            if key and value and key not in out.meta:
                out.meta[str(key)] = normalise(str(value))
        seen: set[str] = set()
        for key in META_DESCRIPTION_KEYS:
            value = out.meta.get(key)
            if value and value not in seen:
                seen.add(value)
                out.add_text(self.meta_region, value, f"meta {key}", cap.url)

    def read_jsonld(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:
        for tag in soup.find_all("script", attrs={"type": "application/ld+json"}):
            try:
                data = json.loads(tag.string or tag.get_text() or "null", strict=False)
            except (json.JSONDecodeError, TypeError):
                continue
            for item in data if isinstance(data, list) else [data]:
                if isinstance(item, dict):
                    out.jsonld.append(item)
                    self.read_jsonld_item(item, cap, out)

    def read_jsonld_item(self, item: dict, cap: PageCapture, out: Extract) -> None:
        """A profile page's JSON-LD (Organization, ProfilePage) describes the account itself."""
        main = item.get("mainEntity") if isinstance(item.get("mainEntity"), dict) else item
        kinds = {str(main.get("@type", "")), str(item.get("@type", ""))}
        if not kinds & {"Organization", "GovernmentOrganization", "Person", "ProfilePage", "PoliceStation"}:
            return
        if isinstance(main.get("description"), str):
            out.add_text("about", main["description"], "json-ld description", cap.url)
        for key in ("url", "sameAs"):
            values = main.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and value.startswith("http"):
                    out.add_link("profile_field", value, self.unwrap(value), "", f"json-ld {key}", cap.url)
        for key in ("telephone", "email"):
            if isinstance(main.get(key), str):
                out.add_text("profile_field", main[key], f"json-ld {key}", cap.url)
        addr = main.get("address")
        if isinstance(addr, dict):
            parts = [addr.get(k) for k in ("streetAddress", "addressLocality", "addressRegion", "postalCode")]
            out.add_text("profile_field", ", ".join(str(p) for p in parts if p), "json-ld address", cap.url)

    def read_embedded(self, soup: BeautifulSoup, cap: PageCapture, out: Extract) -> None:  # noqa: B027
        """Platforms that keep the profile in embedded JSON read it here."""

    def read_regions(self, soup: BeautifulSoup, cap: PageCapture, out: Extract,
                     rules: Iterable[Rule] | None = None) -> None:
        """Label the page's elements by ``rules`` (default ``self.rules``), narrowest first.

        Every rule selects on the intact page first (a card found by its heading must be measured
        before its neighbours are taken out); then, in rule order, each element is taken with its
        text and links unless an earlier rule already took it or an ancestor of it (a post inside a
        taken feed is not read twice). What no rule took is "other".
        """
        body = soup.body or soup
        for junk in body.find_all(["script", "style", "noscript", "template", "svg"]):
            junk.decompose()
        chosen = [(rule, list(body.select(rule.select) if isinstance(rule.select, str) else rule.select(body)))
                  for rule in (self.rules if rules is None else rules)]
        for rule, elements in chosen:
            for el in elements:
                if el is not body and any(p is body for p in el.parents):
                    self._take(el, rule.region, rule.source or str(rule.select), cap, out)
        self._take(body, "other", "page", cap, out)

    def _take(self, el: Tag, region: str, source: str, cap: PageCapture, out: Extract) -> None:
        base = cap.final_url or cap.url
        anchors = ([el] if el.name == "a" and el.get("href") else []) + el.find_all("a", href=True)
        for a in anchors:
            href = str(a["href"])
            if href.startswith(("#", "javascript:")):
                continue
            text = a.get_text(" ", strip=True)
            hint = str(a.get("data-expanded-url") or a.get("title") or out.hints.get(href, ""))
            target = self.unwrap(urljoin(base, href), text=text, hint=hint if hint.startswith("http") else "")
            out.add_link(region, href, target, text, source, cap.url)
        out.add_text(region, block_text(el), source, cap.url)
        if el.name != "body" and el.name != "[document]":
            el.extract()

    # -- links and walls -------------------------------------------------------------------------
    def unwrap(self, href: str, *, text: str = "", hint: str = "") -> str:
        from auditor.collect.platforms import ALL_REDIRECTORS

        return unwrap(href, ALL_REDIRECTORS, text=text, hint=hint)

    def detect_wall(self, captures: list[PageCapture], out: Extract) -> None:
        """Name what kept the profile from being read. Sets ``out.wall`` / ``out.wall_reason``."""
        main = next((c for c in captures if c.kind == "profile"), None)
        if main is None or out.wall:  # a wall found while reading embedded data stands
            return
        status, final = main.status, main.final_url or main.url
        if main.error:
            out.wall, out.wall_reason = "error_page", main.error
            return
        if status in (404, 410):
            out.wall, out.wall_reason = "not_found", f"the page answered HTTP {status} (not found)"
            return
        if status in (401, 407):
            out.wall, out.wall_reason = "login", f"the page answered HTTP {status} (login required)"
            return
        if status in (403, 429, 999):
            out.wall, out.wall_reason = "blocked", f"the platform refused the request (HTTP {status})"
            return
        if status is not None and status >= 500:
            out.wall, out.wall_reason = "error_page", f"the page answered HTTP {status} (server error)"
            return
        if LOGIN_PATH.search(urlsplit(final).path) and not LOGIN_PATH.search(urlsplit(main.url).path):
            out.wall, out.wall_reason = "login", f"redirected to a login page ({final})"
            return
        if final.startswith("chrome-error://"):
            out.wall, out.wall_reason = "error_page", "the browser showed its own error page"
            return
        if self.is_consent_url(final):
            out.wall, out.wall_reason = "consent", f"stopped at a consent page ({final})"
            return
        visible = " ".join(t.text for t in out.texts if t.region != "feed")
        has_profile = out.profile_text_found()
        for pattern, wall in self.unavailable_markers:
            m = re.search(pattern, visible, re.I)
            if m and not has_profile:
                out.wall, out.wall_reason = wall, f"the page says \"{m.group(0)}\""
                return
        if not has_profile:
            soup_has_password = any("type=\"password\"" in c.html or "type='password'" in c.html
                                    for c in captures if c.kind == "profile")
            marker = next((m for p in self.login_markers if (m := re.search(p, visible, re.I))), None)
            if soup_has_password or marker:
                what = f"\"{marker.group(0)}\"" if marker else "a password field"
                out.wall, out.wall_reason = "login", f"a login form ({what}) hides the profile"

    def is_consent_url(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host.startswith("consent.")


# Elements that start a new line of text; everything else (spans, links, hashtags) stays inline,
# so "call <a>911</a> now" reads as one sentence.
BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
                        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
                        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"})


def block_text(el: Tag) -> str:
    """The element's visible text: block elements on their own lines, inline ones joined."""
    parts: list[str] = []
    for node in el.descendants:
        if isinstance(node, Tag):
            if node.name in BLOCK_TAGS:
                parts.append("\n")
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            parts.append(str(node))
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(parts))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


HEADINGS = "h1, h2, h3, h4, [role=heading]"
_CARD_STOPS = '[role="main"], [role="feed"], [role="article"]'


def cards_headed(body: BeautifulSoup | Tag, titles: Iterable[str]) -> list[Tag]:
    """The cards whose heading says one of ``titles`` (case-insensitive, exact).

    A card is the largest ancestor of the heading that holds no other heading and no feed post or
    main column: on pages with generated class names (Facebook, Nextdoor) headings are the stable
    landmark.
    """
    wanted = {t.lower() for t in titles}
    out: list[Tag] = []
    for heading in body.select(HEADINGS):
        if normalise(heading.get_text(" ", strip=True)).lower() not in wanted:
            continue
        related = {id(heading), *(id(p) for p in heading.parents), *(id(d) for d in heading.descendants)}
        node: Tag = heading
        parent = node.parent
        while isinstance(parent, Tag) and parent.name not in ("body", "html", "[document]"):
            if parent.get("role") in ("main", "feed", "article") or parent.select_one(_CARD_STOPS):
                break
            if any(id(h) not in related for h in parent.select(HEADINGS)):
                break
            node, parent = parent, parent.parent
        if node.parent is not None and all(node is not o and o not in node.parents for o in out):
            out.append(node)
    return out


async def click_first_button(page: Any, labels: Iterable[str], timeout_ms: float = 3000) -> str | None:
    """Click the first button whose accessible name is one of ``labels`` (cookie or consent
    dialogs); the label clicked, or None when none is shown."""
    for label in labels:
        button = page.get_by_role("button", name=label)
        if await button.count():
            await button.first.click(timeout=timeout_ms)
            return label
    return None


def walk_json(data: Any, keys: set[str]) -> Iterable[tuple[str, Any]]:
    """Every (key, value) in nested JSON whose key is in ``keys``."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k in keys:
                    yield k, v
                if isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)


def json_after(script: str, marker: str) -> Any:
    """The JSON value that follows ``marker`` in a script (``var ytInitialData = {...};``)."""
    i = script.find(marker)
    if i < 0:
        return None
    j = script.find("{", i + len(marker))
    if j < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(script[j:])
    except json.JSONDecodeError:
        return None
    return value


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
