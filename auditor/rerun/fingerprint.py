"""The environment fingerprint: the probe script, run once by the runs' interpreter.

The probe (fingerprint_probe.py) runs in the sandbox with the same interpreter, environment
and isolation as the runs, so it describes what the runs saw, not what the auditor sees.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

from pydantic import ValidationError

from auditor.rerun import fingerprint_probe
from auditor.rerun.models import Fingerprint

PROBE_TIMEOUT = 180.0


def install_probe(dest: Path) -> Path:
    """Copy the probe script into the sandbox; returns its path."""
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / "nas_audit_fingerprint.py"
    shutil.copyfile(fingerprint_probe.__file__, target)
    return target


def probe_command(probe: Path) -> str:
    """The shell line that runs the probe with the runs' `python`."""
    return f"python {shlex.quote(str(probe))}"


def parse_fingerprint(stdout: str, stderr: str, exit_code: int | None) -> Fingerprint:
    """The probe's JSON (last line of stdout), or a Fingerprint that says what went wrong."""
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    if exit_code == 0 and lines:
        try:
            return Fingerprint.model_validate(json.loads(lines[-1]))
        except (ValueError, ValidationError) as exc:
            return Fingerprint(error=f"unreadable fingerprint: {exc}"[:300])
    why = (stderr.strip().splitlines() or [f"exit code {exit_code}"])[-1]
    return Fingerprint(error=f"fingerprint probe failed: {why}"[:300])
