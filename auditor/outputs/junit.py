"""junit.xml for CI dashboards: a suite per account, a case per item.

fail -> <failure>, error -> <error>, review -> <skipped> (undecided, like axe-core's
"incomplete"); the message is the item's reason, the body its evidence. Every text and attribute
is stripped of the characters XML 1.0 forbids (a control character in a bio or an account name
would make the whole file unreadable to CI).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from auditor.fsutil import write_atomic
from auditor.models import AuditRun
from auditor.policy import run_items
from auditor.safetext import xml_text

_TAG = {"fail": "failure", "error": "error", "review": "skipped"}


def render(run: AuditRun) -> str:
    items = run_items(run)
    root = ET.Element("testsuites", name=f"auditor {run.policy_id}", tests=str(len(items) * len(run.accounts)),
                      timestamp=run.started_at, time=f"{run.duration_s:.2f}")
    totals = {"failures": 0, "errors": 0, "skipped": 0}
    for a in run.accounts:
        statuses = [r.status for r in a.items.values()]
        suite = ET.SubElement(root, "testsuite", name=f"{a.id}: {a.name}", tests=str(len(statuses)),
                              failures=str(statuses.count("fail")), errors=str(statuses.count("error")),
                              skipped=str(statuses.count("review")), time=f"{a.load.elapsed_ms / 1000:.2f}")
        props = ET.SubElement(suite, "properties")
        for key, value in (("url", a.url), ("platform", a.platform), ("element", a.element or ""),
                           ("status", a.status)):
            ET.SubElement(props, "property", name=key, value=value)
        if a.identity is not None:  # whose page it presents itself as (own, other_agency, not_official, unclear)
            ET.SubElement(props, "property", name="identity", value=a.identity.kind)
            ET.SubElement(props, "property", name="identity_reason", value=a.identity.reason)
        for item, r in a.items.items():
            info = items.get(item)
            case = ET.SubElement(suite, "testcase", classname=a.id, name=f"{info.clause} {item}" if info else item)
            if r.status in _TAG:
                kind = ET.SubElement(case, _TAG[r.status], message=r.reason)
                if r.status != "review":
                    kind.set("type", r.status)
                kind.text = "\n".join(f"[{e.region}] {e.quote}" for e in r.evidence) or None
            elif r.evidence:
                ET.SubElement(case, "system-out").text = "\n".join(f"[{e.region}] {e.quote}" for e in r.evidence)
        totals["failures"] += statuses.count("fail")
        totals["errors"] += statuses.count("error")
        totals["skipped"] += statuses.count("review")
    for k, v in totals.items():
        root.set(k, str(v))
    _xml_legal(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_legal(root: ET.Element) -> None:
    for el in root.iter():
        el.text = xml_text(el.text) if el.text else el.text
        for key, value in el.attrib.items():
            el.set(key, xml_text(value))


def write(run: AuditRun, out_dir: Path) -> Path:
    path = out_dir / "junit.xml"
    write_atomic(path, render(run))
    return path
