"""II.C.3.a: "Statement that clearly specifies that the account is an official MPD platform."

Accepts: a sentence in the account's own profile (bio, about, pinned post, profile fields, page
description) that calls the account official and names MPD: "Official account of the
Metropolitan Police Department, Washington, DC", "DC Police's official page". An ambiguous name
("MPD", "Metropolitan Police Department") counts when the profile places it in DC and names no
other agency.

Never accepts: a negation ("not an official account", "unofficial"), a hedge anywhere in the
profile ("views are my own", "parody", "fan page": review, with or without a statement),
another agency with an overlapping name (Minneapolis/Memphis/Milwaukee "MPD", London's
"Metropolitan Police", Metro Transit Police), or a statement that only appears in a feed post.
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
    id="official_statement",
    clause="II.C.3.a",
    requirement="Statement that clearly specifies that the account is an official MPD platform",
    title="Says it is an official MPD account",
    failure_title="Does not say it is an official MPD account",
    accepts="'Official account of the Metropolitan Police Department (DC)' or similar in the bio, "
            "about section, pinned post or page description, naming MPD so that it cannot be "
            "mistaken for another agency.",
    never_accepts="'not an official account', 'unofficial', 'views are my own', 'fan page', "
                  "another agency's name (Minneapolis/Memphis MPD, London's Metropolitan Police), "
                  "or a statement only in an ordinary post.",
    remediation="Add to the bio (or about section): \"Official account of DC's Metropolitan Police "
                "Department (MPDC).\"",
    example="Official account of DC's Metropolitan Police Department (MPDC).",
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
            reviews.append((hit.evidence(), f"the statement's agency is unclear: {why}"))
        else:
            clashes.append(why)
    if passes and reviews:
        passes = []  # one clear statement does not outweigh a negated or unclear one: a person decides
    for h in hedges(snapshot, policy):  # "views are my own", "parody", "fan page": never an official account
        reviews.append((h.evidence(), f"the profile says '{h.matched}', which contradicts an official account"))
        passes = []
    if not passes and not reviews:
        reviews = review_other(other, "An official-account statement")
        for h in scan(snapshot.profile_texts(), spec.near):
            if (cue := negated(h, policy)) is not None:
                why = f"the profile says '{h.sentence()[:80]}' ('{cue}'), not a clear official statement"
                reviews.append((h.evidence(), why))
    return verdict(
        META.id, snapshot, passes=passes, reviews=reviews,
        found="States it is an official account of the agency",
        missing="No statement that this is an official MPD account was found in the profile",
        notes=[*dict.fromkeys(clashes), *feed_note(feed, "An official-account statement")],
    )
