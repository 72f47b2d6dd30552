"""Where packaged data lives: templates ship inside the wheel as auditor/_templates."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The Jinja2 templates: in the wheel, or in the source tree's top-level templates/."""
    installed = _PACKAGE_DIR / "_templates"
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / "templates"
