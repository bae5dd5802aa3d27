"""A registry far larger than MPD's loads, and one bad entry in it is still named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import main


def _write(path: Path, n: int, bad_at: int | None = None) -> Path:
    lines = ["accounts:"]
    for i in range(n):
        url = "ftp://example.org/x" if i == bad_at else f"https://x.com/account{i}"
        lines += [f"  - id: acct-{i}", f"    name: Account {i}", f"    url: {url}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_twenty_thousand_accounts_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = _write(tmp_path / "sites.yaml", 20_000)
    assert main(["validate", "--sites", str(sites)]) == 0
    assert "20000 accounts OK (x 20000)" in capsys.readouterr().out


def test_one_bad_entry_in_a_huge_registry_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = _write(tmp_path / "sites.yaml", 20_000, bad_at=12_345)
    assert main(["validate", "--sites", str(sites)]) == 2
    err = capsys.readouterr().err
    line = 2 + 3 * 12_345 + 2  # "accounts:", three lines an account; the message points at the url line
    assert f"{sites}:{line}" in err and "acct-12345" in err and "ftp:" in err
    assert err.count("\n") == 1, "only the bad account is reported"
