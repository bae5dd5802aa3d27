"""Finding and driving Chromium. The only module (with collector.py) that imports Playwright.

Chromium is found in this order: ``--browser PATH``, env ``AUDITOR_CHROMIUM``, Playwright's own
managed Chromium if it was installed, then a system ``chromium`` / ``google-chrome`` on PATH.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from auditor.errors import ToolError

# Flags that keep a headless Chromium quiet and working in containers and CI.
LAUNCH_ARGS = [
    "--no-sandbox",
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

    async def __aenter__(self) -> BrowserSession:
        await self._start_driver()
        try:
            assert self._pw is not None
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
        before = set(_browser_pids())
        try:
            self._browser = await self._pw.chromium.launch(
                executable_path=self.executable, args=LAUNCH_ARGS, headless=True)
        except Exception as exc:
            raise ToolError(f"Chromium ({self.executable or 'Playwright managed'}) failed to start: "
                            f"{str(exc).splitlines()[0]}") from exc
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
            pid, self._browser, self._pid = self._pid, None, None
            if pid is not None:
                _kill_browser(pid)
            await self._stop_driver(kill=True)
            self.restarts += 1
            await self._start_driver()
            await self._launch()
            self._restarted_by[self.generation] = by

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
