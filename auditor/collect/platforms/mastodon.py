"""Mastodon: https://<instance>/@<user> (any instance; inferred from the /@ path).

Read with the generic rules for now (meta description, JSON-LD, h1; articles are feed).
"""

from __future__ import annotations

from auditor.collect.platforms.base import Platform


class Mastodon(Platform):
    name = "mastodon"
    hosts = ()
