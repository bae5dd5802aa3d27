"""No agency word in code: the MPD policy's names, domains, phone numbers and clause numbers
(read from the policy file itself) appear nowhere in auditor/, checks/ or report_templates/
outside the built-in policy files."""

from __future__ import annotations

from auditor.policy import POLICY_DIR
from tests.conftest import ROOT
from tests.policy_words import agency_words, hits, scan_files

TEXT_SUFFIXES = {".py", ".j2", ".json", ".html", ".txt", ".md", ".yaml", ".css"}


def test_the_words_are_taken_from_the_policy() -> None:
    words = agency_words()
    assert {"MPD", "MPDC", "mpdc.dc.gov", "(202) 727-9099", "II.C.3.a", "SPT-302.03", "311"} <= words
    assert hits("Call MPD or see mpdc.dc.gov (II.C.3.f)", words) == ["II.C.3.f", "MPD", "mpdc.dc.gov"]
    assert hits("mpd-dc, MPDs, XMPD, 3110", words) == []  # whole words, case as written


def test_no_agency_word_in_code_templates_or_schemas() -> None:
    files = [p for d in ("auditor", "checks", "report_templates") for p in (ROOT / d).rglob("*")
             if p.is_file() and p.suffix in TEXT_SUFFIXES and POLICY_DIR not in p.parents]
    assert len(files) > 40
    found = scan_files(files, agency_words())
    assert not found, "agency words belong in the policy file:\n" + "\n".join(found)
