"""Deps probe: dependency files, declared packages, exact lines, what counts as pinned."""

from __future__ import annotations

from pathlib import Path

from builders import lines_of, make_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.facts import Facts
from auditor.inventory import build_inventory
from auditor.probes import deps
from auditor.probes.deps_specs import parse_conda_spec, parse_requirement
from auditor.repo import Repo
from auditor.target import open_target


def probe(root: Path) -> tuple[Facts, Repo]:
    """Run only the deps probe (the package may not import fully while others write theirs)."""
    snapshot = open_target(str(root))
    repo = Repo(snapshot, build_inventory(snapshot))
    facts = Facts()
    deps.run(repo, facts)
    return facts, repo


def rows(facts: Facts, path: str) -> list[tuple[int | None, str, str, bool]]:
    return [(d.line, d.name, d.spec, d.pinned) for d in facts.dependencies if d.path == path]


def at(root: Path, path: str, needle: str) -> int:
    (line,) = lines_of(root, path, needle)
    return line


REQUIREMENTS = """
    # core
    --index-url https://pypi.org/simple
    torch==1.0.1
    numpy>=1.16  # newer is fine
    Pillow
    -r deps/base.txt
    -e .
    git+https://github.com/a/nasbench.git@0123456789abcdef0123456789abcdef01234567#egg=nasbench
    git+https://github.com/automl/nasbench301@no_gin
    scipy==1.4.1; python_version >= "3.6"
    tensorboard_X == 1.8 \\
        --hash=sha256:abcdef
    torchvision==0.2.*
"""


def test_requirements_lines_pins_includes_and_urls(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "requirements.txt": REQUIREMENTS,
            "deps/base.txt": "graphviz==0.8.4\n-r ../requirements.txt\n",
            "train.py": "import torch\n",
        },
    )
    facts, repo = probe(root)
    assert facts.dependency_files == ["requirements.txt", "deps/base.txt"]
    req = "requirements.txt"
    assert rows(facts, req) == [
        (at(root, req, "torch=="), "torch", "==1.0.1", True),
        (at(root, req, "numpy"), "numpy", ">=1.16", False),
        (at(root, req, "Pillow"), "pillow", "", False),
        (
            at(root, req, "@0123"),
            "nasbench",
            "git+https://github.com/a/nasbench.git@0123456789abcdef0123456789abcdef01234567"
            "#egg=nasbench",
            True,
        ),
        (
            at(root, req, "no_gin"),
            "nasbench301",
            "git+https://github.com/automl/nasbench301@no_gin",
            False,
        ),
        (at(root, req, "scipy"), "scipy", "==1.4.1", True),
        (at(root, req, "tensorboard_X"), "tensorboard-x", "== 1.8", True),
        (at(root, req, "torchvision"), "torchvision", "==0.2.*", False),
    ]
    assert rows(facts, "deps/base.txt") == [(1, "graphviz", "==0.8.4", True)]
    assert repo.read_notes == []


def test_conda_environment_pins_and_pip_sublist(tmp_path: Path) -> None:
    env = """
        name: darts
        channels:
          - pytorch
        dependencies:
          - python=3.6
          - pytorch=0.3.1=py36_cuda8.0.61_cudnn7.0.5_2
          - cudatoolkit 9.0
          - numpy>=1.14
          - conda-forge::graphviz
          - python-graphviz=0.8.*
          - pip:
            - torchvision==0.2.0
            - tensorboardX
    """
    root = make_repo(tmp_path / "r", {"environment.yml": env, "conf/env_gpu.yaml": env})
    facts, _ = probe(root)
    assert facts.dependency_files == ["conf/env_gpu.yaml", "environment.yml"]
    path = "environment.yml"
    assert rows(facts, path) == [
        (at(root, path, "python=3.6"), "python", "=3.6", True),
        (at(root, path, "pytorch="), "pytorch", "=0.3.1=py36_cuda8.0.61_cudnn7.0.5_2", True),
        (at(root, path, "cudatoolkit"), "cudatoolkit", "9.0", True),
        (at(root, path, "numpy"), "numpy", ">=1.14", False),
        (at(root, path, "conda-forge::graphviz"), "graphviz", "", False),
        (at(root, path, "python-graphviz"), "python-graphviz", "=0.8.*", False),
        (at(root, path, "torchvision"), "torchvision", "==0.2.0", True),
        (at(root, path, "tensorboardX"), "tensorboardx", "", False),
    ]


def test_setup_py_is_read_from_the_ast_never_executed(tmp_path: Path) -> None:
    setup = """
        from setuptools import setup
        raise SystemExit("executing setup.py is forbidden")
        BASE = ["torch==1.2.0", "numpy"]
        EXTRA = ["graphviz>=0.8"]
        requirements = []
        with open("requirements.txt") as f:
            requirements += f.read().splitlines()
        setup(
            name="x",
            install_requires=BASE + ["pyyaml~=5.1"],
            extras_require={"viz": EXTRA, "test": ["pytest==7.0"]},
        )
        setup(name="y", install_requires=requirements)
    """
    root = make_repo(tmp_path / "r", {"setup.py": setup})
    facts, _ = probe(root)
    assert facts.dependency_files == ["setup.py"]
    assert rows(facts, "setup.py") == [
        (at(root, "setup.py", '"torch=='), "torch", "==1.2.0", True),
        (at(root, "setup.py", '"torch=='), "numpy", "", False),
        (at(root, "setup.py", '"pyyaml'), "pyyaml", "~=5.1", False),
        (at(root, "setup.py", "EXTRA = "), "graphviz", ">=0.8", False),
        (at(root, "setup.py", '"pytest'), "pytest", "==7.0", True),
    ]


def test_pyproject_project_and_poetry_tables(tmp_path: Path) -> None:
    pyproject = """
        [project]
        name = "x"
        dependencies = [
          "torch==2.1.0",
          "numpy>=1.24",
        ]
        [project.optional-dependencies]
        viz = ["graphviz"]

        [tool.poetry.dependencies]
        python = "^3.8"
        torch = "1.13.1"
        numpy = "^1.24"
        nasbench = { git = "https://github.com/google-research/nasbench", rev = "b94247037ee470418a3e56dcb83814e9be83f3a8" }
        scipy = { version = "==1.10.0", optional = true }
    """  # noqa: E501
    root = make_repo(tmp_path / "r", {"pyproject.toml": pyproject})
    facts, _ = probe(root)
    p = "pyproject.toml"
    assert rows(facts, p) == [
        (at(root, p, '"torch=='), "torch", "==2.1.0", True),
        (at(root, p, '"numpy'), "numpy", ">=1.24", False),
        (at(root, p, "viz ="), "graphviz", "", False),
        (at(root, p, "python ="), "python", "^3.8", False),
        (at(root, p, 'torch = "'), "torch", "1.13.1", True),
        (at(root, p, 'numpy = "'), "numpy", "^1.24", False),
        (
            at(root, p, "nasbench ="),
            "nasbench",
            "https://github.com/google-research/nasbench@b94247037ee470418a3e56dcb83814e9be83f3a8",
            True,
        ),
        (at(root, p, "scipy ="), "scipy", "==1.10.0", True),
    ]


def test_pipfile_locks_setup_cfg_and_dockerfile(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "Pipfile": '[packages]\ntorch = "==1.4.0"\nnumpy = "*"\n',
            "poetry.lock": '[[package]]\nname = "Torch"\nversion = "1.4.0"\n\n'
            '[[package]]\nname = "numpy"\nversion = "1.18.1"\n',
            "setup.cfg": "[metadata]\nname = x\n\n[options]\ninstall_requires =\n"
            "    torch==1.4.0\n    tqdm\npackages = find:\n",
            "docker/Dockerfile": "FROM pytorch/pytorch:1.4-cuda10.1-cudnn7-runtime\n"
            "RUN pip install --no-cache-dir tensorboardX==2.0 \\\n"
            "    graphviz && conda install -y -c pytorch cudatoolkit=10.1\n",
        },
    )
    facts, _ = probe(root)
    assert facts.dependency_files == ["Pipfile", "docker/Dockerfile", "setup.cfg", "poetry.lock"]
    assert rows(facts, "Pipfile") == [(2, "torch", "==1.4.0", True), (3, "numpy", "*", False)]
    assert rows(facts, "poetry.lock") == [
        (2, "torch", "==1.4.0", True),
        (6, "numpy", "==1.18.1", True),
    ]
    assert rows(facts, "setup.cfg") == [(6, "torch", "==1.4.0", True), (7, "tqdm", "", False)]
    assert rows(facts, "docker/Dockerfile") == [
        (2, "tensorboardx", "==2.0", True),
        (2, "graphviz", "", False),
        (2, "cudatoolkit", "=10.1", True),
    ]


def test_malformed_files_are_listed_but_declare_nothing(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "environment.yml": "dependencies: [python=3.6\n  - : :\n",
            "pyproject.toml": '[project\ndependencies = ["torch==1.0"\n',
            "Pipfile": "[packages\n",
            "poetry.lock": "\0\0binary",
        },
    )
    facts, repo = probe(root)
    assert facts.dependency_files == ["Pipfile", "environment.yml", "pyproject.toml"]
    assert facts.dependencies == []
    assert repo.read_notes == []


DARTS_README = """
    # Differentiable Architecture Search
    Code accompanying the paper. Only a single GPU is required.

    ## Requirements
    ```
    Python >= 3.5.5, PyTorch == 0.3.1, torchvision == 0.2.0
    ```
    NOTE: PyTorch 0.4 is not supported at this moment and would lead to OOM.

    ## Results
    We compare with PyTorch 1.0 re-implementations of the baselines.
    All numbers were measured with CUDA 9.0 installed.
    ```
    python3.6 train.py --arch DARTS
    ```
"""


def test_readme_requirement_sentences_become_dependencies(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"README.md": DARTS_README, "cnn/train.py": "x = 1\n"})
    facts, _ = probe(root)
    assert facts.dependency_files == []
    req = at(root, "README.md", "Python >=")
    assert rows(facts, "README.md") == [
        (req, "python", ">=3.5.5", False),
        (req, "torch", "==0.3.1", True),
        (req, "torchvision", "==0.2.0", True),
        (at(root, "README.md", "CUDA 9.0"), "cuda", "9.0", True),
    ]
    expected = "Python >= 3.5.5, PyTorch == 0.3.1, torchvision == 0.2.0"
    assert facts.dependencies[0].snippet == expected


def test_requirements_sentence_outside_a_setup_section(tmp_path: Path) -> None:
    readme = """
        # RNN cells
        Requirements: Python >= 3.5.5, PyTorch == 0.3.1 (see the top-level README).
        Our PyTorch 0.3.1 model reaches 55.7 perplexity.
    """
    root = make_repo(tmp_path / "r", {"rnn/README.md": readme})
    facts, _ = probe(root)
    line = at(root, "rnn/README.md", "Requirements:")
    assert rows(facts, "rnn/README.md") == [
        (line, "python", ">=3.5.5", False),
        (line, "torch", "==0.3.1", True),
    ]


def test_a_colon_line_lends_its_context_to_its_paragraph(tmp_path: Path) -> None:
    # randomNAS: the requirement is said on the line above the versions
    readme = """
        # randomNAS
        You will need the following packages to run the code:
        `Python >= 3.5.5, PyTorch == 0.3.1, CUDA 9.0`

        Our results:
        PyTorch 1.0 reaches 97% here.
        Released for PyTorch 1.2, trained for 12 hours.
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})
    facts, _ = probe(root)
    line = at(root, "README.md", "PyTorch == 0.3.1")
    assert rows(facts, "README.md") == [
        (line, "python", ">=3.5.5", False),
        (line, "torch", "==0.3.1", True),
        (line, "cuda", "9.0", True),
    ]


def test_floors_and_alternatives_are_not_pins(tmp_path: Path) -> None:
    # P-DARTS and PC-DARTS: "0.4 or above" is a floor; two versions of one package are a choice
    readme = """
        # Usage
        You need a GPU with 16GB memory, and equip it with PyTorch 0.4 or above versions.
        Tested with CUDA 10.1 and later, numpy 1.16.
        - For the main branch, `python2 with pytorch(3.0.1)` is recommended; the V100 branch needs `pytorch1.0+`.
        - We recommend pytorch(3.0.1) on the 1080 Ti: PyTorch 3.0.1 is what we used.
    """  # noqa: E501
    root = make_repo(tmp_path / "r", {"README.md": readme})
    facts, _ = probe(root)
    assert rows(facts, "README.md") == [
        (at(root, "README.md", "0.4 or above"), "torch", ">=0.4", False),
        (at(root, "README.md", "CUDA 10.1"), "cuda", ">=10.1", False),
        (at(root, "README.md", "CUDA 10.1"), "numpy", "1.16", True),
        (at(root, "README.md", "main branch"), "torch", "3.0.1 or 1.0+", False),
        (at(root, "README.md", "1080 Ti"), "torch", "3.0.1", True),
    ]


def test_readme_pip_install_lines_in_setup_sections(tmp_path: Path) -> None:
    readme = """
        Installation
        ============
        ```bash
        conda create -n nas python=3.7
        pip install torch==1.9.0 "graphviz>=0.8" -r requirements.txt
        pip install --upgrade pip
        ```
        Prerequisite: python 64-bit. 然后运行 pip install tqdm==4.0 python3 -m pip install x
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})
    facts, _ = probe(root)
    assert rows(facts, "README.md") == [
        (at(root, "README.md", "conda create"), "python", "=3.7", True),
        (at(root, "README.md", "torch=="), "torch", "==1.9.0", True),
        (at(root, "README.md", "torch=="), "graphviz", ">=0.8", False),
        (at(root, "README.md", "tqdm"), "tqdm", "==4.0", True),
    ]


def test_dependencies_are_capped(tmp_path: Path) -> None:
    lines = "".join(f"pkg{i}=={i}.0\n" for i in range(1200))
    root = make_repo(tmp_path / "r", {"requirements.txt": lines})
    facts, _ = probe(root)
    assert len(facts.dependencies) == deps.MAX_DEPENDENCIES


# ------------------------------------------------------------------------ parser properties

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}(?:[-_.][A-Za-z0-9]{1,4})?", fullmatch=True)
VERSIONS = st.from_regex(r"[0-9]{1,2}(?:\.[0-9]{1,2}){0,2}", fullmatch=True)
OPS = st.sampled_from(["==", ">=", "<=", "~=", "!=", ">", "<", "==="])


@settings(max_examples=150, deadline=None)
@given(
    name=NAMES,
    clauses=st.lists(st.tuples(OPS, VERSIONS), max_size=2),
    extras=st.booleans(),
    marker=st.booleans(),
    comment=st.booleans(),
)
def test_requirement_line_round_trip(
    name: str, clauses: list[tuple[str, str]], extras: bool, marker: bool, comment: bool
) -> None:
    spec = ",".join(op + version for op, version in clauses)
    line = name + ("[cuda]" if extras else "") + spec
    line += '; python_version >= "3.6"' if marker else ""
    line += "  # pinned for the paper" if comment else ""
    req = parse_requirement(line)
    assert req is not None
    assert req.name == name.lower().replace("_", "-").replace(".", "-")
    assert req.spec == spec
    assert req.pinned == any(op in {"==", "==="} for op, _ in clauses)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_parsers_never_raise_on_junk(text: str) -> None:
    for parsed in (parse_requirement(text), parse_conda_spec(text)):
        assert parsed is None or parsed.name


@settings(max_examples=100, deadline=None)
@given(name=NAMES, version=VERSIONS, build=st.booleans(), star=st.booleans())
def test_conda_spec_pinned_only_when_exact(
    name: str, version: str, build: bool, star: bool
) -> None:
    text = f"{name}={version}" + (".*" if star else "") + ("=py36_0" if build else "")
    req = parse_conda_spec(text)
    assert req is not None and req.pinned is not star
