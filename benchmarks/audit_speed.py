"""Speed and memory of a static audit, as ratios measured in one run (not a timed test).

For each repository given, alternate whole processes, N rounds each:
  floor   – a bare script that lists the tracked .py files and ast.parse()s each one;
  imports – the interpreter importing what an audit imports, and nothing else (fixed cost);
  cold    – `nas-audit audit REPO --format json` with an empty cache folder each time: every
            file is parsed and indexed, and the index cache is written (a first audit);
  audit   – the same with the cache the previous rounds left (an unchanged repository audited
            again: a pre-commit hook, CI on a later commit, a reviewer's second look);
  bandit  – `bandit -r REPO -f json` (when installed), the reference static analyser.
Prints median wall and CPU time, the ratios to the floor and to bandit, and peak RSS of
each; CPU time (user + system of the child) is steadier than wall time on a busy machine.

Every process runs with its bytecode cached, as an installed tool does (pip compiles a wheel's
modules at install time): PYTHONDONTWRITEBYTECODE is dropped, bytecode goes to a temporary
PYTHONPYCACHEPREFIX, and one warm-up round is not counted. `--no-pyc` keeps the environment as it
is (in a checkout with PYTHONDONTWRITEBYTECODE=1 every run then recompiles the auditor).

    python benchmarks/audit_speed.py /tmp/real/naslib /tmp/real/nni --pairs 10
Targets (issue 2): audit <= 2x floor on repos with 200+ Python files (<= 0.2x bandit),
<= 0.4 s for a 20-file repo, peak RSS no higher than bandit's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = r"""
import ast, subprocess, sys, warnings
warnings.simplefilter("ignore")
root = sys.argv[1]
out = subprocess.run(["git", "ls-files", "-z", "*.py"], cwd=root, capture_output=True).stdout
for rel in filter(None, out.decode().split("\0")):
    try:
        with open(f"{root}/{rel}", "rb") as fh:
            ast.parse(fh.read())
    except (SyntaxError, ValueError, OSError, RecursionError):
        pass
"""


IMPORTS = (  # as `python -m auditor` does: without pydantic's plugin look-up (auditor/__main__.py)
    "import auditor.__main__\n"
    "auditor.__main__.skip_pydantic_plugins()\n"
    "import auditor.cli, auditor.engine, auditor.report.json\n"
    "from auditor.probes import _probes\n"
    "_probes()"
)


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child process."""
    if "{fresh}" in cmd:  # a new, empty cache folder for this run
        fresh = tempfile.mkdtemp(prefix="nas-audit-cold-")
        try:
            return run_once([fresh if part == "{fresh}" else part for part in cmd], env)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu, usage.ru_maxrss / 1024


def python_files(repo: Path) -> tuple[int, int]:
    """Number and total bytes of tracked .py files."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "*.py"], cwd=repo, capture_output=True, check=True
    ).stdout.decode()
    files = [repo / p for p in out.split("\0") if p]
    return len(files), sum(f.stat().st_size for f in files if f.is_file())


def measure(repo: Path, pairs: int, env: dict[str, str], cache: str) -> None:
    """Alternate the commands `pairs` times and print medians and ratios."""
    audit = [sys.executable, "-m", "auditor", "audit", str(repo), "--format", "json", "--quiet"]
    commands = {
        "floor": [sys.executable, "-c", FLOOR, str(repo)],
        "imports": [sys.executable, "-c", IMPORTS],
        "cold": [*audit, "--cache-dir", "{fresh}"],
        "audit": [*audit, "--cache-dir", cache],
    }
    bandit = shutil.which("bandit") or str(Path(sys.executable).with_name("bandit"))
    if Path(bandit).exists():
        commands["bandit"] = [bandit, "-q", "-r", str(repo), "-f", "json"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, float] = dict.fromkeys(commands, 0.0)
    for cmd in commands.values():  # warm-up: fills the bytecode cache and the page cache
        run_once(cmd, env)
    for _ in range(pairs):
        for name, cmd in commands.items():
            seconds, cpu, peak = run_once(cmd, env)
            times[name].append(seconds)
            cpus[name].append(cpu)
            rss[name] = max(rss[name], peak)
    count, size = python_files(repo)
    med = {name: statistics.median(values) for name, values in times.items()}
    cpu_med = {name: statistics.median(values) for name, values in cpus.items()}
    print(f"{repo.name}: {count} .py files, {size / 1024:.0f} KiB, {pairs} rounds")
    for name in commands:
        print(
            f"  {name:7s} median {med[name]:.3f} s (CPU {cpu_med[name]:.3f} s)   "
            f"peak RSS {rss[name]:.0f} MiB"
        )
    for name in ("cold", "audit"):
        print(
            f"  {name:5s} / floor  = {med[name] / med['floor']:.2f}x   "
            f"(CPU {cpu_med[name] / cpu_med['floor']:.2f}x)"
            + (f"   {name} / bandit = {med[name] / med['bandit']:.2f}x" if "bandit" in med else "")
        )
    if "bandit" in med:
        print(f"  bandit / floor = {med['bandit'] / med['floor']:.1f}x")
        peak = max(rss["cold"], rss["audit"])
        print(f"  peak RSS / bandit's = {peak / rss['bandit']:.2f}x")


def main() -> None:
    """Parse arguments and measure each repository."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path, help="git worktrees to audit")
    parser.add_argument("--pairs", type=int, default=10, help="rounds per repository (>= 10)")
    parser.add_argument(
        "--no-pyc", action="store_true", help="keep the environment (no bytecode cache)"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="nas-audit-pyc-") as pyc,
        tempfile.TemporaryDirectory(prefix="nas-audit-cache-") as cache,
    ):
        env = dict(os.environ)
        if not args.no_pyc:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = pyc
        print("bytecode: " + ("as the environment says" if args.no_pyc else f"cached in {pyc}"))
        for repo in args.repos:
            measure(repo.resolve(), args.pairs, env, cache)


if __name__ == "__main__":
    main()
