"""From the item results of the policy to one account status."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.models import AccountResult, AccountStatus, ItemResult, Snapshot

STATUS_ORDER: tuple[AccountStatus, ...] = ("non_compliant", "unreachable", "needs_review", "compliant")


def count_statuses(accounts: Iterable[AccountResult]) -> dict[str, int]:
    """AuditRun.counts: accounts per status, worst first, and the total."""
    statuses = [a.status for a in accounts]
    return {**{s: statuses.count(s) for s in STATUS_ORDER}, "total": len(statuses)}


def account_status(snapshot: Snapshot, items: dict[str, ItemResult]) -> AccountStatus:
    """compliant: every item passes. non_compliant: any fail. unreachable: the page could not be read.
    needs_review: everything else (a wall, a negation, an ambiguous name, a check error)."""
    statuses = [r.status for r in items.values()]
    if snapshot.load.outcome == "failed" or (statuses and all(s == "error" for s in statuses)):
        return "unreachable"
    if "fail" in statuses:
        return "non_compliant"
    if all(s == "pass" for s in statuses):
        return "compliant"
    return "needs_review"
