"""Splitting a registry across CI jobs (``--shard K/N``) and merging the shards' results.

A shard is chosen by a hash of the account id, so an account stays in the same shard when others
are added or removed, and the N shards together hold every account exactly once.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from pathlib import Path

from auditor.errors import InputError
from auditor.models import Account, AccountResult, AuditRun, Snapshot
from auditor.outputs import results_json
from auditor.policy import Policy
from auditor.status import count_statuses

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text: str) -> tuple[int, int]:
    m = _SHARD.match(text.strip())
    if not m or not (1 <= int(m.group(1)) <= int(m.group(2))):
        raise InputError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(m.group(1)), int(m.group(2))


def shard_of(account_id: str, n: int) -> int:
    """1-based shard of an account among n."""
    digest = hashlib.sha256(account_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def select_shard(accounts: list[Account], k: int, n: int) -> list[Account]:
    return [a for a in accounts if shard_of(a.id, n) == k]


MISSING_SHARD = "no shard's results include this account (a shard job failed or its results were not passed to merge)"


def _missing(registered: list[Account], seen: dict[str, Path], policy: Policy) -> list[AccountResult]:
    """Registered accounts no shard reported: unreachable with the reason, never silently left out
    (a CI shard job may have died)."""
    from auditor.runner import judge

    missing = [a for a in registered if a.id not in seen]
    if missing:
        print(f"auditor: {len(missing)} registered account(s) missing from the shards: "
              f"{', '.join(a.id for a in missing)}", file=sys.stderr)
    return [judge(a, Snapshot.failed(a, MISSING_SHARD, wall="unfinished"), policy) for a in missing]


def merge_runs(dirs: list[Path], out: Path, registered: list[Account] | None, policy: Policy) -> AuditRun:
    """One AuditRun from shard output directories, as if from one run; screenshots and snapshots
    are copied into ``out``. With the registry, the accounts are in its order and every registered
    account is there."""
    runs: list[tuple[Path, AuditRun]] = []
    for d in dirs:
        path = d / "results.json"
        if not path.is_file():
            raise InputError(f"{path}: not found: every merged directory must hold a finished run's results.json")
        try:
            runs.append((d, results_json.read(path)))
        except ValueError as exc:
            raise InputError(f"{path}: not a valid results.json: {str(exc).splitlines()[0]}") from None
    if not runs:
        raise InputError("merge: give at least one results directory")
    first = runs[0][1]
    seen: dict[str, Path] = {}
    accounts = []
    for d, run in runs:
        if (run.schema_version, run.policy_id) != (first.schema_version, first.policy_id):
            raise InputError(f"{d}: policy {run.policy_id} / schema {run.schema_version} differs from "
                             f"{runs[0][0]} ({first.policy_id} / {first.schema_version}); shards must match")
        for a in run.accounts:
            if a.id in seen:
                raise InputError(f"{d}: account '{a.id}' is also in {seen[a.id]}: shards overlap")
            seen[a.id] = d
            accounts.append(a)
        if out.resolve() != d.resolve():
            for sub in ("screenshots", "snapshots"):
                if (d / sub).is_dir():
                    shutil.copytree(d / sub, out / sub, dirs_exist_ok=True)
    if registered:
        accounts += _missing(registered, seen, policy)
        rank = {a.id: i for i, a in enumerate(registered)}
        accounts.sort(key=lambda a: rank.get(a.id, len(rank)))
    return first.model_copy(update={
        "started_at": min(r.started_at for _, r in runs),
        "finished_at": max(r.finished_at for _, r in runs),
        "duration_s": max(r.duration_s for _, r in runs),
        "interrupted": any(r.interrupted for _, r in runs),
        "counts": count_statuses(accounts),
        "accounts": accounts,
    })
