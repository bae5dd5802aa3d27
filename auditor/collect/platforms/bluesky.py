"""Bluesky: https://bsky.app/profile/<handle>.

Read with the generic rules for now (meta description, JSON-LD, h1; articles are feed).
"""

from __future__ import annotations

from auditor.collect.platforms.base import Platform


class Bluesky(Platform):
    name = "bluesky"
    hosts = ("bsky.app",)
