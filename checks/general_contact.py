"""Kind ``contact_information``: general contact information for the agency.

Accepts, in the account's own profile: a non-emergency phone number (any valid number for the
policy's region, found with phonenumbers; the policy's own numbers are named), a short
non-emergency line from the policy's ``phones.short`` with one of the item's ``cues`` near it,
an e-mail address, a postal address (the item's ``phrases``), or a contact page on a policy
``website.contact_domains`` domain.

Never accepts: the emergency number alone (that is an emergency instruction), a "DM us" without
an address, contact details that only appear in a feed post, or contact details on a page that
does not present itself as the agency's (checks/identity.py): another agency's number and address
on its own page, a company's office address. Those are ``fail`` on another agency's page,
``review`` when whose page it is stays unclear or the page says it is not official. A contact page
is judged by the address the browser would reach (checks/urls.py). Text with bidirectional control
characters is ``review``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import phonenumbers

from auditor.models import Evidence, Identity, ItemResult, Snapshot, TextBlock
from auditor.policy import Policy
from auditor.textnorm import has_bidi_controls
from checks import identity as identity_
from checks._kind import Inputs, Kind, Patterns, Words, patterns
from checks._support import (
    BIDI_REASON,
    CONTACT_PARTS,
    Hit,
    block_text,
    feed_note,
    gate,
    review_other,
    verdict,
)
from checks.urls import parse_web


class ContactInputs(Inputs):
    phrases: Patterns = patterns("postal addresses", required=False)
    cues: Patterns = patterns("words that make a bare short number (a 3-digit line) an instruction", required=False)


class ContactWords(Words):
    what: str  # "Contact information"
    found: str  # "Gives general contact information"; the kinds found are added
    missing: str


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


def _short_hits(text: str, policy: Policy, item: str) -> list[tuple[int, int, str]]:
    out = []
    for entry in policy.spec.phones.short:
        digits = r"[-. ]?".join(re.sub(r"\D", "", entry.number))  # 101 or 1-0-1
        for m in re.finditer(rf"(?<![\d-]){digits}(?![\d-])", text):
            lo = max(0, m.start() - 60)
            if any(cue.search(text[lo:m.end() + 40]) for cue in policy.item(item).cues):
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


def _spans(block: TextBlock, text: str, policy: Policy, budget: _Budget, item: str) -> list[tuple[int, int, str]]:
    spans = _phone_hits(text, policy, budget) + _short_hits(text, policy, item)
    spans += [(m.start(), m.end(), "e-mail address") for m in _EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), "postal address") for p in policy.item(item).phrases
              for m in p.finditer(text)]
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


def run(item: str, snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    if (early := gate(item, snapshot)) is not None:
        return early
    identity = identity_.of(snapshot, policy, identity)
    found: list[tuple[str, Evidence]] = []
    reviews: list[tuple[Evidence, str]] = []
    feed_hits, other_hits = [], []
    budget = _Budget()
    for block in snapshot.texts:
        text = block_text(block)
        for start, end, label in _spans(block, text, policy, budget, item):
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
    words = policy.item(item).words
    missing = words.missing
    passes = [e for _, e in found]
    if found and identity.kind == "other_agency":  # another agency's details on its own page
        missing = f"The contact details in the profile ({kinds}) are not {policy.name}'s: {identity.reason}"
        passes = []
    elif found and identity.kind != "own":
        reviews += [(e, f"contact details were found ({kinds}), but {identity.reason}; they count only on a page "
                        f"that presents itself as {policy.name}'s") for e in passes]
        passes = []
    if not found and not reviews:
        reviews = review_other(other_hits, words.what)
    return verdict(
        item, snapshot, passes=passes, reviews=reviews,
        found=f"{words.found} ({kinds})", missing=missing,
        notes=feed_note(feed_hits, words.what), parts=PARTS,
        unread=f"more than {_MAX_PHONE_CANDIDATES} number-like runs were found, and only those were read "
               "as phone numbers" if budget.spent else "",
    )


KIND = Kind("contact_information", "general contact information (phone, e-mail, postal address, contact page)",
            ContactInputs, ContactWords, run)
