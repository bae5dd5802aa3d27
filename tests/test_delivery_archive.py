"""Evidence archive (--archive, verify-archive), --fail-on thresholds, filters and progress output."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from pathlib import Path

import pytest

from auditor.cli import exit_code
from auditor.models import AuditRun
from auditor.outputs.progress import AuditProgress
from tests.conftest import ROOT, LoopbackSite, load_results, run_auditor, write_registry

FIXTURE = ROOT / "tests" / "fixtures" / "delivery_run.json"
DEMO = ("--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "-q")


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two replayed demo runs into one archive: the second compares itself with the first."""
    base = tmp_path_factory.mktemp("arch")
    for n in (1, 2):
        proc = run_auditor("audit", *DEMO, "--out", str(base / f"out{n}"), "--archive", str(base / "archive"))
        assert proc.returncode == 1, proc.stderr
        assert "Archived: " in proc.stderr
    return base


def runs_in(archive: Path) -> list[Path]:
    return sorted(p for p in archive.iterdir() if p.is_dir())


def writable(path: Path) -> Path:
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return path


@pytest.mark.browser
def test_archive_keeps_each_run_with_a_sha256_manifest(archived: Path) -> None:
    first, second = runs_in(archived / "archive")
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(["MANIFEST.sha256", "manifest.json", "results.json", "report.html", "junit.xml",
                            "har/demo.har"] + [f"{d}/{i}.{e}" for d, e in (("screenshots", "jpg"),
                                                                          ("snapshots", "json"))
                                               for i in ("mpd-x", "mpd-facebook", "mpd-instagram", "mpd-youtube",
                                                         "mpd-5d-x")]
                           # the rendered HTML of every page loaded, extra tabs included
                           + [f"pages/{p}.html" for p in ("mpd-x-0-profile", "mpd-facebook-0-profile",
                                                          "mpd-facebook-1-about", "mpd-instagram-0-profile",
                                                          "mpd-youtube-0-profile", "mpd-youtube-1-about",
                                                          "mpd-5d-x-0-profile")])
    lines = (first / "MANIFEST.sha256").read_text().splitlines()
    assert len(lines) == len(files) - 2
    for line in lines:  # sha256sum format, and the hashes are the files' own
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((first / rel).read_bytes()).hexdigest() == digest
    meta = json.loads((first / "manifest.json").read_text())
    assert meta["counts"]["total"] == 5 and meta["files"]["har/demo.har"]["bytes"] == (ROOT / "demo/demo.har").stat(
        ).st_size
    assert (first / "results.json").stat().st_mode & 0o222 == 0, "archived files are read-only"
    assert "DC Police Department" in (first / "pages" / "mpd-x-0-profile.html").read_text()
    # The second run found the first in the archive and compared itself with it.
    changes = load_results(archived / "out2")["changes"]
    assert changes["previous_source"] == str(first / "results.json")
    assert changes["newly_failing"] == [] and len(changes["still_failing"]) == 9


@pytest.mark.browser
def test_verify_archive_names_what_changed(archived: Path, tmp_path: Path) -> None:
    proc = run_auditor("verify-archive", str(archived / "archive"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count(": OK (21 files match their SHA-256)") == 2
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(runs_in(archived / "archive")[0], copy)
    report = writable(copy / "report.html")
    report.write_text(report.read_text().replace("Compliant", "Compl1ant"))
    (writable(copy / "screenshots" / "mpd-x.jpg")).unlink()
    (copy / "snapshots" / "extra.json").write_text("{}")
    proc = run_auditor("verify-archive", str(copy))
    assert proc.returncode == 1
    assert "CHANGED" in proc.stdout and "  modified: report.html" in proc.stdout
    assert "  missing: screenshots/mpd-x.jpg" in proc.stdout and "  added: snapshots/extra.json" in proc.stdout
    assert "modified: results.json" not in proc.stdout
    # Rewriting a hash in MANIFEST.sha256 alone does not hide a change: manifest.json disagrees.
    man = writable(copy / "MANIFEST.sha256")
    digest = hashlib.sha256(report.read_bytes()).hexdigest()
    man.write_text("\n".join(f"{digest}  report.html" if ln.endswith("  report.html") else ln
                             for ln in man.read_text().splitlines()) + "\n")
    proc = run_auditor("verify-archive", str(copy))
    assert proc.returncode == 1 and "manifest: manifest.json and MANIFEST.sha256 list different" in proc.stdout
    assert "modified: report.html" not in proc.stdout


def test_verify_archive_of_a_folder_without_runs_is_bad_input(tmp_path: Path) -> None:
    proc = run_auditor("verify-archive", str(tmp_path))
    assert proc.returncode == 2 and "no archived runs" in proc.stderr


@pytest.mark.browser
def test_archive_records_a_har_of_a_live_run(site: LoopbackSite, tmp_path: Path) -> None:
    url = site.add("/mpd", "<html><head><title>MPD</title></head><body><p>Official account of the Metropolitan "
                           "Police Department of the District of Columbia.</p></body></html>")
    sites = write_registry(tmp_path / "sites.yaml", [{"id": "loop", "name": "Loopback", "url": url}])
    proc = run_auditor("audit", "--sites", str(sites), "--out", str(tmp_path / "out"), "--archive",
                       str(tmp_path / "arch"), "--no-screenshots", "-q")
    assert proc.returncode == 1, proc.stderr
    [kept] = runs_in(tmp_path / "arch")
    har = json.loads((kept / "har" / "pages.har").read_text())
    assert any(e["request"]["url"] == url and "Official account" in e["response"]["content"].get("text", "")
               for e in har["log"]["entries"])


@pytest.mark.parametrize(("fail_on", "statuses", "rc"), [
    ("needs_review", ["compliant", "needs_review"], 1),
    ("needs_review", ["compliant"], 0),
    ("unreachable", ["compliant", "needs_review"], 0),
    ("unreachable", ["unreachable"], 1),
    ("unreachable", ["non_compliant"], 1),
    ("non_compliant", ["unreachable", "needs_review"], 0),
    ("non_compliant", ["non_compliant"], 1),
    ("never", ["non_compliant"], 0),
])
def test_fail_on_thresholds(fail_on: str, statuses: list[str], rc: int) -> None:
    run = AuditRun.model_validate_json(FIXTURE.read_text())
    base = run.accounts[0]
    run.accounts = [base.model_copy(update={"id": f"a{i}", "status": s}) for i, s in enumerate(statuses)]
    assert exit_code(run, fail_on) == rc


@pytest.mark.browser
def test_filters_and_fail_on_on_a_real_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_auditor("audit", *DEMO, "--out", str(out), "--element", "fifth district", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    assert [a["id"] for a in load_results(out)["accounts"]] == ["mpd-5d-x"]
    proc = run_auditor("audit", *DEMO, "--out", str(out), "--platform", "x", "--fail-on", "non_compliant")
    assert proc.returncode == 1
    assert [a["id"] for a in load_results(out)["accounts"]] == ["mpd-x", "mpd-5d-x"]
    proc = run_auditor("audit", *DEMO, "--out", str(out), "--platform", "instagram", "--fail-on", "non_compliant")
    assert proc.returncode == 0, "needs review only: not at the non_compliant threshold"
    proc = run_auditor("audit", *DEMO, "--out", str(out), "--platform", "instagram", "--fail-on", "needs_review")
    assert proc.returncode == 1


def test_filters_that_match_nothing_are_bad_input(tmp_path: Path) -> None:
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--out", str(tmp_path / "o"), "--element", "Sixth")
    assert proc.returncode == 2 and "--element names no account: Sixth" in proc.stderr
    assert "Fifth District" in proc.stderr
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--out", str(tmp_path / "o"), "--platform", "myspace")
    assert proc.returncode == 2 and "--platform names no account: myspace" in proc.stderr
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--out", str(tmp_path / "o"), "--only", "mpd-x",
                       "--platform", "facebook")
    assert proc.returncode == 2 and "leave no account" in proc.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.browser
def test_plain_progress_lines_without_a_terminal(tmp_path: Path) -> None:
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out",
                       str(tmp_path / "o"), "--no-screenshots")
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("[")]
    assert len(lines) == 5 and lines[-1].startswith("[5/5] ")
    assert any(ln.endswith("mpd-5d-x: non_compliant (pass=4 fail=1 review=1)") for ln in lines)
    assert "\x1b[" not in proc.stderr, "no terminal control codes in CI logs"


def test_rich_bar_on_a_terminal() -> None:
    run = AuditRun.model_validate_json(FIXTURE.read_text())
    buf = io.StringIO()
    with AuditProgress(2, stream=buf, terminal=True) as progress:
        for a in run.accounts:
            progress(a)
    out = buf.getvalue()
    assert "\x1b[" in out, "drawn with terminal control codes"
    assert "[1/2] mpd-x: compliant (pass=6)" in out and "[2/2] mpd-facebook: non_compliant" in out
    assert "2/2" in out
