"""II.C.3.d: "Information on how MPD should be contacted in case of an emergency."

Accepts: the policy's emergency number (911, also written 9-1-1) with an instruction or an
emergency context: "In an emergency, call 911", "Emergencies: dial 9-1-1", "911 for
emergencies", in the account's own profile. The number is confirmed with phonenumbers'
emergency-number data for the policy's region.

Never accepts: "do not call 911" (negated: review), a non-emergency line on its own ("call 311
for non-emergencies"), "911" inside another number, or a line only in a feed post.
"""

from __future__ import annotations

from auditor.models import Evidence, Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks._support import (
    BIDI_REASON,
    STATEMENT_PARTS,
    Meta,
    feed_note,
    gate,
    negated,
    review_other,
    scan,
    split_regions,
    verdict,
)

META = Meta(
    id="emergency_contact",
    clause="II.C.3.d",
    requirement="Information on how MPD should be contacted in case of an emergency",
    title="Says how to reach MPD in an emergency",
    failure_title="No emergency contact instruction",
    accepts="'In an emergency, call 911', 'For emergencies dial 9-1-1', '911 for emergencies'.",
    never_accepts="'do not call 911' (needs review), a non-emergency number alone (311), an "
                  "instruction only in a feed post.",
    remediation="Add to the bio: \"In an emergency, call 911.\"",
    example="In an emergency, call 911.",
)
PARTS = STATEMENT_PARTS  # the profile parts the instruction can be in: it fails only when all were seen


def run(snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """``identity`` is not used: 911 is the emergency number whoever's page says it."""
    if (early := gate(META.id, snapshot)) is not None:
        return early
    spec = policy.item(META.id)
    hits = [h for h in scan(snapshot.texts, spec.phrases)
            if policy.is_emergency_number(h.groups.get("number", ""))]
    profile, other, feed = split_regions(hits)
    passes: list[Evidence] = []
    reviews: list[tuple[Evidence, str]] = []
    for hit in profile:
        if hit.bidi:
            reviews.append((hit.evidence(), BIDI_REASON))
        elif cue := negated(hit, policy):
            reviews.append((hit.evidence(), f"the emergency instruction is negated ('{cue}')"))
        else:
            passes.append(hit.evidence())
    if passes:
        reviews = []
    elif not reviews:
        reviews = review_other(other, "An emergency instruction")
    return verdict(
        META.id, snapshot, passes=passes, reviews=reviews,
        found="Says how to reach the agency in an emergency",
        missing="No instruction on how to reach MPD in an emergency (e.g. 'call 911') was found in the profile",
        notes=feed_note(feed, "An emergency instruction"), parts=PARTS,
    )
