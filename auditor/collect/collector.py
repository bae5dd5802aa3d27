"""Load one account's pages in a fresh browser context and turn them into a Snapshot.

Hostile or broken pages cost only their own account an ``error`` with a named reason: a page
that never finishes loading, a redirect loop, an oversized DOM, dialog loops, pop-ups, a download
instead of a page, a renderer crash, a page that navigates itself away, a non-HTML response, a
TLS error. Nothing here raises for a page problem; it is written into ``snapshot.load``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from playwright.async_api import BrowserContext, Page, WebSocketRoute
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from auditor.collect.addresses import AddressGuard
from auditor.collect.browser import BrowserSession, ContextOptions
from auditor.collect.platforms import get as get_platform
from auditor.collect.platforms.base import Declared, Extract, PageCapture, Platform, host_of
from auditor.fsutil import write_atomic
from auditor.isolate import Overran, WorkerFailed, run_isolated
from auditor.models import Account, LoadInfo, PageVisit, Snapshot
from auditor.safetext import valid_unicode
from auditor.textnorm import valid_data

T = TypeVar("T")
FAILED_WALLS = {"not_found", "suspended", "error_page", "blocked", "unfinished"}
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Chromium network errors and what they mean to a reader of the report.
NET_ERRORS = {
    "ERR_NAME_NOT_RESOLVED": "the host name does not resolve",
    "ERR_CONNECTION_REFUSED": "the connection was refused",
    "ERR_CONNECTION_RESET": "the server reset the connection",
    "ERR_CONNECTION_CLOSED": "the server closed the connection",
    "ERR_EMPTY_RESPONSE": "the server sent an empty response",
    "ERR_TOO_MANY_REDIRECTS": "a redirect loop (too many redirects)",
    "ERR_CERT_": "a TLS certificate error",
    "ERR_SSL_": "a TLS error",
    "ERR_INTERNET_DISCONNECTED": "no network",
    "ERR_ADDRESS_UNREACHABLE": "the address is unreachable",
    "ERR_BLOCKED_BY_CLIENT": "the request was blocked",
    "ERR_INVALID_RESPONSE": "an invalid HTTP response",
    "ERR_HTTP2_PROTOCOL_ERROR": "an HTTP/2 protocol error",
}
# Runs before any script of the page, in every frame: past a budget, history.pushState / replaceState do
# nothing. A page calling them in a tight loop floods the browser process itself (each call is a message
# to it), which then stops answering for every account, not only this one. Left writable: pages that wrap
# pushState (analytics) must keep working, and the real one stays out of their reach.
_HISTORY_GUARD_JS = """(() => {
  const H = History.prototype; let left = %d;
  for (const name of ["pushState", "replaceState"]) {
    const real = H[name];
    Object.defineProperty(H, name, {configurable: true, writable: true, value: function (...args) {
      return --left >= 0 ? real.apply(this, args) : undefined;
    }});
  }
})();"""
MAX_FOLLOW_UPS = 2  # follow-up pages an account may load (Platform.follow_ups)

_SIZE_JS = "() => [document.getElementsByTagName('*').length, document.documentElement ? " \
           "document.documentElement.outerHTML.length : 0]"


@dataclass
class CollectOptions:
    out_dir: Path
    replay_har: Path | None = None
    record_dir: Path | None = None  # one HAR per account is recorded here, merged afterwards
    page_timeout_s: float = 30.0
    settle_s: float = 2.0  # extra wait for network idle after load, for script-rendered pages
    screenshots: bool = True
    pages_dir: Path | None = None  # keep each loaded page's rendered HTML here (evidence archive)
    block: frozenset[str] = frozenset({"media", "font"})  # resource types never fetched: the checks don't read them
    max_nodes: int = 150_000  # a real profile page has tens of thousands at most
    max_html_chars: int = 15_000_000
    max_requests: int = 3_000  # a real profile makes a few hundred; past this the page is flooding: stopped
    max_inflight: int = 500  # requests started and not finished at one time, likewise
    max_navigations: int = 200  # address changes (pushState, location.hash) of the main frame, likewise
    max_history_calls: int = 100  # pushState / replaceState calls a document may make (the rest do nothing)
    close_timeout_s: float = 5.0  # a context that does not close in this time is forced; then the browser restarted
    extract_budget_s: float = 60.0  # reading the captured pages (parsing, regions); a runaway is stopped


@dataclass
class PageWatch:
    """What a page did behind our back while it loaded."""

    dialogs: int = 0
    popups: int = 0
    crashed: bool = False
    downloads: list[str] = field(default_factory=list)
    document_bytes: int = 0  # Content-Length of the last main-frame document
    inflight: int = 0  # requests started and not yet finished or failed
    requests: int = 0
    navigations: int = 0
    flood: str = ""  # what the page flooded us with, once it was stopped for it
    limits: tuple[int, int, int] = (3_000, 200, 500)  # max requests, main-frame navigations, requests at once

    guard: AddressGuard | None = None

    def _redirected(self, request: object) -> None:
        """A redirect is not routed again: one that went to an internal address is only seen here."""
        if self.guard is not None and request.redirected_from is not None:  # type: ignore[attr-defined]
            self.guard.note_redirect(request.url)  # type: ignore[attr-defined]

    def _count(self, page: Page, what: str) -> None:
        if what == "request":
            self.requests += 1
            self.inflight += 1
        elif what == "navigation":
            self.navigations += 1
        if self.flood:
            return
        if self.requests > self.limits[0]:
            self.flood = f"the page made over {self.limits[0]:,} requests and was stopped"
        elif self.inflight > self.limits[2]:
            self.flood = f"the page had over {self.limits[2]:,} requests waiting at once and was stopped"
        elif self.navigations > self.limits[1]:
            self.flood = f"the page changed its address over {self.limits[1]:,} times and was stopped"
        if self.flood:
            asyncio.ensure_future(_stop(page))

    def _on_response(self, page: Page, response: object) -> None:
        request = response.request  # type: ignore[attr-defined]
        if request.is_navigation_request() and request.frame == page.main_frame:
            length = response.headers.get("content-length", "")  # type: ignore[attr-defined]
            self.document_bytes = int(length) if length.isdigit() else 0

    def attach(self, context: BrowserContext, page: Page) -> None:
        def on_dialog(dialog: object) -> None:
            self.dialogs += 1
            asyncio.ensure_future(_quietly(dialog.dismiss()))  # type: ignore[attr-defined]

        def on_popup(popup: Page) -> None:
            if popup is not page:
                self.popups += 1
                asyncio.ensure_future(_quietly(popup.close()))

        page.on("dialog", on_dialog)
        page.on("crash", lambda _: setattr(self, "crashed", True))
        page.on("download", lambda d: self.downloads.append(d.url))
        page.on("response", lambda r: self._on_response(page, r))
        page.on("request", lambda r: self._redirected(r) or self._count(page, "request"))
        page.on("framenavigated", lambda f: f == page.main_frame and self._count(page, "navigation"))
        page.on("requestfinished", lambda _: setattr(self, "inflight", max(0, self.inflight - 1)))
        page.on("requestfailed", lambda _: setattr(self, "inflight", max(0, self.inflight - 1)))
        context.on("page", on_popup)

    def notes(self) -> str:
        parts = [self.flood] if self.flood else []
        if self.dialogs:
            parts.append(f"the page opened {self.dialogs} dialog(s)")
        if self.popups:
            parts.append(f"the page opened {self.popups} pop-up window(s), closed unread")
        return "; ".join(parts)


async def _quietly(awaitable: object) -> None:
    with contextlib.suppress(Exception):
        await awaitable  # type: ignore[misc]


async def _stop(page: Page) -> None:
    """End a page that floods us: crash its renderer (works while its script spins: Chromium handles
    Page.crash off the renderer's main thread), so nothing it queued keeps coming. Loading it then fails
    and the account's reason names the flood."""
    with contextlib.suppress(Exception):
        cdp = await asyncio.wait_for(page.context.new_cdp_session(page), timeout=3)
        await asyncio.wait_for(cdp.send("Page.crash"), timeout=2)


async def _close(context: BrowserContext, timeout_s: float) -> bool:
    """Close an account's context; a page that will not let it (a flood, a spinning script) is crashed
    first. False when even that did not close it: then the browser is restarted."""
    try:
        await asyncio.wait_for(context.close(), timeout=timeout_s)
        return True
    except Exception:  # noqa: BLE001 - timed out, or the browser went away
        pass
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.gather(*(_stop(p) for p in context.pages)), timeout=timeout_s)
    try:
        await asyncio.wait_for(context.close(), timeout=timeout_s)
        return True
    except Exception:  # noqa: BLE001
        return False


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def describe_error(exc: BaseException, url: str, options: CollectOptions, watch: PageWatch) -> str:
    msg = _short(exc)
    extra = f" ({watch.notes()})" if watch.notes() else ""
    if watch.flood:
        return f"{watch.flood} while loading {url}"
    if watch.crashed or "crash" in msg.lower():
        return f"the browser tab crashed while loading {url}{extra}"
    if watch.downloads or "download is starting" in msg.lower():
        return f"{url} starts a file download instead of showing a page"
    if isinstance(exc, PlaywrightTimeout | asyncio.TimeoutError):
        return f"timed out after {options.page_timeout_s:g} s loading {url}{extra}"
    if options.replay_har and re.search(r"ERR_(FAILED|ABORTED)", msg):
        return f"{url} is not in the replay archive {options.replay_har.name}"
    if "has been closed" in msg or "Target closed" in msg:
        return f"the browser closed while loading {url}"
    for code, meaning in NET_ERRORS.items():
        m = re.search(rf"net::({code}\w*)", msg)
        if m:
            return f"{meaning} loading {url} ({m.group(1)})"
    return f"could not load {url}: {msg}{extra}"


def _navigated_away(requested: str, response_url: str, final: str) -> bool:
    """True when the page moved itself (script, meta refresh) to another site after loading."""
    if not final or final == response_url or final.startswith("about:"):
        return False
    a, b = host_of(response_url or requested), host_of(final)
    base = ".".join(a.split(".")[-2:])
    return not (b == a or b.endswith("." + base) or a.endswith("." + ".".join(b.split(".")[-2:])))


async def _load(page: Page, kind: str, url: str, platform: Platform, options: CollectOptions,
                watch: PageWatch) -> PageCapture:
    cap = PageCapture(kind=kind, url=url)
    deadline = time.monotonic() + options.page_timeout_s

    def left_ms() -> float:
        return max(1.0, (deadline - time.monotonic()) * 1000)

    try:
        # DOMContentLoaded first: an oversized DOM is refused before the browser spends minutes laying it out.
        response = await page.goto(url, wait_until="domcontentloaded", timeout=left_ms())
        cap.status = response.status if response else None
        if kind == "api":
            cap.final_url = page.url
            cap.html = await response.text() if response else ""
            return cap
        ctype = (response.headers.get("content-type", "") if response else "").split(";")[0].strip().lower()
        if ctype and ctype not in HTML_TYPES:
            cap.final_url = page.url
            cap.error = f"{url} is not an HTML page (content-type {ctype})"
            return cap
        if too_big := await _too_big(page, options):
            cap.error = too_big
            return cap
        await page.wait_for_load_state("load", timeout=left_ms())
        if watch.inflight:
            # Script-rendered pages fetch their content after "load": give them time to go idle. Busy
            # pages (long polling) never do; what has rendered by then is read. Static pages skip this.
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_load_state("networkidle", timeout=min(options.settle_s * 1000, left_ms()))
        await asyncio.wait_for(platform.prepare(page), timeout=left_ms() / 1000)
        cap.final_url = page.url
        if _navigated_away(url, response.url if response else url, page.url):
            cap.error = f"the page navigated itself away to {page.url}"
            return cap
        if too_big := await _too_big(page, options):
            cap.error = too_big
            return cap
        cap.html = await asyncio.wait_for(_content(page), timeout=left_ms() / 1000)
        cap.final_url = page.url
        if _navigated_away(url, response.url if response else url, page.url):  # moved while being read
            cap.html, cap.error = "", f"the page navigated itself away to {page.url}"
    except (PlaywrightTimeout, PlaywrightError, TimeoutError) as exc:
        cap.error = describe_error(exc, url, options, watch)
        if isinstance(exc, PlaywrightTimeout | TimeoutError):
            # A slow page is often a huge one: say so from its Content-Length, or when it can still answer.
            if watch.document_bytes > options.max_html_chars:
                cap.error = (f"the page is too large to read ({watch.document_bytes / 1e6:.1f} MB of HTML; "
                             f"limit {options.max_html_chars / 1e6:.0f} MB)")
            else:
                with contextlib.suppress(Exception):
                    cap.error = await _too_big(page, options, timeout_s=2) or cap.error
        with contextlib.suppress(Exception):
            cap.final_url = page.url
    return cap


async def _too_big(page: Page, options: CollectOptions, timeout_s: float | None = None) -> str:
    nodes, chars = await asyncio.wait_for(_settled(page, lambda: page.evaluate(_SIZE_JS)),
                                          timeout=timeout_s or options.page_timeout_s)
    if nodes > options.max_nodes or chars > options.max_html_chars:
        return (f"the page is too large to read ({nodes:,} elements, {chars / 1e6:.1f} MB of HTML; "
                f"limits {options.max_nodes:,} elements, {options.max_html_chars / 1e6:.0f} MB)")
    return ""


async def _settled(page: Page, read: Callable[[], Awaitable[T]]) -> T:
    """``read()`` on the page, retried once if a late navigation destroyed the document mid-read."""
    try:
        return await read()
    except PlaywrightError as exc:
        if "navigat" not in str(exc).lower() and "context was destroyed" not in str(exc).lower():
            raise
        await page.wait_for_load_state("load")
        return await read()


async def _content(page: Page) -> str:
    return await _settled(page, page.content)


def _outcome(extract: Extract, captures: list[PageCapture]) -> tuple[str, str | None, str]:
    main = captures[0]
    if main.error:
        return "failed", extract.wall or "error_page", main.error
    if extract.wall in FAILED_WALLS:
        return "failed", extract.wall, extract.wall_reason
    if extract.wall:
        return "partial", extract.wall, extract.wall_reason
    return "ok", None, ""


async def collect(session: BrowserSession, account: Account, options: CollectOptions) -> Snapshot:
    """Everything the checks need to know about one account. Page problems are named in
    ``snapshot.load``; only a dead browser raises (the runner restarts it)."""
    platform = get_platform(account.platform)
    started = time.monotonic()
    record = options.record_dir / f"{account.id}.har" if options.record_dir else None
    context: BrowserContext = await session.new_context(
        ContextOptions(replay_har=options.replay_har, record_har=record))
    generation = session.generation
    captures: list[PageCapture] = []
    screenshot: str | None = None
    watch = PageWatch(limits=(options.max_requests, options.max_navigations, options.max_inflight))
    # HAR replay never reaches the network: nothing to guard there.
    watch.guard = guard = AddressGuard(account.url, enabled=options.replay_har is None)
    try:
        await context.add_init_script(_HISTORY_GUARD_JS % options.max_history_calls)
        if options.block or guard.enabled:
            await context.route("**/*", _blocker(options.block, guard))
        # WebSockets pass by context.route and by HAR replay: judged here (a replay reaches no network).
        await context.route_web_socket(lambda _url: True, _socket_guard(guard, replay=options.replay_har is not None))
        if cookies := platform.cookies():
            await context.add_cookies(cookies)
        page = await context.new_page()
        watch.attach(context, page)
        pending, followed = platform.urls(account.url), False
        while pending:
            kind, url = pending.pop(0)
            cap = _valid_capture(await _load(page, kind, url, platform, options, watch))
            if cap.final_url and (why := await guard.refusal(cap.final_url)):  # redirected to an internal address
                guard.note(cap.final_url, why)
                guard.breached, cap.html, cap.error = True, "", f"the page went to {cap.final_url} ({why}): not read"
            captures.append(cap)
            if len(captures) == 1:
                if cap.error:
                    break  # the profile itself failed: extra tabs would only repeat it
                if options.screenshots:
                    screenshot = await _screenshot(page, account, options)
            if not pending and not followed:  # once: pages only the first answers can name (an id they gave)
                followed = True
                with contextlib.suppress(Exception):  # it reads the page's answers: a bad one names no page
                    pending = platform.follow_ups(captures)[:MAX_FOLLOW_UPS]
            if watch.crashed:
                page = await context.new_page()  # a crashed tab cannot load the next one
                watch.crashed = False
                watch.attach(context, page)
    finally:
        # A flood leaves its events queued behind this context: closing it would wait for them, and so
        # would every later account. A clean browser and driver are quicker and sure.
        closed = not watch.flood and await _close(context, options.close_timeout_s)
        if watch.flood or not closed:
            await session.restart(generation, by=account.id)
    if screenshot and guard.breached:  # it could show what an internal address answered
        (options.out_dir / screenshot).unlink(missing_ok=True)
        screenshot = None
    if options.pages_dir:
        for n, cap in enumerate(captures):
            if cap.html:
                write_atomic(options.pages_dir / f"{account.id}-{n}-{cap.kind}.html", cap.html)
    extract = await _extract(platform, captures, options, Declared.of(account))
    outcome, wall, reason = _outcome(extract, captures)
    main = captures[0]
    return Snapshot(
        account_id=account.id, platform=platform.name, requested_url=account.url,
        final_url=main.final_url or main.url, title=extract.title, texts=extract.texts, links=extract.links,
        meta=extract.meta, jsonld=extract.jsonld, screenshot=screenshot, coverage=extract.coverage,
        load=LoadInfo(outcome=outcome, wall=wall, reason=reason, http_status=main.status,  # type: ignore[arg-type]
                      pages=[PageVisit(url=c.url, final_url=c.final_url, status=c.status, error=c.error)
                             for c in captures],
                      elapsed_ms=int((time.monotonic() - started) * 1000), blocked_requests=guard.named()),
        collected_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _valid_capture(cap: PageCapture) -> PageCapture:
    """Page content as valid Unicode before anything reads or stores it (see safetext.valid_unicode)."""
    cap.html, cap.url, cap.final_url = valid_unicode(cap.html), valid_unicode(cap.url), valid_unicode(cap.final_url)
    cap.error = valid_unicode(cap.error)
    return cap


def _valid_extract(x: Extract) -> Extract:
    """What extraction made of the pages, as valid Unicode (embedded JSON's "\\ud800" decodes to a lone
    surrogate even when the HTML around it was clean)."""
    def fix(model: T) -> T:
        bad = {k: valid_unicode(v) for k, v in vars(model).items() if isinstance(v, str) and valid_unicode(v) is not v}
        return model.model_copy(update=bad) if bad else model  # type: ignore[attr-defined]
    x.title, x.wall_reason = valid_unicode(x.title), valid_unicode(x.wall_reason)
    x.texts, x.links = [fix(t) for t in x.texts], [fix(lk) for lk in x.links]
    x.meta, x.jsonld, x.hints = valid_data(x.meta), valid_data(x.jsonld), valid_data(x.hints)  # type: ignore[assignment]
    return x


async def _extract(platform: Platform, captures: list[PageCapture], options: CollectOptions,
                   declared: Declared | None = None) -> Extract:
    """Parse the captured pages in a child process (auditor.isolate) with a budget: parsing is CPU work
    that must not hold up the other accounts, and a runaway is stopped. A failure there is this
    account's error, named on its profile page's visit."""
    try:
        return await run_isolated(lambda: _valid_extract(platform.extract(captures, declared)),
                                  options.extract_budget_s)
    except Overran:
        problem = f"reading the page took longer than {options.extract_budget_s:g} s and was stopped"
    except WorkerFailed as exc:
        problem = f"reading the page failed: {valid_unicode(str(exc))}"
    if captures and not captures[0].error:
        captures[0].error = problem
    return Extract()


def _blocker(kinds: frozenset[str], guard: AddressGuard):  # noqa: ANN202 - a Playwright route handler
    """Refuse resource types the checks never read, and requests to internal addresses (named)."""
    async def handle(route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        try:
            if request.resource_type in kinds:
                await route.abort("blockedbyclient")  # type: ignore[attr-defined]
            elif why := await guard.refusal(request.url):
                guard.note(request.url, why)
                await route.abort("blockedbyclient")  # type: ignore[attr-defined]
            else:
                await route.fallback()  # type: ignore[attr-defined]  # on to the HAR replay, or the network
        except PlaywrightError:
            pass  # the page or context closed meanwhile
    return handle


def _socket_guard(guard: AddressGuard, replay: bool):  # noqa: ANN202 - a Playwright WebSocket route handler
    """Close a page's WebSocket to an internal address (named, as any blocked request), and every one
    in a replay; let the rest through to their server."""
    async def handle(ws: WebSocketRoute) -> None:
        try:
            why = "a replay reaches no network" if replay else await guard.refusal(ws.url)
            if why:
                guard.note(ws.url, f"WebSocket: {why}")
                await ws.close(code=1008, reason="blocked by the auditor")
            else:
                ws.connect_to_server()
        except PlaywrightError:
            pass  # the page or context closed meanwhile
    return handle


async def _screenshot(page: Page, account: Account, options: CollectOptions) -> str | None:
    rel = f"screenshots/{account.id}.jpg"
    path = options.out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        await page.screenshot(path=str(path), type="jpeg", quality=70, timeout=10_000)
    except (PlaywrightTimeout, PlaywrightError):
        return None
    return rel
