"""Whose page is this? Decided once per account, from the account's own profile (pure).

- ``not_official``: the profile says it is not an official account: a hedge of the policy
  ("fan page", "parody", "not affiliated with", "views are my own").
- ``own``: the profile names the policy's agency by one of its own names or handles (another
  agency named elsewhere does not undo that: "thanks to our partners at ..."), or by an ambiguous
  name (a short acronym) that it places, with the policy's context (its city) or a link to the agency's website,
  while naming no other agency.
- ``other_agency``: the profile names an agency the policy lists as a clash and none of the
  agency's own names.
- ``unclear``: anything else (no agency named, or an ambiguous name never placed).

Only the profile's own regions count (never the feed or unplaced page text). A name in text with
bidirectional control characters does not count for ``own``: it may not show as that name.
Agency-specific items (official statement, maintained by, general contact) pass only on ``own``.
"""

from __future__ import annotations

from auditor.models import Evidence, Identity, Snapshot
from auditor.policy import Policy
from checks._support import Hit, host_is_policy_site, scan

MAX_EVIDENCE = 5


def _quote(h: Hit) -> str:
    return f"'{h.matched}'"


def _ev(hits: list[Hit]) -> list[Evidence]:
    return [h.evidence() for h in hits[:MAX_EVIDENCE]]


def decide(snapshot: Snapshot, policy: Policy) -> Identity:
    if snapshot.load.outcome == "failed":
        return Identity(kind="unclear", reason="the page could not be read")
    blocks = snapshot.profile_texts()
    if not blocks and not snapshot.profile_links():
        return Identity(kind="unclear", reason="no profile text was read")
    hedges = scan(blocks, policy.hedge_re)
    if hedges:
        return Identity(kind="not_official", evidence=_ev(hedges),
                        reason=f"the profile says {_quote(hedges[0])}: it presents itself as not an official "
                               f"account of {policy.name}")
    own = [h for h in scan(blocks, [policy.own_re]) if not h.bidi]
    clashes = scan(blocks, [policy.clash_re]) if policy.clash_re else []
    if own:
        also = f" (it also names {_quote(clashes[0])})" if clashes else ""
        return Identity(kind="own", evidence=_ev(own), reason=f"the profile names {_quote(own[0])}{also}")
    if clashes:
        return Identity(kind="other_agency", evidence=_ev(clashes),
                        reason=f"the profile names {_quote(clashes[0])}, which the policy lists as another agency "
                               f"(or its city), and none of {policy.name}'s own names")
    names = [h for h in scan(blocks, [policy.agency_re])
             if not h.bidi and policy.agency_kind(h.groups.get("agency", "")) == "ambiguous"]
    places = scan(blocks, policy.context_re)
    site = [link for link in snapshot.profile_links() if host_is_policy_site(link.target, policy)]
    if names and (places or site):
        where = _quote(places[0]) if places else f"a link to {site[0].target}"
        evidence = _ev(names) + (_ev(places[:1]) if places else
                                 [Evidence(quote=site[0].text or site[0].target, match=site[0].target,
                                           region=site[0].region, url=site[0].url, source=site[0].source)])
        return Identity(kind="own", evidence=evidence,
                        reason=f"the profile names {_quote(names[0])} and places it with {where}")
    if names:
        return Identity(kind="unclear", evidence=_ev(names),
                        reason=f"the profile names {_quote(names[0])}, which could be another agency, and never "
                               "says where it is")
    return Identity(kind="unclear", evidence=_ev(places),
                    reason=f"the profile never names {policy.name}")


def of(snapshot: Snapshot, policy: Policy, given: Identity | None) -> Identity:
    """The identity ``run_all`` decided, or (a check run on its own) decide it now."""
    return given if given is not None else decide(snapshot, policy)
