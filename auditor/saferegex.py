"""Policy patterns that cannot stall a run.

A policy file is user-supplied: one phrase with catastrophic backtracking (``(a+)+b``) would hang
Python's ``re`` on a long bio. So a pattern is compiled with RE2 (``google-re2``: linear time,
no backtracking) whenever RE2 can express it. RE2 has no look-around and no back-references;
only a pattern that needs them falls back to Python's ``re``, and then

- it is refused when it nests unbounded repeats (``(\\w+\\s?)+``), the usual exponential shape;
- it never reads more than ``FALLBACK_CAP`` characters of a text.

Every pattern is first compiled with Python's ``re``, so a policy means the same (and fails with
the same messages) whichever engine runs it. Two differences remain, both on non-ASCII letters:
RE2's ``\\w`` and ``\\b`` are ASCII-only.

Placeholders (``{AGENCY}``) are expanded by the caller, once for each engine: the RE2 form may
leave part of its look-around to a ``Guard``, a check on the characters just outside a named
group, applied to every RE2 match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import re2

FALLBACK_CAP = 20_000  # characters of one text a Python-``re`` fallback pattern reads
_SURROGATE = re.compile("[\ud800-\udfff]")

_OPTIONS = re2.Options()
_OPTIONS.case_sensitive = False
_OPTIONS.log_errors = False  # a pattern RE2 cannot express is expected, not an error to print


@dataclass(frozen=True)
class Guard:
    """A match counts only when the character before ``group`` does not match ``before`` and the
    (up to two) characters after it do not match ``after`` (both matched at their start)."""

    group: str
    before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None

    def ok(self, m: Any, index: int) -> bool:
        """``index``: the group's number in the compiled pattern (RE2 matches take no names)."""
        start, end = m.start(index), m.end(index)
        if start < 0:  # the group did not take part in the match
            return True
        text = m.string
        if self.before is not None and start > 0 and self.before.match(text[start - 1]):
            return False
        return not (self.after is not None and self.after.match(text[end:end + 2]))


@dataclass(frozen=True)
class Placeholder:
    """What a ``{NAME}`` in a policy pattern stands for, in each engine's syntax."""

    python: str  # with look-around
    re2: str  # without; ``guards`` do the rest
    guards: tuple[Guard, ...] = ()


@dataclass
class SafePattern:
    """A compiled policy pattern with the ``re.Pattern`` methods the checks use."""

    pattern: str  # as written in the policy
    engine: str  # "re2" or "re"
    _rx: Any = field(repr=False)
    _guards: tuple[tuple[Guard, int], ...] = ()

    def finditer(self, text: str) -> Iterator[Any]:
        if self.engine == "re":
            yield from self._rx.finditer(text[:FALLBACK_CAP])
            return
        if not text.isascii() and _SURROGATE.search(text):  # RE2 reads UTF-8, which has no lone surrogates
            text = _SURROGATE.sub("\ufffd", text)  # same length: offsets stay right
        for m in self._rx.finditer(text):
            if all(g.ok(m, i) for g, i in self._guards):
                yield m

    def search(self, text: str) -> Any | None:
        return next(self.finditer(text), None)


def _nests_unbounded_repeats(pattern: str, flags: int) -> bool:
    """True when a repeat without an upper bound contains another repeat (star height two)."""
    try:
        from re import _parser  # type: ignore[attr-defined]
        tree = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - cannot analyse it: treat it as unsafe
        return True
    repeats = {_parser.MAX_REPEAT, _parser.MIN_REPEAT, getattr(_parser, "POSSESSIVE_REPEAT", None)}

    def walk(items: Any, inside_unbounded: bool) -> bool:
        for op, av in items:
            if op in repeats:
                lo, hi, sub = av
                if inside_unbounded and hi > 1:
                    return True
                if walk(sub, inside_unbounded or hi == _parser.MAXREPEAT):
                    return True
            elif op in (_parser.SUBPATTERN, _parser.ATOMIC_GROUP if hasattr(_parser, "ATOMIC_GROUP") else None):
                if walk(av[-1], inside_unbounded):
                    return True
            elif op == _parser.BRANCH:
                if any(walk(b, inside_unbounded) for b in av[1]):
                    return True
            elif op in (_parser.ASSERT, _parser.ASSERT_NOT) and walk(av[1], inside_unbounded):
                return True
        return False

    return walk(tree, False)


def _expand(pattern: str, placeholders: Mapping[str, Placeholder], engine: str) -> str:
    for name, ph in placeholders.items():
        pattern = pattern.replace(name, ph.python if engine == "re" else ph.re2)
    return pattern


def compile_pattern(pattern: str, placeholders: Mapping[str, Placeholder] | None = None) -> SafePattern:
    """Compile a case-insensitive policy pattern; ``re.error`` when it is invalid or unsafe."""
    placeholders = placeholders or {}
    python_form = _expand(pattern, placeholders, "re")
    compiled = re.compile(python_form, re.I)  # validates; raises re.error / OverflowError like before
    try:
        rx = re2.compile(_expand(pattern, placeholders, "re2"), _OPTIONS)
    except re2.error:
        if _nests_unbounded_repeats(python_form, re.I):
            raise re.error("the pattern needs Python's regular-expression engine (it uses look-around or a "
                           "back-reference) and nests unbounded repeats, which can take exponential time on "
                           "long text; rewrite it without one or the other") from None
        return SafePattern(pattern, "re", compiled)
    index = rx.groupindex
    guards = tuple((g, index[g.group]) for name, ph in placeholders.items() if name in pattern
                   for g in ph.guards if g.group in index)
    return SafePattern(pattern, "re2", rx, guards)
