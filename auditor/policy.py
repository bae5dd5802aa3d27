"""The policy: every word the checks look for, loaded from YAML (MPD's is built in).

Phrases and names live in ``auditor/policies/mpd.yaml``; another agency is another file passed
with ``--policy``. Loading compiles every pattern once, so a bad pattern is an input error with the
file and line, not a crash in the middle of an audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.errors import InputError
from auditor.models import ITEM_IDS
from auditor.saferegex import Guard, Placeholder, SafePattern, compile_pattern
from auditor.yamlsrc import LineDict, LineList, load_yaml, strip_lines
from auditor.yamlsrc import kind as yaml_kind

DEFAULT_POLICY = Path(__file__).parent / "policies" / "mpd.yaml"
AgencyKind = Literal["own", "ambiguous", "clash"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgencySpec(_Strict):
    names: list[str] = Field(min_length=1)
    ambiguous: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    clashes: list[str] = Field(default_factory=list)


class WebsiteSpec(_Strict):
    domains: list[str] = Field(min_length=1)
    not_website: dict[str, str] = Field(default_factory=dict)
    contact_domains: list[str] = Field(default_factory=list)

    @field_validator("domains", "contact_domains")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [d.lower().strip(".") for d in v]


class PhoneEntry(_Strict):
    number: str
    label: str


class PhoneSpec(_Strict):
    emergency: list[str] = Field(min_length=1)
    known: list[PhoneEntry] = Field(default_factory=list)
    short: list[PhoneEntry] = Field(default_factory=list)


class ItemSpec(_Strict):
    phrases: list[str] = Field(default_factory=list)
    near: list[str] = Field(default_factory=list)
    contradictions: list[str] = Field(default_factory=list)
    cues: list[str] = Field(default_factory=list)  # words that make a bare short number (311) an instruction


class PolicySpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    phone_region: str = "US"
    agency: AgencySpec
    website: WebsiteSpec
    phones: PhoneSpec
    addresses: list[str] = Field(default_factory=list)
    negations: list[str] = Field(default_factory=list)
    hedges: list[str] = Field(default_factory=list)
    items: dict[str, ItemSpec]

    @field_validator("items")
    @classmethod
    def _known_items(cls, v: dict[str, ItemSpec]) -> dict[str, ItemSpec]:
        unknown = sorted(set(v) - set(ITEM_IDS))
        if unknown:
            raise ValueError(f"unknown item id(s) {unknown}; known: {list(ITEM_IDS)}")
        return v


def _name_pattern(name: str) -> str:
    parts = [re.escape(p) for p in name.split()]
    return r"\s+".join(parts)


def _alternation(names: list[str]) -> str:
    ordered = sorted(set(names), key=len, reverse=True)  # longest first: "MPD DC" before "MPD"
    return "(?:" + "|".join(_name_pattern(n) for n in ordered) + ")"


def _digits_pattern(number: str) -> str:
    """The number as written in text (9-1-1, 9 1 1), never a piece of another number, a date
    (9.11.2001, 9/11), a price ($911) or a word."""
    digits = [d for d in number if d.isdigit()]
    return r"(?<![\w.$/-])" + r"[-. ]?".join(digits) + r"(?![\w/]|[.,-]\d)"


# The same placeholders for RE2, which has no look-around: ASCII word edges get \b, and a Guard
# checks the characters around the named group as the look-around above would.
_WORD = re.compile(r"\w")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")


def _names_placeholder(names: list[str], group: str) -> Placeholder:
    ordered = sorted(set(names), key=len, reverse=True)  # longest first: "MPD DC" before "MPD"

    def edged(name: str) -> str:
        lead = r"\b" if _ASCII_WORD.match(name[:1]) else ""
        trail = r"\b" if _ASCII_WORD.match(name[-1:]) else ""
        return lead + _name_pattern(name) + trail

    return Placeholder(python=rf"(?<!\w)(?P<{group}>" + _alternation(names) + r")(?!\w)",
                       re2=rf"(?P<{group}>(?:" + "|".join(edged(n) for n in ordered) + "))",
                       guards=(Guard(group, _WORD, _WORD),))


def _emergency_placeholder(numbers: list[str]) -> Placeholder:
    def plain(number: str) -> str:
        return r"\b" + r"[-. ]?".join(d for d in number if d.isdigit()) + r"\b"

    return Placeholder(python="(?P<number>" + "|".join(_digits_pattern(n) for n in numbers) + ")",
                       re2="(?P<number>(?:" + "|".join(plain(n) for n in numbers) + "))",
                       guards=(Guard("number", re.compile(r"[\w.$/-]"), re.compile(r"[\w/]|[.,-]\d")),))


def placeholders(spec: PolicySpec) -> dict[str, Placeholder]:
    """What ``{AGENCY}`` and ``{EMERGENCY}`` stand for in this policy's phrases."""
    a = spec.agency
    return {"{AGENCY}": _names_placeholder(a.names + a.ambiguous + a.clashes, "agency"),
            "{EMERGENCY}": _emergency_placeholder(spec.phones.emergency)}


def _names_re(names: list[str]) -> SafePattern:
    return compile_pattern("{NAMES}", {"{NAMES}": _names_placeholder(names, "name")})


def normalise_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name.strip().lower())
    return re.sub(r"^the ", "", name)


@dataclass(frozen=True)
class CompiledItem:
    phrases: tuple[SafePattern, ...]
    near: tuple[SafePattern, ...]
    contradictions: tuple[SafePattern, ...]
    cues: tuple[SafePattern, ...] = ()


class Policy:
    """A loaded, compiled policy. Checks read it; nothing writes it."""

    def __init__(self, spec: PolicySpec, source: str) -> None:
        self.spec = spec
        self.source = source
        self.id = spec.id
        self.name = spec.name
        self.region = spec.phone_region
        agency = spec.agency
        self._kinds: dict[str, AgencyKind] = {}
        for kind, names in (("clash", agency.clashes), ("ambiguous", agency.ambiguous), ("own", agency.names)):
            for n in names:
                self._kinds[normalise_name(n)] = kind  # type: ignore[assignment]
        # Every pattern is compiled by saferegex: RE2 (linear time) where it can express it.
        self._placeholders = placeholders(spec)
        self.agency_pattern = self._placeholders["{AGENCY}"].python
        self.emergency_pattern = self._placeholders["{EMERGENCY}"].python
        self.agency_re = compile_pattern("{AGENCY}", self._placeholders)
        self.clash_re = _names_re(agency.clashes) if agency.clashes else None
        self.own_re = _names_re(agency.names)
        self.context_re = [compile_pattern(p) for p in agency.context]
        self.negation_re = [compile_pattern(p) for p in spec.negations]
        self.hedge_re = [compile_pattern(p) for p in spec.hedges]
        self.items: dict[str, CompiledItem] = {
            item: CompiledItem(
                phrases=tuple(self._compile(p) for p in s.phrases),
                near=tuple(self._compile(p) for p in s.near),
                contradictions=tuple(self._compile(p) for p in s.contradictions),
                cues=tuple(self._compile(p) for p in s.cues),
            )
            for item, s in spec.items.items()
        }

    def _compile(self, pattern: str) -> SafePattern:
        return compile_pattern(pattern, self._placeholders)

    def item(self, item_id: str) -> CompiledItem:
        return self.items.get(item_id, CompiledItem((), (), ()))

    def agency_kind(self, matched: str) -> AgencyKind:
        return self._kinds.get(normalise_name(matched), "ambiguous")

    @cached_property
    def known_phones(self) -> dict[str, str]:
        """E.164 -> label for the phone numbers the policy knows."""
        out: dict[str, str] = {}
        for entry in self.spec.phones.known:
            num = phonenumbers.parse(entry.number, self.region)
            out[phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)] = entry.label
        return out

    def is_emergency_number(self, digits: str) -> bool:
        digits = re.sub(r"\D", "", digits)
        if digits in {re.sub(r"\D", "", n) for n in self.spec.phones.emergency}:
            return True
        return phonenumbers.is_emergency_number(digits, self.region)

    def website_domain_of(self, host: str) -> str | None:
        host = host.lower().strip(".")
        if host.startswith("www."):
            host = host[4:]
        for d in self.spec.website.domains:
            if host == d or host.endswith("." + d):
                return d
        return None

    def not_website_reason(self, host: str) -> str | None:
        host = host.lower().strip(".")
        if host.startswith("www."):
            host = host[4:]
        for d, why in self.spec.website.not_website.items():
            if host == d or host.endswith("." + d):
                return why
        return None


def _line_at(raw: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the value at ``loc`` in the loaded YAML (or of the nearest mapping or list around it)."""
    node = raw
    line = raw.line if isinstance(raw, LineDict) else None
    for part in loc:
        in_dict = isinstance(node, LineDict) and part in node
        if in_dict or (isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node)):
            line = node.line_of(part)
            node = node[part]
        else:
            break
    return line


def _where(path: Path, raw: Any, loc: tuple[Any, ...]) -> str:
    line = _line_at(raw, loc)
    return f"{path}:{line}" if line else str(path)


def _dotted(loc: tuple[Any, ...]) -> str:
    """``items.official_statement.phrases[2]``; an odd key (white space, control characters) is quoted."""
    def part(p: Any) -> str:
        if isinstance(p, int):
            return f"[{p}]"
        p = str(p)
        return f".{p}" if p.isprintable() and p.strip() == p and p and " " not in p else f".{p!r}"
    return "".join(part(p) for p in loc).lstrip(".")


def _validation_message(path: Path, raw: Any, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        msg = " ".join(str(err["msg"]).split())
        lines.append(f"{_where(path, raw, loc)}: policy field '{_dotted(loc)}': {msg}")
    return "\n".join(lines)


def _pattern_problem(pattern: str, expand: bool, spec: PolicySpec) -> str | None:
    """Why ``pattern`` (as Policy compiles it) is unusable, or None."""
    try:
        compiled = compile_pattern(pattern, placeholders(spec) if expand else None)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    except (OverflowError, RecursionError, ValueError) as exc:
        return f"invalid regular expression: {exc}"
    if compiled.search("") is not None:
        return "the pattern matches empty text, so it would match anything"
    return None


def _semantic_problems(path: Path, raw: Any, spec: PolicySpec) -> list[str]:
    """What pydantic cannot see: names, phone numbers and patterns, each with its line."""
    problems: list[str] = []

    def add(loc: tuple[Any, ...], why: str) -> None:
        problems.append(f"{_where(path, raw, loc)}: policy field '{_dotted(loc)}': {why}")

    for group in ("names", "ambiguous", "clashes"):
        for i, name in enumerate(getattr(spec.agency, group)):
            if not name.strip():
                add(("agency", group, i), "an agency name must not be empty")
    region_ok = spec.phone_region in phonenumbers.SUPPORTED_REGIONS
    if not region_ok:
        add(("phone_region",), f"{spec.phone_region!r} is not a region code phonenumbers knows (e.g. US, GB, CA)")
    for i, number in enumerate(spec.phones.emergency):
        digits = re.sub(r"\D", "", number)
        if not digits:
            add(("phones", "emergency", i), f"{number!r} has no digits")
        elif region_ok and not phonenumbers.is_emergency_number(digits, spec.phone_region):
            add(("phones", "emergency", i), f"{number!r} is not an emergency number in region {spec.phone_region}")
    for i, entry in enumerate(spec.phones.known):
        if not region_ok:
            break
        try:
            parsed = phonenumbers.parse(entry.number, spec.phone_region)
            valid = phonenumbers.is_valid_number(parsed)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            add(("phones", "known", i, "number"),
                f"{entry.number!r} is not a valid phone number in region {spec.phone_region}")
    for i, entry in enumerate(spec.phones.short):
        if not re.fullmatch(r"[\d\s().-]*\d[\d\s().-]*", entry.number):
            add(("phones", "short", i, "number"), f"{entry.number!r} must be digits (a short code such as 311)")
    if problems:
        return problems  # the patterns below are built from the names and numbers above
    lists: list[tuple[tuple[Any, ...], list[str], bool]] = [
        (("agency", "context"), spec.agency.context, False),
        (("negations",), spec.negations, False),
        (("hedges",), spec.hedges, False),
    ]
    for item, s in spec.items.items():
        for field in ("phrases", "near", "contradictions"):
            lists.append((("items", item, field), getattr(s, field), True))
    for loc, patterns, expand in lists:
        for i, pattern in enumerate(patterns):
            if why := _pattern_problem(pattern, expand, spec):
                add((*loc, i), f"{why} (pattern {pattern!r})")
    return problems


def load_policy(path: Path | None = None) -> Policy:
    path = Path(path) if path else DEFAULT_POLICY
    raw = load_yaml(path, "policy")
    if raw is None:
        raise InputError(f"{path}:1: the policy file is empty")
    if not isinstance(raw, dict):
        raise InputError(f"{path}:1: a policy file must be a YAML mapping, not {yaml_kind(raw)}")
    try:
        spec = PolicySpec.model_validate(strip_lines(raw))
    except ValidationError as exc:
        raise InputError(_validation_message(path, raw, exc)) from None
    if problems := _semantic_problems(path, raw, spec):
        raise InputError("\n".join(problems))
    try:
        policy = Policy(spec, str(path))
        _ = policy.known_phones
    except (re.error, OverflowError, RecursionError, ValueError) as exc:  # checked above; a safety net
        raise InputError(f"{path}: policy has an invalid pattern: {exc}") from None
    except phonenumbers.NumberParseException as exc:
        raise InputError(f"{path}: policy has an invalid phone number: {exc}") from None
    return policy
