"""What changed since the previous run: newly failing, fixed, still failing, accounts added/removed.

"Failing" is any status but ``pass`` (fail, review, error): each needs someone to act. The
comparison is per item of each account present in both runs, in the current run's order. An
account whose page was not read, this time or the time before (no network, interrupted, a missing
shard, a page that did not load), is listed as "not read" and its items are not compared: an
outage is neither "newly failing" nor, in the next run, "fixed".
"""

from __future__ import annotations

from pathlib import Path

from auditor.errors import InputError
from auditor.health import was_read
from auditor.models import AuditRun, Changes, ItemChange
from auditor.outputs import results_json


def compare(previous: AuditRun, current: AuditRun, source: str = "") -> Changes:
    before = {a.id: a for a in previous.accounts}
    now_ids = {a.id for a in current.accounts}
    changes = Changes(previous_started_at=previous.started_at, previous_source=source,
                      accounts_added=[a.id for a in current.accounts if a.id not in before],
                      accounts_removed=[a.id for a in previous.accounts if a.id not in now_ids])
    for a in current.accounts:
        old = before.get(a.id)
        if old is None:
            continue
        if not was_read(a):
            changes.not_read.append(a.id)
            continue
        if not was_read(old):
            changes.not_read_before.append(a.id)
            continue
        for item in a.items:
            if item not in a.items or item not in old.items:
                continue
            was, now = old.items[item].status, a.items[item].status
            change = ItemChange(account=a.id, name=a.name, item=item, before=was, after=now,
                                attested=now == "pass" and a.items[item].attestation is not None)
            if was == "pass" and now != "pass":
                changes.newly_failing.append(change)
            elif was != "pass" and now == "pass":
                changes.fixed.append(change)
            elif now != "pass":
                changes.still_failing.append(change)
    return changes


def load_previous(path: Path) -> AuditRun:
    """A previous run's results.json (bad input if it is missing or not one)."""
    if path.is_dir():
        path = path / "results.json"
    if not path.is_file():
        raise InputError(f"{path}: --previous: results.json not found")
    try:
        return results_json.read(path)
    except ValueError as exc:
        raise InputError(f"{path}: --previous: not a valid results.json: {str(exc).splitlines()[0]}") from None


def summary_lines(c: Changes) -> list[str]:
    """Plain-text lines for the mail and the terminal."""
    def fmt(ch: ItemChange) -> str:
        after = "pass (attested, not verified by the auditor)" if ch.attested else ch.after
        return f"  - {ch.name} ({ch.account}): {ch.item.replace('_', ' ')}: {ch.before} -> {after}"

    lines = [f"Changes since the run of {c.previous_started_at}:"]
    unread = [f" Not read this time (not compared): {', '.join(c.not_read)}"] if c.not_read else []
    if c.not_read_before:
        unread.append(f" Not read in the previous run (not compared): {', '.join(c.not_read_before)}")
    if not (c.newly_failing or c.fixed or c.accounts_added or c.accounts_removed):
        lines.append("  nothing new" + (f"; {len(c.still_failing)} item(s) still need action"
                                        if c.still_failing else ""))
        return lines + unread
    for title, entries in (("Newly failing", c.newly_failing), ("Fixed", c.fixed)):
        if entries:
            lines.append(f" {title} ({len(entries)}):")
            lines += [fmt(ch) for ch in entries]
    if c.still_failing:
        lines.append(f" Still failing: {len(c.still_failing)} item(s)")
    if c.accounts_added:
        lines.append(f" Accounts added: {', '.join(c.accounts_added)}")
    if c.accounts_removed:
        lines.append(f" Accounts removed: {', '.join(c.accounts_removed)}")
    return lines + unread
