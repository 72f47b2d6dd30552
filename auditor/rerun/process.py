"""Run one command in its own session and watch it: timeout, output cap, cancel, leftovers.

One thread owns one child. The watch loop waits on the child's pipes and (where the kernel
offers it) a pidfd, so the end of the run is noticed at once, not at the next poll. Peak
memory comes from `wait4`'s rusage: the largest of the child and the descendants it waited
for (ru_maxrss is a maximum, not a sum over the process tree).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from auditor.rerun.capture import CappedOutput
from auditor.rerun.procs import TOKEN_VAR, Tracker, become_subreaper

Ending = Literal["exited", "timeout", "output_limit", "cancelled", "spawn_failed"]
_SCAN_INTERVAL = 0.5
_TICK = 0.25
_DRAIN_SECONDS = 2.0


@dataclass(frozen=True)
class Limits:
    """How long a run may take and how much it may print."""

    timeout: float
    output_cap: int = 10 * 1024 * 1024
    kill_grace: float = 3.0
    tail_bytes: int = 2048


@dataclass(frozen=True)
class ProcessOutcome:
    """How the command ended and what it printed last."""

    ending: Ending
    exit_code: int | None
    wall_seconds: float
    peak_rss_mib: float | None
    stdout_tail: str
    stderr_tail: str
    output_truncated: bool
    leftovers: int
    error: str = ""


class _Watch:
    """The state of one running child: its pipes, sinks, tracker and exit status."""

    def __init__(
        self, proc: subprocess.Popen[bytes], sinks: dict[int, CappedOutput], token: str
    ) -> None:
        self.proc = proc
        self.tracker = Tracker(proc.pid, token)
        self.selector = selectors.DefaultSelector()
        self.sinks = sinks
        self.status: int | None = None
        self.maxrss_kib: int | None = None
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                self.selector.register(stream, selectors.EVENT_READ, stream.fileno())
        with contextlib.suppress(OSError, AttributeError):
            self.selector.register(os.pidfd_open(proc.pid), selectors.EVENT_READ, -1)

    def pump(self, timeout: float) -> None:
        """Move available output into the sinks; returns after `timeout` s at most."""
        for key, _ in self.selector.select(timeout):
            if key.data == -1:
                self._drop(key.fileobj)
                continue
            stream: IO[bytes] = key.fileobj  # type: ignore[assignment]
            chunk = os.read(stream.fileno(), 65536)
            if chunk:
                self.sinks[key.data].write(chunk)
            else:
                self._drop(stream)

    def _drop(self, fileobj: object) -> None:
        self.selector.unregister(fileobj)  # type: ignore[arg-type]
        if isinstance(fileobj, int):
            os.close(fileobj)

    def poll_exit(self, block: bool = False) -> bool:
        """Reap the main process if it has ended; keeps its status and peak memory."""
        if self.status is None:
            pid, status, usage = os.wait4(self.proc.pid, 0 if block else os.WNOHANG)
            if pid:
                self.status = status
                self.maxrss_kib = usage.ru_maxrss
                self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def streams_open(self) -> bool:
        return any(key.data in self.sinks for key in self.selector.get_map().values())

    def close(self) -> None:
        for key in list(self.selector.get_map().values()):
            self._drop(key.fileobj)
        self.selector.close()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _watch_loop(watch: _Watch, deadline: float, cancel: threading.Event) -> Ending:
    next_scan = time.monotonic() + 0.05
    while True:
        now = time.monotonic()
        if cancel.is_set():
            return "cancelled"
        if now >= deadline:
            return "timeout"
        if any(sink.runaway for sink in watch.sinks.values()):
            return "output_limit"
        if now >= next_scan:
            watch.tracker.refresh()
            next_scan = now + _SCAN_INTERVAL
        if watch.poll_exit():
            return "exited"
        watch.pump(min(_TICK, max(deadline - now, 0.0), max(next_scan - now, 0.01)))


def _finish(watch: _Watch, limits: Limits) -> int:
    """Stop what is left of the run, reap it, drain its pipes; returns the leftover count."""
    watch.tracker.refresh()
    leftovers = watch.tracker.live_count()
    watch.tracker.stop(limits.kill_grace)
    watch.poll_exit(block=True)
    watch.tracker.reap()
    drain_until = time.monotonic() + _DRAIN_SECONDS
    while watch.streams_open() and time.monotonic() < drain_until:
        watch.pump(0.05)
    return leftovers


def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    limits: Limits,
    out_dir: Path,
    cancel: threading.Event,
) -> ProcessOutcome:
    """Run `argv` in a new session with stdout/stderr capped into `out_dir`; never raises
    for anything the command does."""
    become_subreaper()
    out_dir.mkdir(parents=True, exist_ok=True)
    sinks = {
        1: CappedOutput(out_dir / "stdout.log", limits.output_cap),
        2: CappedOutput(out_dir / "stderr.log", limits.output_cap),
    }
    token = uuid.uuid4().hex
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={**env, TOKEN_VAR: token},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as exc:
        for sink in sinks.values():
            sink.close()
        return ProcessOutcome("spawn_failed", None, 0.0, None, "", "", False, 0, str(exc))
    sinks = {proc.stdout.fileno(): sinks[1], proc.stderr.fileno(): sinks[2]}  # type: ignore[union-attr]
    watch = _Watch(proc, sinks, token)
    try:
        ending = _watch_loop(watch, start + limits.timeout, cancel)
        leftovers = _finish(watch, limits)
    finally:
        watch.close()
        for sink in sinks.values():
            sink.close()
    wall = time.monotonic() - start
    out, err = sinks.values()
    return ProcessOutcome(
        ending=ending,
        exit_code=proc.returncode,
        wall_seconds=wall,
        peak_rss_mib=None if watch.maxrss_kib is None else watch.maxrss_kib / 1024,
        stdout_tail=out.tail(limits.tail_bytes),
        stderr_tail=err.tail(limits.tail_bytes),
        output_truncated=out.truncated or err.truncated,
        leftovers=leftovers,
    )
