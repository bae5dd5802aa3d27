"""Threads: https://www.threads.net/@<handle>.

Read with the generic rules for now (meta description, JSON-LD, h1; articles are feed).
"""

from __future__ import annotations

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Platform


class Threads(Platform):
    name = "threads"
    hosts = ("threads.net", "threads.com")
    redirectors = (Redirector("l.threads.net", "u"), Redirector("l.threads.com", "u"))
