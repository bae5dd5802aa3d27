"""The registry (sites.yaml): the approved official and element accounts (GO-SPT-302.03 II.C.1).

Validation is all-or-nothing: every problem is collected and reported with the file, line and
account, and nothing is audited from a half-valid registry (exit 2).

    accounts:
      - id: mpd-x                        # unique; letters, digits, . _ -
        name: MPD on X
        url: https://x.com/DCPoliceDept
        platform: x                      # optional: inferred from the host
        element: Office of Communications  # optional
        owner: ...                       # optional
        notes: ...                       # optional
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from auditor.collect.platforms import PLATFORM_NAMES, platform_for_host
from auditor.errors import InputError
from auditor.models import Account
from auditor.yamlsrc import LINE_KEY, load_yaml

ACCOUNT_KEYS = {"id", "name", "url", "platform", "element", "owner", "notes"}
TOP_KEYS = {"accounts", "registry", "description"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Registry:
    path: Path
    accounts: list[Account]


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be audited, or None."""
    if not isinstance(url, str) or not url.strip():
        return "url is empty"
    if url != url.strip() or any(c.isspace() for c in url):
        return f"url {url!r} contains white space"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port
    except ValueError as exc:
        return f"url {url!r} is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        scheme = parts.scheme or "(none)"
        return f"url {url!r} has scheme '{scheme}:'; only https:// (or http:// on loopback) is audited"
    if not host:
        return f"url {url!r} has no host"
    if parts.username or parts.password:
        return f"url {url!r} carries credentials (user:password@); remove them"
    if parts.scheme == "http" and not is_loopback(host):
        return f"url {url!r} uses plain http://; use https:// (http is allowed only for loopback test hosts)"
    return None


def _problems_for(entry: object, index: int, path: Path, seen: dict[str, int]) -> tuple[list[str], Account | None]:
    if not isinstance(entry, dict):
        return [f"{path}: accounts[{index}] must be a mapping with id, name and url"], None
    line = entry.get(LINE_KEY)
    label = entry.get("id") if isinstance(entry.get("id"), str) else f"accounts[{index}]"
    where = f"{path}:{line}: account '{label}'"
    problems: list[str] = []
    for key in sorted(set(entry) - ACCOUNT_KEYS - {LINE_KEY}, key=str):
        problems.append(f"{where}: unknown key '{key}' (allowed: {', '.join(sorted(ACCOUNT_KEYS))})")
    for key in ("id", "name", "url"):
        if key not in entry or entry[key] in (None, ""):
            problems.append(f"{where}: missing '{key}'")
    for key in ACCOUNT_KEYS & set(entry):
        if entry[key] is not None and not isinstance(entry[key], str):
            problems.append(f"{where}: '{key}' must be a string, not {type(entry[key]).__name__}")
    if problems:
        return problems, None
    account_id = entry["id"]
    if not _ID.match(account_id):
        problems.append(f"{where}: id must be letters, digits, '.', '_' or '-' (at most 100)")
    if account_id in seen:
        problems.append(f"{where}: duplicate id '{account_id}' (first on line {seen[account_id]})")
    else:
        seen[account_id] = line
    if why := url_problem(entry["url"]):
        problems.append(f"{where}: {why}")
    platform = entry.get("platform")
    if platform is not None and platform not in PLATFORM_NAMES:
        problems.append(f"{where}: unknown platform '{platform}' (known: {', '.join(PLATFORM_NAMES)})")
    if problems:
        return problems, None
    parts = urlsplit(entry["url"])
    account = Account(
        id=account_id, name=entry["name"].strip(), url=entry["url"],
        platform=platform or platform_for_host(parts.hostname or "", parts.path),
        element=entry.get("element"), owner=entry.get("owner"), notes=entry.get("notes"), line=line,
    )
    return [], account


def load_registry(path: Path) -> Registry:
    path = Path(path)
    raw = load_yaml(path, "registry")
    if raw is None:
        raise InputError(f"{path}: the registry is empty: add accounts under 'accounts:'")
    if isinstance(raw, list):
        raw = {"accounts": raw, LINE_KEY: 1}
    if not isinstance(raw, dict):
        raise InputError(f"{path}: the registry must be a mapping with an 'accounts:' list")
    problems = [f"{path}:{raw[LINE_KEY]}: unknown top-level key '{k}' (allowed: {', '.join(sorted(TOP_KEYS))})"
                for k in raw if k not in TOP_KEYS and k != LINE_KEY]
    entries = raw.get("accounts")
    if entries is None or entries == []:
        problems.append(f"{path}: the registry has no accounts: add at least one under 'accounts:'")
        entries = []
    elif not isinstance(entries, list):
        problems.append(f"{path}: 'accounts' must be a list")
        entries = []
    seen: dict[str, int] = {}
    accounts: list[Account] = []
    for i, entry in enumerate(entries):
        errs, account = _problems_for(entry, i, path, seen)
        problems += errs
        if account:
            accounts.append(account)
    if problems:
        raise InputError("\n".join(problems))
    return Registry(path=path, accounts=accounts)
