#!/usr/bin/env python3
"""Fetch the previous audit's results.json from GitHub Actions, for "what changed since the last run".

Only a completed scheduled or hand-started (workflow_dispatch) run of this workflow on the default
branch, other than the current run, whose results.json audited the same registry counts as the
baseline: a demo replay or a run on a feature branch is not last week's audit. Whatever goes wrong
(gh missing, an API hiccup, no such run, an expired artifact) is a warning annotation, never a
failed job: the merge then runs without --previous and the report says there is no previous run.
Always exits 0. Needs GH_TOKEN with actions: read.

    scripts/previous_run.py --sites sites.yaml --branch main --dir previous
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EVENTS = ("schedule", "workflow_dispatch")


def warn(message: str) -> None:
    print(f"::warning title=No previous run::{message}; the report says there is no previous run", flush=True)


def gh(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["gh", *args], capture_output=True, text=True, timeout=timeout, check=False)


def first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "no message")[:300]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", required=True, help="the registry this run audits (results.json 'registry')")
    ap.add_argument("--branch", required=True, help="the default branch")
    ap.add_argument("--dir", type=Path, default=Path("previous"), help="where results.json goes")
    ap.add_argument("--workflow", default="audit.yml")
    ap.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY", ""))
    ap.add_argument("--run-id", default=os.environ.get("GITHUB_RUN_ID", ""), help="this run (never its own baseline)")
    ap.add_argument("--limit", type=int, default=30)
    args = ap.parse_args(argv)
    repo = ["--repo", args.repo] if args.repo else []
    try:
        listed = gh("run", "list", *repo, "--workflow", args.workflow, "--branch", args.branch, "--limit",
                    str(args.limit), "--json", "databaseId,event,headBranch,status,conclusion,createdAt")
    except (OSError, subprocess.TimeoutExpired) as exc:
        warn(f"cannot list earlier runs ({type(exc).__name__}: {exc})")
        return 0
    if listed.returncode != 0:
        warn(f"gh run list failed (exit {listed.returncode}): {first_line(listed.stderr + listed.stdout)}")
        return 0
    try:
        runs = json.loads(listed.stdout or "[]")
        assert isinstance(runs, list)
    except (ValueError, AssertionError):
        warn(f"gh run list did not answer with a list of runs: {first_line(listed.stdout)}")
        return 0
    candidates = [r for r in runs if isinstance(r, dict) and r.get("status") == "completed"
                  and r.get("event") in EVENTS and r.get("headBranch") == args.branch
                  and str(r.get("databaseId")) != str(args.run_id)]
    skipped: list[str] = []
    for run in candidates:
        run_id = str(run.get("databaseId"))
        with tempfile.TemporaryDirectory() as tmp:
            try:
                got = gh("run", "download", run_id, *repo, "--name", "audit-report", "--dir", tmp)
            except (OSError, subprocess.TimeoutExpired) as exc:
                skipped.append(f"{run_id}: {type(exc).__name__}")
                continue
            results = Path(tmp) / "results.json"
            if got.returncode != 0 or not results.is_file():
                why = first_line(got.stderr) if got.stderr else "empty"
                skipped.append(f"{run_id}: no audit-report artifact ({why})")
                continue
            try:
                registry = json.loads(results.read_text(encoding="utf-8")).get("registry")
            except (ValueError, OSError, AttributeError):
                skipped.append(f"{run_id}: results.json is not valid JSON")
                continue
            if registry != args.sites:
                skipped.append(f"{run_id}: audited {registry!r}, not {args.sites!r}")
                continue
            args.dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(results, args.dir / "results.json")
            print(f"previous run: {run_id} ({run.get('event')} on {args.branch}, {run.get('createdAt', '')})")
            return 0
    detail = f" (skipped: {'; '.join(skipped[:5])})" if skipped else ""
    warn(f"no earlier completed scheduled or dispatched run of {args.workflow} on {args.branch} with an "
         f"audit-report of {args.sites}{detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
