"""The CI definitions: the GitHub Actions workflow (actionlint with shellcheck, and the SchemaStore
schema), the GitLab CI example (the GitLab CI JSON schema shipped by check-jsonschema), and their
shell steps run for real on the demo registry: shards, merge, archive, history."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from auditor.cli import parser
from tests.conftest import ROOT, load_results, shared_browser_env

WORKFLOW = ROOT / ".github" / "workflows" / "audit.yml"
GITLAB = ROOT / "ci" / "gitlab-ci.yml"
BIN = ROOT / ".venv" / "bin"


def tool_env() -> dict[str, str]:
    """PATH with the venv first: actionlint then finds the pinned shellcheck and checks run: scripts."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def actionlint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "actionlint"), "-no-color", str(path)], capture_output=True, text=True,
                          env=tool_env(), timeout=120)


def check_schema(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, env=tool_env(), timeout=120)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def test_linters_are_installed_and_real() -> None:
    for name in ("actionlint", "shellcheck", "check-jsonschema"):
        assert (BIN / name).is_file(), f"{name}: run scripts/setup (pinned in pyproject.toml)"


def test_workflow_passes_actionlint() -> None:
    proc = actionlint(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(WORKFLOW.read_text().replace("${{ matrix.shard }}/${{ strategy.job-total }}",
                                                "${{ matrix.shrad }}/${{ strategy.job-total }}")
                   .replace('if [ -n "$REPLAY" ]; then', 'if [ -n $REPLAY ]; then'), encoding="utf-8")
    proc = actionlint(bad)
    assert proc.returncode == 1
    assert 'property "shrad" is not defined' in proc.stdout
    assert "SC2070" in proc.stdout or "shellcheck" in proc.stdout, "run: scripts are checked by shellcheck"


def test_workflow_and_gitlab_example_match_their_schemas(tmp_path: Path) -> None:
    proc = check_schema("vendor.github-workflows", WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = check_schema("vendor.gitlab-ci", GITLAB)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = tmp_path / "gitlab-ci.yml"
    bad.write_text(GITLAB.read_text().replace("parallel: 4", "parallel: four").replace("when: always", "when: ever", 1),
                   encoding="utf-8")
    proc = check_schema("vendor.gitlab-ci", bad)
    assert proc.returncode == 1 and "four" in proc.stdout


def test_workflow_shape() -> None:
    wf = load(WORKFLOW)
    assert wf["on"]["schedule"][0]["cron"].split()[4] == "1", "weekly, on Mondays"
    assert "workflow_dispatch" in wf["on"]
    audit, report = wf["jobs"]["audit"], wf["jobs"]["report"]
    assert audit["strategy"]["matrix"]["shard"] == [1, 2, 3, 4] and audit["strategy"]["fail-fast"] is False
    assert report["needs"] == "audit"
    steps = {s.get("uses", "").split("@")[0] for s in audit["steps"] + report["steps"]}
    assert {"actions/upload-artifact", "actions/download-artifact", "actions/checkout"} <= steps
    runs = "\n".join(s.get("run", "") for s in audit["steps"] + report["steps"])
    assert "./scripts/setup" in runs and ".venv/bin/auditor audit" in runs and ".venv/bin/auditor merge" in runs
    merge_env = next(s["env"] for s in report["steps"] if "auditor merge" in s.get("run", ""))
    assert merge_env["SMTP_PASSWORD"] == "${{ secrets.SMTP_PASSWORD }}", "the password comes from a secret"
    uploads = [s for s in report["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    paths = " ".join(s["with"]["path"] for s in uploads)
    assert "audit-report/report.html" in paths and "audit-report/results.json" in paths


def _options(command: str) -> set[str]:
    sub = next(a for a in parser()._subparsers._actions if a.dest == "command")  # type: ignore[union-attr]
    return {o for act in sub.choices[command]._actions for o in act.option_strings}


@pytest.mark.parametrize("path", [WORKFLOW, GITLAB])
def test_ci_uses_only_options_the_cli_has(path: Path) -> None:
    text = path.read_text()
    audit_opts, merge_opts = _options("audit"), _options("merge")
    lines = [ln for ln in text.splitlines() if ("args" in ln or "auditor " in ln or "set --" in ln
                                                 or ln.strip().startswith("--")) and "--jq" not in ln]
    used = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", "\n".join(lines)))
    assert used, "found the auditor command lines"
    assert used <= audit_opts | merge_opts, used - (audit_opts | merge_opts)


def _sandbox(tmp_path: Path) -> Path:
    work = tmp_path / "ci"
    work.mkdir()
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / "demo").symlink_to(ROOT / "demo")
    return work


def _bash(script: str, cwd: Path, env: dict[str, str], shell: str = "bash") -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")} | shared_browser_env() | env
    return subprocess.run([shell, "-e", "-c", script], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.browser
def test_github_workflow_steps_run_end_to_end(tmp_path: Path) -> None:
    """The workflow's own shell steps, in order, on the demo registry (replayed): two shards, then the merge."""
    wf = load(WORKFLOW)
    audit_step = next(s for s in wf["jobs"]["audit"]["steps"] if ".venv/bin/auditor audit" in s.get("run", ""))
    merge_step = next(s for s in wf["jobs"]["report"]["steps"] if ".venv/bin/auditor merge" in s.get("run", ""))
    work = _sandbox(tmp_path)
    common = {"SITES": "demo/sites.yaml", "REPLAY": "demo/demo.har", "FAIL_ON": "needs_review",
              "DEADLINE": wf["env"]["DEADLINE"]}
    for k in (1, 2):
        proc = _bash(audit_step["run"], work, common | {"SHARD": f"{k}/2", "OUT": f"shard-{k}"})
        assert proc.returncode == 0, proc.stderr  # --fail-on never: a shard only fails when the tool does
        (work / "shards").mkdir(exist_ok=True)
        (work / f"shard-{k}").rename(work / "shards" / f"shard-{k}")
    proc = _bash(merge_step["run"], work, common | {"MAIL_TO": ""})
    assert proc.returncode == 1, proc.stderr  # findings at the needs_review threshold
    data = load_results(work / "audit-report")
    assert [a["id"] for a in data["accounts"]] == ["mpd-x", "mpd-facebook", "mpd-instagram", "mpd-youtube",
                                                   "mpd-5d-x"]
    assert (work / "audit-report" / "report.html").is_file() and (work / "audit-report" / "junit.xml").is_file()
    [kept] = list((work / "audit-archive").iterdir())
    assert (kept / "MANIFEST.sha256").is_file() and len(list((kept / "screenshots").iterdir())) == 5
    # Next week: the previous run's report artifact is in previous/: the report says what changed.
    (work / "previous").mkdir()
    (work / "previous" / "results.json").write_text((work / "audit-report" / "results.json").read_text())
    proc = _bash(merge_step["run"], work, common | {"MAIL_TO": "", "FAIL_ON": "never"})
    assert proc.returncode == 0, proc.stderr
    assert load_results(work / "audit-report")["changes"]["previous_source"] == "previous/results.json"
    assert len(list((work / "audit-archive").iterdir())) == 2


@pytest.mark.browser
def test_gitlab_example_scripts_run_end_to_end(tmp_path: Path) -> None:
    ci = load(GITLAB)
    work = _sandbox(tmp_path)
    env = {"SITES": "demo/sites.yaml", "FAIL_ON": "non_compliant", "CI_NODE_TOTAL": "2"}
    for k in (1, 2):
        # Offline here: the example records a HAR of the live pages; the test replays the demo instead.
        script = ci["audit"]["script"][0].replace('--record-har "shard-$CI_NODE_INDEX/pages.har"',
                                                  "--replay demo/demo.har")
        assert script != ci["audit"]["script"][0]
        proc = _bash(script, work, env | {"CI_NODE_INDEX": str(k)}, shell="sh")
        assert proc.returncode == 0, proc.stderr
    proc = _bash(ci["report"]["script"][0], work, env | {"AUDIT_MAIL_TO": ""}, shell="sh")
    assert proc.returncode == 1, proc.stderr
    assert load_results(work / "audit-report")["counts"]["total"] == 5
    assert (work / "audit-report" / "junit.xml").is_file()
    assert ci["report"]["artifacts"]["reports"]["junit"] == "audit-report/junit.xml"
