"""II.C.3.c: "Disclaimer notice that clearly states the page is not monitored at all times."

Accepts: "not monitored 24/7", "not monitored on a 24 hour basis", "not staffed around the
clock", "not continuously monitored", "this page is not monitored", "monitored only during
business hours", in the account's own profile.

Never accepts: a claim that the page *is* monitored at all times (fail; review when the profile
also has the disclaimer), "do not report crimes here" on its own (close, but it does not say the
page is unmonitored: review), or a disclaimer that only appears in a feed post.
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
    review_other,
    scan,
    split_regions,
    verdict,
)

META = Meta(
    id="not_monitored_disclaimer",
    clause="II.C.3.c",
    requirement="Disclaimer notice that clearly states the page is not monitored at all times",
    title="Says the page is not monitored at all times",
    failure_title="No 'not monitored at all times' disclaimer",
    accepts="'This account is not monitored 24/7', 'not monitored on a 24-hour basis', 'not "
            "staffed around the clock', 'monitored only during business hours'.",
    never_accepts="'monitored 24/7' (the opposite), 'do not report crimes here' alone (needs "
                  "review), a disclaimer only in a feed post.",
    remediation="Add to the bio or about section: \"Not monitored 24/7.\"",
    example="Not monitored 24/7.",
)
PARTS = STATEMENT_PARTS  # the profile parts the disclaimer can be in: it fails only when all were seen


def run(snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """``identity`` is not used: the disclaimer is the same on anyone's page."""
    if (early := gate(META.id, snapshot)) is not None:
        return early
    spec = policy.item(META.id)
    profile, other, feed = split_regions(scan(snapshot.texts, spec.phrases))
    reviews: list[tuple[Evidence, str]] = [(h.evidence(), BIDI_REASON) for h in profile if h.bidi]
    passes = [h.evidence() for h in profile if not h.bidi]
    contradictions = [h for h in scan(snapshot.profile_texts(), spec.contradictions)
                      if not any(h.block is p.block and p.start <= h.start < p.end for p in profile)]
    notes: list[str] = []
    if passes and contradictions:  # says both: a person decides which is true
        for h in contradictions:
            reviews.append((h.evidence(), f"the profile also says '{h.matched}', which contradicts the "
                                          "not-monitored disclaimer"))
        passes = []
    elif contradictions:  # only the opposite claim: the disclaimer is missing
        notes.append(f"The profile says the page is '{contradictions[0].matched}' "
                     f"(\"{contradictions[0].sentence()[:120]}\"), the opposite of the disclaimer")
    if not passes and not reviews and not contradictions:
        reviews = review_other(other, "A not-monitored disclaimer")
        for h in scan(snapshot.profile_texts(), spec.near[:-1]):
            reviews.append((h.evidence(), f"the profile says '{h.matched}', close to but not a clear "
                                          "statement that the page is not monitored at all times"))
    return verdict(
        META.id, snapshot, passes=passes, reviews=reviews,
        found="States that the page is not monitored at all times",
        missing="No disclaimer that the page is not monitored at all times was found in the profile",
        notes=[*notes, *feed_note(feed, "A not-monitored disclaimer")], parts=PARTS,
    )
