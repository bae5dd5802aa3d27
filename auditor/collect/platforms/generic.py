"""Generic fallback for sites without a module of their own.

Read: meta description (meta), JSON-LD Organization/ProfilePage (about, profile fields), h1
(header); articles and feeds are feed; navigation and footers are "other". The rest of the
page is "other" too: the generic reader cannot know which text is the account's set-up, so
text found only there makes an item a review, never a pass.
"""

from __future__ import annotations

from auditor.collect.platforms.base import Platform


class Generic(Platform):
    name = "generic"
