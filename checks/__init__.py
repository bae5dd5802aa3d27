"""The generic check kinds. A policy's items name a kind and give it inputs and words.

Each kind module declares ``KIND`` (its input and word models, validated by the policy loader),
``PARTS`` (the profile parts its item can live in: it fails only when all were seen) and a pure
``run(item, snapshot, policy, identity=None) -> ItemResult``. Whose page it is (checks/identity.py)
is decided once per account and given to every kind. Nothing here imports a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial

from auditor.models import Identity, ItemResult, Snapshot
from auditor.policy import ItemMeta, Policy

# Modules keep the names of the items they were first written for; each declares its generic kind.
from checks import (
    agency_statement,
    document_link,
    emergency_contact,
    general_contact,
    identity,
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


def run_item(item: str, snapshot: Snapshot, policy: Policy, who: Identity | None = None) -> ItemResult:
    """One item, by the kind its policy declares (``who``: whose page it is, decided here when not given)."""
    return policy.kinds[item].run(item, snapshot, policy, who)  # type: ignore[call-arg]


def decide_identity(snapshot: Snapshot, policy: Policy) -> Identity:
    """Whose page this is (checks/identity.py); a failure to decide is ``unclear``, never a crash."""
    try:
        return identity.decide(snapshot, policy)
    except Exception as exc:  # noqa: BLE001 - the checks still run, and nothing passes on "unclear"
        return Identity(kind="unclear", reason=f"deciding whose page this is failed: {type(exc).__name__}: {exc}")


def run_all(snapshot: Snapshot, policy: Policy, who: Identity | None = None) -> dict[str, ItemResult]:
    """Every item of the policy, in its order, on one decision of whose page this is (``who``,
    decided here when not given). A check that raises gives that item ``error``; the others still run."""
    who = who if who is not None else decide_identity(snapshot, policy)
    out: dict[str, ItemResult] = {}
    for item in policy.item_ids:
        try:
            out[item] = run_item(item, snapshot, policy, who)
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
