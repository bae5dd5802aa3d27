"""The policy: the items an account must carry and every word the checks look for and people read.

A policy file (YAML) declares the agency (names, website, phones), the document its items come
from, the languages it reads (phrases, negations, hedges, stopwords per language) and its items.
Each item names the generic check *kind* that implements it (``checks.KINDS``) with that kind's
inputs and words, validated against the kind's own models: a missing field, or one the kind does
not read, is an input error with the file and line. ``extends:`` starts a policy from shared
bases (``auditor/policies/base-en.yaml``). Built-in policies live in ``auditor/policies/``;
``--policy`` takes a built-in name or a file. Loading compiles every pattern once, so a bad
pattern is an input error with the file and line, not a crash in the middle of an audit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.errors import InputError
from auditor.saferegex import Guard, Placeholder, SafePattern, compile_pattern
from auditor.yamlsrc import LineDict, LineList, load_yaml, strip_lines
from auditor.yamlsrc import kind as yaml_kind

POLICY_DIR = Path(__file__).parent / "policies"
DEFAULT_POLICY = POLICY_DIR / "mpd.yaml"
SCHEMA_PATH = Path(__file__).parent / "schema" / "policy.schema.json"
AgencyKind = Literal["own", "ambiguous", "clash"]
# Words written in one language, or the same words for every language.
Localised = str | dict[str, str]
_LANG = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgencySpec(_Strict):
    names: list[str] = Field(min_length=1)
    ambiguous: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    clashes: list[str] = Field(default_factory=list)
    # How a reason says where the agency is ("the profile never says it is <place>"), e.g. "in DC".
    place: str = ""


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


class LanguageSpec(_Strict):
    """What a policy reads in one language. ``stopwords`` tell the language of a profile apart."""

    name: str = ""
    stopwords: list[str] = Field(default_factory=list)
    negations: list[str] = Field(default_factory=list)
    hedges: list[str] = Field(default_factory=list)


class DocumentSpec(_Strict):
    """The document the items come from, as the report names it."""

    title: str  # "General Order 123.45"
    section: str = ""  # the part that lists the items
    preamble: str = ""  # the section's own opening words, quoted in the report
    url: str = ""


class ReportSpec(_Strict):
    element_order: list[str] = Field(default_factory=list)  # elements listed first, in this order


class ItemSpec(_Strict):
    """One item every account must carry: what people read, and the kind of check that finds it."""

    clause: str  # "IV.B.2.a"
    mark: str = ""  # the short label in the report's matrix (default: the clause's last part)
    short: str = ""  # a column heading (default: the id in words)
    requirement: str  # the document's own words
    title: str
    failure_title: str
    accepts: str
    never_accepts: str
    remediation: Localised
    example: Localised = ""  # text that satisfies the item, offered as the paste-text
    kind: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    words: dict[str, str] = Field(default_factory=dict)
    # The suggested text for an account whose registry entry names its element (or owner):
    # "{element}" is replaced by it. Checked like every suggestion; the plain example otherwise.
    example_for_element: Localised = ""


class PolicySpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    short_name: str = ""  # "Lakeview PD": the e-mail subject's prefix
    description: str = ""
    extends: str | list[str] = Field(default_factory=list)
    document: DocumentSpec | None = None
    phone_region: str = "US"
    language: str = Field(default="en", pattern=_LANG)  # the default language of remediation text
    languages: dict[str, LanguageSpec] = Field(default_factory=dict)
    agency: AgencySpec
    website: WebsiteSpec
    phones: PhoneSpec
    addresses: list[str] = Field(default_factory=list)
    negations: list[str] = Field(default_factory=list)  # for every language
    hedges: list[str] = Field(default_factory=list)
    report: ReportSpec = Field(default_factory=ReportSpec)
    items: dict[str, ItemSpec] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _item_ids(cls, v: dict[str, ItemSpec]) -> dict[str, ItemSpec]:
        bad = [k for k in v if not re.fullmatch(r"[a-z][a-z0-9_]*", k)]
        if bad:
            raise ValueError(f"item id(s) {bad} must be lower-case words joined by _ (e.g. website_link)")
        return v

    @field_validator("languages")
    @classmethod
    def _lang_codes(cls, v: dict[str, LanguageSpec]) -> dict[str, LanguageSpec]:
        bad = [k for k in v if not re.fullmatch(_LANG, k)]
        if bad:
            raise ValueError(f"language code(s) {bad} must be like en, es, zh-Hant")
        return v


class BaseSpec(_Strict):
    """A shared base a policy ``extends``: languages and cues, no agency and no items."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    description: str = ""
    extends: str | list[str] = Field(default_factory=list)
    languages: dict[str, LanguageSpec] = Field(default_factory=dict)
    negations: list[str] = Field(default_factory=list)
    hedges: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class ItemMeta:
    """What an item is, for the report, ``auditor explain`` and remediation (read from the policy)."""

    id: str
    clause: str
    mark: str
    short: str
    requirement: str
    title: str
    failure_title: str
    accepts: str
    never_accepts: str
    remediation: str
    example: str
    kind: str


def _name_pattern(name: str) -> str:
    parts = [re.escape(p) for p in name.split()]
    return r"\s+".join(parts)


def _alternation(names: list[str]) -> str:
    ordered = sorted(set(names), key=len, reverse=True)  # longest first: "XPD North" before "XPD"
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
    ordered = sorted(set(names), key=len, reverse=True)  # longest first: "ABC DC" before "ABC"

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


def flatten(patterns: Any) -> list[str]:
    """Every pattern of a ``Patterns`` value (a list, or lists per language)."""
    if isinstance(patterns, dict):
        return [p for v in patterns.values() for p in (v or [])]
    return list(patterns or [])


def _is_patterns(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, dict) and all(isinstance(v, list) for v in value.values())


@dataclass(frozen=True)
class CompiledItem:
    """An item's compiled patterns (every language together), its validated inputs and words."""

    phrases: tuple[SafePattern, ...] = ()
    near: tuple[SafePattern, ...] = ()
    contradictions: tuple[SafePattern, ...] = ()
    cues: tuple[SafePattern, ...] = ()
    patterns: dict[str, tuple[SafePattern, ...]] = field(default_factory=dict)
    inputs: Any = None
    words: Any = None


class Policy:
    """A loaded, compiled policy. Checks read it; nothing writes it."""

    def __init__(self, spec: PolicySpec, source: str) -> None:
        from checks import KINDS  # the kinds import this module: resolved at run time

        self.spec = spec
        self.source = source
        self.id = spec.id
        self.name = spec.name
        self.short_name = spec.short_name or spec.name
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
        langs = spec.languages.values()
        self.negation_re = [compile_pattern(p) for p in [*spec.negations, *(c for ls in langs for c in ls.negations)]]
        self.hedge_re = [compile_pattern(p) for p in [*spec.hedges, *(c for ls in langs for c in ls.hedges)]]
        self.kinds = {item: KINDS[s.kind] for item, s in spec.items.items()}
        self.items: dict[str, CompiledItem] = {}
        for item, s in spec.items.items():
            kind = self.kinds[item]
            inputs = kind.inputs.model_validate(s.inputs)
            compiled = {k: tuple(self._compile(p) for p in flatten(v))
                        for k, v in inputs.model_dump().items() if _is_patterns(v)}
            self.items[item] = CompiledItem(
                phrases=compiled.get("phrases", ()), near=compiled.get("near", ()),
                contradictions=compiled.get("contradictions", ()), cues=compiled.get("cues", ()),
                patterns=compiled, inputs=inputs, words=kind.words.model_validate(s.words))
        self._stopwords = {code: {w.lower() for w in ls.stopwords} for code, ls in spec.languages.items()}

    def _compile(self, pattern: str) -> SafePattern:
        return compile_pattern(pattern, self._placeholders)

    # --- the items ------------------------------------------------------------------------------

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The policy's items, in the order it lists them."""
        return tuple(self.spec.items)

    def item(self, item_id: str) -> CompiledItem:
        return self.items.get(item_id, CompiledItem())

    def meta(self, item_id: str, language: str | None = None) -> ItemMeta:
        """What people read about an item, in ``language`` where the policy has it."""
        s = self.spec.items[item_id]
        return ItemMeta(id=item_id, clause=s.clause, mark=s.mark or re.split(r"[.\s]", s.clause)[-1] or s.clause,
                        short=s.short or item_id.replace("_", " ").capitalize(), requirement=s.requirement,
                        title=s.title, failure_title=s.failure_title, accepts=s.accepts,
                        never_accepts=s.never_accepts, remediation=self.localised(s.remediation, language),
                        example=self.localised(s.example, language), kind=s.kind)

    @property
    def metas(self) -> dict[str, ItemMeta]:
        return {i: self.meta(i) for i in self.item_ids}

    # --- languages ------------------------------------------------------------------------------

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the policy reads, its default first."""
        return tuple(dict.fromkeys([self.spec.language, *self.spec.languages]))

    def localised(self, value: Localised, language: str | None = None) -> str:
        if isinstance(value, str):
            return value
        for lang in (language, self.spec.language, *value):
            if lang and value.get(lang):
                return value[lang]
        return ""

    def detect_language(self, texts: Iterable[str]) -> str:
        """The language most of the words are in, by the policy's own stopword lists (deterministic:
        a tie or no stopword at all gives the policy's default language)."""
        counts = dict.fromkeys(self._stopwords, 0)
        for text in texts:
            for word in re.findall(r"[^\W\d_]+", text.lower()):
                for code, words in self._stopwords.items():
                    if word in words:
                        counts[code] += 1
        if not counts or max(counts.values()) == 0:
            return self.spec.language
        best = max(counts.values())
        winners = [c for c, n in counts.items() if n == best]
        return self.spec.language if self.spec.language in winners or len(winners) > 1 else winners[0]

    # --- the agency -----------------------------------------------------------------------------

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

    def info(self) -> Any:
        """The policy as results.json records it (``PolicyInfo``): every output is rendered from it."""
        from auditor.models import ItemInfo, PolicyInfo

        doc = self.spec.document
        items = [ItemInfo(id=m.id, clause=m.clause, mark=m.mark, short=m.short, title=m.title,
                          failure_title=m.failure_title, requirement=m.requirement, accepts=m.accepts,
                          never_accepts=m.never_accepts, remediation=m.remediation, kind=m.kind,
                          remediations={lang: self.meta(m.id, lang).remediation for lang in self.languages})
                 for m in self.metas.values()]
        return PolicyInfo(id=self.id, name=self.name, short_name=self.short_name, document=doc.title if doc else "",
                          section=doc.section if doc else "", preamble=doc.preamble if doc else "",
                          languages=list(self.languages), element_order=self.spec.report.element_order, items=items)

    def describe(self) -> str:
        """One line for the CLI: which agency and document this policy audits against."""
        doc = self.spec.document
        against = f" against {doc.title}" + (f" {doc.section}" if doc.section else "") if doc else ""
        return f"Audit {self.short_name} official social media accounts{against}."


def _line_at(raw: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the value at ``loc`` in the loaded YAML (or of the nearest mapping or list around it)."""
    node = raw
    line = raw.line if isinstance(raw, LineDict) else None
    for part in loc:
        in_dict = isinstance(node, LineDict) and part in node
        if in_dict or (isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node)):
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, dict) and part in node:  # merged in from a base: no lines
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


def _validation_message(path: Path, raw: Any, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> list[str]:
    lines = []
    for err in exc.errors():
        loc = (*prefix, *err["loc"])
        msg = " ".join(str(err["msg"]).split())
        if err["type"] == "extra_forbidden" and prefix:
            msg = "the check kind does not read this field"
        lines.append(f"{_where(path, raw, loc)}: policy field '{_dotted(loc)}': {msg}")
    return lines


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


def _language_problems(value: Any, loc: tuple[Any, ...], known: Sequence[str]) -> list[tuple[tuple[Any, ...], str]]:
    """Per-language keys (``{en: ..., es: ...}``) must be languages the policy declares."""
    if not isinstance(value, dict):
        return []
    return [((*loc, k), f"'{k}' is not one of the policy's languages ({', '.join(known)})")
            for k in value if k not in known]


def _item_problems(path: Path, raw: Any, spec: PolicySpec) -> list[str]:
    """Each item's kind exists, and its inputs and words are exactly what that kind reads."""
    from checks import KINDS

    problems: list[str] = []
    known = tuple(dict.fromkeys([spec.language, *spec.languages]))
    for item, s in spec.items.items():
        kind = KINDS.get(s.kind)
        if kind is None:
            problems.append(f"{_where(path, raw, ('items', item, 'kind'))}: policy field 'items.{item}.kind': "
                            f"unknown kind '{s.kind}' (kinds: {', '.join(KINDS)})")
            continue
        for field_name, model in (("inputs", kind.inputs), ("words", kind.words)):
            try:
                model.model_validate(getattr(s, field_name))
            except ValidationError as exc:
                problems += _validation_message(path, raw, exc, ("items", item, field_name))
        bad = _language_problems(s.remediation, ("items", item, "remediation"), known)
        bad += _language_problems(s.example, ("items", item, "example"), known)
        for k, v in s.inputs.items():
            bad += _language_problems(v, ("items", item, "inputs", k), known)
        problems += [f"{_where(path, raw, loc)}: policy field '{_dotted(loc)}': {why}" for loc, why in bad]
        if kind.visible and not s.example:
            loc = ("items", item, "example")
            problems.append(f"{_where(path, raw, loc)}: policy field '{_dotted(loc)}': the {s.kind} kind needs "
                            "an example (the text offered to paste)")
    return problems


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
            add(("phones", "short", i, "number"), f"{entry.number!r} must be digits (a short code such as 101)")
    problems += _item_problems(path, raw, spec)
    if problems:
        return problems  # the patterns below are built from the names and numbers above
    lists: list[tuple[tuple[Any, ...], list[str], bool]] = [
        (("agency", "context"), spec.agency.context, False),
        (("negations",), spec.negations, False),
        (("hedges",), spec.hedges, False),
    ]
    for code, ls in spec.languages.items():
        lists += [(("languages", code, "negations"), ls.negations, False),
                  (("languages", code, "hedges"), ls.hedges, False)]
    for item, s in spec.items.items():
        for key, value in s.inputs.items():
            if isinstance(value, dict):
                lists += [(("items", item, "inputs", key, lang), v, True) for lang, v in value.items()]
            elif isinstance(value, list):
                lists.append((("items", item, "inputs", key), value, True))
    for loc, patterns, expand in lists:
        for i, pattern in enumerate(patterns):
            if why := _pattern_problem(pattern, expand, spec):
                add((*loc, i), f"{why} (pattern {pattern!r})")
    return problems


# --- files: built-in names, extends ------------------------------------------------------------

_MERGED_LISTS = {"negations", "hedges", "stopwords"}  # a base's cues are kept and the policy's added


def builtin_policies() -> dict[str, Path]:
    """Built-in policy name -> file (bases, which declare no items, are not policies)."""
    return {p.stem: p for p in sorted(POLICY_DIR.glob("*.yaml")) if not p.stem.startswith("base-")}


def resolve(name: str | Path | None, relative_to: Path | None = None) -> Path:
    """A built-in name (``mpd``, ``base-en``) or a file (relative to the extending file's folder)."""
    if name is None:
        return DEFAULT_POLICY
    text = str(name)
    if re.fullmatch(r"[a-z0-9][a-z0-9._-]*", text) and not text.endswith((".yaml", ".yml")):
        builtin = POLICY_DIR / f"{text}.yaml"
        if builtin.is_file():
            return builtin
    path = Path(text)
    if relative_to is not None and not path.is_absolute():
        path = relative_to.parent / path
    return path


def _merge(base: Any, child: Any, key: str = "") -> Any:
    """``child`` over ``base``: mappings merged key by key, cue lists joined, anything else replaced.
    The child's own mappings stay ``LineDict`` so messages keep their lines."""
    if isinstance(base, dict) and isinstance(child, dict):
        out = LineDict(child) if isinstance(child, LineDict) else dict(child)
        if isinstance(child, LineDict):
            out.line, out.key_lines, out.duplicates = child.line, child.key_lines, child.duplicates
        for k, v in base.items():
            out[k] = _merge(v, child[k], k) if k in child else v
        return out
    if key in _MERGED_LISTS and isinstance(base, list) and isinstance(child, list):
        out_list = LineList([*base, *child])
        out_list.line = getattr(child, "line", 0)
        out_list.item_lines = [0] * len(base) + list(getattr(child, "item_lines", []))
        return out_list
    return child


def _extends(raw: LineDict, path: Path) -> list[str]:
    value = raw.get("extends")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InputError(f"{path}:{raw.line_of('extends')}: policy field 'extends': a base name or file, "
                     f"or a list of them, not {yaml_kind(value)}")


def _read(path: Path, chain: tuple[Path, ...] = ()) -> LineDict:
    """The file with its bases merged under it (each base checked on its own, with its own lines)."""
    raw = load_yaml(path, "policy")
    if raw is None:
        raise InputError(f"{path}:1: the policy file is empty")
    if not isinstance(raw, dict):
        raise InputError(f"{path}:1: a policy file must be a YAML mapping, not {yaml_kind(raw)}")
    merged: Any = {}
    for name in _extends(raw, path):
        base_path = resolve(name, path)
        if base_path.resolve() in {p.resolve() for p in (*chain, path)}:
            raise InputError(f"{path}:{raw.line_of('extends')}: policy field 'extends': '{name}' extends itself "
                             "(a loop)")
        if not base_path.is_file():
            raise InputError(f"{path}:{raw.line_of('extends')}: policy field 'extends': '{name}' is neither a "
                             f"built-in base ({', '.join(p.stem for p in sorted(POLICY_DIR.glob('*.yaml')))}) "
                             f"nor a file ({base_path}: policy file not found)")
        base = _read(base_path, (*chain, path))
        if "items" not in base:  # a shared base: check it on its own, so its mistakes name its file
            try:
                BaseSpec.model_validate(strip_lines(base))
            except ValidationError as exc:
                raise InputError("\n".join(_validation_message(base_path, base, exc))) from None
        for own in ("id", "description", "extends"):  # the base's own, not the policy's
            base.pop(own, None)
        merged = _merge(merged, base) if merged else base
    return _merge(merged, raw) if merged else raw


_BUILTIN_CACHE: dict[Path, Policy] = {}


def load_policy(path: str | Path | None = None) -> Policy:
    """A built-in name, a file, or (None) the built-in default. Built-ins are loaded once."""
    path = resolve(path)
    if path.parent == POLICY_DIR and path in _BUILTIN_CACHE:
        return _BUILTIN_CACHE[path]
    policy = _load(path)
    if path.parent == POLICY_DIR:
        _BUILTIN_CACHE[path] = policy
    return policy


def _load(path: Path) -> Policy:
    raw = _read(path)
    try:
        spec = PolicySpec.model_validate(strip_lines(raw))
    except ValidationError as exc:
        raise InputError("\n".join(_validation_message(path, raw, exc))) from None
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


def check_accounts(policy: Policy, accounts: Iterable[Any], sites: Path | str) -> None:
    """Registry entries against the policy: attested items and languages must be the policy's."""
    problems = []
    for a in accounts:
        where = f"{sites}:{a.line}" if getattr(a, "line", None) else str(sites)
        for att in a.attestations:
            if att.item not in policy.spec.items:
                line = f"{sites}:{att.line}" if att.line else where
                problems.append(f"{line}: account '{a.id}': attestation names unknown item '{att.item}' "
                                f"(items of policy {policy.id}: {', '.join(policy.item_ids)})")
        lang = getattr(a, "language", None)
        if lang and lang not in policy.languages:
            problems.append(f"{where}: account '{a.id}': language '{lang}' is not one the policy reads "
                            f"({', '.join(policy.languages)})")
    if problems:
        raise InputError("\n".join(problems))


def json_schema() -> dict:
    """The JSON Schema of a policy file (``auditor schema --policy``); each kind's inputs and words
    are described under ``$defs`` and tied to the item's ``kind`` with if/then."""
    from checks import KINDS

    s = PolicySpec.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["$id"] = "https://github.com/mpdc/auditor/schema/policy.schema.json"
    s["title"] = "auditor policy"
    s["description"] = ("A policy file: the agency, the document, the languages read and the items every account "
                        "must carry, each implemented by a check kind with that kind's inputs and words. "
                        "A file with extends: is checked after its bases are merged under it.")
    item = s["$defs"]["ItemSpec"]
    item["properties"]["kind"] = {"enum": list(KINDS), "type": "string", "title": "Kind"}
    rules = []
    for name, kind in KINDS.items():
        for part, model in (("inputs", kind.inputs), ("words", kind.words)):
            sub = model.model_json_schema(ref_template="#/$defs/{model}")
            s["$defs"].update(sub.pop("$defs", {}))
            s["$defs"][f"{name}.{part}"] = sub
        rules.append({"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                      "then": {"properties": {"inputs": {"$ref": f"#/$defs/{name}.inputs"},
                                              "words": {"$ref": f"#/$defs/{name}.words"}}}})
    item["allOf"] = rules
    return json.loads(json.dumps(s))


def run_policy(run: Any) -> Any:
    """The ``PolicyInfo`` an AuditRun was made with (a run made before runs recorded it: the
    built-in policy of the same id, else the default's items)."""
    if getattr(run, "policy", None) is not None:
        return run.policy
    for path in builtin_policies().values():
        policy = load_policy(path)
        if policy.id == run.policy_id:
            return policy.info()
    return load_policy().info()


def run_items(run: Any) -> dict[str, Any]:
    """item id -> ``ItemInfo`` of the run's policy, in its order."""
    return {i.id: i for i in run_policy(run).items}
