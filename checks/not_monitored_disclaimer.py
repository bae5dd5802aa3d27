"""Kind ``disclaimer``: an agency-agnostic notice (the page is not monitored at all times, comments
are moderated, posts are public records).

Accepts: a phrase from the item's ``phrases`` in the account's own profile.

Never accepts: a claim of the opposite (``contradictions``: fail; review when the profile also
has the notice), close wording on its own (``near``, all but the last entry, which only names the
topic: review), or a notice that only appears in a feed post.
"""

from __future__ import annotations

from auditor.models import Evidence, Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks._kind import Inputs, Kind, Patterns, Words, patterns
from checks._support import BIDI_REASON, STATEMENT_PARTS, feed_note, gate, review_other, scan, split_regions, verdict


class DisclaimerInputs(Inputs):
    phrases: Patterns = patterns("the notice's wordings; one match in the profile passes")
    near: Patterns = patterns("close wording (review); the last entry only names the topic", required=False)
    contradictions: Patterns = patterns("the opposite claim (fail, or review beside the notice)", required=False)


class DisclaimerWords(Words):
    what: str  # "A not-monitored disclaimer"
    contradicts: str  # "the not-monitored disclaimer"
    close: str  # "statement that the page is not monitored at all times"
    found: str
    missing: str


PARTS = STATEMENT_PARTS  # the profile parts the notice can be in: it fails only when all were seen


def run(item: str, snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """``identity`` is not used: the notice is the same on anyone's page."""
    if (early := gate(item, snapshot)) is not None:
        return early
    spec = policy.item(item)
    words = spec.words
    profile, other, feed = split_regions(scan(snapshot.texts, spec.phrases))
    reviews: list[tuple[Evidence, str]] = [(h.evidence(), BIDI_REASON) for h in profile if h.bidi]
    passes = [h.evidence() for h in profile if not h.bidi]
    contradictions = [h for h in scan(snapshot.profile_texts(), spec.contradictions)
                      if not any(h.block is p.block and p.start <= h.start < p.end for p in profile)]
    notes: list[str] = []
    if passes and contradictions:  # says both: a person decides which is true
        for h in contradictions:
            reviews.append((h.evidence(), f"the profile also says '{h.matched}', which contradicts "
                                          f"{words.contradicts}"))
        passes = []
    elif contradictions:  # only the opposite claim: the disclaimer is missing
        notes.append(f"The profile says '{contradictions[0].matched}' "
                     f"(\"{contradictions[0].sentence()[:120]}\"), the opposite of the disclaimer")
    if not passes and not reviews and not contradictions:
        reviews = review_other(other, words.what)
        for h in scan(snapshot.profile_texts(), spec.near[:-1]):
            reviews.append((h.evidence(), f"the profile says '{h.matched}', close to but not a clear "
                                          f"{words.close}"))
    return verdict(
        item, snapshot, passes=passes, reviews=reviews, found=words.found, missing=words.missing,
        notes=[*notes, *feed_note(feed, words.what)], parts=PARTS,
    )


KIND = Kind("disclaimer", "an agency-agnostic notice (not monitored at all times, comments moderated)",
            DisclaimerInputs, DisclaimerWords, run)
