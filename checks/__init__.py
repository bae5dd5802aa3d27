"""The generic check kinds. A policy's items name a kind and give it inputs and words.

Each kind module declares ``KIND`` (its input and word models, validated by the policy loader)
and a pure ``run(item, snapshot, policy) -> ItemResult``. Nothing here imports a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial

from auditor.models import ItemResult, Snapshot
from auditor.policy import ItemMeta, Policy

# Modules keep the names of the items they were first written for; each declares its generic kind.
from checks import (
    agency_statement,
    document_link,
    emergency_contact,
    general_contact,
    not_monitored_disclaimer,
    not_visible,
    website_link,
)
from checks._kind import Kind

KINDS: dict[str, Kind] = {
    m.KIND.name: m.KIND
    for m in (agency_statement, not_monitored_disclaimer, emergency_contact, website_link, general_contact,
              document_link, not_visible)
}


def run_item(item: str, snapshot: Snapshot, policy: Policy) -> ItemResult:
    """One item, by the kind its policy declares."""
    return policy.kinds[item].run(item, snapshot, policy)


def run_all(snapshot: Snapshot, policy: Policy) -> dict[str, ItemResult]:
    """Every item of the policy, in its order. A check that raises gives that item ``error``; the others still run."""
    out: dict[str, ItemResult] = {}
    for item in policy.item_ids:
        try:
            out[item] = run_item(item, snapshot, policy)
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            out[item] = ItemResult(item=item, status="error",
                                   reason=f"The check itself failed: {type(exc).__name__}: {exc}")
    return out


class _Builtin(Mapping[str, object]):
    """item id -> value for the built-in policy's items (for tests and callers that predate policies)."""

    def __init__(self, make: Callable[[Policy, str], object]) -> None:
        self._make = make

    @staticmethod
    def _policy() -> Policy:
        from auditor.policy import load_policy

        global _DEFAULT
        if _DEFAULT is None:
            _DEFAULT = load_policy()
        return _DEFAULT

    def __getitem__(self, item: str) -> object:
        policy = self._policy()
        if item not in policy.spec.items:
            raise KeyError(item)
        return self._make(policy, item)

    def __iter__(self) -> Iterator[str]:
        return iter(self._policy().item_ids)

    def __len__(self) -> int:
        return len(self._policy().item_ids)


_DEFAULT: Policy | None = None
# RUNNERS[item](snapshot, policy) and META[item]: the built-in policy's items.
RUNNERS: Mapping[str, Callable[[Snapshot, Policy], ItemResult]] = _Builtin(  # type: ignore[assignment]
    lambda _p, item: partial(run_item, item))
META: Mapping[str, ItemMeta] = _Builtin(lambda p, item: p.meta(item))  # type: ignore[assignment]
