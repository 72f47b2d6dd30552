"""Golden files: compare a rendered report with tests/report/golden/<name>; rewrite them with
`pytest --update-golden`."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def assert_golden(request: pytest.FixtureRequest, name: str, text: str) -> None:
    """Fail with a diff hint when `text` differs from the golden file (or rewrite it)."""
    path = GOLDEN_DIR / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing; create it with `pytest --update-golden`")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        import difflib

        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    fromfile=f"golden/{name}",
                    tofile="rendered",
                )
            )[:80]
        )
        pytest.fail(f"{name} differs from its golden file (pytest --update-golden):\n{diff}")
