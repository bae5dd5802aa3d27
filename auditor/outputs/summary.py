"""A short Markdown summary of a finished run, for CI pages (GitHub's ``$GITHUB_STEP_SUMMARY``):
the counts, the accounts that need action with the items that are not a pass, unfinished accounts,
and what changed since the previous run (or that there was none)."""

from __future__ import annotations

from auditor.models import AuditRun
from auditor.outputs.email import subject
from auditor.status import STATUS_ORDER

STATUS_WORDS = {"non_compliant": "non-compliant", "unreachable": "unreachable", "needs_review": "needs review",
                "compliant": "compliant"}


def _cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown(run: AuditRun, letters: dict[str, str] | None = None) -> str:
    """The summary. ``letters`` maps item ids to their clause letter (a-f) as the report labels them."""
    letters = letters or {}
    c = run.counts
    lines = [f"## {subject(run)}", ""]
    if run.rechecked_at:
        lines += [f"Pages read {run.started_at}; re-judged from the saved snapshots {run.rechecked_at}.", ""]
    lines += ["| compliant | non-compliant | needs review | unreachable | total |",
              "| ---: | ---: | ---: | ---: | ---: |",
              f"| {c.get('compliant', 0)} | {c.get('non_compliant', 0)} | {c.get('needs_review', 0)} | "
              f"{c.get('unreachable', 0)} | {c.get('total', len(run.accounts))} |", ""]
    action = sorted((a for a in run.accounts if a.status != "compliant"), key=lambda a: STATUS_ORDER.index(a.status))
    if action:
        lines += ["### Accounts that need action", "", "| account | platform | status | items not passed |",
                  "| --- | --- | --- | --- |"]
        for a in action:
            if a.load.outcome == "failed":
                items = f"page not read: {a.load.reason}"
            else:
                items = ", ".join(f"{letters.get(i, '') + ' ' if letters.get(i) else ''}{i} {r.status}"
                                  for i, r in a.items.items() if r.status != "pass")
            lines.append(f"| {_cell(a.id)} ({_cell(a.name)}) | {_cell(a.platform)} | {STATUS_WORDS[a.status]} | "
                         f"{_cell(items)} |")
        lines.append("")
    unfinished = [a.id for a in run.accounts if a.load.wall == "unfinished"]
    if unfinished:
        lines += [f"**Not audited** (the run or a shard stopped before them): {', '.join(unfinished)}", ""]
    if run.changes is None:
        lines.append("What changed: no previous run to compare with.")
    else:
        ch = run.changes
        lines.append(f"Since the run of {ch.previous_started_at}: {len(ch.newly_failing)} item(s) newly failing, "
                     f"{len(ch.fixed)} fixed, {len(ch.still_failing)} still failing"
                     + (f"; accounts added: {', '.join(ch.accounts_added)}" if ch.accounts_added else "")
                     + (f"; accounts removed: {', '.join(ch.accounts_removed)}" if ch.accounts_removed else "")
                     + ".")
    return "\n".join(lines) + "\n"


def item_letters(run: AuditRun | None = None) -> dict[str, str]:
    """Each item's mark (its letter in the report's matrix), from the run's own policy (without a
    run: the built-in one's)."""
    from auditor.policy import load_policy, run_policy

    items = run_policy(run).items if run is not None else load_policy().info().items
    return {i.id: i.mark for i in items}
