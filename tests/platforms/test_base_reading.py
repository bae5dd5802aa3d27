"""Generic reading in base.py: block text breaks, set-based de-duplication, meta clean-up, frames."""

from __future__ import annotations

import time

from bs4 import BeautifulSoup

from auditor.collect.platforms.base import Extract, Frame, MetaText, PageCapture, Platform, Rule, block_text, is_cut


def _el(html: str):  # noqa: ANN202 - a bs4 Tag
    return BeautifulSoup(html, "html.parser").body


def test_adjacent_block_elements_never_glue() -> None:
    body = _el("<body><div><div>Government Organization</div>Official account of the MPD</div>"
               "<p>Not monitored</p>24/7</body>")
    assert block_text(body).split("\n") == ["Government Organization", "Official account of the MPD",
                                           "Not monitored", "24/7"]


def test_inline_elements_stay_in_one_sentence() -> None:
    body = _el("<body><p>In an emergency, <b>call</b> <a href='tel:911'>911</a>.</p></body>")
    assert block_text(body) == "In an emergency, call 911."


def test_block_text_survives_nesting_deeper_than_the_recursion_limit() -> None:
    body = _el("<body>" + "<span>" * 3000 + "deep" + "</span>" * 3000 + "</body>")
    assert block_text(body) == "deep"


def test_add_link_and_add_text_deduplicate_without_rescanning() -> None:
    out = Extract()
    started = time.perf_counter()
    for i in range(20_000):  # a page with 20,000 links: the old linear scan made this quadratic (minutes)
        out.add_link("feed", f"https://example.org/{i}", f"https://example.org/{i}")
        out.add_link("feed", f"https://example.org/{i}", f"https://example.org/{i}")  # the same again
    for i in range(2_000):
        out.add_text("feed", f"post {i}")
        out.add_text("feed", f"post {i}")
    assert len(out.links) == 20_000 and len(out.texts) == 2_000
    assert time.perf_counter() - started < 20  # seconds, on a loaded 2-core machine; quadratic takes minutes
    out.add_text("bio", "post 1")  # another region is another block
    assert [t.region for t in out.texts if t.text == "post 1"] == ["feed", "bio"]


def test_mark_keeps_the_strongest_sighting() -> None:
    out = Extract()
    out.mark("bio", "meta", truncated=True)
    out.mark("bio", "dom", empty=True)
    assert (out.seen["bio"].how, out.seen["bio"].empty) == ("dom", True)
    out.mark("bio", "embedded_json")
    assert (out.seen["bio"].how, out.seen["bio"].empty) == ("embedded_json", False)
    out.mark("bio", "meta")  # a meta description never replaces the page's own markup
    assert out.seen["bio"].how == "embedded_json"


def test_is_cut() -> None:
    assert is_cut("For non-emergencies call 311 or...") and is_cut('on Instagram: "Official acc\u2026"')
    assert not is_cut("In an emergency, call 911.")


class _Demo(Platform):
    name = "demo"
    profile_parts = ("header", "bio", "website")
    rules = (Rule("bio", ".bio", "bio", part="bio"), Rule("profile_field", ".site", "site", part="website"),
             Rule("header", "h1", "name", part="header"))
    frames = (Frame("h1", ("bio", "website"), "profile header"),)
    meta_part = "bio"

    def split_meta(self, value: str, cap: PageCapture) -> MetaText:
        if value.startswith("10 Followers - "):
            return MetaText(own=value.removeprefix("10 Followers - "), verbatim=True)
        return MetaText(own=value)


def _read(html: str) -> Extract:
    return _Demo().extract([PageCapture(kind="profile", url="https://demo.example/a", status=200, html=html)])


def test_a_rendered_header_establishes_missing_parts_empty() -> None:
    out = _read("<html><body><h1>MPD</h1><div class='bio'>Official account</div></body></html>")
    seen = {p.part: p for p in out.coverage.seen}
    assert set(seen) == {"header", "bio", "website"}
    assert seen["website"].empty and not seen["bio"].empty
    assert out.coverage.note == ""


def test_without_the_header_a_missing_part_is_not_seen() -> None:
    out = _read("<html><body><div class='bio'>Official account</div></body></html>")
    assert [p.part for p in out.coverage.seen] == ["bio"]
    assert out.coverage.unseen(["bio", "website", "header"]) == ["website", "header"]
    assert "not seen: profile header, website field" in out.coverage.note


def test_meta_counts_only_in_the_platform_format_and_cut_copies_are_dropped() -> None:
    html = ("<html><head><meta property='og:description' content='10 Followers - Official account. Call 911.'>"
            "<meta name='description' content='10 Followers - Official account. Ca...'></head><body></body></html>")
    out = _read(html)
    assert [t.text for t in out.texts if t.region == "meta"] == ["Official account. Call 911."]
    assert [(p.part, p.how, p.truncated) for p in out.coverage.seen] == [("bio", "meta", False)]
    other = _read("<html><head><meta property='og:description' content='Some words'></head><body></body></html>")
    assert [t.text for t in other.texts] == ["Some words"] and not other.coverage.seen
    assert "only the page's meta description was readable" in other.coverage.note


def test_an_empty_page_has_nothing_seen_and_says_so() -> None:
    out = _read("<html><head></head><body><div id='root'></div></body></html>")
    assert not out.coverage.profile_found
    assert out.coverage.expected == ["header", "bio", "website"]
    assert "no readable profile" in out.coverage.note


def test_a_wall_clears_what_was_read_beside_it() -> None:
    out = _Demo().extract([PageCapture(kind="profile", url="https://demo.example/a", status=404,
                                       html="<html><body><h1>MPD</h1><div class='bio'>x</div></body></html>")])
    assert out.wall == "not_found" and not out.coverage.seen
