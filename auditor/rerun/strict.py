"""`--strict-determinism`: put the shim on a run's PYTHONPATH and read back what it saw.

The shim (auditor/rerun/strict_shim.py) is copied into the sandbox as `sitecustomize.py`, so
every Python process of the run loads it at start-up; it writes one JSON file per process.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from auditor.rerun import strict_shim
from auditor.rerun.models import Refusal, StrictReport


def install_shim(dest: Path) -> Path:
    """Write the shim as `dest/sitecustomize.py`; returns the folder for PYTHONPATH."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(strict_shim.__file__, dest / "sitecustomize.py")
    return dest


def shim_environment(shim_dir: Path, out_dir: Path) -> dict[str, str]:
    """Variables that make a run load the shim and tell it where to write."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {"PYTHONPATH": str(shim_dir), strict_shim.OUT_ENV: str(out_dir)}


def read_report(out_dir: Path) -> StrictReport:
    """Merge the per-process records of one run (refusals once per operation)."""
    patched = False
    refusals: dict[str, Refusal] = {}
    errors: list[str] = []
    for path in sorted(out_dir.glob("strict-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            errors.append(f"unreadable record {path.name}")
            continue
        if not isinstance(data, dict):
            continue
        patched = patched or data.get("torch_patched") is True
        for item in data.get("refusals") or []:
            if isinstance(item, dict) and isinstance(item.get("op"), str):
                refusals.setdefault(
                    item["op"], Refusal(op=item["op"], message=str(item.get("message", "")))
                )
        errors.extend(str(e) for e in data.get("errors") or [] if str(e) not in errors)
    return StrictReport(
        torch_patched=patched, refusals=tuple(refusals.values()), errors=tuple(errors)
    )
