"""Platforms known by host, read with the generic rules until they get a module of their own.

Each still declares its hosts (so the registry can infer the platform) and its link redirectors
(so a wrapped link anywhere is unwrapped).
"""

from __future__ import annotations

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Platform


class TikTok(Platform):
    name = "tiktok"
    hosts = ("tiktok.com",)


class Threads(Platform):
    name = "threads"
    hosts = ("threads.net", "threads.com")
    redirectors = (Redirector("l.threads.net", "u"), Redirector("l.threads.com", "u"))


class Nextdoor(Platform):
    name = "nextdoor"
    hosts = ("nextdoor.com",)


class LinkedIn(Platform):
    name = "linkedin"
    hosts = ("linkedin.com",)
    redirectors = (Redirector("linkedin.com", "url", "/redir/redirect"), Redirector("lnkd.in", None))


class Bluesky(Platform):
    name = "bluesky"
    hosts = ("bsky.app",)


class Mastodon(Platform):
    name = "mastodon"
    hosts = ()  # any instance: inferred from a /@user path (see platform_for_host)
