"""Run one account's CPU work (parsing its pages, judging it) where a runaway cannot stall the run.

A thread is not enough: a backtracking regular expression holds the GIL for its whole search, so
while it runs the event loop, every other account, timers and the SIGTERM handler all stop (a
40 KB bio against ``\\S*contact\\S*`` froze the whole process for 20 s). Each piece of work runs
in a forked child instead: the parent's event loop goes on, a child that overruns its budget is
killed (nothing is left burning CPU, nothing is waited for at exit), and Ctrl-C / SIGTERM kill it
too. The child inherits its inputs by fork (nothing to pickle going in) and sends back a pickle.

Where ``os.fork`` does not exist the work runs in a daemon thread: the budget still ends the
account, but a runaway regex can then stall the loop while it lasts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Overran(Exception):
    """The work took longer than its budget and was stopped."""


class WorkerFailed(Exception):
    """The work raised (the message names the exception) or its process died."""


def first_line(exc: BaseException) -> str:
    """The exception as "Type: first line of its message" (the type alone when it has none)."""
    text = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _child(fn: Callable[[], object], w: int) -> None:
    """In the forked child: run, send the outcome, exit without running any of the parent's clean-up."""
    try:
        with contextlib.suppress(ValueError):  # only the main thread may; then it is the main thread's loop
            signal.set_wakeup_fd(-1)  # never wake the parent's event loop with our signals
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides, and kills us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            data = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which names it
            data = pickle.dumps((False, first_line(exc)))
        view = memoryview(data)
        while view:
            view = view[os.write(w, view):]
    finally:
        os._exit(0)


async def _read_all(fd: int) -> bytes:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes] = loop.create_future()
    chunks: list[bytes] = []

    def readable() -> None:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError as exc:
            chunk = b""
            if not done.done():
                done.set_exception(exc)
        if chunk:
            chunks.append(chunk)
            return
        loop.remove_reader(fd)
        if not done.done():
            done.set_result(b"".join(chunks))

    os.set_blocking(fd, False)
    loop.add_reader(fd, readable)
    try:
        return await done
    finally:
        loop.remove_reader(fd)


def _reap(pid: int, kill: bool) -> None:
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


async def run_isolated(fn: Callable[[], T], budget_s: float) -> T:
    """``fn()`` in a forked child, its result returned; Overran after ``budget_s`` (the child is
    killed), WorkerFailed when it raised or died. Cancelling the caller kills the child."""
    if not hasattr(os, "fork"):
        return await _in_daemon_thread(fn, budget_s)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        os.close(r)
        _child(fn, w)
    os.close(w)
    finished = False
    try:
        try:
            data = await asyncio.wait_for(_read_all(r), timeout=budget_s)
        except TimeoutError:
            raise Overran(f"took longer than {budget_s:g} s") from None
        finished = True
    finally:
        os.close(r)
        _reap(pid, kill=not finished)
    if not data:
        raise WorkerFailed("the worker process died")
    ok, payload = pickle.loads(data)
    if not ok:
        raise WorkerFailed(payload)
    return payload


async def _in_daemon_thread(fn: Callable[[], T], budget_s: float) -> T:
    """Fallback without fork: a daemon thread nobody joins (asyncio.to_thread's executor is joined at exit)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(ok: bool, value: object) -> None:
        if done.done():
            return
        if ok:
            done.set_result(value)  # type: ignore[arg-type]
        else:
            done.set_exception(WorkerFailed(value))

    def work() -> None:
        try:
            out: object = fn()
            ok = True
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            out, ok = first_line(exc), False
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting any more
            loop.call_soon_threadsafe(settle, ok, out)

    threading.Thread(target=work, daemon=True, name="auditor-work").start()
    try:
        return await asyncio.wait_for(done, timeout=budget_s)
    except TimeoutError:
        raise Overran(f"took longer than {budget_s:g} s") from None
