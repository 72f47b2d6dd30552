"""`nas-audit audit --format` with several formats: one file each in --output-dir, and the
usage errors that must come before the audit starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import make_repo

from auditor.cli import main

FILES = {
    "train.py": """
        import argparse
        import torch
        parser = argparse.ArgumentParser()
        parser.add_argument("--seed", type=int, default=0)
        args = parser.parse_args()
        torch.manual_seed(args.seed)
    """,
    "README.md": "# Tiny | NAS\n",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("cli") / "repo", FILES)


def test_several_formats_write_one_file_each(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports" / "new"
    code = main(
        ["audit", str(repo), "-f", "sarif,latex", "-f", "markdown", "--output-dir", str(out)]
    )
    stdout, stderr = capsys.readouterr()
    assert code == 0 and stdout == ""
    names = sorted(p.name for p in out.iterdir())
    assert names == ["nas-audit-report.md", "nas-audit-report.sarif", "nas-audit-report.tex"]
    for name in names:
        assert f"wrote {out / name}" in stderr
    sarif = json.loads((out / "nas-audit-report.sarif").read_text())
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["tool"]["driver"]["rules"]) == 16
    assert "\\section*{NAS best-practices checklist}" in (out / "nas-audit-report.tex").read_text()
    assert "| Item | Status |" in (out / "nas-audit-report.md").read_text()


def test_output_dir_with_the_default_format_writes_text(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(repo), "-q", "--output-dir", str(tmp_path)]) == 0
    assert capsys.readouterr() == ("", "")
    assert [p.name for p in tmp_path.iterdir()] == ["nas-audit-report.txt"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-f", "json,html"], "2 formats (json, html) need --output-dir DIR"),
        (["-f", "json", "-o", "r.json", "--output-dir", "d"], "--output and --output-dir exclude"),
        (["-f", "json,pdf"], "unknown format pdf"),
    ],
)
def test_usage_errors_exit_2_with_one_line_before_auditing(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "not-audited"  # the usage error must come before opening the target
    code = main(["audit", str(missing), *extra])
    stdout, stderr = capsys.readouterr()
    assert code == 2 and stdout == ""
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert not missing.exists() and not (tmp_path / "d").exists()


def test_the_same_format_twice_is_written_once(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["audit", str(repo), "-q", "-f", "sarif,sarif", "-o", str(tmp_path / "r.sarif")]) == 0
    )
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert capsys.readouterr().out == ""
