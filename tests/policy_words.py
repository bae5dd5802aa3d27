"""The words that belong to one policy (agency names, domains, phone numbers, clause numbers),
read from the policy file itself, and a scanner that finds them in text."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.policy import Policy, load_policy


def agency_words(policy: Policy | None = None) -> set[str]:
    """Names (own and ambiguous), website domains, known and short phone numbers, postal addresses,
    clause numbers and the document's title and number. Matched case-sensitively as whole words."""
    p = policy or load_policy()
    s = p.spec
    # Of the lookalike hosts, only the agency's own parent domains (a city portal), not link-in-bio services.
    parents = {d for d in s.website.not_website if any(w == d or w.endswith("." + d) for w in s.website.domains)}
    words = {*s.agency.names, *s.agency.ambiguous, *s.website.domains, *s.website.contact_domains, *parents,
             *s.addresses}
    words |= {e.number for e in s.phones.known} | {e.number for e in s.phones.short}
    words |= {m.group(0) for e in s.phones.known if (m := re.search(r"\d{3}-\d{4}", e.number))}
    words |= {i.clause for i in s.items.values()}
    if s.document:
        words |= {s.document.title, s.document.section, *re.findall(r"[A-Z]+-\d[\d.]*\d", s.document.title)}
    return {w for w in words if w.strip()}


def finder(words: set[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")


def hits(text: str, words: set[str]) -> list[str]:
    return sorted({m.group(0) for m in finder(words).finditer(text)})


def scan_files(paths: list[Path], words: set[str]) -> list[str]:
    pattern = finder(words)
    out = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for m in pattern.finditer(line):
                out.append(f"{path}:{n}: {m.group(0)!r}")
    return out
