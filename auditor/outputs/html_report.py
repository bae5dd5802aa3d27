"""report.html: one self-contained file for people, often read in a mail client or on paper.

The view model (grouping, ordering, highlighted evidence, thumbnails, suggested fixes) is built
here; report_templates/report.html.j2 only lays it out. Every page-derived string is escaped by
jinja's autoescape or by ``highlight`` (which escapes before it marks). The stylesheet is inlined
with css-inline (table layout, inline styles: what mail clients keep); only the @media print
rules stay in a <style> block. No script, no remote resource: screenshots are data URIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from pydantic import ValidationError

from auditor import health, remediation
from auditor.fsutil import write_atomic
from auditor.models import AccountResult, AuditRun, Evidence, ItemInfo, ItemResult, PolicyInfo, Snapshot
from auditor.outputs import thumbnails
from auditor.policy import Policy, run_policy
from auditor.safetext import xml_text
from auditor.status import STATUS_ORDER

_HERE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [_HERE.parent / "report_templates", _HERE / "_report_templates"]

# A symbol and a word for every status: readable without colour and in black-and-white print.
ITEM_SYMBOLS = {"pass": "✔", "fail": "✘", "review": "?", "error": "!"}
ITEM_LABELS = {"pass": "Pass", "fail": "Fail", "review": "Review", "error": "Error"}
# An item that passes only on a person's attestation: never shown as found by the auditor.
ATTESTED_SYMBOL, ATTESTED_LABEL = "A", "Attested"
ACCOUNT_SYMBOLS = {"compliant": "✔", "non_compliant": "✘", "needs_review": "?", "unreachable": "!"}
ACCOUNT_LABELS = {"compliant": "Compliant", "non_compliant": "Non-compliant", "needs_review": "Needs review",
                  "unreachable": "Unreachable"}
REGION_LABELS = {"bio": "bio", "about": "about section", "pinned": "pinned post", "header": "profile header",
                 "profile_field": "profile field", "meta": "page description (meta tags)",
                 "feed": "ordinary post (does not count)", "other": "page text outside the profile fields",
                 "attestation": "attestation recorded in the registry (not seen by the auditor)"}
# Evidence from the fields staff edit first; the page description usually repeats the bio.
REGION_ORDER = ("bio", "about", "pinned", "profile_field", "header", "meta", "other", "feed")
WALL_LABELS = {"login": "Login wall", "consent": "Cookie / consent wall", "error_page": "Error page",
               "suspended": "Account suspended", "not_found": "Page not found", "blocked": "Blocked by the platform",
               "unfinished": "Not read this time"}
SHOT_WIDTH = 440  # displayed width of a screenshot thumbnail (px)
MAX_QUOTES = 3  # distinct quotes shown per item; the rest are counted
OTHER_ELEMENT = "Element not recorded"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def highlight(quote: str, matches: list[str]) -> Markup:
    """``quote`` escaped, with every occurrence of each match wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    low = quote.lower()
    for m in {m.strip() for m in matches if m and m.strip()}:
        start = low.find(m.lower())
        while start >= 0:
            spans.append((start, start + len(m)))
            start = low.find(m.lower(), start + 1)
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out.append(escape(quote[pos:a]))
        out.append(Markup('<mark class="hl">') + escape(quote[a:b]) + Markup("</mark>"))
        pos = b
    out.append(escape(quote[pos:]))
    return Markup("").join(out)


def safe_href(url: str) -> str | None:
    """The URL if it is an http(s) link, else None (shown as text, never as a link)."""
    try:
        return url if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:
        return None


def short_name(item: str) -> str:
    return item.replace("_", " ").capitalize()


@dataclass
class QuoteView:
    html: Markup
    where: str  # "bio · UserDescription"
    url: str
    unmatched: list[str]  # matched values not visible in the quote (e.g. a link's real target)


@dataclass
class ItemView:
    id: str
    status: str
    reason: str
    quotes: list[QuoteView]
    more: int
    todo: str
    attested: bool = False  # pass on a person's attestation (not on what the auditor saw)
    attestation_expired: bool = False  # review because the attestation expired


@dataclass
class FixView:
    label: str
    text: str
    items: str
    length: int
    room: int | None
    new_post: bool
    is_link: bool
    example: str = ""  # for one item's advice: that item's own words in this text


@dataclass
class AccountView:
    a: AccountResult
    items: list[ItemView]
    why: str  # why the account needs review / could not be read
    thumb: tuple[str, int, int] | None
    fixes: list[FixView] = field(default_factory=list)
    fix_notes: list[str] = field(default_factory=list)
    fix_items: str = ""
    fix_context: str = ""
    fix_verified: bool = False
    href: str | None = None
    final_href: str | None = None
    reason_line: str = ""  # one line: why the account needs action (action list, mail digest)
    todo_lines: list[tuple[str, str]] = field(default_factory=list)  # (what to do, text to paste or "")


@dataclass
class GroupView:
    name: str
    accounts: list[AccountView]


def element_key(name: str, first: tuple[str, ...] = ()) -> tuple[int, int, str]:
    """The policy's ``report.element_order`` first, then the districts in number order, then units A-Z."""
    low = name.lower()
    if name == OTHER_ELEMENT:
        return (3, 0, low)
    for n, head in enumerate(first):
        if head.lower() in low:
            return (0, n, low)
    if "district" in low:
        for n, word in enumerate(_ORDINALS, 1):
            if re.search(rf"\b{word}\b", low):
                return (1, n, low)
        digits = re.search(r"\d+", low)
        return (1, int(digits.group()) if digits else 99, low)
    return (2, 0, low)


def account_key(a: AccountResult) -> tuple[int, int, int, str]:
    """Worst first: status, then how many items fail, then how many need review."""
    statuses = [r.status for r in a.items.values()]
    return (STATUS_ORDER.index(a.status), -statuses.count("fail"), -statuses.count("review"), a.name.lower())


def _quotes(r: ItemResult) -> tuple[list[QuoteView], int]:
    by_quote: dict[tuple[str, str], list[Evidence]] = {}
    order = {reg: n for n, reg in enumerate(REGION_ORDER)}
    for e in sorted(r.evidence, key=lambda e: order.get(e.region, len(order))):
        by_quote.setdefault((e.quote.strip(), e.region), []).append(e)
    seen_text: set[str] = set()
    views: list[QuoteView] = []
    for (quote, region), evs in by_quote.items():
        if quote.lower() in seen_text:  # the same words again in the page description: shown once
            continue
        seen_text.add(quote.lower())
        matches = [e.match for e in evs]
        unmatched = [m for m in dict.fromkeys(matches) if m and m.lower() not in quote.lower()]
        sources = ", ".join(dict.fromkeys(e.source for e in evs if e.source))
        where = REGION_LABELS.get(region, region or "unknown place") + (f" · {sources}" if sources else "")
        views.append(QuoteView(highlight(quote, matches), where, evs[0].url, unmatched))
    return views[:MAX_QUOTES], max(0, len(views) - MAX_QUOTES)


UNREACHABLE_TODO = "Check that the URL in the registry is right and the account exists, then run the audit again."
PARTIAL_TODO = ("Open the account in a browser (logged in if needed) and check each item that is not a pass "
                "by hand.")
NOT_READ_TODO = "Nothing to fix on the account: it was not read this time (see the notice at the top)."


def placement_action(f: FixView) -> str:
    """Where the fix box's text goes, in the words the fix box uses."""
    if f.new_post:
        return f"Publish as {f.label}"
    return f"Put in the {f.label}" if f.is_link else f"Add to the {f.label}"


def _todo(meta: ItemInfo, r: ItemResult, a: AccountResult, fix: FixView | None = None) -> str:
    """What to do about one item. Where the fix box places text for it, the same place and words."""
    how = meta.remediations.get(a.fix.language, meta.remediation) if a.fix else meta.remediation
    if r.status in ("fail", "review") and remediation.registry_advice(a.identity):
        return "Nothing to add to this page: check the registry entry first (see Whose page, above)."
    if fix is not None and r.status in ("fail", "review"):
        first = "" if r.status == "fail" else "Make the wording a clear statement. "
        return (f"{first}{placement_action(fix)}: “{fix.example}” "
                "(the same text is in the ready-to-paste box for this account).")
    if r.status == "fail" or (r.status == "review" and meta.kind == "not_visible"):  # nothing quoted to reword
        return how
    if r.status == "review":
        if a.load.outcome == "partial":  # the account-level box says why; here only what to add
            return "Confirm by hand. If it is missing: " + how
        return "Check the wording the auditor quoted and make it a clear statement. " + how
    if r.status == "error":
        return UNREACHABLE_TODO
    return ""


def _why(a: AccountResult) -> str:
    if a.status in ("compliant", "non_compliant") and a.load.outcome == "ok":
        return ""
    parts = []
    if a.load.wall:
        parts.append(WALL_LABELS.get(a.load.wall, a.load.wall))
    if a.load.http_status and a.load.http_status >= 400:
        parts.append(f"HTTP {a.load.http_status}")
    if a.load.reason:
        parts.append(a.load.reason)
    if a.load.outcome == "partial":
        parts.append("The auditor could not see the whole profile: open the account in a browser (logged in if "
                     "needed) and check each item by hand.")
    if not parts and a.status == "needs_review":
        parts.append("The page was read, but some wording is not clear enough to decide; see the items below.")
    return " — ".join(parts)


def _snapshot(out_dir: Path, account_id: str) -> Snapshot | None:
    path = out_dir / "snapshots" / f"{account_id}.json"
    try:
        return Snapshot.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def _fix(view: AccountView, a: AccountResult, meta: dict[str, ItemInfo], out_dir: Path | None,
         policy: Policy | None) -> dict[str, FixView]:
    """Lay out the account's suggested text (results.json's ``fix``; computed here only for a run made
    before runs recorded it, when the policy is given). Returns, by item, the placement that carries
    it (the per-item advice says the same)."""
    if remediation.registry_advice(a.identity):  # not the agency's page: no paste-text (see the heading)
        return {}
    fix = a.fix
    if fix is None and policy is not None and out_dir is not None:
        fix = remediation.fix_for(a, _snapshot(out_dir, a.id), policy, a.language)
    if fix is None:
        return {}

    def mark(i: str) -> str:
        return meta[i].mark if i in meta else i

    by_item: dict[str, FixView] = {}
    for p in fix.placements:
        f = FixView(p.label, p.text, ", ".join(mark(i) for i in p.items), p.length, p.room, p.new_post, p.is_link)
        view.fixes.append(f)
        for i in p.items:
            by_item[i] = FixView(**{**f.__dict__, "example": fix.examples.get(i, p.text)})
    view.fix_notes = fix.notes
    view.fix_items = ", ".join(f"{mark(i)} ({meta[i].short.lower() if i in meta else i})" for i in fix.items)
    view.fix_context = ", ".join(mark(i) for i in fix.context)
    view.fix_verified = fix.verified
    return by_item


def _action(view: AccountView, run_complete: bool, meta: dict[str, ItemInfo]) -> None:
    """The one-line reason and the what-to-do lines of an account that needs action."""
    a = view.a
    if a.status == "compliant":
        return
    bad = [it for it in view.items if it.status in ("fail", "review") and not it.attested]
    if a.status == "unreachable":
        view.reason_line = "Could not be checked: " + (a.load.reason or WALL_LABELS.get(a.load.wall or "", "not read"))
        view.todo_lines = [(NOT_READ_TODO if not run_complete else UNREACHABLE_TODO, "")]
        return

    def titled(it: ItemView) -> str:
        m = meta[it.id]
        return f"{m.mark}. {m.failure_title if it.status == 'fail' else m.title}"

    fails = [titled(it) for it in bad if it.status == "fail"]
    reviews = [titled(it) for it in bad if it.status == "review"]
    parts = []
    if fails:
        parts.append("; ".join(fails))
    if reviews:
        lead = WALL_LABELS.get(a.load.wall or "", "") if a.load.outcome == "partial" else ""
        parts.append(f"{lead + ': ' if lead else ''}to check by hand: " + "; ".join(reviews))
    view.reason_line = ". ".join(parts) or view.why
    view.todo_lines = [(placement_action(f), f.text) for f in view.fixes]
    if a.load.outcome == "partial":
        view.todo_lines.append((PARTIAL_TODO, ""))
    elif not view.fixes:
        view.todo_lines += [(it.todo, "") for it in bad if it.todo]


def build(run: AuditRun, out_dir: Path | None = None, policy: Policy | None = None,
          thumbs: bool = True) -> list[GroupView]:
    out = Path(out_dir) if out_dir else None
    info = run_policy(run)
    meta = {i.id: i for i in info.items}
    groups: dict[str, list[AccountView]] = {}
    for a in run.accounts:
        path = thumbnails.resolve(out, a.screenshot) if out and thumbs else None
        view = AccountView(a, [], _why(a), thumbnails.thumbnail(path) if path else None,
                           href=safe_href(a.url), final_href=safe_href(a.load.final_url))
        placed = _fix(view, a, meta, out, policy)
        for item, m in meta.items():
            r = a.items.get(item) or ItemResult(item=item, status="error", reason="No result was recorded.")
            quotes, more = _quotes(r)
            view.items.append(ItemView(item, r.status, r.reason, quotes, more, _todo(m, r, a, placed.get(item)),
                                       attested=r.attestation is not None and r.status == "pass",
                                       attestation_expired=r.attestation is not None and r.status != "pass"))
        _action(view, run.health.complete, meta)
        groups.setdefault(a.element or OTHER_ELEMENT, []).append(view)
    first = tuple(info.element_order)
    return [GroupView(name, sorted(views, key=lambda v: account_key(v.a)))
            for name, views in sorted(groups.items(), key=lambda kv: element_key(kv[0], first))]


def actions(groups: list[GroupView], run_complete: bool = True) -> list[AccountView]:
    """The accounts that need action, in the report's order (element, then worst first). When the
    run did not complete, accounts that were not read are left out: there is nothing to fix on them."""
    return [v for g in groups for v in g.accounts
            if v.a.status != "compliant" and (run_complete or health.was_read(v.a))]


def not_read(run: AuditRun) -> list[AccountResult]:
    """Accounts not read in a run that did not complete (listed once, not as accounts to fix)."""
    return [] if run.health.complete else [a for a in run.accounts if not health.was_read(a)]


def when(iso: str) -> str:
    """'2026-11-25T17:37:19+00:00' -> '2026-11-25 17:37 UTC' (as written if it does not parse)."""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.utcoffset() == timedelta(0):
        return t.strftime("%Y-%m-%d %H:%M UTC")
    return t.strftime("%Y-%m-%d %H:%M %z") if t.tzinfo else t.strftime("%Y-%m-%d %H:%M")


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader([str(d) for d in TEMPLATE_DIRS if d.is_dir()]),
                      autoescape=select_autoescape(["html", "j2"], default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = when
    return env


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def document_words(info: PolicyInfo) -> dict[str, str]:
    """How the report names the policy's document and items ("the six items listed in ...")."""
    n = len(info.items)
    numbered = bool(re.match(r"[0-9IVXLC]+\b", info.section))  # "IV.B" reads "section IV.B of ..."
    section = (f"{'section ' if numbered else ''}{info.section} of {info.document}" if info.section and info.document
               else info.document or info.name)
    marks = [i.mark for i in info.items]
    span = f"{marks[0]}\u2013{marks[-1]}" if len(marks) > 1 else (marks[0] if marks else "")
    return {"n_items": _NUMBERS[n] if n < len(_NUMBERS) else str(n), "section_ref": section,
            "kicker": ", ".join(p for p in (info.document, info.section) if p),
            "marks": ("Letters " if all(len(m) == 1 and m.isalpha() for m in marks) else "Marks ") + span,
            "items_of": info.section or info.document or info.name}


def _context(run: AuditRun, groups: list[GroupView]) -> dict:
    info = run_policy(run)
    return dict(run=run, groups=groups, actions=actions(groups, run.health.complete), not_read=not_read(run),
                items=[i.id for i in info.items], meta={i.id: i for i in info.items},
                pol=info, words=document_words(info),
                short_name=short_name, item_symbols=ITEM_SYMBOLS, item_labels=ITEM_LABELS,
                account_symbols=ACCOUNT_SYMBOLS, account_labels=ACCOUNT_LABELS, status_order=STATUS_ORDER,
                shot_width=SHOT_WIDTH, attested_symbol=ATTESTED_SYMBOL, attested_label=ATTESTED_LABEL,
                attested_count=sum(1 for g in groups for v in g.accounts for it in v.items if it.attested),
                changes=run.changes, placement_action=placement_action,
                identity_labels=remediation.IDENTITY_LABELS, registry_advice=remediation.registry_advice)


def inline(html: str) -> str:
    """Styles into style="" attributes (what mail clients keep); @media rules stay in <style>."""
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False,
                                    apply_width_attributes=True)
    return inliner.inline(xml_text(html))  # page text may carry control characters or lone surrogates


def render(run: AuditRun, out_dir: Path | None = None, policy: Policy | None = None) -> str:
    groups = build(run, out_dir, policy)
    return inline(environment().get_template("report.html.j2").render(**_context(run, groups)))


def build_views(run: AuditRun, out_dir: Path | None = None, policy: Policy | None = None) -> list[GroupView]:
    """The report's view model without thumbnails (for the mail digest, which says the same in fewer words)."""
    return build(run, out_dir, policy, thumbs=False)


def write(run: AuditRun, out_dir: Path, policy: Policy | None = None) -> Path:
    path = out_dir / "report.html"
    write_atomic(path, render(run, out_dir, policy))
    return path
