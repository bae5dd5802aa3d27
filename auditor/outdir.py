"""The output folder of one run: locked while the run writes, built aside and swapped in.

- **Lock.** ``OUT/.auditor.lock`` is held with ``fcntl.flock`` for the whole run; a second run
  into the same folder is refused at once (bad input, exit 2: nothing was audited) and names the
  run that holds it. The lock goes with the process, so a killed run never leaves it stuck.
- **Staging.** A run writes into ``OUT/.auditor-staging-XXXX/`` (inside ``OUT``: the same file
  system, so the swap is a rename, and only ``OUT`` needs to be writable). At the end, the files
  the tool owns (results.json, report.html, junit.xml, screenshots/, snapshots/, pages/, and a
  recorded pages.har) are swapped in; what the previous run swapped in (listed in
  ``OUT/.auditor-outputs``) and this run did not make goes, so ``OUT`` holds one run, never a
  mix. Anything else in ``OUT`` is left alone, and a run is refused up front (exit 2) when one of
  the names it writes holds something the tool did not write (``--out .`` in a folder with its
  own ``pages/``): it would be replaced.
- **What is kept.** The swap happens whenever this run's results.json was written: also for an
  interrupted run (exit 130) or one whose report could not be written (exit 3). When results.json
  itself could not be written, ``OUT`` keeps the previous run untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType

from auditor.errors import InputError, ToolError
from auditor.fsutil import why_not_written, write_atomic

LOCK = ".auditor.lock"
PUBLISHED = ".auditor-outputs"  # the names the last run swapped in, one a line
STAGING = ".auditor-staging-"
OLD = ".auditor-old-"
OWNED_DIRS = ("screenshots", "snapshots", "pages")
OWNED_FILES = ("junit.xml", "report.html", "results.json")  # results.json last: it is the record
# What the tool writes in its folders (write_atomic's temporary files start with a dot).
_OURS = {"screenshots": re.compile(r"[^/]+\.(jpg|png)"), "snapshots": re.compile(r"[^/]+\.json"),
         "pages": re.compile(r"[^/]+-\d+-[A-Za-z_]+\.html")}


def _ours(path: Path) -> bool:
    """``path`` looks written by the tool (an output folder of an earlier version, without the
    list of what it published): a plain file, or a flat folder of the files the tool names so."""
    if path.is_symlink():
        return False
    if path.name not in _OURS:
        return path.is_file()
    if not path.is_dir():
        return False
    with os.scandir(path) as entries:
        return all(e.is_file(follow_symlinks=False) and (e.name.startswith(".") or _OURS[path.name].fullmatch(e.name))
                   for e in entries)


class OutputDir:
    """``with OutputDir(out) as od:`` write into ``od.path``; ``od.publish()`` (or leaving the
    block) moves the run into ``out``. ``staged=False`` only locks (the run writes in place)."""

    def __init__(self, out: Path, staged: bool = True, option: str = "--out") -> None:
        self.final = Path(out)
        self.staged = staged
        self.option = option
        self.path = self.final
        self.published = False
        self._fd: int | None = None
        self._previous: set[str] = set()
        self._kept: set[str] = set()

    def __enter__(self) -> OutputDir:
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self.staged and not self.published:
                with contextlib.suppress(ToolError):  # the error that ended the run is the one to report
                    self.publish()
        finally:
            self.close()

    def open(self) -> None:
        out, opt = self.final, self.option
        if out.exists() and not out.is_dir():
            raise ToolError(f"{opt} {out}: is a file, not a folder; nothing was audited. Give a folder for the outputs")
        try:
            out.mkdir(parents=True, exist_ok=True)
            fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise ToolError(f"{opt} {out}: {why_not_written(out, exc)}; nothing was audited") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise InputError(f"{opt} {out}: another auditor run is writing to this folder ({holder}); "
                             f"nothing was audited. Wait for it to finish, or give another {opt}") from None
        self._fd = fd
        with contextlib.suppress(OSError):  # who holds it, for the message of a refused run (a full disk: unsaid)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n".encode(), 0)
        for leftover in [*out.glob(STAGING + "*"), *out.glob(OLD + "*")]:  # of runs that were killed
            shutil.rmtree(leftover, ignore_errors=True)
        if self.staged:
            self._check_owned()
            try:
                self.path = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
            except OSError as exc:
                self.close()
                raise ToolError(f"{opt} {out}: {why_not_written(out, exc)}; nothing was audited") from None

    def inside(self, path: Path) -> Path:
        """Where a file the caller would write at ``path`` goes during the run: into the staging
        folder when ``path`` is directly in ``--out`` (it is swapped in with the rest)."""
        if self.staged and path.parent.resolve() == self.final.resolve():
            return self.path / path.name
        return path

    def keep(self, path: Path) -> None:
        """An input of this run in ``--out`` (a replayed pages.har): never moved away."""
        if path.parent.resolve() == self.final.resolve():
            self._kept.add(path.name)

    def publish(self) -> bool:
        """Swap this run's outputs into the folder; False (and the folder as it was) when there is
        no results.json to publish. Renames only: it needs no disk space."""
        if not self.staged or self.published:
            return self.published
        if not (self.path / "results.json").is_file():
            self.discard()
            return False
        out = self.final
        new = {p.name for p in self.path.iterdir() if not p.name.startswith(".")}
        order = [*OWNED_DIRS, *sorted(new - set(OWNED_DIRS) - set(OWNED_FILES)), *OWNED_FILES]
        try:
            old = Path(tempfile.mkdtemp(prefix=OLD, dir=out))
            for name in order:
                target = out / name
                gone = name in self._previous and name not in self._kept
                if (target.exists() or target.is_symlink()) and (gone or name in new):
                    os.rename(target, old / name)
                if name in new:
                    os.rename(self.path / name, target)
        except OSError as exc:
            raise ToolError(f"{self.option} {out}: cannot move this run's outputs into place: "
                            f"{why_not_written(out, exc)}; they are in {self.path}") from None
        self.published = True
        with contextlib.suppress(OSError):  # the next run's list of what to replace (best effort: a full disk)
            write_atomic(out / PUBLISHED, "".join(f"{n}\n" for n in order if n in new))
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.path, ignore_errors=True)
        return True

    def _check_owned(self) -> None:
        """Remember what the previous run published; refuse a folder where a name the tool writes
        holds something the tool did not write (it would be replaced)."""
        out = self.final
        try:
            self._previous = set((out / PUBLISHED).read_text(encoding="utf-8").split())
        except (OSError, UnicodeDecodeError):
            self._previous = set()
        for name in (*OWNED_DIRS, *OWNED_FILES):
            target = out / name
            if not (target.exists() or target.is_symlink()):
                continue
            if name not in self._previous and not _ours(target):
                self.close()
                raise InputError(f"{self.option} {out}: {target} was not written by the auditor and would be "
                                 f"replaced; nothing was audited. Give another {self.option}, or move it")
            self._previous.add(name)  # an earlier run's (of a version that kept no list): it goes too

    def discard(self) -> None:
        if self.staged:
            shutil.rmtree(self.path, ignore_errors=True)

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # releases the lock
            self._fd = None
