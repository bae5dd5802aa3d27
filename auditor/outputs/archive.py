"""Evidence archive for records retention (GO-SPT-302.03 II.C.5).

Each run is kept in its own timestamped folder under the archive root::

    ARCHIVE/20261124T140502Z/
        results.json  report.html  junit.xml
        screenshots/<id>.jpg  snapshots/<id>.json  pages/<id>*.html (when the collector saves them)
        har/<name>.har        the pages as loaded (recorded for the run, or the replayed HAR)
        MANIFEST.sha256       "<sha256>  <path>" per file: ``sha256sum -c MANIFEST.sha256`` checks it too
        manifest.json         the same hashes with sizes, plus what run this is

``verify`` recomputes every hash and names each file that was changed, removed or added. The
folder is first written under a hidden name and renamed when complete, so a crash never leaves a
half-written run that looks finished; files are made read-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from auditor import __version__
from auditor.errors import InputError
from auditor.models import AuditRun

MANIFEST = "MANIFEST.sha256"
MANIFEST_JSON = "manifest.json"
RUN_FILES = ("results.json", "report.html", "junit.xml")
RUN_DIRS = ("screenshots", "snapshots", "pages")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%Y%m%dT%H%M%SZ")
    except ValueError:
        return datetime.now().strftime("%Y%m%dT%H%M%S")


def _files(folder: Path) -> list[str]:
    """Every file below ``folder`` (relative, '/'-separated, sorted), the manifests excepted."""
    out = []
    for p in folder.rglob("*"):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in (MANIFEST, MANIFEST_JSON):
            out.append(rel)
    return sorted(out)


def run_files(run: AuditRun, out_dir: Path) -> list[str]:
    """The per-account files of ``run`` in ``out_dir`` (screenshots, snapshots, pages), relative:
    only the accounts this run audited, whatever else an earlier run left in the folder."""
    ids = {a.id for a in run.accounts}
    found = []
    for d in RUN_DIRS:
        folder = out_dir / d
        if not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            if p.is_file() and not p.is_symlink() and _account_of(d, p.name) in ids:
                found.append(f"{d}/{p.name}")
    return found


_PAGE = re.compile(r"(?P<id>.+)-\d+-[A-Za-z_]+\.html")


def _account_of(folder: str, name: str) -> str:
    """The account id a per-account file belongs to: ``ID.jpg``, ``ID.json``, ``ID-N-KIND.html``."""
    if folder == "pages":
        m = _PAGE.fullmatch(name)
        return m.group("id") if m else ""
    return name.rsplit(".", 1)[0]


def archive_run(run: AuditRun, out_dir: Path, root: Path, hars: list[Path] | None = None) -> Path:
    """Copy a finished run from ``out_dir`` (and the HAR files) into a new folder under ``root``:
    its three outputs and the screenshots, snapshots and pages of the accounts it audited."""
    root.mkdir(parents=True, exist_ok=True)
    name = _stamp(run.started_at)
    final = root / name
    n = 1
    while final.exists():
        n += 1
        final = root / f"{name}-{n}"
    tmp = root / f".{final.name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for f in RUN_FILES:
            if (out_dir / f).is_file():
                shutil.copy2(out_dir / f, tmp / f)
        for rel in run_files(run, out_dir):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(out_dir / rel, tmp / rel)
        found = [h for h in hars or [] if h.is_file()]
        stems = [h.stem for h in found]
        used: set[str] = set()
        for h in found:
            # shards each bring a pages.har: then each is named by its folder (shard-1-pages.har)
            stem = f"{h.parent.name}-{h.stem}" if stems.count(h.stem) > 1 else h.stem
            base, k = stem, 1
            while stem in used:
                k += 1
                stem = f"{base}-{k}"
            used.add(stem)
            (tmp / "har").mkdir(exist_ok=True)
            shutil.copy2(h, tmp / "har" / f"{stem}.har")
        files = {rel: {"sha256": sha256_file(tmp / rel), "bytes": (tmp / rel).stat().st_size}
                 for rel in _files(tmp)}
        (tmp / MANIFEST).write_text("".join(f"{v['sha256']}  {k}\n" for k, v in files.items()), encoding="utf-8")
        meta = {"tool": "auditor", "tool_version": __version__, "run_started_at": run.started_at,
                "run_finished_at": run.finished_at, "registry": run.registry, "policy_id": run.policy_id,
                "counts": run.counts, "files": files}
        (tmp / MANIFEST_JSON).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        for p in tmp.rglob("*"):
            if p.is_file():
                p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, final)
    except BaseException:
        _make_writable(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _make_writable(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            p.chmod(stat.S_IRUSR | stat.S_IWUSR)


def runs(root: Path) -> list[Path]:
    """The archived run folders under ``root``, oldest first (their names are UTC timestamps)."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and (p / MANIFEST).is_file())


def latest_results(root: Path) -> Path | None:
    """results.json of the newest archived run, if any."""
    for folder in reversed(runs(root)):
        if (folder / "results.json").is_file():
            return folder / "results.json"
    return None


@dataclass
class Verification:
    folder: Path
    ok: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the manifest itself is unreadable

    @property
    def intact(self) -> bool:
        return not (self.changed or self.missing or self.added or self.problems)


def _read_manifest(folder: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    for n, line in enumerate((folder / MANIFEST).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not rel:
            raise ValueError(f"{folder / MANIFEST}:{n}: not a '<sha256>  <path>' line")
        entries[rel] = digest
    return entries


def verify_run(folder: Path) -> Verification:
    v = Verification(folder)
    try:
        listed = _read_manifest(folder)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        v.problems.append(str(exc))
        return v
    # manifest.json must agree with MANIFEST.sha256: editing one of them alone is a change too.
    try:
        js = json.loads((folder / MANIFEST_JSON).read_text(encoding="utf-8"))
        if {k: e["sha256"] for k, e in js["files"].items()} != listed:
            v.problems.append(f"{MANIFEST_JSON} and {MANIFEST} list different files or hashes")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        v.problems.append(f"{folder / MANIFEST_JSON}: missing or unreadable")
    for rel, digest in listed.items():
        path = folder / rel
        if not path.is_file():
            v.missing.append(rel)
        elif sha256_file(path) != digest:
            v.changed.append(rel)
        else:
            v.ok.append(rel)
    v.added = [rel for rel in _files(folder) if rel not in listed]
    return v


def verify(path: Path) -> list[Verification]:
    """Verify one archived run folder, or every run under an archive root."""
    if not path.is_dir():
        raise InputError(f"{path}: archive folder not found")
    if (path / MANIFEST).is_file():
        return [verify_run(path)]
    found = runs(path)
    if not found:
        raise InputError(f"{path}: no archived runs here (no {MANIFEST} in it or in its sub-folders)")
    return [verify_run(f) for f in found]
