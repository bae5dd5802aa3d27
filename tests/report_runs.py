"""Runs for report and mail tests: the demo audit multiplied into a registry of any size.

Each copy keeps its source account's results, snapshot and screenshot (so suggested fixes are
measured against the real bio) under a new id, name and element.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from auditor import health
from auditor.models import AuditRun
from auditor.outputs import html_report, results_json
from auditor.status import count_statuses

ELEMENTS = ("First District", "Second District", "Third District", "Office of Communications", None)


def multiplied(demo_out: Path, out: Path, n: int, report: bool = True) -> AuditRun:
    """An n-account run in ``out`` (results.json, report.html, snapshots, screenshots)."""
    demo = results_json.read(demo_out / "results.json")
    (out / "screenshots").mkdir(parents=True, exist_ok=True)
    (out / "snapshots").mkdir(parents=True, exist_ok=True)
    accounts = []
    for k in range(n):
        src = demo.accounts[k % len(demo.accounts)]
        new_id = f"{src.id}-{k}"
        shot = None
        if src.screenshot:
            shot = f"screenshots/{new_id}.jpg"
            shutil.copy(demo_out / src.screenshot, out / shot)
        snap = demo_out / "snapshots" / f"{src.id}.json"
        if snap.is_file():
            shutil.copy(snap, out / "snapshots" / f"{new_id}.json")
        accounts.append(src.model_copy(update={"id": new_id, "name": f"{src.name} {k}", "screenshot": shot,
                                               "element": ELEMENTS[k % len(ELEMENTS)]}))
    run = demo.model_copy(update={"accounts": accounts, "counts": count_statuses(accounts)})
    run.health = health.of_run(run)
    results_json.write(run, out)
    if report:
        html_report.write(run, out)
    return run
