"""Declared profile selectors in the registry (sites without a platform module)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.registry import load_registry


def _write(tmp_path: Path, extra: str, url: str = "https://connect.dc-community.example/agencies/mpd") -> Path:
    p = tmp_path / "sites.yaml"
    p.write_text(f"accounts:\n  - id: decl\n    name: Declared\n    url: {url}\n{extra}", encoding="utf-8")
    return p


def test_selectors_reach_the_account(tmp_path: Path) -> None:
    reg = load_registry(_write(tmp_path, "    profile_selector: section.agency-profile\n"
                                         "    website_selector: 'a[rel=me]'\n"))
    account = reg.accounts[0]
    assert (account.platform, account.profile_selector, account.website_selector) == (
        "generic", "section.agency-profile", "a[rel=me]")


@pytest.mark.parametrize(("extra", "words"), [
    ("    profile_selector: 'div[[oops'\n", "sites.yaml:5: account 'decl': 'profile_selector' 'div[[oops' is not"),
    ("    website_selector: 'a:nth-child('\n", "sites.yaml:5: account 'decl': 'website_selector' 'a:nth-child('"),
    ("    profile_selector: ''\n", "'profile_selector' is empty"),
    ("    profile_selector: 12\n", "'profile_selector' must be a string"),
])
def test_bad_selectors_are_refused_naming_file_line_and_account(tmp_path: Path, extra: str, words: str) -> None:
    with pytest.raises(InputError) as exc:
        load_registry(_write(tmp_path, extra))
    assert words in str(exc.value)


def test_selectors_on_a_platform_with_a_module_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_registry(_write(tmp_path, "    profile_selector: main\n", url="https://x.com/DCPoliceDept"))
    assert "only for sites without a platform module" in str(exc.value) and "'x' module" in str(exc.value)
    ok = load_registry(_write(tmp_path, "    platform: generic\n    profile_selector: main\n",
                              url="https://x.com/DCPoliceDept"))
    assert ok.accounts[0].platform == "generic"
