"""List the files of a snapshot, classify them, and say which are skipped and why.

Git repositories list their tracked files (one `git ls-files`); other directories are walked.
Nothing here reads file contents beyond a small sniff for binary data.
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from auditor.models import SkippedFile
from auditor.target import Snapshot

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
_SNIFF_BYTES = 4096

VENDORED_DIRS = frozenset(
    {
        "node_modules",
        "site-packages",
        "third_party",
        "third-party",
        "thirdparty",
        "vendor",
        "vendored",
        "external",
        "extern",
        ".venv",
        "venv",
        "env",
        "__pycache__",
        ".git",
        ".tox",
        ".eggs",
        "build",
        "dist",
        ".mypy_cache",
        ".pytest_cache",
        ".ipynb_checkpoints",
    }
)


class FileKind(StrEnum):
    """What a file is, for the probes that read it."""

    PYTHON = "python"
    NOTEBOOK = "notebook"
    CONFIG = "config"
    SHELL = "shell"
    LOG = "log"
    DOC = "doc"
    DEPENDENCY = "dependency"
    DATA = "data"
    BINARY = "binary"
    OTHER = "other"


_DEPENDENCY_NAMES = frozenset(
    {
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "pipfile",
        "pipfile.lock",
        "poetry.lock",
        "environment.yml",
        "environment.yaml",
        "conda.yml",
        "conda.yaml",
        "uv.lock",
    }
)
_LOG_DIR_NAMES = frozenset(
    {
        "log",
        "logs",
        "results",
        "runs",
        "outputs",
        "output",
        "exp",
        "experiments",
        "eval",
        "checkpoints",
    }
)
_SUFFIX_KIND = {
    ".py": FileKind.PYTHON,
    ".pyw": FileKind.PYTHON,
    ".pyi": FileKind.PYTHON,
    ".ipynb": FileKind.NOTEBOOK,
    ".yaml": FileKind.CONFIG,
    ".yml": FileKind.CONFIG,
    ".json": FileKind.CONFIG,
    ".toml": FileKind.CONFIG,
    ".cfg": FileKind.CONFIG,
    ".ini": FileKind.CONFIG,
    ".sh": FileKind.SHELL,
    ".bash": FileKind.SHELL,
    ".zsh": FileKind.SHELL,
    ".slurm": FileKind.SHELL,
    ".sbatch": FileKind.SHELL,
    ".job": FileKind.SHELL,
    ".log": FileKind.LOG,
    ".jsonl": FileKind.LOG,
    ".out": FileKind.LOG,
    ".err": FileKind.LOG,
    ".md": FileKind.DOC,
    ".rst": FileKind.DOC,
    ".markdown": FileKind.DOC,
    ".csv": FileKind.DATA,
    ".tsv": FileKind.DATA,
    ".npy": FileKind.DATA,
    ".npz": FileKind.DATA,
    ".pkl": FileKind.DATA,
    ".pickle": FileKind.DATA,
    ".pt": FileKind.DATA,
    ".pth": FileKind.DATA,
    ".h5": FileKind.DATA,
    ".hdf5": FileKind.DATA,
    ".tfrecord": FileKind.DATA,
    ".ckpt": FileKind.DATA,
    ".bin": FileKind.DATA,
    ".mat": FileKind.DATA,
    ".parquet": FileKind.DATA,
    ".png": FileKind.BINARY,
    ".jpg": FileKind.BINARY,
    ".jpeg": FileKind.BINARY,
    ".gif": FileKind.BINARY,
    ".pdf": FileKind.BINARY,
    ".zip": FileKind.BINARY,
    ".gz": FileKind.BINARY,
    ".tar": FileKind.BINARY,
    ".so": FileKind.BINARY,
    ".svg": FileKind.OTHER,
}
_READ_KINDS = frozenset(
    {
        FileKind.PYTHON,
        FileKind.NOTEBOOK,
        FileKind.CONFIG,
        FileKind.SHELL,
        FileKind.LOG,
        FileKind.DOC,
        FileKind.DEPENDENCY,
    }
)


def name_and_suffix(path: str) -> tuple[str, str]:
    """A repo path's file name and suffix, as `PurePosixPath` gives them.

    NOTE: string operations: repo paths are clean relative POSIX paths (from `git ls-files` or
    a walk), and a path object per file per probe adds up on large repositories.
    """
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name, (name[dot:] if 0 < dot < len(name) - 1 else "")


def classify(path: str) -> FileKind:
    """The kind of a file from its repo-relative path alone."""
    name, suffix = name_and_suffix(path)
    name, suffix = name.lower(), suffix.lower()
    parents = {part.lower() for part in path.split("/")[:-1]}
    if name in _DEPENDENCY_NAMES or (name.startswith("requirements") and suffix in {".txt", ".in"}):
        return FileKind.DEPENDENCY
    if name.startswith("events.out.tfevents"):
        return FileKind.LOG
    if name in {"makefile", "dockerfile"} or name.endswith(".mk"):
        return FileKind.SHELL
    if name.startswith("readme") or name in {"license", "licence", "copying", "changelog"}:
        return FileKind.DOC
    if suffix in {".txt", ".csv", ".json"} and parents & _LOG_DIR_NAMES:
        return FileKind.LOG
    if suffix == ".txt":
        return FileKind.DOC
    return _SUFFIX_KIND.get(suffix, FileKind.OTHER)


@dataclass(frozen=True)
class FileEntry:
    """One file of the snapshot."""

    path: str  # repo-relative POSIX
    kind: FileKind
    size: int


@dataclass
class Inventory:
    """The files to read, by kind, and the ones skipped with a reason."""

    root: Path
    files: list[FileEntry] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    existing: set[str] = field(default_factory=set)

    def of_kind(self, *kinds: FileKind) -> list[FileEntry]:
        """Readable files of these kinds, in path order."""
        return [f for f in self.files if f.kind in kinds]

    def has(self, path: str) -> bool:
        """Whether a file exists at this repo path (readable, or skipped as binary or large)."""
        return path in self.existing

    def counts(self) -> dict[str, int]:
        """Number of readable files per kind."""
        out: dict[str, int] = {}
        for f in self.files:
            out[f.kind.value] = out.get(f.kind.value, 0) + 1
        return dict(sorted(out.items()))


def _tracked_files(root: Path) -> list[str] | None:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached"],
            cwd=root,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return [p for p in result.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk_files(root: Path) -> list[str]:
    """Every file under root, not following directory links (no loops), vendored dirs pruned."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if d not in {".git", "__pycache__", ".venv", "node_modules", ".tox"}
        )
        rel_dir = Path(dirpath).relative_to(root)
        for name in filenames:
            out.append((rel_dir / name).as_posix())
        for name in dirnames:
            if (Path(dirpath) / name).is_symlink():
                out.append((rel_dir / name).as_posix())
    return sorted(out)


def _is_vendored(path: str) -> bool:
    return any(part.lower() in VENDORED_DIRS for part in path.split("/")[:-1])


def _skip_reason(root: Path, path: str, kind: FileKind, max_bytes: int) -> tuple[str | None, int]:
    """Why a listed file is not read (None: it is read), and its size.

    NOTE: one `lstat` answers most files (a regular file that is no link); a link is followed
    only to say where it leads. Paths are joined as strings: pathlib costs more than the
    system calls for a repository of thousands of files.
    """
    full = f"{root}/{path}"
    try:
        status = os.lstat(full)
    except FileNotFoundError:
        return "tracked by git but missing from the worktree", 0
    except OSError as exc:
        return f"cannot stat: {exc.strerror}", 0
    if stat.S_ISLNK(status.st_mode):
        try:
            target = Path(full).resolve(strict=True)
        except (OSError, RuntimeError):
            return "symlink that is broken or loops", 0
        if not target.is_relative_to(root):
            return "symlink pointing outside the repository", 0
        try:
            status = target.stat()
        except OSError as exc:
            return f"cannot stat: {exc.strerror}", 0
        if stat.S_ISDIR(status.st_mode):
            return "symlink to a directory", 0
    if not stat.S_ISREG(status.st_mode):
        return "not a regular file", 0
    size = status.st_size
    if kind not in _READ_KINDS:
        return None, size
    if size > max_bytes:
        return f"larger than {max_bytes // 1024} KiB ({size // 1024} KiB)", size
    if kind is not FileKind.LOG or not path.rsplit("/", 1)[-1].startswith("events.out"):
        try:
            with open(full, "rb") as handle:
                if b"\0" in handle.read(_SNIFF_BYTES):
                    return "binary content", size
        except OSError as exc:
            return f"cannot read: {exc.strerror}", size
    return None, size


def build_inventory(snapshot: Snapshot, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Inventory:
    """Classify every file of the snapshot; unreadable or out-of-scope files go to `skipped`."""
    root = snapshot.root
    paths = (_tracked_files(root) if snapshot.is_git else None) or (
        [] if snapshot.is_git and snapshot.commit else _walk_files(root)
    )
    inventory = Inventory(root=root)
    for path in paths:
        kind = classify(path)
        if _is_vendored(path):
            inventory.skipped.append(
                SkippedFile(path=path, reason="vendored or generated directory")
            )
            inventory.existing.add(path)
            continue
        reason, size = _skip_reason(root, path, kind, max_file_bytes)
        if reason is not None:
            inventory.skipped.append(SkippedFile(path=path, reason=reason))
            if not reason.startswith(("tracked by git", "symlink")):
                inventory.existing.add(path)
            continue
        inventory.files.append(FileEntry(path=path, kind=kind, size=size))
        inventory.existing.add(path)
    return inventory
