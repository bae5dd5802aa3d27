"""Command line: ``auditor audit | serve | validate | explain | recheck | schema | merge | send | verify-archive
| summary | check-browser``.

Exit codes: 0 every account compliant (or none at or above ``--fail-on``); 1 the audit found
accounts that are not; 2 bad input (nothing audited); 3 the tool itself failed; 4 the outputs
are written but the e-mail could not be sent; 130 interrupted (what was done is written).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.errors import (
    EXIT_DELIVERY_FAILED,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TOOL_FAILED,
    AuditorError,
    DeliveryError,
    InputError,
    ToolError,
)
from auditor.fsutil import why_not_written
from auditor.models import Account, AuditRun
from auditor.outdir import OutputDir
from auditor.policy import Policy
from auditor.status import STATUS_ORDER

if TYPE_CHECKING:
    from auditor.outputs.email import SmtpSettings

DEFAULT_SITES = Path("sites.yaml")
DEFAULT_OUT = Path("audit-report")
FAIL_ON = ("non_compliant", "unreachable", "needs_review", "never")
EPILOG = ("exit codes: 0 no account at or above --fail-on; 1 the audit found accounts that need action; "
          "2 bad input (nothing audited); 3 the tool itself failed or the run did not complete (no network, no "
          "browser, a shard missing; the report says why); 4 the report is written but the e-mail "
          "could not be sent; 130 interrupted (what was done is written)")


def _policy_help() -> str:
    from auditor.policy import DEFAULT_POLICY, builtin_policies

    return (f"a built-in policy ({', '.join(builtin_policies())}) or a policy YAML file "
            f"(default: {DEFAULT_POLICY.stem})")


SERVE_EPILOG = """\
running it for real:
  auditor serve --sites /srv/audit/sites.yaml --archive /srv/audit/archive --policy mpd
      listens on http://127.0.0.1:8765/ only (open it on the same machine). Audits run live
      (no --replay), one at a time, each into a new folder under --out-root, and are kept in
      the archive; past runs, reports and history are read from the archive.
  AUDITOR_CONSOLE_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(32))') \\
  auditor serve --sites ... --archive ... --host 0.0.0.0
      any --host other than loopback refuses to start without AUDITOR_CONSOLE_TOKEN; with it,
      every page needs a login with that token. Browsers keep the login cookie only over HTTPS
      (or on loopback): put the console behind a TLS proxy when it is reached from other machines.
  mail: AUDITOR_EMAIL_TO=comms@example.org plus the SMTP_* settings of `auditor audit --email-to`.
  demo: auditor serve --sites demo/sites.yaml --replay demo/demo.har   (or ./scripts/console)
"""


def _positive(kind: type[float] | type[int], what: str):  # noqa: ANN202 - an argparse type
    """An argparse type for a number greater than 0 (argparse then exits 2 naming the option)."""
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not (value > 0 and value != float("inf")):
            raise argparse.ArgumentTypeError(f"must be greater than 0, not {text!r}")
        return value
    parse.__name__ = kind.__name__
    return parse


_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$")


def duration(text: str) -> float:
    """'50m', '1h30m', '3000s' or '3000' -> seconds (greater than 0)."""
    m = _DURATION.match(text.strip().lower())
    if not text.strip() or not m or not any(m.groups()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration (e.g. 50m, 1h30m, 3000s)")
    h, mi, sec = (float(g) if g else 0.0 for g in m.groups())
    seconds = h * 3600 + mi * 60 + sec
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"must be longer than 0, not {text!r}")
    return seconds


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sites", type=Path, default=DEFAULT_SITES, help="registry file (default: sites.yaml)")
    p.add_argument("--policy", type=Path, default=None, help=_policy_help())


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


def _description() -> str:
    """What the tool does, in the built-in default policy's words."""
    from auditor.policy import load_policy

    try:
        return load_policy().describe()
    except AuditorError:
        return "Audit official social media accounts against a declared policy."


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="auditor", description=_description(), epilog=EPILOG)
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
    a.add_argument("--timeout", type=_positive(float, "a number of seconds"), default=30.0, metavar="S",
                   help="page load time limit in seconds, greater than 0 (default 30)")
    a.add_argument("--concurrency", type=_positive(int, "a whole number"), default=None, metavar="N",
                   help="accounts loaded at once, at least 1")
    a.add_argument("--deadline", type=duration, default=None, metavar="DURATION",
                   help="time budget for the whole audit, e.g. 50m: when it is used up the auditor stops itself "
                        "as on SIGTERM (what was done is written, unfinished accounts are marked, exit 130). Set "
                        "it a few minutes under a CI job's time limit so the job keeps its partial results")
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
    rec.add_argument("--timeout", type=_positive(float, "a number of seconds"), default=30.0, metavar="S",
                     help="page load time limit in seconds, greater than 0 (default 30)")
    rec.add_argument("--quiet", "-q", action="store_true", help="no progress lines")

    v = sub.add_parser("validate", help="check a registry (and policy) without a browser")
    _add_common(v)

    e = sub.add_parser("explain", help="what an item requires, accepts and how to fix it")
    e.add_argument("item", nargs="?", help="item id, or its clause letter as in the report (a-f); default: all")
    e.add_argument("--policy", type=Path, default=None, help=_policy_help())

    r = sub.add_parser("recheck", help="re-run the checks on a finished run's saved snapshots (no browser)",
                       description="Re-judge a finished run from its saved snapshots (no browser): DIR's "
                                   "results.json, report.html and junit.xml are rewritten in place with the new "
                                   "verdicts. started_at, finished_at and duration_s still say when the pages were "
                                   "read; rechecked_at says when they were re-judged. snapshots/ and screenshots/ "
                                   "are not changed.")
    r.add_argument("dir", type=Path, help="output directory of an earlier audit (rewritten in place)")
    r.add_argument("--policy", type=Path, default=None,
                   help=_policy_help() + "; default here: the built-in policy the run was made with")
    r.add_argument("--fail-on", choices=FAIL_ON, default="needs_review", help="as for audit")

    sc = sub.add_parser("schema", help="print the JSON Schema of results.json (or, with --policy, of a policy file)")
    sc.add_argument("--policy", action="store_true", help="the policy file's schema instead")

    su = sub.add_parser("summary", help="print a Markdown summary of a finished run (counts, accounts that need "
                                        "action), e.g. for $GITHUB_STEP_SUMMARY")
    su.add_argument("dir", type=Path, help="output directory of a finished audit or merge (its results.json)")

    cb = sub.add_parser("check-browser", help="start Chromium once and print its version, or the browser's own "
                                              "error (exit 3): run by scripts/setup")
    cb.add_argument("--browser", metavar="PATH", help="Chromium executable (else AUDITOR_CHROMIUM, "
                    "Playwright's Chromium, or chromium on PATH)")

    m = sub.add_parser("merge", help="merge shard result directories into one results.json, report and junit.xml")
    m.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="output directories of --shard runs")
    m.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: audit-report)")
    m.add_argument("--sites", type=Path, default=None, help="registry, to list the accounts in its order")
    m.add_argument("--policy", type=Path, default=None, help="the policy the shards used: " + _policy_help())
    _add_delivery(m)

    se = sub.add_parser("send", help="mail a finished run's report (plain-text summary + HTML)", epilog=EPILOG)
    se.add_argument("dir", type=Path, help="output directory of a finished audit (results.json, report.html)")
    se.add_argument("--email-to", metavar="ADDR[,ADDR]", required=True, help="recipients, comma-separated")

    va = sub.add_parser("verify-archive", help="check an evidence archive's SHA-256 hashes; name what changed")
    va.add_argument("dir", type=Path, help="one archived run folder, or the archive root (every run in it)")

    sv = sub.add_parser("serve", help="a local web console: registry, audits, reports, mail, attestations",
                        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=SERVE_EPILOG)
    sv.add_argument("--sites", type=Path, default=DEFAULT_SITES, help="registry file (default: sites.yaml); "
                    "attestations recorded in the console are written back to it")
    sv.add_argument("--replay", type=Path, metavar="HAR", help="offer audits replayed from this HAR (demo, tests)")
    sv.add_argument("--policy", default=None, help=_policy_help())
    sv.add_argument("--archive", type=Path, metavar="DIR", help="evidence archive: every console audit is kept "
                    "there, and past runs are listed from it")
    sv.add_argument("--out-root", type=Path, default=Path("console-runs"), metavar="DIR",
                    help="each audit writes into a new folder here (default: console-runs)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; any other "
                    "needs AUDITOR_CONSOLE_TOKEN)")
    sv.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")

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
    mail_problem: str = ""  # merge: the mail settings are wrong; the report is still written, then exit 4


def _delivery(args: argparse.Namespace, accounts_read: bool = False) -> Delivery:
    """Check every delivery option. Before an audit, a mistake is bad input (exit 2) up front: nothing is
    audited, the run can be repeated. When the accounts have already been read (``merge`` of shards), a
    delivery problem never costs the report or the archive: a bad --previous is a warning (no previous
    run), bad mail settings are reported after the files are written (exit 4)."""
    from auditor.outputs import archive, history

    d = Delivery(fail_on=getattr(args, "fail_on", None) or "needs_review", archive=getattr(args, "archive", None))
    previous = getattr(args, "previous", None)
    try:
        if previous is None and d.archive is not None:
            previous = archive.latest_results(d.archive)
        if previous is not None:
            d.previous, d.previous_source = history.load_previous(previous), str(previous)
    except InputError as exc:
        if not accounts_read:
            raise
        print(f"auditor: warning: no previous run to compare with: {exc}", file=sys.stderr)
    if getattr(args, "email_to", None):
        from auditor.outputs.email import SmtpSettings, parse_recipients

        try:
            d.email_to = parse_recipients(args.email_to)
            d.smtp = SmtpSettings.from_env()
        except InputError as exc:
            if not accounts_read:
                raise
            d.mail_problem = str(exc)
    return d


def exit_code(run: AuditRun, fail_on: str) -> int:
    """1 when any account is at least as bad as ``fail_on`` (STATUS_ORDER is worst first)."""
    if fail_on == "never":
        return EXIT_OK
    bad = STATUS_ORDER[:STATUS_ORDER.index(fail_on) + 1]  # type: ignore[arg-type]
    return EXIT_FINDINGS if any(a.status in bad for a in run.accounts) else EXIT_OK


def _write_outputs(run: AuditRun, out: Path, policy: Policy, shown: Path) -> list[str]:
    """Write results.json (the record: without it the run is not kept), then junit.xml and the
    report into ``out``; what could not be written is named (as in ``shown``, the output folder)
    in the returned list (a full disk, say)."""
    from auditor.outputs import html_report, junit, results_json

    try:
        results_json.write(run, out)
    except OSError as exc:
        raise ToolError(f"{why_not_written(shown / 'results.json', exc, exact=True)}; this run's results "
                        "are not kept (the output folder is as it was)") from None
    failed = []
    for name, write in (("junit.xml", lambda: junit.write(run, out)),
                        ("report.html", lambda: html_report.write(run, out, policy=policy))):
        try:
            write()
        except OSError as exc:
            failed.append(why_not_written(shown / name, exc, exact=True))
    return failed


def _finish(run: AuditRun, od: OutputDir, policy: Policy, delivery: Delivery | None = None,
            merged: bool = False) -> int:
    """Write every output of a run (results.json first: it is the record) into the run's staging
    folder, archive it from there (only this run's files), swap it into the output folder, mail
    it, and choose the exit code. The files are written before anything is sent: a mail failure
    loses nothing. A file that cannot be written is exit 3, with everything else kept. An
    interrupted audit is not mailed (130); a ``merged`` run with a stopped shard is mailed, then 130."""
    from auditor import health
    from auditor.outputs import archive, history

    d = delivery or Delivery()
    run.health = health.of_run(run)  # before anything is written: every output shows it
    if d.previous is not None:
        run.changes = history.compare(d.previous, run, d.previous_source)
    from auditor import remediation

    if run.policy is None:
        run.policy = policy.info()
    remediation.attach_fixes(run, od.path, policy)  # results.json carries the fixes; the report reads them
    if failed := _write_outputs(run, od.path, policy, od.final):
        od.publish()
        raise ToolError("; ".join(failed) + f". The rest of the run is in {od.final}")
    kept = None
    if d.archive is not None:
        try:
            kept = archive.archive_run(run, od.path, d.archive, d.hars)
        except OSError as exc:
            raise ToolError(f"{d.archive}: cannot archive the run: {why_not_written(d.archive, exc)}; "
                            f"the run itself is in {od.final}") from None
    od.publish()
    out = od.final
    c = run.counts
    print(f"{c['total']} accounts: {c['compliant']} compliant, {c['non_compliant']} non-compliant, "
          f"{c['needs_review']} need review, {c['unreachable']} unreachable. Report: {out / 'report.html'}",
          file=sys.stderr)
    if run.changes:
        print("\n".join(history.summary_lines(run.changes)), file=sys.stderr)
    if kept is not None:
        digest = archive.sha256_file(kept / archive.MANIFEST)
        print(f"Archived: {kept} (MANIFEST.sha256 sha256 {digest})", file=sys.stderr)
    if not run.health.complete:
        print(f"auditor: the audit did not complete ({run.health.reason}): {run.health.detail}", file=sys.stderr)
    if run.interrupted and not merged:
        print("auditor: interrupted; unfinished accounts are marked in the report"
              + ("; the report was not mailed" if d.email_to else ""), file=sys.stderr)
        return EXIT_INTERRUPTED
    # A run that could not look is a tool failure (3), never findings (1): the mail still tells people.
    rc = EXIT_TOOL_FAILED if not run.health.complete else exit_code(run, d.fail_on)
    if run.interrupted:  # merge: a shard stopped early (SIGTERM, --deadline); the rest of the run still counts
        print("auditor: a shard was stopped before it finished: its unfinished accounts are marked in the report",
              file=sys.stderr)
        rc = EXIT_INTERRUPTED
    if d.mail_problem:
        print(f"auditor: e-mail not sent: the mail settings are wrong: {d.mail_problem.rstrip('.')}. "
              f"The report is written: {out / 'report.html'}", file=sys.stderr)
        return EXIT_DELIVERY_FAILED
    if d.email_to and d.smtp:
        mailed = _mail(run, out, d.email_to, d.smtp, archived=kept)
        rc = rc if rc == EXIT_TOOL_FAILED else (mailed or rc)
    return rc


def _mail(run: AuditRun, out: Path, to: list[str], smtp: SmtpSettings, archived: Path | None = None) -> int:
    """0 when sent; EXIT_DELIVERY_FAILED (with the reason on stderr) when not."""
    from auditor.outputs import email

    try:
        email.send_report(run, out, to, smtp, archived=archived)
    except DeliveryError as exc:
        print(f"auditor: e-mail not sent: {str(exc).rstrip('.')}. The report is written: {out / 'report.html'}",
              file=sys.stderr)
        return exc.exit_code
    print(f"Mailed the report to {', '.join(to)}: {email.subject(run)}", file=sys.stderr)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from auditor.policy import check_accounts, load_policy
    from auditor.registry import load_registry
    from auditor.runner import AuditOptions, audit

    policy = load_policy(args.policy)
    registry = load_registry(args.sites, policy.item_ids)
    check_accounts(policy, registry.accounts, args.sites)
    accounts = _select(registry.accounts, args.only, args.sites, getattr(args, "element", None),
                       getattr(args, "platform", None))
    delivery = _delivery(args)
    if getattr(args, "shard", None):
        from auditor.shard import parse_shard, select_shard

        accounts = select_shard(accounts, *parse_shard(args.shard))
    if args.replay and args.record_har:
        raise InputError("--replay and --record-har cannot be used together")
    if args.replay:
        from auditor.collect.har import check_replay

        check_replay(args.replay)  # not a HAR, truncated, a device: exit 2 before any browser starts
    options = AuditOptions(out_dir=args.out, registry_path=str(args.sites), replay_har=args.replay,
                           record_har=args.record_har, browser=args.browser, page_timeout_s=args.timeout,
                           screenshots=not args.no_screenshots, block=_block(getattr(args, "block", None),
                                                                             args.no_screenshots),
                           keep_pages=bool(getattr(args, "archive", None)),
                           deadline_s=getattr(args, "deadline", None))
    if getattr(args, "concurrency", None):
        options.concurrency = args.concurrency
    from auditor.outputs.progress import AuditProgress
    from auditor.runner import RunFailed

    with OutputDir(args.out) as od:  # locked for the run; written aside and swapped in at the end
        options.out_dir = od.path
        if options.record_har:
            options.record_har = od.inside(options.record_har)
        if args.replay:
            od.keep(args.replay)
        if delivery.archive is not None:  # keep the pages as loaded: the replayed HAR, or record one
            if args.replay:
                delivery.hars.append(args.replay)
            else:
                options.record_har = options.record_har or od.path / "pages.har"
                delivery.hars.append(options.record_har)
        try:
            if args.quiet:
                run = audit(accounts, policy, options)
            else:
                with AuditProgress(len(accounts)) as progress:
                    run = audit(accounts, policy, options, progress=progress)
        except RunFailed as exc:
            return _write_failed_run(exc.run, od, policy, str(exc))
        except OSError as exc:  # the file system failed under the run (a full disk): exit 3, no traceback
            raise ToolError(f"{why_not_written(Path(exc.filename or od.path), exc)}; the run stopped") from None
        try:
            return _finish(run, od, policy, delivery)
        except AuditorError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug of the tool: write what can be written, exit 3
            return _write_failed_run(run, od, policy, f"{type(exc).__name__}: {exc}")


def _write_failed_run(run: AuditRun, od: OutputDir, policy: Policy, problem: str) -> int:
    """The tool itself failed: write each output that still can be (each on its own), say what, exit 3."""
    from auditor.outputs import html_report, junit, results_json

    out = od.path
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
          f"tool. Written to {od.final}: {', '.join(written) or 'nothing'}"
          + (f"; not written: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    od.publish()  # what was written replaces the previous run, as for any run
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
    from auditor.policy import check_accounts, load_policy
    from auditor.registry import load_registry

    policy = load_policy(args.policy)
    registry = load_registry(args.sites, policy.item_ids)
    check_accounts(policy, registry.accounts, args.sites)
    by_platform: dict[str, int] = {}
    for a in registry.accounts:
        by_platform[a.platform] = by_platform.get(a.platform, 0) + 1
    platforms = ", ".join(f"{k} {v}" for k, v in sorted(by_platform.items()))
    n = len(registry.accounts)
    print(f"{args.sites}: {n} account{'s' if n != 1 else ''} OK ({platforms}); policy {policy.id} OK")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from auditor.policy import load_policy

    policy = load_policy(args.policy)
    letters = {m.mark.lower(): item for item, m in policy.metas.items()}  # as the report labels them
    if args.item and args.item.lower() in letters and args.item not in policy.spec.items:
        args.item = letters[args.item.lower()]
    if args.item and args.item not in policy.spec.items:
        listed = ", ".join(f"{k} {v}" for k, v in letters.items())
        raise InputError(f"unknown item '{args.item}'; items of policy {policy.id} (or their letters): {listed}")
    doc = policy.spec.document
    source = doc.title if doc else policy.name
    for item, m in policy.metas.items():
        if args.item and item != args.item:
            continue
        print(f"{m.id} ({m.clause}): {m.title}\n  {source}: \"{m.requirement.rstrip('.')}.\"\n"
              f"  Accepted: {m.accepts}\n  Never accepted: {m.never_accepts}\n  To fix: {m.remediation}\n"
              f"  Checked by: {m.kind} ({policy.kinds[item].doc})\n")
    return EXIT_OK


def _builtin_for(policy_id: str) -> Path | None:
    """The built-in policy a run was made with (None: the default), so a re-check keeps its items."""
    from auditor.policy import builtin_policies, load_policy

    return next((p for p in builtin_policies().values() if load_policy(p).id == policy_id), None)


def cmd_recheck(args: argparse.Namespace) -> int:
    import time

    from auditor.fsutil import read_input_text
    from auditor.models import Account, Snapshot
    from auditor.outputs import results_json
    from auditor.policy import load_policy
    from auditor.runner import build_run, judge, now

    results_path = args.dir / "results.json"
    if not results_path.is_file():
        raise InputError(f"{results_path}: no results.json: is {args.dir} the output directory of an audit?")
    with OutputDir(args.dir, staged=False, option="recheck") as od:  # rewritten in place, one file at a time
        try:
            previous = results_json.read(results_path)
        except ValueError as exc:
            raise InputError(f"{results_path}: not a valid results.json: {str(exc).splitlines()[0]}") from None
        policy = load_policy(args.policy if args.policy is not None else _builtin_for(previous.policy_id))
        started, t0 = now(), time.monotonic()
        results = []
        for prev in previous.accounts:  # the run's own account records: the registry may have changed since
            account = Account(id=prev.id, name=prev.name, url=prev.url, platform=prev.platform,
                              element=prev.element, owner=prev.owner, attestations=prev.attestations,
                              language=prev.language)
            path = args.dir / "snapshots" / f"{prev.id}.json"
            if not path.is_file():
                raise InputError(f"{path}: snapshot missing; cannot re-check account '{prev.id}'")
            try:
                snapshot = Snapshot.model_validate_json(read_input_text(path, "snapshot"))
            except ValueError as exc:
                raise InputError(f"{path}: not a valid snapshot of account '{prev.id}': "
                                 f"{str(exc).splitlines()[0]}") from None
            results.append(judge(account, snapshot, policy))
        rejudged = build_run(results, policy, previous.registry, started, time.monotonic() - t0)
        # The pages were read when the audit ran: keep those times; rechecked_at says when they were re-judged.
        run = rejudged.model_copy(update={"started_at": previous.started_at, "finished_at": previous.finished_at,
                                          "duration_s": previous.duration_s, "rechecked_at": rejudged.finished_at})
        return _finish(run, od, policy, Delivery(fail_on=args.fail_on))


def cmd_merge(args: argparse.Namespace) -> int:
    from auditor.policy import load_policy
    from auditor.registry import load_registry
    from auditor.shard import merge_runs

    policy = load_policy(args.policy)
    registered = load_registry(args.sites, policy.item_ids).accounts if args.sites else None
    delivery = _delivery(args, accounts_read=True)  # the shards have read the accounts: never lose them
    delivery.hars = [d / "pages.har" for d in args.dirs if (d / "pages.har").is_file()]
    with OutputDir(args.out) as od:  # as for audit: locked, written aside, swapped in
        return _finish(merge_runs(args.dirs, od.path, registered, policy), od, policy, delivery, merged=True)


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
    from auditor import health

    run.health = health.of_run(run)  # also for a results.json written before health was recorded
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


def cmd_summary(args: argparse.Namespace) -> int:
    from auditor.outputs import results_json, summary

    path = args.dir / "results.json"
    if not path.is_file():
        raise InputError(f"{path}: no results.json: is {args.dir} the output directory of an audit?")
    try:
        run = results_json.read(path)
    except ValueError as exc:
        raise InputError(f"{path}: not a valid results.json: {str(exc).splitlines()[0]}") from None
    sys.stdout.write(summary.markdown(run, summary.item_letters(run)))
    return EXIT_OK


def cmd_check_browser(args: argparse.Namespace) -> int:
    from auditor.collect.browser import check_browser

    print(check_browser(args.browser))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from auditor.outputs.results_json import schema

    if getattr(args, "policy", False):
        from auditor.policy import SCHEMA_PATH

        print(SCHEMA_PATH.read_text(encoding="utf-8"), end="")
        return EXIT_OK
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


def cmd_serve(args: argparse.Namespace) -> int:
    from auditor.console import settings
    from auditor.console.server import serve

    return serve(settings.from_args(args.sites, args.out_root, args.replay, args.policy, args.archive, args.host,
                                    args.port))


COMMANDS = {"audit": cmd_audit, "record": cmd_record, "validate": cmd_validate, "explain": cmd_explain,
            "recheck": cmd_recheck, "schema": cmd_schema, "har": cmd_har, "merge": cmd_merge, "send": cmd_send,
            "verify-archive": cmd_verify_archive, "summary": cmd_summary, "check-browser": cmd_check_browser}
COMMANDS["serve"] = cmd_serve


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
    except OSError as exc:  # the file system failed the tool (disk full, read-only): exit 3, not a traceback
        print(f"auditor: error: {why_not_written(Path(exc.filename or '.'), exc)}", file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - a bug of the tool is exit 3 with its name, never a bare traceback
        first = (str(exc).strip().splitlines() or [""])[0]
        print(f"auditor: error: the tool itself failed: {type(exc).__name__}: {first}", file=sys.stderr)
        return EXIT_TOOL_FAILED


if __name__ == "__main__":
    sys.exit(main())
