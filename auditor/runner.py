"""Run an audit: registry + policy -> collect each account -> checks -> AuditRun.

Every account in the registry ends up in the AuditRun whatever happens to it: a crash while
collecting one account becomes that account's ``error``, never a missing row.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import checks
from auditor import __version__, attestations, health
from auditor.collect import har
from auditor.collect.browser import BrowserSession
from auditor.collect.collector import CollectOptions, collect
from auditor.collect.platforms import prewarm
from auditor.errors import AuditorError, ToolError
from auditor.fsutil import write_atomic
from auditor.isolate import Overran, WorkerFailed, first_line, run_isolated
from auditor.models import Account, AccountResult, AuditRun, ItemResult, LoadSummary, Snapshot, Wall
from auditor.policy import Policy
from auditor.status import account_status, count_statuses

SCHEMA_VERSION = "1.0"


@dataclass
class AuditOptions:
    out_dir: Path
    registry_path: str = ""
    replay_har: Path | None = None
    record_har: Path | None = None
    browser: str | None = None
    page_timeout_s: float = 30.0
    concurrency: int | None = None  # None: default_concurrency() for this kind of run
    screenshots: bool = True
    block: frozenset[str] = frozenset({"media", "font"})
    keep_pages: bool = False  # write each page's rendered HTML to <out>/pages/ (for the evidence archive)
    deadline_s: float | None = None  # --deadline: stop as on SIGTERM after this many seconds


def default_concurrency(replay: bool = False) -> int:
    """Accounts loaded at once. A live run waits on the network, so two contexts a core keep
    Chromium busy; a replay waits on nothing and is CPU-bound, where extra contexts only contend
    (measured on 2 cores, 100 replayed accounts: 2.19 accounts/s at 1, 1.84 at 2, 1.61 at 4)."""
    cores = os.cpu_count() or 1
    return max(1, cores // 2) if replay else max(2, min(8, 2 * cores))


Progress = Callable[[AccountResult], None]


def judge(account: Account, snapshot: Snapshot, policy: Policy) -> AccountResult:
    """Pure: whose page it is, the policy's checks on that (then the account's manual attestations),
    and the account status; the result records the identity and what the collector saw."""
    identity = checks.decide_identity(snapshot, policy)
    items = attestations.apply(account, checks.run_all(snapshot, policy, identity))
    return AccountResult(
        id=account.id, name=account.name, url=account.url, platform=account.platform,
        element=account.element, owner=account.owner, status=account_status(snapshot, items), items=items,
        load=LoadSummary(outcome=snapshot.load.outcome, wall=snapshot.load.wall, reason=snapshot.load.reason,
                         http_status=snapshot.load.http_status, final_url=snapshot.final_url,
                         elapsed_ms=snapshot.load.elapsed_ms),
        screenshot=snapshot.screenshot, attestations=account.attestations,
        language=account.language, identity=identity, coverage=snapshot.coverage,
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build_run(results: list[AccountResult], policy: Policy, registry: str, started: str,
              elapsed_s: float) -> AuditRun:
    return AuditRun(schema_version=SCHEMA_VERSION, tool_version=__version__, started_at=started,
                    finished_at=now(), duration_s=round(elapsed_s, 2), registry=registry, policy_id=policy.id,
                    policy_name=policy.name, counts=count_statuses(results), accounts=results, policy=policy.info())


UNFINISHED = "the run was interrupted before this account was audited"


class RunFailed(ToolError):
    """The tool itself failed mid-run (a bug, not a page): ``run`` holds every account, those done
    as judged and the rest as ``error`` naming the failure, so the outputs can still be written."""

    def __init__(self, message: str, run: AuditRun) -> None:
        super().__init__(message)
        self.run = run


def error_result(account: Account, reason: str, policy: Policy) -> AccountResult:
    """An account whose audit failed, built without running anything that could fail again: every
    item of the run's policy is ``error``."""
    items = {item: ItemResult(item=item, status="error", reason=f"Not judged: {reason}.")
             for item in policy.item_ids}
    return AccountResult(id=account.id, name=account.name, url=account.url, platform=account.platform,
                         element=account.element, owner=account.owner, status="unreachable", items=items,
                         load=LoadSummary(outcome="failed", wall="error_page", reason=reason),
                         attestations=account.attestations)


def _failed_result(account: Account, reason: str, policy: Policy, wall: Wall = "error_page") -> AccountResult:
    try:
        return judge(account, Snapshot.failed(account, reason, wall=wall), policy)
    except Exception:  # noqa: BLE001 - the checks themselves are broken: say so without them
        return error_result(account, reason, policy)


def _snapshot_json(snapshot: Snapshot) -> tuple[Snapshot, str]:
    """The snapshot and its JSON. Text the collector missed making valid Unicode is made so here."""
    try:
        return snapshot, snapshot.model_dump_json(indent=1)
    except ValueError:  # pydantic's serialisation error (e.g. an unencodable surrogate) is a ValueError
        from auditor.textnorm import valid_data

        fixed = Snapshot.model_validate(valid_data(snapshot.model_dump()))
        return fixed, fixed.model_dump_json(indent=1)


async def _judge_isolated(account: Account, snapshot: Snapshot, policy: Policy, budget: float) -> AccountResult:
    """The checks in a child process (auditor.isolate) with a time budget: a quadratic pattern on a
    hostile page costs this account an error, never the loop the other accounts run on."""
    try:
        return await run_isolated(lambda: judge(account, snapshot, policy), budget)
    except Overran:
        reason = f"the checks took longer than {budget:g} s on this account's page and were stopped"
    except WorkerFailed as exc:
        reason = f"the checks crashed on this account's page: {exc}"
    return _failed_result(account, reason, policy)


async def audit_one(session: BrowserSession, account: Account, policy: Policy, copts: CollectOptions,
                    snapshot_dir: Path, collect_budget: float, judge_budget: float) -> AccountResult:
    """Collect, save and judge one account. Whatever goes wrong is this account's error, named."""
    snapshot = await _collect_with_restart(session, account, copts, collect_budget)
    try:
        snapshot, text = _snapshot_json(snapshot)
        write_atomic(snapshot_dir / f"{account.id}.json", text)
    except Exception as exc:  # noqa: BLE001 - a full disk or a bug: this account's error
        return _failed_result(account, f"the snapshot could not be saved: {first_line(exc)}", policy)
    return await _judge_isolated(account, snapshot, policy, judge_budget)


async def _collect_with_restart(session: BrowserSession, account: Account, copts: CollectOptions,
                                budget: float) -> Snapshot:
    """Collect one account; a browser that died under it is restarted and the account tried once more,
    and so is an account whose load failed because another account's flood made the browser restart."""
    for attempt in (1, 2):
        generation = session.generation
        try:
            snapshot = await asyncio.wait_for(collect(session, account, copts), timeout=budget)
            if attempt == 1 and snapshot.load.outcome == "failed" and (
                    session.restarted_since(generation, account.id) or not session.alive):
                continue  # the browser went away under it (another's flood, a crash): not this page's fault
            return snapshot
        except TimeoutError:
            return Snapshot.failed(account, f"the account took longer than {budget:g} s and was stopped")
        except Exception as exc:  # noqa: BLE001 - one account's crash must not end the run
            if attempt == 1 and (not session.alive or session.restarted_since(generation, account.id)):
                await session.ensure_alive()
                continue
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            return Snapshot.failed(account, f"collection crashed: {type(exc).__name__}: {first}")
    raise AssertionError("unreachable")


async def _audit_async(accounts: list[Account], policy: Policy, options: AuditOptions,
                       progress: Progress | None, results: dict[str, AccountResult]) -> bool:
    record_dir = options.out_dir / ".har-parts" if options.record_har else None
    copts = CollectOptions(out_dir=options.out_dir, replay_har=options.replay_har, record_dir=record_dir,
                           page_timeout_s=options.page_timeout_s, screenshots=options.screenshots,
                           extract_budget_s=max(20.0, 2 * options.page_timeout_s),
                           block=options.block, pages_dir=options.out_dir / "pages" if options.keep_pages else None)
    snapshot_dir = options.out_dir / "snapshots"
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    gate = asyncio.Semaphore(max(1, options.concurrency or default_concurrency(options.replay_har is not None)))

    prewarm(a.platform for a in accounts)  # before any fork: each child then starts warm
    async with _browser(options.browser) as session:
        budget = options.page_timeout_s * 3 + 30  # profile + extra tabs + screenshot
        judge_budget = max(10.0, options.page_timeout_s)

        async def one(account: Account) -> None:
            async with gate:
                try:
                    result = await audit_one(session, account, policy, copts, snapshot_dir, budget, judge_budget)
                except Exception as exc:  # noqa: BLE001 - a bug of the tool: this account's error, named
                    result = error_result(account, f"the auditor failed on this account: {first_line(exc)}",
                                          policy)
                results[account.id] = result
                if progress:
                    with contextlib.suppress(Exception):
                        progress(result)

        interrupted = False
        try:
            await asyncio.gather(*(one(a) for a in accounts))
        except asyncio.CancelledError:  # Ctrl-C or SIGTERM: keep what is done, mark the rest
            interrupted = True
    if options.record_har and record_dir:
        har.merge([record_dir / f"{a.id}.har" for a in accounts], options.record_har)
    return interrupted


async def _main(accounts: list[Account], policy: Policy, options: AuditOptions,
                progress: Progress | None, results: dict[str, AccountResult]) -> bool:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    assert task is not None
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows / not main thread
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    # --deadline: the same stop as SIGTERM, before a CI job's own limit kills the process with nothing written.
    deadline = loop.call_later(options.deadline_s, _deadline_reached, task, options.deadline_s) \
        if options.deadline_s else None
    try:
        inner = asyncio.ensure_future(_audit_async(accounts, policy, options, progress, results))
        try:
            return await asyncio.shield(inner)
        except asyncio.CancelledError:
            inner.cancel()  # let the run mark unfinished accounts and close the browser
            return await inner
    finally:
        if deadline is not None:
            deadline.cancel()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)


class BrowserNotStarted(ToolError):
    """Chromium could not be found or launched: no account can be read (run health says so)."""


@contextlib.asynccontextmanager
async def _browser(executable: str | None) -> AsyncIterator[BrowserSession]:
    try:
        session = await BrowserSession(executable).__aenter__()
    except ToolError as exc:
        raise BrowserNotStarted(str(exc)) from exc
    try:
        yield session
    finally:
        await session.__aexit__(None, None, None)


def _deadline_reached(task: asyncio.Task, seconds: float) -> None:
    print(f"auditor: --deadline reached ({seconds:g} s): stopping; unfinished accounts are marked", file=sys.stderr)
    task.cancel()


def audit(accounts: list[Account], policy: Policy, options: AuditOptions,
          progress: Progress | None = None) -> AuditRun:
    """Audit the accounts. An interrupted run (Ctrl-C, SIGTERM) still returns every account,
    the unfinished ones marked as such; ``run.interrupted`` says so. A browser that cannot start
    gives every account that reason (outputs are still written; run health says why). A failure of
    the tool itself mid-run raises RunFailed carrying the run (accounts done as judged, the rest
    naming it)."""
    started, t0 = now(), time.monotonic()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, AccountResult] = {}
    failure = ""
    try:
        interrupted = asyncio.run(_main(accounts, policy, options, progress, results))
    except BrowserNotStarted as exc:  # no account can be read: each says why; run health says it once
        reason = f"{health.NOT_STARTED}: {exc}"
        for a in accounts:
            results[a.id] = judge(a, Snapshot.failed(a, reason, wall="unfinished"), policy)
        interrupted = False
    except AuditorError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug of the tool: keep what is done, name it
        interrupted, failure = False, first_line(exc)
    unfinished = f"the auditor itself failed before this account was audited: {failure}" if failure else UNFINISHED
    for a in accounts:
        if a.id not in results:
            results[a.id] = _failed_result(a, unfinished, policy, "error_page" if failure else "unfinished")
    run = build_run([results[a.id] for a in accounts], policy, options.registry_path, started,
                    time.monotonic() - t0)
    run.interrupted = interrupted
    if failure:
        raise RunFailed(f"the auditor itself failed during the run: {failure}", run)
    return run
