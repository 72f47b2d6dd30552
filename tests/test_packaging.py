"""The built wheel carries the checklist data and templates and runs from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from builders import make_repo

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_audits(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("nas_audit-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    names = subprocess.run(
        [str(python), "-m", "zipfile", "-l", str(wheel)], check=True, capture_output=True, text=True
    ).stdout
    assert "checklist/lindauer_hutter_2020.yaml" in names
    assert "auditor/_templates/" in names
    repo = make_repo(tmp_path / "repo", {"train.py": "import random\nrandom.seed(1)\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(env_dir / "bin" / "nas-audit"), "audit", str(repo), "--format", "json", "-q"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(json.loads(result.stdout)["items"]) == 16
    reports = tmp_path / "reports"
    subprocess.run(
        [str(env_dir / "bin" / "nas-audit"), "audit", str(repo), "-q", "--output-dir",
         str(reports), "-f", "markdown,html,sarif,latex"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    html = (reports / "nas-audit-report.html").read_text()
    assert html.count('class="card') >= 16 and "R1" in html  # templates/html/* came along
    for ext in ("md", "sarif", "tex"):
        assert (reports / f"nas-audit-report.{ext}").stat().st_size > 1000
