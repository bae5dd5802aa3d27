"""LinkedIn: https://www.linkedin.com/company/<name>/.

Read with the generic rules for now (meta description, JSON-LD, h1; articles are feed).
"""

from __future__ import annotations

from auditor.collect.links import Redirector
from auditor.collect.platforms.base import Platform


class LinkedIn(Platform):
    name = "linkedin"
    hosts = ("linkedin.com",)
    redirectors = (Redirector("linkedin.com", "url", "/redir/redirect"), Redirector("lnkd.in", None))
