"""report.html: one self-contained file rendered with jinja2 from report_templates/."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import checks
from auditor.fsutil import write_atomic
from auditor.models import ITEM_IDS, AuditRun

_HERE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [_HERE.parent / "report_templates", _HERE / "_report_templates"]

ITEM_SYMBOLS = {"pass": "✔", "fail": "✘", "review": "?", "error": "!"}
ACCOUNT_LABELS = {"compliant": "Compliant", "non_compliant": "Non-compliant", "needs_review": "Needs review",
                  "unreachable": "Unreachable"}


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader([str(d) for d in TEMPLATE_DIRS if d.is_dir()]),
                      autoescape=select_autoescape(["html", "j2"], default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    return env


def render(run: AuditRun) -> str:
    return environment().get_template("report.html.j2").render(
        run=run, items=ITEM_IDS, meta=checks.META, symbols=ITEM_SYMBOLS, labels=ACCOUNT_LABELS)


def write(run: AuditRun, out_dir: Path) -> Path:
    path = out_dir / "report.html"
    write_atomic(path, render(run))
    return path
