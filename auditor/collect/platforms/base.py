"""What every platform module shares: the capture/extract contract and generic HTML reading.

A platform module is mostly data (hosts, URLs to visit, CSS rules that label regions, redirectors,
wall markers) plus, where a platform hides its profile in embedded JSON, a small function that
reads it. ``extract`` is pure (HTML in, regions out) so it is unit-tested on fixture pages without
a browser; ``prepare`` is the one hook that touches the live page (consent dialogs).

Coverage: besides text, ``extract`` says which of the account's own profile parts it positively
found and how (``Extract.coverage``). A module declares the parts a profile on its platform has
(``profile_parts``); a ``Rule`` may name the part its element is (a DOM marker), a ``Frame`` names
the rendered profile header that shows a part whenever it is set (so a part missing under it is
established empty), embedded-JSON and API readers call ``Extract.mark`` themselves, and the meta
description counts only where the module says the platform puts the account's own text there
verbatim (``meta_part``). Nothing is marked for a page whose profile was not found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import soupsieve
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from auditor.collect.links import Redirector, unwrap
from auditor.collect.platforms.fields import ProfileFields
from auditor.models import Coverage, Link, PartSeen, TextBlock
from auditor.textnorm import normalise

# A rule labels the page elements it selects: a CSS selector, or a function for what CSS cannot say.
Selector = str | Callable[[BeautifulSoup], Iterable[Tag]]


@dataclass(frozen=True)
class Rule:
    region: str
    select: Selector
    source: str = ""
    part: str | None = None  # the profile part the selected element is: found there, it was seen
    how: str = "dom"


@dataclass(frozen=True)
class Frame:
    """A rendered profile header (or card) that shows each of ``parts`` whenever the account has
    set it: on a page where ``select`` matches, a part no rule found is established empty."""

    select: Selector
    parts: tuple[str, ...]
    source: str = ""
    # True: a part no rule found is established empty. False: the card was read whole and the part
    # (which has no marker of its own) is in its text if anywhere: seen, emptiness unknown.
    empty: bool = True


@dataclass(frozen=True)
class Declared:
    """Where the registry entry says the profile is, on a site without a platform module."""

    profile_selector: str = ""
    website_selector: str = ""

    @classmethod
    def of(cls, account: Any) -> Declared | None:
        """The account's declared selectors (None when it declares none)."""
        profile = getattr(account, "profile_selector", None) or ""
        website = getattr(account, "website_selector", None) or ""
        return cls(profile, website) if profile or website else None


@dataclass
class MetaText:
    """A meta description taken apart: the account's own text, and what the platform wrote around it."""

    own: str = ""  # the account's own words (a profile region: "meta")
    verbatim: bool = False  # ``own`` is the platform's ``meta_part`` as the account wrote it (coverage)
    feed: list[str] = field(default_factory=list)  # quoted posts or captions: feed, never profile


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
    seen: dict[str, PartSeen] = field(default_factory=dict)  # profile part -> how it was found
    unseen_why: list[str] = field(default_factory=list)  # the module's own words on what it could not see
    coverage: Coverage = field(default_factory=Coverage)  # set at the end of Platform.extract
    _text_keys: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _link_keys: set[tuple[str, str, str]] = field(default_factory=set, repr=False)

    def add_text(self, region: str, text: str, source: str = "", url: str = "") -> None:
        text = normalise(text or "")
        if not text or (region, text) in self._text_keys:
            return
        self._text_keys.add((region, text))
        self.texts.append(TextBlock(region=region, text=text, source=source, url=url))  # type: ignore[arg-type]

    def add_link(self, region: str, href: str, target: str, text: str = "", source: str = "", url: str = "") -> None:
        if (region, target, href) in self._link_keys:
            return
        self._link_keys.add((region, target, href))
        self.links.append(Link(region=region, href=href, target=target, text=normalise(text or ""),  # type: ignore[arg-type]
                               source=source, url=url))

    def mark(self, part: str, how: str, source: str = "", url: str = "", *, empty: bool = False,
             truncated: bool = False) -> None:
        """Record that profile ``part`` was positively found (or established empty). A fuller
        sighting replaces a weaker one: read in full beats cut, a page's own markup beats its meta
        description, found beats empty."""
        new = PartSeen(part=part, how=how, source=source, url=url, empty=empty, truncated=truncated)  # type: ignore[arg-type]
        old = self.seen.get(part)
        if old is None or _strength(new) > _strength(old):
            self.seen[part] = new

    def profile_text_found(self) -> bool:
        return any(t.region in ("bio", "about", "pinned", "profile_field") for t in self.texts)


def _strength(p: PartSeen) -> tuple[bool, bool, bool]:
    return (not p.truncated, p.how != "meta", not p.empty)


ELLIPSIS = re.compile(r"(?:\.\.\.|\u2026)[\"'\u201d]?\s*$")


def is_cut(text: str) -> bool:
    """The platform cut the text ("...", "…" at its end)."""
    return bool(ELLIPSIS.search(text))


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
    # The parts a profile on this platform has: each must be seen before an item living there can fail.
    profile_parts: tuple[str, ...] = ()
    # Rendered profile headers that show a part whenever it is set (see Frame).
    frames: tuple[Frame, ...] = ()
    # The part the cleaned meta description is, verbatim, when the module recognises the platform's
    # format (None: meta text may pass an item, but never counts as having seen a part).
    meta_part: str | None = None
    # Descriptions the platform writes on pages that are not a profile (its log-in page, its home):
    # read as "other", never as the account's words.
    meta_boilerplate: tuple[str, ...] = ()

    # -- which pages to load -------------------------------------------------------------------
    def urls(self, url: str) -> list[tuple[str, str]]:
        """(kind, url) to load, the profile first. Later ones are optional: a refusal is noted."""
        return [("profile", url)]

    def follow_ups(self, captures: list[PageCapture]) -> list[tuple[str, str]]:
        """(kind, url) to load once the pages of ``urls`` are in: a call only their answers can name
        (an API that needs the account's id). Optional like the later ``urls``. Default: none."""
        return []

    def cookies(self) -> list[dict]:
        """Cookies set before the first load (consent already given)."""
        return []

    async def prepare(self, page: Any) -> None:  # noqa: B027 - optional hook
        """Runs on the live page after load (dismiss consent dialogs). Default: nothing."""

    # -- reading -------------------------------------------------------------------------------
    def extract(self, captures: list[PageCapture], declared: Declared | None = None) -> Extract:
        """Read the loaded pages. ``declared``: the registry entry's own selectors for the profile
        (sites without a module; see Generic)."""
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
            self.read_declared(soup, cap, out, declared)
            self.read_regions(soup, cap, out)
        self.detect_wall(captures, out)
        out.coverage = self.coverage(captures, out, declared)
        return out

    # -- coverage --------------------------------------------------------------------------------
    def expected_parts(self, declared: Declared | None = None) -> list[str]:
        return list(self.profile_parts)

    def coverage(self, captures: list[PageCapture], out: Extract, declared: Declared | None = None) -> Coverage:
        """What of the profile was seen, and in words what was not."""
        expected = self.expected_parts(declared)
        if out.wall:  # a login, consent or error page in place of the profile: nothing of it was seen
            out.seen.clear()
        seen = [out.seen[p] for p in expected if p in out.seen]
        return Coverage(seen=seen, expected=expected, note=self.coverage_note(captures, out, expected, seen))  # type: ignore[arg-type]

    def coverage_note(self, captures: list[PageCapture], out: Extract, expected: list[str],
                      seen: list[PartSeen]) -> str:
        if not expected:
            return f"the {self.name} reader has no profile parts to look for on this site"
        if not seen:
            if out.wall:
                return f"the profile could not be seen ({out.wall_reason or out.wall})"
            if out.unseen_why:
                return "; ".join(out.unseen_why)
            main = next((c for c in captures if c.kind == "profile"), None)
            body = ""
            if main is not None and main.html:  # parsed again only here: is there any body text at all?
                soup = BeautifulSoup(main.html, "html.parser")
                for junk in soup.find_all(["script", "style", "noscript", "template", "svg"]):
                    junk.decompose()
                body = normalise(soup.body.get_text(" ", strip=True)) if soup.body else ""
            if any(t.region == "meta" for t in out.texts):
                return ("the page had no readable profile; only the page's meta description was readable"
                        + (" (the body is empty: a crawler answer or script shell)" if not body else ""))
            if not body:
                return "the page had no readable profile (an empty body or a script shell)"
            return "the page had no readable profile: none of this platform's profile markers were found"
        full = {p.part for p in seen if not p.truncated}
        cut = [p.part for p in seen if p.truncated]
        missing = [p for p in expected if p not in full and p not in cut]
        words = []
        if missing:
            words.append("not seen: " + ", ".join(PART_WORDS.get(p, p) for p in missing))
        if cut:
            words.append("only a cut version was readable: " + ", ".join(PART_WORDS.get(p, p) for p in cut))
        if any(p.how == "meta" for p in seen):
            words.append("the page's meta description was read as the profile")
        return "; ".join(words + out.unseen_why)

    def read_declared(self, soup: BeautifulSoup, cap: PageCapture, out: Extract,
                      declared: Declared | None) -> None:  # noqa: B027 - used by Generic
        """Sites without a module read the registry's declared selectors here (Generic)."""

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
        owns: list[str] = []
        for key in META_DESCRIPTION_KEYS:
            value = out.meta.get(key)
            if not value:
                continue
            if any(re.search(pattern, value, re.I) for pattern in self.meta_boilerplate):
                out.add_text("other", value, f"meta {key} (the platform's own words)", cap.url)
                continue
            parsed = self.split_meta(value, cap)
            for quoted in parsed.feed:
                out.add_text("feed", quoted, f"meta {key} (quoted post)", cap.url)
            own = parsed.own.strip()
            bare = " ".join(ELLIPSIS.sub("", own).split())
            if not own or any(o.startswith(bare) for o in owns):  # the same text, or a cut copy of it
                continue
            owns.append(" ".join(own.split()))
            out.add_text(self.meta_region, own, f"meta {key}", cap.url)
            if parsed.verbatim and self.meta_part:
                out.mark(self.meta_part, "meta", f"meta {key}", cap.url, truncated=self.meta_cut(own))

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        """Take a meta description apart. Default: all of it is the page's own text, not a seen part."""
        return MetaText(own=value)

    def meta_cut(self, own: str) -> bool:
        """Whether the platform's meta text is (or may be) cut. Default: it ends in an ellipsis."""
        return is_cut(own)

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
                     rules: Iterable[Rule] | None = None, frames: Iterable[Frame] | None = None) -> None:
        """Label the page's elements by ``rules`` (default ``self.rules``), narrowest first.

        Every rule selects on the intact page first (a card found by its heading must be measured
        before its neighbours are taken out); then, in rule order, each element is taken with its
        text and links unless an earlier rule already took it or an ancestor of it (a post inside a
        taken feed is not read twice). What no rule took is "other".
        """
        body = soup.body or soup
        for junk in body.find_all(["script", "style", "noscript", "template", "svg"]):
            junk.decompose()
        chosen = [(rule, _select(body, rule.select)) for rule in (self.rules if rules is None else rules)]
        framed = [f for f in (self.frames if frames is None else frames) if _select(body, f.select)]
        for rule, elements in chosen:
            for el in elements:
                if el is body or not any(p is body for p in el.parents):
                    continue  # taken already, with an element an earlier rule (or this one) chose
                if rule.part:
                    text = block_text(el)
                    self._mark_element(el, rule, text, cap, out)
                self._take(el, rule.region, rule.source or str(rule.select), cap, out)
        for frame in framed:
            for part in frame.parts:
                if part not in out.seen:
                    why = "(shown without it)" if frame.empty else "(read whole)"
                    out.mark(part, "dom", f"{frame.source or frame.select} {why}", cap.url, empty=frame.empty)
        self._take(body, "other", "page", cap, out)

    @staticmethod
    def _mark_element(el: Tag, rule: Rule, text: str, cap: PageCapture, out: Extract) -> None:
        assert rule.part
        has_link = (el.name == "a" and el.get("href")) or el.find("a", href=True) is not None
        out.mark(rule.part, rule.how, rule.source or str(rule.select), cap.url,
                 empty=not text.strip() and not has_link)

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


# Elements that start and end a line of text; everything else (spans, links, hashtags) stays inline,
# so "call <a>911</a> now" reads as one sentence.
BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
                        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
                        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
                        "caption", "details", "summary", "dialog", "menu", "legend"})
_END = object()  # marks where a block element closes, in block_text's walk

PART_WORDS = {"bio": "bio", "about": "about section", "website": "website field", "contact": "contact fields",
              "pinned": "pinned post", "header": "profile header"}


def block_text(el: Tag) -> str:
    """The element's visible text: each block element on lines of its own (broken where it starts
    and where it ends, so neighbours never glue: "Organization" / "Official ..."), inline ones joined."""
    parts: list[str] = []
    stack: list[Any] = [el]
    while stack:  # iterative: a hostile page can nest deeper than Python's recursion limit
        node = stack.pop()
        if node is _END:
            parts.append("\n")
        elif isinstance(node, Tag):
            if node.name in BLOCK_TAGS:
                parts.append("\n")
                stack.append(_END)
            stack.extend(reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            parts.append(str(node))
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(parts))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _select(body: BeautifulSoup | Tag, select: Selector) -> list[Tag]:
    return list(body.select(select) if isinstance(select, str) else select(body))


def compile_selector(selector: str) -> str:
    """``selector`` if it is valid CSS (what soupsieve, the selector engine here, accepts); raises
    ValueError naming the problem otherwise."""
    try:
        soupsieve.compile(selector)
    except (soupsieve.SelectorSyntaxError, TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(first) from None
    return selector


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


def api_json(cap: PageCapture) -> Any:
    """An API page's answer decoded (None when it is not JSON, or nests too deep to decode)."""
    try:
        return json.loads(cap.html)
    except (json.JSONDecodeError, TypeError, RecursionError):
        return None


def api_object(cap: PageCapture) -> dict:
    """An API page's answer when it is a JSON object, else {}."""
    data = api_json(cap)
    return data if isinstance(data, dict) else {}


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
