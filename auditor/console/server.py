"""Start the console: check the settings, bind the socket, run uvicorn until Ctrl-C / SIGTERM."""

from __future__ import annotations

import socket
import sys

import uvicorn

from auditor.console.app import create_app
from auditor.console.settings import ConsoleSettings
from auditor.errors import EXIT_OK, InputError


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise InputError(f"--host {host} --port {port}: cannot listen there: {exc.strerror or exc}") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(settings: ConsoleSettings) -> int:
    sock = bind(settings.host, settings.port)
    port = sock.getsockname()[1]
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    app = create_app(settings)
    where = f"archive {settings.archive}" if settings.archive else f"runs in {settings.out_root}"
    print(f"auditor console: http://{shown}:{port}/ (registry {settings.sites}; {where}; "
          f"{'login with AUDITOR_CONSOLE_TOKEN' if settings.token else 'no login: loopback only'}). "
          "Ctrl-C stops it.", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", server_header=False, date_header=False,
                            proxy_headers=False, access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
    return EXIT_OK
