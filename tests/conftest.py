"""Shared fixtures: a loopback web server with scripted routes, and running the CLI for real."""

from __future__ import annotations

import atexit
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Route:
    body: str | bytes = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay_s: float = 0.0
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None  # full control for odd responses


class LoopbackSite:
    """A real HTTP server on 127.0.0.1 with routes set per test."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                site.hits.append(self.path)
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None:
                    route = Route("<html><body><h1>Not found</h1></body></html>", status=404)
                if route.delay_s:
                    time.sleep(route.delay_s)
                if route.handler:
                    route.handler(self)
                    return
                body = route.body.encode() if isinstance(route.body, str) else route.body
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in route.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes = "", **kw: object) -> str:
        self.routes[path] = Route(body, **kw)  # type: ignore[arg-type]
        return self.url(path)


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    s = LoopbackSite()
    s.thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


# Playwright's own launch flags (what chromium.launch() passes), so a shared browser behaves like a launched one.
PLAYWRIGHT_FLAGS = [
    "--disable-field-trial-config", "--disable-background-networking", "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows", "--disable-back-forward-cache", "--disable-breakpad",
    "--disable-component-extensions-with-background-pages", "--disable-component-update",
    "--no-default-browser-check", "--disable-default-apps", "--disable-dev-shm-usage", "--disable-extensions",
    "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,"
    "AvoidCorsURLLoaderRestartOnRedirect,OptimizationHints,NetworkTimeServiceQuerying",
    "--allow-pre-commit-input", "--disable-hang-monitor", "--disable-ipc-flooding-protection",
    "--disable-popup-blocking", "--disable-prompt-on-repost", "--disable-renderer-backgrounding",
    "--force-color-profile=srgb", "--metrics-recording-only", "--no-first-run", "--password-store=basic",
    "--use-mock-keychain", "--no-service-autorun", "--disable-search-engine-choice-screen", "--headless",
    "--hide-scrollbars", "--mute-audio",
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4",
]


class SharedChromium:
    """One Chromium a test worker (pytest-xdist process), started on first use, that ``run_auditor``
    hands to the CLI through AUDITOR_BROWSER_CDP: an audit then skips starting its own browser. A
    test that needs its own (it kills the browser, passes --browser or AUDITOR_CHROMIUM, reads the
    start-up messages) passes ``own_browser=True`` or starts the CLI itself. Restarted if it died."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.endpoint = ""
        self.profile: tempfile.TemporaryDirectory | None = None

    def get(self) -> str | None:
        if self.proc is not None and self.proc.poll() is None:
            return self.endpoint
        self.stop()
        try:
            from auditor.collect.browser import LAUNCH_ARGS, find_chromium, sandbox_decision

            exe = find_chromium(None, None)
        except Exception:  # noqa: BLE001 - no browser here: each audit then reports it itself
            return None
        self.profile = tempfile.TemporaryDirectory(prefix="shared-chromium-")
        sandbox = [] if sandbox_decision()[0] else ["--no-sandbox"]
        self.proc = subprocess.Popen([exe, *PLAYWRIGHT_FLAGS, *LAUNCH_ARGS, *sandbox, "--remote-debugging-port=0",
                                      f"--user-data-dir={self.profile.name}", "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        # Test modules import this file as ``tests.conftest`` while pytest loads it as ``conftest``:
        # two instances, and the session fixture stops only one. Stop every instance at exit too.
        atexit.register(self.stop)
        assert self.proc.stderr is not None
        deadline = time.monotonic() + 60
        for line in self.proc.stderr:
            if m := re.search(r"DevTools listening on (ws://\S+)", line):
                self.endpoint = m.group(1)
                threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # keep the pipe drained
                return self.endpoint
            if time.monotonic() > deadline:
                break
        self.stop()
        return None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None
        if self.profile is not None:
            self.profile.cleanup()
            self.profile = None


SHARED_CHROMIUM = SharedChromium()


@pytest.fixture(scope="session", autouse=True)
def _stop_shared_chromium() -> Iterator[None]:
    yield
    SHARED_CHROMIUM.stop()


def shared_browser_env() -> dict[str, str]:
    """Env for a CLI started by other means than run_auditor (a CI step run by bash) to use the shared Chromium."""
    endpoint = None if "AUDITOR_CHROMIUM" in os.environ else SHARED_CHROMIUM.get()
    return {"AUDITOR_BROWSER_CDP": endpoint} if endpoint else {}


def run_auditor(*args: str, timeout: float = 300, env: dict | None = None,
                own_browser: bool = False) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess (the way CI and users run it). An audit uses the worker's shared
    Chromium unless ``own_browser`` or the test names a browser (--browser, AUDITOR_CHROMIUM)."""
    base = dict(os.environ if env is None else env)
    if not own_browser and args and args[0] in ("audit", "record") and "--browser" not in args \
            and "AUDITOR_CHROMIUM" not in base and "AUDITOR_BROWSER_CDP" not in base \
            and (endpoint := SHARED_CHROMIUM.get()):
        base["AUDITOR_BROWSER_CDP"] = endpoint
    return subprocess.run([sys.executable, "-m", "auditor", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=base)


def write_registry(path: Path, accounts: list[dict]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump({"accounts": accounts}, sort_keys=False), encoding="utf-8")
    return path


def load_results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (--dist loadgroup), keep the tests of a module that shares a module- or
    session-scoped fixture (one demo audit for many assertions) on one worker, so the fixture runs once."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else []
        shared = any(d[-1].scope == "module" and d[-1].baseid for d in defs if d)
        if shared:
            item.add_marker(pytest.mark.xdist_group(name=item.nodeid.split("::")[0]))
