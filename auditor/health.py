"""Run health: did the run itself do its job? Decided here, once, from the run's own data.

Account health (compliant, unreachable ...) says what the auditor found; run health says whether
it could look at all. A run is not complete when every account failed for the same network
reason (no network, names not resolved), the browser could not start, a shard's results are
missing from a merge, or the run was interrupted. The CLI's exit code, the report's and the mail's
banner, the mail subject and history all read ``AuditRun.health``; none of them decides it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from auditor.models import AccountResult, AuditRun, RunHealth

# The reason recorded for every account when the browser could not be started (runner.py).
NOT_STARTED = "not audited: the browser could not start"
# Chromium errors that say the machine running the audit has no usable network, when every
# account shows one (one account that does not resolve is that account's problem).
NETWORK_CODES = frozenset({
    "ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED", "ERR_INTERNET_DISCONNECTED",
    "ERR_ADDRESS_UNREACHABLE", "ERR_NETWORK_CHANGED", "ERR_NETWORK_ACCESS_DENIED",
    "ERR_PROXY_CONNECTION_FAILED", "ERR_TUNNEL_CONNECTION_FAILED", "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_TIMED_OUT", "ERR_NETWORK_IO_SUSPENDED",
})
MIN_ACCOUNTS_FOR_OUTAGE = 2  # a one-account run that fails to resolve is that account's problem
_CODE = re.compile(r"\b(ERR_[A-Z0-9_]+)\b")


def _missing_shard(a: AccountResult) -> bool:
    from auditor.shard import MISSING_SHARD

    return a.load.wall == "unfinished" and a.load.reason == MISSING_SHARD


def _network_code(a: AccountResult) -> str | None:
    if a.load.outcome != "failed":
        return None
    m = _CODE.search(a.load.reason)
    return m.group(1) if m and m.group(1) in NETWORK_CODES else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def assess(accounts: Sequence[AccountResult], interrupted: bool = False) -> RunHealth:
    """The run's health from its accounts and whether it was interrupted."""
    n = len(accounts)
    if n and all(a.load.reason.startswith(NOT_STARTED) for a in accounts):
        cause = accounts[0].load.reason[len(NOT_STARTED):].lstrip(": ")
        return RunHealth(complete=False, reason="the browser could not start",
                         detail=f"The browser could not start, so no account was read{f': {cause}' if cause else ''}."
                                " Fix the browser set-up and run the audit again.")
    codes = [_network_code(a) for a in accounts]
    if n >= MIN_ACCOUNTS_FOR_OUTAGE and all(codes):
        code, _ = Counter(codes).most_common(1)[0]
        example = next(a.load.reason for a in accounts if _network_code(a) == code)
        return RunHealth(complete=False, reason="no network",
                         detail=f"Every one of the {n} accounts failed for a network reason (mostly {code}; e.g. "
                                f"{example}). The machine that ran the audit has no usable network or name "
                                "resolution, so no account was read. Run the audit again when the network works.")
    missing = [a for a in accounts if _missing_shard(a)]
    if missing:
        return RunHealth(complete=False, reason=f"results of {_plural(len(missing), 'account')} missing",
                         detail=f"The results of {_plural(len(missing), 'account')} "
                                f"({', '.join(a.id for a in missing[:10])}{', ...' if len(missing) > 10 else ''}) "
                                "are missing from the merged shards: a shard job failed or its results were not "
                                "passed to merge. Those accounts were not read this time.")
    if interrupted:
        unfinished = sum(1 for a in accounts if a.load.wall == "unfinished")
        return RunHealth(complete=False, reason="interrupted",
                         detail=f"The run was interrupted (Ctrl-C or SIGTERM) before it finished: "
                                f"{_plural(unfinished, 'account')} of {n} were not read this time.")
    return RunHealth()


def of_run(run: AuditRun) -> RunHealth:
    return assess(run.accounts, run.interrupted)


def was_read(a: AccountResult) -> bool:
    """The account's page was loaded and read (in part or in full): its items say something."""
    return a.load.outcome != "failed"
