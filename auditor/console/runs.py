"""Past runs: folders of the evidence archive when there is one, else of the console's output root.

A run id from a URL is never joined onto a path: it must match the strict pattern of the folder
names the tool itself writes (a UTC timestamp), and then it is looked up among the folders that a
directory listing found. ``../``, encoded or not, names no run.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from auditor.models import AccountResult, AuditRun
from auditor.outputs import results_json

RUN_ID = re.compile(r"\d{8}T\d{6}Z(?:-\d{1,4})?")
DOWNLOADS = {"results.json": "application/json", "junit.xml": "application/xml"}


@dataclass(frozen=True)
class RunRef:
    id: str
    folder: Path


class RunStore:
    """Lists run folders and reads their results.json (cached by modification time)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Path, tuple[int, AuditRun | None]] = {}
        self._lock = threading.Lock()

    def refs(self) -> list[RunRef]:
        """Every finished run, oldest first (names are UTC timestamps, so they sort by time)."""
        if not self.root.is_dir():
            return []
        found = [RunRef(p.name, p) for p in self.root.iterdir()
                 if RUN_ID.fullmatch(p.name) and p.is_dir() and not p.is_symlink()
                 and (p / "results.json").is_file()]
        return sorted(found, key=lambda r: r.id)

    def find(self, run_id: str) -> RunRef | None:
        if not RUN_ID.fullmatch(run_id):
            return None
        return next((r for r in self.refs() if r.id == run_id), None)

    def load(self, ref: RunRef) -> AuditRun | None:
        """The run's results, or None when its results.json is unreadable."""
        path = ref.folder / "results.json"
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        with self._lock:
            hit = self._cache.get(path)
            if hit and hit[0] == stamp:
                return hit[1]
        try:
            run: AuditRun | None = results_json.read(path)
        except (OSError, ValueError):
            run = None
        with self._lock:
            self._cache[path] = (stamp, run)
        return run

    def runs(self) -> list[tuple[RunRef, AuditRun]]:
        return [(r, run) for r in self.refs() if (run := self.load(r)) is not None]

    def previous(self, ref: RunRef) -> tuple[RunRef, AuditRun] | None:
        """The readable run just before ``ref``."""
        before = [(r, run) for r, run in self.runs() if r.id < ref.id]
        return before[-1] if before else None

    def history(self, account_id: str) -> list[tuple[RunRef, AuditRun, AccountResult]]:
        """Each run that audited the account, oldest first."""
        out = []
        for r, run in self.runs():
            a = next((a for a in run.accounts if a.id == account_id), None)
            if a is not None:
                out.append((r, run, a))
        return out

    def latest_results(self) -> dict[str, tuple[RunRef, AccountResult]]:
        """For each account id, its result in the newest run that audited it."""
        out: dict[str, tuple[RunRef, AccountResult]] = {}
        for r, run in self.runs():
            for a in run.accounts:
                if a.load.wall != "unfinished":
                    out[a.id] = (r, a)
        return out
