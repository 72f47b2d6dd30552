"""The pre-commit hook (.pre-commit-hooks.yaml): valid for pre-commit, and run for real with
`pre-commit try-repo` against a fixture repository (it installs nas-audit into its own
environment from the package index, hence slow)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import git

from selfcheck.helpers import MIXED, no_final_training_files, repo_with_config

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
PACKAGE = ("pyproject.toml", "README.md", "auditor", "checklist", "templates", HOOKS.name)


def test_the_hook_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    (hook,) = clientlib.load_manifest(str(HOOKS))
    assert hook["id"] == "nas-audit" and hook["language"] == "python"
    assert hook["entry"] == "nas-audit check --tier static"
    assert hook["pass_filenames"] is False and hook["always_run"] is True


def hook_repository(dest: Path) -> Path:
    """A committed copy of what `pip install .` needs: try-repo leaves out uncommitted files."""
    for name in PACKAGE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "hook")
    return dest


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_static_check(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[dev]')")
    hooks = hook_repository(tmp_path / "hook")
    fixture = repo_with_config(tmp_path / "paper", MIXED, no_final_training_files())
    env = os.environ | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    done = subprocess.run(
        [str(pre_commit), "try-repo", str(hooks), "nas-audit", "--all-files", "--color", "never"],
        cwd=fixture, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "nas-audit self-check (static)" in output and "Failed" in output
    assert "- exit code: 1" in output
    assert "tier static (--tier static)" in output and "Contradicted:\n  R1  " in output
    assert "check failed (--fail-on contradicted,releasing-code:fail)" in output
