"""Benchmark: `auditor audit` on N replayed accounts against a bare Playwright loop.

    .venv/bin/python benchmarks/bench.py [--sizes 25 100 400] [--concurrency N]

Accounts are generated from the demo's replayed pages (every platform shape in the demo, each
copied under new URLs), so the audit does exactly what it does on real pages: the profile and any
extra tab (Facebook /about, YouTube /about), screenshot, extraction, six checks, outputs. The
baseline visits the same pages (each account's profile and extra tab, as the platform module
lists them) with goto + body text, a screenshot of the profile, and nothing else. Both
run as separate processes; peak memory (PSS: shared pages counted once) is sampled over each
process tree (Python, Playwright's driver and every Chromium process). Prints a table of
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.collect import har  # noqa: E402
from auditor.collect.platforms import get as get_platform  # noqa: E402
from auditor.collect.platforms import platform_for_host  # noqa: E402
from auditor.runner import default_concurrency  # noqa: E402


def generate(n: int, work: Path) -> tuple[Path, Path, list[list[str]]]:
    """A registry of n accounts and a HAR that replays them, cloned from the demo."""
    demo = yaml.safe_load((ROOT / "demo" / "sites.yaml").read_text())["accounts"]
    entries = json.loads((ROOT / "demo" / "demo.har").read_text())["log"]["entries"]
    accounts, new_entries, profile_urls = [], [], []
    for i in range(n):
        template = demo[i % len(demo)]
        old = template["url"].rstrip("/")
        new = f"{old}Bench{i}"
        for e in entries:
            url = e["request"]["url"]
            if url.rstrip("/").startswith(old) or url == template["url"]:
                clone = json.loads(json.dumps(e))
                clone["request"]["url"] = url.replace(old, new, 1)
                new_entries.append(clone)
        accounts.append({"id": f"bench-{i}", "name": f"Bench {i}", "url": template["url"].replace(old, new, 1),
                         "element": template.get("element")})
        platform = get_platform(platform_for_host(urlsplit(accounts[-1]["url"]).hostname or ""))
        profile_urls.append([u for _, u in platform.urls(accounts[-1]["url"])])
    # pages that are shared (e.g. the login page a wall redirects to) stay as they are
    new_entries += [e for e in entries if "login" in e["request"]["url"]]
    sites = work / f"sites-{n}.yaml"
    sites.write_text(yaml.safe_dump({"accounts": accounts}, sort_keys=False))
    har_path = work / f"bench-{n}.har"
    data = json.loads((ROOT / "demo" / "demo.har").read_text())
    data["log"]["entries"] = new_entries
    har.write(data, har_path)
    urls = work / f"urls-{n}.json"
    urls.write_text(json.dumps(profile_urls))
    return sites, har_path, profile_urls


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages split between the processes sharing them, so a
    sum over Chromium's processes is not inflated by the memory they share."""
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _tree_rss_kb(root: int) -> int:
    """Memory (PSS) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        with contextlib.suppress(OSError):  # the process ended between listing and reading
            total += _pss_kb(pid)
        stack.extend(children.get(pid, []))
    return total


def run_measured(cmd: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS of the process tree in MiB, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    done.set()
    t.join()
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {err[-2000:]}")
    return seconds, peak // 1024, out


def check_time_ms(out_dir: Path) -> float:
    """Median time of the six checks on one snapshot, in ms (in-process, no browser)."""
    import checks
    from auditor.models import Snapshot
    from auditor.policy import load_policy

    policy = load_policy()
    snaps = [Snapshot.model_validate_json(p.read_text()) for p in sorted((out_dir / "snapshots").glob("*.json"))]
    times = []
    for _ in range(3):
        for s in snaps:
            t0 = time.perf_counter()
            checks.run_all(s, policy)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[25, 100, 400])
    ap.add_argument("--concurrency", type=int, default=default_concurrency())
    args = ap.parse_args()
    py = sys.executable
    print(f"machine: {os.cpu_count()} cores; concurrency {args.concurrency}; Chromium via auditor.collect.browser")
    header = (f"{'N':>5} {'audit s':>8} {'acct/s':>7} {'bare s':>7} {'bare/s':>7} {'ratio':>6} "
              f"{'checks ms':>9} {'audit MiB':>9} {'bare MiB':>8} {'s/acct':>7}")
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in args.sizes:
            sites, har_path, _ = generate(n, work)
            out = work / f"out-{n}"
            audit_s, audit_rss, _ = run_measured([py, "-m", "auditor", "audit", "--sites", str(sites), "--replay",
                                                  str(har_path), "--out", str(out), "-q",
                                                  "--concurrency", str(args.concurrency)])
            results = json.loads((out / "results.json").read_text())
            assert results["counts"]["total"] == n
            bare_s, bare_rss, bare_out = run_measured([py, str(ROOT / "benchmarks" / "bare_loop.py"), str(har_path),
                                                       str(work / f"urls-{n}.json"), str(args.concurrency)])
            print(f"{n:>5} {audit_s:>8.1f} {n / audit_s:>7.2f} {bare_s:>7.1f} {n / bare_s:>7.2f} "
                  f"{audit_s / bare_s:>6.2f} {check_time_ms(out):>9.2f} {audit_rss:>9} {bare_rss:>8} "
                  f"{audit_s / n:>7.3f}", flush=True)


if __name__ == "__main__":
    main()
