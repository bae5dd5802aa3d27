"""Kind ``not_visible``: an item the auditor cannot see (a logo, text inside an image).

Always ``review`` (``error`` when the page could not be loaded): a person looks and records an
attestation in the registry, which turns it into an attested pass until it expires. Never
``pass`` and never ``fail`` on what the auditor saw.
"""

from __future__ import annotations

from auditor.models import Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks._kind import Inputs, Kind, Words
from checks._support import gate


class NotVisibleInputs(Inputs):
    """No inputs: nothing to look for."""


class NotVisibleWords(Words):
    reason: str  # "The auditor cannot see logos: a person must confirm ... and record an attestation"


def run(item: str, snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    if (early := gate(item, snapshot)) is not None:
        return early
    return ItemResult(item=item, status="review", reason=policy.item(item).words.reason.rstrip(".") + ".")


KIND = Kind("not_visible", "an item the auditor cannot see: review unless a person attests it",
            NotVisibleInputs, NotVisibleWords, run, visible=False)
