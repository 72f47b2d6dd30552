"""Shared pytest configuration: the tests folder is importable (for `builders`), and so is
tests/e2e (for the fixture-repository builders `nasfixtures`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))


def pytest_addoption(parser: object) -> None:
    """`--update-golden` rewrites the golden files of the report formats (tests/report)."""
    parser.addoption(  # type: ignore[attr-defined]
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files instead of comparing with them",
    )


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets an empty cache folder (parsed files, clones, re-runs): no test reads
    what another left, and none writes to the user's ~/.cache."""
    monkeypatch.setenv("NAS_AUDIT_CACHE", str(tmp_path_factory.mktemp("cache")))
