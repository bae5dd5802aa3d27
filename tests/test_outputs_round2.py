"""Round two of outputs and input (issue 12): text no output can carry, a full or read-only disk,
one run per output folder, only this run's files archived, and bad input refused up front.

Full-disk and read-only cases use a real tmpfs mount when the tests run as root (skipped when
mounting is not possible), and chmod when they do not; the XML is read by a real XML parser.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from auditor import cli
from auditor.errors import EXIT_BAD_INPUT, EXIT_TOOL_FAILED, InputError, ToolError
from auditor.models import Account, Evidence, Snapshot, TextBlock
from auditor.outdir import OutputDir
from auditor.outputs import html_report, junit, results_json
from auditor.policy import load_policy
from auditor.registry import load_registry
from auditor.runner import build_run, judge
from auditor.safetext import QUOTE_MAX, cap_quote, cap_text, valid_unicode, xml_text
from tests.conftest import ROOT, LoopbackSite, load_results, run_auditor, write_registry

DEMO_SITES, DEMO_HAR = ROOT / "demo" / "sites.yaml", ROOT / "demo" / "demo.har"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HOSTILE = "MPD \x01on\x1b[31m X\x7f \ud800 \ufffe"  # SOH, ESC, DEL, a lone surrogate, a non-character
BIO = ("Official account of the Metropolitan Police Department\x01 of the District of Columbia. "
       "Maintained by the MPD Office of Communications\x1b. Not monitored 24/7 \ud83d. In an emergency, call 911.")
GOOD_PAGE = """<!DOCTYPE html><html><head><title>MPD</title><script type="application/ld+json">
{"@type":"GovernmentOrganization","name":"MPD","description":"Official account of the Metropolitan Police
Department of the District of Columbia. Maintained by the MPD Office of Communications. Not monitored 24/7.
In an emergency, call 911.","url":"https://mpdc.dc.gov/","telephone":"(202) 727-9099"}</script></head>
<body><h1>MPD</h1></body></html>"""


def _run(bio: str, name: str = HOSTILE):  # noqa: ANN202 - an AuditRun built by the real checks
    policy = load_policy()
    account = Account(id="mpd-x", name=name, url="https://x.com/DCPoliceDept", platform="x", element=name)
    snap = Snapshot(account_id="mpd-x", platform="x", requested_url=account.url, final_url=account.url,
                    texts=[TextBlock(region="bio", text=bio, source="UserDescription")])
    snap.coverage.expected, snap.coverage.seen = ["bio"], []
    return build_run([judge(account, snap, policy)], policy, "sites.yaml", "2026-12-01T10:00:00+00:00", 1.0), policy


def _write_all(run, policy, out: Path) -> None:  # noqa: ANN001
    out.mkdir(parents=True, exist_ok=True)
    results_json.write(run, out)
    junit.write(run, out)
    html_report.write(run, out, policy=policy)


# --- text no output can carry ------------------------------------------------------------------

def test_control_characters_and_lone_surrogates_survive_every_writer(tmp_path: Path) -> None:
    run, policy = _run(BIO)
    run.accounts[0].items["official_statement"].reason += " \x01\x1b\ud800"
    _write_all(run, policy, tmp_path)
    raw = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    root = ET.fromstring(raw)  # expat refuses any character XML 1.0 forbids
    assert not NOT_XML.search(raw)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "mpd-x: MPD on[31m X\x7f \ufffd "
    assert "Official account of the Metropolitan Police Department of" in raw  # the evidence, cleaned
    data = load_results(tmp_path)
    results_json.validate(data)
    assert data["accounts"][0]["name"] == "MPD \x01on\x1b[31m X\x7f \ufffd \ufffe"  # JSON escapes controls
    html = (tmp_path / "report.html").read_bytes().decode("utf-8")  # valid UTF-8 throughout
    assert not NOT_XML.search(html) and "MPD on[31m X" in html


def test_xml_text_strips_exactly_what_xml_forbids() -> None:
    allowed = "tab\tnl\ncr\r é \ud7ff \ue000 \ufffd \U0001f600 \U0010ffff"
    assert xml_text(allowed) == allowed
    assert xml_text("a\x00b\x08c\x0bd\x1fe\ufffef\uffffg") == "abcdefg"
    assert valid_unicode("x\ud83d\ude00y\udc00") == "x\U0001f600y\ufffd"  # a pair joins; a lone half is U+FFFD


def test_a_huge_quote_is_cut_around_its_match_and_says_so(tmp_path: Path) -> None:
    filler = "word " * 1_200_000  # a 6 MB "sentence", as a hostile page's bio can be, in every item's evidence
    run, policy = _run(BIO, "MPD on X")
    for r in run.accounts[0].items.values():
        quote = f"{filler}In an emergency, call 911. {filler}"
        r.evidence = [Evidence(quote=quote, match="call 911", region="bio")] * 3
    _write_all(run, policy, tmp_path)
    for r in run.accounts[0].items.values():
        for e in r.evidence:
            assert len(e.quote) <= QUOTE_MAX and "call 911" in e.quote and e.quote.startswith("... ")
            cut = int(re.search(r" \.\.\. \[cut: ([\d,]+) characters\]$", e.quote).group(1).replace(",", ""))
            assert cut == 12_000_027 - len(e.quote.removeprefix("... ").split(" ... [cut:")[0])
    sizes = {n: (tmp_path / n).stat().st_size for n in ("results.json", "junit.xml", "report.html")}
    assert sizes["results.json"] < 40_000 and sizes["junit.xml"] < 20_000 and sizes["report.html"] < 150_000, sizes
    for name in ("report.html", "junit.xml", "results.json"):
        assert "characters]" in (tmp_path / name).read_text(encoding="utf-8")


def test_quotes_from_the_real_checks_are_capped(tmp_path: Path) -> None:
    filler = "word " * 1_500  # 7,500 characters each side: inside what the checks read, far beyond a quote
    run, _ = _run(f"{filler}Official account of the Metropolitan Police Department {filler}.", "MPD on X")
    (ev,) = run.accounts[0].items["official_statement"].evidence[:1]
    assert len(ev.quote) <= QUOTE_MAX and ev.match.lower() in ev.quote.lower() and "[cut: " in ev.quote


def test_cap_is_idempotent_and_exact() -> None:
    quote = "a" * 1000 + "call 911" + "b" * 5000
    once = cap_quote(quote, "call 911")
    assert len(once) <= QUOTE_MAX and "call 911" in once and once.startswith("... ") and "b ... [cut:" in once
    kept = len(once.removeprefix("... ").split(" ... [cut:")[0])
    assert once.endswith(f"[cut: {len(quote) - kept:,} characters]")
    assert Evidence(quote=once, match="call 911").quote == once  # read back from results.json: unchanged
    assert cap_quote("short", "x") == "short"
    long_reason = cap_text("r" * 10_000)
    kept = len(long_reason.split(" ... [cut:")[0])
    assert len(long_reason) <= 2000 and long_reason.endswith(f" ... [cut: {10_000 - kept:,} characters]")


# --- bad input: exit 2 before any browser starts -------------------------------------------------

@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["/dev/zero", "/dev/null", "folder", "fifo"])
def test_a_registry_that_is_no_file_is_bad_input(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture,
                                                 request: pytest.FixtureRequest) -> None:
    path = {"folder": tmp_path, "fifo": request.getfixturevalue("fifo")}.get(kind, Path(kind))
    started = time.monotonic()
    rc = cli.main(["audit", "--sites", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == EXIT_BAD_INPUT and time.monotonic() - started < 5  # /dev/zero and a FIFO are not read
    what = {"/dev/zero": "a character device", "/dev/null": "a character device", "folder": "a folder",
            "fifo": "a named pipe (FIFO)"}[kind]
    assert err.strip() == f"auditor: error: {path}: cannot read registry file: it is {what}, not a file"
    assert not (tmp_path / "out").exists()


@contextlib.contextmanager
def _as_nobody() -> Iterator[None]:
    """Root reads any file: drop the effective uid for the read (permission checks use it)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


def test_an_unreadable_registry_is_bad_input(tmp_path: Path) -> None:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": "a", "name": "A", "url": "https://x.com/a"}])
    sites.chmod(0)
    tmp_path.chmod(0o755)
    with _as_nobody(), pytest.raises(InputError, match=r"sites.yaml: cannot read registry file: permission denied"):
        load_registry(sites)


def _cut_demo(tmp_path: Path) -> Path:
    path = tmp_path / "cut.har"
    path.write_bytes(DEMO_HAR.read_bytes()[:5000])
    return path


@pytest.mark.parametrize(("content", "expect"), [
    ("hello\n", r"bad\.har:1: not a replay HAR: invalid JSON at line 1 column 1"),
    ('{"a": 1}', r"not a replay HAR: JSON without a log.entries list"),
    ('{"log": {"entries": {}}}', r"JSON without a log.entries list"),
    ('{"log": {"entries": [{"request": {"method": "GET"}, "response": {"status": 200}}]}}',
     r"log.entries\[0\] has no request.url and request.method"),
    ('{"log": {"entries": [{"request": {"url": "https://x.com/a", "method": "GET"}, "response": {}}]}}',
     r"log.entries\[0\] has no response.status"),
    (b"\xff\xfe{}", r"not a replay HAR: the file is not UTF-8 text"),
    (b"PK\x05\x06" + b"\x00" * 18, r"a zip archive without a .har file"),
])
def test_a_replay_file_that_is_no_har_is_bad_input(content: str | bytes, expect: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    har = tmp_path / "bad.har"
    har.write_bytes(content if isinstance(content, bytes) else content.encode())
    rc = cli.main(["audit", "--sites", str(DEMO_SITES), "--replay", str(har), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == EXIT_BAD_INPUT and re.search(expect, err), err
    assert str(har) in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # refused before the output folder, let alone a browser


def test_a_truncated_or_device_replay_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for har, expect in ((_cut_demo(tmp_path), r"cut\.har:\d+: not a replay HAR: invalid JSON .*Unterminated"),
                        (Path("/dev/zero"), r"/dev/zero: cannot read replay HAR file: it is a character device"),
                        (tmp_path, r"cannot read replay HAR file: it is a folder")):
        rc = cli.main(["audit", "--sites", str(DEMO_SITES), "--replay", str(har), "--out", str(tmp_path / "o")])
        err = capsys.readouterr().err
        assert rc == EXIT_BAD_INPUT and re.search(expect, err), err


def test_merge_and_recheck_inputs_that_are_not_what_they_claim(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture) -> None:
    shard = tmp_path / "shard"
    (shard / "results.json").mkdir(parents=True)  # a folder named results.json
    assert cli.main(["merge", str(shard), "--out", str(tmp_path / "m")]) == EXIT_BAD_INPUT
    assert "shard/results.json: not found" in capsys.readouterr().err
    (shard / "results.json").rmdir()
    (shard / "results.json").write_text('{"log": []}', encoding="utf-8")
    assert cli.main(["merge", str(shard), "--out", str(tmp_path / "m")]) == EXIT_BAD_INPUT
    assert "not a valid results.json" in capsys.readouterr().err
    assert cli.main(["recheck", str(shard)]) == EXIT_BAD_INPUT
    assert "shard/results.json: not a valid results.json" in capsys.readouterr().err
    run, policy = _run(BIO, "MPD on X")
    results_json.write(run, shard)
    (shard / "snapshots").mkdir()
    (shard / "snapshots" / "mpd-x.json").write_text('{"truncated', encoding="utf-8")
    assert cli.main(["recheck", str(shard)]) == EXIT_BAD_INPUT
    assert "snapshots/mpd-x.json: not a valid snapshot of account 'mpd-x'" in capsys.readouterr().err


# --- the output folder: a file, read-only, full, locked, foreign -----------------------------------

def _mount(where: Path, options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")


@pytest.fixture
def mounts() -> Iterator[list[Path]]:
    made: list[Path] = []
    yield made
    for m in made:
        subprocess.run(["umount", "-l", str(m)], capture_output=True)


def _read_only_dir(tmp_path: Path, mounts: list[Path]) -> Path:
    ro = tmp_path / "ro"
    if os.geteuid() == 0:
        _mount(ro, "ro,size=64k")
        mounts.append(ro)
    else:
        ro.mkdir()
        ro.chmod(0o555)
    return ro


def test_out_that_is_a_file_or_read_only_is_a_tool_failure_before_any_browser(
        tmp_path: Path, mounts: list[Path], capsys: pytest.CaptureFixture) -> None:
    a_file = tmp_path / "report.txt"
    a_file.write_text("x", encoding="utf-8")
    ro = _read_only_dir(tmp_path, mounts)
    cases = [(a_file, f"--out {a_file}: is a file, not a folder; nothing was audited"),
             (a_file / "sub", f"--out {a_file}/sub: cannot write {a_file}/sub: a part of the path is a file"),
             (ro, f"--out {ro}: cannot write {ro}/.auditor.lock: "),
             (ro / "new", f"--out {ro}/new: cannot write {ro}/new: ")]
    for out, expect in cases:
        started = time.monotonic()
        rc = cli.main(["audit", "--sites", str(DEMO_SITES), "--replay", str(DEMO_HAR), "--out", str(out), "-q"])
        err = capsys.readouterr().err
        assert rc == EXIT_TOOL_FAILED and expect in err, err
        assert time.monotonic() - started < 10 and "Traceback" not in err
    assert a_file.read_text(encoding="utf-8") == "x"


def _fill(mount: Path, leave: int) -> None:
    """Fill the file system at ``mount`` so that about ``leave`` bytes stay free."""
    filler = mount / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    with contextlib.suppress(OSError):
        while os.write(fd, b"\0" * 65536):
            pass
    os.close(fd)
    free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
    os.truncate(filler, max(0, filler.stat().st_size - (leave - free)))


def test_a_full_disk_keeps_what_could_be_written_and_names_what_could_not(
        tmp_path: Path, mounts: list[Path]) -> None:
    disk = tmp_path / "disk"
    _mount(disk, "size=1m")
    mounts.append(disk)
    out = disk / "out"
    out.mkdir()
    (out / "report.html").write_text("the previous run's report", encoding="utf-8")
    run, policy = _run(BIO, "MPD on X")
    need = len(results_json.dump(run)) + len(junit.render(run)) + 4 * 4096  # the report needs far more
    with OutputDir(out) as od:
        (od.path / "snapshots").mkdir()
        (od.path / "snapshots" / "mpd-x.json").write_text("{}", encoding="utf-8")
        _fill(disk, need)
        with pytest.raises(ToolError) as caught:
            cli._finish(run, od, policy)
    msg = str(caught.value)
    assert f"cannot write {out}/report.html: no space left on the device" in msg
    assert f"The rest of the run is in {out}" in msg
    assert load_results(out)["started_at"] == run.started_at
    ET.parse(out / "junit.xml")
    assert (out / "snapshots" / "mpd-x.json").is_file()
    assert not (out / "report.html").exists()  # the old report would not match these results
    assert not list(out.glob(".auditor-staging-*"))


def test_no_room_for_results_json_keeps_the_previous_run_whole(tmp_path: Path, mounts: list[Path]) -> None:
    disk = tmp_path / "disk"
    _mount(disk, "size=1m")
    mounts.append(disk)
    out = disk / "out"
    out.mkdir()
    previous = {n: f"previous {n}" for n in ("results.json", "junit.xml", "report.html")}
    for name, text in previous.items():
        (out / name).write_text(text, encoding="utf-8")
    run, policy = _run(BIO, "MPD on X")
    with OutputDir(out) as od:
        _fill(disk, 0)
        with pytest.raises(ToolError, match=f"cannot write {out}/results.json: no space left on the device; "
                                            "this run's results are not kept"):
            cli._finish(run, od, policy)
    assert {n: (out / n).read_text(encoding="utf-8") for n in previous} == previous
    assert not list(out.glob(".auditor-staging-*"))


def test_a_disk_full_from_the_start_is_exit_3_and_leaves_the_previous_run(tmp_path: Path,
                                                                          mounts: list[Path]) -> None:
    disk = tmp_path / "disk"
    _mount(disk, "size=512k")
    mounts.append(disk)
    out = disk / "out"
    out.mkdir()
    (out / "results.json").write_text('{"previous": true}', encoding="utf-8")
    _fill(disk, 0)
    proc = run_auditor("audit", "--sites", str(DEMO_SITES), "--replay", str(DEMO_HAR), "--out", str(out), "-q",
                       "--no-screenshots", timeout=120)
    assert proc.returncode == EXIT_TOOL_FAILED, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]  # (the runner may log its cancelled accounts above it)
    assert last.startswith(f"auditor: error: cannot write {out}/") and "no space left on the device" in last
    assert (out / "results.json").read_text(encoding="utf-8") == '{"previous": true}'
    assert not list(out.glob(".auditor-staging-*"))


def test_a_locked_out_is_refused_at_once_naming_the_holder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    with OutputDir(out):
        started = time.monotonic()
        rc = cli.main(["audit", "--sites", str(DEMO_SITES), "--replay", str(DEMO_HAR), "--out", str(out)])
        err = capsys.readouterr().err
        assert rc == EXIT_BAD_INPUT and time.monotonic() - started < 10
        assert f"--out {out}: another auditor run is writing to this folder (pid {os.getpid()}, started " in err
        assert "nothing was audited" in err
        with pytest.raises(InputError, match="another auditor run"):
            OutputDir(out, staged=False).open()  # recheck locks too
    with OutputDir(out):  # released with the first run
        pass


def test_a_folder_the_tool_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "pages").mkdir(parents=True)
    (out / "pages" / "index.html").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match=r"pages was not written by the auditor and would be replaced"):
        OutputDir(out).open()
    assert (out / "pages" / "index.html").read_text(encoding="utf-8") == "mine"
    (out / "pages").rename(out / "my-pages")  # then the run goes ahead and leaves the rest alone
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    with OutputDir(out) as od:
        results_json.write(_run(BIO, "MPD on X")[0], od.path)
    assert (out / "results.json").is_file() and (out / "notes.txt").read_text(encoding="utf-8") == "keep"
    assert (out / "my-pages" / "index.html").is_file()


# --- real runs: one run per folder, only this run's files archived, an interrupt kept ---------------

def _hostile_demo_registry(path: Path) -> Path:
    data = yaml.safe_load(DEMO_SITES.read_text(encoding="utf-8"))
    for a in data["accounts"]:
        a["name"] = f"{a['name']} \x01\x1b[0m"  # what an account name from a copied spreadsheet may carry
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")  # PyYAML writes "\x01" escapes
    return path


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A finished demo run (account names with control characters) to reuse as an old --out."""
    base = tmp_path_factory.mktemp("demo-run")
    sites = _hostile_demo_registry(base / "sites.yaml")
    proc = run_auditor("audit", "--sites", str(sites), "--replay", str(DEMO_HAR), "--out", str(base / "out"), "-q")
    assert proc.returncode == 1, proc.stderr
    return sites, base / "out"


def _consistent(out: Path) -> dict:
    """results.json, junit.xml and report.html are of the same run; the folder holds its files only."""
    data = load_results(out)
    root = ET.parse(out / "junit.xml").getroot()
    assert root.get("timestamp") == data["started_at"]
    assert html_report.when(data["finished_at"]) in (out / "report.html").read_text(encoding="utf-8")
    ids = {a["id"] for a in data["accounts"]}
    assert {p.stem for p in (out / "snapshots").iterdir()} == ids
    assert {p.stem for p in (out / "screenshots").iterdir()} == ids
    assert not [p for p in out.iterdir() if p.name.startswith((".auditor-staging-", ".auditor-old-"))]
    return data


@pytest.mark.browser
def test_a_real_run_with_control_characters_in_names_writes_valid_junit(demo_out: tuple[Path, Path]) -> None:
    _, out = demo_out
    raw = (out / "junit.xml").read_text(encoding="utf-8")
    suites = ET.fromstring(raw).findall("testsuite")
    assert len(suites) == 5 and suites[0].get("name") == "mpd-x: MPD on X [0m"
    assert not NOT_XML.search(raw)
    assert load_results(out)["accounts"][0]["name"] == "MPD on X \x01\x1b[0m"  # the record keeps the name
    _consistent(out)


@pytest.mark.browser
def test_a_second_run_into_the_same_out_is_refused_and_the_first_stays_whole(
        demo_out: tuple[Path, Path], tmp_path: Path) -> None:
    sites, old = demo_out
    out = tmp_path / "out"
    shutil.copytree(old, out)
    before = load_results(out)["started_at"]
    first = subprocess.Popen([sys.executable, "-m", "auditor", "audit", "--sites", str(sites), "--replay",
                              str(DEMO_HAR), "--out", str(out), "--only", "mpd-x", "mpd-youtube", "-q"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 60
    while f"pid {first.pid}," not in (out / ".auditor.lock").read_text(encoding="utf-8"):
        assert time.monotonic() < end and first.poll() is None, first.communicate()
        time.sleep(0.05)
    second = run_auditor("audit", "--sites", str(DEMO_SITES), "--replay", str(DEMO_HAR), "--out", str(out), "-q")
    assert first.poll() is None, "the second run is refused at once: the first is still running"
    _, err = first.communicate(timeout=120)
    assert second.returncode == EXIT_BAD_INPUT, second.stderr
    assert f"another auditor run is writing to this folder (pid {first.pid}" in second.stderr
    assert first.returncode == 0, err  # both accounts are compliant
    data = _consistent(out)
    assert data["started_at"] != before and [a["id"] for a in data["accounts"]] == ["mpd-x", "mpd-youtube"]


@pytest.mark.browser
def test_only_into_a_reused_out_archives_only_its_accounts(demo_out: tuple[Path, Path], tmp_path: Path) -> None:
    sites, old = demo_out
    out, arch = tmp_path / "out", tmp_path / "archive"
    shutil.copytree(old, out)
    proc = run_auditor("audit", "--sites", str(sites), "--replay", str(DEMO_HAR), "--out", str(out), "--only",
                       "mpd-x", "--archive", str(arch), "-q")
    assert proc.returncode == 0, proc.stderr
    _consistent(out)
    (kept,) = [p for p in arch.iterdir() if not p.name.startswith(".")]
    listed = sorted(line.split("  ", 1)[1] for line in (kept / "MANIFEST.sha256").read_text().splitlines())
    assert listed == ["har/demo.har", "junit.xml", "pages/mpd-x-0-profile.html", "report.html", "results.json",
                      "screenshots/mpd-x.jpg", "snapshots/mpd-x.json"]
    assert sorted(p.name for p in (out / "pages").iterdir()) == ["mpd-x-0-profile.html"]
    assert run_auditor("verify-archive", str(kept)).returncode == 0


def _never_finishes(handler) -> None:  # noqa: ANN001
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    handler.wfile.write(b"<html><body><p>Loading")
    handler.wfile.flush()
    time.sleep(20)


@pytest.mark.browser
def test_an_interrupted_run_is_swapped_in_with_what_is_done(site: LoopbackSite, tmp_path: Path) -> None:
    accounts = {"done": site.add("/good", GOOD_PAGE), "stuck": site.add("/never", handler=_never_finishes)}
    sites = write_registry(tmp_path / "sites.yaml", [{"id": k, "name": k, "url": u} for k, u in accounts.items()])
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "audit", "--sites", str(sites), "--out", str(out),
                             "--concurrency", "1", "--timeout", "15", "-q"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 60
    while "/never" not in site.hits:
        assert time.monotonic() < end and proc.poll() is None
        time.sleep(0.05)
    assert not (out / "results.json").exists()  # the run writes aside until it ends
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    data = load_results(out)
    assert data["interrupted"] is True and data["accounts"][0]["status"] == "compliant"
    assert (out / "screenshots" / "done.jpg").is_file() and (out / "snapshots" / "done.json").is_file()
    assert not list(out.glob(".auditor-staging-*"))
    with OutputDir(out, staged=False):  # the lock went with the run
        pass
