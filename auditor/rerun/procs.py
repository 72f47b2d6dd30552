"""Find and stop every process a run started, including those that left its process group.

A run starts in its own session, so `killpg` reaches everything that stayed in the group.
A process that called `setsid()` leaves the group; the Tracker remembers every descendant it
has seen (polled from /proc while the run is alive) and signals those too.

Every process of a run also inherits a unique marker variable (TOKEN_VAR); when the run is
stopped, any process whose environment carries the marker is stopped too, which catches a
daemon that double-forked and called `setsid()` between two polls.

Limits (Linux only; elsewhere the process group is all we reach): a descendant that calls
`setsid()`, clears its environment and whose parent exits between two polls (0.5 s) is
never seen; processes are identified by (pid, start time), so a recycled pid is never
signalled by mistake.

In containers whose PID 1 does not reap orphans, a killed orphan would stay a zombie and keep
the process group "alive" for `kill(0)`; the auditor therefore becomes a child subreaper, so
orphans of runs are re-parented to it and reaped here.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_PROC = Path("/proc")
TOKEN_VAR = "NAS_AUDIT_RUN_TOKEN"
_PR_SET_CHILD_SUBREAPER = 36
_subreaper_lock = threading.Lock()
_subreaper_done = False


@dataclass(frozen=True)
class ProcInfo:
    """The fields of /proc/<pid>/stat this module needs."""

    pid: int
    ppid: int
    pgid: int
    state: str
    start: int  # start time in clock ticks since boot: (pid, start) identifies a process


def read_stat(pid: int) -> ProcInfo | None:
    """The process's stat line, or None when it is gone or unreadable."""
    try:
        text = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    if len(fields) < 20:
        return None
    return ProcInfo(pid, int(fields[1]), int(fields[2]), fields[0], int(fields[19]))


def carries(pid: int, marker: bytes) -> bool:
    """Whether the process's environment holds `marker` (NAME=value, exactly)."""
    try:
        environ = (_PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return False
    return marker in environ.split(b"\0")


def _is_live(info: ProcInfo | None) -> bool:
    return info is not None and info.state not in ("Z", "X", "x")


def children_of(pid: int) -> list[int]:
    """Direct children from /proc/<pid>/task/*/children (cheap: reads only this process)."""
    found: list[int] = []
    try:
        tasks = list((_PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for task in tasks:
        with contextlib.suppress(OSError, ValueError):
            found.extend(int(p) for p in (task / "children").read_text().split())
    return found


def process_table() -> list[ProcInfo]:
    """Every process on the machine (a full /proc scan: used only when stopping a run)."""
    table: list[ProcInfo] = []
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if entry.name.isdigit() and (info := read_stat(int(entry.name))) is not None:
            table.append(info)
    return table


def become_subreaper() -> None:
    """Make this process adopt orphaned descendants (Linux), so it can reap killed orphans."""
    global _subreaper_done
    with _subreaper_lock:
        if _subreaper_done or not sys.platform.startswith("linux"):
            return
        _subreaper_done = True
        libc_name = ctypes.util.find_library("c")
        if libc_name:
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


@dataclass
class Tracker:
    """Every descendant of one run's main process seen so far, by (pid, start time)."""

    pid: int
    token: str = ""  # the value of TOKEN_VAR in this run's environment
    seen: dict[int, int] = field(default_factory=dict)

    def refresh(self) -> None:
        """Record the current descendants of the main process (walks /proc children files)."""
        frontier = [self.pid]
        while frontier:
            for child in children_of(frontier.pop()):
                if child not in self.seen and (info := read_stat(child)) is not None:
                    self.seen[child] = info.start
                    frontier.append(child)

    def _members(self) -> list[ProcInfo]:
        """Live processes of the run: its process group plus every tracked descendant."""
        table = {info.pid: info for info in process_table()}
        marker = f"{TOKEN_VAR}={self.token}".encode()
        for info in table.values():
            if info.pid in self.seen or not _is_live(info) or info.pid == os.getpid():
                continue
            if info.pgid == self.pid or (self.token and carries(info.pid, marker)):
                self.seen[info.pid] = info.start
        live = [table.get(pid) for pid, start in self.seen.items()]
        return [i for i in live if _is_live(i) and i is not None and i.start == self.seen[i.pid]]

    def live_count(self) -> int:
        """How many processes of the run (main excluded) are still running."""
        return sum(1 for info in self._members() if info.pid != self.pid)

    def _signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)
        for info in self._members():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(info.pid, sig)

    def reap(self) -> None:
        """Collect zombies of tracked descendants that were re-parented to this process."""
        for pid, start in list(self.seen.items()):
            info = read_stat(pid)
            if pid != self.pid and info is not None and info.start == start and info.state == "Z":
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)

    def _wait_gone(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            self.reap()
            if not self._members():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def stop(self, grace: float) -> None:
        """SIGTERM to everything of the run, then SIGKILL to what is left after `grace` s."""
        self.refresh()
        if not self._members():
            return
        self._signal(signal.SIGTERM)
        if not self._wait_gone(grace):
            self._signal(signal.SIGKILL)
            self._wait_gone(2.0)
