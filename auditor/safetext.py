"""Text that every output can carry: valid Unicode, XML-legal characters, bounded quotes.

Page text reaches results.json, the report, junit.xml and the mail. A lone UTF-16 surrogate
cannot be encoded as UTF-8, a control character is not allowed in XML 1.0, and one 6 MB
"sentence" quoted as evidence would be copied into every output. The rules live here, once:

- :func:`valid_unicode`: lone surrogates become U+FFFD (valid pairs are joined).
- :func:`xml_text`: additionally drops every character XML 1.0 forbids (C0 controls but tab,
  newline and carriage return; U+FFFE, U+FFFF).
- :func:`cap_quote` / :func:`cap_text`: an evidence quote keeps at most ``QUOTE_MAX``
  characters around its match, a reason at most ``REASON_MAX`` from its start, and says how much
  was cut ("... [cut: 6,000,000 characters]"). The models apply them, so every output agrees.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

QUOTE_MAX = 600  # characters of an evidence quote, markers included
MATCH_MAX = 300  # characters of the matched words kept for highlighting (a longer match: its start)
REASON_MAX = 2000  # characters of a reason

# XML 1.0 (5th ed.) Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD; a valid surrogate pair (as some
    JavaScript strings arrive) becomes the one character it stands for."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def xml_text(text: str) -> str:
    """``text`` as XML 1.0 allows it: valid Unicode, without the characters XML forbids."""
    return _NOT_XML.sub("", valid_unicode(text))


def cut_marker(removed: int) -> str:
    return f" [cut: {removed:,} characters]"


def cap_text(text: str, limit: int = REASON_MAX) -> str:
    """The start of ``text`` when it is longer than ``limit``, saying how much was cut."""
    if len(text) <= limit:
        return text
    keep = max(0, limit - len(cut_marker(len(text))) - 4)
    return text[:keep] + " ..." + cut_marker(len(text) - keep)


def cap_quote(quote: str, match: str = "") -> str:
    """At most ``QUOTE_MAX`` characters of ``quote``, around the first place ``match`` is in it
    (its start when it is not), with "..." where it was cut and how many characters were cut."""
    if len(quote) <= QUOTE_MAX:
        return quote
    width = QUOTE_MAX - 8 - len(cut_marker(len(quote)))  # room for the "... " and " ..." markers
    pos = quote.lower().find(match.lower()[:MATCH_MAX]) if match else -1
    start = 0 if pos < 0 else max(0, min(pos - width // 3, len(quote) - width))
    end = start + width
    # cut between words where one is near (within 30 characters), not inside a word
    if start and (space := quote.find(" ", start, start + 30)) >= 0 and (pos < 0 or space < pos):
        start = space + 1
    if end < len(quote) and (space := quote.rfind(" ", end - 30, end)) > max(start, pos + len(match)):
        end = space
    return (("... " if start else "") + quote[start:end] + (" ..." if end < len(quote) else "")
            + cut_marker(len(quote) - (end - start)))


def cap_match(match: str) -> str:
    """The matched words kept for highlighting: their start, when they are very long (the quote
    that holds them says it was cut)."""
    return match if len(match) <= MATCH_MAX else match[:MATCH_MAX]


# A model field of page-derived text: valid Unicode and capped (pydantic applies it on creation).
Reason = Annotated[str, AfterValidator(lambda s: cap_text(valid_unicode(s)))]
