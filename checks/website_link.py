"""Kind ``website_link``: a link to the agency's website.

Accepts: a link in the account's own profile (website field, bio, about section, pinned post)
whose real target (after the platform's redirect wrapper is unwrapped: l.facebook.com/l.php,
l.instagram.com, youtube.com/redirect, t.co, linkedin.com/redir) is on a policy website domain
(``website.domains``, or a subdomain of one).

Never accepts: a lookalike host (agency.example.gov.evil.example), a host the policy lists in
``website.not_website`` (a city portal, link-in-bio pages), link text that names the site over
an href to somewhere else, or a link only in a feed post. The address written as plain text,
not linked, is a review, and so is a link whose text or address carries bidirectional control characters.
Every address is parsed as the browser parses it (checks/urls.py): ``https://evil.example\\.agency.example.gov/``
goes to evil.example.
"""

from __future__ import annotations

import re

from auditor.models import Evidence, Identity, ItemResult, Snapshot
from auditor.policy import Policy
from auditor.textnorm import has_bidi_controls, normalise
from checks._kind import Inputs, Kind, Words
from checks._support import BIDI_REASON, LINK_PARTS, gate, scan, verdict
from checks.urls import web_host


class WebsiteInputs(Inputs):
    """No inputs: the website is the policy's ``website.domains`` (and ``not_website``)."""


class WebsiteWords(Words):
    found: str  # "Links to the agency website"; the hosts linked are added
    missing: str


PARTS = LINK_PARTS  # the profile parts the link can be in: it fails only when all were seen


def run(item: str, snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """``identity`` is not used: the link's target decides."""
    if (early := gate(item, snapshot)) is not None:
        return early
    domains = policy.spec.website.domains
    words = policy.item(item).words
    passes: list[Evidence] = []
    reviews: list[tuple[Evidence, str]] = []
    notes: list[str] = []
    spoofed = False  # a profile link whose text names the site but which goes elsewhere
    for link in snapshot.links:
        host = web_host(link.target)
        ev = Evidence(quote=link.text or link.href, match=link.target or link.href, region=link.region,
                      url=link.url, source=link.source)
        on_site = policy.website_domain_of(host) is not None
        if link.region in ("feed",):
            if on_site:
                notes.append(f"A link to {link.target} appears only in a feed post, not in the profile")
            continue
        if on_site:
            if has_bidi_controls(link.text + link.href + link.target):
                reviews.append((ev, f"a link to {host} is in the profile, but {BIDI_REASON}"))
            elif link.region == "other":
                reviews.append((ev, f"a link to {link.target} is on the page but outside the recognised "
                                    "profile fields; confirm it is part of the account's set-up"))
            else:
                passes.append(ev)
            continue
        if not link.target.strip() and policy.website_domain_of(web_host(link.href)) is not None:
            reviews.append((ev, f"a profile link's address is {link.href} but its real destination could "
                                "not be confirmed; check where it goes"))
            continue
        text_names_site = any(d in normalise(link.text[:1000]).lower() for d in domains)
        if text_names_site and host:
            spoofed = True
            notes.append(f"The link text says '{link.text.strip()}' but the link goes to {host}")
        elif why := policy.not_website_reason(host):
            notes.append(f"The profile links to {host}, {why}")
    if not passes and not reviews and not spoofed:
        site_re = re.compile(r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:" +
                             "|".join(re.escape(d) for d in domains) + r")\b(?![.-]\w)", re.I)
        for hit in scan(snapshot.profile_texts(), [site_re]):
            reviews.append((hit.evidence(), f"the profile names {hit.matched} as text but it is not a link"))
    return verdict(
        item, snapshot, passes=passes, reviews=reviews,
        found=f"{words.found} ({', '.join(dict.fromkeys(web_host(e.match) for e in passes))})"
        if passes else words.found,
        missing=words.missing,
        notes=list(dict.fromkeys(notes)), parts=PARTS,
    )


KIND = Kind("website_link", "a profile link whose real target is on the agency's website",
            WebsiteInputs, WebsiteWords, run, link=True)
