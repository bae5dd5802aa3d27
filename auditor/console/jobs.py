"""One audit at a time: a queue of requested audits, each run as the CLI in a child process.

Why a child process: the audit is then exactly the CLI's (``python -m auditor audit``: the same
options, outputs, archive and history), Chromium and its memory live and die with the child, a
crash cannot take the console down, and cancelling is SIGTERM, which the runner already turns
into "keep what is done, mark the rest" (exit 130). Progress comes from the CLI's plain progress
lines on stderr (``[3/5] mpd-x: non_compliant (pass=5 fail=1)``). Accounts are loaded in
registry order, ``concurrency`` at a time, so "loading now" is the first unfinished ones.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from auditor.console.runs import RUN_ID
from auditor.console.settings import TOKEN_ENV, ConsoleSettings
from auditor.errors import EXIT_INTERRUPTED, InputError

MAX_WAITING = 3  # queued audits; one more is refused with the reason
PROGRESS = re.compile(r"\[(\d+)/(\d+)\] (\S+): (\w+) \((.*)\)\s*$")
ARCHIVED = re.compile(r"^Archived: (.+?) \(MANIFEST")
State = Literal["queued", "running", "finished", "cancelled", "failed"]
KEEP_LINES = 200


@dataclass
class Job:
    id: str
    scope: str  # in words: "every account", "element Fifth District", ...
    accounts: list[str]  # ids, in the order they are audited
    names: dict[str, str]
    argv: list[str]  # the CLI command it runs
    out_dir: Path
    concurrency: int
    state: State = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    done: dict[str, str] = field(default_factory=dict)  # account id -> status, as each finishes
    detail: dict[str, str] = field(default_factory=dict)  # account id -> "pass=5 fail=1"
    lines: list[str] = field(default_factory=list)
    rc: int | None = None
    archived: str | None = None  # the archive folder's name, when archived
    cancel_requested: bool = False
    proc: subprocess.Popen[str] | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def loading(self) -> list[str]:
        if self.state != "running":
            return []
        return [a for a in self.accounts if a not in self.done][: self.concurrency]

    @property
    def run_id(self) -> str | None:
        """The run id under which the finished run is listed (archive folder, else output folder)."""
        if self.state not in ("finished", "cancelled") or not (self.out_dir / "results.json").is_file():
            return None
        return self.archived or self.id

    @property
    def outcome(self) -> str:
        if self.state == "queued":
            return "waiting for the audit before it to finish"
        if self.state == "running":
            return "cancelling: finishing the accounts in progress" if self.cancel_requested else "running"
        if self.state == "finished":
            return "finished"
        if self.state == "cancelled":
            return ("cancelled: the accounts already audited are kept, the rest are marked unfinished"
                    if self.run_id else "cancelled before any account was audited; nothing was written")
        errors = [ln.removeprefix("auditor: error: ") for ln in self.lines if ln.startswith("auditor: error:")]
        return "failed: " + ("; ".join(errors) if errors else f"the audit exited with code {self.rc}")


def new_id(root: Path) -> tuple[str, Path]:
    """A fresh output folder named by the UTC time; created here, so two jobs never share one."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        name = stamp if n == 1 else f"{stamp}-{n}"
        try:
            (root / name).mkdir(parents=True)
        except FileExistsError:
            continue
        assert RUN_ID.fullmatch(name)
        return name, root / name
    raise InputError(f"{root}: cannot make a new output folder")


class JobQueue:
    """FIFO of audits; a worker thread runs them one by one."""

    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.jobs: dict[str, Job] = {}
        self.waiting: deque[str] = deque()
        self.current: str | None = None
        self.cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="audit-queue", daemon=True)
        self._thread.start()

    def submit(self, job_spec: dict) -> Job:
        with self.cond:
            if sum(j.active for j in self.jobs.values()) > MAX_WAITING:
                raise InputError(f"{MAX_WAITING} audits are already waiting behind the one running; "
                                 "wait for one to finish or cancel one")
            job_id, out_dir = new_id(self.settings.out_root)
            job = Job(id=job_id, out_dir=out_dir, **job_spec)
            job.argv = [*job.argv, "--out", str(out_dir)]
            self.jobs[job_id] = job
            self.waiting.append(job_id)
            self.cond.notify_all()
            return job

    def position(self, job: Job) -> int:
        """How many audits run or wait before this queued one."""
        with self.cond:
            if job.id not in self.waiting:
                return 0
            return list(self.waiting).index(job.id) + (1 if self.current else 0)

    def cancel(self, job: Job) -> None:
        with self.cond:
            if job.state == "queued" and job.id in self.waiting:
                self.waiting.remove(job.id)
                job.state, job.ended = "cancelled", time.time()
                with contextlib.suppress(OSError):
                    job.out_dir.rmdir()  # its folder is still empty
                return
            if job.state == "running" and not job.cancel_requested:
                job.cancel_requested = True
                if job.proc is not None:  # else _run sends it as soon as the child exists
                    job.proc.send_signal(signal.SIGTERM)  # the child only: the runner closes its own browser

    def recent(self) -> list[Job]:
        with self.cond:
            return sorted(self.jobs.values(), key=lambda j: j.id, reverse=True)

    def shutdown(self, wait_s: float = 60) -> None:
        """Stop taking work; a running audit is cancelled (its finished accounts are written)."""
        with self.cond:
            self._stop = True
            running = self.jobs.get(self.current) if self.current else None
            for job_id in list(self.waiting):
                self.jobs[job_id].state = "cancelled"
            self.waiting.clear()
            self.cond.notify_all()
        if running:
            self.cancel(running)
            if running.proc is not None:
                try:
                    running.proc.wait(timeout=wait_s)
                except subprocess.TimeoutExpired:
                    running.proc.kill()

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self.waiting and not self._stop:
                    self.cond.wait()
                if self._stop:
                    return
                job = self.jobs[self.waiting.popleft()]
                self.current = job.id
                job.state, job.started = "running", time.time()
            try:
                self._run(job)
            except OSError as exc:
                job.lines.append(f"auditor: error: cannot start the audit: {exc}")
                job.state = "failed"
            finally:
                with self.cond:
                    job.ended = time.time()
                    self.current = None

    def _run(self, job: Job) -> None:
        env = {k: v for k, v in os.environ.items() if k not in (TOKEN_ENV, "SMTP_PASSWORD")}
        env["PYTHONUNBUFFERED"] = "1"
        with self.cond:
            job.proc = subprocess.Popen(job.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
            if job.cancel_requested:
                job.proc.send_signal(signal.SIGTERM)
        assert job.proc.stderr is not None
        for raw in job.proc.stderr:
            line = raw.rstrip("\n")
            with self.cond:
                job.lines = [*job.lines[-KEEP_LINES:], line]
                if m := PROGRESS.search(line):
                    job.done[m.group(3)] = m.group(4)
                    job.detail[m.group(3)] = m.group(5)
                elif m := ARCHIVED.match(line):
                    name = Path(m.group(1)).name
                    job.archived = name if RUN_ID.fullmatch(name) else None
        job.rc = job.proc.wait()
        with self.cond:
            if job.rc == 0:
                job.state = "finished"
            elif job.rc in (EXIT_INTERRUPTED, -signal.SIGTERM) and job.cancel_requested:
                job.state = "cancelled"
            else:
                job.state = "failed"


def command(settings: ConsoleSettings, *, only: list[str] | None = None, elements: list[str] | None = None,
            platforms: list[str] | None = None, policy: Path | None = None, replay: bool = True,
            concurrency: int = 1, previous: Path | None = None) -> list[str]:
    """The CLI command for one audit (its --out is added when the job gets its folder)."""
    argv = [sys.executable, "-m", "auditor", "audit", "--sites", str(settings.sites), "--fail-on", "never",
            "--concurrency", str(concurrency)]
    if policy is not None:
        argv += ["--policy", str(policy)]
    if replay and settings.replay is not None:
        argv += ["--replay", str(settings.replay)]
    if settings.archive is not None:
        argv += ["--archive", str(settings.archive)]  # the archive's latest run is the "previous" one
    elif previous is not None:
        argv += ["--previous", str(previous)]
    for flag, values in (("--only", only), ("--element", elements), ("--platform", platforms)):
        if values:
            argv += [flag, *values]
    return argv
