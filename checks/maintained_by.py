"""II.C.3.b: "Statement that indicates that the page is maintained by MPD."

Accepts: "maintained/managed/run/operated/administered by" MPD, "MPD maintains this account",
or "MPD Office of Communications" in the account's own profile. An ambiguous name ("MPD",
"the Office of Communications") counts when the profile places it in DC and names no other
agency.

Never accepts: "not maintained by MPD", "no longer run by", a hedge anywhere in the profile
("views are my own": review, with or without a statement), another agency, or a statement
only in a feed post. "Official account of MPD" alone is item (a), not (b): the Order lists them separately.
It passes only on a page that presents itself as MPD's (checks/identity.py). A near-miss the policy
does not accept ("Maintained by 5D command staff": no agency named) is a review with the quote, not
a fail.
"""

from __future__ import annotations

from auditor.models import Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks import identity as identity_
from checks._support import STATEMENT_PARTS, Meta, StatementWords, agency_statement

META = Meta(
    id="maintained_by",
    clause="II.C.3.b",
    requirement="Statement that indicates that the page is maintained by MPD",
    title="Says MPD maintains the page",
    failure_title="Does not say MPD maintains the page",
    accepts="'Maintained by the Metropolitan Police Department', 'Managed by MPD's Office of "
            "Communications', 'MPD runs this account' in the bio, about section or pinned post.",
    never_accepts="'not maintained by MPD', 'views are my own', another agency's name, a statement "
                  "only in a feed post; 'official account' alone (that is item a).",
    remediation="Add to the bio or about section: \"Maintained by the MPD Office of Communications.\"",
    example="Maintained by the MPD Office of Communications.",
)

PARTS = STATEMENT_PARTS  # the profile parts the statement can be in: it fails only when all were seen

WORDS = StatementWords(
    what="A maintained-by statement",
    unclear="who maintains the page is unclear",
    contradicts="an MPD-run page",
    found="States that the agency maintains the page",
    missing="No statement that MPD maintains this page was found in the profile",
)


def run(snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    return agency_statement(META.id, snapshot, policy, WORDS, identity_.of(snapshot, policy, identity), PARTS)
