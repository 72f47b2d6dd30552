"""A repository full of hostile or broken files is audited to the end, and says what it skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from builders import audit, make_repo

from auditor.cli import main
from auditor.models import Status

NOTEBOOK_OK = json.dumps(
    {
        "cells": [{"cell_type": "code", "source": ["import random\n", "random.seed(1)\n"]}],
        "nbformat": 4,
        "metadata": {},
    },
    indent=1,
)


def hostile_repo(tmp_path: Path) -> Path:
    root = make_repo(
        tmp_path / "hostile",
        {
            "train.py": (
                "import torch\ntorch.manual_seed(0)\nif __name__ == '__main__':\n    pass\n"
            ),
            "py2_train.py": (
                'import numpy as np\nprint "hi"\nnp.random.seed(3)\nx.cuda(async=True)\n'
            ),
            "broken.py": "def f(:\n    return\n",
            "deep.py": "x = " + "[" * 3000 + "]" * 3000 + "\n",
            "nested.py": "".join("    " * i + "if x:\n" for i in range(95)) + "    " * 95 + "y()\n",
            "latin.py": "# caf\xe9\nimport random\n".encode("latin-1"),
            "blob.py": b"\x00\x01\x02 not text",
            "weights.pth": b"\x80\x02" + bytes(200),
            "huge.log": "epoch 1 valid_acc 10.0\n" * 200_000,
            "configs/bad.yaml": "lr: [1, 2\nseed: {",
            "configs/bad.json": '{"lr": 0.1,,}',
            "configs/bad.toml": "lr = = 1",
            "bad.ipynb": "{ not a notebook",
            "ok.ipynb": NOTEBOOK_OK,
            "scripts/run.sh": "python missing_script.py --seed 1\n",
            "README.md": "# <script>alert(1)</script> | pipe\n",
            "gone.py": "x = 1\n",
        },
    )
    (root / "gone.py").unlink()  # tracked by git, missing from the worktree
    os.symlink("/etc/passwd", root / "leak.txt")
    return root


def test_hostile_repository_is_audited_completely(tmp_path: Path) -> None:
    report = audit(hostile_repo(tmp_path))
    assert len(report.items) == 16
    assert all(v.status in set(Status) for v in report.items)
    assert not any(v.error for v in report.items), [v.error for v in report.items if v.error]
    skipped = {s.path: s.reason for s in report.skipped}
    assert skipped["blob.py"] == "binary content"
    assert skipped["huge.log"].startswith("larger than")
    assert skipped["gone.py"] == "tracked by git but missing from the worktree"
    notes = {n.path: n.mode for n in report.facts.read_notes}
    assert notes["py2_train.py"] == "repaired"
    assert notes["broken.py"] == "tokens"
    assert notes["latin.py"] == "latin-1"
    assert notes["bad.ipynb"] == "error"
    seeds = {(c.path, c.line) for c in report.facts.seed_calls}
    assert {("train.py", 2), ("py2_train.py", 3)} <= seeds
    bad_configs = {c.path for c in report.facts.configs if c.parse_error}
    assert bad_configs == {"configs/bad.yaml", "configs/bad.json", "configs/bad.toml"}


def test_untracked_symlink_outside_in_plain_directory_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "train.py").write_text("import random\nrandom.seed(0)\n")
    os.symlink("/etc/passwd", root / "leak.txt")
    report = audit(root)
    assert {s.path: s.reason for s in report.skipped}["leak.txt"] == (
        "symlink pointing outside the repository"
    )


@pytest.mark.parametrize("files", [{}, {"README.md": "# only docs\n", "data.csv": "a,b\n1,2\n"}])
def test_empty_and_python_free_repositories(
    tmp_path: Path, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "r", files)
    assert main(["audit", str(root), "--format", "json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["items"]) == 16
    assert data["facts"]["python_files"] == 0
    assert "pass" not in {i["status"] for i in data["items"]}


def test_text_and_markdown_say_which_files_were_read_by_fallback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = hostile_repo(tmp_path)
    for fmt in ("text", "markdown"):
        assert main(["audit", str(root), "--format", fmt, "-q"]) == 0
        out = capsys.readouterr().out
        assert "1 file(s) read after rewriting Python 2 idioms: py2_train.py" in out
        assert "read as tokens only: broken.py" in out
