"""Progress while auditing: a rich bar on a terminal, one plain line per account otherwise (CI logs).

Both print the same per-account line (``[3/24] mpd-x: non_compliant (pass=5 fail=1)``); on a
terminal it scrolls above the bar. Output goes to stderr so stdout stays free for tools.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from auditor.models import AccountResult


def account_line(result: AccountResult, done: int, total: int) -> str:
    counts = {s: sum(1 for r in result.items.values() if r.status == s) for s in ("pass", "fail", "review", "error")}
    summary = " ".join(f"{k}={v}" for k, v in counts.items() if v)
    attested = sum(1 for r in result.items.values() if r.attestation and r.status == "pass")
    extra = f", {attested} attested" if attested else ""
    return f"[{done}/{total}] {result.id}: {result.status} ({summary}{extra})"


class AuditProgress:
    """Use as ``with AuditProgress(n) as p: audit(..., progress=p)``."""

    def __init__(self, total: int, stream: TextIO | None = None, terminal: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        is_tty = self.stream.isatty() if terminal is None else terminal
        self._bar: Progress | None = None
        if is_tty:
            console = Console(file=self.stream, force_terminal=True, highlight=False)
            self._bar = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.description}"), console=console, transient=True)
            self._task = self._bar.add_task("", total=total)

    def __enter__(self) -> AuditProgress:
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar:
            self._bar.stop()

    def __call__(self, result: AccountResult) -> None:
        self.done += 1
        line = account_line(result, self.done, self.total)
        if self._bar:
            self._bar.console.print(line, markup=False)
            self._bar.update(self._task, advance=1, description=result.id)
        else:
            print(line, file=self.stream, flush=True)
