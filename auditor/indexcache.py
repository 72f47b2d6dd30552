"""Indexed Python modules kept between audits: `<cache_dir>/index/<fingerprint>/<key>.pickle`.

Parsing and indexing every file is most of a static audit's time; a file that did not change
since the last audit (same path, same text) is read back instead, as ruff and mypy do. The
fingerprint names the Python version, the tool version and a hash of the sources of the
indexer and of the probes that add to its records (`auditor/*.py`, `auditor/probes/*.py`),
so an upgrade or a changed indexer never reads old records; older fingerprints' folders are
removed when a new one is made.

NOTE: entries are pickles. The cache folder belongs to the user who runs nas-audit (created
0700) and is never inside the audited repository; audited code never runs in a static audit,
and a re-run gets its own home and read-only binds where the OS allows. Nothing read from an
entry is trusted beyond its type: a wrong or damaged entry is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml
from pydantic import VERSION

from auditor import __version__, pyast
from auditor.pyast import PyModule

FORMAT = 1  # bump when the cache's own layout changes
MAX_AGE_SECONDS = 30 * 24 * 3600  # entries written longer ago are removed (and made again)
PRUNE_EVERY_SECONDS = 24 * 3600  # how often an audit looks for such entries


def fingerprint() -> str | None:
    """What the cached records depend on besides the file; None when it cannot be known."""
    package = Path(pyast.__file__).parent
    # NOTE: what probes derive from a file also depends on the libraries that parse it or hold
    # the findings: PyYAML (its C loader words errors its own way) and pydantic
    libraries = f"yaml {yaml.__version__} {hasattr(yaml, 'CSafeLoader')} pydantic {VERSION}"
    digest = hashlib.blake2b(libraries.encode(), digest_size=8)
    try:  # NOTE: the indexer and the probes that add to its records or derive from files
        for source in sorted([*package.glob("*.py"), *package.glob("probes/*.py")]):
            name = source.relative_to(package).as_posix()
            digest.update(name.encode() + b"\0" + source.read_bytes())
    except OSError:
        return None
    version = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in __version__)
    return f"py{sys.version_info[0]}{sys.version_info[1]}-v{version}-f{FORMAT}-{digest.hexdigest()}"


def _root_key(root: str) -> str:
    return hashlib.blake2b(root.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _private(folder: Path) -> bool:
    """Whether only this user can have written the folder's entries (pickles run code when
    loaded): owned by us and not writable by group or others, nor is the folder above it."""
    try:
        for part in (folder, folder.parent):
            status = part.stat()
            if status.st_uid != os.getuid() or status.st_mode & 0o022:
                return False
    except OSError:
        return False  # NOTE: no folder yet: nothing to read
    return True


def _prune(folder: Path) -> None:
    """Remove entries written more than MAX_AGE_SECONDS ago, at most once a day, so that the
    cache holds what was audited lately rather than every version of every file ever seen."""
    marker = folder / ".pruned"
    now = time.time()
    try:
        if now - marker.stat().st_mtime < PRUNE_EVERY_SECONDS:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    with contextlib.suppress(OSError):
        marker.touch()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".pickle") and now - entry.stat().st_mtime > MAX_AGE_SECONDS:
                    Path(entry.path).unlink(missing_ok=True)


class IndexCache:
    """Load and store indexed modules by path and text.

    `read=False` (`--no-cache`) reads no earlier audit's entries but still stores fresh ones,
    as the re-run cache does; `load_fresh` reads back what this audit's workers stored.
    """

    def __init__(self, cache_dir: Path, *, read: bool = True) -> None:
        stamp = fingerprint()
        self.folder = cache_dir / "index" / stamp if stamp else None
        self.read = read
        self._trusted: bool | None = None  # decided once the folder exists
        self._ready = False
        self.hits = self.misses = 0

    @staticmethod
    def key(path: str, text: str) -> str:
        digest = hashlib.blake2b(path.encode("utf-8", "surrogateescape") + b"\0", digest_size=16)
        digest.update(text.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def load(self, path: str, text: str) -> PyModule | None:
        """The module an earlier audit indexed from exactly this path and text, or None."""
        if not self.read:
            return None
        module = self.load_fresh(path, text)
        if module is None:
            self.misses += 1
        else:
            self.hits += 1
        return module

    def load_fresh(self, path: str, text: str) -> PyModule | None:
        """The stored module for this path and text (even with `read=False`), or None."""
        if not self._readable():
            return None
        assert self.folder is not None
        try:
            with open(self.folder / f"{self.key(path, text)}.pickle", "rb") as handle:
                module = pickle.load(handle)
        except Exception:  # NOTE: a damaged or foreign entry is a miss, never an error
            return None
        if not isinstance(module, PyModule) or module.path != path:
            return None
        if not module.source:  # stored without the text it was read from (`store`)
            module.share_text(text)
        return module

    def load_derived(self, root: str) -> dict[tuple[str, str], object]:
        """What probes derived from single files of the repository at `root` in its last
        audit, by (what, file key); empty when there is none or it cannot be read."""
        if not self.read or not self._readable():
            return {}
        assert self.folder is not None
        try:
            with open(self.folder / f"{_root_key(root)}-derived.pickle", "rb") as handle:
                found = pickle.load(handle)
        except Exception:  # NOTE: a damaged or foreign entry is a miss, never an error
            return {}
        return found if isinstance(found, dict) else {}

    def store_derived(self, root: str, derived: dict[tuple[str, str], object]) -> bool:
        """Keep what this audit derived from single files, one entry per repository: one
        write instead of one per file (see `load_derived`)."""
        return self._write(f"{_root_key(root)}-derived.pickle", derived)

    def store(self, module: PyModule, text: str) -> bool:
        """Keep a freshly indexed module (trees already freed); False when it could not be
        stored (a full disk or a read-only folder is not an error)."""
        lines, module._lines = module._lines, None  # NOTE: derived from the source; rebuilt
        shared = module.source is text  # NOTE: the key's text, given back on load; a module
        if shared:  # read after repairs keeps the text it parsed
            module.share_text("")
        try:
            return self._write(f"{self.key(module.path, text)}.pickle", module)
        finally:
            module._lines = lines
            if shared:
                module.share_text(text)

    def _write(self, name: str, value: object) -> bool:
        """Write one entry whole or not at all; False when it could not be written (a full
        disk or a read-only folder is not an error)."""
        if not self.writable():
            return False
        assert self.folder is not None
        try:
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
        except OSError:
            return False
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.folder / name)
        except (OSError, pickle.PicklingError, RecursionError):
            Path(temp).unlink(missing_ok=True)
            return False
        return True

    def writable(self) -> bool:
        """Make the folder on first use (dropping other fingerprints' folders); False when
        there is none and none can be made."""
        if self._ready:
            return True
        if self.folder is None:
            return False
        try:
            fresh = not self.folder.is_dir()
            self.folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.folder.mkdir(exist_ok=True, mode=0o700)
        except OSError:
            self.folder = None
            return False
        if fresh:
            for old in self.folder.parent.iterdir():
                if old != self.folder and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
        else:
            _prune(self.folder)
        self._ready = True
        return True

    def _readable(self) -> bool:
        if self._trusted is None:
            if self.folder is None or not self.folder.is_dir():
                return False  # NOTE: undecided: this audit may make the folder
            self._trusted = _private(self.folder)
        return self._trusted
