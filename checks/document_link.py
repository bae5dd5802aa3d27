"""Kind ``document_link``: a link to a named document (the agency's social media policy).

Accepts: a profile link (website field, bio, about, pinned post) whose real target is on a
policy website domain and matches one of the item's ``urls`` patterns.

Never accepts: the same link only in a feed post or outside the recognised profile fields
(review), or a lookalike host. The document named only in words (``phrases``), not linked, is a
review: a person checks whether the profile displays it.
"""

from __future__ import annotations

from auditor.models import Evidence, Identity, ItemResult, Snapshot
from auditor.policy import Policy
from auditor.textnorm import has_bidi_controls
from checks._kind import Inputs, Kind, Patterns, Words, patterns
from checks._support import BIDI_REASON, LINK_PARTS, feed_note, gate, scan, split_regions, verdict
from checks.urls import web_host


class DocumentInputs(Inputs):
    urls: Patterns = patterns("the document's address (matched against a link's real target)")
    phrases: Patterns = patterns("the document named in words (review when not linked)", required=False)


class DocumentWords(Words):
    what: str  # "A link to the social media policy"
    found: str
    missing: str


PARTS = LINK_PARTS  # the profile parts the link can be in: it fails only when all were seen


def run(item: str, snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """``identity`` is not used: the link's target decides."""
    if (early := gate(item, snapshot)) is not None:
        return early
    spec = policy.item(item)
    words = spec.words
    passes: list[Evidence] = []
    reviews: list[tuple[Evidence, str]] = []
    notes: list[str] = []
    for link in snapshot.links:
        target = link.target.strip()
        on_site = policy.website_domain_of(web_host(target)) is not None
        if not on_site or not any(p.search(target) for p in spec.patterns["urls"]):
            continue
        ev = Evidence(quote=link.text or link.href, match=target, region=link.region, url=link.url,
                      source=link.source)
        if link.region == "feed":
            notes.append(f"A link to {target} appears only in a feed post, not in the profile")
        elif has_bidi_controls(link.text + link.href + link.target):
            reviews.append((ev, f"a link to {target} is in the profile, but {BIDI_REASON}"))
        elif link.region == "other":
            reviews.append((ev, f"a link to {target} is on the page but outside the recognised profile fields; "
                                "confirm it is part of the account's set-up"))
        else:
            passes.append(ev)
    if not passes and not reviews:
        profile, _other, feed = split_regions(scan(snapshot.texts, spec.phrases))
        reviews = [(h.evidence(), f"the profile names '{h.matched}' but does not link to it; check that the "
                                  "profile displays it") for h in profile]
        notes += feed_note(feed, words.what)
    return verdict(item, snapshot, passes=passes, reviews=reviews, found=words.found, missing=words.missing,
                   notes=list(dict.fromkeys(notes)), parts=PARTS)


KIND = Kind("document_link", "a profile link to a document on the agency's website (its social media policy)",
            DocumentInputs, DocumentWords, run, link=True)
