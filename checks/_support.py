"""What every check shares: its META record, the load gate, phrase scanning and the verdict.

Checks are pure functions (Snapshot, Policy) -> ItemResult. This module holds the few rules that
are the same for every kind, so each kind module reads as the requirement it enforces:

- a page that could not be loaded gives ``error``; a page behind a wall gives ``review`` (never
  ``fail``: the item may be there, hidden; never ``pass``: we could not read the whole profile);
- only the profile's own regions can pass an item; a match in the feed is noted, never counted;
  a match in text the platform module could not place ("other") is a ``review``;
- a negated or hedged match is a ``review``, never a ``pass``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from auditor.models import PROFILE_REGIONS, Evidence, ItemResult, Snapshot, TextBlock
from auditor.policy import Policy
from auditor.textnorm import normalise, sentence_around

WALL_WORDS = {
    "login": "a login wall",
    "consent": "a cookie/consent wall",
    "blocked": "the platform blocking the request",
    "unfinished": "the run being interrupted",
}


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s-+\s|\b(?:but|instead|rather|so|however|otherwise)\b", re.I)


@dataclass
class Hit:
    block: TextBlock
    text: str  # normalised block text
    start: int
    end: int
    groups: dict[str, str] = field(default_factory=dict)

    @property
    def matched(self) -> str:
        return self.text[self.start:self.end]

    def sentence(self) -> str:
        a, b = sentence_around(self.text, self.start, self.end)
        return self.text[a:b].strip()

    def clause_before(self) -> str:
        """The words of the match's clause before the match: after the last , ; : ( ) or dash,
        or contrastive word ("but", "instead", "so"), so "Not for emergencies - call 911" does
        not read the first clause's "not" as negating the second."""
        a, _ = sentence_around(self.text, self.start, self.end)
        before = self.text[a:self.start]
        cuts = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
        return before[cuts[-1]:] if cuts else before

    def evidence(self) -> Evidence:
        return Evidence(quote=self.sentence(), match=self.matched, region=self.block.region,
                        url=self.block.url, source=self.block.source)


def scan(blocks: Iterable[TextBlock], patterns: Sequence[re.Pattern[str]]) -> list[Hit]:
    """Every match of every pattern in the blocks; overlapping duplicates dropped."""
    hits: list[Hit] = []
    for block in blocks:
        text = normalise(block.text)
        taken: list[tuple[int, int]] = []
        for pattern in patterns:
            for m in pattern.finditer(text):
                if m.end() == m.start() or any(a <= m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                hits.append(Hit(block, text, m.start(), m.end(),
                                {k: v for k, v in m.groupdict().items() if v}))
    return hits


def negated(hit: Hit, policy: Policy, include_match: bool = True) -> str | None:
    """The negation cue in the clause before the match (and in the match), if any."""
    window = hit.clause_before() + (hit.matched if include_match else "")
    for cue in policy.negation_re:
        m = cue.search(window)
        if m:
            return m.group(0)
    return None


def hedges(snapshot: Snapshot, policy: Policy) -> list[Hit]:
    return scan(snapshot.profile_texts(), policy.hedge_re)


def split_regions(hits: Iterable[Hit]) -> tuple[list[Hit], list[Hit], list[Hit]]:
    """(profile, other, feed) hits."""
    profile, other, feed = [], [], []
    for h in hits:
        if h.block.region in PROFILE_REGIONS:
            profile.append(h)
        elif h.block.region == "feed":
            feed.append(h)
        else:
            other.append(h)
    return profile, other, feed


@dataclass
class AgencyContext:
    """What the profile says about which agency it is."""

    dc_context: list[Evidence]
    own_names: list[Evidence]
    clashes: list[Evidence]

    @property
    def resolves_ambiguous(self) -> bool:
        return bool(self.dc_context or self.own_names) and not self.clashes


def agency_context(snapshot: Snapshot, policy: Policy) -> AgencyContext:
    blocks = snapshot.profile_texts()
    dc = [h.evidence() for h in scan(blocks, policy.context_re)]
    dc += [Evidence(quote=link.target, match=link.target, region=link.region, url=link.url)
           for link in snapshot.profile_links() if _host_is_policy_site(link.target, policy)]
    own = [h.evidence() for h in scan(blocks, [policy.own_re])]
    clashes = [h.evidence() for h in scan(blocks, [policy.clash_re])] if policy.clash_re else []
    return AgencyContext(dc, own, clashes)


def _host_is_policy_site(url: str, policy: Policy) -> bool:
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return policy.website_domain_of(host) is not None


def classify_agency(hit: Hit, policy: Policy, ctx: AgencyContext) -> tuple[str, str]:
    """('own' | 'ambiguous' | 'clash', explanation) for a hit with an ``agency`` group."""
    name = hit.groups.get("agency")
    if name is None:  # pattern without an agency (e.g. a unit's name alone)
        return ("own", "") if ctx.resolves_ambiguous else ("ambiguous", "names no agency")
    kind = policy.agency_kind(name)
    if kind == "own":
        return "own", ""
    if kind == "clash":
        return "clash", f"'{name}' is another agency, not {policy.name}"
    if ctx.clashes:  # an ambiguous short name on a profile that names a clashing agency means them
        return "clash", (f"'{name}' here refers to '{ctx.clashes[0].match}', another agency "
                         f"(the profile names it)")
    if ctx.resolves_ambiguous:
        return "own", ""
    where = f"it is {policy.spec.agency.place}" if policy.spec.agency.place else "where it is"
    return "ambiguous", f"'{name}' could be another agency; the profile never says {where}"


def gate(item: str, snapshot: Snapshot) -> ItemResult | None:
    """An ``error`` result when the page could not be read at all, else None."""
    if snapshot.load.outcome == "failed":
        reason = snapshot.load.reason or "the page could not be loaded"
        return ItemResult(item=item, status="error", reason=f"Could not check: {reason}.")
    return None


def verdict(item: str, snapshot: Snapshot, *, passes: list[Evidence], reviews: list[tuple[Evidence, str]],
            found: str, missing: str, notes: Sequence[str] = ()) -> ItemResult:
    """The one place where findings become a status.

    ``found`` says what a pass found; ``missing`` says what a fail lacks; ``notes`` are extra
    facts for a fail (a match only in the feed, a lookalike link).
    """
    if snapshot.load.outcome == "partial":
        why = WALL_WORDS.get(snapshot.load.wall or "", "part of the page being hidden")
        seen = passes + [e for e, _ in reviews]
        head = (f"{found}, but the profile was only partly visible because of {why}; a person must confirm"
                if passes else f"Not seen, but the profile was only partly visible because of {why}")
        return ItemResult(item=item, status="review", evidence=seen, reason=_join(head, snapshot.load.reason))
    if passes:
        return ItemResult(item=item, status="pass", evidence=_unique(passes), reason=found + ".")
    if reviews:
        return ItemResult(item=item, status="review", evidence=[e for e, _ in reviews],
                          reason="; ".join(dict.fromkeys(r for _, r in reviews)) + ".")
    return ItemResult(item=item, status="fail", reason=_join(missing, *notes))


def _unique(evidence: list[Evidence]) -> list[Evidence]:
    """No repeated evidence (a page's meta tags often repeat each other)."""
    seen: dict[tuple[str, str, str], Evidence] = {}
    for e in evidence:
        seen.setdefault((e.quote, e.match, e.region), e)
    return list(seen.values())


def _join(*parts: str) -> str:
    parts = tuple(p.rstrip(". ") for p in parts if p)
    return ". ".join(p[:1].upper() + p[1:] for p in parts) + "."


def feed_note(feed_hits: Sequence[Hit], what: str) -> list[str]:
    if not feed_hits:
        return []
    return [f"{what} appears only in a feed post (\"{feed_hits[0].sentence()[:120]}\"), "
            "which is not part of the account's set-up"]


def review_other(other_hits: Sequence[Hit], what: str) -> list[tuple[Evidence, str]]:
    return [(h.evidence(), f"{what} found only in page text outside the recognised profile fields; "
             "confirm it is part of the account's set-up") for h in other_hits]


@dataclass(frozen=True)
class StatementWords:
    """How a statement-about-the-agency check (official, maintained by) words its findings."""

    what: str  # "An official-account statement"
    unclear: str  # "the statement's agency is unclear"
    contradicts: str  # "an official account"
    found: str
    missing: str


def agency_statement(item: str, snapshot: Snapshot, policy: Policy, words: StatementWords) -> ItemResult:
    """A phrase naming the agency, in the profile, not negated, not hedged, and
    naming this agency rather than one whose name overlaps it."""
    if (early := gate(item, snapshot)) is not None:
        return early
    spec = policy.item(item)
    profile, other, feed = split_regions(scan(snapshot.texts, spec.phrases))
    ctx = agency_context(snapshot, policy)
    passes: list[Evidence] = []
    reviews: list[tuple[Evidence, str]] = []
    clashes: list[str] = []
    for hit in profile:
        if cue := negated(hit, policy):
            reviews.append((hit.evidence(), f"the statement is negated or qualified ('{cue}')"))
            continue
        kind, why = classify_agency(hit, policy, ctx)
        if kind == "own":
            passes.append(hit.evidence())
        elif kind == "ambiguous":
            reviews.append((hit.evidence(), f"{words.unclear}: {why}"))
        else:
            clashes.append(why)
    if passes and reviews:
        passes = []  # one clear statement does not outweigh a negated or unclear one: a person decides
    for h in hedges(snapshot, policy):  # "views are my own", "parody", "fan page"
        reviews.append((h.evidence(), f"the profile says '{h.matched}', which contradicts {words.contradicts}"))
        passes = []
    if not passes and not reviews:
        reviews = review_other(other, words.what)
        for h in scan(snapshot.profile_texts(), spec.near):
            if (cue := negated(h, policy)) is not None:
                reviews.append((h.evidence(), f"the profile says '{h.sentence()[:80]}' ('{cue}'), "
                                              f"not a clear {words.what.split(' ', 1)[1]}"))
    return verdict(item, snapshot, passes=passes, reviews=reviews, found=words.found, missing=words.missing,
                   notes=[*dict.fromkeys(clashes), *feed_note(feed, words.what)])
