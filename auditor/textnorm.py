"""Text normalisation shared by platform extractors and checks."""

from __future__ import annotations

import functools
import re
import unicodedata

from auditor.safetext import valid_unicode

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'",
                         "\u2032": "'", "\u00b4": "'", "\u0060": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2015": "-", "\u2212": "-", "\ufe58": "-",
                         "\u00a0": " ", "\u2009": " ", "\u2028": "\n", "\u2029": "\n"})
# Letters that NFKC leaves alone but "fancy text" generators use for plain Latin letters:
# small capitals, and negative circled / negative squared capitals.
_STYLED = str.maketrans(
    {**dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢғ", "abcdefghijklmnopqrstuvwyzf", strict=True)),
     **{0x1F150 + i: chr(ord("A") + i) for i in range(26)},
     **{0x1F170 + i: chr(ord("A") + i) for i in range(26)}})
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
                        "\ufeff\u00ad\ufe00-\ufe0f\u034f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@functools.lru_cache(maxsize=4096)  # the six checks read the same blocks; normalise each once
def normalise(text: str) -> str:
    """NFKC, straight quotes and dashes, no invisible characters, collapsed spaces.

    NFKC also folds the "fancy" Unicode letters some bios use (mathematical bold etc.) back to
    ASCII, so a styled "𝐎𝐟𝐟𝐢𝐜𝐢𝐚𝐥" still reads as "Official".
    """
    if _SURROGATE.search(text):  # a lone UTF-16 surrogate (a page's script can put one in): not text
        text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFKC", text).translate(_STYLED).translate(_QUOTES)
    text = _INVISIBLE.sub("", text)
    text = _SPACE.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n|\s[|•·]\s")
SENTENCE_WINDOW = 400  # characters either side of a match looked at for its sentence: a quote, not a page
# Bidirectional embedding, override and isolate controls: text carrying them can show on screen in
# an order other than the one it is stored in (U+202E makes "lacifforeht" read "theofficial").
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


@functools.lru_cache(maxsize=4096)  # asked for every match in a block: search each block once
def has_bidi_controls(text: str) -> bool:
    return BIDI_CONTROLS.search(text) is not None


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence (or line, or bio segment) that contains text[start:end], never
    reaching more than SENTENCE_WINDOW characters beyond the match on either side."""
    lo = max(0, start - SENTENCE_WINDOW)
    left = lo
    # Search up to just past ``start``: the boundary's look-ahead must see the first letter of a
    # match that begins a sentence, else the previous sentence would be included.
    for m in _SENTENCE_END.finditer(text, lo, min(len(text), start + 1)):
        if m.end() > start:
            break
        left = m.end()
    m = _SENTENCE_END.search(text, end, min(len(text), end + SENTENCE_WINDOW))
    right = m.start() if m else min(len(text), end + SENTENCE_WINDOW)
    return left, right


def valid_data(value: object) -> object:
    """``valid_unicode`` through str / list / tuple / dict values (JSON-LD, meta), keys included."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, list | tuple):
        return type(value)(valid_data(v) for v in value)
    if isinstance(value, dict):
        return {valid_data(k): valid_data(v) for k, v in value.items()}
    return value
