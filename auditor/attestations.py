"""Manual attestations: a person recorded in sites.yaml that they verified an item by hand.

Some items sit where the auditor cannot look (a field shown only to logged-in users, text inside
an image). An unexpired attestation turns that item's ``fail`` or ``review`` into ``pass`` with
a reason that says who verified it and that the auditor did not; the report marks it "attested",
never as found. An expired attestation is ``review``: a person must check again. An item the
auditor found itself is left as it is, and an ``error`` (the page could not be loaded) is never
covered by an attestation: an account that cannot be reached may no longer exist.
"""

from __future__ import annotations

from datetime import date

from auditor.models import Account, Attestation, Evidence, ItemResult


def expired(att: Attestation, today: date) -> bool:
    return att.expires is not None and date.fromisoformat(att.expires) < today


def attested_reason(att: Attestation) -> str:
    note = f": {att.note}" if att.note else ""
    return f"Attested by {att.by} on {att.date}{note} (not verified by the auditor)"


def _evidence(att: Attestation) -> Evidence:
    where = f"sites.yaml line {att.line}" if att.line else "sites.yaml"
    return Evidence(quote=att.note or f"Verified by {att.by}", match="", region="attestation",
                    source=f"{where}; attested by {att.by} on {att.date}"
                           + (f", expires {att.expires}" if att.expires else ""))


def apply(account: Account, items: dict[str, ItemResult], today: date | None = None) -> dict[str, ItemResult]:
    """The item results with the account's attestations applied (a new dict; inputs untouched)."""
    today = today or date.today()
    out = dict(items)
    for att in account.attestations:
        r = out.get(att.item)
        if r is None or r.status in ("pass", "error"):
            continue
        if expired(att, today):
            out[att.item] = ItemResult(
                item=att.item, status="review", attestation=att, evidence=[*r.evidence, _evidence(att)],
                reason=(f"The attestation by {att.by} on {att.date} expired on {att.expires}: check the item by "
                        f"hand again and renew or remove the attestation. The auditor found: {r.reason}"))
        else:
            out[att.item] = ItemResult(item=att.item, status="pass", reason=attested_reason(att),
                                       evidence=[_evidence(att)], attestation=att)
    return out
