"""HAR files: merging per-account recordings, and building replay archives from page files.

Playwright records one HAR per browser context; a run records one context per account, so
``merge`` joins them into the single file that ``--replay`` reads. ``build`` writes a HAR from
hand-made pages (the bundled demo and the test fixtures), in the same shape Playwright records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from auditor import __version__


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
