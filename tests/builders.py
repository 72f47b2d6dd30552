"""Small builders for fixture repositories in tmp_path, and helpers to audit them."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path

from auditor.engine import AuditOptions, run_audit
from auditor.facts import Facts
from auditor.inventory import build_inventory
from auditor.models import AuditReport
from auditor.probes import run_probes
from auditor.repo import Repo
from auditor.target import open_target

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a fixed identity and date; return stdout."""
    return subprocess.run(
        ["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write files (text is dedented) under root, creating folders."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def make_repo(
    root: Path,
    files: Mapping[str, str | bytes],
    *,
    commit: bool = True,
    remote: str | None = "https://github.com/example/nas-repo.git",
) -> Path:
    """A git repository with these files committed (and an origin remote for permalinks)."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    git(root, "init", "-q", "-b", "main")
    if remote:
        git(root, "remote", "add", "origin", remote)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", "fixture")
    return root


def facts_of(root: Path) -> Facts:
    """Run the probes (no checks) over a directory."""
    snapshot = open_target(str(root))
    return run_probes(Repo(snapshot, build_inventory(snapshot)))


def audit(root: Path | str, **options: object) -> AuditReport:
    """Audit a path or URL with default options."""
    return run_audit(AuditOptions(source=str(root), **options))  # type: ignore[arg-type]


def lines_of(root: Path, path: str, needle: str) -> list[int]:
    """1-based lines of `path` that contain `needle` (to assert evidence lines exactly)."""
    text = (root / path).read_text(encoding="utf-8")
    return [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
