"""Plain data that flows between the stages: Account, Snapshot, ItemResult, AccountResult, AuditRun.

Everything here is JSON-serialisable (pydantic), so a Snapshot can be saved and re-checked later
without a browser, and results.json is just ``AuditRun.model_dump_json()``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from auditor.safetext import Reason, cap_match, cap_quote, valid_unicode


def __getattr__(name: str) -> object:
    """``ITEM_IDS``: the built-in policy's item ids (the items are the policy's, not a tuple in code)."""
    if name == "ITEM_IDS":
        from auditor.policy import load_policy

        return load_policy().item_ids
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


Region = Literal["bio", "about", "pinned", "header", "profile_field", "meta", "feed", "other"]
# Regions that belong to the account's own set-up. "feed" never counts; "other" (text the platform
# module could not place) is only ever good for a `review`.
PROFILE_REGIONS: frozenset[str] = frozenset({"bio", "about", "pinned", "header", "profile_field", "meta"})

ItemStatus = Literal["pass", "fail", "review", "error"]
AccountStatus = Literal["compliant", "non_compliant", "needs_review", "unreachable"]
Wall = Literal["login", "consent", "error_page", "suspended", "not_found", "blocked", "unfinished"]

# The parts of an account's own profile that an item can live in. A platform module says which it
# positively found (Coverage); a check may answer `fail` only when the parts its item lives in were seen.
ProfilePart = Literal["bio", "about", "website", "contact", "pinned", "header"]
# How a part was found: a DOM marker of the platform, embedded JSON, a public API answer, JSON-LD,
# the page's meta description (only where the platform puts the bio there verbatim), or a CSS
# selector the registry entry declared for a site without a module.
SeenHow = Literal["dom", "embedded_json", "api", "jsonld", "meta", "declared"]
# Whose page this presents itself as (decided once per account from the profile, by the checks).
IdentityKind = Literal["own", "other_agency", "not_official", "unclear"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attestation(_Model):
    """A person's record that they verified an item the auditor cannot see (sites.yaml).

    It is shown as attested, never as found by the auditor; after ``expires`` it no longer counts
    and the item is ``review``.
    """

    item: str
    by: str
    date: str  # ISO date (YYYY-MM-DD) the person checked
    note: str = ""
    expires: str | None = None  # ISO date; after it the attestation no longer counts
    line: int | None = Field(default=None, description="line in the registry file, for messages")


class Account(_Model):
    """One row of the registry (sites.yaml)."""

    id: str
    name: str
    url: str
    platform: str
    language: str | None = None  # the profile's language (one the policy reads); else detected from its text
    element: str | None = None
    owner: str | None = None
    notes: str | None = None
    line: int | None = Field(default=None, description="line in the registry file, for messages")
    attestations: list[Attestation] = Field(default_factory=list)
    # For a site without a platform module: CSS selectors (soupsieve) of the profile region and,
    # optionally, of the website link. Text there is read as the bio, links as the website field.
    profile_selector: str | None = None
    website_selector: str | None = None


class TextBlock(_Model):
    region: Region
    text: str
    source: str = ""  # where on the page: a selector, JSON path or URL
    url: str = ""


class Link(_Model):
    region: Region
    href: str  # as written on the page
    target: str  # the real destination after unwrapping redirectors ("" if unknown)
    text: str = ""
    source: str = ""
    url: str = ""  # page the link was on


class PageVisit(_Model):
    url: str
    final_url: str = ""
    status: int | None = None
    error: str = ""


class LoadInfo(_Model):
    """What happened while loading. ``outcome``: ok (read in full), partial (a wall hid part of the
    profile: checks answer review), failed (nothing usable: checks answer error)."""

    outcome: Literal["ok", "partial", "failed"] = "ok"
    wall: Wall | None = None
    reason: str = ""
    http_status: int | None = None
    pages: list[PageVisit] = Field(default_factory=list)
    elapsed_ms: int = 0
    # Requests the page made to internal addresses (loopback, private, link-local) that were refused,
    # "URL (why)", the first 50 named. Empty in HAR replay, which reaches no network.
    blocked_requests: list[str] = Field(default_factory=list)


class PartSeen(_Model):
    """One profile part a platform module positively found. ``empty``: the module established that
    the part exists on this platform and is empty here (an empty ``biography`` field, a profile
    header without a website), which is as good as seeing it for a `fail`."""

    part: ProfilePart
    how: SeenHow
    source: str = ""  # selector, JSON path or API
    url: str = ""
    empty: bool = False
    truncated: bool = False  # only a cut version was readable ("..."): good for a pass, not for a fail


class Coverage(_Model):
    """Which of the account's own profile parts the platform module found, and how.

    ``expected`` lists the parts a profile on this platform has (the module's ``profile_parts``);
    a part in ``expected`` but not in ``seen`` could not be read. ``note`` says in words what could
    not be seen ("only the page's meta description was readable").
    """

    seen: list[PartSeen] = Field(default_factory=list)
    expected: list[ProfilePart] = Field(default_factory=list)
    note: str = ""

    def saw(self, part: str) -> bool:
        """The part was read in full (found or established empty), not only a cut version of it."""
        return any(p.part == part and not p.truncated for p in self.seen)

    @property
    def profile_found(self) -> bool:
        """Any part of the profile itself was found."""
        return bool(self.seen)

    def unseen(self, parts: tuple[str, ...] | list[str]) -> list[str]:
        """Of ``parts``, those this platform's profile has and that were not read in full."""
        return [p for p in parts if p in self.expected and not self.saw(p)]


class Snapshot(_Model):
    account_id: str
    platform: str
    requested_url: str
    final_url: str = ""
    title: str = ""
    texts: list[TextBlock] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    meta: dict[str, str] = Field(default_factory=dict)
    jsonld: list[dict] = Field(default_factory=list)
    screenshot: str | None = None  # file name relative to the output directory
    load: LoadInfo = Field(default_factory=LoadInfo)
    coverage: Coverage = Field(default_factory=Coverage)
    collected_at: str = ""

    @classmethod
    def failed(cls, account: Account, reason: str, wall: Wall = "error_page") -> Snapshot:
        """The snapshot of an account whose collection crashed, was stopped or never ran."""
        return cls(account_id=account.id, platform=account.platform, requested_url=account.url,
                   load=LoadInfo(outcome="failed", wall=wall, reason=reason),
                   collected_at=datetime.now(UTC).isoformat(timespec="seconds"))

    def profile_texts(self) -> list[TextBlock]:
        return [t for t in self.texts if t.region in PROFILE_REGIONS]

    def profile_links(self) -> list[Link]:
        return [link for link in self.links if link.region in PROFILE_REGIONS]


class Evidence(_Model):
    quote: str  # the sentence or field the finding is in (at most safetext.QUOTE_MAX characters)
    match: str = ""  # the words that matched, for highlighting
    region: str = ""
    url: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _bounded(self) -> Evidence:
        """Every output quotes the same bounded text: the quote around its match, the cut said."""
        match = valid_unicode(self.match)
        self.quote, self.match = cap_quote(valid_unicode(self.quote), match), cap_match(match)
        return self


class ItemResult(_Model):
    item: str
    status: ItemStatus
    reason: Reason
    evidence: list[Evidence] = Field(default_factory=list)
    # Set when a person's attestation decided the status (pass, or review once it expired): the
    # auditor itself did not find the item.
    attestation: Attestation | None = None


class LoadSummary(_Model):
    outcome: str
    wall: str | None = None
    reason: Reason = ""
    http_status: int | None = None
    final_url: str = ""
    elapsed_ms: int = 0


class Identity(_Model):
    """Whose page the profile presents itself as: the policy's agency (``own``), another agency
    the policy names (``other_agency``), not an official account at all (``not_official``: fan
    page, "views are my own"), or ``unclear``. Agency-specific items pass only on ``own``."""

    kind: IdentityKind
    reason: Reason
    evidence: list[Evidence] = Field(default_factory=list)


class FixPlacement(_Model):
    """One piece of suggested text: where it goes, what it says, which items it fixes."""

    field: str  # the platform field's key (bio, about, pinned, website)
    label: str  # what staff look for in the platform's settings
    region: str
    text: str
    items: list[str]
    length: int
    room: int | None = None  # characters available in the field (None: no limit)
    limit: int | None = None
    new_post: bool = False
    is_link: bool = False


class Fix(_Model):
    """The computed paste-text for an account's missing or unclear items, checked by the auditor itself."""

    language: str  # the language of the text (the registry's, or the profile's as detected)
    items: list[str]  # the items it is for
    context: list[str] = Field(default_factory=list)  # items added only so the others read unambiguously
    placements: list[FixPlacement] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    verified: bool = False  # the text alone, placed as shown, passes the checks for ``items``
    examples: dict[str, str] = Field(default_factory=dict)  # item -> its own words in the placed text


class AccountResult(_Model):
    id: str
    name: str
    url: str
    platform: str
    element: str | None = None
    owner: str | None = None
    status: AccountStatus
    items: dict[str, ItemResult]
    load: LoadSummary
    screenshot: str | None = None
    attestations: list[Attestation] = Field(default_factory=list)  # as in the registry for this run
    identity: Identity | None = None  # whose page this is (None in runs made before it was recorded)
    coverage: Coverage | None = None  # which profile parts were seen (None in runs made before it was recorded)
    language: str | None = None  # the registry's language for the account, if it gives one
    fix: Fix | None = None  # suggested paste-text (None: nothing to paste, or a run made before it was recorded)


class ItemChange(_Model):
    """One item of one account whose standing differs from (or persists since) the previous run."""

    account: str
    name: str
    item: str
    before: ItemStatus
    after: ItemStatus
    attested: bool = False  # "after" is a pass on a person's attestation, not on what the auditor saw


class Changes(_Model):
    """What changed since a previous run. "Failing" means any status but pass."""

    previous_started_at: str
    previous_source: str = ""  # the results.json compared with
    newly_failing: list[ItemChange] = Field(default_factory=list)
    fixed: list[ItemChange] = Field(default_factory=list)
    still_failing: list[ItemChange] = Field(default_factory=list)
    accounts_added: list[str] = Field(default_factory=list)
    accounts_removed: list[str] = Field(default_factory=list)
    # Accounts whose page was not read this time (or in the previous run): their items are not
    # compared, so an outage never shows as "newly failing" and the next run never as "fixed".
    not_read: list[str] = Field(default_factory=list)
    not_read_before: list[str] = Field(default_factory=list)


class RunHealth(_Model):
    """Whether the run itself did its job, apart from what it found (auditor/health.py decides).

    ``complete`` is False when no account could be read for one shared reason (no network, the
    browser did not start), a shard's results are missing, or the run was interrupted. ``reason``
    is short, for a mail subject ("no network"); ``detail`` says it in a sentence."""

    complete: bool = True
    reason: str = ""
    detail: str = ""


class ItemInfo(_Model):
    """An item as the run's policy declared it: every output is rendered from these."""

    id: str
    clause: str
    mark: str  # short label in the matrix ("a")
    short: str  # column heading
    title: str
    failure_title: str
    requirement: str
    accepts: str
    never_accepts: str
    remediation: str
    kind: str
    remediations: dict[str, str] = Field(default_factory=dict)  # language -> remediation, where the policy has more


class PolicyInfo(_Model):
    """What people read about the run's policy: the agency, the document and the items."""

    id: str
    name: str
    short_name: str
    document: str = ""  # "General Order 123.45"
    section: str = ""
    preamble: str = ""
    languages: list[str] = Field(default_factory=list)
    element_order: list[str] = Field(default_factory=list)  # elements the report lists first
    items: list[ItemInfo]


class AuditRun(_Model):
    schema_version: str
    tool: str = "auditor"
    tool_version: str
    started_at: str
    finished_at: str
    duration_s: float
    registry: str
    policy_id: str
    policy_name: str
    interrupted: bool = False  # the run was stopped (Ctrl-C, SIGTERM); unfinished accounts are marked
    counts: dict[str, int]
    accounts: list[AccountResult]
    changes: Changes | None = None  # since the previous run (--previous, or the archive's latest)
    policy: PolicyInfo | None = None  # the items and words of the run's policy (None in runs made before)
    health: RunHealth = Field(default_factory=RunHealth)  # did the run itself complete (auditor/health.py)
    # `auditor recheck`: when the saved snapshots were re-judged (started_at etc. stay when the pages were read)
    rechecked_at: str | None = None
