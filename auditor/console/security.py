"""Who may use the console and how requests are checked.

- A request's Host must name the loopback interface when the console listens there (a web page
  elsewhere that rebinds its DNS name to 127.0.0.1 is refused).
- With ``AUDITOR_CONSOLE_TOKEN`` set (required off loopback), every page needs a session made by
  the login form; the token is compared in constant time. The session cookie is Secure, HttpOnly,
  SameSite=Strict.
- Every state-changing request is a POST carrying a CSRF token bound to the session (an HMAC of
  the session id with a per-process secret), and a cross-origin Origin header is refused.
- Every answer carries a Content-Security-Policy: console pages load no script at all; a report
  (page-derived text) is served in a sandbox with ``script-src 'none'``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auditor.registry import is_loopback

COOKIE = "auditor_console"
SESSION_TTL_S = 12 * 3600
MAX_SESSIONS = 1000
CONSOLE_CSP = ("default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
REPORT_CSP = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "form-action 'none'; base-uri 'none'; frame-ancestors 'none'; "
              "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation")
COMMON_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin",
                  "x-frame-options": "DENY", "cache-control": "no-store",
                  "cross-origin-opener-policy": "same-origin", "cross-origin-resource-policy": "same-origin"}
PUBLIC_PATHS = ("/login", "/static/")


@dataclass
class Session:
    id: str
    authenticated: bool
    created: float


class Guard:
    """Sessions (in memory: a restart logs everyone out), the token and CSRF tokens."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self._secret = secrets.token_bytes(32)
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def session(self, request: Request) -> Session | None:
        sid = request.cookies.get(COOKIE, "")
        with self._lock:
            s = self._sessions.get(sid)
            if s and time.time() - s.created > SESSION_TTL_S:
                del self._sessions[sid]
                return None
            return s

    def new_session(self, authenticated: bool) -> Session:
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:  # drop the oldest
                for sid, _ in sorted(self._sessions.items(), key=lambda kv: kv[1].created)[:MAX_SESSIONS // 10]:
                    del self._sessions[sid]
            s = Session(secrets.token_urlsafe(32), authenticated, time.time())
            self._sessions[s.id] = s
            return s

    def drop(self, session: Session | None) -> None:
        if session:
            with self._lock:
                self._sessions.pop(session.id, None)

    def token_ok(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def csrf(self, session: Session) -> str:
        return hmac.new(self._secret, session.id.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: Session | None, given: str) -> bool:
        return session is not None and hmac.compare_digest(self.csrf(session).encode(), given.encode("utf-8"))


def set_cookie(response: Response, session: Session) -> None:
    response.set_cookie(COOKIE, session.id, max_age=SESSION_TTL_S, path="/", secure=True, httponly=True,
                        samesite="strict")


class CsrfError(Exception):
    pass


def same_origin(request: Request) -> bool:
    """An Origin header, when the browser sends one, must be this console's."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}" == \
        f"{request.url.hostname}:{request.url.port or (443 if request.url.scheme == 'https' else 80)}"


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after its CSRF token and origin are checked (CsrfError otherwise)."""
    guard: Guard = request.app.state.guard
    form = await request.form()
    given = form.get("csrf")
    if not same_origin(request) or not isinstance(given, str) or not guard.csrf_ok(request.state.session, given):
        raise CsrfError
    return form


class ConsoleMiddleware:
    """Host check, session, login gate and security headers, around every request."""

    def __init__(self, app: ASGIApp, guard: Guard, loopback_only: bool) -> None:
        self.app, self.guard, self.loopback_only = app, guard, loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        host = request.url.hostname or ""
        if self.loopback_only and not is_loopback(host):
            await self._send(PlainTextResponse(f"Host {host!r} is not this console (it listens on loopback only).",
                                               status_code=400), scope, receive, send)
            return
        session = self.guard.session(request)
        fresh = None
        if session is None:
            fresh = session = self.guard.new_session(authenticated=self.guard.token is None)
        scope.setdefault("state", {})["session"] = session
        path = scope["path"]
        if not session.authenticated and not path.startswith(PUBLIC_PATHS):
            if request.method in ("GET", "HEAD"):
                response: Response = RedirectResponse("/login", status_code=303)
            else:
                response = PlainTextResponse("Log in first: this console needs its access token.", status_code=401)
            if fresh:
                set_cookie(response, fresh)
            await self._send(response, scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])]
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CONSOLE_CSP.encode()))
                headers += [(k.encode(), v.encode()) for k, v in COMMON_HEADERS.items() if k.encode() not in names]
                if fresh:
                    cookie = Response()
                    set_cookie(cookie, fresh)
                    headers += [(k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _send(self, response: Response, scope: Scope, receive: Receive, send: Send) -> None:
        for k, v in COMMON_HEADERS.items():
            response.headers[k] = v
        response.headers["content-security-policy"] = CONSOLE_CSP
        await response(scope, receive, send)
