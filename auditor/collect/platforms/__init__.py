"""One module a platform. Each knows its hosts, pages, regions, link redirectors and walls."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import PageCapture, Platform
from auditor.collect.platforms.bluesky import Bluesky
from auditor.collect.platforms.facebook import Facebook
from auditor.collect.platforms.generic import Generic
from auditor.collect.platforms.instagram import Instagram
from auditor.collect.platforms.linkedin import LinkedIn
from auditor.collect.platforms.mastodon import Mastodon
from auditor.collect.platforms.nextdoor import Nextdoor
from auditor.collect.platforms.threads import Threads
from auditor.collect.platforms.tiktok import TikTok
from auditor.collect.platforms.x import X
from auditor.collect.platforms.youtube import YouTube

PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (X(), Facebook(), Instagram(), YouTube(), TikTok(), Threads(), Nextdoor(), LinkedIn(), Bluesky(),
              Mastodon(), Generic())
}
PLATFORM_NAMES: tuple[str, ...] = tuple(PLATFORMS)

# Redirectors that wrap links on more than one platform, plus every platform's own.
_SHARED = (Redirector("google.com", "q", "/url"), Redirector("l.messenger.com", "u"))
ALL_REDIRECTORS: tuple[Redirector, ...] = _SHARED + tuple(r for p in PLATFORMS.values() for r in p.redirectors)


def platform_for_host(host: str, path: str = "") -> str:
    host = host.lower().strip(".")
    for platform in PLATFORMS.values():
        if any(host == h or host.endswith("." + h) for h in platform.hosts):
            return platform.name
    if path.startswith("/@"):
        return "mastodon"
    return "generic"


def get(name: str) -> Platform:
    return PLATFORMS[name]


_WARM_PAGE = ("<!doctype html><html lang=en><head><title>t</title><meta name=description content=t>"
              "<meta property=og:description content=t></head><body><header><h1>t</h1></header><main><p>t</p>"
              "<a href='https://example.org/'>t</a></main></body></html>")


def prewarm(names: Iterable[str]) -> None:
    """Read a tiny page once with each named platform's reader, in this process. soupsieve compiles its
    selector grammar and every selector on first use (0.4 s, measured); each account's pages are read in
    a forked child (auditor.isolate), which would pay that again and throw the work away."""
    for name in set(names):
        platform = PLATFORMS.get(name)
        if platform is None:
            continue
        kind, url = platform.urls("https://example.org/t")[0]
        with contextlib.suppress(Exception):  # only a warm-up: a reader that wants more is warmed less
            platform.extract([PageCapture(kind=kind, url=url, final_url=url, status=200, html=_WARM_PAGE)], None)
