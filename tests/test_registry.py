"""The registry loader (sites.yaml): every bad registry is refused with file, line and account."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.registry import Registry, is_loopback, load_registry, url_problem
from auditor.yamlsrc import load_yaml

GOOD = """\
accounts:
  - id: mpd-x
    name: MPD on X
    url: https://x.com/DCPoliceDept
  - id: mpd-fb
    name: MPD on Facebook
    url: https://www.facebook.com/DCPoliceDepartment
    element: Office of Communications
    owner: comms@dc.gov
    notes: main page
"""


def write(tmp_path: Path, text: str, name: str = "sites.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def one(url: str, *, id: str = "acct", extra: str = "") -> str:  # noqa: A002 - the registry's word
    return f"accounts:\n  - id: {id}\n    name: Some account\n    url: '{url}'\n{extra}"


def problems(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_registry(path)
    message = str(exc.value)
    assert str(path) in message
    return message


# --- a good registry ------------------------------------------------------------------------

def test_good_registry_loads(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, GOOD))
    assert [a.id for a in reg.accounts] == ["mpd-x", "mpd-fb"]
    assert [a.platform for a in reg.accounts] == ["x", "facebook"]
    assert [a.line for a in reg.accounts] == [2, 5]
    fb = reg.accounts[1]
    assert (fb.element, fb.owner, fb.notes) == ("Office of Communications", "comms@dc.gov", "main page")


def test_top_level_list_is_accepted(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, "- id: a\n  name: A\n  url: https://x.com/a\n"))
    assert reg.accounts[0].id == "a"


def test_explicit_platform_wins_over_host(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, one("https://social.example.org/@mpd", extra="    platform: generic\n")))
    assert reg.accounts[0].platform == "generic"


def test_name_is_stripped(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, "accounts:\n  - {id: a, name: '  A  ', url: 'https://x.com/a'}\n"))
    assert reg.accounts[0].name == "A"


def test_yaml_merge_key_is_not_a_duplicate(tmp_path: Path) -> None:
    text = ("accounts:\n"
            "  - &base {id: a, name: A, url: 'https://x.com/a', element: Office of Communications}\n"
            "  - <<: *base\n    id: b\n    url: https://x.com/b\n")
    reg = load_registry(write(tmp_path, text))
    assert [(a.id, a.url, a.element) for a in reg.accounts] == [
        ("a", "https://x.com/a", "Office of Communications"), ("b", "https://x.com/b", "Office of Communications")]


# --- platform inference -------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "platform"), [
    ("https://x.com/DCPoliceDept", "x"),
    ("https://twitter.com/DCPoliceDept", "x"),
    ("https://mobile.twitter.com/DCPoliceDept", "x"),
    ("https://www.facebook.com/DCPoliceDepartment", "facebook"),
    ("https://facebook.com/DCPoliceDepartment", "facebook"),
    ("https://www.instagram.com/dcpolicedept/", "instagram"),
    ("https://www.youtube.com/@DCPoliceDepartment", "youtube"),
    ("https://www.tiktok.com/@dcpolicedept", "tiktok"),
    ("https://www.threads.net/@dcpolicedept", "threads"),
    ("https://nextdoor.com/agency/mpdc/", "nextdoor"),
    ("https://www.linkedin.com/company/mpdc", "linkedin"),
    ("https://bsky.app/profile/mpdc.bsky.social", "bluesky"),
    ("https://mastodon.social/@user", "mastodon"),
    ("https://mpdc.dc.gov/page/social-media", "generic"),
    ("https://example.org/", "generic"),
    ("https://notx.com/a", "generic"),  # a host that merely ends in "x.com" is not X
    ("https://X.COM/upper", "x"),
])
def test_platform_is_inferred_from_host(tmp_path: Path, url: str, platform: str) -> None:
    reg = load_registry(write(tmp_path, one(url)))
    assert reg.accounts[0].platform == platform


# --- URLs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/", "http://localhost/", "http://localhost:5000/page", "http://[::1]:8080/",
    "http://127.0.0.5/", "http://app.localhost/", "https://x.com/a", "https://example.org:8443/p?q=1#f",
])
def test_allowed_urls(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(("url", "why"), [
    ("file:///etc/passwd", "scheme 'file:'"),
    ("javascript:alert(1)", "scheme 'javascript:'"),
    ("data:text/html,<h1>x</h1>", "scheme 'data:'"),
    ("ftp://example.org/", "scheme 'ftp:'"),
    ("x.com/DCPoliceDept", "scheme '(none):'"),
    ("http://x.com/DCPoliceDept", "plain http://"),
    ("http://example.org/", "plain http://"),
    ("http://127.0.0.1.example.com/", "plain http://"),
    ("https://user:pw@x.com/a", "credentials"),
    ("https://user@x.com/a", "credentials"),
    ("https://@x.com/a", "credentials"),
    ("http://user:pw@localhost/", "credentials"),
    ("https:///path-only", "no host"),
    ("https://x.com/a b", "white space"),
    (" https://x.com/a", "white space"),
    ("https://x.com/\x00", "control characters"),
    ("https://x.com:99999/", "not a valid URL"),
    ("https://[::1/", "not a valid URL"),
    ("", "empty"),
])
def test_refused_urls(url: str, why: str) -> None:
    assert why in (url_problem(url) or "")


def test_is_loopback() -> None:
    assert is_loopback("localhost") and is_loopback("LOCALHOST.") and is_loopback("127.0.0.1")
    assert is_loopback("[::1]") and not is_loopback("10.0.0.1") and not is_loopback("localhost.example.com")


# --- every bad registry: file, line, account ----------------------------------------------------

def test_several_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = """\
accounts:
  - id: one
    name: One
    url: http://example.org/
  - id: two
    name: Two
    url: https://x.com/two
    colour: blue
  - id: one
    name: Again
    url: https://x.com/one
  - id: three
    url: ftp://example.org/
    platform: myspace
"""
    msg = problems(tmp_path, text)
    lines = msg.splitlines()
    assert len(lines) == 6, msg
    p = str(tmp_path / "sites.yaml")
    assert lines[0] == f"{p}:4: account 'one': url 'http://example.org/' uses plain http://; use https:// " \
                       "(http is allowed only for loopback test hosts)"
    assert lines[1].startswith(f"{p}:8: account 'two': unknown key 'colour'")
    assert lines[2] == f"{p}:9: account 'one': duplicate id 'one'; first on line 2"
    assert lines[3] == f"{p}:12: account 'three': missing 'name'"
    assert lines[4].startswith(f"{p}:13: account 'three': url 'ftp://example.org/' has scheme 'ftp:'")
    assert lines[5].startswith(f"{p}:14: account 'three': unknown platform 'myspace' (known: x, facebook")


def test_duplicate_ids_differing_only_in_case(tmp_path: Path) -> None:
    text = "accounts:\n  - {id: mpd-x, name: A, url: 'https://x.com/a'}\n  - {id: MPD-X, name: B, url: 'https://x.com/b'}\n"
    msg = problems(tmp_path, text)
    assert ":3: account 'MPD-X': duplicate id 'MPD-X' (same as 'mpd-x'" in msg and "first on line 2" in msg


@pytest.mark.parametrize("bad_id", ["has space", "-leading-dash", ".hidden", "slash/id", "a" * 101, "ümlaut",
                                    "semi;colon", "tab\there", "new\nline", "..", "a\\b"])
def test_invalid_id_characters(tmp_path: Path, bad_id: str) -> None:
    text = "accounts:\n  - name: A\n    url: https://x.com/a\n    id: " + yaml.safe_dump(bad_id).splitlines()[0] + "\n"
    if "\n" in bad_id:
        text = "accounts:\n  - name: A\n    url: https://x.com/a\n    id: \"new\\nline\"\n"
    msg = problems(tmp_path, text)
    assert ":4: account " in msg and "must be 1 to 100 letters, digits" in msg
    assert repr(bad_id) in msg


def test_mapping_line_is_used_when_key_is_missing(tmp_path: Path) -> None:
    msg = problems(tmp_path, "accounts:\n  - id: a\n    name: A\n")
    assert msg == f"{tmp_path / 'sites.yaml'}:2: account 'a': missing 'url'"


def test_numeric_id_is_named(tmp_path: Path) -> None:
    msg = problems(tmp_path, "accounts:\n  - id: 42\n    name: A\n    url: https://x.com/a\n")
    assert ":2: account '42': 'id' must be a string, not a number" in msg


def test_account_that_is_not_a_mapping(tmp_path: Path) -> None:
    msg = problems(tmp_path, "accounts:\n  - id: a\n    name: A\n    url: https://x.com/a\n  - just a string\n")
    assert msg.endswith(":5: account accounts[1]: must be a mapping with id, name and url, not a string")


@pytest.mark.parametrize(("text", "expect"), [
    ("", ":1: the registry is empty"),
    ("# only a comment\n", ":1: the registry is empty"),
    ("accounts: []\n", ":1: the registry has no accounts"),
    ("description: x\naccounts:\n", ":2: the registry has no accounts"),
    ("accounts: x\n", ":1: 'accounts' must be a list of accounts, not a string"),
    ("accounts: {id: a}\n", ":1: 'accounts' must be a list of accounts, not a mapping"),
    ("just text\n", ":1: the registry must be a mapping with an 'accounts:' list, not a string"),
    ("accounts: [{id: a, name: A, url: 'https://x.com/a'}]\nsites: []\n", ":2: unknown top-level key 'sites'"),
    ("description: [1]\naccounts: [{id: a, name: A, url: 'https://x.com/a'}]\n",
     ":1: 'description' must be a string, not a list"),
    ("accounts: []\naccounts: [{id: a, name: A, url: 'https://x.com/a'}]\n",
     ":2: duplicate top-level key 'accounts' (first on line 1)"),
])
def test_registry_level_problems(tmp_path: Path, text: str, expect: str) -> None:
    assert expect in problems(tmp_path, text)


def test_malformed_yaml_names_line_and_nearest_account(tmp_path: Path) -> None:
    text = "accounts:\n  - id: mpd-x\n    name: MPD\n    url: [https://x.com/a\n  - id: next\n"
    msg = problems(tmp_path, text)
    assert "invalid YAML in registry" in msg and "(in or after account 'mpd-x')" in msg
    assert f"{tmp_path / 'sites.yaml'}:5:" in msg


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="registry file not found"):
        load_registry(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="cannot read registry file"):
        load_registry(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"accounts:\n  - name: caf\xe9\n")
    with pytest.raises(InputError, match="cannot read registry file"):
        load_registry(bad)


@pytest.mark.parametrize(("text", "expect"), [
    ("accounts:\n  - ? [a, b]\n    : x\n", "a key must be a plain value, not a list"),
    ("accounts: &a [*a]\n", "recursive data"),
    ("accounts:\n  - __line__: 3\n", "the key '__line__' is reserved"),
    ("accounts: " + "[" * 2000 + "]" * 2000 + "\n", "nested"),  # libyaml parses it; the depth check refuses it
    ("accounts: " + "[" * 100 + "]" * 100 + "\n", "nested more than"),
    ("accounts: !!python/object:os.system {}\n", "could not determine a constructor"),
    ("a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
     "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", "too large"),
    ("\x07accounts: []\n", "invalid YAML in registry"),
])
def test_hostile_yaml_is_an_input_error(tmp_path: Path, text: str, expect: str) -> None:
    msg = problems(tmp_path, text)
    assert expect in msg and "\n" not in msg


def test_load_yaml_refuses_duplicates_by_default(tmp_path: Path) -> None:
    path = write(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "x.yaml")
    with pytest.raises(InputError) as exc:
        load_yaml(path, "thing")
    assert str(exc.value).splitlines() == [
        f"{path}:4: duplicate key 'c' in thing (first on line 3)",
        f"{path}:5: duplicate key 'a' in thing (first on line 1)",
    ]


# --- fuzzing: only ever a Registry or an InputError ---------------------------------------------

def _check_load(path: Path) -> None:
    try:
        result = load_registry(path)
    except InputError as exc:
        assert str(exc), "an InputError must say what is wrong"
        assert all(line.startswith(str(path)) for line in str(exc).splitlines()), str(exc)
    else:
        assert isinstance(result, Registry) and result.accounts


_FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_YAMLISH = st.text(alphabet=string.printable + "äé€\u2028\ufeff-:[]{}&*!|>'\"%@`#,?", max_size=300)


@_FUZZ
@given(text=_YAMLISH)
def test_fuzz_random_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    _check_load(path)


@_FUZZ
@given(text=st.lists(st.sampled_from([
    "accounts:", "  - id: a", "  - id: b", "    name: N", "    url: https://x.com/a", "    url: http://x",
    "    url: 123", "    platform: x", "    platform: nope", "    id: [1, 2]", "  -", "    url: &u https://x.com/u",
    "    url: *u", "  - &e {id: c, name: C, url: 'https://x.com/c'}", "  - *e", "    <<: *e", "description: d",
    "accounts: []", "  - ? [k]", "    : v", "  - !!binary aGVsbG8=", "    notes: !!set {a, b}", "\t- x", "...",
    "---", "    name:", "    name: 2001-01-01", "    owner: ~", "    element: yes", "  # comment",
]), max_size=14).map("\n".join))
def test_fuzz_registry_like_lines(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    _check_load(path)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                     st.sampled_from(["https://x.com/a", "http://localhost/", "javascript:x", "x", "mpd-x"]))
_keys = st.one_of(st.sampled_from(["id", "name", "url", "platform", "element", "owner", "notes", "accounts"]),
                  st.text(max_size=8), st.integers())
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
                       max_leaves=20)


@_FUZZ
@given(data=st.one_of(
    _values,
    st.fixed_dictionaries({"accounts": st.lists(st.dictionaries(_keys, _values, max_size=7), max_size=4)}),
))
def test_fuzz_random_structures(tmp_path: Path, data: object) -> None:
    path = tmp_path / "fuzz.yaml"
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    path.write_text(text, encoding="utf-8")
    _check_load(path)
