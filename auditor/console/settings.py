"""What the console serves (registry, replay, policy, archive, output root) and where it listens."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import InputError
from auditor.registry import is_loopback

TOKEN_ENV = "AUDITOR_CONSOLE_TOKEN"
MAIL_TO_ENV = "AUDITOR_EMAIL_TO"
MIN_TOKEN = 16


@dataclass
class ConsoleSettings:
    sites: Path
    out_root: Path
    replay: Path | None = None
    policy: Path | None = None
    archive: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = field(default=None, repr=False)
    mail_to: str = ""

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def from_args(sites: Path, out_root: Path, replay: Path | None, policy: Path | None, archive: Path | None,
              host: str, port: int, env: dict[str, str] | None = None) -> ConsoleSettings:
    """Check everything before listening; a problem is bad input (exit 2) with the option named."""
    env = dict(os.environ) if env is None else env
    token = env.get(TOKEN_ENV) or None
    if not is_loopback(host) and not token:
        raise InputError(f"--host {host}: the console would be reachable from other machines; set {TOKEN_ENV} "
                         f"(at least {MIN_TOKEN} characters) to require a login, or keep the default 127.0.0.1")
    if token is not None and len(token) < MIN_TOKEN:
        raise InputError(f"{TOKEN_ENV} is shorter than {MIN_TOKEN} characters; use a long random value "
                         "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if not 0 <= port < 65536:
        raise InputError(f"--port {port}: not a port number")
    if not sites.is_file():
        raise InputError(f"{sites}: registry file not found (--sites)")
    if replay is not None and not replay.is_file():
        raise InputError(f"{replay}: replay HAR file not found (--replay)")
    if policy is not None:
        from auditor.policy import builtin_policies, resolve

        given, policy = policy, resolve(policy)  # a built-in name (mpd, diamond-bar) or a file
        if not policy.is_file():
            raise InputError(f"{given}: no such policy file or built-in policy (--policy; built-in: "
                             f"{', '.join(builtin_policies())})")
    for label, d in (("--out-root", out_root), ("--archive", archive)):
        if d is not None and d.exists() and not d.is_dir():
            raise InputError(f"{d}: {label} must be a folder")
    out_root.mkdir(parents=True, exist_ok=True)
    return ConsoleSettings(sites=sites, out_root=out_root.resolve(), replay=replay, policy=policy,
                           archive=archive.resolve() if archive else None, host=host, port=port, token=token,
                           mail_to=env.get(MAIL_TO_ENV, "").strip())
