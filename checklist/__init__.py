"""The checklists nas-audit knows, as validated data (see schema.py)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from auditor.errors import AuditorError
from checklist.schema import Checklist, CheckMethod, Item, Section, Signal

DEFAULT_CHECKLIST = "lindauer-hutter-2020"
_DATA_DIR = Path(__file__).resolve().parent

__all__ = [
    "DEFAULT_CHECKLIST",
    "CheckMethod",
    "Checklist",
    "Item",
    "Section",
    "Signal",
    "checklist_path",
    "checklist_sha256",
    "load_checklist",
]


def checklist_path(checklist_id: str = DEFAULT_CHECKLIST) -> Path:
    """Path of the data file for a checklist id (ids use '-', file names '_')."""
    path = _DATA_DIR / (checklist_id.replace("-", "_") + ".yaml")
    if not path.is_file():
        known = sorted(p.stem.replace("_", "-") for p in _DATA_DIR.glob("*.yaml"))
        raise AuditorError(f"unknown checklist {checklist_id!r}; known: {', '.join(known)}")
    return path


@cache
def load_checklist(checklist_id: str = DEFAULT_CHECKLIST) -> Checklist:
    """Load and validate a bundled checklist; errors name the file, line and field."""
    from auditor.yamlfile import load_yaml_model

    return load_yaml_model(checklist_path(checklist_id), Checklist)


def checklist_sha256(checklist_id: str = DEFAULT_CHECKLIST) -> str:
    """Hash of the checklist data file, recorded in every report."""
    return hashlib.sha256(checklist_path(checklist_id).read_bytes()).hexdigest()
