"""Repo view: lenient decoding, notebooks as code with .ipynb line numbers, import resolution."""

from __future__ import annotations

import json
from pathlib import Path

from builders import make_repo

from auditor.inventory import build_inventory
from auditor.repo import Repo, notebook_source
from auditor.target import open_target


def repo_at(root: Path) -> Repo:
    snap = open_target(str(root))
    return Repo(snap, build_inventory(snap))


def test_non_utf8_text_is_read_as_latin1_with_a_note(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "# caf\xe9\nx = 1\n".encode("latin-1")})
    repo = repo_at(root)
    assert repo.text("train.py") == "# café\nx = 1\n"
    assert [(n.path, n.mode) for n in repo.read_notes] == [("train.py", "latin-1")]


def test_notebook_code_lines_map_to_ipynb_lines(tmp_path: Path) -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Title\n"]},
            {
                "cell_type": "code",
                "source": ["import torch\n", "%matplotlib inline\n", "torch.manual_seed(0)\n"],
            },
        ],
        "nbformat": 4,
        "metadata": {},
    }
    text = json.dumps(nb, indent=1)
    root = make_repo(tmp_path / "r", {"search.ipynb": text})
    repo = repo_at(root)
    module = repo.module("search.ipynb")
    assert module is not None
    call = next(c for c in module.calls if c.name == "torch.manual_seed")
    file_line = module.file_line(call.line)
    assert "torch.manual_seed(0)" in text.splitlines()[file_line - 1]
    assert "search.ipynb" not in repo._text  # the JSON (images and all) is not kept


def test_malformed_notebook_is_noted_not_fatal(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"bad.ipynb": "{not json"})
    repo = repo_at(root)
    assert repo.modules == {}
    assert repo.read_notes[0].path == "bad.ipynb"
    assert notebook_source('{"cells": 3}')[2] == "notebook has no cell list"


def test_resolve_import_prefers_siblings_then_packages(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "cnn/train.py": "import utils\n",
            "cnn/utils.py": "",
            "rnn/utils.py": "",
            "pkg/__init__.py": "",
            "pkg/ops.py": "",
            "pkg/sub/m.py": "from ..ops import x\n",
        },
    )
    repo = repo_at(root)
    assert repo.resolve_import("utils", 0, "cnn/train.py") == "cnn/utils.py"
    assert repo.resolve_import("pkg.ops", 0, "main.py") == "pkg/ops.py"
    assert repo.resolve_import("ops", 2, "pkg/sub/m.py") == "pkg/ops.py"
    assert repo.resolve_import("pkg", 0, "main.py") == "pkg/__init__.py"
    assert repo.resolve_import("missing", 0, "main.py") is None


def test_import_heads_are_the_first_parts_of_resolvable_names(tmp_path: Path) -> None:
    """A dotted name whose first part is no repo folder or module resolves to nothing, so the
    call graph does not try (`torch.nn.Conv2d` in a repository without a `torch` folder)."""
    files = {"nas/search/model.py": "x = 1\n", "train.py": "x = 1\n", "lib/__init__.py": ""}
    snapshot = open_target(str(make_repo(tmp_path / "r", files)))
    imports = Repo(snapshot, build_inventory(snapshot)).imports
    assert imports.heads == {"", "nas", "search", "model", "train", "lib"}
    assert imports.resolve("search.model", 0, "nas/run.py") == "nas/search/model.py"
    assert imports.resolve("torch.nn", 0, "train.py") is None
