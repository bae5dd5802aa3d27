"""The scheduled job nobody watches: the workflow's own shell steps run end to end for each way it can
go wrong (mail settings, the history fetch, a shard stopped at its time limit), set-up on a machine whose
browser cannot start, and the job summary."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from auditor.collect.browser import sandbox_decision, start_failure
from auditor.models import AuditRun
from auditor.outputs import summary
from tests.conftest import ROOT, LoopbackSite, load_results, run_auditor, shared_browser_env, write_registry
from tests.test_email import PASSWORD, USER, Server, ca, parse, ssl_server  # noqa: F401 - fixtures

WORKFLOW = ROOT / ".github" / "workflows" / "audit.yml"
GITLAB = ROOT / "ci" / "gitlab-ci.yml"
FIXTURE = ROOT / "tests" / "fixtures" / "delivery_run.json"
_EXPR = re.compile(r"^\$\{\{\s*(.*?)\s*\}\}$")


def _workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def _step(job: str, needle: str) -> dict:
    return next(s for s in _workflow()["jobs"][job]["steps"] if needle in s.get("run", ""))


def github_env(step: dict, variables: dict[str, str], secrets: dict[str, str]) -> dict[str, str]:
    """The step's env as GitHub computes it, for the `vars.X || secrets.Y || 'literal'` forms it uses;
    other expressions (MAIL_TO) are left to the test."""
    out: dict[str, str] = {}
    for key, value in (step.get("env") or {}).items():
        m = _EXPR.match(str(value))
        if not m:
            out[key] = str(value)
            continue
        terms = [t.strip() for t in m.group(1).split("||")]
        if not all(re.fullmatch(r"(vars|secrets)\.\w+|'[^']*'", t) for t in terms):
            continue
        for t in terms:
            got = t[1:-1] if t.startswith("'") else \
                (variables if t.startswith("vars.") else secrets).get(t.split(".", 1)[1], "")
            if got:
                out[key] = got
                break
        else:
            out[key] = ""
    return out


def bash(script: str, cwd: Path, env: dict[str, str], path_first: Path | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "GITHUB_"))} | env
    if path_first is not None:
        full["PATH"] = f"{path_first}{os.pathsep}{full.get('PATH', '')}"
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A checkout-like folder: the venv, scripts, a two-account registry and one finished shard."""
    w = tmp_path / "ci"
    w.mkdir()
    (w / ".venv").symlink_to(ROOT / ".venv")
    (w / "scripts").symlink_to(ROOT / "scripts")
    write_registry(w / "sites.yaml", [{"id": "mpd-x", "name": "MPD on X", "url": "https://x.com/DCPoliceDept"},
                                      {"id": "mpd-facebook", "name": "MPD on Facebook",
                                       "url": "https://www.facebook.com/DCPoliceDepartment"}])
    (w / "shards" / "shard-1").mkdir(parents=True)
    shutil.copyfile(FIXTURE, w / "shards" / "shard-1" / "results.json")
    return w


def merge(work: Path, variables: dict[str, str], secrets: dict[str, str], mail_to: str = "comms@mpdc.dc.gov",
          **extra: str) -> subprocess.CompletedProcess:
    step = _step("report", ".venv/bin/auditor merge")
    env = github_env(step, variables, secrets) | {"SITES": "sites.yaml", "FAIL_ON": "needs_review",
                                                 "MAIL_TO": mail_to} | extra
    return bash(step["run"], work, env)


def assert_report_and_archive_written(work: Path) -> None:
    for name in ("report.html", "results.json", "junit.xml"):
        assert (work / "audit-report" / name).is_file(), name
    [kept] = list((work / "audit-archive").iterdir())
    assert (kept / "MANIFEST.sha256").is_file() and (kept / "results.json").is_file()


# --- mail settings never lose the report -------------------------------------------------------------

SECRETS = {"SMTP_HOST": "mail.example.org", "SMTP_PORT": "", "SMTP_USER": USER, "SMTP_PASSWORD": PASSWORD}
VARS = {"AUDIT_MAIL_FROM": "MPD Audit <audit@mpdc.dc.gov>"}


def test_ssl_only_as_the_docs_say_gets_no_starttls_and_mails(work: Path, ssl_server: Server) -> None:  # noqa: F811
    """The site follows the docs and sets only SMTP_SSL=1: the workflow must not add STARTTLS to it."""
    secrets = SECRETS | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(ssl_server.port)}
    proc = merge(work, VARS | {"SMTP_SSL": "1"}, secrets, SMTP_CA_FILE=str(ssl_server.ca_file))
    assert proc.returncode == 1, proc.stderr  # mailed; exit 1: an account needs action
    [(_, to, raw)] = ssl_server.box.messages
    assert to == ["comms@mpdc.dc.gov"] and "need" in parse(raw)["Subject"]
    assert_report_and_archive_written(work)


def test_no_tls_setting_defaults_to_starttls(work: Path) -> None:
    step = _step("report", ".venv/bin/auditor merge")
    env = github_env(step, VARS, SECRETS)
    probe = bash(step["run"].split("# Mail settings")[0] + 'echo "starttls=${SMTP_STARTTLS:-} ssl=${SMTP_SSL:-}"',
                 work, env)
    assert probe.stdout.strip() == "starttls=1 ssl=", probe.stderr
    env = github_env(step, VARS | {"SMTP_SSL": "TRUE"}, SECRETS)
    probe = bash(step["run"].split("# Mail settings")[0] + 'echo "starttls=${SMTP_STARTTLS:-} ssl=${SMTP_SSL:-}"',
                 work, env)
    assert probe.stdout.strip() == "starttls= ssl=TRUE", probe.stderr


@pytest.mark.parametrize(("variables", "secrets", "mail_to", "words"), [
    ({"SMTP_SSL": "1", "SMTP_STARTTLS": "1"}, {}, "comms@mpdc.dc.gov", "not both"),
    ({}, {"SMTP_HOST": ""}, "comms@mpdc.dc.gov", "SMTP_HOST"),
    ({}, {"SMTP_PORT": "smtp"}, "comms@mpdc.dc.gov", "SMTP_PORT='smtp' is not a port number"),
    ({"SMTP_STARTTLS": "0"}, {}, "comms@mpdc.dc.gov", "the login would be sent in clear"),
    ({"SMTP_STARTTLS": "maybe"}, {}, "comms@mpdc.dc.gov", "SMTP_STARTTLS='maybe'"),
    ({"AUDIT_MAIL_FROM": ""}, {"SMTP_USER": "bot"}, "comms@mpdc.dc.gov", "SMTP_FROM must be"),
    ({}, {}, "not-an-address", "'not-an-address' is not an e-mail address"),
    ({}, {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "1"}, "comms@mpdc.dc.gov", "could not connect"),
], ids=["ssl-and-starttls", "no-host", "bad-port", "password-in-clear", "bad-flag", "no-sender", "bad-recipient",
        "refused"])
def test_each_smtp_misconfiguration_writes_report_and_archive_then_exits_4(
        work: Path, variables: dict, secrets: dict, mail_to: str, words: str) -> None:
    proc = merge(work, VARS | variables, SECRETS | secrets, mail_to=mail_to)
    assert proc.returncode == 4, proc.stderr
    assert words in proc.stderr and "e-mail not sent" in proc.stderr and "The report is written" in proc.stderr
    assert PASSWORD not in proc.stdout + proc.stderr
    assert_report_and_archive_written(work)
    assert load_results(work / "audit-report")["counts"]["total"] == 2


# --- the history step ----------------------------------------------------------------------------------

FAKE_GH = """#!/usr/bin/env bash
# A stand-in for the GitHub CLI: $FAKE_GH_MODE says how it answers.
echo "gh $*" >>"$FAKE_GH_LOG"
if [ "$1 $2" = "run list" ]; then
  if [ "$FAKE_GH_MODE" = fail ]; then echo "HTTP 502: Bad Gateway (https://api.github.com/...)" >&2; exit 1; fi
  cat "$FAKE_GH_RUNS"; exit 0
fi
if [ "$1 $2" = "run download" ]; then
  id=$3; shift 3
  while [ $# -gt 0 ]; do [ "$1" = --dir ] && dir=$2; shift; done
  [ -f "$FAKE_GH_ARTIFACTS/$id/results.json" ] || { echo "no valid artifacts found to download" >&2; exit 1; }
  mkdir -p "$dir"; cp "$FAKE_GH_ARTIFACTS/$id/results.json" "$dir/"; exit 0
fi
exit 2
"""


def _fake_gh(tmp_path: Path, runs: list[dict], artifacts: dict[int, str]) -> tuple[Path, dict[str, str]]:
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "runs.json").write_text(json.dumps(runs))
    for run_id, registry in artifacts.items():
        d = tmp_path / "artifacts" / str(run_id)
        d.mkdir(parents=True)
        data = json.loads(FIXTURE.read_text())
        data["registry"], data["started_at"] = registry, f"2026-11-{run_id % 28 + 1:02d}T11:17:00+00:00"
        (d / "results.json").write_text(json.dumps(data))
    return bin_dir, {"FAKE_GH_LOG": str(tmp_path / "gh.log"), "FAKE_GH_RUNS": str(tmp_path / "runs.json"),
                     "FAKE_GH_ARTIFACTS": str(tmp_path / "artifacts"), "GITHUB_REPOSITORY": "mpd/audit",
                     "GITHUB_RUN_ID": "99", "SITES": "sites.yaml", "DEFAULT_BRANCH": "main", "GH_TOKEN": "x"}


def _history(work: Path, bin_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return bash(_step("report", "previous_run.py")["run"], work, env, path_first=bin_dir)


def test_a_failed_history_fetch_is_a_warning_and_the_report_says_no_previous_run(work: Path, tmp_path: Path) -> None:
    bin_dir, env = _fake_gh(tmp_path, [], {})
    proc = _history(work, bin_dir, env | {"FAKE_GH_MODE": "fail"})
    assert proc.returncode == 0, proc.stderr
    assert "::warning title=No previous run::gh run list failed (exit 1): HTTP 502: Bad Gateway" in proc.stdout
    assert not (work / "previous" / "results.json").exists()
    proc = merge(work, {}, {}, mail_to="")
    assert proc.returncode == 1, proc.stderr
    assert "no previous run to compare with" in (work / "audit-report" / "report.html").read_text()
    assert load_results(work / "audit-report")["changes"] is None


def test_only_a_scheduled_or_dispatched_run_of_the_same_registry_on_the_default_branch_is_the_baseline(
        work: Path, tmp_path: Path) -> None:
    def run(i: int, event: str, branch: str, status: str = "completed") -> dict:
        return {"databaseId": i, "event": event, "headBranch": branch, "status": status, "conclusion": "success",
                "createdAt": f"2026-11-{i:02d}T11:17:00Z"}
    runs = [run(99, "schedule", "main"),  # this run itself
            run(12, "workflow_dispatch", "feature/demo"), run(11, "push", "main"), run(10, "schedule", "main",
                                                                                      "in_progress"),
            run(9, "workflow_dispatch", "main"),  # a demo replay: another registry
            run(8, "schedule", "main"),  # its artifact expired
            run(7, "schedule", "main")]  # the baseline
    artifacts = {99: "sites.yaml", 12: "sites.yaml", 11: "sites.yaml", 10: "sites.yaml", 9: "demo/sites.yaml",
                 7: "sites.yaml"}
    bin_dir, env = _fake_gh(tmp_path, runs, artifacts)
    proc = _history(work, bin_dir, env)
    assert proc.returncode == 0, proc.stderr
    assert "previous run: 7 (schedule on main" in proc.stdout, proc.stdout
    downloads = [ln.split()[3] for ln in (tmp_path / "gh.log").read_text().splitlines() if "run download" in ln]
    assert downloads == ["9", "8", "7"]
    proc = merge(work, {}, {}, mail_to="")
    assert load_results(work / "audit-report")["changes"]["previous_started_at"].startswith("2026-11-08")
    # Only other branches and events: no baseline, a warning, and the job goes on.
    (tmp_path / "runs.json").write_text(json.dumps([run(12, "workflow_dispatch", "feature/demo"),
                                                    run(11, "push", "main"), run(5, "pull_request", "main")]))
    shutil.rmtree(work / "previous")
    proc = _history(work, bin_dir, env)
    assert proc.returncode == 0 and "::warning title=No previous run::no earlier completed" in proc.stdout
    assert not (work / "previous").exists()


def test_a_bad_previous_file_in_merge_is_a_warning_not_a_lost_report(work: Path) -> None:
    (work / "previous").mkdir()
    (work / "previous" / "results.json").write_text("{not json")
    proc = merge(work, {}, {}, mail_to="")
    assert proc.returncode == 1, proc.stderr
    assert "warning: no previous run to compare with" in proc.stderr
    assert_report_and_archive_written(work)


# --- a shard stopped at its time limit -----------------------------------------------------------------

PAGE = """<html><head><script type="application/ld+json">{"@type":"GovernmentOrganization","name":"MPD",
"description":"Official account of the Metropolitan Police Department. Maintained by the MPD Office of
Communications. Not monitored 24/7. In an emergency, call 911.","url":"https://mpdc.dc.gov/",
"telephone":"(202) 727-9099"}</script></head><body><h1>MPD</h1></body></html>"""


@pytest.mark.browser
def test_a_shard_stopped_at_its_deadline_keeps_its_results_and_the_merge_marks_the_rest(
        site: LoopbackSite, tmp_path: Path) -> None:
    fast = site.add("/fast", PAGE)
    slow = site.add("/slow", PAGE, delay_s=120)
    w = tmp_path / "ci"
    w.mkdir()
    (w / ".venv").symlink_to(ROOT / ".venv")
    write_registry(w / "sites.yaml", [{"id": "fast", "name": "Fast", "url": fast},
                                      {"id": "slow", "name": "Slow", "url": slow}])
    audit_step = _step("audit", ".venv/bin/auditor audit")
    # The deadline comes before the slow page's 30 s load timeout would.
    env = {"SITES": "sites.yaml", "REPLAY": "", "SHARD": "1/1", "OUT": "shard-1", "DEADLINE": "27s"}
    t0 = time.monotonic()
    proc = bash(audit_step["run"], w, env | shared_browser_env())
    assert proc.returncode == 130, proc.stderr
    assert time.monotonic() - t0 < 100, "stopped by its deadline, not by the page"
    assert "--deadline reached" in proc.stderr
    shard = load_results(w / "shard-1")
    assert shard["interrupted"] is True
    got = {a["id"]: a for a in shard["accounts"]}
    assert got["fast"]["status"] == "compliant", got["fast"]["load"]
    assert got["slow"]["load"]["wall"] == "unfinished"
    assert (w / "shard-1" / "pages.har").is_file(), "the pages read so far are kept as evidence"
    (w / "shards").mkdir()
    (w / "shard-1").rename(w / "shards" / "shard-1")
    proc = merge(w, {}, {}, mail_to="")
    assert proc.returncode == 130, proc.stderr
    assert "a shard was stopped before it finished" in proc.stderr
    merged = {a["id"]: a for a in load_results(w / "audit-report")["accounts"]}
    assert merged["fast"]["status"] == "compliant" and merged["slow"]["load"]["wall"] == "unfinished"
    assert (w / "audit-report" / "report.html").is_file() and list((w / "audit-archive").iterdir())
    md = run_auditor("summary", str(w / "audit-report")).stdout
    assert "**Not audited** (the run or a shard stopped before them): slow" in md


def test_workflow_keeps_everything_it_produced() -> None:
    wf = _workflow()
    audit, report = wf["jobs"]["audit"], wf["jobs"]["report"]
    assert "--deadline" in _step("audit", ".venv/bin/auditor audit")["run"]
    budget = re.fullmatch(r"(\d+)m", wf["env"]["DEADLINE"])
    assert budget and int(budget.group(1)) < audit["timeout-minutes"], "the deadline is under the job's limit"
    uploads = [s for j in (audit, report) for s in j["steps"] if s.get("uses", "").startswith("actions/upload")]
    assert uploads and all(s["if"] == "${{ always() }}" for s in uploads)
    report_paths = next(s for s in uploads if s["with"]["name"] == "audit-report")["with"]["path"]
    assert "audit-report/screenshots/" in report_paths
    summary_step = next(s for s in report["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary_step["if"] == "${{ always() }}" and "auditor summary audit-report" in summary_step["run"]
    junit = next(s for s in report["steps"] if "junit" in s.get("uses", ""))
    assert junit["with"]["report_paths"] == "audit-report/junit.xml" and "always()" in junit["if"]
    assert report["permissions"]["checks"] == "write"
    for job in (audit, report):
        py = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
        assert py["with"]["cache"] == "pip"
    merge_env = _step("report", ".venv/bin/auditor merge")["env"]
    assert "||" not in merge_env["SMTP_STARTTLS"] + merge_env["SMTP_SSL"], "no default that clashes with SMTP_SSL"
    gl = yaml.safe_load(GITLAB.read_text())
    assert gl["report"]["when"] == "always"
    assert gl["report"]["artifacts"]["reports"]["junit"] == "audit-report/junit.xml"
    assert "audit-report/screenshots/" in gl["report"]["artifacts"]["paths"]
    assert "--deadline" in gl["audit"]["script"][0]


# --- set-up and a browser that cannot start ----------------------------------------------------------

NSS = "error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory"


@pytest.fixture
def broken_chromium(tmp_path: Path) -> Path:
    path = tmp_path / "chromium"
    path.write_text(f'#!/bin/sh\necho "$0: {NSS}" >&2\nexit 127\n')
    path.chmod(0o755)
    return path


def test_setup_fails_with_the_browsers_own_message(tmp_path: Path, broken_chromium: Path) -> None:
    w = tmp_path / "checkout"
    (w / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup", w / "scripts" / "setup")
    (w / ".venv").symlink_to(ROOT / ".venv")  # installed already (no pyproject.toml here: nothing to reinstall)
    proc = subprocess.run(["bash", "scripts/setup"], cwd=w, capture_output=True, text=True, timeout=120,
                          env=os.environ | {"AUDITOR_CHROMIUM": str(broken_chromium),
                                            "SETUP_LOG": str(tmp_path / "setup.log")})
    assert proc.returncode == 3, proc.stderr
    assert f"Chromium ({broken_chromium}) failed to start (exit code 127): {broken_chromium}: {NSS}" in proc.stderr
    assert "setup: Chromium cannot start" in proc.stderr and "ready" not in proc.stderr
    assert "Target page, context or browser has been closed" not in proc.stderr


def test_audit_shows_the_browsers_own_message_and_exits_3(tmp_path: Path, broken_chromium: Path) -> None:
    sites = write_registry(tmp_path / "sites.yaml", [{"id": "a", "name": "A", "url": "https://x.com/a"}])
    proc = run_auditor("audit", "--sites", str(sites), "--out", str(tmp_path / "out"), "-q",
                       env=os.environ | {"AUDITOR_CHROMIUM": str(broken_chromium)})
    assert proc.returncode == 3, proc.stderr
    assert f"Chromium ({broken_chromium}) failed to start (exit code 127): " \
           f"{broken_chromium}: {NSS}" in proc.stderr
    assert "Target page, context or browser has been closed" not in proc.stderr
    # The run is written all the same, saying why nothing was read (run health), for every account.
    results = load_results(tmp_path / "out")
    assert results["health"]["complete"] is False and NSS in results["accounts"][0]["load"]["reason"]


def test_start_failure_prefers_the_browsers_words_over_its_log_noise() -> None:
    msg = ("BrowserType.launch: Target page, context or browser has been closed\nBrowser logs:\n\n<launching> x\n"
           "<launched> pid=7\n[pid=7][err] [1201/105959.1:ERROR:bus.cc(408)] Failed to connect to the bus\n"
           "[pid=7][err] [1201/105959.2:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! see ...\n"
           "Call log:\n  - [pid=7][err] repeated\n  - [pid=7] <process did exit: exitCode=null, signal=SIGTRAP>\n")
    assert start_failure("/usr/bin/chromium", msg) == (
        "Chromium (/usr/bin/chromium) failed to start (killed by SIGTRAP): "
        "[1201/105959.2:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! see ...")
    quiet = "BrowserType.launch: Target page, context or browser has been closed\nCall log:\n  - <process did exit: " \
            "exitCode=1, signal=null>"
    assert start_failure(None, quiet) == ("Chromium (Playwright's managed Chromium) failed to start (exit code 1): "
                                          "it exited as it started and wrote nothing on stderr")


def test_sandbox_is_kept_unless_it_cannot_work(tmp_path: Path) -> None:
    proc_sys = tmp_path / "sys"
    (proc_sys / "user").mkdir(parents=True)
    (proc_sys / "kernel").mkdir()
    assert sandbox_decision(1000, proc_sys, {}) == (True, "")
    assert sandbox_decision(0, proc_sys, {})[0] is False and "root" in sandbox_decision(0, proc_sys, {})[1]
    (proc_sys / "user" / "max_user_namespaces").write_text("15000\n")
    (proc_sys / "kernel" / "unprivileged_userns_clone").write_text("1\n")
    assert sandbox_decision(1000, proc_sys, {}) == (True, "")
    (proc_sys / "kernel" / "unprivileged_userns_clone").write_text("0\n")
    assert sandbox_decision(1000, proc_sys, {}) == (False, "the kernel allows no unprivileged user namespaces "
                                                           "(kernel.unprivileged_userns_clone = 0)")
    (proc_sys / "user" / "max_user_namespaces").write_text("0\n")
    assert "user.max_user_namespaces = 0" in sandbox_decision(1000, proc_sys, {})[1]
    (proc_sys / "user" / "max_user_namespaces").write_text("15000\n")
    (proc_sys / "kernel" / "unprivileged_userns_clone").write_text("1\n")
    assert sandbox_decision(1000, proc_sys, {"AUDITOR_NO_SANDBOX": "1"}) == (False, "AUDITOR_NO_SANDBOX is set")
    assert sandbox_decision(1000, proc_sys, {"AUDITOR_NO_SANDBOX": "0"}) == (True, "")


def test_scripts_split_runtime_and_test_installs() -> None:
    setup = (ROOT / "scripts" / "setup").read_text()
    assert '-e ".${EXTRAS:+[$EXTRAS]}"' in setup and "--with-deps chromium" in setup and "check-browser" in setup
    lines = setup.replace("\\\n", " ").splitlines()
    installs = [ln for ln in lines if re.search(r"pip install|playwright install|apt-get i|apt-get u|dnf i", ln)]
    assert installs and all("logged" in ln and "/dev/null" not in ln for ln in installs), "no output thrown away"
    assert 'SETUP_EXTRAS="test" bash scripts/setup' in (ROOT / "scripts" / "test").read_text()
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


# --- the job summary -------------------------------------------------------------------------------------

def test_summary_has_counts_and_the_accounts_that_need_action() -> None:
    run = AuditRun.model_validate_json(FIXTURE.read_text())
    md = summary.markdown(run, summary.item_letters())
    assert md.startswith("## MPD social media audit 2026-11-24: 1 of 2 accounts needs action\n")
    assert "| 1 | 1 | 0 | 0 | 2 |" in md
    [row] = [ln for ln in md.splitlines() if ln.startswith("| mpd-facebook")]
    failing = [i for i, r in run.accounts[1].items.items() if r.status != "pass"]
    assert all(f"{summary.item_letters()[i]} {i} " in row for i in failing) and "non-compliant" in row
    assert "mpd-x (" not in md, "a compliant account needs no action"
    assert md.rstrip().endswith("What changed: no previous run to compare with.")


def test_summary_command(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    shutil.copyfile(FIXTURE, tmp_path / "run" / "results.json")
    proc = run_auditor("summary", str(tmp_path / "run"))
    assert proc.returncode == 0 and "### Accounts that need action" in proc.stdout
    proc = run_auditor("summary", str(tmp_path))
    assert proc.returncode == 2 and "no results.json" in proc.stderr
