"""Helpers for the check tests: small hand-made Snapshots, no browser.

``snap(bio="...", feed="...", links=[...])`` builds a Snapshot whose text blocks are the keyword
arguments (the keyword is the region); ``link(target, ...)`` builds a Link. A hand-made snapshot
says every profile part was seen (in the DOM) unless ``coverage=`` says otherwise: ``NOTHING_SEEN``
(a page whose profile was not found, or a snapshot saved before coverage was recorded), or
``seen(...)`` for some parts. ``check(item, snapshot)``
runs one check with the built-in MPD policy. ``assert_pass`` also checks that the pass carries
evidence (quote, match, region).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from auditor.models import Coverage, ItemResult, Link, LoadInfo, PartSeen, Snapshot, TextBlock
from auditor.policy import Policy, load_policy
from checks import RUNNERS

_POLICY: Policy | None = None


def mpd_policy() -> Policy:
    global _POLICY
    if _POLICY is None:
        _POLICY = load_policy()
    return _POLICY


@pytest.fixture(scope="session")
def policy() -> Policy:
    return mpd_policy()


def link(target: str, *, href: str | None = None, text: str = "", region: str = "bio") -> Link:
    return Link(region=region, href=href if href is not None else target, target=target, text=text)  # type: ignore[arg-type]


ALL_PARTS = ("bio", "about", "website", "contact", "pinned", "header")
NOTHING_SEEN = Coverage()  # what a snapshot saved before coverage was recorded has


def seen(*parts: str, how: str = "dom", truncated: tuple[str, ...] = (), note: str = "",
         expected: tuple[str, ...] = ALL_PARTS) -> Coverage:
    """Coverage that saw ``parts`` in full, and the ``truncated`` ones only cut ("...")."""
    return Coverage(seen=[PartSeen(part=p, how=how) for p in parts]  # type: ignore[arg-type]
                    + [PartSeen(part=p, how=how, truncated=True) for p in truncated],  # type: ignore[arg-type]
                    expected=list(expected), note=note)  # type: ignore[arg-type]


def snap(*, links: Iterable[Link] = (), outcome: str = "ok", wall: str | None = None,
         blocks: Iterable[tuple[str, str]] = (), coverage: Coverage | None = None, **regions: str) -> Snapshot:
    """A Snapshot with one text block per keyword (region=text), plus ``blocks`` as (region, text);
    every profile part seen unless ``coverage`` says otherwise."""
    texts = [TextBlock(region=r, text=t) for r, t in regions.items()]  # type: ignore[arg-type]
    texts += [TextBlock(region=r, text=t) for r, t in blocks]  # type: ignore[arg-type]
    return Snapshot(account_id="t", platform="x", requested_url="https://x.com/t", texts=texts,
                    links=list(links), load=LoadInfo(outcome=outcome, wall=wall),  # type: ignore[arg-type]
                    coverage=coverage if coverage is not None else seen(*ALL_PARTS))


def check(item: str, snapshot: Snapshot) -> ItemResult:
    return RUNNERS[item](snapshot, mpd_policy())


def assert_status(result: ItemResult, status: str) -> ItemResult:
    assert result.status == status, f"{result.item}: expected {status}, got {result.status}: {result.reason}"
    return result


def assert_pass(result: ItemResult, region: str | None = None, match_contains: str | None = None) -> ItemResult:
    assert_status(result, "pass")
    assert result.evidence, "a pass must carry evidence"
    for ev in result.evidence:
        assert ev.quote.strip(), "evidence needs a quote"
        assert ev.match.strip(), "evidence needs the matched words"
        assert ev.region, "evidence needs a region"
    if region is not None:
        assert any(ev.region == region for ev in result.evidence), [e.region for e in result.evidence]
    if match_contains is not None:
        assert any(match_contains.lower() in ev.match.lower() for ev in result.evidence), \
            [e.match for e in result.evidence]
    return result
