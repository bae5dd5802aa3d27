"""Whose page is this? Decided once per account; agency-specific items pass only on the agency's own."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from auditor import remediation
from auditor.models import ITEM_IDS, Account, Identity
from auditor.outputs import junit
from auditor.runner import build_run, judge
from checks import decide_identity, run_all
from tests.checks.conftest import NOTHING_SEEN, link, mpd_policy, snap
from tests.checks.test_gates import COMPLETE_BIO


def kind(**kw: object) -> Identity:
    return decide_identity(snap(**kw), mpd_policy())  # type: ignore[arg-type]


@pytest.mark.parametrize("kw", [
    {"bio": "Official account of DC Police."},
    {"header": "DC Police Department (@DCPoliceDept)"},
    {"bio": "MPD news. Serving Washington, DC."},
    {"bio": "News from the Metropolitan Police Department.", "links": [link("https://mpdc.dc.gov/")]},
    {"bio": "Official account of DC Police.", "pinned": "Thank you to our partners at Metro Transit Police!"},
])
def test_own(kw: dict) -> None:
    who = kind(**kw)
    assert who.kind == "own", who.reason
    assert who.evidence and who.reason


@pytest.mark.parametrize("bio", [
    "Official account of the Minneapolis Police Department (MPD).",
    "Metropolitan Police Service, London. Call 101.",
    "MPD. Memphis, Tennessee.",
    "Metro Transit Police. Washington, DC.",
])
def test_other_agency(bio: str) -> None:
    who = kind(bio=bio)
    assert who.kind == "other_agency", who.reason
    assert "another agency" in who.reason


@pytest.mark.parametrize("bio", [
    "DC Police fan page", "Not affiliated with the Metropolitan Police Department. Washington DC news.",
    "Officer in Washington, DC. Views are my own.", "Parody of DC Police",
])
def test_not_official(bio: str) -> None:
    assert kind(bio=bio).kind == "not_official"


@pytest.mark.parametrize("kw", [
    {"bio": "Serving our community."},
    {"bio": "Official account of MPD."},  # could be Minneapolis, Memphis, Milwaukee
    {"bio": "Washington, DC news and weather."},  # placed, but no agency named
    {"links": [link("https://mpdc.dc.gov/")]},
    {"feed": "Official account of DC Police."},  # the feed is not the profile
    {"bio": "\u202eOfficial account of DC Police\u202c"},  # may not show as that name
])
def test_unclear(kw: dict) -> None:
    assert kind(**kw).kind == "unclear"


def test_failed_page_is_unclear() -> None:
    assert kind(outcome="failed").kind == "unclear"


# --- agency-specific items pass only on the agency's own page -----------------------------------

def test_another_agencys_number_and_address_on_its_own_page_never_pass() -> None:
    s = snap(bio="Minneapolis Police Department. Non-emergency: (612) 673-3000. 350 S 5th St, Minneapolis. "
                 "Email: police@minneapolismn.gov",
             links=[link("tel:+16126733000"), link("mailto:police@minneapolismn.gov")])
    r = run_all(s, mpd_policy())["general_contact"]
    assert r.status == "fail", r.reason
    assert "another agency" in r.reason and "not Metropolitan Police Department" in r.reason


def test_a_companys_office_address_is_not_the_agencys_contact() -> None:
    s = snap(header="Acme Security Solutions LLC", bio="Alarm systems since 1990. Visit us: 1200 K Street NW, "
                                                      "Washington, DC. Call (202) 555-0147.")
    r = run_all(s, mpd_policy())["general_contact"]
    assert r.status == "review", r.reason
    assert "count only on a page that presents itself" in r.reason


def test_contact_on_a_fan_page_is_review() -> None:
    r = run_all(snap(bio="DC Police fan page. Call (202) 727-9099"), mpd_policy())["general_contact"]
    assert r.status == "review", r.reason


def test_identity_is_decided_once_and_given_to_every_check() -> None:
    s = snap(bio=COMPLETE_BIO, links=[link("https://mpdc.dc.gov/", region="profile_field")])
    other = Identity(kind="other_agency", reason="the profile presents itself as 'X', another agency")
    got = {item: r.status for item, r in run_all(s, mpd_policy(), other).items()}
    assert got["official_statement"] == got["maintained_by"] == got["general_contact"] == "fail"
    assert got["not_monitored_disclaimer"] == got["emergency_contact"] == got["website_link"] == "pass"
    unclear = Identity(kind="unclear", reason="whose page it is is unclear")
    got = {item: r.status for item, r in run_all(s, mpd_policy(), unclear).items()}
    assert got["official_statement"] == got["maintained_by"] == got["general_contact"] == "review"


def test_judge_records_identity_and_coverage() -> None:
    account = Account(id="t", name="T", url="https://x.com/t", platform="x")
    s = snap(bio="Official account of the Minneapolis Police Department.")
    result = judge(account, s, mpd_policy())
    assert result.identity is not None and result.identity.kind == "other_agency"
    assert result.coverage == s.coverage
    assert result.status == "non_compliant"
    unseen = judge(account, snap(coverage=NOTHING_SEEN), mpd_policy())
    assert unseen.status == "needs_review" and unseen.coverage == NOTHING_SEEN
    assert all(r.status == "review" for r in unseen.items.values())


def test_junit_suite_carries_the_identity() -> None:
    account = Account(id="t", name="T", url="https://x.com/t", platform="x")
    run = build_run([judge(account, snap(bio="DC Police fan page"), mpd_policy())], mpd_policy(), "r.yaml",
                    "2026-01-01T00:00:00+00:00", 1.0)
    props = {p.get("name"): p.get("value") for p in ET.fromstring(junit.render(run)).iter("property")}
    assert props["identity"] == "not_official"
    assert "fan page" in props["identity_reason"]


@pytest.mark.parametrize("who", ["other_agency", "not_official"])
def test_advice_for_a_page_that_is_not_the_agencys_is_a_registry_check(who: str) -> None:
    advice = remediation.registry_advice(Identity(kind=who, reason="r"))  # type: ignore[arg-type]
    assert advice and "registry" in advice and "impersonat" in advice and "Do not add text" in advice


@pytest.mark.parametrize("who", ["own", "unclear"])
def test_no_registry_advice_for_own_or_unclear(who: str) -> None:
    assert remediation.registry_advice(Identity(kind=who, reason="r")) is None  # type: ignore[arg-type]
    assert remediation.registry_advice(None) is None


def test_every_item_still_has_a_result_on_every_identity() -> None:
    for who in ("own", "other_agency", "not_official", "unclear"):
        results = run_all(snap(bio="x"), mpd_policy(), Identity(kind=who, reason="r"))  # type: ignore[arg-type]
        assert list(results) == list(ITEM_IDS)
