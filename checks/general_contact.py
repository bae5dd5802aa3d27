"""Kind ``contact_information``: general contact information for the agency.

Accepts, in the account's own profile: a non-emergency phone number (any valid number for the
policy's region, found with phonenumbers; the policy's own numbers are named), a short
non-emergency line from the policy's ``phones.short`` with one of the item's ``cues`` near it,
an e-mail address, a postal address (the item's ``phrases``), or a contact page on a policy
``website.contact_domains`` domain.

Never accepts: the emergency number alone (that is an emergency instruction), a "DM us" without
an address, or contact details that only appear in a feed post.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import phonenumbers

from auditor.models import Evidence, ItemResult, Snapshot
from auditor.policy import Policy
from auditor.textnorm import normalise
from checks._kind import Inputs, Kind, Patterns, Words, patterns
from checks._support import Hit, feed_note, gate, review_other, verdict


class ContactInputs(Inputs):
    phrases: Patterns = patterns("postal addresses", required=False)
    cues: Patterns = patterns("words that make a bare short number (a 3-digit line) an instruction", required=False)


class ContactWords(Words):
    what: str  # "Contact information"
    found: str  # "Gives general contact information"; the kinds found are added
    missing: str


_EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_CONTACT_TOKEN = re.compile(r"\S*contact\S*", re.I)  # only words that could be a contact-page address


def _phone_hits(text: str, policy: Policy) -> list[tuple[int, int, str]]:
    out = []
    for m in phonenumbers.PhoneNumberMatcher(text, policy.region, leniency=phonenumbers.Leniency.VALID):
        if policy.is_emergency_number(m.raw_string):
            continue
        e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        label = policy.known_phones.get(e164, "phone number")
        out.append((m.start, m.end, label))
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
    number = unquote(target[4:]).split(";")[0]
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
    try:
        parts = urlsplit(url if "//" in url else "https://" + url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    on_domain = any(host == d or host.endswith("." + d) for d in policy.spec.website.contact_domains)
    return on_domain and "contact" in parts.path.lower()


def run(item: str, snapshot: Snapshot, policy: Policy) -> ItemResult:
    if (early := gate(item, snapshot)) is not None:
        return early
    found: list[tuple[str, Evidence]] = []
    feed_hits, other_hits = [], []
    for block in snapshot.texts:
        text = normalise(block.text)
        spans = _phone_hits(text, policy) + _short_hits(text, policy, item)
        spans += [(m.start(), m.end(), "e-mail address") for m in _EMAIL.finditer(text)]
        spans += [(m.start(), m.end(), "postal address") for p in policy.item(item).phrases
                  for m in p.finditer(text)]
        spans += [(m.start(), m.end(), "contact page") for m in _CONTACT_TOKEN.finditer(text)
                  if _contact_url(m.group(0), policy)]
        for start, end, label in spans:
            hit = Hit(block, text, start, end)
            if block.region == "feed":
                feed_hits.append(hit)
            elif block.region == "other":
                other_hits.append(hit)
            else:
                found.append((label, hit.evidence()))
    for link in snapshot.links:
        target = link.target.strip()
        kind = ("e-mail address" if target.lower().startswith("mailto:") and "@" in target else
                _tel_label(target, policy) if target.lower().startswith("tel:") else
                "contact page" if _contact_url(target, policy) else None)
        if kind and link.region not in ("feed", "other"):
            found.append((kind, Evidence(quote=link.text or link.href, match=link.target, region=link.region,
                                         url=link.url, source=link.source)))
    kinds = list(dict.fromkeys(label for label, _ in found))
    words = policy.item(item).words
    return verdict(
        item, snapshot, passes=[e for _, e in found],
        reviews=review_other(other_hits, words.what) if not found else [],
        found=f"{words.found} (" + ", ".join(kinds) + ")",
        missing=words.missing,
        notes=feed_note(feed_hits, words.what),
    )


KIND = Kind("contact_information", "general contact information (phone, e-mail, postal address, contact page)",
            ContactInputs, ContactWords, run)
