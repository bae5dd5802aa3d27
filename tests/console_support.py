"""Helpers for the console tests: `auditor serve` in a child process on a free loopback port, and
plain HTTP requests with a cookie jar (http.client, so crafted paths are sent exactly as written)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tests.conftest import ROOT

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass
class Served:
    base: str
    proc: subprocess.Popen
    log: Path

    @property
    def port(self) -> int:
        return int(urlsplit(self.base).port or 0)


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None, log: Path) -> Iterator[Served]:
    """Run `auditor serve ARGS --port 0` until the block ends; yields its base URL."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    with log.open("w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "auditor", "serve", *args, "--port", "0"], cwd=ROOT,
                                stdout=fh, stderr=subprocess.STDOUT, env=full_env)
    try:
        deadline = time.monotonic() + 60
        while True:
            m = re.search(r"auditor console: (http://\S+/)", log.read_text())
            if m:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"console did not start (rc {proc.poll()}):\n{log.read_text()}")
            time.sleep(0.1)
        yield Served(m.group(1).rstrip("/"), proc, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Client:
    """A browser-like client over http.client: keeps the session cookie, sends paths unnormalised."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | list | None = None, headers: dict | None = None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        conn.close()
        return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, data)

    def get(self, path: str, **kw: object) -> Reply:
        return self.request("GET", path, **kw)  # type: ignore[arg-type]

    def post(self, path: str, form: dict | list, **kw: object) -> Reply:
        return self.request("POST", path, form=form, **kw)  # type: ignore[arg-type]

    def csrf(self, path: str = "/") -> str:
        m = CSRF.search(self.get(path).body)
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, token: str) -> Reply:
        self.get("/login")
        m = CSRF.search(self.get("/login").body)
        assert m
        return self.post("/login", {"csrf": m.group(1), "token": token})
