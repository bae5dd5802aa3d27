"""Nextdoor: agency pages at https://nextdoor.com/agency-detail/....

Read with the generic rules for now (meta description, JSON-LD, h1; articles are feed).
"""

from __future__ import annotations

from auditor.collect.platforms.base import Platform


class Nextdoor(Platform):
    name = "nextdoor"
    hosts = ("nextdoor.com",)
