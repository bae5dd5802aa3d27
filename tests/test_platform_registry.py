"""Platforms live in one place: each is found from the one registry and declares on its module
where fixes go and how much fits; each has fixture pages and unit tests of its own."""

from __future__ import annotations

import pytest

from auditor import remediation
from auditor.collect.platforms import PLATFORMS
from tests.conftest import ROOT

SPECIFIC = sorted(n for n in PLATFORMS if n != "generic")  # generic reads any page: no pages of its own


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_every_platform_declares_its_profile_fields(name: str) -> None:
    platform = PLATFORMS[name]
    assert "profile_fields" in type(platform).__dict__, f"{name}: declare profile_fields on the module's class"
    fields = platform.profile_fields
    assert fields is not None and fields.text and remediation.fields_for(name) is fields
    for f in fields.text:
        assert f.limit is None or f.limit > 0
    assert fields.website is None or fields.website.key == "website"


@pytest.mark.parametrize("name", SPECIFIC)
def test_every_platform_has_fixtures_and_unit_tests(name: str) -> None:
    fixtures = ROOT / "tests" / "fixtures" / "platforms" / name
    assert (fixtures / "pages").is_dir() and any((fixtures / "pages").iterdir()), f"{name}: no fixture pages"
    assert (ROOT / "tests" / "platforms" / f"test_{name}.py").is_file(), f"{name}: no unit tests"


def test_published_limits() -> None:
    bio = {n: remediation.fields_for(n).text[0].limit for n in ("x", "instagram", "tiktok", "threads", "bluesky",
                                                                   "mastodon")}
    assert bio == {"x": 160, "instagram": 150, "tiktok": 80, "threads": 150, "bluesky": 256, "mastodon": 500}
    assert remediation.fields_for("myspace") is PLATFORMS["generic"].profile_fields


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_every_reader_is_warmed_by_the_tiny_page(name: str) -> None:
    """prewarm() reads a tiny page with each platform's reader before an audit forks its children; it
    swallows errors (only a warm-up), so here each reader must read it without one, or it is never warmed."""
    from auditor.collect import platforms as registry

    platform = PLATFORMS[name]
    kind, url = platform.urls("https://example.org/t")[0]
    got = platform.extract([registry.PageCapture(kind=kind, url=url, final_url=url, status=200,
                                                 html=registry._WARM_PAGE)], None)
    assert got.title == "t"
