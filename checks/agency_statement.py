"""Kind ``agency_statement``: a statement about the agency (it is official, it maintains the page).

Accepts: a phrase from the item's ``phrases`` that names the policy's agency, in the account's
own profile (bio, about, pinned post, profile fields, page description). An ambiguous name counts
when the profile places it (the agency's ``context``) and names no clashing agency.

Never accepts: a negation ("not an official account", "unofficial"), a hedge anywhere in the
profile ("views are my own", "parody", "fan page": review, with or without a statement),
another agency with an overlapping name, or a statement that only appears in a feed post.
It passes only on a page that presents itself as the agency's (checks/identity.py, decided once per
account); a statement in text with bidirectional control characters is a review, and a phrase close
to the item that the policy does not accept (a unit's name, no agency) is a review with the quote.
The logic is ``checks._support.agency_statement``; this module declares what it reads.
"""

from __future__ import annotations

from auditor.models import Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks import identity as identity_
from checks._kind import Inputs, Kind, Patterns, Words, patterns
from checks._support import STATEMENT_PARTS, agency_statement


class StatementInputs(Inputs):
    phrases: Patterns = patterns("statements naming {AGENCY}; one unnegated match in the profile passes")
    near: Patterns = patterns("close wording: negated, it makes the item a review", required=False)


class StatementWords(Words):
    what: str  # "An official-account statement"
    unclear: str  # "the statement's agency is unclear"
    contradicts: str  # "an official account"
    found: str
    missing: str


PARTS = STATEMENT_PARTS  # the profile parts the statement can be in: it fails only when all were seen


def run(item: str, snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    """Passes only on a page that presents itself as the agency's (checks/identity.py)."""
    return agency_statement(item, snapshot, policy, policy.item(item).words,
                            identity_.of(snapshot, policy, identity), PARTS)


KIND = Kind("agency_statement", "a statement that names the agency (official account, maintained by)",
            StatementInputs, StatementWords, run)
