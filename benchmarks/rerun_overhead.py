"""Overhead of the re-run sandbox, as ratios measured in one session (not a timed test).

1. runner/bare: one ~5 s CPU job (then a 5 s sleep, free of CPU-speed noise) run bare
   (`python job.py`, with the same environment variables a run gets) and through
   Sandbox.run (fresh copy, isolation, process-tree watch, capped logs, metric read),
   N pairs in alternating order; medians. Target: <= 1.05.
2. jobs=2: run_rerun with seeds [0, 1] and --jobs 2 against seeds [0] (one repeat each, no
   cache, no fingerprint), alternated; medians. Target: <= 1.2 on 2 cores.
Also printed: the fixed cost of one run_rerun call (copy, setup of the sandbox, fingerprint).

    python benchmarks/rerun_overhead.py --pairs 3 --seconds 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from auditor.rerun import Manifest, RunSpec, SandboxConfig, run_rerun
from auditor.rerun.environment import run_environment
from auditor.rerun.sandbox import Sandbox
from auditor.rerun.spec import MetricSpec

JOB = """
import sys, time
if sys.argv[1].startswith("sleep:"):
    time.sleep(float(sys.argv[1][6:]))
    sys.argv[1] = "0"
n = int(sys.argv[1])
total = 0
for i in range(n):
    total += i % 7
print("valid_acc", total % 100)
"""
METRIC = MetricSpec(name="valid_acc", pattern=r"valid_acc (\\S+)")
NO_PRINT: Callable[[str], None] = lambda _: None  # noqa: E731


def make_repo(root: Path) -> Path:
    """A one-file git repository holding the CPU job."""
    root.mkdir(parents=True)
    (root / "job.py").write_text(JOB)
    env = {
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@b",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@b",
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "job"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    return root


def calibrate(root: Path, seconds: float) -> int:
    """Loop count that makes job.py take about `seconds` (best of three short timings)."""
    n = 3_000_000
    took = min(
        timed(
            lambda: subprocess.run(
                [sys.executable, "job.py", str(n)], cwd=root, check=True, capture_output=True
            )
        )
        for _ in range(3)
    )
    return int(n * seconds / took)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bare_env(tmp: Path) -> dict[str, str]:
    """The run's environment (same variables as in the sandbox), so only the runner differs."""
    for name in ("home", "tmp"):
        (tmp / name).mkdir(exist_ok=True)
    return run_environment(
        os.environ,
        bin_dir=tmp / "bin",
        interpreter=Path(sys.executable),
        home=tmp / "home",
        tmp=tmp / "tmp",
    )


def runner_vs_bare(root: Path, n: int | str, pairs: int) -> tuple[float, float]:
    """Median wall seconds of the bare job and of one sandboxed run of it (order alternates)."""
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    spec = RunSpec(
        run_id="bench",
        seed=0,
        repeat=0,
        command=f"python job.py {n}",
        timeout=600,
        metrics=(METRIC,),
    )
    env = bare_env(root.parent)
    bare, runner = [], []
    with Sandbox(root, commit, interpreter=Path(sys.executable), strict_determinism=False) as sb:
        sb.choose_sharing()

        def one_bare() -> None:
            bare.append(
                timed(
                    lambda: subprocess.run(
                        [sys.executable, "job.py", str(n)],
                        cwd=root,
                        env=env,
                        check=True,
                        capture_output=True,
                    )
                )
            )

        def one_runner() -> None:
            start = time.perf_counter()
            result = sb.run(spec, threading.Event())
            runner.append(time.perf_counter() - start)
            assert result.status == "ok", result.reason

        for i in range(pairs):
            for step in (one_bare, one_runner) if i % 2 == 0 else (one_runner, one_bare):
                step()
    return statistics.median(bare), statistics.median(runner)


def rerun_seconds(
    root: Path, n: int, seeds: list[int], jobs: int, fingerprint: bool, cache: Path
) -> float:
    manifest = Manifest(command=f"python job.py {n}", seeds=seeds, repeats=1, metrics=[METRIC])
    config = SandboxConfig(take_fingerprint=fingerprint)
    return timed(
        lambda: run_rerun(
            root,
            None,
            manifest,
            jobs=jobs,
            cache_dir=cache,
            no_cache=True,
            strict_determinism=False,
            python=None,
            progress=NO_PRINT,
            config=config,
            tty=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_repo(Path(tmp) / "repo")
        n = calibrate(root, args.seconds)
        bare, runner = runner_vs_bare(root, n, args.pairs)
        print(
            f"CPU job: bare {bare:.2f} s, through Sandbox.run {runner:.2f} s: "
            f"runner/bare = {runner / bare:.3f} (target <= 1.05)"
        )
        bare, runner = runner_vs_bare(root, f"sleep:{args.seconds}", args.pairs)
        print(
            f"sleep job (no CPU noise): bare {bare:.2f} s, through Sandbox.run {runner:.2f} s: "
            f"runner/bare = {runner / bare:.3f}, fixed cost {runner - bare:.3f} s per run"
        )
        one, two = [], []
        for _ in range(args.pairs):
            one.append(rerun_seconds(root, n, [0], 1, False, Path(tmp) / "c"))
            two.append(rerun_seconds(root, n, [0, 1], 2, False, Path(tmp) / "c"))
        print(
            f"run_rerun 1 seed {statistics.median(one):.2f} s, 2 seeds --jobs 2 "
            f"{statistics.median(two):.2f} s: ratio = "
            f"{statistics.median(two) / statistics.median(one):.3f} (target <= 1.2)"
        )
        with_fp = rerun_seconds(root, n, [0], 1, True, Path(tmp) / "c")
        print(
            f"run_rerun 1 seed with the fingerprint {with_fp:.2f} s: fixed cost of "
            f"rerun+fingerprint over the bare job = {with_fp - bare:.2f} s"
        )


if __name__ == "__main__":
    main()
