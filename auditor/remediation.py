"""Suggested fixes: a ready-to-paste text that satisfies an account's missing items.

The words come from each item's ``example`` in the policy, in the profile's language (the
registry's ``language``, else the one the profile is written in, by the policy's stopwords);
where text goes on each platform and how much fits is the platform module's ``profile_fields``.
A suggestion is checked before it is offered: the suggested texts alone, placed in the regions the
auditor reads, are run through the same checks (pure, milliseconds) and every item it claims to
fix must pass. When an example needs another sentence to be unambiguous (a short agency name that
needs the profile to say where it is), the smallest such addition from the other items' examples
is included and marked as context. Items the auditor cannot see get no text: a person attests them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import checks
from auditor.collect.platforms import PLATFORMS
from auditor.collect.platforms.fields import FieldSpec, ProfileFields
from auditor.models import AccountResult, AuditRun, Fix, FixPlacement, Identity, Link, Snapshot, TextBlock
from auditor.policy import Policy


def fields_for(platform: str) -> ProfileFields:
    """Where text goes on ``platform`` (the generic page's fields for a platform without a module)."""
    p = PLATFORMS.get(platform) or PLATFORMS["generic"]
    return p.profile_fields or PLATFORMS["generic"].profile_fields  # type: ignore[return-value]


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
    language: str = ""
    examples: dict[str, str] = field(default_factory=dict)  # the account's own example texts, by item

    @property
    def ok(self) -> bool:
        return all(self.verified.get(i) == "pass" for i in self.fixes)


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


def _is_link(policy: Policy, item: str) -> bool:
    return policy.kinds[item].link


def _example(policy: Policy, item: str, language: str, examples: Mapping[str, str] | None = None) -> str:
    """The item's example text: the account's own form (``examples``, e.g. naming its element) or the policy's."""
    return (examples or {}).get(item) or policy.meta(item, language).example


def snapshot_of(suggestion: Suggestion, policy: Policy, account_id: str = "suggestion") -> Snapshot:
    """A Snapshot holding only the suggested texts, in the regions the auditor reads them from."""
    texts: list[TextBlock] = []
    links: list[Link] = []
    for p in suggestion.placements:
        if p.field.key == "website":
            links.append(Link(region=p.field.region, href=p.text, target=p.text, text=p.text,  # type: ignore[arg-type]
                              source=p.field.label))
            continue
        texts.append(TextBlock(region=p.field.region, text=p.text, source=p.field.label))  # type: ignore[arg-type]
        for item in p.items:  # a URL typed into a bio becomes a link on these platforms
            if _is_link(policy, item):
                url = _example(policy, item, suggestion.language, suggestion.examples)
                links.append(Link(region=p.field.region, href=url, target=url, text=url,  # type: ignore[arg-type]
                                  source=p.field.label))
    return Snapshot(account_id=account_id, platform=suggestion.platform, requested_url="", texts=texts, links=links)


def _place(platform: str, text_items: Sequence[str], link_items: Sequence[str], current: Mapping[str, int],
           policy: Policy, language: str, examples: Mapping[str, str] | None = None
           ) -> tuple[list[Placement], list[str]]:
    spec = fields_for(platform)
    notes: list[str] = []
    rooms: list[int | None] = []
    for f in spec.text:
        used = current.get(f.key, 0)
        if f.limit is None:
            rooms.append(None)
        else:
            rooms.append(f.limit - used - (1 if used else 0))  # one space between the old text and the new
    # Only the agency's website goes into the website field (it holds one URL); other links go into the text.
    in_field = [i for i in link_items if policy.kinds[i].name == "website_link"][:1] if spec.website else []
    pieces = [(i, _example(policy, i, language, examples)) for i in text_items]
    pieces += [(i, _example(policy, i, language, examples)) for i in link_items if i not in in_field]
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
    if in_field and spec.website is not None:
        url = _example(policy, in_field[0], language, examples)
        placements.append(Placement(spec.website, url, (in_field[0],), spec.website.limit))
    return placements, notes


def _verify(s: Suggestion, policy: Policy) -> dict[str, str]:
    results = checks.run_all(snapshot_of(s, policy), policy)
    return {item: r.status for item, r in results.items()}


def suggest(platform: str, items: Iterable[str], policy: Policy, current: Mapping[str, int] | None = None,
            language: str | None = None, examples: Mapping[str, str] | None = None) -> Suggestion | None:
    """The text that would satisfy ``items`` on ``platform``, placed to fit the field limits.

    ``current`` gives the characters already used in each text field (see ``current_lengths``);
    the addition goes where it fits, the rest into the platform's next field (a pinned post).
    Items the auditor cannot see (kind ``not_visible``) get no text. ``examples`` replaces an item's
    example text for this account (e.g. one naming its element).
    """
    language = language or policy.spec.language
    asked = set(items)
    order = policy.item_ids
    wanted = tuple(i for i in order if i in asked and policy.kinds[i].visible)
    if not wanted:
        return None
    current = dict(current or {})
    text_items = [i for i in wanted if not _is_link(policy, i)]
    link_items = [i for i in wanted if _is_link(policy, i)]
    best: Suggestion | None = None
    # The items alone first; then with one other item's example as context, in the policy's order.
    extras = [i for i in order if i not in wanted and not _is_link(policy, i) and policy.kinds[i].visible]
    for extra in (None, *extras):
        chosen = [i for i in order if i in text_items or i == extra]
        placements, notes = _place(platform, chosen, link_items, current, policy, language, examples)
        s = Suggestion(platform, wanted, (extra,) if extra else (), placements, notes, language=language,
                       examples=dict(examples or {}))
        s.verified = _verify(s, policy)
        if s.ok:
            return s
        best = best or s
    return best  # not verified: the report says so rather than hiding the suggestion


def language_of(account_language: str | None, snapshot: Snapshot | None, policy: Policy) -> str:
    """The registry's language for the account, else the one its own profile is written in."""
    if account_language and account_language in policy.languages:
        return account_language
    if snapshot is None:
        return policy.spec.language
    return policy.detect_language(t.text for t in snapshot.profile_texts())


def account_examples(a: AccountResult, policy: Policy, language: str) -> dict[str, str]:
    """Example texts in the account's own words: the policy's ``example_for_element`` with the
    registry's element (else owner) filled in, e.g. naming the district that maintains the page."""
    unit = a.element or a.owner
    if not unit:
        return {}
    out = {}
    for item, spec in policy.spec.items.items():
        if spec.example_for_element:
            out[item] = policy.localised(spec.example_for_element, language).replace("{element}", unit)
    return out


def fix_for(a: AccountResult, snapshot: Snapshot | None, policy: Policy, language: str | None = None) -> Fix | None:
    """The paste-text for an account's failed items, and for unclear wording on a page read in full.
    None for a page that is another agency's or says it is not official (``registry_advice``)."""
    if registry_advice(a.identity):
        return None
    wanted = [i for i, r in a.items.items()
              if r.status == "fail" or (r.status == "review" and a.load.outcome == "ok")]
    if not wanted:
        return None
    lang = language_of(language, snapshot, policy)
    current = current_lengths(snapshot, a.platform)
    s = suggest(a.platform, wanted, policy, current, lang, account_examples(a, policy, lang))
    if s is not None and not s.ok:  # the account's own wording did not check out: the plain examples
        s = suggest(a.platform, wanted, policy, current, lang) or s
    if s is None:
        return None
    examples = {i: _example(policy, i, s.language, s.examples) for p in s.placements for i in p.items}
    return Fix(language=s.language, items=list(s.fixes), context=list(s.context), notes=s.notes, verified=s.ok,
               examples=examples,
               placements=[FixPlacement(field=p.field.key, label=p.field.label, region=p.field.region, text=p.text,
                                        items=list(p.items), length=p.length, room=p.room, limit=p.field.limit,
                                        new_post=p.field.new_post, is_link=p.field.key == "website")
                           for p in s.placements])


def attach_fixes(run: AuditRun, out_dir: Path, policy: Policy) -> None:
    """Fill every account's ``fix`` from its saved snapshot (``out_dir``/snapshots), so results.json
    carries the fixes and the report is rendered from it alone."""
    for a in run.accounts:
        path = out_dir / "snapshots" / f"{a.id}.json"
        try:
            snapshot = Snapshot.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            snapshot = None
        a.fix = fix_for(a, snapshot, policy, a.language)


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
