"""Coverage decides `fail`: an item fails only when every profile part it can live in was seen."""

from __future__ import annotations

import pytest

import checks
from auditor.models import ITEM_IDS, Coverage, PartSeen
from checks import run_all
from checks._support import SCAN_CAP
from tests.checks.conftest import NOTHING_SEEN, check, link, mpd_policy, seen, snap
from tests.checks.test_gates import COMPLETE_BIO

META_ONLY = "only the page's meta description was readable"


def statuses(s: object) -> dict[str, str]:
    return {item: r.status for item, r in run_all(s, mpd_policy()).items()}  # type: ignore[arg-type]


def test_every_kind_that_can_fail_declares_its_parts() -> None:
    import importlib

    for name, kind in checks.KINDS.items():
        if not kind.visible:
            continue  # an item the auditor cannot see never fails
        module = importlib.import_module(kind.run.__module__)
        assert module.PARTS and set(module.PARTS) <= {"bio", "about", "website", "contact", "pinned", "header"}, name


def test_meta_only_page_is_review_never_fail() -> None:
    """A script shell: the profile was never found; the meta description says a little."""
    s = snap(meta="Serving the District of Columbia. In an emergency, call 911.",
             coverage=Coverage(note=META_ONLY))
    results = run_all(s, mpd_policy())
    assert results["emergency_contact"].status == "pass"  # what was read can still pass
    for item in ITEM_IDS:
        if item != "emergency_contact":
            r = results[item]
            assert r.status == "review", (item, r.reason)
            assert META_ONLY in r.reason and "profile could not be read" in r.reason


def test_empty_body_crawler_page_is_review_on_every_item() -> None:
    s = snap(coverage=NOTHING_SEEN)
    assert statuses(s) == dict.fromkeys(ITEM_IDS, "review")


def test_login_prompt_in_unknown_words_is_review() -> None:
    """No wall marker knows this wording, and the load says ok: coverage still says nothing was seen."""
    s = snap(other="Melde dich an, um weiterzumachen. Inicia sesión para continuar.", coverage=NOTHING_SEEN)
    assert statuses(s) == dict.fromkeys(ITEM_IDS, "review")


def test_named_wall_is_named_in_the_reason() -> None:
    s = snap(wall="login", coverage=NOTHING_SEEN)
    assert "a login wall" in check("official_statement", s).reason


def test_snapshot_saved_without_coverage_is_review_not_fail() -> None:
    """Older versions saved no coverage: nothing counts as seen."""
    s = snap(bio="Serving our community.", coverage=NOTHING_SEEN)
    saved = type(s).model_validate({k: v for k, v in s.model_dump().items() if k != "coverage"})
    assert saved.coverage == Coverage()
    assert statuses(saved) == dict.fromkeys(ITEM_IDS, "review")


def test_truncated_meta_text_passes_but_cannot_fail() -> None:
    """Only a cut bio ("...") was readable: what is in it passes, what is not is review."""
    cov = seen("website", "about", "pinned", "header", "contact", truncated=("bio",), how="meta")
    s = snap(meta="Official account of DC Police. In an emergency, call 911...", coverage=cov,
             links=[link("https://mpdc.dc.gov/", region="profile_field")])
    got = statuses(s)
    assert got["official_statement"] == got["emergency_contact"] == got["website_link"] == "pass"
    for item in ("maintained_by", "not_monitored_disclaimer", "general_contact"):
        r = check(item, s)
        assert r.status == "review", (item, r.reason)
        assert "only a cut version of the bio was readable" in r.reason


@pytest.mark.parametrize(("unseen", "item", "words"), [
    ("website", "website_link", "website field"),
    ("contact", "general_contact", "contact fields"),
    ("pinned", "official_statement", "pinned post"),
    ("about", "not_monitored_disclaimer", "about section"),
])
def test_one_unseen_part_stops_a_fail_of_the_items_living_there(unseen: str, item: str, words: str) -> None:
    parts = [p for p in ("bio", "about", "website", "contact", "pinned", "header") if p != unseen]
    r = check(item, snap(bio="Serving our community.", coverage=seen(*parts)))
    assert r.status == "review", r.reason
    assert f"the {words} could not be read" in r.reason


def test_unseen_part_the_item_does_not_live_in_allows_fail() -> None:
    s = snap(bio="Serving our community.", coverage=seen("bio", "about", "pinned", "header"))
    assert check("official_statement", s).status == "fail"  # the website field is not where statements live
    assert check("website_link", s).status == "review"


def test_parts_this_platform_has_not_are_not_waited_for() -> None:
    """A platform without an about section or pinned post: the bio and header are all there is."""
    cov = seen("bio", "header", expected=("bio", "header"))
    assert check("official_statement", snap(bio="Serving our community.", coverage=cov)).status == "fail"


def test_a_part_established_empty_counts_as_seen() -> None:
    cov = Coverage(seen=[PartSeen(part="bio", how="embedded_json", empty=True)], expected=["bio"])
    r = check("official_statement", snap(coverage=cov))
    assert r.status == "fail", r.reason


def test_module_that_lists_no_expected_parts_leaves_the_others_unconfirmed() -> None:
    cov = Coverage(seen=[PartSeen(part="bio", how="dom")])
    assert check("official_statement", snap(bio="Serving our community.", coverage=cov)).status == "review"


def test_text_longer_than_the_scan_cap_passes_early_words_but_cannot_fail() -> None:
    bio = COMPLETE_BIO + " " + "Community news. " * (SCAN_CAP // 10)
    s = snap(bio=bio, links=[link("https://mpdc.dc.gov/", region="profile_field")])
    assert statuses(s) == dict.fromkeys(ITEM_IDS, "pass")
    r = check("official_statement", s)
    assert f"only the first {SCAN_CAP:,} characters of the bio were read" in r.reason.lower()
    missing = check("official_statement", snap(bio="Community news. " * (SCAN_CAP // 10) + COMPLETE_BIO))
    assert missing.status == "review" and "were read" in missing.reason


def test_feed_and_other_text_never_count_as_seen_profile() -> None:
    """Seeing the feed is not seeing the profile: a complete feed on a page with no profile is review."""
    s = snap(feed=COMPLETE_BIO, coverage=NOTHING_SEEN)
    assert statuses(s) == dict.fromkeys(ITEM_IDS, "review")
