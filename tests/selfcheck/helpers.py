"""Helpers of the self-check tests: fixture repositories with a nas-audit.yaml, and the
CLI run in-process."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from builders import make_repo
from nasfixtures import compliant_files
from nasvariants import no_final_training

from auditor.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`nas-audit ARGV` in-process: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def repo_with_config(
    root: Path, config: str, files: Mapping[str, str] | None = None, *, commit: bool = True
) -> Path:
    """A committed fixture repository (the compliant one by default) with this nas-audit.yaml."""
    contents = dict(compliant_files() if files is None else files)
    contents["nas-audit.yaml"] = textwrap.dedent(config).lstrip("\n")
    return make_repo(root, contents, commit=commit)


def no_final_training_files() -> dict[str, str]:
    """R1 and R3 fail, C4 needs review, the rest pass (tests/e2e/nasvariants.py)."""
    return dict(no_final_training())


ALL_YES = "answers:\n" + "".join(
    f"  {item}: {{answer: yes, where: [{where}]}}\n"
    for item, where in {
        "R1": "train.py", "R2": "operations.py", "R3": "configs/train.yaml",
        "R4": "train_search.py", "R5": "random_search.py", "C1": "data.py",
        "C2": "requirements.txt", "C3": "train_search.py", "C4": "scripts", "C5": "logs",
        "C6": "random_search.py",
        "C7": "configs", "C8": "bench_eval.py", "D1": "README.md", "D2": "README.md", "D3": ".",
    }.items()
)  # fmt: skip

# no_final_training: R1 and R3 fail, C4 needs review, everything else passes
MIXED = """
answers:
  R1: {answer: yes, where: [train_search.py], justification: "we think so"}
  R2: {answer: yes, where: [operations.py, env/missing.yml]}
  R3: {answer: no, justification: "no final training yet"}
  C4: {answer: yes}
  C6: {answer: n/a}
"""
