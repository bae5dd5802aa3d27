"""Finding and driving Chromium. The only module (with collector.py) that imports Playwright.

Chromium is found in this order: ``--browser PATH``, env ``AUDITOR_CHROMIUM``, Playwright's own
managed Chromium if it was installed, then a system ``chromium`` / ``google-chrome`` on PATH.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
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
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> BrowserSession:
        self._pw = await async_playwright().start()
        try:
            self.executable = find_chromium(self._explicit, self._pw.chromium.executable_path)
            await self._launch()
        except BaseException:
            await self._pw.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            with contextlib.suppress(Exception):  # closing a dead browser
                await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()

    async def _launch(self) -> None:
        assert self._pw is not None
        try:
            self._browser = await self._pw.chromium.launch(
                executable_path=self.executable, args=LAUNCH_ARGS, headless=True)
        except Exception as exc:
            raise ToolError(f"Chromium ({self.executable or 'Playwright managed'}) failed to start: "
                            f"{str(exc).splitlines()[0]}") from exc
        self.version = self._browser.version

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
