"""The policy is the single source of what people read: another built-in policy's demo, a seventh
item added in YAML alone, and MPD's policy with the agency renamed each reach every output
(results.json, report, JUnit, mail, explain) with their own words and fixes, and no MPD word."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.models import Account, Coverage, Link, LoadInfo, PartSeen, Snapshot, TextBlock
from auditor.outputs import email, results_json
from auditor.policy import DEFAULT_POLICY, load_policy
from auditor.runner import build_run, judge, now
from tests.conftest import ROOT, load_results, run_auditor
from tests.policy_words import agency_words, hits

MPD_WORDS = agency_words()
OUTPUTS = ("results.json", "report.html", "junit.xml")

SEVENTH = '''
  comments_moderated:
    clause: II.C.3.g
    requirement: Notice that comments on the page are moderated
    title: Says comments are moderated
    failure_title: No comment moderation notice
    accepts: "'Comments are moderated'."
    never_accepts: "'Comments are not moderated'."
    remediation: 'Add to the about section: "Comments are moderated."'
    example: {en: Comments are moderated., es: Los comentarios son moderados.}
    kind: disclaimer
    inputs:
      phrases:
        en: ["\\\\bcomments\\\\s+are\\\\s+moderated\\\\b"]
        es: ["\\\\bcomentarios\\\\s+son\\\\s+moderados\\\\b"]
    words: {what: A moderation notice, contradicts: the moderation notice, close: moderation notice,
            found: Says comments are moderated, missing: No notice that comments are moderated was found}
'''

# MPD's policy with the agency renamed: every MPD word replaced (longest first), nothing else changed.
RENAME = [
    ("General Order SPT-302.03", "Directive RPD-7"), ("SPT-302.03", "RPD-7"), ("II.C.3", "IV.B.2"),
    ("441 4th Street NW, Washington, DC 20001", "12 River Road, Riverton"),
    ("(202) 727-9099", "(415) 555-2671"), ("(202) 727-4383", "(415) 555-2672"),
    ('"50411"', '"55511"'), ("50411", "55511"), ('"311"', '"4311"'), ("311", "4311"),
    ("Metropolitan Police", "Riverton Police"), ("Policía Metropolitana", "Policía de Riverton"),
    ("Policia Metropolitana", "Policia de Riverton"), ("District of Columbia", "Riverton County"),
    ("Distrito de Columbia", "Condado de Riverton"), ("mpdc\\\\.dc\\\\.gov", "police\\\\.riverton\\\\.example"),
    ("mpdc.dc.gov", "police.riverton.example"), ("dc.gov", "riverton.example"), ("DCPoliceDept", "RivertonPD"),
    ("Office of Communications", "Public Affairs Bureau"), ("Oficina de Comunicaciones", "Oficina de Prensa"),
    ("MPDC", "RVPD"), ("MPD", "RPD"), ("D.C.", "R.C."), ("D\\\\.?C\\\\.?", "R\\\\.?C\\\\.?"), ("DC", "RC"),
    ("Washington", "Riverton"), ("id: mpd-dc", "id: riverton"),
]


def _run_dir(tmp: Path, policy_path: Path, snapshots: list[tuple[Account, Snapshot]]) -> Path:
    """An output directory as an audit leaves it (snapshots + results.json), made without a browser."""
    out = tmp / "run"
    (out / "snapshots").mkdir(parents=True)
    policy = load_policy(policy_path)
    for account, snap in snapshots:
        (out / "snapshots" / f"{account.id}.json").write_text(snap.model_dump_json(), encoding="utf-8")
    run = build_run([judge(a, s, policy) for a, s in snapshots], policy, "sites.yaml", now(), 0.1)
    results_json.write(run, out)
    return out


PARTS = ("header", "bio", "website", "pinned")  # an X profile read in full


def _snap(account: Account, bio: str, site: str) -> Snapshot:
    return Snapshot(account_id=account.id, platform="x", requested_url=account.url,
                    texts=[TextBlock(region="bio", text=bio)],
                    links=[Link(region="profile_field", href=site, target=site, text=site)], load=LoadInfo(),
                    coverage=Coverage(expected=list(PARTS), seen=[PartSeen(part=p, how="dom") for p in PARTS]))


def _mail(out: Path) -> str:
    run = results_json.read(out / "results.json")
    html = (out / "report.html").read_text(encoding="utf-8")
    msg = email.build_message(run, html, "a@example.org", ["b@example.org"])
    return msg.as_string()


def _texts(out: Path) -> dict[str, str]:
    texts = {name: (out / name).read_text(encoding="utf-8") for name in OUTPUTS}
    texts["mail"] = _mail(out)
    return texts


# --- a seventh item, in YAML alone ----------------------------------------------------------------

@pytest.fixture(scope="module")
def seventh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("seventh")
    path = tmp / "mpd-seven.yaml"
    path.write_text(DEFAULT_POLICY.read_text(encoding="utf-8").rstrip("\n") + "\n" + SEVENTH, encoding="utf-8")
    a = Account(id="mpd-x", name="MPD on X", url="https://x.com/DCPoliceDept", platform="x")
    b = Account(id="mpd-es", name="MPD en español", url="https://x.com/MPDenEspanol", platform="x")
    full = ("Official account of DC's Metropolitan Police Department (MPDC). Maintained by the MPD Office of "
            "Communications. Not monitored 24/7. In an emergency, call 911. Non-emergency: 311.")
    spanish = ("Cuenta oficial del Departamento de Policía Metropolitana de DC. Administrada por la Oficina de "
               "Comunicaciones. No se monitorea 24/7. En caso de emergencia llame al 911. (202) 727-9099.")
    out = _run_dir(tmp, path, [(a, _snap(a, full, "https://mpdc.dc.gov")),
                               (b, _snap(b, spanish, "https://mpdc.dc.gov"))])
    assert main(["recheck", str(out), "--policy", str(path), "--fail-on", "never"]) == 0
    return path, out


def test_the_seventh_item_is_in_results_json_with_its_fix(seventh: tuple[Path, Path]) -> None:
    data = load_results(seventh[1])
    results_json.validate(data)
    assert [i["id"] for i in data["policy"]["items"]][-1] == "comments_moderated"
    assert data["policy"]["items"][-1]["clause"] == "II.C.3.g"
    for account in data["accounts"]:
        assert list(account["items"])[-1] == "comments_moderated"
        assert account["items"]["comments_moderated"]["status"] == "fail"
        assert account["fix"]["items"] == ["comments_moderated"] and account["fix"]["verified"]
    fixes = {a["id"]: " ".join(p["text"] for p in a["fix"]["placements"]) for a in data["accounts"]}
    # The Spanish profile gets the Spanish paste-text; its Spanish statements pass.
    assert fixes == {"mpd-x": "Comments are moderated.", "mpd-es": "Los comentarios son moderados."}
    es = next(a for a in data["accounts"] if a["id"] == "mpd-es")
    assert [r["status"] for r in es["items"].values()] == ["pass"] * 6 + ["fail"]


def test_the_seventh_item_is_in_the_report_junit_and_mail(seventh: tuple[Path, Path]) -> None:
    t = _texts(seventh[1])
    assert "Says comments are moderated" in t["report.html"] and "Comments are moderated." in t["report.html"]
    assert "The seven items, explained" in t["report.html"] and "Letters a–g" in t["report.html"]
    assert 'name="II.C.3.g comments_moderated"' in t["junit.xml"] and 'tests="14"' in t["junit.xml"]
    assert "comments moderated (fail)" in t["mail"]


def test_explain_reads_the_policy(seventh: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "comments_moderated", "--policy", str(seventh[0])]) == 0
    out = capsys.readouterr().out
    assert out.startswith("comments_moderated (II.C.3.g): Says comments are moderated")
    assert "Checked by: disclaimer" in out
    assert main(["explain", "comments_moderated"]) == 2  # the built-in policy has six items


# --- MPD's policy, agency renamed -----------------------------------------------------------------

def test_a_renamed_agency_leaks_no_mpd_word(tmp_path: Path) -> None:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    for old, new in RENAME:
        text = text.replace(old, new)
    path = tmp_path / "riverton.yaml"
    path.write_text(text, encoding="utf-8")
    assert not hits(text, MPD_WORDS), hits(text, MPD_WORDS)
    policy = load_policy(path)
    assert policy.id == "riverton" and policy.short_name == "RPD"
    a = Account(id="rpd-x", name="Riverton PD on X", url="https://x.com/RivertonPD", platform="x")
    b = Account(id="rpd-fb", name="Riverton PD on Facebook", url="https://facebook.com/RivertonPD", platform="facebook")
    out = _run_dir(tmp_path, path, [
        (a, _snap(a, "Official account of the Riverton Police Department. Not monitored 24/7.",
                  "https://police.riverton.example")),
        (b, _snap(b, "News from Riverton.", "https://linktr.ee/rpd"))])
    assert main(["recheck", str(out), "--policy", str(path), "--fail-on", "never"]) == 0
    for name, body in _texts(out).items():
        assert not hits(body, MPD_WORDS), (name, hits(body, MPD_WORDS))
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Official account of RC's Riverton Police Department (RVPD)." in report  # its own paste-text
    assert "No link to the RPD website" in (out / "results.json").read_text(encoding="utf-8")


# --- another built-in policy, end to end in Chromium -----------------------------------------------

OTHER = {
    "diamond-bar": {"db-city-x": "compliant", "db-parks-x": "non_compliant", "db-events-x": "non_compliant"},
    "police-model": {"lpd-x": "compliant", "lpd-traffic-x": "non_compliant"},
}


@pytest.fixture(scope="module", params=sorted(OTHER))
def other_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    name = request.param
    out = tmp_path_factory.mktemp(name)
    proc = run_auditor("audit", "--policy", name, "--sites", f"demo/{name}/sites.yaml", "--replay",
                       f"demo/{name}/demo.har", "--out", str(out), "--no-screenshots")
    assert proc.returncode == 1, proc.stderr
    return name, out


@pytest.mark.browser
def test_another_builtin_policy_writes_its_own_words_and_no_mpd_word(other_run: tuple[str, Path]) -> None:
    name, out = other_run
    policy = load_policy(name)
    data = load_results(out)
    results_json.validate(data)
    assert {a["id"]: a["status"] for a in data["accounts"]} == OTHER[name]
    assert data["policy_id"] == policy.id and [i["id"] for i in data["policy"]["items"]] == list(policy.item_ids)
    texts = _texts(out)
    for output, body in texts.items():
        assert not hits(body, MPD_WORDS), (output, hits(body, MPD_WORDS))
    report, junit = texts["report.html"], texts["junit.xml"]
    assert policy.spec.document is not None and policy.spec.document.title in report
    for item, m in policy.metas.items():
        assert m.title in report and m.requirement in report
        assert f'name="{m.clause} {item}"' in junit
    assert f'tests="{len(policy.item_ids) * len(OTHER[name])}"' in junit
    broken = [a for a in data["accounts"] if a["status"] == "non_compliant"]
    for a in broken:
        if a["identity"]["kind"] in ("other_agency", "not_official"):  # a fan page: check the registry instead
            assert a["fix"] is None and "registry" in report
            continue
        assert a["fix"] and a["fix"]["verified"]
        for p in a["fix"]["placements"]:
            assert p["text"] in report
    assert email.subject(results_json.read(out / "results.json")).startswith(policy.short_name + " social media audit")


def test_demo_hars_are_built_from_their_pages() -> None:
    from auditor.collect import har

    for name in OTHER:
        shipped = json.loads((ROOT / "demo" / name / "demo.har").read_text(encoding="utf-8"))
        assert shipped == har.build_from_manifest(ROOT / "demo" / name / "manifest.yaml"), \
            f"demo/{name}/demo.har is stale: run `auditor har build demo/{name}/manifest.yaml -o demo/{name}/demo.har`"


def test_copy_of_a_run_renders_from_results_json_alone(seventh: tuple[Path, Path], tmp_path: Path) -> None:
    """The report needs only results.json and the snapshots: no policy file."""
    from auditor.outputs import html_report

    copy = tmp_path / "copy"
    shutil.copytree(seventh[1], copy)
    html = html_report.render(results_json.read(copy / "results.json"), copy)
    assert "Says comments are moderated" in html and "Los comentarios son moderados." in html


def test_recheck_keeps_the_builtin_policy_the_run_was_made_with(tmp_path: Path) -> None:
    from auditor.policy import resolve

    a = Account(id="db-x", name="City on X", url="https://x.com/CityofDB", platform="x")
    out = _run_dir(tmp_path, resolve("diamond-bar"), [(a, _snap(a, "City of Diamond Bar. Maintained by the City of "
                                                               "Diamond Bar.", "https://www.diamondbarca.gov"))])
    assert main(["recheck", str(out), "--fail-on", "never"]) == 0
    data = load_results(out)
    assert data["policy_id"] == "diamond-bar" and "official_logo" in data["accounts"][0]["items"]
