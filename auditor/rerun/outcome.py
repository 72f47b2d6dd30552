"""Name how a run ended: the status and a one-line reason for the report."""

from __future__ import annotations

import re
import signal

from auditor.rerun.models import RunStatus
from auditor.rerun.process import ProcessOutcome

# sh: "foo: not found" (127) / "Permission denied" (126); python: "can't open file 'x.py'"
_PY_NO_FILE = re.compile(r"can't open file .*\[Errno 2\]")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_status(outcome: ProcessOutcome) -> tuple[RunStatus, str]:
    """The run's status and why, from how its process ended."""
    code = outcome.exit_code
    if outcome.ending == "spawn_failed":
        return "failed", f"could not start: {outcome.error}"
    if outcome.ending == "cancelled":
        return "cancelled", "stopped by the user (Ctrl-C)"
    if outcome.ending == "timeout":
        return "timeout", f"no end after {outcome.wall_seconds:.0f} s: process tree killed"
    if outcome.ending == "output_limit":
        return "killed", "endless output: stopped after twice the output cap"
    if code == 0:
        return "ok", "exit code 0"
    if code in (126, 127):
        return "command_not_found", _last_line(outcome.stderr_tail, f"exit code {code}")
    if code == 2 and _PY_NO_FILE.search(outcome.stderr_tail):
        return "command_not_found", _last_line(outcome.stderr_tail, "script not found")
    if code is not None and code < 0:
        hint = " (out of memory?)" if code == -signal.SIGKILL else ""
        return "killed", f"killed by {_signal_name(-code)}{hint}"
    return "failed", f"exit code {code}: {_last_line(outcome.stderr_tail, 'no error output')}"


def _last_line(text: str, default: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else default
