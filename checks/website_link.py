"""II.C.3.e: "A link to the MPD website."

Accepts: a link in the account's own profile (website field, bio, about section, pinned post)
whose real target (after the platform's redirect wrapper is unwrapped: l.facebook.com/l.php,
l.instagram.com, youtube.com/redirect, t.co, linkedin.com/redir) is on a policy website domain
(mpdc.dc.gov or a subdomain of it).

Never accepts: a lookalike host (mpdc.dc.gov.example.com, mpdc-dc.gov), the DC portal (dc.gov),
a link-in-bio page (linktr.ee and the like), link text that says mpdc.dc.gov over an href to
somewhere else, or a link only in a feed post. The address written as plain text, not linked,
is a review, and so is a link whose text or address carries bidirectional control characters.
Every address is parsed as the browser parses it (checks/urls.py): ``https://evil.example\\.mpdc.dc.gov/``
goes to evil.example.
"""

from __future__ import annotations

import re

from auditor.models import Evidence, Identity, ItemResult, Snapshot
from auditor.policy import Policy
from auditor.textnorm import has_bidi_controls, normalise
from checks._support import BIDI_REASON, LINK_PARTS, Meta, gate, scan, verdict
from checks.urls import web_host

META = Meta(
    id="website_link",
    clause="II.C.3.e",
    requirement="A link to the MPD website",
    title="Links to the MPD website",
    failure_title="No link to the MPD website",
    accepts="A link to mpdc.dc.gov in the website field, bio or about section; platform redirect "
            "wrappers are followed to the real target.",
    never_accepts="dc.gov (the city portal), linktr.ee or other link-in-bio pages, lookalike domains, "
                  "link text that says mpdc.dc.gov but points elsewhere, a link only in a post.",
    remediation="Put https://mpdc.dc.gov in the profile's website field (or the about section's links).",
    example="https://mpdc.dc.gov",
)
PARTS = LINK_PARTS  # the profile parts the link can be in: it fails only when all were seen


def _host(url: str) -> str:
    """The host a browser would reach ("" for mailto:, tel:, javascript: and unparsable URLs).

    A scheme-less target ("mpdc.dc.gov/page") is read as https; userinfo and backslash tricks
    ("https://mpdc.dc.gov@evil.example/", "https://evil.example\\.mpdc.dc.gov/") give the real host."""
    return web_host(url)


def run(snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """``identity`` is not used: the link's target decides."""
    if (early := gate(META.id, snapshot)) is not None:
        return early
    domains = policy.spec.website.domains
    passes: list[Evidence] = []
    reviews: list[tuple[Evidence, str]] = []
    notes: list[str] = []
    spoofed = False  # a profile link whose text names the site but which goes elsewhere
    for link in snapshot.links:
        host = _host(link.target)
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
        if not link.target.strip() and policy.website_domain_of(_host(link.href)) is not None:
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
        META.id, snapshot, passes=passes, reviews=reviews,
        found=f"Links to the agency website ({', '.join(dict.fromkeys(_host(e.match) for e in passes))})"
        if passes else "Links to the agency website",
        missing="No link to the MPD website was found in the profile",
        notes=list(dict.fromkeys(notes)), parts=PARTS,
    )
