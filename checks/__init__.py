"""The six II.C.3 checks, one module each, in the General Order's order.

Each module has ``META`` (what it enforces, accepts, never accepts, how to fix) and a pure
``run(snapshot, policy) -> ItemResult``. Nothing here imports a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from auditor.models import ITEM_IDS, ItemResult, Snapshot
from auditor.policy import Policy
from checks import (
    emergency_contact,
    general_contact,
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
RUNNERS: dict[str, Callable[[Snapshot, Policy], ItemResult]] = {item: m.run for item, m in MODULES.items()}


def run_all(snapshot: Snapshot, policy: Policy) -> dict[str, ItemResult]:
    """All six results. A check that raises gives that item ``error``; the others still run."""
    out: dict[str, ItemResult] = {}
    for item, run in RUNNERS.items():
        try:
            out[item] = run(snapshot, policy)
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            out[item] = ItemResult(item=item, status="error",
                                   reason=f"The check itself failed: {type(exc).__name__}: {exc}")
    return out
