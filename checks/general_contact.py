"""II.C.3.f: "General contact information."

Accepts, in the account's own profile: a non-emergency phone number (any valid number for the
policy's region, found with phonenumbers; the policy's own numbers are named), a short
non-emergency line from the policy (311, the 50411 text tip line) with a call/text instruction,
an e-mail address, a street address, or a contact page on a policy domain.

Never accepts: the emergency number alone (that is item d), a "DM us" without an address,
contact details that only appear in a feed post, or contact details on a page that does not present
itself as the agency's (checks/identity.py): another agency's number and address on its own page,
a company's office address. Those are ``fail`` on another agency's page, ``review`` when whose
page it is stays unclear or the page says it is not official. A contact page is judged by the
address the browser would reach (checks/urls.py). Text with bidirectional control characters is
``review``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import phonenumbers

from auditor.models import Evidence, Identity, ItemResult, Snapshot, TextBlock
from auditor.policy import Policy
from auditor.textnorm import has_bidi_controls
from checks import identity as identity_
from checks._support import (
    BIDI_REASON,
    CONTACT_PARTS,
    Hit,
    Meta,
    block_text,
    feed_note,
    gate,
    review_other,
    verdict,
)
from checks.urls import parse_web

META = Meta(
    id="general_contact",
    clause="II.C.3.f",
    requirement="General contact information",
    title="Gives general contact information",
    failure_title="No general contact information",
    accepts="A non-emergency phone number ((202) 727-9099, 311), an e-mail address, a postal address "
            "(441 4th Street NW) or a link to a contact page on mpdc.dc.gov.",
    never_accepts="911 alone (that is the emergency item), 'send us a DM', contact details only in a post, "
                  "another organisation's phone, address or e-mail.",
    remediation="Add to the bio or contact fields: \"Non-emergency: 311 or (202) 727-9099.\"",
    example="Non-emergency: 311 or (202) 727-9099.",
)
PARTS = CONTACT_PARTS  # the profile parts contact details can be in: it fails only when all were seen

# Bounded, so that scanning is linear: an RFC 5321 local part is at most 64 characters, a label 63.
_EMAIL = re.compile(r"(?<![\w.+@/-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}"
                    r"(?![\w-])")
_TOKEN = re.compile(r"\S+")  # words; one containing "contact" could be a contact-page address
_MAX_TOKEN = 2_048
# Where a phone number could be: a run of digits and phone punctuation, at most 32 characters.
# phonenumbers reads each candidate (it is slow on long runs of digits and brackets), at most
# _MAX_PHONE_CANDIDATES a snapshot; past that the item cannot fail.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-/]{3,30}\d(?!\d)")
_MAX_PHONE_CANDIDATES = 60


class _Budget:
    def __init__(self) -> None:
        self.left = _MAX_PHONE_CANDIDATES
        self.spent = False  # a candidate was left unread


def _phone_hits(text: str, policy: Policy, budget: _Budget) -> list[tuple[int, int, str]]:
    out = []
    for cand in _PHONE_CANDIDATE.finditer(text):
        if sum(ch.isdigit() for ch in cand.group(0)) < 5:
            continue
        if budget.left <= 0:
            budget.spent = True
            break
        budget.left -= 1
        for m in phonenumbers.PhoneNumberMatcher(cand.group(0), policy.region, leniency=phonenumbers.Leniency.VALID):
            if policy.is_emergency_number(m.raw_string):
                continue
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            label = policy.known_phones.get(e164, "phone number")
            out.append((cand.start() + m.start, cand.start() + m.end, label))
    return out


def _short_hits(text: str, policy: Policy) -> list[tuple[int, int, str]]:
    out = []
    for entry in policy.spec.phones.short:
        digits = r"[-. ]?".join(re.sub(r"\D", "", entry.number))  # 311 or 3-1-1
        for m in re.finditer(rf"(?<![\d-]){digits}(?![\d-])", text):
            lo = max(0, m.start() - 60)
            if any(cue.search(text[lo:m.end() + 40]) for cue in policy.item(META.id).cues):
                out.append((m.start(), m.end(), entry.label))
    return out


def _tel_label(target: str, policy: Policy) -> str | None:
    """The label of a valid, non-emergency number in a tel: link, else None."""
    number = unquote(target[4:200]).split(";")[0]
    if policy.is_emergency_number(number):
        return None
    try:
        parsed = phonenumbers.parse(number, policy.region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return policy.known_phones.get(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
                                   "phone number")


def _contact_url(url: str, policy: Policy) -> bool:
    """A page on a policy contact domain whose path says "contact", as the browser would reach it."""
    parsed = parse_web(url)
    if parsed is None:
        return False
    on_domain = any(parsed.host == d or parsed.host.endswith("." + d) for d in policy.spec.website.contact_domains)
    return on_domain and "contact" in parsed.path.lower()


def _spans(block: TextBlock, text: str, policy: Policy, budget: _Budget) -> list[tuple[int, int, str]]:
    spans = _phone_hits(text, policy, budget) + _short_hits(text, policy)
    spans += [(m.start(), m.end(), "e-mail address") for m in _EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), "postal address") for p in policy.item(META.id).phrases for m in p.finditer(text)]
    spans += [(m.start(), m.end(), "contact page") for m in _TOKEN.finditer(text)
              if len(m.group(0)) <= _MAX_TOKEN and "contact" in m.group(0).lower() and _contact_url(m.group(0), policy)]
    return spans


def _link_kind(target: str, policy: Policy) -> str | None:
    low = target.lower()
    if low.startswith("mailto:"):
        return "e-mail address" if "@" in target else None
    if low.startswith("tel:"):
        return _tel_label(target, policy)
    return "contact page" if _contact_url(target, policy) else None


def run(snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    if (early := gate(META.id, snapshot)) is not None:
        return early
    identity = identity_.of(snapshot, policy, identity)
    found: list[tuple[str, Evidence]] = []
    reviews: list[tuple[Evidence, str]] = []
    feed_hits, other_hits = [], []
    budget = _Budget()
    for block in snapshot.texts:
        text = block_text(block)
        for start, end, label in _spans(block, text, policy, budget):
            hit = Hit(block, text, start, end)
            if block.region == "feed":
                feed_hits.append(hit)
            elif block.region == "other":
                other_hits.append(hit)
            elif hit.bidi:
                reviews.append((hit.evidence(), BIDI_REASON))
            else:
                found.append((label, hit.evidence()))
    for link in snapshot.links:
        target = link.target.strip()
        kind = _link_kind(target, policy)
        if kind and link.region not in ("feed", "other"):
            ev = Evidence(quote=link.text or link.href, match=link.target, region=link.region,
                          url=link.url, source=link.source)
            if has_bidi_controls(link.text + link.href + link.target):
                reviews.append((ev, BIDI_REASON))
            else:
                found.append((kind, ev))
    kinds = ", ".join(dict.fromkeys(label for label, _ in found))
    missing = ("No general contact information (non-emergency phone, e-mail, address or contact page) "
               "was found in the profile")
    passes = [e for _, e in found]
    if found and identity.kind == "other_agency":  # another agency's details on its own page
        missing = f"The contact details in the profile ({kinds}) are not {policy.name}'s: {identity.reason}"
        passes = []
    elif found and identity.kind != "own":
        reviews += [(e, f"contact details were found ({kinds}), but {identity.reason}; they count only on a page "
                        f"that presents itself as {policy.name}'s") for e in passes]
        passes = []
    if not found and not reviews:
        reviews = review_other(other_hits, "Contact information")
    return verdict(
        META.id, snapshot, passes=passes, reviews=reviews,
        found="Gives general contact information (" + kinds + ")", missing=missing,
        notes=feed_note(feed_hits, "Contact information"), parts=PARTS,
        unread=f"more than {_MAX_PHONE_CANDIDATES} number-like runs were found, and only those were read "
               "as phone numbers" if budget.spent else "",
    )
