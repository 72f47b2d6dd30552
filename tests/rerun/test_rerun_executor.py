"""The local executor: parallel runs, cancel() from another thread, Ctrl-C in the driver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from builders import make_repo
from conftest import FAST

from auditor.rerun import RunResult, RunSpec
from auditor.rerun.executor import LocalExecutor
from auditor.rerun.progress import LineProgress
from auditor.rerun.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]


def _specs(*commands: str) -> list[RunSpec]:
    return [
        RunSpec(run_id=f"r{i}", seed=i, repeat=0, command=c, timeout=60)
        for i, c in enumerate(commands)
    ]


def test_runs_in_parallel_and_reports_progress(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"x.txt": "x"})
    lines: list[str] = []
    with Sandbox(
        root, None, interpreter=Path(sys.executable), strict_determinism=False, config=FAST
    ) as sandbox:
        executor = LocalExecutor(sandbox.run, jobs=2, reporter=LineProgress(lines.append))
        start = time.monotonic()
        results = list(executor.run(_specs("sleep 1", "sleep 1")))
        elapsed = time.monotonic() - start
    assert sorted(r.status for r in results) == ["ok", "ok"]
    assert elapsed < 1.9  # both at once, not one after the other
    assert any("r0: started" in ln for ln in lines) and any("r1: ok in" in ln for ln in lines)


def test_cancel_from_another_thread_keeps_finished_results(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"x.txt": "x"})
    with Sandbox(
        root, None, interpreter=Path(sys.executable), strict_determinism=False, config=FAST
    ) as sandbox:
        executor = LocalExecutor(sandbox.run, jobs=2)
        plan = _specs("true", "echo $$; sleep 1000", "sleep 1000", "true")
        timer = threading.Timer(1.0, executor.cancel)
        timer.start()
        start = time.monotonic()
        results: dict[str, RunResult] = {r.run_id: r for r in executor.run(plan)}
        timer.join()
    assert time.monotonic() - start < 10
    assert executor.interrupted
    assert results["r0"].status == "ok"
    assert results["r1"].status == "cancelled" and results["r2"].status == "cancelled"
    assert results["r3"].status in ("ok", "cancelled")
    with pytest.raises(ProcessLookupError):
        os.killpg(int(results["r1"].stdout_tail.split()[0]), 0)


DRIVER = """
import json, sys
from pathlib import Path
from auditor.rerun import RunSpec, SandboxConfig
from auditor.rerun.executor import LocalExecutor
from auditor.rerun.sandbox import Sandbox

config = SandboxConfig(kill_grace_seconds=0.5, take_fingerprint=False)
with Sandbox(Path(sys.argv[1]), None, interpreter=Path(sys.executable),
             strict_determinism=False, config=config) as sandbox:
    executor = LocalExecutor(sandbox.run, jobs=2)
    plan = [RunSpec(run_id="quick", seed=0, repeat=0, command="echo done", timeout=60),
            RunSpec(run_id="slow", seed=1, repeat=0, command="echo $$; sleep 1000", timeout=60)]
    results = []
    for result in executor.run(plan):
        results.append(result)
        if result.run_id == "quick":
            print("READY", flush=True)
print(json.dumps({r.run_id: [r.status, r.stdout_tail] for r in results}), flush=True)
"""


def test_ctrl_c_stops_every_child_and_returns_finished_results(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"x.txt": "x"})
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(root)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY"
    time.sleep(2.0)  # the slow run is sleeping by now (generous: CI machines are slow)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    results = json.loads(out.strip().splitlines()[-1])
    assert proc.returncode == 0
    assert results["quick"][0] == "ok"
    assert results["slow"][0] == "cancelled"
    with pytest.raises(ProcessLookupError):
        os.killpg(int(results["slow"][1].split()[0]), 0)
