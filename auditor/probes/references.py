"""References probe: scripts that run files that do not exist, imports of missing repo modules.

Script references come from the roles probe (`ScriptInvocation.resolved is None`). Imports are
judged conservatively, since a false "missing module" is worse than a missed one:
- a relative import that resolves to nothing in the repository;
- `from pkg.sub import x` where `pkg/` is a repo package but `pkg/sub(.py)` is nowhere;
- `from model_search import Network` (a bare, script-style name) that is no file in the repo,
  no stdlib/known/declared package, in a file whose other bare-name imports are repo modules.
Imports inside `try:` bodies that catch ImportError (or Exception, or everything) are optional
and never reported; so are imports in `if False:` blocks and files read only as tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from auditor.facts import BrokenReference, Facts, ReadMode
from auditor.probes.import_names import external_names
from auditor.pyast import Handler, PyModule
from auditor.repo import Repo

MAX_BROKEN = 500
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def run(repo: Repo, facts: Facts) -> None:
    """Record broken script references, then imports of repo modules that are missing."""
    found = _Found(facts)
    by_name: dict[str, list[str]] = {}
    for entry in repo.inventory.files:
        by_name.setdefault(entry.path.rpartition("/")[2], []).append(entry.path)
    for inv in facts.script_invocations:
        if inv.resolved is None:
            same = by_name.get(PurePosixPath(inv.script).name, [])
            found.add(
                BrokenReference(
                    path=inv.path,
                    line=inv.line,
                    snippet=inv.snippet,
                    target=inv.script,
                    kind="script_file",
                    same_name=same[0] if len(same) == 1 else None,
                )
            )
    index = LocalIndex.build(repo, [d.name for d in facts.dependencies])
    for module in repo.modules.values():
        if module.mode is not ReadMode.TOKENS and module.parsed:
            _import_refs(index, repo, module, found)


def _import_refs(index: LocalIndex, repo: Repo, module: PyModule, found: _Found) -> None:
    """Missing-module imports of one file; guarded lines are gathered only when there are some."""
    candidates = missing_imports(index, repo, module)
    guarded = guarded_lines(module) if candidates else set()
    for target, line in candidates:
        if line not in guarded and module.is_live(line):
            found.add(
                BrokenReference(
                    path=module.path,
                    line=module.file_line(line),
                    snippet=module.snippet(line),
                    target=target,
                    kind="module_import",
                )
            )


@dataclass
class _Found:
    """Appends to facts.broken_references, once per (path, target), up to the cap."""

    facts: Facts
    seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, ref: BrokenReference) -> None:
        key = (ref.path, ref.target)
        if key in self.seen or len(self.facts.broken_references) >= MAX_BROKEN:
            return
        self.seen.add(key)
        self.facts.broken_references.append(ref)


@dataclass(frozen=True)
class LocalIndex:
    """Dotted names that exist in the repository: files (any suffix: .py, .pyx, .so, ...) and
    directories that hold Python files, by every dotted suffix of their path."""

    names: frozenset[str]
    package_dirs: frozenset[str]
    external: frozenset[str]

    @classmethod
    def build(cls, repo: Repo, declared: list[str]) -> LocalIndex:
        """Index every existing file and Python-holding folder by its dotted suffixes."""
        names: set[str] = set()
        dirs: set[str] = set()
        for path in repo.inventory.existing:
            parts = path.split("/")  # NOTE: a clean repo path; no path object per file
            stem = [*parts[:-1], parts[-1].split(".", 1)[0]]
            names.update(".".join(stem[i:]) for i in range(len(stem)))
            if path.endswith((".py", ".pyi", ".ipynb")):
                folders = parts[:-1]
                for end in range(1, len(folders) + 1):
                    dirs.update(".".join(folders[i:end]) for i in range(end))
        return cls(frozenset(names | dirs), frozenset(dirs), external_names(declared))

    def exists(self, dotted: str) -> bool:
        return dotted in self.names


def missing_imports(index: LocalIndex, repo: Repo, module: PyModule) -> list[tuple[str, int]]:
    """(target as written, source line) of imports that look local but resolve to nothing."""
    out: list[tuple[str, int]] = []
    bare_local = _has_local_bare_import(index, repo, module)
    for name, level, line in module.imports:
        if level:
            if not _relative_exists(index, repo, module.path, name, level):
                out.append(("." * level + name, line))
        elif _absolute_missing(index, name, bare_local):
            out.append((name, line))
    return out


def _relative_exists(index: LocalIndex, repo: Repo, importer: str, name: str, level: int) -> bool:
    """Whether `from .name import` names a repo module, package or namespace folder."""
    if repo.resolve_import(name, level, importer) is not None:
        return True
    base = PurePosixPath(importer).parent
    for _ in range(level - 1):
        base = base.parent
    parts = [p for p in base.parts if p != "."] + (name.split(".") if name else [])
    if not parts:  # `from . import x` at the repository root: nothing to compare with
        return True
    return index.exists(".".join(parts))


def _absolute_missing(index: LocalIndex, name: str, bare_local: bool) -> bool:
    """A dotted import under a repo package whose submodule is missing, or a bare script-style
    name that exists nowhere while the file's other bare imports are repo modules."""
    top = name.split(".", 1)[0]
    if not name or top.lower() in index.external or index.exists(name):
        return False
    if "." in name:
        return top in index.package_dirs
    return bare_local and not name.endswith("_pb2")


def _has_local_bare_import(index: LocalIndex, repo: Repo, module: PyModule) -> bool:
    """Whether the file imports sibling scripts by bare name (`import utils` -> ./utils.py)."""
    folder = PurePosixPath(module.path).parent
    for name, level, _ in module.imports:
        if level or "." in name or name.lower() in index.external:
            continue
        found = repo.resolve_import(name, 0, module.path)
        if (
            found
            and found.endswith(".py")
            and PurePosixPath(found).parent == folder
            and not found.endswith("__init__.py")
        ):
            return True
    return False


def guarded_lines(module: PyModule) -> set[int]:
    """Lines inside `try:` bodies whose handlers catch ImportError (or broader)."""
    lines: set[int] = set()
    for start, end, handlers in module.tries:
        if any(_catches_import_error(h) for h in handlers):
            lines.update(range(start, end + 1))
    return lines


def _catches_import_error(handler: Handler) -> bool:
    """Whether a handler would catch a failed import (bare, ImportError or broader)."""
    return handler is None or any(name in _IMPORT_ERRORS for name in handler)
