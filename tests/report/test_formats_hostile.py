"""The hostile fixture repository (report/hostile.py), audited through the CLI: its Markdown
tables stay intact, its SARIF is valid and leaves the marked-up remote out, and its LaTeX
compiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.models import AuditReport
from auditor.report.latex import render_latex
from auditor.report.sarif import render_sarif
from checklist import load_checklist
from report.checkers import assert_tables_intact, compile_latex, sarif_validator
from report.hostile import MARK, audit_hostile

CHECKLIST = load_checklist("lindauer-hutter-2020")


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("hostile-formats")
    return audit_hostile(base / "repo", base / "out")


def test_markdown_tables_survive_the_hostile_repository(audited: dict[str, Path]) -> None:
    text = audited["md"].read_text(encoding="utf-8")
    assert_tables_intact(text)
    assert "<script" not in text and "<img" not in text
    assert "](javascript:" not in text


def test_sarif_of_the_hostile_repository_is_valid(audited: dict[str, Path]) -> None:
    report = AuditReport.model_validate_json(audited["json"].read_text(encoding="utf-8"))
    log = json.loads(render_sarif(report, CHECKLIST))
    errors = list(sarif_validator().iter_errors(log))
    assert not errors, [e.message for e in errors[:5]]
    assert "versionControlProvenance" not in log["runs"][0]  # the remote carries markup
    assert report.target.remote and MARK in report.target.remote


def test_latex_of_the_hostile_repository_compiles(audited: dict[str, Path], tmp_path: Path) -> None:
    report = AuditReport.model_validate_json(audited["json"].read_text(encoding="utf-8"))
    compile_latex(tmp_path, {"hostile": render_latex(report, CHECKLIST)})
