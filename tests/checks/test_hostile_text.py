"""Hostile profile text: URLs read as the browser reads them, bidi controls, quadratic and evil patterns."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.models import ITEM_IDS
from auditor.policy import DEFAULT_POLICY, load_policy
from auditor.saferegex import compile_pattern
from checks import run_all
from checks.urls import web_host
from tests.checks.conftest import check, link, mpd_policy, snap
from tests.checks.test_gates import COMPLETE_BIO

OWN = "DC Police Department"
BACKSLASH_HOSTS = ["https://evil.example\\.mpdc.dc.gov/", "https://evil.example\\@mpdc.dc.gov/",
                   "https://evil.example\\.mpdc.dc.gov/page/contact-mpd", "evil.example\\.mpdc.dc.gov",
                   "https://mpdc.dc.gov@evil.example/", "https://evil.example%2f.mpdc.dc.gov/"]


# --- URLs: the host judged is the host the browser reaches ----------------------------------------

@pytest.mark.parametrize(("url", "host"), [
    ("https://evil.example\\.mpdc.dc.gov/", "evil.example"),
    ("https://evil.example\\@mpdc.dc.gov/", "evil.example"),
    ("https://mpdc.dc.gov@evil.example/", "evil.example"),
    ("https://MPDC.dc.gov./x", "mpdc.dc.gov"),
    ("mpdc.dc.gov/page", "mpdc.dc.gov"),
    ("https://evil.example%2f.mpdc.dc.gov/", ""),
    ("javascript:alert(1)", ""),
    ("mailto:a@mpdc.dc.gov", ""),
])
def test_web_host_is_the_browsers(url: str, host: str) -> None:
    assert web_host(url) == host


@pytest.mark.parametrize("url", BACKSLASH_HOSTS)
@pytest.mark.parametrize("field", ["target", "href"])
def test_backslash_and_userinfo_hosts_never_pass_website_link(url: str, field: str) -> None:
    lk = link(url, text="mpdc.dc.gov") if field == "target" else link("", href=url, text="Website")
    r = check("website_link", snap(header=OWN, links=[lk]))
    assert r.status != "pass", r.reason


@pytest.mark.parametrize("url", BACKSLASH_HOSTS)
def test_backslash_hosts_are_not_a_contact_page(url: str) -> None:
    as_link = check("general_contact", snap(header=OWN, links=[link(url + "contact", text="Contact")]))
    as_text = check("general_contact", snap(header=OWN, bio=f"Contact us: {url}contact"))
    assert as_link.status != "pass" and as_text.status != "pass", (as_link.reason, as_text.reason)


@pytest.mark.parametrize("url", BACKSLASH_HOSTS)
def test_backslash_hosts_do_not_place_an_ambiguous_name(url: str) -> None:
    """A link "to the agency's website" that goes elsewhere does not say the page is the agency's."""
    s = snap(bio="Official account of the Metropolitan Police Department.", links=[link(url)])
    assert check("official_statement", s).status == "review"


def test_real_site_links_still_pass() -> None:
    s = snap(header=OWN, links=[link("https://mpdc.dc.gov/page/contact-mpd", text="Contact")])
    assert check("website_link", s).status == "pass"
    assert check("general_contact", s).status == "pass"


# --- bidirectional controls: reads differently on screen, never a pass --------------------------------

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
STATEMENTS = {
    "official_statement": "Official account of the Metropolitan Police Department of the District of Columbia.",
    "maintained_by": "Maintained by the MPD Office of Communications.",
    "not_monitored_disclaimer": "Not monitored 24/7.",
    "emergency_contact": "In an emergency, call 911.",
    "general_contact": "Non-emergency: (202) 727-9099.",
}


@pytest.mark.parametrize("item", list(STATEMENTS))
@pytest.mark.parametrize("char", BIDI)
def test_statement_containing_a_bidi_control_is_review(item: str, char: str) -> None:
    text = STATEMENTS[item]
    cut = len(text) // 2
    r = check(item, snap(header=OWN if item == "general_contact" else "", bio=text[:cut] + char + text[cut:]))
    assert r.status == "review", r.reason
    assert "bidirectional" in r.reason


@pytest.mark.parametrize("item", list(STATEMENTS))
def test_statement_wrapped_in_an_override_is_review(item: str) -> None:
    r = check(item, snap(header="", bio="\u202e" + STATEMENTS[item] + "\u202c"))
    assert r.status == "review", r.reason


@pytest.mark.parametrize("item", ["website_link", "general_contact"])
@pytest.mark.parametrize("char", ["\u202e", "\u2067"])
def test_link_with_a_bidi_control_is_review(item: str, char: str) -> None:
    target = "https://mpdc.dc.gov/page/contact-mpd"
    r = check(item, snap(header=OWN, links=[link(target, text=f"{char}dpm-tcatnoc/egap/vog.cd.cdpm")]))
    assert r.status == "review", r.reason


@pytest.mark.parametrize("char", ["\u202e", "\u2067"])
def test_a_document_link_with_a_bidi_control_is_review(char: str) -> None:
    from auditor.policy import load_policy
    from checks import run_item

    policy = load_policy("diamond-bar")
    target = "https://www.diamondbarca.gov/social-media-policy"
    clean = snap(bio="City of Diamond Bar", links=[link(target, text="Social Media Policy")])
    assert run_item("policy_link", clean, policy).status == "pass"
    r = run_item("policy_link", snap(bio="City of Diamond Bar", links=[link(target, text=f"{char}yciloP aideM")]),
                 policy)
    assert r.status == "review" and "bidirectional" in r.reason, r.reason


def test_clean_text_beside_bidi_text_still_passes() -> None:
    s = snap(bio="In an emergency, call 911.", about="\u2067\u0634\u0631\u0637\u0629\u2069 call 911")
    assert check("emergency_contact", s).status == "pass"


# --- linear scanning ------------------------------------------------------------------------------

SPACELESS = {
    "letters": "a" * 200_000,
    "contact": "contact" + "x" * 200_000,
    "digits": "1" * 200_000,
    "brackets": "(202)" * 40_000,
    "dots": "a." * 100_000,
    "email-ish": "a+" * 50_000 + "@" + "b-" * 50_000,
}


@pytest.mark.parametrize("name", list(SPACELESS))
def test_200_kb_without_a_space_is_fast(name: str) -> None:
    s = snap(bio=SPACELESS[name], about=COMPLETE_BIO)
    t = time.process_time()
    results = run_all(s, mpd_policy())
    took = time.process_time() - t
    assert took < 0.5, f"{name}: {took:.2f} s of CPU"
    assert all(r.status != "fail" for r in results.values())  # the long bio was cut: nothing can fail


def test_many_short_matches_are_fast() -> None:
    s = snap(bio="Call 911. (202) 727-9099. Not monitored 24/7. DC Police official. " * 3_000)
    t = time.process_time()
    results = run_all(s, mpd_policy())
    assert time.process_time() - t < 1.0
    assert all(len(r.evidence) <= 20 for r in results.values())


EVIL = "(x+x+)+y"  # catastrophic for a backtracking engine: 2**n steps on n x's


def evil_policy(tmp_path: Path, pattern: str) -> Path:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    marker = '          - "\\\\bunmonitored\\\\b"'
    assert marker in text
    path = tmp_path / "evil.yaml"
    path.write_text(text.replace(marker, f"{marker}\n          - '{pattern}'"), encoding="utf-8")
    return path


def test_evil_policy_pattern_on_a_200_kb_bio_is_fast(tmp_path: Path) -> None:
    policy = load_policy(evil_policy(tmp_path, EVIL))
    s = snap(bio="x" * 200_000, about="x" * 5_000 + " Not monitored 24/7.")
    t = time.process_time()
    results = run_all(s, policy)
    assert time.process_time() - t < 0.5
    assert results["not_monitored_disclaimer"].status == "pass"


def test_evil_pattern_that_needs_backtracking_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_policy(evil_policy(tmp_path, "(?<!a)(x+x+)+y"))
    msg = str(exc.value)
    assert "evil.yaml:" in msg and "items.not_monitored_disclaimer.inputs.phrases" in msg and "nests" in msg


def test_policy_patterns_run_on_re2_except_the_look_behinds() -> None:
    p = mpd_policy()
    fallback = [c.pattern for item in p.items.values() for c in (*item.phrases, *item.near, *item.contradictions)
                if c.engine != "re2"]
    fallback += [c.pattern for c in (*p.negation_re, *p.hedge_re, *p.context_re, p.agency_re, p.own_re)
                 if c.engine != "re2"]
    assert all("(?<" in f for f in fallback), fallback
    assert len(fallback) <= 2, fallback


@pytest.mark.parametrize(("pattern", "text", "expect"), [
    ("{AGENCY} official", "xDC Police official", None),  # a name inside a word is not the name
    ("{AGENCY} official", "éMPDC official", None),  # RE2's \b is ASCII-only; the guard is not
    ("{AGENCY} official", "(DC Police official)", "DC Police official"),
    ("call {EMERGENCY}", "call 911/2", None),
    ("call {EMERGENCY}", "call 911.5", None),
    ("call {EMERGENCY}", "call 911.", "call 911"),
    ("call {EMERGENCY}", "call 9-1-1 now", "call 9-1-1"),
])
def test_re2_placeholders_mean_what_the_look_arounds_meant(pattern: str, text: str, expect: str | None) -> None:
    compiled = mpd_policy()._compile(pattern)
    assert compiled.engine == "re2"
    m = compiled.search(text)
    assert (m.group(0) if m else None) == expect


def test_fallback_pattern_reads_a_bounded_prefix() -> None:
    p = compile_pattern("(?<!x)needle")
    assert p.engine == "re"
    assert p.search("a" * 100 + "needle") is not None
    assert p.search("a" * 100_000 + "needle") is None


def test_a_lone_surrogate_is_read_around() -> None:
    """A page's script can put half a UTF-16 pair into a bio; the rest of the bio is still read."""
    s = snap(bio="\ud800" + COMPLETE_BIO + "\udfff", links=[link("https://mpdc.dc.gov/", region="profile_field")])
    results = run_all(s, mpd_policy())
    assert {item: r.status for item, r in results.items()} == dict.fromkeys(ITEM_IDS, "pass")
