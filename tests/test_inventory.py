"""Inventory: kinds, sizes, and skipped files with their reasons."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from builders import make_repo
from hypothesis import given
from hypothesis import strategies as st

from auditor.inventory import FileKind, build_inventory, classify, name_and_suffix
from auditor.target import open_target


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("train.py", FileKind.PYTHON),
        ("nb/search.ipynb", FileKind.NOTEBOOK),
        ("configs/train.yaml", FileKind.CONFIG),
        ("requirements.txt", FileKind.DEPENDENCY),
        ("requirements-dev.in", FileKind.DEPENDENCY),
        ("environment.yml", FileKind.DEPENDENCY),
        ("pyproject.toml", FileKind.DEPENDENCY),
        ("scripts/run.sh", FileKind.SHELL),
        ("Makefile", FileKind.SHELL),
        ("job.slurm", FileKind.SHELL),
        ("logs/seed0.log", FileKind.LOG),
        ("logs/results.csv", FileKind.LOG),
        ("logs/run/metrics.json", FileKind.LOG),
        ("runs/events.out.tfevents.1.host", FileKind.LOG),
        ("README.md", FileKind.DOC),
        ("notes.txt", FileKind.DOC),
        ("data/table.csv", FileKind.DATA),
        ("weights.pth", FileKind.DATA),
        ("img/arch.png", FileKind.BINARY),
    ],
)
def test_classify(path: str, kind: FileKind) -> None:
    assert classify(path) is kind


def test_skips_binary_large_vendored_and_missing(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "train.py": "x = 1\n",
            "fake.py": b"\x00\x01binary",
            "big.py": "x = 1\n" * 10,
            "third_party/lib.py": "y = 2\n",
            "gone.py": "z = 3\n",
        },
    )
    (root / "gone.py").unlink()
    inv = build_inventory(open_target(str(root)), max_file_bytes=30)
    reasons = {s.path: s.reason for s in inv.skipped}
    assert [f.path for f in inv.files] == ["train.py"]
    assert reasons["fake.py"] == "binary content"
    assert reasons["big.py"].startswith("larger than")
    assert reasons["third_party/lib.py"] == "vendored or generated directory"
    assert reasons["gone.py"] == "tracked by git but missing from the worktree"
    assert inv.has("big.py") and not inv.has("gone.py")


def test_symlinks_outside_and_loops_in_plain_directory(tmp_path: Path) -> None:
    outside = tmp_path / "secret.py"
    outside.write_text("TOKEN = 1\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "train.py").write_text("x = 1\n")
    os.symlink(outside, root / "leak.py")
    os.symlink(root / "loop_b", root / "loop_a")
    os.symlink(root / "loop_a", root / "loop_b")
    os.symlink(root, root / "self")  # a directory link back to the root: never followed
    inv = build_inventory(open_target(str(root)))
    reasons = {s.path: s.reason for s in inv.skipped}
    assert [f.path for f in inv.files] == ["train.py"]
    assert reasons["leak.py"] == "symlink pointing outside the repository"
    assert reasons["loop_a"] == "symlink that is broken or loops"
    assert reasons["self"] == "symlink to a directory"


def test_empty_repository_has_no_files(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {})
    inv = build_inventory(open_target(str(root)))
    assert inv.files == [] and inv.skipped == []


_PART = st.text(alphabet=st.sampled_from("ab.Z_-İ1 "), min_size=1, max_size=8).filter(
    lambda part: part not in {".", ".."}
)


@given(st.lists(_PART, min_size=1, max_size=4))
def test_name_and_suffix_are_what_a_path_object_gives(parts: list[str]) -> None:
    path = "/".join(parts)
    pure = PurePosixPath(path)
    assert name_and_suffix(path) == (pure.name, pure.suffix)
    assert path.split("/")[:-1] == list(pure.parts[:-1])
