"""Progress of the runs on stderr: a live table on a terminal, one line per event otherwise.

rich is imported only when the live table is used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

from auditor.rerun.models import RunResult, RunSpec


class ProgressReporter(Protocol):
    """Told when each run starts and ends; used as a context manager around the plan."""

    def __enter__(self) -> ProgressReporter: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def started(self, spec: RunSpec) -> None: ...

    def finished(self, result: RunResult) -> None: ...


def describe(result: RunResult) -> str:
    """One line about a finished run."""
    where = " (cached)" if result.cached else f" in {result.wall_seconds:.1f} s"
    why = "" if result.status == "ok" else f": {result.reason}"
    return f"run {result.run_id}: {result.status}{where}{why}"


class SilentProgress:
    """No output."""

    def __enter__(self) -> SilentProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def started(self, spec: RunSpec) -> None:
        return None

    def finished(self, result: RunResult) -> None:
        return None


class LineProgress(SilentProgress):
    """One plain line per start and end, through a callback (e.g. the CLI's stderr writer)."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self.emit = emit

    def started(self, spec: RunSpec) -> None:
        self.emit(f"run {spec.run_id}: started (seed {spec.seed}, repeat {spec.repeat})")

    def finished(self, result: RunResult) -> None:
        self.emit(describe(result))


class LiveTable(SilentProgress):
    """A rich table, refreshed four times a second: run, seed, repeat, elapsed, status."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, list[Any]] = {}
        self._live: Any = None

    def __enter__(self) -> LiveTable:
        from rich.console import Console
        from rich.live import Live

        self._live = Live(self, console=Console(stderr=True), refresh_per_second=4, transient=False)
        self._live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(kind, exc, tb)

    def __rich__(self) -> Any:
        from rich.table import Table

        table = Table("run", "seed", "repeat", "elapsed", "status", box=None)
        now = time.monotonic()
        with self._lock:
            for run_id, (seed, repeat, start, end, status) in self._rows.items():
                elapsed = (end if end is not None else now) - start
                table.add_row(run_id, str(seed), str(repeat), f"{elapsed:.1f} s", status)
        return table

    def started(self, spec: RunSpec) -> None:
        with self._lock:
            self._rows[spec.run_id] = [spec.seed, spec.repeat, time.monotonic(), None, "running"]

    def finished(self, result: RunResult) -> None:
        with self._lock:
            row = self._rows.setdefault(
                result.run_id, [result.seed, result.repeat, time.monotonic(), None, ""]
            )
            row[3] = row[2] + result.wall_seconds
            row[4] = result.status + (" (cached)" if result.cached else "")
