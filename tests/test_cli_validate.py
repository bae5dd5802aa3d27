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
    ("platform-not-the-hosts", registry(account("mpd-x", "https://x.com/DCPoliceDept", "    platform: facebook\n")),
     5, "mpd-x", "platform 'facebook' does not match the url's host 'x.com' (a x host)"),
    ("lookalike-host", registry(account("mpd-x", "https://x.com.evil.example/DCPoliceDept")), 4, "mpd-x",
     "host 'x.com.evil.example' looks like x.com but is not x's host: it would be audited as a generic site"),
    ("lookalike-dash", registry(account("fb", "https://facebook.com-login.example/p")), 4, "fb",
     "looks like facebook.com"),
    ("same-url-two-ids", registry(account("mpd-x", "https://x.com/DCPoliceDept"),
                                  account("mpd-x2", "https://www.X.com/dcpolicedept/")), 7, "mpd-x2",
     "is the same page as account 'mpd-x' on line 4 (both are https://x.com/dcpolicedept)"),
    ("same-url-twitter-and-x", registry(account("a", "https://x.com/MPD_5D"), account("b", "https://twitter.com/mpd_5d")),
     7, "b", "is the same page as account 'a'"),
    ("attestation-in-the-future", registry(account("mpd-x", extra="    attestations:\n      - item: general_contact\n"
                                                                   "        by: J. Smith\n        date: 2999-01-01\n")),
     8, "mpd-x", "attestations[0]: date 2999-01-01 is in the future"),
    ("attestation-expired-when-written", registry(account("mpd-x", extra=(
        "    attestations:\n      - item: general_contact\n        by: J. Smith\n        date: 2026-01-05\n"
        "        expires: 2026-01-05\n"))), 9, "mpd-x", "expires 2026-01-05 is the date itself"),
    ("attestation-expires-before-date", registry(account("mpd-x", extra=(
        "    attestations:\n      - item: general_contact\n        by: J. Smith\n        date: 2026-01-05\n"
        "        expires: 2025-12-31\n"))), 9, "mpd-x", "expires 2025-12-31 is before the date 2026-01-05"),
    ("platform-twitter-hint", registry(account("mpd-x", extra="    platform: twitter\n")), 5, "mpd-x",
     "unknown platform 'twitter' (use 'platform: x'; known: x, facebook"),
    ("platform-case-hint", registry(account("mpd-x", extra="    platform: X\n")), 5, "mpd-x",
     "unknown platform 'X' (use 'platform: x';"),
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


def test_generic_may_be_declared_anywhere_and_platforms_on_their_own_hosts(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(registry(account("a", "https://x.com/a", "    platform: generic\n"),
                              account("b", "https://mobile.twitter.com/b", "    platform: x\n"),
                              account("c", "https://social.example.org/@mpd", "    platform: mastodon\n"),
                              account("d", "https://notx.com/a"),
                              account("e", "http://127.0.0.1:8000/p", "    platform: facebook\n")), encoding="utf-8")
    assert main(["validate", "--sites", str(sites)]) == 0, capsys.readouterr().err


# Options: exit 2 naming the option, before anything is read or a browser starts.
OPTIONS = [
    (["--timeout", "0"], "argument --timeout: must be greater than 0, not '0'"),
    (["--timeout", "-5"], "argument --timeout: must be greater than 0, not '-5'"),
    (["--timeout", "nan"], "argument --timeout: must be greater than 0, not 'nan'"),
    (["--timeout", "soon"], "argument --timeout: 'soon' is not a number of seconds"),
    (["--concurrency", "0"], "argument --concurrency: must be greater than 0, not '0'"),
    (["--concurrency", "-2"], "argument --concurrency: must be greater than 0, not '-2'"),
    (["--concurrency", "1.5"], "argument --concurrency: '1.5' is not a whole number"),
    (["--deadline", "0"], "argument --deadline: must be longer than 0, not '0'"),
    (["--deadline", "tomorrow"], "argument --deadline: 'tomorrow' is not a duration (e.g. 50m, 1h30m, 3000s)"),
]


@pytest.fixture
def marker_browser(tmp_path: Path) -> tuple[Path, Path]:
    """A 'browser' that leaves a file behind if anything ever starts it."""
    marker = tmp_path / "browser-started"
    exe = tmp_path / "chromium"
    exe.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    exe.chmod(0o755)
    return exe, marker


@pytest.mark.parametrize(("args", "words"), OPTIONS, ids=[" ".join(a) for a, _ in OPTIONS])
def test_bad_option_exits_2_naming_it_before_any_browser(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         marker_browser: tuple[Path, Path], args: list[str],
                                                         words: str) -> None:
    exe, marker = marker_browser
    sites = tmp_path / "sites.yaml"
    sites.write_text(GOOD, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["audit", "--sites", str(sites), "--out", str(tmp_path / "out"), "--browser", str(exe), *args])
    assert exc.value.code == 2
    assert words in capsys.readouterr().err
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_a_bad_registry_stops_audit_before_any_browser(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       marker_browser: tuple[Path, Path]) -> None:
    exe, marker = marker_browser
    sites = tmp_path / "sites.yaml"
    sites.write_text(registry(account("mpd-x", "https://x.com.evil.example/a")), encoding="utf-8")
    assert main(["audit", "--sites", str(sites), "--out", str(tmp_path / "out"), "--browser", str(exe)]) == 2
    assert f"{sites}:4: account 'mpd-x': host 'x.com.evil.example' looks like x.com" in capsys.readouterr().err
    assert not marker.exists()


def test_duration_forms() -> None:
    from auditor.cli import duration

    assert [duration(t) for t in ("50m", "1h30m", "3000s", "3000", "1.5h", "90S")] == [3000, 5400, 3000, 3000,
                                                                                       5400, 90]


def test_explain_takes_the_clause_letter_the_report_shows(capsys: pytest.CaptureFixture[str]) -> None:
    import checks

    for item, meta in checks.META.items():
        letter = meta.clause.rsplit(".", 1)[-1]
        assert main(["explain", letter.upper()]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{item} ({meta.clause}):"), out
    assert main(["explain", "c"]) == 0 and capsys.readouterr().out.startswith("not_monitored_disclaimer (II.C.3.c)")
    assert main(["explain", "g"]) == 2
    assert "(or their letters): a official_statement, b maintained_by" in capsys.readouterr().err


def test_readme_filter_example_works_on_the_repositorys_registry(capsys: pytest.CaptureFixture[str]) -> None:
    import shlex

    from auditor.cli import _select, parser
    from auditor.registry import load_registry

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [ln for ln in readme.splitlines() if "--element" in ln and ln.startswith(".venv/bin/auditor audit")]
    argv = shlex.split(line.split("#")[0])[1:]
    args = parser().parse_args(argv)
    registered = load_registry(ROOT / args.sites).accounts
    kept = _select(registered, args.only, args.sites, args.element, args.platform)
    assert kept and all(a.platform in args.platform for a in kept)
