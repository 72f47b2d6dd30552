"""Read each kind of dependency file into `Dependency` facts with exact lines.

requirements files, conda environments, pyproject.toml ([project], Poetry), Pipfile, setup.cfg,
setup.py (its AST, never executed), lock files and Dockerfile install lines. Malformed files
yield no dependencies; they are never an error.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from auditor.facts import Dependency, clip_snippet
from auditor.lazyre import lazy_compile
from auditor.probes.deps_specs import (
    Requirement,
    include_target,
    install_args,
    normalise_name,
    parse_conda_spec,
    parse_requirement,
    split_install_args,
)

MAX_PER_FILE = 400
# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository takes the dependencies of each file from the index cache and matches few of them
_POETRY_EXACT = lazy_compile(r"^\s*(?:===?)?\s*\d[\w.+!-]*\s*$")
_SHA_OR_TAG = lazy_compile(r"^(?:[0-9a-f]{40}|v?\d+(?:\.\d+)+(?:[.-]?\w+)?)$", re.I)
_LOCK_FIELD = lazy_compile(r'^(name|version)\s*=\s*"([^"]*)"\s*$')
_CFG_SECTION = lazy_compile(r"^\[([^\]]+)\]\s*$")
_CFG_KEY = lazy_compile(r"^([\w.-]+)\s*[=:]\s*(.*)$")
_SHELL_SPLIT = lazy_compile(r"&&|\|\||;|\|")


@dataclass
class FileDeps:
    """Dependencies read from one file and the repo files it includes (`-r other.txt`)."""

    deps: list[Dependency] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)


def make_dep(path: str, line: int | None, text: str, req: Requirement) -> Dependency:
    """A Dependency fact; the snippet is the line as written."""
    return Dependency(
        path=path,
        line=line,
        snippet=clip_snippet(text, max_lines=1) or None,
        name=req.name,
        spec=req.spec[:300],
        pinned=req.pinned,
    )


def relative_include(path: str, target: str) -> str | None:
    """A `-r` target as a repo path relative to the including file (None if it leaves the repo)."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return None if joined.startswith("..") or joined.startswith("/") else joined


# ----------------------------------------------------------------------------- requirements


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined."""
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending.append(line.rstrip()[:-1])
            continue
        pending.append(line)
        yield start, " ".join(pending)
        pending = []
    if pending:
        yield start, " ".join(pending)


def requirements(path: str, text: str) -> FileDeps:
    """A pip requirements file; `-r` includes are returned for the caller to follow once."""
    out = FileDeps()
    for number, line in logical_lines(text):
        target = include_target(line)
        if target is not None:
            if (resolved := relative_include(path, target)) is not None:
                out.includes.append(resolved)
        elif (req := parse_requirement(line)) is not None:
            out.deps.append(make_dep(path, number, line, req))
    return out


# ------------------------------------------------------------------------------------ conda


def conda(path: str, text: str) -> FileDeps:
    """A conda environment file: `dependencies:` entries and its `pip:` sub-list."""
    out = FileDeps()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return out
    if not isinstance(root, yaml.MappingNode):
        return out
    lines = text.splitlines()
    for key, value in root.value:
        if (
            isinstance(key, yaml.ScalarNode)
            and key.value == "dependencies"
            and isinstance(value, yaml.SequenceNode)
        ):
            for item in value.value:
                _conda_item(path, lines, item, out)
    return out


def _conda_item(path: str, lines: list[str], item: yaml.Node, out: FileDeps) -> None:
    """One `dependencies:` entry: a conda spec, or the `pip:` mapping."""
    if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
        line = item.start_mark.line + 1
        if (req := parse_conda_spec(item.value)) is not None:
            out.deps.append(make_dep(path, line, lines[line - 1], req))
    elif isinstance(item, yaml.MappingNode):
        for key, value in item.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "pip"
                and isinstance(value, yaml.SequenceNode)
            ):
                for entry in value.value:
                    _pip_entry(path, lines, entry, out)


def _pip_entry(path: str, lines: list[str], entry: yaml.Node, out: FileDeps) -> None:
    """One entry of a conda file's `pip:` list (a requirement or a `-r` include)."""
    if not isinstance(entry, yaml.ScalarNode) or not isinstance(entry.value, str):
        return
    line = entry.start_mark.line + 1
    target = include_target(entry.value)
    if target is not None:
        if (resolved := relative_include(path, target)) is not None:
            out.includes.append(resolved)
    elif (req := parse_requirement(entry.value)) is not None:
        out.deps.append(make_dep(path, line, lines[line - 1], req))


# ------------------------------------------------------------------------------------- TOML


class _LineFinder:
    """Finds the line of a value in a TOML file (tomllib gives no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._next: dict[str, int] = {}

    def header(self, table: str) -> int:
        """0-based index of a `[table]` header, or 0."""
        for i, line in enumerate(self.lines):
            if line.strip().replace(" ", "") == f"[{table}]":
                return i
        return 0

    def find(self, pattern: re.Pattern[str], start: int = 0) -> int | None:
        """1-based line of the next match at or after `start`, for repeated values in order."""
        begin = max(start, self._next.get(pattern.pattern, start))
        for i in range(begin, len(self.lines)):
            if pattern.search(self.lines[i]):
                self._next[pattern.pattern] = i + 1
                return i + 1
        return None

    def dep(self, path: str, line: int | None, req: Requirement) -> Dependency:
        return make_dep(path, line, self.lines[line - 1] if line else "", req)


def _load_toml(text: str) -> dict[str, Any] | None:
    """Parsed TOML, or None when the file is not valid TOML."""
    import tomllib  # NOTE: lazy: most repositories have no pyproject.toml

    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None


def pyproject(path: str, text: str) -> list[Dependency]:
    """PEP 621 `[project]` (and optional) dependencies, and Poetry dependency tables."""
    data = _load_toml(text)
    if data is None:
        return []
    finder = _LineFinder(text)
    out: list[Dependency] = []
    project = data.get("project")
    if isinstance(project, dict):
        start = finder.header("project")
        groups = [project.get("dependencies")]
        optional = project.get("optional-dependencies")
        groups += list(optional.values()) if isinstance(optional, dict) else []
        for spec in _strings(groups):
            if (req := parse_requirement(spec)) is not None:
                pattern = re.compile(r"[\"']" + re.escape(spec) + r"[\"']")
                out.append(finder.dep(path, finder.find(pattern, start), req))
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        out += _poetry(path, finder, poetry)
    return out


def _strings(groups: Iterable[object]) -> Iterator[str]:
    for group in groups:
        if isinstance(group, list):
            yield from (item for item in group if isinstance(item, str))


def _poetry(path: str, finder: _LineFinder, poetry: dict[str, Any]) -> list[Dependency]:
    """Poetry's main, dev and group dependency tables."""
    tables = [
        ("tool.poetry.dependencies", poetry.get("dependencies")),
        ("tool.poetry.dev-dependencies", poetry.get("dev-dependencies")),
    ]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        tables += [
            (f"tool.poetry.group.{name}.dependencies", group.get("dependencies"))
            for name, group in groups.items()
            if isinstance(group, dict)
        ]
    return [
        dep
        for header, table in tables
        if isinstance(table, dict)
        for dep in _key_table(path, finder, header, table, poetry=True)
    ]


def _key_table(
    path: str, finder: _LineFinder, header: str, table: dict[str, Any], poetry: bool
) -> list[Dependency]:
    """`name = "spec"` / `name = {version = ...}` tables of Poetry and Pipfile."""
    start = finder.header(header)
    out: list[Dependency] = []
    for name, value in table.items():
        spec, pinned = _table_spec(value, poetry)
        pattern = re.compile(r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*=")
        req = Requirement(normalise_name(name), spec, pinned)
        out.append(finder.dep(path, finder.find(pattern, start), req))
    return out


def _table_spec(value: object, poetry: bool) -> tuple[str, bool]:
    """Spec text and exactness of a Poetry/Pipfile value (string, or table with version/git)."""
    if isinstance(value, dict):
        ref = next((str(value[k]) for k in ("rev", "tag", "ref") if k in value), "")
        if "version" in value:
            value = value["version"]
        elif "git" in value:
            return f"{value['git']}@{ref}" if ref else str(value["git"]), bool(
                _SHA_OR_TAG.match(ref)
            )
        else:
            return "", False
    spec = str(value) if isinstance(value, str) else ""
    exact = spec.startswith("==") or (poetry and bool(_POETRY_EXACT.match(spec)))
    return spec, exact and "*" not in spec


def pipfile(path: str, text: str) -> list[Dependency]:
    """Pipfile `[packages]` and `[dev-packages]`."""
    data = _load_toml(text)
    if data is None:
        return []
    finder = _LineFinder(text)
    return [
        dep
        for header in ("packages", "dev-packages")
        if isinstance(table := data.get(header), dict)
        for dep in _key_table(path, finder, header, table, poetry=False)
    ]


# ------------------------------------------------------------------------------------ locks


def lock(path: str, text: str) -> list[Dependency]:
    """poetry.lock / uv.lock `[[package]]` entries and Pipfile.lock: each a pinned version."""
    if path.lower().endswith("pipfile.lock"):
        return _pipfile_lock(path, text)
    out: list[Dependency] = []
    name: tuple[int, str] | None = None
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("[["):
            name = None
        elif match := _LOCK_FIELD.match(line):
            if match.group(1) == "name":
                name = (number, match.group(2))
            elif name is not None:
                req = Requirement(normalise_name(name[1]), "==" + match.group(2), True)
                out.append(make_dep(path, name[0], lines[name[0] - 1], req))
                name = None
                if len(out) >= MAX_PER_FILE:
                    break
    return out


def _pipfile_lock(path: str, text: str) -> list[Dependency]:
    """Pipfile.lock (JSON): every locked package, line of its key."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    finder = _LineFinder(text)
    out: list[Dependency] = []
    for group in ("default", "develop"):
        table = data.get(group)
        for name, info in table.items() if isinstance(table, dict) else ():
            version = info.get("version", "") if isinstance(info, dict) else ""
            pattern = re.compile(r"^\s*\"" + re.escape(name) + r"\"\s*:")
            req = Requirement(normalise_name(name), str(version), str(version).startswith("=="))
            out.append(finder.dep(path, finder.find(pattern), req))
    return out[:MAX_PER_FILE]


# ------------------------------------------------------------------------------- Dockerfile


def dockerfile(path: str, text: str) -> FileDeps:
    """`pip install` / `conda install` arguments in a Dockerfile's RUN lines."""
    out = FileDeps()
    lines = text.splitlines()
    for number, line in logical_lines(text):
        if "install" in line:
            install_line(path, number, lines[number - 1], line, out)
    return out


def install_line(path: str, number: int, shown: str, command: str, out: FileDeps) -> None:
    """Record the packages of every install command in one (logical) shell line."""
    if "install" not in command:
        return
    for part in _SHELL_SPLIT.split(command):
        found = install_args(part)
        if found is None:
            continue
        tool, args = found
        packages, files = split_install_args(args)
        out.includes += [target for f in files if (target := relative_include(path, f))]
        parse = parse_conda_spec if tool == "conda" else parse_requirement
        for package in packages:
            if (req := parse(package)) is not None:
                out.deps.append(make_dep(path, number, shown, req))
