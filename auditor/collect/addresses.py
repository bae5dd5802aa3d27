"""Keep a registered page from making the browser fetch internal addresses.

A page can point an image, a frame or a fetch at the cloud metadata address (169.254.169.254), a
private network (10/8, 172.16/12, 192.168/16, fc00::/7), a link-local one (fe80::/10) or the runner
itself (127/8, ::1, localhost), and the screenshot would carry what came back into a mailed report.
Such requests are refused, and named, unless the account's own registered URL is on that very host
(tests run on loopback). Host names are resolved (off the event loop, cached per account) and
refused when any address they resolve to is internal.

Not covered: the browser resolves names again itself, so a name whose answer changes between the
two look-ups (DNS rebinding) can slip through; a redirect to an internal address is not routed
again, so it is only detected afterwards (``note_redirect``) and the screenshot dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import threading
from urllib.parse import urlsplit

MAX_NAMED = 50  # blocked requests named in the snapshot; the rest are counted
RESOLVE_TIMEOUT_S = 5.0
_EXTRA = (ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("0.0.0.0/8"))  # shared NAT; "this host"


def internal_ip(text: str) -> bool:
    """Whether an address literal is loopback, private, link-local or otherwise not a public host."""
    try:
        ip = ipaddress.ip_address(text.strip("[]").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified or any(ip in net for net in _EXTRA if ip.version == net.version))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def _localhost(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")  # Chromium answers these itself: loopback


def _resolve_blocking(host: str) -> list[str]:
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]
    except (OSError, UnicodeError):
        return []


async def _resolve(host: str) -> list[str]:
    """getaddrinfo in a daemon thread: a slow resolver never holds up the loop, nor the exit
    (loop.getaddrinfo's executor is joined when the run ends)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[list[str]] = loop.create_future()

    def work() -> None:
        found = _resolve_blocking(host)
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(found))

    threading.Thread(target=work, daemon=True, name="auditor-resolve").start()
    try:
        return await asyncio.wait_for(done, timeout=RESOLVE_TIMEOUT_S)
    except TimeoutError:
        return []


class AddressGuard:
    """One account's view: which hosts its page may reach. ``enabled`` is False in HAR replay."""

    def __init__(self, registered_url: str, enabled: bool = True) -> None:
        self.enabled = enabled
        self.own_host = _host(registered_url)
        self.blocked: list[str] = []
        self.count = 0
        self.breached = False  # something internal answered anyway (a redirect): drop the screenshot
        self._verdicts: dict[str, asyncio.Future[str]] = {}

    async def refusal(self, url: str) -> str:
        """Why ``url`` must not be fetched ("" when it may)."""
        if not self.enabled or not url.lower().startswith(("http:", "https:", "ws:", "wss:", "ftp:")):
            return ""
        host = _host(url)
        if not host or host == self.own_host:
            return ""  # the account's own host (on loopback in tests) is what we were asked to read
        if host not in self._verdicts:
            self._verdicts[host] = asyncio.ensure_future(self._judge(host))
        return await asyncio.shield(self._verdicts[host])

    async def _judge(self, host: str) -> str:
        if internal_ip(host):
            return f"internal address {host}"
        if _localhost(host):
            return f"{host} is this machine"
        if host.replace(".", "").isdigit() or ":" in host:
            return ""  # a public address literal
        bad = [a for a in await _resolve(host) if internal_ip(a)]
        return f"{host} resolves to internal address {bad[0]}" if bad else ""

    def note(self, url: str, why: str) -> None:
        self.count += 1
        if len(self.blocked) < MAX_NAMED:
            self.blocked.append(f"{url[:300]} ({why})")

    def note_redirect(self, url: str) -> None:
        """A redirect the router never saw ended on ``url``: if that is internal, say so and drop the screenshot."""
        host = _host(url)
        if self.enabled and host and host != self.own_host and (internal_ip(host) or _localhost(host)):
            self.breached = True
            self.note(url, f"reached by a redirect to internal address {host}")

    def named(self) -> list[str]:
        more = self.count - len(self.blocked)
        return self.blocked + ([f"... and {more} more"] if more > 0 else [])
