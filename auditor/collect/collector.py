"""Load one account's pages in a fresh browser context and turn them into a Snapshot."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from auditor.collect.browser import BrowserSession, ContextOptions
from auditor.collect.platforms import get as get_platform
from auditor.collect.platforms.base import Extract, PageCapture, Platform
from auditor.models import Account, LoadInfo, PageVisit, Snapshot

FAILED_WALLS = {"not_found", "suspended", "error_page", "blocked"}


@dataclass
class CollectOptions:
    out_dir: Path
    replay_har: Path | None = None
    record_dir: Path | None = None  # one HAR per account is recorded here, merged afterwards
    page_timeout_s: float = 30.0
    settle_s: float = 2.0  # extra wait for network idle after load, for script-rendered pages
    screenshots: bool = True


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _describe_error(exc: BaseException, url: str, options: CollectOptions) -> str:
    msg = _short(exc)
    if isinstance(exc, PlaywrightTimeout):
        return f"timed out after {options.page_timeout_s:g} s loading {url}"
    if options.replay_har and ("ERR_FAILED" in msg or "ERR_ABORTED" in msg):
        return f"{url} is not in the replay archive {options.replay_har.name}"
    for code in ("ERR_NAME_NOT_RESOLVED", "ERR_CONNECTION_REFUSED", "ERR_CERT", "ERR_SSL",
                 "ERR_TOO_MANY_REDIRECTS", "ERR_CONNECTION_RESET", "ERR_INTERNET_DISCONNECTED"):
        if code in msg:
            return f"{code.lower().replace('err_', '').replace('_', ' ')} loading {url} ({msg})"
    return f"could not load {url}: {msg}"


async def _load(page: Page, kind: str, url: str, platform: Platform, options: CollectOptions) -> PageCapture:
    cap = PageCapture(kind=kind, url=url)
    timeout_ms = options.page_timeout_s * 1000
    try:
        response = await page.goto(url, wait_until="load", timeout=timeout_ms)
        cap.status = response.status if response else None
        if kind == "api":
            cap.final_url = page.url
            cap.html = await response.text() if response else ""
            return cap
        # Busy pages (long polling) never go idle; what has rendered by then is read.
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_load_state("networkidle", timeout=options.settle_s * 1000)
        await platform.prepare(page)
        cap.final_url = page.url
        cap.html = await page.content()
    except (PlaywrightTimeout, PlaywrightError) as exc:
        cap.error = _describe_error(exc, url, options)
        cap.final_url = page.url
    return cap


def _outcome(extract: Extract, captures: list[PageCapture]) -> tuple[str, str | None, str]:
    main = captures[0]
    if main.error and not main.html:
        return "failed", extract.wall or "error_page", main.error
    if extract.wall in FAILED_WALLS:
        return "failed", extract.wall, extract.wall_reason
    if extract.wall:
        return "partial", extract.wall, extract.wall_reason
    return "ok", None, ""


async def collect(session: BrowserSession, account: Account, options: CollectOptions) -> Snapshot:
    """Everything the checks need to know about one account. Never raises for page problems:
    they are named in ``snapshot.load``."""
    platform = get_platform(account.platform)
    started = time.monotonic()
    record = options.record_dir / f"{account.id}.har" if options.record_dir else None
    context: BrowserContext = await session.new_context(
        ContextOptions(replay_har=options.replay_har, record_har=record))
    captures: list[PageCapture] = []
    screenshot: str | None = None
    try:
        if cookies := platform.cookies():
            await context.add_cookies(cookies)
        page = await context.new_page()
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        for i, (kind, url) in enumerate(platform.urls(account.url)):
            cap = await _load(page, kind, url, platform, options)
            captures.append(cap)
            if i == 0:
                if options.screenshots and not cap.error:
                    screenshot = await _screenshot(page, account, options)
                if cap.error:
                    break  # the profile itself failed: extra tabs would only repeat it
    finally:
        await context.close()
    extract = get_platform(account.platform).extract(captures)
    outcome, wall, reason = _outcome(extract, captures)
    main = captures[0]
    return Snapshot(
        account_id=account.id, platform=platform.name, requested_url=account.url,
        final_url=main.final_url or main.url, title=extract.title, texts=extract.texts, links=extract.links,
        meta=extract.meta, jsonld=extract.jsonld, screenshot=screenshot,
        load=LoadInfo(outcome=outcome, wall=wall, reason=reason, http_status=main.status,  # type: ignore[arg-type]
                      pages=[PageVisit(url=c.url, final_url=c.final_url, status=c.status, error=c.error)
                             for c in captures],
                      elapsed_ms=int((time.monotonic() - started) * 1000)),
        collected_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


async def _screenshot(page: Page, account: Account, options: CollectOptions) -> str | None:
    rel = f"screenshots/{account.id}.jpg"
    path = options.out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        await page.screenshot(path=str(path), type="jpeg", quality=70, timeout=10_000)
    except (PlaywrightTimeout, PlaywrightError):
        return None
    return rel


def failed_snapshot(account: Account, reason: str, wall: str = "error_page") -> Snapshot:
    """The snapshot of an account whose collection crashed or never ran."""
    return Snapshot(account_id=account.id, platform=account.platform, requested_url=account.url,
                    load=LoadInfo(outcome="failed", wall=wall, reason=reason),  # type: ignore[arg-type]
                    collected_at=datetime.now(UTC).isoformat(timespec="seconds"))
