"""Fixture sets read the way the collector reads them, without a browser: a registry account's
pages (``Platform.urls``) are looked up in the set's manifest (redirects followed), turned into
PageCaptures and extracted. For unit tests on regions and coverage; the browser tests replay the
same manifests through Chromium."""

from __future__ import annotations

from pathlib import Path

import yaml

from auditor.collect.platforms import get, platform_for_host
from auditor.collect.platforms.base import Declared, Extract, PageCapture
from auditor.models import Account

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "platforms"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _manifest(folder: Path) -> dict[str, dict]:
    spec = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8")) or {}
    return {entry["url"]: entry for entry in spec.get("pages", [])}


def accounts(folder: Path) -> list[Account]:
    spec = yaml.safe_load((folder / "sites.yaml").read_text(encoding="utf-8")) or {}
    out = []
    for raw in spec.get("accounts", []):
        from urllib.parse import urlsplit

        parts = urlsplit(raw["url"])
        platform = raw.get("platform") or platform_for_host(parts.hostname or "", parts.path)
        out.append(Account(id=raw["id"], name=raw["name"], url=raw["url"], platform=platform,
                           profile_selector=raw.get("profile_selector"),
                           website_selector=raw.get("website_selector")))
    return out


def capture(folder: Path, kind: str, url: str) -> PageCapture:
    pages = _manifest(folder)
    cap = PageCapture(kind=kind, url=url)
    current = url
    for _ in range(10):
        entry = pages.get(current)
        if entry is None:
            cap.final_url, cap.error = current, f"{current} is not in the replay archive"
            return cap
        status = int(entry.get("status", 200))
        if entry.get("location") and 300 <= status < 400:
            current = entry["location"]
            continue
        cap.final_url, cap.status = current, status
        body = (folder / entry["file"]).read_text(encoding="utf-8") if entry.get("file") else ""
        ctype = entry.get("content_type", "text/html").split(";")[0].strip().lower()
        if kind != "api" and ctype not in HTML_TYPES:
            cap.error = f"{url} is not an HTML page (content-type {ctype})"
            return cap
        cap.html = body
        return cap
    cap.error = "a redirect loop"
    return cap


def extract(folder: Path, account: Account) -> Extract:
    platform = get(account.platform)
    captures: list[PageCapture] = []
    for i, (kind, url) in enumerate(platform.urls(account.url)):
        cap = capture(folder, kind, url)
        captures.append(cap)
        if i == 0 and cap.error:
            break
    else:  # as the collector does: the follow-ups the first answers name (collector.MAX_FOLLOW_UPS)
        from auditor.collect.collector import MAX_FOLLOW_UPS

        captures += [capture(folder, kind, url) for kind, url in platform.follow_ups(captures)[:MAX_FOLLOW_UPS]]
    return platform.extract(captures, Declared.of(account))
