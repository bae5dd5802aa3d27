"""Loading a policy: the built-in MPD policy, bad policies (exit 2, file and line), another agency's."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.cli import main
from auditor.errors import InputError
from auditor.models import ITEM_IDS, LoadInfo, Snapshot, TextBlock
from auditor.policy import DEFAULT_POLICY, Policy, load_policy
from checks import RUNNERS

# A whole policy for another (made-up) agency, in another country: the smallest a real one would be.
NORTHSHIRE = """\
id: northshire
name: Northshire Constabulary
phone_region: GB
agency:
  names: [Northshire Constabulary, Northshire Police]
  ambiguous: [NC]
website:
  domains: [northshire.police.uk]
phones:
  emergency: ["999", "112"]
  known:
    - number: "0161 496 0000"
      label: Northshire switchboard
  short:
    - number: "101"
      label: non-emergency line (101)
items:
  official_statement:
    clause: "1"
    requirement: Say it is official
    title: Says it is official
    failure_title: Does not say it is official
    accepts: "'Official account of Northshire Constabulary'"
    never_accepts: "'unofficial'"
    remediation: 'Add "Official account of Northshire Constabulary."'
    example: Official account of Northshire Constabulary.
    kind: agency_statement
    inputs:
      phrases: ["\\\\bofficial\\\\b[^.]{0,40}\\\\b(?:of|for)\\\\s+(?:the\\\\s+)?{AGENCY}"]
    words: {what: An official statement, unclear: unclear, contradicts: an official account, found: Official,
            missing: No official statement}
  maintained_by:
    clause: "2"
    requirement: Say who runs it
    title: Says who runs it
    failure_title: Does not say who runs it
    accepts: "'run by Northshire Police'"
    never_accepts: "'not run by'"
    remediation: 'Add "Run by Northshire Police."'
    example: Run by Northshire Police.
    kind: agency_statement
    inputs:
      phrases: ["\\\\b(?:run|managed)\\\\s+by\\\\s+(?:the\\\\s+)?{AGENCY}"]
    words: {what: A run-by statement, unclear: unclear, contradicts: a police-run page, found: Run by,
            missing: No run-by statement}
  not_monitored_disclaimer:
    clause: "3"
    requirement: Say it is not monitored
    title: Says it is not monitored
    failure_title: No not-monitored notice
    accepts: "'not monitored 24/7'"
    never_accepts: "'monitored 24/7'"
    remediation: 'Add "Not monitored 24/7."'
    example: Not monitored 24/7.
    kind: disclaimer
    inputs:
      phrases: ["\\\\bnot\\\\s+monitored\\\\s+24/7"]
    words: {what: A notice, contradicts: the notice, close: notice, found: Notice, missing: No notice}
  emergency_contact:
    clause: "4"
    requirement: Say how to reach us in an emergency
    title: Says how to reach us
    failure_title: No emergency line
    accepts: "'dial 999'"
    never_accepts: "'do not dial 999'"
    remediation: 'Add "In an emergency dial 999."'
    example: In an emergency dial 999.
    kind: emergency_instruction
    inputs:
      phrases: ["\\\\b(?:call|dial)\\\\s+{EMERGENCY}"]
    words: {what: An emergency instruction, negated: the instruction, found: Emergency line, missing: No line}
"""

SITES = "accounts:\n  - id: ns-x\n    name: Northshire on X\n    url: https://x.com/northshire\n"


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def mpd_with(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert old in text, f"the built-in policy no longer contains {old!r}"
    return write(tmp_path, text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def refused(path: Path) -> str:
    with pytest.raises(InputError) as exc:
        load_policy(path)
    msg = str(exc.value)
    assert all(line.startswith(f"{path}") for line in msg.splitlines()), msg
    return msg


def snapshot(bio: str) -> Snapshot:
    return Snapshot(account_id="t", platform="x", requested_url="https://x.com/t",
                    texts=[TextBlock(region="bio", text=bio)], links=[], load=LoadInfo(outcome="ok"))


# --- the built-in policy ------------------------------------------------------------------------

def test_builtin_policy_loads() -> None:
    p = load_policy()
    assert isinstance(p, Policy) and p.id == "mpd-dc" and p.region == "US"
    assert set(p.items) == set(ITEM_IDS) - {"website_link", "general_contact"} or set(p.items) <= set(ITEM_IDS)
    assert p.is_emergency_number("911") and not p.is_emergency_number("311")
    assert p.known_phones["+12027279099"] == "MPD Command Information Center"
    assert p.website_domain_of("www.mpdc.dc.gov") == "mpdc.dc.gov"
    assert p.agency_kind("MPDC") == "own" and p.agency_kind("MPD") == "ambiguous"
    assert p.agency_kind("Minneapolis Police Department") == "clash"
    assert load_policy(DEFAULT_POLICY).id == "mpd-dc"


# --- bad policies -------------------------------------------------------------------------------

def test_invalid_yaml(tmp_path: Path) -> None:
    path = mpd_with(tmp_path, "phone_region: US", "phone_region: [US")
    msg = refused(path)
    assert "invalid YAML in policy" in msg and f"{path}:" in msg


def test_duplicate_key(tmp_path: Path) -> None:
    path = mpd_with(tmp_path, "phone_region: US", "phone_region: US\nphone_region: GB")
    msg = refused(path)
    assert msg == f"{path}:{line_of(path, 'phone_region: GB')}: duplicate key 'phone_region' in policy " \
                  f"(first on line {line_of(path, 'phone_region: US')})"


@pytest.mark.parametrize(("text", "expect"), [
    ("", ":1: the policy file is empty"),
    ("- a\n- b\n", ":1: a policy file must be a YAML mapping, not a list"),
    ("just words\n", ":1: a policy file must be a YAML mapping, not a string"),
])
def test_not_a_mapping(tmp_path: Path, text: str, expect: str) -> None:
    assert expect in refused(write(tmp_path, text))


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace("website:\n  domains: [northshire.police.uk]\n", ""))
    msg = refused(path)
    assert msg == f"{path}:1: policy field 'website': Field required"


def test_missing_nested_field_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace("      label: Northshire switchboard\n", ""))
    assert refused(path) == f"{path}:12: policy field 'phones.known[0].label': Field required"


def test_unknown_field_and_wrong_type_all_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace("name: Northshire Constabulary\n",
                                              "name: [Northshire]\ncolour: blue\n"))
    msg = refused(path)
    assert f"{path}:2: policy field 'name': Input should be a valid string" in msg
    assert f"{path}:3: policy field 'colour': Extra inputs are not permitted" in msg
    assert len(msg.splitlines()) == 2


def test_unknown_kind(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace("    kind: disclaimer\n", "    kind: avatar_check\n"))
    msg = refused(path)
    assert msg == (f"{path}:{line_of(path, 'kind: avatar_check')}: policy field 'items.not_monitored_disclaimer.kind': "
                   "unknown kind 'avatar_check' (kinds: agency_statement, disclaimer, emergency_instruction, "
                   "website_link, contact_information, document_link, not_visible)")


def test_an_input_the_kind_does_not_read_and_a_missing_one(tmp_path: Path) -> None:
    text = NORTHSHIRE.replace('      phrases: ["\\\\bnot\\\\s+monitored\\\\s+24/7"]\n',
                              "      wording: [x]\n")
    path = write(tmp_path, text)
    msg = refused(path)
    assert f"{path}:{line_of(path, 'wording: [x]')}: policy field 'items.not_monitored_disclaimer.inputs.wording': " \
           "the check kind does not read this field" in msg
    assert "policy field 'items.not_monitored_disclaimer.inputs.phrases': Field required" in msg


def test_a_missing_word_names_its_item(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace(", found: Emergency line, missing: No line}", ", found: Emergency line}"))
    msg = refused(path)
    assert msg == f"{path}:{line_of(path, 'found: Emergency line')}: policy field " \
                  "'items.emergency_contact.words.missing': Field required"


def test_a_language_the_policy_does_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace("    example: Run by Northshire Police.\n",
                                              "    example: {en: Run by Northshire Police., fr: Géré par.}\n"))
    msg = refused(path)
    assert "policy field 'items.maintained_by.example.fr': 'fr' is not one of the policy's languages (en)" in msg


def test_extends_a_base_and_a_missing_base(tmp_path: Path) -> None:
    p = load_policy(write(tmp_path, "extends: base-en\n" + NORTHSHIRE))
    assert p.languages == ("en",) and any(r.pattern == "\\bnever\\b" for r in p.negation_re)
    said = snapshot("Official account of Northshire Constabulary. Views are my own.")
    assert RUNNERS["official_statement"](said, p).status == "review"  # the base's hedge applies
    path = write(tmp_path, "extends: [base-en, nowhere.yaml]\n" + NORTHSHIRE, "bad.yaml")
    with pytest.raises(InputError, match="nowhere.yaml: policy file not found"):  # named on the extends line
        load_policy(path)
    loop = write(tmp_path, "extends: loop.yaml\n" + NORTHSHIRE, "loop.yaml")
    with pytest.raises(InputError, match="extends itself"):
        load_policy(loop)


def test_a_bad_base_names_the_base_file(tmp_path: Path) -> None:
    base = write(tmp_path, "id: my-base\nlanguages:\n  en:\n    negations: [x]\n    colour: blue\n", "base.yaml")
    path = write(tmp_path, "extends: base.yaml\n" + NORTHSHIRE)
    assert refused_by(path, base) == f"{base}:5: policy field 'languages.en.colour': Extra inputs are not permitted"


def refused_by(path: Path, culprit: Path) -> str:
    with pytest.raises(InputError) as exc:
        load_policy(path)
    assert str(exc.value).startswith(str(culprit)), str(exc.value)
    return str(exc.value)


@pytest.mark.parametrize("pattern", ["(unclosed", "[z-a]", "a{99999999999}", "(?P<agency>x) {AGENCY}", "*x"])
def test_invalid_regex(tmp_path: Path, pattern: str) -> None:
    path = mpd_with(tmp_path, '      - "\\\\bunmonitored\\\\b"', "      - " + yaml.safe_dump(pattern).splitlines()[0])
    msg = refused(path)
    line = line_of(path, yaml.safe_dump(pattern).splitlines()[0])
    assert msg.startswith(f"{path}:{line}: policy field 'items.not_monitored_disclaimer.inputs.phrases.en[4]': "), msg
    assert "invalid regular expression" in msg and "\n" not in msg


def test_pattern_that_matches_everything(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULT_POLICY.read_text(encoding="utf-8") + "negations: [x, '(?:never)?']\n")
    msg = refused(path)
    assert f"{path}:{line_of(path, '(?:never)?')}: policy field 'negations[1]': the pattern matches empty text" in msg


def test_all_bad_patterns_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace("phrases: [\"\\\\bnot", "phrases: [\"(\", \"[\", \"\\\\bnot")
                 + "negations: [')']\n")
    msg = refused(path)
    assert len(msg.splitlines()) == 3, msg


@pytest.mark.parametrize("number", ["311", "202-727-9099", "411", "no digits"])
def test_non_emergency_emergency_number(tmp_path: Path, number: str) -> None:
    path = mpd_with(tmp_path, 'emergency: ["911"]', f'emergency: ["911", "{number}"]')
    msg = refused(path)
    assert msg.startswith(f"{path}:{line_of(path, 'emergency:')}: policy field 'phones.emergency[1]': ")
    assert repr(number) in msg


def test_empty_emergency_list(tmp_path: Path) -> None:
    path = mpd_with(tmp_path, 'emergency: ["911"]', "emergency: []")
    assert "policy field 'phones.emergency'" in refused(path)


@pytest.mark.parametrize("number", ["not a phone", "123", "(202) 727-909", "+1 999 999 9999"])
def test_invalid_known_phone(tmp_path: Path, number: str) -> None:
    path = mpd_with(tmp_path, '"(202) 727-4383"', f'"{number}"')
    msg = refused(path)
    line = line_of(path, '"' + number + '"')
    assert msg == (f"{path}:{line}: policy field 'phones.known[1].number': "
                   f"{number!r} is not a valid phone number in region US")


def test_short_number_without_digits(tmp_path: Path) -> None:
    path = mpd_with(tmp_path, 'number: "50411"', 'number: "TIPS"')
    assert "policy field 'phones.short[1].number': 'TIPS' must be digits" in refused(path)


def test_unknown_phone_region(tmp_path: Path) -> None:
    path = mpd_with(tmp_path, "phone_region: US", "phone_region: XX")
    assert f"{path}:{line_of(path, 'phone_region')}: policy field 'phone_region': 'XX' is not a region" \
        in refused(path)


def test_blank_agency_name(tmp_path: Path) -> None:
    path = write(tmp_path, NORTHSHIRE.replace("ambiguous: [NC]", "ambiguous: [NC, ' ']"))
    assert "policy field 'agency.ambiguous[1]': an agency name must not be empty" in refused(path)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="policy file not found"):
        load_policy(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("old", "new"), [
    ('emergency: ["911"]', 'emergency: ["911", "311"]'),
    ('"(202) 727-4383"', '"123"'),
    ("phone_region: US", "phone_region: [US"),
    ("items:\n", "items:\n  avatar: {}\n"),
])
def test_cli_bad_policy_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str) -> None:
    sites = write(tmp_path, SITES, "sites.yaml")
    path = mpd_with(tmp_path, old, new)
    assert main(["validate", "--sites", str(sites), "--policy", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"auditor: error: {path}:")


# --- another agency -----------------------------------------------------------------------------

def test_policy_swap_with_another_agency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, NORTHSHIRE)
    p = load_policy(path)
    assert (p.id, p.region, p.source) == ("northshire", "GB", str(path))
    assert p.is_emergency_number("999") and p.known_phones == {"+441614960000": "Northshire switchboard"}
    assert p.agency_kind("Northshire Police") == "own"

    said = snapshot("Official account of Northshire Constabulary, run by Northshire Police. "
                    "Not monitored 24/7: in an emergency dial 999.")
    for item in ("official_statement", "maintained_by", "not_monitored_disclaimer", "emergency_contact"):
        assert RUNNERS[item](said, p).status == "pass", item
        assert RUNNERS[item](said, load_policy()).status != "pass" or item == "not_monitored_disclaimer", item

    sites = write(tmp_path, SITES, "sites.yaml")
    assert main(["validate", "--sites", str(sites), "--policy", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"{sites}: 1 account OK (x 1); policy northshire OK"


# --- fuzzing: only ever a Policy or an InputError -----------------------------------------------

_FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check_load(path: Path) -> None:
    try:
        result = load_policy(path)
    except InputError as exc:
        assert str(exc) and all(line.startswith(str(path)) for line in str(exc).splitlines()), str(exc)
    else:
        assert isinstance(result, Policy)


@_FUZZ
@given(text=st.text(alphabet=string.printable + "é€-:[]{}&*!|>'\"%@`#,?", max_size=300))
def test_fuzz_random_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    _check_load(path)


_patterns = st.one_of(st.text(alphabet="ab()[]{}*+?|\\^$.-,:<>=!PAGENCYMR0123456789", max_size=12),
                      st.sampled_from(["{AGENCY}", "{EMERGENCY}", "(?P<agency>x)", "a{1,2}", "(?i)x", "\\", ""]))
_numbers = st.one_of(st.text(alphabet="0123456789 ()-+x", max_size=14), st.sampled_from(["911", "112", "999", "311"]))
_phone = st.fixed_dictionaries({"number": _numbers, "label": st.text(max_size=5)})


def _policy_structures() -> st.SearchStrategy[dict]:
    base = yaml.safe_load(NORTHSHIRE)
    return st.fixed_dictionaries({
        "id": st.one_of(st.just("x"), st.text(max_size=6), st.integers()),
        "name": st.one_of(st.just("X"), st.none(), st.lists(st.text(max_size=3), max_size=2)),
        "phone_region": st.sampled_from(["US", "GB", "XX", "", "us"]),
        "agency": st.fixed_dictionaries({"names": st.lists(st.text(max_size=8), max_size=3)},
                                        optional={"context": st.lists(_patterns, max_size=3),
                                                  "clashes": st.lists(st.text(max_size=8), max_size=2)}),
        "website": st.one_of(st.just(base["website"]), st.dictionaries(st.text(max_size=5), st.text(max_size=5))),
        "phones": st.fixed_dictionaries({"emergency": st.lists(_numbers, max_size=3)},
                                        optional={"known": st.lists(_phone, max_size=2),
                                                  "short": st.lists(_phone, max_size=2)}),
        "items": st.dictionaries(st.sampled_from([*ITEM_IDS, "other"]),
                                 st.fixed_dictionaries({}, optional={"phrases": st.lists(_patterns, max_size=3),
                                                                     "near": st.lists(_patterns, max_size=2)}),
                                 max_size=3),
    }, optional={"negations": st.lists(_patterns, max_size=3), "hedges": st.lists(_patterns, max_size=2),
                 "extra": st.integers()})


@_FUZZ
@given(data=_policy_structures())
def test_fuzz_random_policy_structures(tmp_path: Path, data: dict) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _check_load(path)


@_FUZZ
@given(old_new=st.sampled_from([
    ("phone_region: US", "phone_region: GB"), ("- MPDC", "- ''"), ("- MPDC", "- [MPDC]"), ('"911"', '"91 1"'),
    ("domains: [mpdc.dc.gov]", "domains: []"), ("names:", "names: ~\n  x-names:"), ("label: MPD", "label: [MPD"),
    ("items:", "items: ~\n_items:"), ("  official_statement:", "  official_statement: ~\n  x:"),
]), also=st.text(alphabet=string.printable, max_size=20), where=st.integers(min_value=0, max_value=12000))
def test_fuzz_mutated_builtin_policy(tmp_path: Path, old_new: tuple[str, str], also: str, where: int) -> None:
    text = DEFAULT_POLICY.read_text(encoding="utf-8").replace(*old_new, 1)
    where = min(where, len(text))
    path = tmp_path / "fuzz.yaml"
    path.write_text(text[:where] + also + text[where:], encoding="utf-8")
    _check_load(path)


# --- the policy file's JSON Schema, built-in policies, the CLI -----------------------------------

def test_builtin_policies_match_the_published_schema() -> None:
    import json

    import jsonschema

    from auditor.policy import SCHEMA_PATH, _read, builtin_policies, json_schema
    from auditor.yamlsrc import strip_lines

    shipped = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate auditor/schema/policy.schema.json (see auditor.policy.json_schema)"
    validator = jsonschema.Draft202012Validator(shipped)
    assert set(builtin_policies()) == {"mpd", "diamond-bar", "police-model"}
    for name, path in builtin_policies().items():
        data = strip_lines(_read(path))
        assert not list(validator.iter_errors(data)), name
        assert load_policy(name).spec.id == data["id"]
    bad = strip_lines(_read(DEFAULT_POLICY))
    bad["items"]["website_link"]["inputs"] = {"phrases": ["x"]}  # the website_link kind reads no inputs
    assert list(validator.iter_errors(bad))


def test_cli_schema_policy_explain_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["schema", "--policy"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "auditor policy"
    assert main(["explain", "--policy", "diamond-bar", "official_logo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("official_logo (3.2): Bears the City's official logo") and "not_visible" in out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "Audit MPD official social media accounts against General Order SPT-302.03 II.C.3." in \
        " ".join(capsys.readouterr().out.split())


def test_registry_language_and_attested_items_follow_the_policy(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    sites = write(tmp_path, SITES + "    language: fr\n", "sites.yaml")
    assert main(["validate", "--sites", str(sites)]) == 2
    assert f"{sites}:2: account 'ns-x': language 'fr' is not one the policy reads (en, es)" in capsys.readouterr().err
    sites = write(tmp_path, SITES + "    language: es\n", "sites.yaml")
    assert main(["validate", "--sites", str(sites)]) == 0
    attested = write(tmp_path, SITES + "    attestations:\n      - {item: official_logo, by: A, date: 2026-11-01}\n",
                     "sites.yaml")
    assert main(["validate", "--sites", str(attested)]) == 2  # MPD's policy has no logo item
    assert "unknown item 'official_logo'" in capsys.readouterr().err
    assert main(["validate", "--sites", str(attested), "--policy", "diamond-bar"]) == 0
