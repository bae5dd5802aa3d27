"""II.C.3.a: "Statement that clearly specifies that the account is an official MPD platform."

Accepts: a sentence in the account's own profile (bio, about, pinned post, profile fields, page
description) that calls the account official and names MPD: "Official account of the
Metropolitan Police Department, Washington, DC", "DC Police's official page". An ambiguous name
("MPD", "Metropolitan Police Department") counts when the profile places it in DC and names no
other agency.

Never accepts: a negation ("not an official account", "unofficial"), a hedge anywhere in the
profile ("views are my own", "parody", "fan page": review, with or without a statement),
another agency with an overlapping name (Minneapolis/Memphis/Milwaukee "MPD", London's
"Metropolitan Police", Metro Transit Police), or a statement that only appears in a feed post.
It passes only on a page that presents itself as MPD's (checks/identity.py, decided once per
account); a statement in text with bidirectional control characters is a review. A phrase close to
the item that the policy does not accept ("Official updates", no agency) is a review with the quote.
"""

from __future__ import annotations

from auditor.models import Identity, ItemResult, Snapshot
from auditor.policy import Policy
from checks import identity as identity_
from checks._support import STATEMENT_PARTS, Meta, StatementWords, agency_statement

META = Meta(
    id="official_statement",
    clause="II.C.3.a",
    requirement="Statement that clearly specifies that the account is an official MPD platform",
    title="Says it is an official MPD account",
    failure_title="Does not say it is an official MPD account",
    accepts="'Official account of the Metropolitan Police Department (DC)' or similar in the bio, "
            "about section, pinned post or page description, naming MPD so that it cannot be "
            "mistaken for another agency.",
    never_accepts="'not an official account', 'unofficial', 'views are my own', 'fan page', "
                  "another agency's name (Minneapolis/Memphis MPD, London's Metropolitan Police), "
                  "or a statement only in an ordinary post.",
    remediation="Add to the bio (or about section): \"Official account of DC's Metropolitan Police "
                "Department (MPDC).\"",
    example="Official account of DC's Metropolitan Police Department (MPDC).",
)

PARTS = STATEMENT_PARTS  # the profile parts the statement can be in: it fails only when all were seen

WORDS = StatementWords(
    what="An official-account statement",
    unclear="the statement's agency is unclear",
    contradicts="an official account",
    found="States it is an official account of the agency",
    missing="No statement that this is an official MPD account was found in the profile",
)


def run(snapshot: Snapshot, policy: Policy, identity: Identity | None = None) -> ItemResult:
    return agency_statement(META.id, snapshot, policy, WORDS, identity_.of(snapshot, policy, identity), PARTS)
