"""References probe: missing script files, imports of repo modules that do not exist."""

from __future__ import annotations

from pathlib import Path

from builders import lines_of, make_repo

from auditor.facts import BrokenReference, Dependency, Facts, ScriptInvocation
from auditor.inventory import build_inventory
from auditor.probes import references
from auditor.repo import Repo
from auditor.target import open_target


def probe(root: Path, facts: Facts | None = None) -> Facts:
    """Run only the references probe over facts pre-filled by hand (as earlier probes would)."""
    snapshot = open_target(str(root))
    facts = facts or Facts()
    references.run(Repo(snapshot, build_inventory(snapshot)), facts)
    return facts


def broken(facts: Facts) -> list[tuple[str, str, int | None, str]]:
    return [(b.kind, b.path, b.line, b.target) for b in facts.broken_references]


def at(root: Path, path: str, needle: str) -> int:
    (line,) = lines_of(root, path, needle)
    return line


TRAIN_SEARCH = """
    import os
    import sys
    import numpy as np
    import torch
    import utils
    import cPickle
    from model_search import Network
    from architect import Architect
    try:
        from apex import amp
        import fast_kernels
    except ImportError:
        amp = None
    if False:
        import legacy_helpers
    import visdom
    from model_search import MixedOp
    from nas.models import resnet
    from nas.ops import conv
    from nas.ops.cuda_ext import fused
    from . import genotypes_missing
    from .search_space import PRIMITIVES
    from .spaces.gone import X
    import mylib
"""


def darts_like(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "r",
        {
            "cnn/train_search.py": TRAIN_SEARCH,
            "cnn/utils.py": "import numpy\n",
            "cnn/architect.py": "import torch\n",
            "cnn/search_space.py": "PRIMITIVES = []\n",
            "cnn/__init__.py": "",
            "nas/__init__.py": "",
            "nas/ops/conv.py": "x = 1\n",
            "nas/ops/cuda_ext.cpp": "// built extension\n",
            "run.sh": "python cnn/train_search.py\npython cnn/missing.py\n",
        },
    )


def test_missing_local_modules_are_reported_guarded_and_external_are_not(tmp_path: Path) -> None:
    root = darts_like(tmp_path)
    facts = Facts(dependencies=[Dependency(path="requirements.txt", line=1, name="mylib")])
    path = "cnn/train_search.py"
    assert broken(probe(root, facts)) == [
        ("module_import", path, at(root, path, "from model_search import Network"), "model_search"),
        ("module_import", path, at(root, path, "nas.models"), "nas.models"),
        ("module_import", path, at(root, path, ".spaces.gone"), ".spaces.gone"),
    ]
    ref = facts.broken_references[0]
    assert ref.snippet == "from model_search import Network"


def test_broken_script_invocations_come_from_roles_facts(tmp_path: Path) -> None:
    root = darts_like(tmp_path)
    facts = Facts(
        script_invocations=[
            ScriptInvocation(
                path="run.sh",
                line=1,
                snippet="python cnn/train_search.py",
                script="cnn/train_search.py",
                resolved="cnn/train_search.py",
            ),
            ScriptInvocation(
                path="run.sh",
                line=2,
                snippet="python cnn/missing.py",
                script="cnn/missing.py",
                resolved=None,
            ),
            ScriptInvocation(
                path="run.sh",
                line=2,
                snippet="python cnn/missing.py",
                script="cnn/missing.py",
                resolved=None,
            ),
        ]
    )
    refs = [b for b in probe(root, facts).broken_references if b.kind == "script_file"]
    assert refs == [
        BrokenReference(
            path="run.sh",
            line=2,
            snippet="python cnn/missing.py",
            target="cnn/missing.py",
            kind="script_file",
        )
    ]


def test_a_moved_script_is_named_when_one_file_has_its_name(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {"exps/basic/basic-eval.py": "print(1)\n", "a/util.py": "", "b/util.py": ""},
    )

    def run(script: str) -> ScriptInvocation:
        return ScriptInvocation(path="README.md", line=3, script=script, resolved=None)

    facts = probe(root, Facts(script_invocations=[run("./exps/basic-eval.py"), run("util.py")]))
    hints = {b.target: b.same_name for b in facts.broken_references}
    assert hints == {"./exps/basic-eval.py": "exps/basic/basic-eval.py", "util.py": None}


def test_package_repos_do_not_flag_undeclared_third_party(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "mypkg/__init__.py": "",
            "mypkg/search.py": "import mypkg\nimport somevendorlib\nfrom mypkg import helpers\n"
            "from mypkg.spaces import cell\n",
            "mypkg/spaces/cell.py": "x = 1\n",
            "mypkg/spaces/__init__.py": "",
            "scripts/run.py": "from mypkg.missing_mod import f\nimport mypkg.spaces.cell\n",
            "notebooks/demo.ipynb": '{"cells": [{"cell_type": "code", "source": '
            '["from mypkg.nowhere import g\\n"]}]}',
        },
    )
    assert broken(probe(root)) == [
        ("module_import", "notebooks/demo.ipynb", 1, "mypkg.nowhere"),
        ("module_import", "scripts/run.py", 1, "mypkg.missing_mod"),
    ]


def test_relative_imports_in_namespace_packages_and_py2_files(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "pkg/sub/a.py": "from . import b\nfrom .b import thing\nfrom .. import top\n"
            "from ..other import y\n",
            "pkg/sub/b.py": "thing = 1\n",
            "pkg/top.py": "",
            "pkg/old.py": "print 'py2'\nfrom .gone import z\n",
            "pkg/tokens_only.py": "def f(:\nfrom .gone import z\n",
        },
    )
    facts = probe(root)
    assert broken(facts) == [
        ("module_import", "pkg/old.py", 2, ".gone"),
        ("module_import", "pkg/sub/a.py", 4, "..other"),
    ]


def test_broken_references_are_capped(tmp_path: Path) -> None:
    invocations = [
        ScriptInvocation(path="run.sh", line=i, script=f"s{i}.py", resolved=None)
        for i in range(1, 700)
    ]
    root = make_repo(tmp_path / "r", {"run.sh": "true\n"})
    facts = probe(root, Facts(script_invocations=invocations))
    assert len(facts.broken_references) == references.MAX_BROKEN
