"""TikTok: https://www.tiktok.com/@<handle>.

Read with the generic rules for now (meta description, JSON-LD, h1; articles are feed).
"""

from __future__ import annotations

from auditor.collect.platforms.base import Platform


class TikTok(Platform):
    name = "tiktok"
    hosts = ("tiktok.com",)
