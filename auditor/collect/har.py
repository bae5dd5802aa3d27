"""HAR files: merging per-account recordings, and building replay archives from page files.

Playwright records one HAR per browser context; a run records one context per account, so
``merge`` joins them into the single file that ``--replay`` reads. ``build`` writes a HAR from
hand-made pages (the bundled demo and the test fixtures), in the same shape Playwright records.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from auditor import __version__
from auditor.errors import InputError
from auditor.fsutil import read_input


@dataclass
class HarPage:
    url: str
    body: str = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)  # e.g. {"Location": ...} for redirects


def _entry(page: HarPage) -> dict:
    headers = [{"name": "Content-Type", "value": page.content_type}]
    headers += [{"name": k, "value": v} for k, v in page.headers.items()]
    return {
        "startedDateTime": "2026-11-24T12:00:00.000Z",
        "time": 1,
        "request": {"method": "GET", "url": page.url, "httpVersion": "HTTP/1.1", "headers": [],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": page.status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": headers,
                     "cookies": [], "content": {"size": len(page.body.encode()), "mimeType": page.content_type,
                                                "text": page.body},
                     "redirectURL": page.headers.get("Location", ""), "headersSize": -1, "bodySize": -1},
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }


def build(pages: Iterable[HarPage]) -> dict:
    return {"log": {"version": "1.2", "creator": {"name": "auditor", "version": __version__}, "pages": [],
                    "entries": [_entry(p) for p in pages]}}


def write(har: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(har, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def merge(paths: Iterable[Path], out: Path) -> int:
    """Join HAR files into ``out``; returns the number of entries."""
    merged: dict | None = None
    for path in paths:
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if merged is None:
            merged = data
        else:
            merged["log"]["entries"].extend(data["log"].get("entries", []))
            merged["log"].setdefault("pages", []).extend(data["log"].get("pages", []))
    merged = merged or build([])
    write(merged, out)
    return len(merged["log"]["entries"])


MAX_REPLAY_BYTES = 512 * 1024 * 1024  # Playwright's replay reads the HAR as one string: Node's limit is about this


def _problem(entry: object, base: Path | None, names: set[str]) -> str | None:
    """What Playwright's replay needs from one entry that it lacks, or None."""
    if not isinstance(entry, dict):
        return "is not an object"
    req, resp = entry.get("request"), entry.get("response")
    if not isinstance(req, dict) or not isinstance(req.get("url"), str) or not isinstance(req.get("method"), str):
        return "has no request.url and request.method"
    if not isinstance(resp, dict) or not isinstance(resp.get("status"), int) or isinstance(resp.get("status"), bool):
        return "has no response.status"
    if not isinstance(resp.get("headers", []), list):
        return "has response.headers that is not a list"
    content = resp.get("content", {})
    if not isinstance(content, dict):
        return "has response.content that is not an object"
    if isinstance(content.get("_file"), str):
        name = content["_file"]
        missing = name not in names if base is None else not (base / name).is_file()
        if missing:
            return f"refers to a body file {name!r} that is not there"
    return None


def check_replay(path: Path) -> int:
    """Check up front that ``path`` is a HAR (or a .zip holding one) that replay can read; the
    number of entries. Anything else (not JSON, truncated, no log.entries, an entry without a
    request URL) is bad input naming the file and what is wrong: no browser is started for it."""
    data = read_input(path, "replay HAR", MAX_REPLAY_BYTES)
    names: set[str] = set()
    base: Path | None = path.parent
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                inner = next((n for n in sorted(names) if n.endswith(".har")), None)
                if inner is None:
                    raise InputError(f"{path}: not a replay HAR: a zip archive without a .har file in it")
                data, base = zf.read(inner), None
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"{path}: not a replay HAR: a damaged zip archive ({exc})") from None
    try:
        har = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a replay HAR: the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        cut = " (the file ends early: truncated?)" if exc.pos >= len(data.rstrip()) else ""
        raise InputError(f"{path}:{exc.lineno}: not a replay HAR: invalid JSON at line {exc.lineno} column "
                         f"{exc.colno}: {exc.msg}{cut}") from None
    except RecursionError:
        raise InputError(f"{path}: not a replay HAR: JSON nested too deeply") from None
    log = har.get("log") if isinstance(har, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: not a replay HAR: JSON without a log.entries list (a HAR is "
                         '{"log": {"entries": [...]}}, as `auditor record` or Playwright writes it)')
    for i, entry in enumerate(entries):
        if why := _problem(entry, base, names):
            raise InputError(f"{path}: not a usable replay HAR: log.entries[{i}] {why}")
    return len(entries)


def build_from_manifest(manifest: Path) -> dict:
    """A HAR from a YAML manifest of hand-made pages::

        pages:
          - url: https://x.com/AgencyHandle
            file: x-agency.html              # relative to the manifest
          - url: https://www.instagram.com/agencyhandle/
            status: 302
            location: https://www.instagram.com/accounts/login/?next=%2Fagencyhandle%2F
          - url: https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=x
            file: profile.json
            content_type: application/json
    """
    import yaml

    spec = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    pages = []
    for entry in spec.get("pages", []):
        body = (manifest.parent / entry["file"]).read_text(encoding="utf-8") if entry.get("file") else ""
        headers = {"Location": entry["location"]} if entry.get("location") else {}
        pages.append(HarPage(url=entry["url"], body=body, status=int(entry.get("status", 200)),
                             content_type=entry.get("content_type", "text/html; charset=utf-8"), headers=headers))
    return build(pages)
