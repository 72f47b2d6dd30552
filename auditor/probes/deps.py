"""Deps probe: which dependency files exist, which packages they declare, and which are pinned.

Reads requirements files (following `-r` includes once), conda environments, pyproject.toml,
Pipfile, setup.cfg, setup.py (AST only), lock files, Dockerfile install lines, and the version
sentences of README/docs setup sections ("Python >= 3.5.5, PyTorch == 0.3.1").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from auditor.facts import Dependency, Facts
from auditor.inventory import DEFAULT_MAX_FILE_BYTES, FileKind, name_and_suffix
from auditor.probes import deps_formats as formats
from auditor.probes.deps_formats import FileDeps
from auditor.probes.deps_setup import setup_cfg, setup_py
from auditor.probes.deps_specs import Requirement
from auditor.probes.docs import doc_paths
from auditor.probes.docs_text import is_rst, paragraphs, split_sections, version_mentions
from auditor.pyast import parse_module
from auditor.repo import Repo

MAX_DEPENDENCIES = 1000

# docs that state requirements (release notes and API pages name versions for other reasons)
_SETUP_DOC = re.compile(
    r"(?:readme|install|setup|requirement|getting[-_ ]?started|quick[-_ ]?start|environment"
    r"|prerequisite|manual|usage|index)",
    re.I,
)
_ENV_NAME = re.compile(r"(?:^|[_.-])(?:env|environment|conda)(?:[_.-]|$)", re.I)
_CONDA_DEPS = re.compile(r"^dependencies\s*:", re.M)
_SETUP_HEADING = re.compile(
    r"\b(?:requirements?|install\w*|dependenc\w*|prerequisites?|environment|set ?up"
    r"|getting started|software|quick ?start)\b",
    re.I,
)
_VERSION_CONTEXT = re.compile(
    r"\b(?:requir\w*|tested|install\w*|depend\w*|environment|compatib\w*|developed (?:with|using)"
    r"|built (?:with|on)|works? with|we used?|versions?|need\w*|recommend\w*)\b",
    re.I,
)
_NEGATION = re.compile(r"\b(?:not|no longer|unsupported|deprecated|incompatible)\b|n't\b", re.I)
_INSTALL_TOOLS = frozenset({"pip", "setuptools", "wheel"})
_RUNS_PY_FILE = re.compile(r"\bpython[\d.]*\s+\S+\.py\b", re.I)


def run(repo: Repo, facts: Facts) -> None:
    """Record dependency files and the packages they declare, then README version sentences."""
    seen: set[str] = set()
    for path, reader in _dependency_files(repo):
        _read(repo, facts, path, reader, seen)
    for path in doc_paths(repo):
        if _SETUP_DOC.match(PurePosixPath(path).name):
            _add(facts, readme_versions(path, repo.text(path) or ""))


Reader = Callable[[Repo, str, str], FileDeps]


def _read(repo: Repo, facts: Facts, path: str, reader: Reader, seen: set[str]) -> None:
    """Read one file (once), then the files it includes that exist in the repo."""
    if path in seen:
        return
    seen.add(path)
    text = repo.text(path)
    if text is None:
        return
    facts.dependency_files.append(path)
    found = reader(repo, path, text)
    _add(facts, found.deps)
    for include in found.includes:
        if repo.exists(include):
            _read(repo, facts, include, _requirements, seen)


def _add(facts: Facts, deps: list[Dependency]) -> None:
    room = MAX_DEPENDENCIES - len(facts.dependencies)
    facts.dependencies.extend(deps[: max(room, 0)])


def _dependency_files(repo: Repo) -> list[tuple[str, Reader]]:
    """Dependency files by kind; lock files last (they are long and only confirm pins)."""
    found: list[tuple[str, Reader]] = []
    for entry in repo.inventory.files:
        reader = _reader_for(entry.path, entry.kind, repo)
        if reader is not None and entry.size <= DEFAULT_MAX_FILE_BYTES:
            found.append((entry.path, reader))
    found.sort(key=lambda item: (item[1] is _lock, item[0]))
    return found


def _reader_for(path: str, kind: FileKind, repo: Repo) -> Reader | None:
    """The reader for a file: by name, then by folder (requirements/) or content (conda env)."""
    file_name, file_suffix = name_and_suffix(path)
    name, suffix = file_name.lower(), file_suffix.lower()
    if name.startswith("dockerfile") or name.endswith(".dockerfile"):
        return _dockerfile
    if kind is FileKind.DEPENDENCY:
        return _BY_NAME.get(name, _requirements if suffix in {".txt", ".in"} else None)
    if (
        kind is FileKind.DOC
        and suffix in {".txt", ".in"}
        and "requirements" in {part.lower() for part in path.split("/")[:-1]}
    ):
        return _requirements
    if (
        kind is FileKind.CONFIG
        and suffix in {".yml", ".yaml"}
        and _ENV_NAME.search(file_name.removesuffix(file_suffix))
        and _CONDA_DEPS.search(repo.text(path) or "")
    ):
        return _conda
    return None


def _requirements(repo: Repo, path: str, text: str) -> FileDeps:
    return formats.requirements(path, text)


def _conda(repo: Repo, path: str, text: str) -> FileDeps:
    return formats.conda(path, text)


def _dockerfile(repo: Repo, path: str, text: str) -> FileDeps:
    return formats.dockerfile(path, text)


def _pyproject(repo: Repo, path: str, text: str) -> FileDeps:
    return FileDeps(formats.pyproject(path, text))


def _pipfile(repo: Repo, path: str, text: str) -> FileDeps:
    return FileDeps(formats.pipfile(path, text))


def _lock(repo: Repo, path: str, text: str) -> FileDeps:
    return FileDeps(formats.lock(path, text))


def _setup_cfg(repo: Repo, path: str, text: str) -> FileDeps:
    return FileDeps(setup_cfg(path, text))


def _setup_py(repo: Repo, path: str, text: str) -> FileDeps:
    # setup.py is a dependency file, not among repo.modules: parse it here (once, never run)
    module = parse_module(path, text)
    return FileDeps(setup_py(path, module))


_BY_NAME: dict[str, Reader] = {
    "environment.yml": _conda,
    "environment.yaml": _conda,
    "conda.yml": _conda,
    "conda.yaml": _conda,
    "pyproject.toml": _pyproject,
    "pipfile": _pipfile,
    "pipfile.lock": _lock,
    "poetry.lock": _lock,
    "uv.lock": _lock,
    "setup.cfg": _setup_cfg,
    "setup.py": _setup_py,
}


# --------------------------------------------------------------------------- README versions


def readme_versions(path: str, text: str) -> list[Dependency]:
    """Versions stated in docs: "PyTorch == 0.3.1" in a Requirements section or a sentence
    that says it is a requirement ("tested with CUDA 10.1"); `pip install` lines there too.

    A line that ends with a colon lends its context to the rest of its paragraph ("You will
    need the following packages to run the code:" over the version line below it).
    Negated sentences ("PyTorch 0.4 is not supported") are skipped; one fact per
    (name, spec) per file.
    """
    out: list[Dependency] = []
    seen: set[tuple[str, str]] = set()
    for section in split_sections(text, rst=is_rst(path)):
        in_setup = bool(section.heading and _SETUP_HEADING.search(section.heading))
        for para in paragraphs(section):
            introduced = False
            for line in para:
                if line.kind == "code" and not in_setup:
                    continue
                context = introduced or bool(_VERSION_CONTEXT.search(line.text))
                introduced = introduced or (context and line.text.rstrip().endswith(":"))
                if line.kind == "prose" and not in_setup and not context:
                    continue
                for req in _line_requirements(path, line.number, line.raw, line.text):
                    if (req.name, req.spec) not in seen:
                        seen.add((req.name, req.spec))
                        out.append(req)
    return out


def _line_requirements(path: str, number: int, raw: str, text: str) -> list[Dependency]:
    """Packages of an install command on the line, else the versions it names; none if negated."""
    if _NEGATION.search(text):
        return []
    found = FileDeps()
    formats.install_line(path, number, raw, text, found)
    if found.deps:  # `pip install --upgrade pip setuptools` upgrades tools, declares nothing
        return [dep for dep in found.deps if dep.name not in _INSTALL_TOOLS]
    if _RUNS_PY_FILE.search(text):
        return []
    return [
        formats.make_dep(path, number, raw, Requirement(m.name, m.spec, m.pinned))
        for m in version_mentions(text)
    ]
