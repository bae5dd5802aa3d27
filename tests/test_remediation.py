"""Suggested fixes: every suggestion fits the platform's fields and, pasted where it says, passes the checks."""

from __future__ import annotations

from itertools import combinations

import pytest

import checks
from auditor import remediation
from auditor.collect.platforms import PLATFORMS
from auditor.models import ITEM_IDS, Link, Snapshot, TextBlock
from auditor.policy import Policy, load_policy

SUBSETS = [c for n in range(1, len(ITEM_IDS) + 1) for c in combinations(ITEM_IDS, n)]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def pasted(s: remediation.Suggestion) -> Snapshot:
    """What the profile would hold after staff paste the suggestion: built here, not by the module."""
    url = checks.META["website_link"].example
    texts, links = [], []
    for p in s.placements:
        if p.field.key == "website":
            links.append(Link(region=p.field.region, href=p.text, target=p.text, text=p.text))
        else:
            texts.append(TextBlock(region=p.field.region, text=p.text))
            if url in p.text:  # a URL typed into a bio is linked by the platform
                links.append(Link(region=p.field.region, href=url, target=url, text=url))
    return Snapshot(account_id="t", platform=s.platform, requested_url="https://example.test/", texts=texts,
                    links=links)


def test_published_bio_limits() -> None:
    limits = {name: remediation.fields_for(name).text[0].limit for name in ("x", "instagram", "tiktok", "threads",
                                                                             "bluesky")}
    assert limits == {"x": 160, "instagram": 150, "tiktok": 80, "threads": 150, "bluesky": 256}
    for name in ("youtube", "facebook", "linkedin"):
        assert remediation.fields_for(name).text[0].region == "about"


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_missing_set_is_fixed_by_the_suggested_text(platform: str, policy: Policy) -> None:
    for missing in SUBSETS:
        s = remediation.suggest(platform, missing, policy)
        assert s is not None and s.fixes == missing
        results = checks.run_all(pasted(s), policy)
        assert {i: results[i].status for i in missing} == dict.fromkeys(missing, "pass"), (platform, missing,
                                                                                            s.placements)
        assert s.ok
        for p in s.placements:
            if p.field.limit is not None:
                assert p.length <= p.field.limit, (platform, missing, p)
            # The words are the checks' own examples, in General Order order (a URL last), nothing added.
            if p.field.key != "website":
                assert p.text == " ".join(checks.META[i].example for i in p.items)
                order = [i for i in ITEM_IDS if i in p.items and i != "website_link"]
                assert list(p.items) == order + (["website_link"] if "website_link" in p.items else [])
        placed = {i for p in s.placements for i in p.items}
        assert placed == set(missing) | set(s.context)


def test_all_six_on_x_fill_the_bio_and_pin_the_rest(policy: Policy) -> None:
    s = remediation.suggest("x", ITEM_IDS, policy)
    assert s is not None
    where = {p.field.key: p for p in s.placements}
    assert set(where) == {"bio", "pinned", "website"}
    assert where["bio"].length <= 160 and where["pinned"].field.new_post
    assert where["website"].text == checks.META["website_link"].example
    assert where["website"].field.region == "profile_field"


def test_tiktok_80_characters_moves_most_of_the_text_into_a_pinned_caption(policy: Policy) -> None:
    s = remediation.suggest("tiktok", ["official_statement", "maintained_by", "emergency_contact"], policy)
    assert s is not None
    bio = [p for p in s.placements if p.field.key == "bio"]
    assert all(p.length <= 80 for p in bio)
    assert any(p.field.key == "pinned" for p in s.placements)
    assert any("80 characters" in n for n in s.notes)


def test_a_full_bio_sends_the_fix_to_a_pinned_post_and_says_why(policy: Policy) -> None:
    # The demo's Fifth District bio uses 142 of X's 160 characters.
    s = remediation.suggest("x", ["maintained_by", "emergency_contact"], policy, {"bio": 142})
    assert s is not None and s.ok
    assert [p.field.key for p in s.placements] == ["pinned"]
    assert "already uses 142" in s.notes[0]
    # "MPD" alone could be Minneapolis: the official statement comes along as context, and is marked so.
    assert s.context == ("official_statement",)
    assert checks.META["official_statement"].example in s.placements[0].text


def test_room_left_in_the_bio_is_used(policy: Policy) -> None:
    s = remediation.suggest("x", ["not_monitored_disclaimer"], policy, {"bio": 120})
    assert s is not None and s.ok
    (p,) = s.placements
    assert p.field.key == "bio" and p.room == 160 - 120 - 1 and p.length <= p.room


def test_bluesky_has_no_website_field_so_the_url_goes_into_the_description(policy: Policy) -> None:
    s = remediation.suggest("bluesky", ["website_link"], policy)
    assert s is not None and s.ok
    (p,) = s.placements
    assert p.field.key == "bio" and p.text == checks.META["website_link"].example


def test_nothing_missing_means_no_suggestion(policy: Policy) -> None:
    assert remediation.suggest("x", [], policy) is None


def test_unknown_platform_falls_back_to_the_about_text(policy: Policy) -> None:
    s = remediation.suggest("myspace", ["emergency_contact"], policy)
    assert s is not None and s.ok and s.placements[0].field.region == "about"


def test_current_lengths_read_the_snapshot_regions() -> None:
    snap = Snapshot(account_id="a", platform="x", requested_url="https://x.com/a", texts=[
        TextBlock(region="bio", text="x" * 140), TextBlock(region="meta", text="y" * 300),
        TextBlock(region="feed", text="z" * 10)])
    assert remediation.current_lengths(snap, "x") == {"bio": 140}
    assert remediation.current_lengths(None, "x") == {}
