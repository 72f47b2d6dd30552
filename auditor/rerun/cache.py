"""Run results kept between audits: `<cache_dir>/rerun/<source>/<manifest>/seed<k>-rep<r>.json`.

<source> is the commit, or `content-<hash>` of the files for a directory that is not a git
repository. <manifest> hashes everything that changes what a run does or how it is read:
command, setup, params, timeout, metrics, interpreter, strict mode and isolation (seeds,
repeats and claims are not part of it: adding a seed reuses the runs already made).
Cancelled runs are never stored; a failed or timed-out run is, like any other outcome, so
after fixing the environment use `no_cache=True` (`--no-cache`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pydantic import ValidationError

from auditor.rerun.manifest import Manifest
from auditor.rerun.models import RunResult, RunSpec
from auditor.rerun.workspace import content_hash


def source_key(repo_root: Path, commit: str | None) -> str:
    """The commit, or a hash of the files' contents."""
    return commit if commit else f"content-{content_hash(repo_root)[:20]}"


def manifest_key(manifest: Manifest, *, interpreter: Path, strict: bool, isolation: str) -> str:
    """A hash of what determines a run's outcome besides its seed and repeat."""
    data = manifest.model_dump(
        mode="json", include={"setup", "command", "params", "timeout", "metrics"}, by_alias=True
    )
    data.update(interpreter=str(interpreter), strict=strict, isolation=isolation)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class RunCache:
    """Load and store RunResults of one (source, manifest) pair."""

    def __init__(self, cache_dir: Path, source: str, manifest: str) -> None:
        self.folder = cache_dir / "rerun" / source / manifest

    def path(self, spec: RunSpec) -> Path:
        """Where the result of this seed and repeat is kept."""
        return self.folder / f"seed{spec.seed}-rep{spec.repeat}.json"

    def load(self, spec: RunSpec) -> RunResult | None:
        """The stored result, marked cached; None when absent or unreadable."""
        try:
            result = RunResult.model_validate_json(self.path(spec).read_bytes())
        except (OSError, ValueError, ValidationError):
            return None
        if result.command != spec.command:
            return None
        return result.model_copy(update={"cached": True, "run_id": spec.run_id})

    def store(self, result: RunResult, spec: RunSpec) -> None:
        """Keep a finished result (written atomically; a cache that cannot be written is
        simply not used)."""
        if result.status == "cancelled":
            return
        path = self.path(spec)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(result.model_dump_json(), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            return
