"""Shared pytest configuration: the tests folder is importable (for `builders`), and so is
tests/e2e (for the fixture-repository builders `nasfixtures`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
