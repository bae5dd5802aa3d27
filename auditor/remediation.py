"""Suggested fixes: a ready-to-paste text that satisfies an account's missing II.C.3 items.

The words come from each check's ``META.example`` (nothing is repeated here); this module only
knows where text goes on each platform and how much fits. A suggestion is checked before it is
offered: the suggested texts alone, placed in the regions the auditor reads, are run through the
same checks (pure, milliseconds) and every item it claims to fix must pass. When an example
needs another sentence to be unambiguous (e.g. "MPD" needs the profile to say it is in DC), the
smallest such addition from the other items' examples is included and marked as context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import checks
from auditor.models import ITEM_IDS, Identity, Link, Region, Snapshot, TextBlock
from auditor.policy import Policy

LINK_ITEM = "website_link"  # the one item that is a link, not a sentence


@dataclass(frozen=True)
class FieldSpec:
    """One place on a platform's profile where text or a link can go."""

    key: str
    label: str  # what staff look for in the platform's settings
    region: Region  # where the auditor reads it from
    limit: int | None = None  # characters; None: no limit that matters here
    new_post: bool = False  # a post to publish and pin, not a profile field


@dataclass(frozen=True)
class PlatformFields:
    label: str
    text: tuple[FieldSpec, ...]  # in order of preference; later ones take what does not fit
    website: FieldSpec | None  # None: the URL goes into the text


def _pinned(limit: int | None, what: str = "post") -> FieldSpec:
    return FieldSpec("pinned", f"a new {what}, pinned to the top of the profile", "pinned", limit, new_post=True)


# Field limits as published by each platform (characters).
PLATFORMS: dict[str, PlatformFields] = {
    "x": PlatformFields("X", (FieldSpec("bio", "Bio (Edit profile)", "bio", 160), _pinned(280)),
                        FieldSpec("website", "Website field (Edit profile)", "profile_field", 100)),
    "instagram": PlatformFields("Instagram", (FieldSpec("bio", "Bio (Edit profile)", "bio", 150), _pinned(2200)),
                                FieldSpec("website", "Links field (Edit profile > Links)", "profile_field")),
    "tiktok": PlatformFields("TikTok", (FieldSpec("bio", "Bio (Edit profile)", "bio", 80),
                                        _pinned(2200, "video caption")),
                             FieldSpec("website", "Website field (Edit profile)", "profile_field")),
    "threads": PlatformFields("Threads", (FieldSpec("bio", "Bio (Edit profile)", "bio", 150), _pinned(500)),
                              FieldSpec("website", "Links field (Edit profile > Links)", "profile_field")),
    "bluesky": PlatformFields("Bluesky", (FieldSpec("bio", "Description (Edit profile)", "bio", 256),
                                          _pinned(300)), None),
    "mastodon": PlatformFields("Mastodon", (FieldSpec("bio", "Bio (Edit profile)", "bio", 500), _pinned(500)),
                               FieldSpec("website", "an Extra field labelled Website (Edit profile)",
                                         "profile_field", 255)),
    "youtube": PlatformFields("YouTube", (FieldSpec("about", "Channel description (Customisation > Basic info)",
                                                    "about", 1000),),
                              FieldSpec("website", "Links (Customisation > Basic info > Links)", "about")),
    "facebook": PlatformFields("Facebook", (FieldSpec("about", "Intro / About section (Edit Page info)", "about"),),
                               FieldSpec("website", "Website field (About > Contact and basic info)", "about")),
    "linkedin": PlatformFields("LinkedIn", (FieldSpec("about", "About / Overview (Edit page > Page info)",
                                                      "about", 2000),),
                               FieldSpec("website", "Website field (Edit page > Page info)", "profile_field")),
    "nextdoor": PlatformFields("Nextdoor", (FieldSpec("about", "About section of the agency page", "about"),),
                               FieldSpec("website", "Website field of the agency page", "profile_field")),
    "generic": PlatformFields("Web page", (FieldSpec("about", "the page's about / description text", "about"),),
                              None),
}


@dataclass
class Placement:
    field: FieldSpec
    text: str
    items: tuple[str, ...]  # items whose example is in this text
    room: int | None  # characters available in the field for this text (None: no limit)

    @property
    def length(self) -> int:
        return len(self.text)


@dataclass
class Suggestion:
    platform: str
    fixes: tuple[str, ...]  # the items this suggestion is for
    context: tuple[str, ...]  # items added only so the others read unambiguously
    placements: list[Placement]
    notes: list[str] = field(default_factory=list)
    verified: dict[str, str] = field(default_factory=dict)  # item -> status on the suggestion alone

    @property
    def ok(self) -> bool:
        return all(self.verified.get(i) == "pass" for i in self.fixes)


def fields_for(platform: str) -> PlatformFields:
    return PLATFORMS.get(platform, PLATFORMS["generic"])


def current_lengths(snapshot: Snapshot | None, platform: str) -> dict[str, int]:
    """How many characters each of the platform's existing text fields holds (its longest block
    in that region), so an addition can be measured against the field's limit."""
    if snapshot is None:
        return {}
    out: dict[str, int] = {}
    for spec in fields_for(platform).text:
        if spec.new_post:
            continue
        sizes = [len(t.text.strip()) for t in snapshot.texts if t.region == spec.region]
        if sizes:
            out[spec.key] = max(sizes)
    return out


def snapshot_of(suggestion: Suggestion, account_id: str = "suggestion") -> Snapshot:
    """A Snapshot holding only the suggested texts, in the regions the auditor reads them from."""
    texts: list[TextBlock] = []
    links: list[Link] = []
    url = checks.META[LINK_ITEM].example
    for p in suggestion.placements:
        if p.field.key == "website":
            links.append(Link(region=p.field.region, href=p.text, target=p.text, text=p.text, source=p.field.label))
            continue
        texts.append(TextBlock(region=p.field.region, text=p.text, source=p.field.label))
        if LINK_ITEM in p.items:  # a URL typed into a bio becomes a link on these platforms
            links.append(Link(region=p.field.region, href=url, target=url, text=url, source=p.field.label))
    return Snapshot(account_id=account_id, platform=suggestion.platform, requested_url="", texts=texts, links=links)


def _place(platform: str, text_items: Sequence[str], link_item: bool,
           current: Mapping[str, int]) -> tuple[list[Placement], list[str]]:
    spec = fields_for(platform)
    notes: list[str] = []
    rooms: list[int | None] = []
    for f in spec.text:
        used = current.get(f.key, 0)
        if f.limit is None:
            rooms.append(None)
        else:
            rooms.append(f.limit - used - (1 if used else 0))  # one space between the old text and the new
    pieces = [(i, checks.META[i].example) for i in text_items]
    if link_item and spec.website is None:
        pieces.append((LINK_ITEM, checks.META[LINK_ITEM].example))
    buckets: list[list[tuple[str, str]]] = [[] for _ in spec.text]
    for item, text in pieces:
        for n, room in enumerate(rooms):
            need = len(text) + (1 if buckets[n] else 0)
            if room is None or need <= room or n == len(rooms) - 1:
                buckets[n].append((item, text))
                if room is not None:
                    rooms[n] = room - need
                break
    first = spec.text[0]
    if len(spec.text) > 1 and any(buckets[1:]):
        used = current.get(first.key, 0)
        name = first.label.split(" (")[0].lower()
        notes.append(f"The {name} holds {first.limit} characters"
                     + (f" and already uses {used}" if used else "")
                     + f": what does not fit goes into {spec.text[1].label}.")
    placements = []
    for f, bucket in zip(spec.text, buckets, strict=True):
        if bucket:
            used = current.get(f.key, 0)
            room = None if f.limit is None else f.limit - used - (1 if used else 0)
            placements.append(Placement(f, " ".join(t for _, t in bucket), tuple(i for i, _ in bucket), room))
    if link_item and spec.website is not None:
        url = checks.META[LINK_ITEM].example
        placements.append(Placement(spec.website, url, (LINK_ITEM,), spec.website.limit))
    return placements, notes


def _verify(s: Suggestion, policy: Policy) -> dict[str, str]:
    results = checks.run_all(snapshot_of(s), policy)
    return {item: r.status for item, r in results.items()}


def suggest(platform: str, items: Iterable[str], policy: Policy,
            current: Mapping[str, int] | None = None) -> Suggestion | None:
    """The text that would satisfy ``items`` on ``platform``, placed to fit the field limits.

    ``current`` gives the characters already used in each text field (see ``current_lengths``);
    the addition goes where it fits, the rest into the platform's next field (a pinned post).
    """
    wanted = tuple(i for i in ITEM_IDS if i in set(items))
    if not wanted:
        return None
    current = dict(current or {})
    text_items = [i for i in wanted if i != LINK_ITEM]
    best: Suggestion | None = None
    # The items alone first; then with one other item's example as context, in General Order order.
    for extra in (None, *[i for i in ITEM_IDS if i not in wanted and i != LINK_ITEM]):
        chosen = [i for i in ITEM_IDS if i in text_items or i == extra]
        placements, notes = _place(platform, chosen, LINK_ITEM in wanted, current)
        s = Suggestion(platform, wanted, (extra,) if extra else (), placements, notes)
        s.verified = _verify(s, policy)
        if s.ok:
            return s
        best = best or s
    return best  # not verified: the report says so rather than hiding the suggestion


# Whose page an account presents itself as (checks/identity.py), in words for the report.
IDENTITY_LABELS = {
    "own": "The agency's own page",
    "other_agency": "Another agency's page",
    "not_official": "Says it is not an official account",
    "unclear": "Does not say clearly whose page it is",
}


def registry_advice(identity: Identity | None) -> str | None:
    """What to do about a page that presents itself as another agency's or as not official: not
    text to paste (that would put the agency's statements on someone else's page), but a check of
    the registry entry. None for the agency's own page and for an unclear one."""
    if identity is None or identity.kind not in ("other_agency", "not_official"):
        return None
    if identity.kind == "other_agency":
        return ("Do not add text to this page: it is not the agency's. The registry entry most likely points at "
                "the wrong account (a similarly named agency) or at an impersonator. Open the registered address, "
                "compare the handle with the list of approved accounts, and correct the entry in the registry; "
                "if the page claims to be the agency's, report it to the platform.")
    return ("Do not add text to this page: it says it is not an official account (a fan, parody or personal "
            "page), so it is most likely not the approved account, or an impersonator. Compare the handle with "
            "the list of approved accounts and correct the entry in the registry; if the page imitates the "
            "agency, report the impersonation to the platform.")
