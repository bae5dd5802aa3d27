"""URLs read the way the browser reads them.

Python's ``urlsplit`` is not the browser's parser: it keeps a backslash inside the host, so
``https://evil.example\\.agency.gov/`` looks like a subdomain of agency.gov while Chromium goes to
evil.example. Every URL a check judges is parsed here with ada (a WHATWG URL Standard parser, the
one Node.js uses), so the host we judge is the host a click would reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import ada_url

_MAX_URL = 8_192  # longer "URLs" are not links anyone clicks; they are not parsed


@dataclass(frozen=True)
class WebURL:
    host: str  # lower case, IDNA (punycode), no trailing dot
    path: str  # percent-encoded, as the browser sends it


def _with_scheme(url: str) -> str:
    """A scheme-less target ("agency.gov/page") is read as https, as a platform's link would be."""
    head = url.split("?", 1)[0].split("#", 1)[0]
    if "//" not in head and ":" not in head.split("/", 1)[0]:
        return "https://" + url
    return url


def parse_web(url: str) -> WebURL | None:
    """The http(s) URL a browser would go to, or None (mailto:, tel:, javascript:, unparsable)."""
    url = url.strip()
    if not url or len(url) > _MAX_URL:
        return None
    try:
        parsed = ada_url.URL(_with_scheme(url))
    except ValueError:
        return None
    if parsed.protocol not in ("http:", "https:") or not parsed.hostname:
        return None
    return WebURL(parsed.hostname.lower().rstrip("."), parsed.pathname)


def web_host(url: str) -> str:
    """The host a browser would reach ("" for mailto:, tel:, javascript: and unparsable URLs). A
    scheme-less target ("agency.example.gov/page") is read as https; userinfo and backslash tricks
    ("https://agency.example.gov@evil.example/", "https://evil.example\\.agency.example.gov/") give the real host."""
    parsed = parse_web(url)
    return parsed.host if parsed else ""
