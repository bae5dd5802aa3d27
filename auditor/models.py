"""Plain data that flows between the stages: Account, Snapshot, ItemResult, AccountResult, AuditRun.

Everything here is JSON-serialisable (pydantic), so a Snapshot can be saved and re-checked later
without a browser, and results.json is just ``AuditRun.model_dump_json()``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ITEM_IDS: tuple[str, ...] = (
    "official_statement",
    "maintained_by",
    "not_monitored_disclaimer",
    "emergency_contact",
    "website_link",
    "general_contact",
)

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
    element: str | None = None
    owner: str | None = None
    notes: str | None = None
    line: int | None = Field(default=None, description="line in the registry file, for messages")
    attestations: list[Attestation] = Field(default_factory=list)


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
    quote: str  # the sentence or field the finding is in
    match: str = ""  # the words that matched, for highlighting
    region: str = ""
    url: str = ""
    source: str = ""


class ItemResult(_Model):
    item: str
    status: ItemStatus
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)
    # Set when a person's attestation decided the status (pass, or review once it expired): the
    # auditor itself did not find the item.
    attestation: Attestation | None = None


class LoadSummary(_Model):
    outcome: str
    wall: str | None = None
    reason: str = ""
    http_status: int | None = None
    final_url: str = ""
    elapsed_ms: int = 0


class Identity(_Model):
    """Whose page the profile presents itself as: the policy's agency (``own``), another agency
    the policy names (``other_agency``), not an official account at all (``not_official``: fan
    page, "views are my own"), or ``unclear``. Agency-specific items pass only on ``own``."""

    kind: IdentityKind
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)


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
