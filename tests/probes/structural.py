"""Shared helpers for the structural-probe tests: run roles.run / benchmarks.run directly."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from builders import lines_of, make_repo

from auditor.facts import CodeSignal, Facts
from auditor.inventory import build_inventory
from auditor.probes import benchmarks, roles
from auditor.repo import Repo
from auditor.target import open_target


def structural_facts(tmp_path: Path, files: Mapping[str, str | bytes]) -> tuple[Path, Facts]:
    """Build a fixture repo and run only the structural probes over it."""
    root = make_repo(tmp_path / "repo", files)
    snapshot = open_target(str(root))
    repo = Repo(snapshot, build_inventory(snapshot))
    facts = Facts()
    roles.run(repo, facts)
    benchmarks.run(repo, facts)
    return root, facts


def at(root: Path, path: str, needle: str) -> int:
    """The one line of `path` containing `needle`."""
    (line,) = lines_of(root, path, needle)
    return line


def signals(items: list[CodeSignal], kind: str | None = None) -> list[tuple[str, int | None, str]]:
    """(path, line, detail) of signals, optionally of one kind."""
    return [(s.path, s.line, s.detail) for s in items if kind is None or s.kind == kind]


def kinds(items: list[CodeSignal]) -> set[tuple[str, str]]:
    """(path, kind) pairs."""
    return {(s.path, s.kind) for s in items}
