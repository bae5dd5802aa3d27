"""II.C.3.b: "Statement that indicates that the page is maintained by MPD."

Accepts: "maintained/managed/run/operated/administered by" MPD, "MPD maintains this account",
or "MPD Office of Communications" in the account's own profile. An ambiguous name ("MPD",
"the Office of Communications") counts when the profile places it in DC and names no other
agency.

Never accepts: "not maintained by MPD", "no longer run by", a hedge anywhere in the profile
("views are my own": review, with or without a statement), another agency, or a statement
only in a feed post. "Official account of MPD" alone is item (a), not (b): the Order lists them separately.
"""

from __future__ import annotations

from auditor.models import Evidence, ItemResult, Snapshot
from auditor.policy import Policy
from checks._support import (
    Meta,
    agency_context,
    classify_agency,
    feed_note,
    gate,
    hedges,
    negated,
    review_other,
    scan,
    split_regions,
    verdict,
)

META = Meta(
    id="maintained_by",
    clause="II.C.3.b",
    requirement="Statement that indicates that the page is maintained by MPD",
    title="Says MPD maintains the page",
    failure_title="Does not say MPD maintains the page",
    accepts="'Maintained by the Metropolitan Police Department', 'Managed by MPD's Office of "
            "Communications', 'MPD runs this account' in the bio, about section or pinned post.",
    never_accepts="'not maintained by MPD', 'views are my own', another agency's name, a statement "
                  "only in a feed post; 'official account' alone (that is item a).",
    remediation="Add to the bio or about section: \"Maintained by the MPD Office of Communications.\"",
    example="Maintained by the MPD Office of Communications.",
)


def run(snapshot: Snapshot, policy: Policy) -> ItemResult:
    if (early := gate(META.id, snapshot)) is not None:
        return early
    spec = policy.item(META.id)
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
            reviews.append((hit.evidence(), f"who maintains the page is unclear: {why}"))
        else:
            clashes.append(why)
    if passes and reviews:
        passes = []  # one clear statement does not outweigh a negated or unclear one: a person decides
    for h in hedges(snapshot, policy):  # "views are my own", "parody", "fan page": never an MPD-run page
        reviews.append((h.evidence(), f"the profile says '{h.matched}', which contradicts an MPD-run page"))
        passes = []
    if not passes and not reviews:
        reviews = review_other(other, "A maintained-by statement")
        for h in scan(snapshot.profile_texts(), spec.near):
            if (cue := negated(h, policy)) is not None:
                reviews.append((h.evidence(), f"the profile says '{h.sentence()[:80]}' ('{cue}')"))
    return verdict(
        META.id, snapshot, passes=passes, reviews=reviews,
        found="States that the agency maintains the page",
        missing="No statement that MPD maintains this page was found in the profile",
        notes=[*dict.fromkeys(clashes), *feed_note(feed, "A maintained-by statement")],
    )
