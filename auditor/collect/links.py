"""Unwrapping platform link redirectors to the real target. Pure; no browser.

Each platform module declares its redirectors; a link from any platform may be wrapped by any
of them (a Facebook post can carry a t.co link), so unwrapping consults them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit


@dataclass(frozen=True)
class Redirector:
    """``host`` (and its subdomains) wraps the real URL in query parameter ``param``.

    ``param=None`` means the wrapper hides the target (t.co): the display text, a title or
    data-expanded-url attribute, or the platform's embedded data must name it.
    """

    host: str
    param: str | None
    path_prefix: str = ""


_URLISH = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#]\S*)?$", re.I)


def _matches(host: str, r: Redirector, path: str) -> bool:
    return (host == r.host or host.endswith("." + r.host)) and path.startswith(r.path_prefix)


def url_from_display(text: str) -> str:
    """'agency.example.gov/page/contact…' -> 'https://agency.example.gov/page/contact'; '' if not URL-like."""
    text = text.strip().rstrip("\u2026").rstrip(".").strip()
    if not text or " " in text or not _URLISH.match(text):
        return ""
    return text if re.match(r"^https?://", text, re.I) else "https://" + text


def unwrap(href: str, redirectors: tuple[Redirector, ...], *, text: str = "", hint: str = "",
           base: str = "") -> str:
    """The real target of ``href``. ``hint`` is an expanded URL the platform gave (title,
    data-expanded-url, embedded JSON). Returns '' when the target cannot be known."""
    url = urljoin(base, href.strip()) if base else href.strip()
    for _ in range(4):  # wrappers can nest (l.facebook.com -> t.co)
        try:
            parts = urlsplit(url)
        except ValueError:
            return ""
        if parts.scheme not in ("http", "https"):
            return url  # mailto:, tel: are their own target
        host = (parts.hostname or "").lower()
        wrapper = next((r for r in redirectors if _matches(host, r, parts.path)), None)
        if wrapper is None:
            return url
        if wrapper.param is None:
            url = hint or url_from_display(text)
            if not url:
                return ""
            hint = ""
            continue
        values = parse_qs(parts.query).get(wrapper.param)
        if not values:
            return url
        url = values[0]
    return url
