"""Command line: ``auditor audit | validate | explain | recheck | schema``.

Exit codes: 0 every account compliant; 1 the audit found accounts that are not; 2 bad input
(nothing audited); 3 the tool itself failed; 130 interrupted (what was done is written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from auditor import __version__
from auditor.errors import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, AuditorError, InputError
from auditor.models import AccountResult, AuditRun
from auditor.policy import Policy

DEFAULT_SITES = Path("sites.yaml")
DEFAULT_OUT = Path("audit-report")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sites", type=Path, default=DEFAULT_SITES, help="registry file (default: sites.yaml)")
    p.add_argument("--policy", type=Path, default=None, help="policy YAML (default: built-in MPD policy)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="auditor", description="Audit MPD official social media accounts "
                                 "against GO-SPT-302.03 II.C.3.")
    ap.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    a = sub.add_parser("audit", help="load every account in a real browser and write the report")
    _add_common(a)
    a.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: audit-report)")
    a.add_argument("--only", nargs="+", metavar="ID", default=None, help="audit only these account ids")
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

    sub.add_parser("schema", help="print the JSON Schema of results.json")

    m = sub.add_parser("merge", help="merge shard result directories into one results.json, report and junit.xml")
    m.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="output directories of --shard runs")
    m.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: audit-report)")
    m.add_argument("--sites", type=Path, default=None, help="registry, to list the accounts in its order")
    m.add_argument("--policy", type=Path, default=None, help="policy YAML used by the shards")

    h = sub.add_parser("har", help="build a replay HAR from a manifest of hand-made pages")
    h.add_argument("action", choices=["build"])
    h.add_argument("manifest", type=Path)
    h.add_argument("-o", "--output", type=Path, required=True)
    return ap


def _progress(result: AccountResult) -> None:
    counts = {s: sum(1 for r in result.items.values() if r.status == s) for s in ("pass", "fail", "review", "error")}
    summary = " ".join(f"{k}={v}" for k, v in counts.items() if v)
    print(f"{result.id}: {result.status} ({summary})", file=sys.stderr, flush=True)


def _select(accounts: list, only: list[str] | None, sites: Path) -> list:
    if not only:
        return accounts
    known = {a.id for a in accounts}
    unknown = [i for i in only if i not in known]
    if unknown:
        raise InputError(f"{sites}: --only names unknown account id(s): {', '.join(unknown)}")
    return [a for a in accounts if a.id in set(only)]


def _finish(run: AuditRun, out: Path, policy: Policy | None = None) -> int:
    """Write every output of a run (results.json first: it is the record) and choose the exit code."""
    from auditor.outputs import html_report, junit, results_json

    results_json.write(run, out)
    junit.write(run, out)
    report = html_report.write(run, out, policy=policy)
    c = run.counts
    print(f"{c['total']} accounts: {c['compliant']} compliant, {c['non_compliant']} non-compliant, "
          f"{c['needs_review']} need review, {c['unreachable']} unreachable. Report: {report}", file=sys.stderr)
    if run.interrupted:
        print("auditor: interrupted; unfinished accounts are marked in the report", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if c["compliant"] == c["total"] else EXIT_FINDINGS


def cmd_audit(args: argparse.Namespace) -> int:
    from auditor.policy import load_policy
    from auditor.registry import load_registry
    from auditor.runner import AuditOptions, audit

    registry = load_registry(args.sites)
    policy = load_policy(args.policy)
    accounts = _select(registry.accounts, args.only, args.sites)
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
                                                                             args.no_screenshots))
    if getattr(args, "concurrency", None):
        if args.concurrency < 1:
            raise InputError("--concurrency must be at least 1")
        options.concurrency = args.concurrency
    run = audit(accounts, policy, options, progress=None if args.quiet else _progress)
    return _finish(run, args.out, policy)


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
                          owner=prev.owner)
        path = args.dir / "snapshots" / f"{prev.id}.json"
        if not path.is_file():
            raise InputError(f"{path}: snapshot missing; cannot re-check account '{prev.id}'")
        results.append(judge(account, Snapshot.model_validate_json(path.read_text(encoding="utf-8")), policy))
    return _finish(build_run(results, policy, previous.registry, started, time.monotonic() - t0), args.dir, policy)


def cmd_merge(args: argparse.Namespace) -> int:
    from auditor.policy import load_policy
    from auditor.registry import load_registry
    from auditor.shard import merge_runs

    order = [a.id for a in load_registry(args.sites).accounts] if args.sites else None
    args.out.mkdir(parents=True, exist_ok=True)
    run = merge_runs(args.dirs, args.out, order)
    return _finish(run, args.out, load_policy(args.policy))


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
            "recheck": cmd_recheck, "schema": cmd_schema, "har": cmd_har, "merge": cmd_merge}


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


if __name__ == "__main__":
    sys.exit(main())
