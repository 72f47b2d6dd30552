"""Executors run a plan of RunSpecs and yield RunResults as they finish.

`Executor` is the interface a cluster back-end (Slurm, Kubernetes) would implement; the
`LocalExecutor` runs up to `jobs` runs at once, each in a thread that owns one subprocess.
Ctrl-C (KeyboardInterrupt in the thread iterating the results) or `cancel()` from any thread
stops every running child, marks the runs not yet started as cancelled, and still yields
every result, finished ones included.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol

from auditor.rerun.models import RunResult, RunSpec
from auditor.rerun.progress import ProgressReporter, SilentProgress


class Runner(Protocol):
    """Runs one spec to completion; must return promptly once `cancel` is set."""

    def __call__(self, spec: RunSpec, cancel: threading.Event) -> RunResult: ...


class Executor(Protocol):
    """Runs a plan; results arrive in completion order."""

    @property
    def interrupted(self) -> bool: ...

    def run(self, plan: Sequence[RunSpec]) -> Iterator[RunResult]: ...

    def cancel(self) -> None: ...


def cancelled_result(spec: RunSpec, reason: str = "cancelled before it started") -> RunResult:
    """The result of a run that never ran."""
    return RunResult(
        run_id=spec.run_id,
        seed=spec.seed,
        repeat=spec.repeat,
        command=spec.command,
        status="cancelled",
        reason=reason,
    )


class LocalExecutor:
    """Runs on this machine, `jobs` at a time (default: the number of CPU cores)."""

    def __init__(
        self, runner: Runner, *, jobs: int | None = None, reporter: ProgressReporter | None = None
    ) -> None:
        self.runner = runner
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.reporter = reporter or SilentProgress()
        self._cancel = threading.Event()
        self._interrupted = False

    @property
    def interrupted(self) -> bool:
        """Whether the plan was stopped early (Ctrl-C or cancel())."""
        return self._interrupted

    def cancel(self) -> None:
        """Stop all runs: running ones are killed, pending ones never start."""
        self._interrupted = True
        self._cancel.set()

    def _one(self, spec: RunSpec) -> RunResult:
        if self._cancel.is_set():
            result = cancelled_result(spec)
        else:
            self.reporter.started(spec)
            try:
                result = self.runner(spec, self._cancel)
            except Exception as exc:  # a bug in the runner must not lose the other runs
                result = cancelled_result(spec).model_copy(
                    update={
                        "status": "failed",
                        "reason": f"nas-audit internal error: {exc!r}"[:300],
                    }
                )
        self.reporter.finished(result)
        return result

    def run(self, plan: Sequence[RunSpec]) -> Iterator[RunResult]:
        """Yield every run's result as it completes (also after an interruption)."""
        with (
            self.reporter,
            ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="nas-audit-run") as pool,
        ):
            pending: set[Future[RunResult]] = {pool.submit(self._one, s) for s in plan}
            while pending:
                try:
                    done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                except KeyboardInterrupt:
                    self.cancel()
                    continue
                for future in done:
                    yield future.result()
