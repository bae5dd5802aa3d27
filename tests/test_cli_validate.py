"""``auditor validate``: every bad registry ends with exit 2 and a message naming file, line and account."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
accounts:
  - id: mpd-x
    name: MPD on X
    url: https://x.com/DCPoliceDept
  - id: mpd-local
    name: Local test page
    url: http://127.0.0.1:8000/
  - id: mpd-localhost
    name: Localhost test page
    url: http://localhost/
"""


def account(id: str, url: str = "https://x.com/a", extra: str = "") -> str:  # noqa: A002
    return f"  - id: {id}\n    name: Name of {id}\n    url: '{url}'\n{extra}"


def registry(*accounts: str) -> str:
    return "accounts:\n" + "".join(accounts)


# (name, registry text, line named, account named (None: the problem is not in one account), words)
BAD: list[tuple[str, str, int, str | None, str]] = [
    ("malformed-yaml", "accounts:\n  - id: mpd-x\n    name: [MPD\n    url: https://x.com/a\n", 4, "mpd-x",
     "invalid YAML"),
    ("bad-indent", "accounts:\n  - id: mpd-x\n    name: MPD\n   url: https://x.com/a\n", 4, "mpd-x", "invalid YAML"),
    ("tab-indent", "accounts:\n  - id: mpd-x\n\tname: MPD\n", 3, "mpd-x", "invalid YAML"),
    ("url-is-number", registry(account("ok"), "  - id: num\n    name: N\n    url: 123\n"), 7, "num",
     "'url' must be a string, not a number"),
    ("url-is-list", registry("  - id: lst\n    name: N\n    url: [https://x.com/a]\n"), 4, "lst",
     "'url' must be a string, not a list"),
    ("name-is-mapping", registry("  - id: nm\n    name: {first: a}\n    url: https://x.com/a\n"), 3, "nm",
     "'name' must be a string, not a mapping"),
    ("accounts-is-string", 'accounts: "x"\n', 1, None, "'accounts' must be a list"),
    ("duplicate-ids", registry(account("mpd-x"), account("mpd-fb"), account("mpd-x", "https://x.com/b")), 8,
     "mpd-x", "duplicate id 'mpd-x'; first on line 2"),
    ("duplicate-key-in-account", "accounts:\n  - id: mpd-x\n    name: MPD\n    url: https://x.com/a\n"
     "    url: https://x.com/b\n", 5, "mpd-x", "duplicate key 'url' (first on line 4)"),
    ("missing-url", "accounts:\n  - id: mpd-x\n    name: MPD\n", 2, "mpd-x", "missing 'url'"),
    ("missing-name", "accounts:\n  - id: mpd-x\n    url: https://x.com/a\n", 2, "mpd-x", "missing 'name'"),
    ("empty-name", "accounts:\n  - id: mpd-x\n    name: ''\n    url: https://x.com/a\n", 3, "mpd-x",
     "missing 'name'"),
    ("missing-id", "accounts:\n  - name: MPD\n    url: https://x.com/a\n", 2, "accounts[0]", "missing 'id'"),
    ("null-id", "accounts:\n  - name: MPD\n    id:\n    url: https://x.com/a\n", 3, "accounts[0]", "missing 'id'"),
    ("unknown-key", registry(account("mpd-x", extra="    handle: '@DCPoliceDept'\n")), 5, "mpd-x",
     "unknown key 'handle'"),
    ("misspelt-key", registry("  - id: mpd-x\n    name: MPD\n    URL: https://x.com/a\n"), 2, "mpd-x",
     "missing 'url'"),
    ("empty-file", "", 1, None, "the registry is empty"),
    ("accounts-empty-list", "accounts: []\n", 1, None, "the registry has no accounts"),
    ("scheme-file", registry(account("f", "file:///etc/passwd")), 4, "f", "scheme 'file:'"),
    ("scheme-javascript", registry(account("js", "javascript:alert(1)")), 4, "js", "scheme 'javascript:'"),
    ("scheme-data", registry(account("d", "data:text/html,hi")), 4, "d", "scheme 'data:'"),
    ("scheme-ftp", registry(account("ftp", "ftp://example.org/x")), 4, "ftp", "scheme 'ftp:'"),
    ("plain-http-public", registry(account("mpd-x", "http://x.com/DCPoliceDept")), 4, "mpd-x", "plain http://"),
    ("credentials", registry(account("cred", "https://user:secret@x.com/a")), 4, "cred", "credentials"),
    ("unknown-platform", registry(account("mpd-x", extra="    platform: myspace\n")), 5, "mpd-x",
     "unknown platform 'myspace'"),
    ("bad-id-chars", registry(account("'mpd x!'")), 2, "mpd x!", "id 'mpd x!' must be"),
    ("bad-id-slash", registry(account("'../etc'")), 2, "../etc", "id '../etc' must be"),
]


@pytest.mark.parametrize(("text", "line", "acct", "words"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_registry_exits_2_naming_file_line_account(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        text: str, line: int, acct: str | None, words: str) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(text, encoding="utf-8")
    assert main(["validate", "--sites", str(sites)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("auditor: error: ")
    assert f"{sites}:{line}:" in err, err
    assert words in err, err
    if acct is not None:
        assert f"'{acct}'" in err, err
    problem = next(m for m in err.splitlines() if words in m)
    assert f"{sites}:{line}:" in problem and (acct is None or f"'{acct}'" in problem)


def test_plain_http_on_loopback_is_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(GOOD, encoding="utf-8")
    assert main(["validate", "--sites", str(sites)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.strip() == f"{sites}: 3 accounts OK (generic 2, x 1); policy mpd-dc OK"


def test_all_problems_reported_at_once_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(registry(
        account("a", "http://example.org/"),
        account("b", "javascript:void(0)", extra="    colour: blue\n"),
        account("a"),
        "  - id: c\n    name: C\n    url: 42\n",
    ), encoding="utf-8")
    assert main(["validate", "--sites", str(sites)]) == 2
    err = capsys.readouterr().err
    lines = err.rstrip("\n").splitlines()
    assert lines[0].startswith(f"auditor: error: {sites}:4: account 'a': ")
    assert [ln.split(": ", 1)[0] for ln in lines[1:]] == [f"{sites}:8", f"{sites}:7", f"{sites}:9", f"{sites}:14"]
    assert len(lines) == 5


def test_missing_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--sites", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml: registry file not found" in capsys.readouterr().err


def test_bad_policy_is_exit_2_even_with_a_good_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(GOOD, encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text("id: x\nname: [\n", encoding="utf-8")
    assert main(["validate", "--sites", str(sites), "--policy", str(policy)]) == 2
    assert f"{policy}:" in capsys.readouterr().err


def test_real_subprocess(tmp_path: Path) -> None:
    """The way CI runs it: ``python -m auditor validate``, exit code and stderr."""
    sites = tmp_path / "sites.yaml"
    sites.write_text(registry(account("mpd-x", "http://x.com/DCPoliceDept")), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "auditor", "validate", "--sites", str(sites)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2, bad.stderr
    assert bad.stdout == ""
    assert bad.stderr.startswith(f"auditor: error: {sites}:4: account 'mpd-x': url 'http://x.com/DCPoliceDept' "
                                 "uses plain http://")
    sites.write_text(GOOD, encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "auditor", "validate", "--sites", str(sites)], cwd=ROOT,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "3 accounts OK" in ok.stdout
