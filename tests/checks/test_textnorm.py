"""Normalisation the checks rely on: styled letters, quotes, dashes, spaces, invisible characters."""

from __future__ import annotations

import pytest

from auditor.textnorm import normalise, sentence_around


@pytest.mark.parametrize(("raw", "expected"), [
    ("\U0001d40e\U0001d41f\U0001d41f\U0001d422\U0001d41c\U0001d422\U0001d41a\U0001d425", "Official"),  # math bold
    ("\U0001d4de\U0001d4ef\U0001d4ef\U0001d4f2\U0001d4ec\U0001d4f2\U0001d4ea\U0001d4f5", "Official"),  # bold script
    ("\u1d0f\u0493\u0493\u026a\u1d04\u026a\u1d00\u029f", "official"),  # small capitals
    ("\U0001f17e\U0001f175\U0001f175", "OFF"),  # negative squared
    ("\u24c4\u24d5\u24d5", "Off"),  # circled
    ("isn\u2019t \u201cmonitored\u201d", "isn't \"monitored\""),
    ("24\u20117 \u2013 9\u20101\u20101", "24-7 - 9-1-1"),
    ("DC\u00a0Police\u202fDept\u2009x", "DC Police Dept x"),
    ("Off\u200bi\u00adcial\u200d \ufe0fpage", "Official page"),
    ("\uff19\uff11\uff11", "911"),
    ("  a \t  b  \n\n\n c ", "a b\nc"),
])
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_sentence_around_finds_the_sentence() -> None:
    text = "Official account of DC Police. Not monitored 24/7. Call 911."
    start = text.index("Not")
    a, b = sentence_around(text, start, start + 3)
    assert text[a:b] == "Not monitored 24/7."


def test_sentence_around_match_at_sentence_start() -> None:
    text = "Do not report crimes here. Call 911 in an emergency."
    start = text.index("Call")
    a, b = sentence_around(text, start, start + 8)
    assert text[a:b] == "Call 911 in an emergency."
