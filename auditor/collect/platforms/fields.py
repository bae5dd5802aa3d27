"""Where text and links go on a platform's profile, and how much fits: each platform module's
``profile_fields`` (limits as each platform publishes them, in characters). Remediation reads them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    """One place on a platform's profile where text or a link can go."""

    key: str
    label: str  # what staff look for in the platform's settings
    region: str  # where the auditor reads it from (a Snapshot region)
    limit: int | None = None  # characters; None: no limit that matters here
    new_post: bool = False  # a post to publish and pin, not a profile field


@dataclass(frozen=True)
class ProfileFields:
    label: str
    text: tuple[FieldSpec, ...]  # in order of preference; later ones take what does not fit
    website: FieldSpec | None  # None: the URL goes into the text


def pinned(limit: int | None, what: str = "post") -> FieldSpec:
    return FieldSpec("pinned", f"a new {what}, pinned to the top of the profile", "pinned", limit, new_post=True)


def website(label: str, region: str = "profile_field", limit: int | None = None) -> FieldSpec:
    return FieldSpec("website", label, region, limit)
