"""Command line: ``auditor audit | validate | explain | recheck | schema | merge | send | verify-archive``.

Exit codes: 0 every account compliant (or none at or above ``--fail-on``); 1 the audit found
accounts that are not; 2 bad input (nothing audited); 3 the tool itself failed; 4 the outputs
are written but the e-mail could not be sent; 130 interrupted (what was done is written).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.errors import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TOOL_FAILED,
    AuditorError,
    DeliveryError,
    InputError,
    ToolError,
)
from auditor.models import Account, AuditRun
from auditor.policy import Policy
from auditor.status import STATUS_ORDER

if TYPE_CHECKING:
    from auditor.outputs.email import SmtpSettings

DEFAULT_SITES = Path("sites.yaml")
DEFAULT_OUT = Path("audit-report")
FAIL_ON = ("non_compliant", "unreachable", "needs_review", "never")
EPILOG = ("exit codes: 0 no account at or above --fail-on; 1 the audit found accounts that need action; "
          "2 bad input (nothing audited); 3 the tool itself failed; 4 the report is written but the e-mail "
          "could not be sent; 130 interrupted (what was done is written)")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sites", type=Path, default=DEFAULT_SITES, help="registry file (default: sites.yaml)")
    p.add_argument("--policy", type=Path, default=None, help="policy YAML (default: built-in MPD policy)")


def _add_delivery(p: argparse.ArgumentParser) -> None:
    """Options that act on a finished run: exit threshold, history, archive, e-mail."""
    p.add_argument("--fail-on", choices=FAIL_ON, default="needs_review",
                   help="exit 1 when any account is this bad or worse (order: non_compliant, unreachable, "
                        "needs_review); 'never' always exits 0 when the run completes (default: needs_review)")
    p.add_argument("--previous", type=Path, metavar="RESULTS.json",
                   help="an earlier results.json (or its folder): the report and mail say what changed since "
                        "(default with --archive: the archive's latest run)")
    p.add_argument("--archive", type=Path, metavar="DIR",
                   help="keep this run (results, report, junit, screenshots, snapshots, HAR) in a timestamped "
                        "folder under DIR with a SHA-256 manifest (records retention, II.C.5)")
    p.add_argument("--email-to", metavar="ADDR[,ADDR]",
                   help="mail the report (plain-text summary + HTML) to these addresses; SMTP settings from "
                        "SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS / SMTP_SSL. "
                        "A mail failure exits 4; the report is written first")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="auditor", description="Audit MPD official social media accounts "
                                 "against GO-SPT-302.03 II.C.3.", epilog=EPILOG)
    ap.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    a = sub.add_parser("audit", help="load every account in a real browser and write the report", epilog=EPILOG)
    _add_common(a)
    a.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: audit-report)")
    a.add_argument("--only", nargs="+", metavar="ID", default=None, help="audit only these account ids")
    a.add_argument("--element", nargs="+", metavar="NAME", default=None,
                   help="audit only the accounts of these elements (as written in the registry, any case)")
    a.add_argument("--platform", nargs="+", metavar="NAME", default=None,
                   help="audit only the accounts on these platforms (x, facebook, ...)")
    a.add_argument("--replay", type=Path, metavar="HAR", help="replay recorded pages offline from a HAR file")
    a.add_argument("--record-har", type=Path, metavar="FILE", help="record every page loaded into a HAR file")
    a.add_argument("--browser", metavar="PATH", help="Chromium executable (else AUDITOR_CHROMIUM, "
                   "Playwright's Chromium, or chromium on PATH)")
    a.add_argument("--timeout", type=float, default=30.0, metavar="S", help="page load time limit (default 30)")
    a.add_argument("--concurrency", type=int, default=None, metavar="N", help="accounts loaded at once")
    a.add_argument("--no-screenshots", action="store_true", help="skip screenshots")
    a.add_argument("--block", metavar="TYPES", default=None,
                   help="resource types not fetched, comma-separated from image,media,font,stylesheet or 'none' "
                        "(default: media,font; images too with --no-screenshots)")
    a.add_argument("--shard", metavar="K/N", help="audit only shard K of N (stable by account id), for CI matrices")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    _add_delivery(a)

    rec = sub.add_parser("record", help="audit live and record every page into a HAR for later --replay")
    _add_common(rec)
    rec.add_argument("--har", type=Path, required=True, metavar="OUT.har", help="HAR file to write")
    rec.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: audit-report)")
    rec.add_argument("--only", nargs="+", metavar="ID", default=None, help="record only these account ids")
    rec.add_argument("--browser", metavar="PATH", help="Chromium executable")
    rec.add_argument("--timeout", type=float, default=30.0, metavar="S", help="page load time limit (default 30)")
    rec.add_argument("--quiet", "-q", action="store_true", help="no progress lines")

    v = sub.add_parser("validate", help="check a registry (and policy) without a browser")
    _add_common(v)

    e = sub.add_parser("explain", help="what an item requires, accepts and how to fix it")
    e.add_argument("item", nargs="?", help="item id (default: all)")

    r = sub.add_parser("recheck", help="re-run the checks on a finished run's saved snapshots (no browser)")
    r.add_argument("dir", type=Path, help="output directory of an earlier audit")
    r.add_argument("--policy", type=Path, default=None, help="policy YAML (default: built-in MPD policy)")
    r.add_argument("--fail-on", choices=FAIL_ON, default="needs_review", help="as for audit")

    sub.add_parser("schema", help="print the JSON Schema of results.json")

    m = sub.add_parser("merge", help="merge shard result directories into one results.json, report and junit.xml")
    m.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="output directories of --shard runs")
    m.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: audit-report)")
    m.add_argument("--sites", type=Path, default=None, help="registry, to list the accounts in its order")
    m.add_argument("--policy", type=Path, default=None, help="policy YAML used by the shards")
    _add_delivery(m)

    se = sub.add_parser("send", help="mail a finished run's report (plain-text summary + HTML)", epilog=EPILOG)
    se.add_argument("dir", type=Path, help="output directory of a finished audit (results.json, report.html)")
    se.add_argument("--email-to", metavar="ADDR[,ADDR]", required=True, help="recipients, comma-separated")

    va = sub.add_parser("verify-archive", help="check an evidence archive's SHA-256 hashes; name what changed")
    va.add_argument("dir", type=Path, help="one archived run folder, or the archive root (every run in it)")

    h = sub.add_parser("har", help="build a replay HAR from a manifest of hand-made pages")
    h.add_argument("action", choices=["build"])
    h.add_argument("manifest", type=Path)
    h.add_argument("-o", "--output", type=Path, required=True)
    return ap


def _select(accounts: list[Account], only: list[str] | None, sites: Path, elements: list[str] | None = None,
            platforms: list[str] | None = None) -> list[Account]:
    """The accounts every given filter keeps. A filter value that names no account in the registry is
    bad input, and so is a combination of filters that leaves none."""
    keep = list(accounts)
    if only:
        known = {a.id for a in accounts}
        if unknown := [i for i in only if i not in known]:
            raise InputError(f"{sites}: --only names unknown account id(s): {', '.join(unknown)}")
        keep = [a for a in keep if a.id in set(only)]
    if elements:
        known_el = {a.element.casefold(): a.element for a in accounts if a.element}
        if unknown := [e for e in elements if e.casefold() not in known_el]:
            raise InputError(f"{sites}: --element names no account: {', '.join(unknown)} "
                             f"(elements: {', '.join(sorted(known_el.values()))})")
        wanted = {e.casefold() for e in elements}
        keep = [a for a in keep if (a.element or "").casefold() in wanted]
    if platforms:
        known_pl = {a.platform for a in accounts}
        if unknown := [p for p in platforms if p.lower() not in known_pl]:
            raise InputError(f"{sites}: --platform names no account: {', '.join(unknown)} "
                             f"(platforms: {', '.join(sorted(known_pl))})")
        keep = [a for a in keep if a.platform in {p.lower() for p in platforms}]
    if not keep:
        raise InputError(f"{sites}: the filters (--only, --element, --platform) together leave no account to audit")
    return keep


@dataclass
class Delivery:
    """What happens to a finished run besides its files: exit threshold, history, archive, mail."""

    fail_on: str = "needs_review"
    previous: AuditRun | None = None
    previous_source: str = ""
    archive: Path | None = None
    hars: list[Path] = field(default_factory=list)
    email_to: list[str] = field(default_factory=list)
    smtp: SmtpSettings | None = None


def _delivery(args: argparse.Namespace) -> Delivery:
    """Check every delivery option before any work is done: a mistake is bad input (exit 2) up front."""
    from auditor.outputs import archive, history

    d = Delivery(fail_on=getattr(args, "fail_on", None) or "needs_review", archive=getattr(args, "archive", None))
    previous = getattr(args, "previous", None)
    if previous is None and d.archive is not None:
        previous = archive.latest_results(d.archive)
    if previous is not None:
        d.previous, d.previous_source = history.load_previous(previous), str(previous)
    if getattr(args, "email_to", None):
        from auditor.outputs.email import SmtpSettings, parse_recipients

        d.email_to = parse_recipients(args.email_to)
        d.smtp = SmtpSettings.from_env()
    return d


def exit_code(run: AuditRun, fail_on: str) -> int:
    """1 when any account is at least as bad as ``fail_on`` (STATUS_ORDER is worst first)."""
    if fail_on == "never":
        return EXIT_OK
    bad = STATUS_ORDER[:STATUS_ORDER.index(fail_on) + 1]  # type: ignore[arg-type]
    return EXIT_FINDINGS if any(a.status in bad for a in run.accounts) else EXIT_OK


def _finish(run: AuditRun, out: Path, policy: Policy, delivery: Delivery | None = None) -> int:
    """Write every output of a run (results.json first: it is the record), archive it, mail it, and
    choose the exit code. The files are written before anything is sent: a mail failure loses nothing."""
    from auditor.outputs import archive, history, html_report, junit, results_json

    d = delivery or Delivery()
    if d.previous is not None:
        run.changes = history.compare(d.previous, run, d.previous_source)
    results_json.write(run, out)
    junit.write(run, out)
    report = html_report.write(run, out, policy=policy)
    c = run.counts
    print(f"{c['total']} accounts: {c['compliant']} compliant, {c['non_compliant']} non-compliant, "
          f"{c['needs_review']} need review, {c['unreachable']} unreachable. Report: {report}", file=sys.stderr)
    if run.changes:
        print("\n".join(history.summary_lines(run.changes)), file=sys.stderr)
    if d.archive is not None:
        try:
            kept = archive.archive_run(run, out, d.archive, d.hars)
        except OSError as exc:
            raise ToolError(f"{d.archive}: cannot archive the run: {exc.strerror or exc}") from None
        digest = archive.sha256_file(kept / archive.MANIFEST)
        print(f"Archived: {kept} (MANIFEST.sha256 sha256 {digest})", file=sys.stderr)
    if run.interrupted:
        print("auditor: interrupted; unfinished accounts are marked in the report"
              + ("; the report was not mailed" if d.email_to else ""), file=sys.stderr)
        return EXIT_INTERRUPTED
    rc = exit_code(run, d.fail_on)
    if d.email_to and d.smtp:
        rc = _mail(run, out, d.email_to, d.smtp) or rc
    return rc


def _mail(run: AuditRun, out: Path, to: list[str], smtp: SmtpSettings) -> int:
    """0 when sent; EXIT_DELIVERY_FAILED (with the reason on stderr) when not."""
    from auditor.outputs import email

    try:
        email.send_report(run, out, to, smtp)
    except DeliveryError as exc:
        print(f"auditor: e-mail not sent: {str(exc).rstrip('.')}. The report is written: {out / 'report.html'}",
              file=sys.stderr)
        return exc.exit_code
    print(f"Mailed the report to {', '.join(to)}: {email.subject(run)}", file=sys.stderr)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from auditor.policy import load_policy
    from auditor.registry import load_registry
    from auditor.runner import AuditOptions, audit

    registry = load_registry(args.sites)
    policy = load_policy(args.policy)
    accounts = _select(registry.accounts, args.only, args.sites, getattr(args, "element", None),
                       getattr(args, "platform", None))
    delivery = _delivery(args)
    if getattr(args, "shard", None):
        from auditor.shard import parse_shard, select_shard

        accounts = select_shard(accounts, *parse_shard(args.shard))
    if args.replay and args.record_har:
        raise InputError("--replay and --record-har cannot be used together")
    if args.replay and not args.replay.is_file():
        raise InputError(f"{args.replay}: replay HAR file not found")
    options = AuditOptions(out_dir=args.out, registry_path=str(args.sites), replay_har=args.replay,
                           record_har=args.record_har, browser=args.browser, page_timeout_s=args.timeout,
                           screenshots=not args.no_screenshots, block=_block(getattr(args, "block", None),
                                                                             args.no_screenshots),
                           keep_pages=bool(getattr(args, "archive", None)))
    if getattr(args, "concurrency", None):
        if args.concurrency < 1:
            raise InputError("--concurrency must be at least 1")
        options.concurrency = args.concurrency
    if delivery.archive is not None:  # keep the pages as loaded: the replayed HAR, or record one
        if args.replay:
            delivery.hars.append(args.replay)
        else:
            options.record_har = options.record_har or args.out / "pages.har"
            delivery.hars.append(options.record_har)
    from auditor.outputs.progress import AuditProgress
    from auditor.runner import RunFailed

    try:
        if args.quiet:
            run = audit(accounts, policy, options)
        else:
            with AuditProgress(len(accounts)) as progress:
                run = audit(accounts, policy, options, progress=progress)
    except RunFailed as exc:
        return _write_failed_run(exc.run, args.out, policy, str(exc))
    try:
        return _finish(run, args.out, policy, delivery)
    except AuditorError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug of the tool: write what can be written, exit 3
        return _write_failed_run(run, args.out, policy, f"{type(exc).__name__}: {exc}")


def _write_failed_run(run: AuditRun, out: Path, policy: Policy, problem: str) -> int:
    """The tool itself failed: write each output that still can be (each on its own), say what, exit 3."""
    from auditor.outputs import html_report, junit, results_json

    written, failed = [], []
    for name, write in (("results.json", lambda: results_json.write(run, out)),
                        ("junit.xml", lambda: junit.write(run, out)),
                        ("report.html", lambda: html_report.write(run, out, policy=policy))):
        try:
            write()
            written.append(name)
        except Exception as exc:  # noqa: BLE001 - keep writing the others
            failed.append(f"{name} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    print(f"auditor: error: {problem.splitlines()[0] if problem else 'internal error'}. This is a bug of the "
          f"tool. Written to {out}: {', '.join(written) or 'nothing'}"
          + (f"; not written: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    return EXIT_TOOL_FAILED


BLOCKABLE = ("image", "media", "font", "stylesheet")


def _block(spec: str | None, no_screenshots: bool) -> frozenset[str]:
    """Resource types not fetched. Default: media and fonts (and images when there is no screenshot)."""
    if spec is None:
        return frozenset({"media", "font"} | ({"image"} if no_screenshots else set()))
    kinds = {k.strip() for k in spec.split(",") if k.strip() and k.strip() != "none"}
    if unknown := kinds - set(BLOCKABLE):
        raise InputError(f"--block: unknown resource type(s) {sorted(unknown)}; choose from {', '.join(BLOCKABLE)}")
    return frozenset(kinds)


def cmd_record(args: argparse.Namespace) -> int:
    args.record_har, args.replay, args.no_screenshots, args.concurrency = args.har, None, False, None
    rc = cmd_audit(args)
    print(f"recorded {args.har}; replay with: auditor audit --sites {args.sites} --replay {args.har}", file=sys.stderr)
    return rc


def cmd_validate(args: argparse.Namespace) -> int:
    from auditor.policy import load_policy
    from auditor.registry import load_registry

    registry = load_registry(args.sites)
    policy = load_policy(args.policy)
    by_platform: dict[str, int] = {}
    for a in registry.accounts:
        by_platform[a.platform] = by_platform.get(a.platform, 0) + 1
    platforms = ", ".join(f"{k} {v}" for k, v in sorted(by_platform.items()))
    n = len(registry.accounts)
    print(f"{args.sites}: {n} account{'s' if n != 1 else ''} OK ({platforms}); policy {policy.id} OK")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    import checks

    if args.item and args.item not in checks.META:
        raise InputError(f"unknown item '{args.item}'; items: {', '.join(checks.META)}")
    for item, m in checks.META.items():
        if args.item and item != args.item:
            continue
        print(f"{m.id} ({m.clause}): {m.title}\n  The Order: \"{m.requirement}.\"\n  Accepted: {m.accepts}\n"
              f"  Never accepted: {m.never_accepts}\n  To fix: {m.remediation}\n")
    return EXIT_OK


def cmd_recheck(args: argparse.Namespace) -> int:
    import time

    from auditor.models import Account, Snapshot
    from auditor.outputs import results_json
    from auditor.policy import load_policy
    from auditor.runner import build_run, judge, now

    results_path = args.dir / "results.json"
    if not results_path.is_file():
        raise InputError(f"{results_path}: no results.json: is {args.dir} the output directory of an audit?")
    previous = results_json.read(results_path)
    policy = load_policy(args.policy)
    started, t0 = now(), time.monotonic()
    results = []
    for prev in previous.accounts:  # the run's own account records: the registry may have changed since
        account = Account(id=prev.id, name=prev.name, url=prev.url, platform=prev.platform, element=prev.element,
                          owner=prev.owner, attestations=prev.attestations)
        path = args.dir / "snapshots" / f"{prev.id}.json"
        if not path.is_file():
            raise InputError(f"{path}: snapshot missing; cannot re-check account '{prev.id}'")
        results.append(judge(account, Snapshot.model_validate_json(path.read_text(encoding="utf-8")), policy))
    run = build_run(results, policy, previous.registry, started, time.monotonic() - t0)
    return _finish(run, args.dir, policy, Delivery(fail_on=args.fail_on))


def cmd_merge(args: argparse.Namespace) -> int:
    from auditor.policy import load_policy
    from auditor.registry import load_registry
    from auditor.shard import merge_runs

    registered = load_registry(args.sites).accounts if args.sites else None
    delivery = _delivery(args)
    delivery.hars = [d / "pages.har" for d in args.dirs if (d / "pages.har").is_file()]
    policy = load_policy(args.policy)
    args.out.mkdir(parents=True, exist_ok=True)
    return _finish(merge_runs(args.dirs, args.out, registered, policy), args.out, policy, delivery)


def cmd_send(args: argparse.Namespace) -> int:
    from auditor.outputs import results_json
    from auditor.outputs.email import SmtpSettings, parse_recipients

    to = parse_recipients(args.email_to)
    smtp = SmtpSettings.from_env()
    path = args.dir / "results.json"
    if not path.is_file() or not (args.dir / "report.html").is_file():
        raise InputError(f"{args.dir}: needs results.json and report.html: is it the output directory of an audit?")
    try:
        run = results_json.read(path)
    except ValueError as exc:
        raise InputError(f"{path}: not a valid results.json: {str(exc).splitlines()[0]}") from None
    return _mail(run, args.dir, to, smtp)


def cmd_verify_archive(args: argparse.Namespace) -> int:
    from auditor.outputs import archive

    checked = archive.verify(args.dir)
    bad = 0
    for v in checked:
        if v.intact:
            print(f"{v.folder}: OK ({len(v.ok)} files match their SHA-256)")
            continue
        bad += 1
        print(f"{v.folder}: CHANGED")
        for label, names in (("modified", v.changed), ("missing", v.missing), ("added", v.added),
                             ("manifest", v.problems)):
            for n in names:
                print(f"  {label}: {n}")
    if bad:
        print(f"auditor: {bad} of {len(checked)} archived run(s) do not match their manifest", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_schema(_: argparse.Namespace) -> int:
    from auditor.outputs.results_json import schema

    print(json.dumps(schema(), indent=2))
    return EXIT_OK


def cmd_har(args: argparse.Namespace) -> int:
    from auditor.collect import har

    if not args.manifest.is_file():
        raise InputError(f"{args.manifest}: manifest not found")
    try:
        data = har.build_from_manifest(args.manifest)
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{args.manifest}: {exc}") from None
    har.write(data, args.output)
    print(f"{args.output}: {len(data['log']['entries'])} entries")
    return EXIT_OK


COMMANDS = {"audit": cmd_audit, "record": cmd_record, "validate": cmd_validate, "explain": cmd_explain,
            "recheck": cmd_recheck, "schema": cmd_schema, "har": cmd_har, "merge": cmd_merge, "send": cmd_send,
            "verify-archive": cmd_verify_archive}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AuditorError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug of the tool is exit 3 with its name, never a bare traceback
        first = (str(exc).strip().splitlines() or [""])[0]
        print(f"auditor: error: the tool itself failed: {type(exc).__name__}: {first}", file=sys.stderr)
        return EXIT_TOOL_FAILED


if __name__ == "__main__":
    sys.exit(main())
