"""What every check shares: its META record, the load gate, phrase scanning and the verdict.

Checks are pure functions (Snapshot, Policy) -> ItemResult. This module holds the few rules that
are the same for every kind, so each kind module reads as the requirement it enforces:

- a page that could not be loaded gives ``error``; a page behind a wall gives ``review`` (never
  ``fail``: the item may be there, hidden; never ``pass``: we could not read the whole profile);
- only the profile's own regions can pass an item; a match in the feed is noted, never counted;
  a match in text the platform module could not place ("other") is a ``review``;
- a negated or hedged match is a ``review``, never a ``pass``;
- coverage decides ``fail``: only when every profile part the item can live in was seen (the
  platform module says so in ``snapshot.coverage``); otherwise ``review``, naming what was not seen;
- text with bidirectional control characters reads differently on screen: ``review``, never ``pass``;
- scanning is linear: each text is read up to ``SCAN_CAP`` characters (a longer one cannot
  ``fail``, and the reason says it was cut), policy patterns run on RE2 (auditor/saferegex.py) and
  the patterns here are bounded.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditor.models import PROFILE_REGIONS, Evidence, Identity, ItemResult, Snapshot, TextBlock
from auditor.policy import Policy
from auditor.textnorm import has_bidi_controls, normalise, sentence_around
from checks.urls import web_host

if TYPE_CHECKING:  # the kind's own words model (it imports this module)
    from checks.agency_statement import StatementWords

SCAN_CAP = 20_000  # characters of one text block the checks read (a bio is at most a few thousand)
MAX_EVIDENCE = 20  # evidence entries kept on one result; the reason says how many more there were

# The profile parts (auditor.models.ProfilePart) where each kind of item can live: a check may say
# `fail` only when all of them were seen. Statements are text; the website and contact items are
# also links and fields. Each check module names its own (``PARTS``) from these.
STATEMENT_PARTS: tuple[str, ...] = ("bio", "about", "pinned", "header")
LINK_PARTS: tuple[str, ...] = ("website", "bio", "about", "pinned")
CONTACT_PARTS: tuple[str, ...] = ("contact", "website", "bio", "about", "pinned")
PART_WORDS = {"bio": "bio", "about": "about section", "website": "website field", "contact": "contact fields",
              "pinned": "pinned post", "header": "profile header"}
REGION_WORDS = {"bio": "bio", "about": "about section", "pinned": "pinned post", "header": "profile header",
                "profile_field": "profile field", "meta": "page description", "other": "page text",
                "feed": "feed"}
BIDI_REASON = ("the text contains bidirectional control characters (U+202A-U+202E, U+2066-U+2069), so what "
               "it shows on screen can differ from what the auditor read")

WALL_WORDS = {
    "login": "a login wall",
    "consent": "a cookie/consent wall",
    "blocked": "the platform blocking the request",
    "unfinished": "the run being interrupted",
}


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s-+\s|\b(?:but|instead|rather|so|however|otherwise)\b", re.I)


def block_text(block: TextBlock) -> str:
    """The block's text as the checks read it: normalised, and at most SCAN_CAP characters."""
    return normalise(block.text[:SCAN_CAP * 2])[:SCAN_CAP]


def was_cut(block: TextBlock) -> bool:
    """The checks did not read all of the block (see block_text)."""
    raw = block.text
    return len(raw) > SCAN_CAP * 2 or (len(raw) > SCAN_CAP and len(normalise(raw)) > SCAN_CAP)


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

    @property
    def bidi(self) -> bool:
        """The block holds bidirectional control characters: the words may show in another order."""
        return has_bidi_controls(self.block.text)

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


def scan(blocks: Iterable[TextBlock], patterns: Sequence[object]) -> list[Hit]:
    """Every match of every pattern in the blocks; a match that starts inside an earlier one
    (of an earlier pattern) is dropped. ``patterns``: policy SafePatterns or bounded ``re`` ones."""
    hits: list[Hit] = []
    for block in blocks:
        text = block_text(block)
        starts: list[int] = []  # sorted starts of the matches kept, and their ends
        ends: list[int] = []
        for pattern in patterns:
            for m in pattern.finditer(text):  # type: ignore[attr-defined]
                start, end = m.start(), m.end()
                i = bisect.bisect_right(starts, start)
                if end == start or (i and starts[i - 1] <= start < ends[i - 1]):
                    continue
                starts.insert(i, start)
                ends.insert(i, end)
                hits.append(Hit(block, text, start, end, {k: v for k, v in m.groupdict().items() if v}))
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
           for link in snapshot.profile_links() if host_is_policy_site(link.target, policy)]
    own = [h.evidence() for h in scan(blocks, [policy.own_re]) if not h.bidi]
    clashes = [h.evidence() for h in scan(blocks, [policy.clash_re])] if policy.clash_re else []
    return AgencyContext(dc, own, clashes)


def host_is_policy_site(url: str, policy: Policy) -> bool:
    """The URL (parsed as the browser parses it) is on one of the policy's website domains."""
    host = web_host(url)
    return bool(host) and policy.website_domain_of(host) is not None


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


def _words(parts: Iterable[str]) -> str:
    names = [PART_WORDS.get(p, p) for p in parts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def unseen_reason(snapshot: Snapshot, parts: Sequence[str]) -> str | None:
    """Why the profile parts an item lives in were not all seen (so it cannot ``fail``), or None."""
    cov = snapshot.coverage
    wall = WALL_WORDS.get(snapshot.load.wall or "")
    if not cov.profile_found:
        why = cov.note or "the platform module did not find the account's profile on the page"
        return f"the profile could not be read ({why}{'; the page showed ' + wall if wall else ''})"
    expected = cov.expected or list(parts)  # a module that lists nothing leaves every part unconfirmed
    missing = [p for p in parts if p in expected and not cov.saw(p)]
    if not missing:
        return None
    cut = [p for p in missing if any(s.part == p and s.truncated for s in cov.seen)]
    bits = []
    if cut:
        bits.append(f"only a cut version of the {_words(cut)} was readable")
    if rest := [p for p in missing if p not in cut]:
        bits.append(f"the {_words(rest)} could not be read")
    return "; ".join(bits) + (f" ({cov.note})" if cov.note else "")


def cut_reason(snapshot: Snapshot) -> str | None:
    """The profile texts longer than the checks read, said in words, or None."""
    cut = [b for b in snapshot.profile_texts() if was_cut(b)]
    if not cut:
        return None
    where = ", ".join(dict.fromkeys(REGION_WORDS.get(b.region, b.region) for b in cut))
    longest = max(len(b.text) for b in cut)
    return (f"only the first {SCAN_CAP:,} characters of the {where} were read "
            f"(it holds {longest:,})")


def verdict(item: str, snapshot: Snapshot, *, passes: list[Evidence], reviews: list[tuple[Evidence, str]],
            found: str, missing: str, notes: Sequence[str] = (), parts: Sequence[str] = STATEMENT_PARTS,
            unread: str = "") -> ItemResult:
    """The one place where findings become a status.

    ``found`` says what a pass found; ``missing`` says what a fail lacks; ``notes`` are extra
    facts for a fail (a match only in the feed, a lookalike link). ``parts``: the profile parts the
    item lives in; a ``fail`` is said only when the coverage shows all of them were seen, and no
    profile text was cut. ``unread``: what else the check itself left unread (it cannot fail either).
    """
    cut = "; ".join(r for r in (cut_reason(snapshot), unread) if r) or None
    if snapshot.load.outcome == "partial":
        why = WALL_WORDS.get(snapshot.load.wall or "", "part of the page being hidden")
        seen = passes + [e for e, _ in reviews]
        head = (f"{found}, but the profile was only partly visible because of {why}; a person must confirm"
                if passes else f"Not seen, but the profile was only partly visible because of {why}")
        return _result(item, "review", _join(head, snapshot.load.reason, cut or ""), seen)
    if passes:
        return _result(item, "pass", _join(found, cut or ""), _unique(passes))
    if reviews:
        reason = "; ".join(dict.fromkeys(r for _, r in reviews))
        return _result(item, "review", _join(reason, cut or ""), [e for e, _ in reviews])
    if gap := unseen_reason(snapshot, parts) or cut:
        return ItemResult(item=item, status="review",
                          reason=_join(f"{missing}, but {gap}", *notes, "A person must check the profile"))
    return ItemResult(item=item, status="fail", reason=_join(missing, *notes))


def _result(item: str, status: str, reason: str, evidence: list[Evidence]) -> ItemResult:
    if len(evidence) > MAX_EVIDENCE:
        reason = _join(reason, f"{len(evidence) - MAX_EVIDENCE} more matches are not listed")
        evidence = evidence[:MAX_EVIDENCE]
    return ItemResult(item=item, status=status, reason=reason, evidence=evidence)  # type: ignore[arg-type]


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


def agency_statement(item: str, snapshot: Snapshot, policy: Policy, words: StatementWords,
                     identity: Identity, parts: Sequence[str] = STATEMENT_PARTS) -> ItemResult:
    """A phrase naming the agency, in the profile, not negated, not hedged, naming
    this agency rather than one whose name overlaps it, on a page that presents itself as the
    agency's (``identity``)."""
    if (early := gate(item, snapshot)) is not None:
        return early
    spec = policy.item(item)
    profile, other, feed = split_regions(scan(snapshot.texts, spec.phrases))
    ctx = agency_context(snapshot, policy)
    passes: list[Evidence] = []
    reviews: list[tuple[Evidence, str]] = []
    clashes: list[str] = []
    for hit in profile:
        if hit.bidi:
            reviews.append((hit.evidence(), BIDI_REASON))
            continue
        if cue := negated(hit, policy):
            reviews.append((hit.evidence(), f"the statement is negated or qualified ('{cue}')"))
            continue
        kind, why = classify_agency(hit, policy, ctx)
        if kind == "own" and identity.kind == "own":
            passes.append(hit.evidence())
        elif kind == "own" and identity.kind == "other_agency":
            clashes.append(identity.reason)
        elif kind == "own":  # not official, or whose page it is stays unclear
            reviews.append((hit.evidence(), f"{words.unclear}: {identity.reason}"))
        elif kind == "ambiguous":
            reviews.append((hit.evidence(), f"{words.unclear}: {why}"))
        else:
            clashes.append(why)
    if passes and reviews:
        passes = []  # one clear statement does not outweigh a negated or unclear one: a person decides
    for h in hedges(snapshot, policy):  # "views are my own", "parody", "fan page"
        reviews.append((h.evidence(), f"the profile says '{h.matched}', which contradicts {words.contradicts}"))
        passes = []
    if not passes and not reviews and not clashes and identity.kind != "other_agency":
        reviews = review_other(other, words.what)
        noun = words.what.split(" ", 1)[1]
        for h in scan(snapshot.profile_texts(), spec.near):  # close, but not what the policy accepts
            quote = h.sentence()[:120]
            if (cue := negated(h, policy)) is not None:
                reviews.append((h.evidence(), f"the profile says '{quote}' ('{cue}'), not a clear {noun}"))
            else:
                reviews.append((h.evidence(), f"the profile says '{quote}', which is close to, but not, a {noun} "
                                              "the policy accepts"))
    if identity.kind == "other_agency":
        clashes.append(identity.reason)
    return verdict(item, snapshot, passes=passes, reviews=reviews, found=words.found, missing=words.missing,
                   notes=[*dict.fromkeys(clashes), *feed_note(feed, words.what)], parts=parts)
