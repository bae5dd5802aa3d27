"""The six II.C.3 checks, one module each, in the General Order's order.

Each module has ``META`` (what it enforces, accepts, never accepts, how to fix), ``PARTS`` (the
profile parts its item can live in: it fails only when all were seen) and a pure
``run(snapshot, policy, identity=None) -> ItemResult``. Nothing here imports a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from auditor.models import ITEM_IDS, Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks import (
    emergency_contact,
    general_contact,
    identity,
    maintained_by,
    not_monitored_disclaimer,
    official_statement,
    website_link,
)
from checks._support import Meta

MODULES: dict[str, ModuleType] = {
    m.META.id: m
    for m in (official_statement, maintained_by, not_monitored_disclaimer, emergency_contact,
              website_link, general_contact)
}
assert tuple(MODULES) == ITEM_IDS, "check modules must match the item ids, in order"

META: dict[str, Meta] = {item: m.META for item, m in MODULES.items()}
RUNNERS: dict[str, Callable[..., ItemResult]] = {item: m.run for item, m in MODULES.items()}


def decide_identity(snapshot: Snapshot, policy: Policy) -> Identity:
    """Whose page this is (checks/identity.py); a failure to decide is ``unclear``, never a crash."""
    try:
        return identity.decide(snapshot, policy)
    except Exception as exc:  # noqa: BLE001 - the checks still run, and nothing passes on "unclear"
        return Identity(kind="unclear", reason=f"deciding whose page this is failed: {type(exc).__name__}: {exc}")


def run_all(snapshot: Snapshot, policy: Policy, who: Identity | None = None) -> dict[str, ItemResult]:
    """All six results, on one decision of whose page this is (``who``, decided here when not
    given). A check that raises gives that item ``error``; the others still run."""
    who = who if who is not None else decide_identity(snapshot, policy)
    out: dict[str, ItemResult] = {}
    for item, run in RUNNERS.items():
        try:
            out[item] = run(snapshot, policy, who)
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            out[item] = ItemResult(item=item, status="error",
                                   reason=f"The check itself failed: {type(exc).__name__}: {exc}")
    return out
