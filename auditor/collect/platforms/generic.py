"""Generic fallback for sites without a module of their own.

Read: meta description (meta), JSON-LD Organization/ProfilePage (about, profile fields), h1
(header); articles and feeds are feed; navigation and footers are "other". The rest of the
page is "other" too: the generic reader cannot know which text is the account's set-up, so
text found only there makes an item a review, never a pass.
"""

from __future__ import annotations

from auditor.collect.platforms.base import Platform
from auditor.collect.platforms.fields import FieldSpec, ProfileFields


class Generic(Platform):
    # Where a fix goes on this platform and how much fits (characters, as the platform publishes them).
    profile_fields = ProfileFields("Web page", (FieldSpec("about", "the page's about / description text", "about"),),
                                   None)
    name = "generic"
