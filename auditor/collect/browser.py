"""Finding and driving Chromium. The only module (with collector.py) that imports Playwright.

Chromium is found in this order: ``--browser PATH``, env ``AUDITOR_CHROMIUM``, Playwright's own
managed Chromium if it was installed, then a system ``chromium`` / ``google-chrome`` on PATH.

Chromium keeps its sandbox wherever it can work; it is dropped only as root (Chromium refuses to
sandbox itself there), where the kernel allows no user namespaces, when its start-up says the
sandbox is unusable, or when AUDITOR_NO_SANDBOX=1; the reason is printed once on stderr. A browser
that cannot start is reported with its own error output (a missing shared library, a sandbox error),
not Playwright's "Target page, context or browser has been closed".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from auditor.errors import ToolError

# Flags that keep a headless Chromium quiet and working in containers and CI. The sandbox is decided
# by sandbox_decision() (Playwright adds --no-sandbox itself when it is off).
LAUNCH_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--mute-audio",
]
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium(explicit: str | None, managed: str | None) -> str | None:
    """Path of the Chromium to launch; None means Playwright's managed one (``managed``)."""
    for origin, path in (("--browser", explicit), ("AUDITOR_CHROMIUM", os.environ.get("AUDITOR_CHROMIUM"))):
        if path:
            if not (Path(path).is_file() and os.access(path, os.X_OK)):
                raise ToolError(f"{origin}: {path} is not an executable Chromium")
            return path
    if managed and Path(managed).is_file():
        return None
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ToolError(
        "No Chromium found. Install one: `playwright install chromium`, or your distribution's "
        "package (Debian/Ubuntu: `apt-get install -y chromium`), or pass --browser PATH / set AUDITOR_CHROMIUM."
    )


_TRUE = {"1", "true", "yes", "on"}


def sandbox_decision(euid: int | None = None, sys_dir: Path = Path("/proc/sys"),
                     env: dict[str, str] | None = None) -> tuple[bool, str]:
    """(keep Chromium's sandbox?, why not). Off only where it cannot work: as root, or where the kernel
    gives unprivileged processes no user namespaces; or when AUDITOR_NO_SANDBOX asks for it."""
    env = dict(os.environ) if env is None else env
    if env.get("AUDITOR_NO_SANDBOX", "").strip().lower() in _TRUE:
        return False, "AUDITOR_NO_SANDBOX is set"
    if euid is None:
        euid = os.geteuid() if hasattr(os, "geteuid") else -1
    if euid == 0:
        return False, "running as root, where Chromium cannot use its sandbox"

    def read(name: str) -> str:
        try:
            return (sys_dir / name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return ""

    if read("user/max_user_namespaces") == "0":
        return False, "the kernel allows no user namespaces (user.max_user_namespaces = 0), as in many containers"
    if read("kernel/unprivileged_userns_clone") == "0":
        return False, "the kernel allows no unprivileged user namespaces (kernel.unprivileged_userns_clone = 0)"
    return True, ""


_said_no_sandbox = False


def _say_no_sandbox(reason: str) -> None:
    """One stderr line a process, however often the browser is (re)started."""
    global _said_no_sandbox
    if not _said_no_sandbox:
        _said_no_sandbox = True
        print(f"auditor: Chromium runs without its sandbox: {reason}", file=sys.stderr)


_ERR_LINE = re.compile(r"^\[pid=\d+\]\[err\] ?(.*)$")
_EXIT = re.compile(r"<process did exit: exitCode=(\d+|null), signal=(\w+)")
_SANDBOX_FAILED = re.compile(r"No usable sandbox|without --no-sandbox|(setuid|SUID) sandbox", re.IGNORECASE)
_CHROME_LOG = re.compile(r"^\[\d+[/:][\d.:/]*:?(ERROR|WARNING|INFO|VERBOSE\d*):")  # Chromium's own log noise


def start_failure(executable: str | None, message: str) -> str:
    """What went wrong when Chromium did not start, in the browser's own words: the lines it wrote on
    stderr (Playwright's "Browser logs"), and its exit code."""
    logs = message.split("Call log:", 1)[0]
    lines = [m.group(1).strip() for ln in logs.splitlines() if (m := _ERR_LINE.match(ln.strip()))]
    lines = [ln for ln in lines if ln]
    telling = [ln for ln in lines if not _CHROME_LOG.match(ln)] or [ln for ln in lines if "FATAL" in ln] or lines
    exit_m = _EXIT.search(message)
    how = ""
    if exit_m and exit_m.group(1) != "null":
        how = f" (exit code {exit_m.group(1)})"
    elif exit_m and exit_m.group(2) != "null":
        how = f" (killed by {exit_m.group(2)})"
    name = executable or "Playwright's managed Chromium"
    if telling:
        said = "; ".join(ln[:300] for ln in telling[-5:])
        return f"Chromium ({name}) failed to start{how}: {said}"
    first = (message.strip().splitlines() or ["no message"])[0]
    if "has been closed" in first:
        first = "it exited as it started and wrote nothing on stderr"
    return f"Chromium ({name}) failed to start{how}: {first}"


def check_browser(explicit: str | None = None) -> str:
    """Start Chromium once, as an audit would, and say which one it is; ToolError with the browser's
    own error when it cannot start (scripts/setup and ``auditor check-browser`` run this)."""
    async def run() -> str:
        async with BrowserSession(explicit) as session:
            sandbox = "on" if session.sandbox else "off"
            return f"Chromium {session.version} ({session.executable or 'Playwright managed'}; sandbox {sandbox})"
    return asyncio.run(run())


@dataclass
class ContextOptions:
    replay_har: Path | None = None
    record_har: Path | None = None  # this context's own HAR file
    locale: str = "en-US"
    viewport: tuple[int, int] = (1280, 900)


class BrowserSession:
    """One Chromium for the run; a fresh context per account. Restarts a browser that died."""

    def __init__(self, executable: str | None = None) -> None:
        self._explicit = executable
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self.executable: str | None = None
        self.version = ""
        self.restarts = 0
        self.generation = 0  # one more at every launch: work begun on an older browser is retried, not blamed
        self._pid: int | None = None  # the browser process (its own process group), when it could be found
        self._driver_pid: int | None = None
        self._restarted_by: dict[int, str] = {}  # generation -> who restarted into it ("" : the browser died)
        self._lock = asyncio.Lock()
        self.sandbox, self._no_sandbox_reason = sandbox_decision()
        # AUDITOR_BROWSER_CDP: use a Chromium that is already running (its DevTools endpoint) instead of
        # starting one; the test suite shares one browser per worker this way. Ignored with --browser.
        self._cdp = "" if executable else os.environ.get("AUDITOR_BROWSER_CDP", "").strip()

    async def __aenter__(self) -> BrowserSession:
        await self._start_driver()
        try:
            assert self._pw is not None
            if not self._cdp:
                self.executable = find_chromium(self._explicit, self._pw.chromium.executable_path)
            await self._launch()
        except BaseException:
            await self._stop_driver()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            with contextlib.suppress(Exception):  # closing a dead (or flooded) browser
                await asyncio.wait_for(self._browser.close(), timeout=15)
        if self._pid is not None:
            _kill_browser(self._pid)
        await self._stop_driver()

    async def _start_driver(self) -> None:
        before = set(_driver_pids())
        self._pw = await async_playwright().start()
        new = [pid for pid in _driver_pids() if pid not in before]
        self._driver_pid = new[0] if len(new) == 1 else None

    async def _stop_driver(self, kill: bool = False) -> None:
        """Stop Playwright's driver; ``kill``: at once, dropping whatever a flooding page left queued in it."""
        if kill and self._driver_pid is not None and self._driver_pid in _driver_pids():
            with contextlib.suppress(OSError):
                os.kill(self._driver_pid, signal.SIGKILL)
        if self._pw is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pw.stop(), timeout=15)
        self._pw = None

    async def _launch(self) -> None:
        assert self._pw is not None
        if self._cdp:
            try:
                self._browser = await self._pw.chromium.connect_over_cdp(self._cdp)
            except Exception as exc:
                raise ToolError(f"AUDITOR_BROWSER_CDP={self._cdp}: cannot connect to that Chromium: "
                                f"{(str(exc).splitlines() or [type(exc).__name__])[0]}") from exc
            self.version, self.executable = self._browser.version, self._cdp
            self.generation += 1
            self._pid = None  # a shared browser (tests): never killed by this session
            return
        if not self.sandbox:
            _say_no_sandbox(self._no_sandbox_reason)
        before = set(_browser_pids())
        try:
            self._browser = await self._pw.chromium.launch(
                executable_path=self.executable, args=LAUNCH_ARGS, headless=True, chromium_sandbox=self.sandbox)
        except Exception as exc:
            why = start_failure(self.executable, str(exc))
            if not (self.sandbox and _SANDBOX_FAILED.search(why)):
                raise ToolError(why) from exc
            # The checks above could not see it (an AppArmor rule, a seccomp filter): start without.
            self.sandbox, self._no_sandbox_reason = False, f"its sandbox cannot start here ({why.split(': ', 1)[-1]})"
            await self._launch()
            return
        self.version = self._browser.version
        self.generation += 1
        new = [pid for pid in _browser_pids() if pid not in before]
        self._pid = new[0] if len(new) == 1 else None

    def restarted_since(self, generation: int, account_id: str) -> bool:
        """Whether the browser was replaced after ``generation`` other than by ``account_id``'s own restart."""
        return any(g > generation and by != account_id for g, by in self._restarted_by.items())

    async def restart(self, generation: int, by: str = "") -> None:
        """Kill the browser and Playwright's driver and start clean ones, unless that already happened
        since ``generation``. For a browser a page flooded: the browser process, and the driver's queue of
        the flood's events, would hold up every later account. Accounts in flight are retried by the runner."""
        async with self._lock:
            if generation != self.generation:
                return
            # Marked before the kill: an account whose page dies under it must see why at once, not
            # only once the new browser is up (it would be named unreachable for another's flood).
            self._restarted_by[self.generation + 1] = by
            pid, self._browser, self._pid = self._pid, None, None
            if pid is not None:
                _kill_browser(pid)
            await self._stop_driver(kill=True)
            self.restarts += 1
            await self._start_driver()
            await self._launch()

    @property
    def alive(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    async def ensure_alive(self) -> None:
        """Relaunch a browser that died (crash, OOM kill); accounts after it carry on."""
        async with self._lock:  # concurrent accounts notice the death together; launch once
            if not self.alive:
                if self._browser is not None:
                    self.restarts += 1
                await self._launch()
                self._restarted_by[self.generation] = ""

    async def new_context(self, options: ContextOptions) -> BrowserContext:
        if not self.alive:
            await self.ensure_alive()
        assert self._browser is not None
        kwargs: dict = {
            "locale": options.locale,
            "viewport": {"width": options.viewport[0], "height": options.viewport[1]},
            "service_workers": "block",  # keep every request visible to HAR routing
            "accept_downloads": False,
        }
        if options.record_har:
            kwargs["record_har_path"] = str(options.record_har)
            kwargs["record_har_content"] = "embed"
        context = await self._browser.new_context(**kwargs)
        if options.replay_har:
            await context.route_from_har(str(options.replay_har), not_found="abort")
        return context


def _kill_browser(pid: int) -> bool:
    """SIGKILL the browser's process group (Playwright starts Chromium as its leader), after checking
    that ``pid`` is still one of our browsers and not a number reused since."""
    if pid not in _browser_pids():
        return False
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
        return True
    return False


def _children(pid: int) -> list[int]:
    """Child processes of ``pid`` (Linux /proc; elsewhere none, and a restart only stops the driver)."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.scandir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError), open(f"{task.path}/children", encoding="ascii") as f:
                found += [int(c) for c in f.read().split()]
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _driver_pids() -> list[int]:
    """Playwright driver processes this process started."""
    return [pid for pid in _children(os.getpid()) if "playwright" in _cmdline(pid)]


def _browser_pids() -> list[int]:
    """Chromium browser processes (not their helpers) started by this process's Playwright drivers."""
    return [pid for d in _driver_pids() for pid in _children(d)
            if "chrom" in (cmd := _cmdline(pid)).lower() and "--type=" not in cmd]
