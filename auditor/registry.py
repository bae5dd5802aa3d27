"""The registry (sites.yaml): the approved official and element accounts (the policy document's list of accounts).

Validation is all-or-nothing: every problem is collected and reported with the file, line and
account, and nothing is audited from a half-valid registry (exit 2).

    accounts:
      - id: agency-x                     # unique; letters, digits, . _ -
        name: The agency on X
        url: https://x.com/AgencyHandle
        platform: x                      # optional: inferred from the host
        element: Public Affairs          # optional
        language: es                     # optional: the profile's language (one the policy reads)
        owner: ...                       # optional
        notes: ...                       # optional
        profile_selector: main .profile  # optional, sites without a platform module only: CSS
        website_selector: a.website      #   selectors of the profile region and its website link
        attestations:                    # optional: items a person verified by hand
          - item: not_monitored_disclaimer
            by: J. Smith, Public Affairs
            date: 2026-11-02             # when they checked (YYYY-MM-DD)
            note: Disclaimer is in the cover image text
            expires: 2027-05-02          # optional; after it the item is review again
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from auditor.collect.platforms import PLATFORM_NAMES, PLATFORMS, platform_for_host
from auditor.collect.platforms.base import compile_selector
from auditor.errors import InputError
from auditor.models import Account, Attestation
from auditor.yamlsrc import LINE_KEY, LineDict, LineList, YAMLSyntaxError, kind, load_yaml

ACCOUNT_KEYS = {"id", "name", "url", "platform", "element", "owner", "notes", "attestations", "language",
                "profile_selector", "website_selector"}
SELECTOR_KEYS = ("profile_selector", "website_selector")
ATTESTATION_KEYS = {"item", "by", "date", "note", "expires"}
TOP_KEYS = {"accounts", "registry", "description"}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # used with fullmatch
_ID_LINE = re.compile(r"^[\s-]*id\s*:\s*['\"]?([^\s'\"#]+)")


# Names people write for a platform that the registry spells differently.
PLATFORM_HINTS = {"twitter": "x", "fb": "facebook", "meta": "facebook", "ig": "instagram", "insta": "instagram",
                  "yt": "youtube", "bsky": "bluesky", "threads.net": "threads"}
# Host prefixes that name the same page (www.x.com and x.com): dropped when comparing URLs.
_SAME_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.")


@dataclass(frozen=True)
class Registry:
    path: Path
    accounts: list[Account]


def is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_problem(url: object) -> str | None:
    """Why ``url`` cannot be audited, or None."""
    if not isinstance(url, str) or not url.strip():
        return "url is empty"
    if url != url.strip() or any(c.isspace() for c in url):
        return f"url {url!r} contains white space"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in url):
        return f"url {url!r} contains control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port
    except ValueError as exc:
        return f"url {url!r} is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        scheme = parts.scheme or "(none)"
        return f"url {url!r} has scheme '{scheme}:'; only https:// (or http:// on loopback) is audited"
    if "@" in parts.netloc:
        return f"url {url!r} carries credentials (user:password@); remove them"
    if not host:
        return f"url {url!r} has no host"
    if parts.scheme == "http" and not is_loopback(host):
        return f"url {url!r} uses plain http://; use https:// (http is allowed only for loopback test hosts)"
    return None


def _is_platform_host(host: str, name: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in PLATFORMS[name].hosts)


def lookalike_of(host: str) -> str | None:
    """The platform host that ``host`` imitates (x.com.evil.example, facebook.com-login.example), or None
    when it is that platform's own host or resembles none."""
    host = host.lower().rstrip(".")
    for platform in PLATFORMS.values():
        for h in platform.hosts:
            if host == h or host.endswith("." + h):
                return None
            if re.search(rf"(^|[.-]){re.escape(h)}($|[.-])", host):
                return h
    return None


def platform_problem(url: str, platform: str | None) -> str | None:
    """Why the url's host and the declared platform disagree (or the host imitates a platform), or None.
    Loopback hosts (tests) may carry any platform; ``generic`` may be declared for any host."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if is_loopback(host):
        return None
    if imitated := lookalike_of(host):
        owner = platform_for_host(imitated)
        return (f"host {host!r} looks like {imitated} but is not {owner}'s host: it would be audited as a "
                f"generic site; check the url")
    if platform is None or platform == "generic":
        return None
    inferred = platform_for_host(host, urlsplit(url).path)
    if PLATFORMS[platform].hosts and not _is_platform_host(host, platform):
        seen = f"a {inferred} host" if inferred != "generic" else f"not a {platform} host"
        return (f"platform {platform!r} does not match the url's host {host!r} ({seen}); remove 'platform:' "
                f"to infer it from the url, or fix the url")
    if not PLATFORMS[platform].hosts and inferred not in ("generic", platform):
        return (f"platform {platform!r} does not match the url's host {host!r} (a {inferred} host); remove "
                f"'platform:' to infer it from the url, or fix the url")
    return None


def canonical_url(url: str, platform: str) -> str:
    """The form two registry URLs share when they name the same page: scheme and host in lower case,
    www./m./mobile. dropped, twitter.com as x.com, no default port, fragment or trailing slash, and the
    path in lower case on platforms whose handles ignore case."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _SAME_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    if host == "twitter.com":
        host = "x.com"
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    if platform not in ("generic", "mastodon"):
        path = path.lower()
    return f"{parts.scheme.lower()}://{netloc}{path}" + (f"?{parts.query}" if parts.query else "")


def _label(entry: LineDict, index: int) -> str:
    value = entry.get("id")
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return f"accounts[{index}]"


def _problems_for(entry: object, index: int, line: int, path: Path, seen: dict[str, tuple[str, int]],
                  urls: dict[str, tuple[str, int]], items: Sequence[str] = ()) -> tuple[list[str], Account | None]:
    if not isinstance(entry, dict):
        return [f"{path}:{line}: account accounts[{index}]: must be a mapping with id, name and url, "
                f"not {kind(entry)}"], None
    assert isinstance(entry, LineDict)
    where = f"account {_label(entry, index)!r}"

    def at(key: str | None = None) -> str:
        return f"{path}:{entry.line_of(key) if key is not None else entry.line}: {where}"

    problems: list[str] = [f"{path}:{d.line}: {where}: duplicate key {d.key!r} (first on line {d.first_line})"
                           for d in entry.duplicates]
    for key in sorted(set(entry) - ACCOUNT_KEYS - {LINE_KEY}, key=str):
        problems.append(f"{at(key)}: unknown key {str(key)!r} (allowed: {', '.join(sorted(ACCOUNT_KEYS))})")
    usable: dict[str, str] = {}  # the fields that are strings: each is checked further
    for key in ("id", "name", "url", "platform", "element", "owner", "notes", "language",
                *SELECTOR_KEYS):  # attestations: below
        value = entry.get(key)
        if key in ("id", "name", "url") and (value is None or (isinstance(value, str) and not value.strip())):
            problems.append(f"{at(key)}: missing '{key}'")
        elif value is not None and not isinstance(value, str):
            problems.append(f"{at(key)}: '{key}' must be a string, not {kind(value)}")
        elif value is not None:
            usable[key] = value
    if account_id := usable.get("id"):
        if not _ID.fullmatch(account_id):
            problems.append(f"{at('id')}: id {account_id!r} must be 1 to 100 letters, digits, '.', '_' or '-', "
                            "starting with a letter or digit")
        folded = account_id.casefold()
        if folded in seen:
            first, first_line = seen[folded]
            same = "" if first == account_id else f" (same as {first!r}: ids name files, so case does not count)"
            problems.append(f"{at('id')}: duplicate id {account_id!r}{same}; first on line {first_line}")
        else:
            seen[folded] = (account_id, entry.line_of("id"))
    url_ok = "url" in usable and not (why := url_problem(usable["url"]))
    if "url" in usable and not url_ok:
        problems.append(f"{at('url')}: {why}")
    platform = usable.get("platform")
    if platform is not None and platform not in PLATFORM_NAMES:
        folded = platform.strip().lower()
        hint = PLATFORM_HINTS.get(folded) or (folded if folded in PLATFORM_NAMES else None)
        did = f"use 'platform: {hint}'; " if hint else ""
        problems.append(f"{at('platform')}: unknown platform {platform!r} ({did}known: {', '.join(PLATFORM_NAMES)})")
    elif url_ok and (why := platform_problem(usable["url"], platform)):
        problems.append(f"{at('platform' if platform and 'does not match' in why else 'url')}: {why}")
    if url_ok:
        parts = urlsplit(usable["url"])
        key = canonical_url(usable["url"], platform_for_host(parts.hostname or "", parts.path))
        if key in urls:
            first, first_line = urls[key]
            problems.append(f"{at('url')}: url {usable['url']!r} is the same page as account {first!r} on line "
                            f"{first_line} (both are {key}); an account is registered once")
        else:
            urls[key] = (usable.get("id") or _label(entry, index), entry.line_of("url"))
    problems += _selector_problems(usable, at)
    att_problems, attestations = _attestations(entry.get("attestations"), entry.line_of("attestations"), where, path,
                                               items)
    problems += att_problems
    if problems:
        return problems, None
    parts = urlsplit(entry["url"])
    account = Account(
        id=entry["id"], name=entry["name"].strip(), url=entry["url"],
        platform=platform or platform_for_host(parts.hostname or "", parts.path),
        element=entry.get("element"), owner=entry.get("owner"), notes=entry.get("notes"), line=entry.line,
        language=entry.get("language"),
        attestations=attestations, profile_selector=entry.get("profile_selector"),
        website_selector=entry.get("website_selector"),
    )
    if (account.profile_selector or account.website_selector) and account.platform != "generic":
        key = "profile_selector" if account.profile_selector else "website_selector"
        return [f"{at(key)}: '{key}' is only for sites without a platform module; this account is read by the "
                f"'{account.platform}' module (set platform: generic to read it by selectors instead)"], None
    return [], account


def _selector_problems(usable: dict[str, str], at: Callable[[str], str]) -> list[str]:
    """Declared profile selectors must be CSS the selector engine (soupsieve) compiles."""
    problems = []
    for key in SELECTOR_KEYS:
        if key not in usable:
            continue
        if not usable[key].strip():
            problems.append(f"{at(key)}: '{key}' is empty: give a CSS selector or leave the key out")
            continue
        try:
            compile_selector(usable[key])
        except ValueError as exc:
            problems.append(f"{at(key)}: '{key}' {usable[key]!r} is not a valid CSS selector ({exc})")
    return problems


def _iso_date(value: object) -> str | None:
    """'YYYY-MM-DD' for a YAML date (unquoted) or an ISO date string; None if it is neither."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def today() -> dt.date:
    return dt.date.today()


def _attestations(raw: object, line: int, who: str, path: Path,
                  items: Sequence[str]) -> tuple[list[str], list[Attestation]]:
    """The account's ``attestations:`` list: each names a known item, who, when; dates are real dates."""
    if raw is None:
        return [], []
    if not isinstance(raw, LineList):
        return [f"{path}:{line}: {who}: 'attestations' must be a list, not {kind(raw)}"], []
    problems: list[str] = []
    out: list[Attestation] = []
    for i, entry in enumerate(raw):
        here = f"{path}:{raw.line_of(i)}: {who}: attestations[{i}]"
        if not isinstance(entry, LineDict):
            problems.append(f"{here}: must be a mapping with item, by and date, not {kind(entry)}")
            continue

        def where(key: str, entry: LineDict = entry, i: int = i) -> str:
            return f"{path}:{entry.line_of(key)}: {who}: attestations[{i}]"

        errs = [f"{path}:{d.line}: {who}: attestations[{i}]: duplicate key {d.key!r} (first on line {d.first_line})"
                for d in entry.duplicates]
        for key in sorted(set(entry) - ATTESTATION_KEYS - {LINE_KEY}, key=str):
            errs.append(f"{where(str(key))}: unknown key {str(key)!r} (allowed: {', '.join(sorted(ATTESTATION_KEYS))})")
        item, by, note = entry.get("item"), entry.get("by"), entry.get("note")
        if item is None or (isinstance(item, str) and not item.strip()):
            errs.append(f"{where('item')}: missing 'item' (one of: {', '.join(items)})")
        elif item not in items:
            errs.append(f"{where('item')}: unknown item '{item}' (known: {', '.join(items)})")
        if not isinstance(by, str) or not by.strip():
            errs.append(f"{where('by')}: missing 'by': who verified the item")
        if note is not None and not isinstance(note, str):
            errs.append(f"{where('note')}: 'note' must be a string, not {kind(note)}")
        date = _iso_date(entry.get("date"))
        if entry.get("date") is None:
            errs.append(f"{where('date')}: missing 'date': when the item was verified (YYYY-MM-DD)")
        elif date is None:
            errs.append(f"{where('date')}: date {entry.get('date')!r} is not a date (YYYY-MM-DD)")
        expires = _iso_date(entry.get("expires")) if entry.get("expires") is not None else None
        if entry.get("expires") is not None and expires is None:
            errs.append(f"{where('expires')}: expires {entry.get('expires')!r} is not a date (YYYY-MM-DD)")
        if date and date > today().isoformat():
            errs.append(f"{where('date')}: date {date} is in the future (today is {today().isoformat()}): "
                        "an attestation records a check already done")
        if date and expires and expires < date:
            errs.append(f"{where('expires')}: expires {expires} is before the date {date}")
        elif date and expires and expires == date:
            errs.append(f"{where('expires')}: expires {expires} is the date itself: the attestation would be "
                        "expired as it was written")
        if errs:
            problems += errs
            continue
        assert isinstance(item, str) and isinstance(by, str) and date
        out.append(Attestation(item=item, by=by.strip(), date=date, note=(note or "").strip(), expires=expires,
                               line=entry.line))
    return problems, out


def _near_account(path: Path, line: int | None) -> str:
    """' (in or after account 'x')': the last account id given before ``line``, read from the raw text."""
    if not line:
        return ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[:line - 1]
    except (OSError, UnicodeDecodeError):
        return ""
    for text in reversed(lines):
        if m := _ID_LINE.match(text):
            return f" (in or after account {m.group(1)!r})"
    return ""


def load_registry(path: Path, items: Sequence[str] | None = None) -> Registry:
    """The registry; attestations must name one of ``items`` (default: the built-in policy's)."""
    path = Path(path)
    if items is None:
        from auditor.policy import load_policy

        items = load_policy().item_ids
    try:
        raw = load_yaml(path, "registry", duplicates_ok=True)
    except YAMLSyntaxError as exc:
        raise InputError(f"{exc}{_near_account(path, exc.line)}") from None
    if raw is None:
        raise InputError(f"{path}:1: the registry is empty: add accounts under 'accounts:'")
    if isinstance(raw, list):
        top = LineDict(accounts=raw)
        top.line, top.key_lines, top.duplicates = 1, {}, []
        raw = top
    if not isinstance(raw, LineDict):
        raise InputError(f"{path}:1: the registry must be a mapping with an 'accounts:' list, "
                         f"not {kind(raw)}")
    problems = [f"{path}:{d.line}: duplicate top-level key {d.key!r} (first on line {d.first_line})"
                for d in raw.duplicates]
    for k in raw:
        if k == LINE_KEY:
            continue
        if k not in TOP_KEYS:
            problems.append(f"{path}:{raw.line_of(k)}: unknown top-level key {str(k)!r} "
                            f"(allowed: {', '.join(sorted(TOP_KEYS))})")
        elif k != "accounts" and raw[k] is not None and not isinstance(raw[k], str):
            problems.append(f"{path}:{raw.line_of(k)}: '{k}' must be a string, not {kind(raw[k])}")
    entries = raw.get("accounts")
    if entries is None or entries == []:
        problems.append(f"{path}:{raw.line_of('accounts')}: the registry has no accounts: "
                        "add at least one under 'accounts:'")
        entries = LineList()
    elif not isinstance(entries, LineList):
        problems.append(f"{path}:{raw.line_of('accounts')}: 'accounts' must be a list of accounts, "
                        f"not {kind(entries)}")
        entries = LineList()
    seen: dict[str, tuple[str, int]] = {}
    urls: dict[str, tuple[str, int]] = {}
    accounts: list[Account] = []
    for i, entry in enumerate(entries):
        errs, account = _problems_for(entry, i, entries.line_of(i), path, seen, urls, items)
        problems += errs
        if account:
            accounts.append(account)
    if problems:
        raise InputError("\n".join(problems))
    return Registry(path=path, accounts=accounts)
