"""Kind ``emergency_instruction``: how to reach the agency in an emergency.

Accepts: the policy's emergency number (also written with separators, 9-1-1) with an instruction
or an emergency context from the item's ``phrases`` ("In an emergency, call 911"), in the
account's own profile. The number is confirmed with phonenumbers' emergency-number data for the
policy's region.

Never accepts: a negated instruction ("do not call 911": review), a non-emergency line on its
own, the number inside another number, or a line only in a feed post.
"""

from __future__ import annotations

from auditor.models import Evidence, Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks._kind import Inputs, Kind, Patterns, Words, patterns
from checks._support import (
    BIDI_REASON,
    STATEMENT_PARTS,
    feed_note,
    gate,
    negated,
    review_other,
    scan,
    split_regions,
    verdict,
)


class EmergencyInputs(Inputs):
    phrases: Patterns = patterns("instructions with {EMERGENCY}; one unnegated match in the profile passes")
    near: Patterns = patterns("emergency wording without the number", required=False)


class EmergencyWords(Words):
    what: str  # "An emergency instruction"
    negated: str  # "the emergency instruction"
    found: str
    missing: str


PARTS = STATEMENT_PARTS  # the profile parts the instruction can be in: it fails only when all were seen


def run(item: str, snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """``identity`` is not used: the emergency number is the same whoever's page says it."""
    if (early := gate(item, snapshot)) is not None:
        return early
    spec = policy.item(item)
    words = spec.words
    hits = [h for h in scan(snapshot.texts, spec.phrases)
            if policy.is_emergency_number(h.groups.get("number", ""))]
    profile, other, feed = split_regions(hits)
    passes: list[Evidence] = []
    reviews: list[tuple[Evidence, str]] = []
    for hit in profile:
        if hit.bidi:
            reviews.append((hit.evidence(), BIDI_REASON))
        elif cue := negated(hit, policy):
            reviews.append((hit.evidence(), f"{words.negated} is negated ('{cue}')"))
        else:
            passes.append(hit.evidence())
    if passes:
        reviews = []
    elif not reviews:
        reviews = review_other(other, words.what)
    return verdict(
        item, snapshot, passes=passes, reviews=reviews, found=words.found, missing=words.missing,
        notes=feed_note(feed, words.what), parts=PARTS,
    )


KIND = Kind("emergency_instruction", "how to reach the agency in an emergency (the emergency number)",
            EmergencyInputs, EmergencyWords, run)
