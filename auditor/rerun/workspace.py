"""The repository copy runs work in, and a tripwire on the original checkout.

A git repository is exported at the audited commit with `git archive` (committed files only:
no untracked files, no submodules, `export-ignore` paths left out); any other directory is
copied as it is, symlinks kept as symlinks, `.git` left out. The original is only ever read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from pathlib import Path

from auditor.rerun.errors import RerunError

_GIT_TIMEOUT = 600
_HASH_CHUNK = 1 << 20


def _git(repo_root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(repo_root), *args],
        capture_output=True,
        timeout=_GIT_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def export_commit(repo_root: Path, commit: str, dest: Path) -> None:
    """Extract the tree of `commit` (at `repo_root`'s subdirectory) into `dest`."""
    prefix = _git(repo_root, "rev-parse", "--show-prefix").stdout.decode().strip()
    treeish = f"{commit}:{prefix}" if prefix else commit
    # NOTE: run from the top level: inside a subdirectory git archive also limits the export
    # to that subdirectory, which does not exist inside the `commit:prefix` tree.
    top = _git(repo_root, "rev-parse", "--show-toplevel").stdout.decode().strip() or str(repo_root)
    dest.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(
        ["git", "-C", top, "archive", "--format=tar", treeish],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    ) as archive:
        untar = subprocess.run(
            ["tar", "-x", "-f", "-", "-C", str(dest)],
            stdin=archive.stdout,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
        error = archive.stderr.read().decode(errors="replace") if archive.stderr else ""
    if archive.returncode != 0 or untar.returncode != 0:
        why = (error or untar.stderr.decode(errors="replace")).strip().splitlines()
        raise RerunError(
            f"cannot export commit {commit} of {repo_root}: "
            f"{why[-1] if why else 'git archive failed'}"
        )


def copy_directory(src: Path, dest: Path) -> None:
    """Copy a directory as it is (symlinks stay links), without `.git`."""
    shutil.copytree(
        src, dest, symlinks=True, ignore=shutil.ignore_patterns(".git"), dirs_exist_ok=True
    )


def prepare_base(repo_root: Path, commit: str | None, dest: Path) -> None:
    """The pristine copy every run starts from."""
    if commit is not None:
        export_commit(repo_root, commit, dest)
    else:
        copy_directory(repo_root, dest)


def tree_size(root: Path) -> int:
    """Bytes of regular files under `root` (symlinks not followed)."""
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total


def _walk_files(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        rel = os.path.relpath(folder, root)
        found.extend(os.path.normpath(os.path.join(rel, f)) for f in sorted(files))
    return found


def content_hash(root: Path) -> str:
    """A hash of every file's path and bytes (for directories that are not git repos)."""
    digest = hashlib.sha256()
    for rel in _walk_files(root):
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        path = root / rel
        try:
            if path.is_symlink():
                digest.update(os.readlink(path).encode("utf-8", "surrogateescape"))
                continue
            with path.open("rb") as fh:
                while chunk := fh.read(_HASH_CHUNK):
                    digest.update(chunk)
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


Listing = dict[str, tuple[int, int]]


def listing(root: Path) -> Listing:
    """Path -> (mtime_ns, size) of every file under `root`, `.git` aside (git itself touches
    it, e.g. `git status` refreshes the index)."""
    entries: Listing = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = os.path.join(folder, name)
            try:
                stat = os.lstat(path)
            except OSError:
                continue
            entries[os.path.relpath(path, root)] = (stat.st_mtime_ns, stat.st_size)
    return entries


class Tripwire:
    """Notices files created, changed or deleted in the original checkout while runs go on."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._last = listing(root)
        self.changed: list[str] = []

    def check(self) -> list[str]:
        """Paths (relative to the checkout) that changed since the previous check."""
        with self._lock:
            now = listing(self.root)
            paths = sorted(
                p for p in now.keys() | self._last.keys() if now.get(p) != self._last.get(p)
            )
            self._last = now
            self.changed.extend(p for p in paths if p not in self.changed)
            return paths
