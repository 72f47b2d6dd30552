"""Fixtures for the re-run tests: build a committed fixture repo and re-run it quickly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from builders import git, make_repo

from auditor.rerun import RerunResult, SandboxConfig, load_manifest, run_rerun
from auditor.rerun.isolation import detect_isolation

# No fingerprint (it imports torch: ~2 s) and a short kill grace keep each test fast.
FAST = SandboxConfig(kill_grace_seconds=0.5, take_fingerprint=False)
ISOLATION = detect_isolation()

RerunFn = Callable[..., RerunResult]


@pytest.fixture
def rerun(tmp_path: Path) -> RerunFn:
    """rerun(files, **options): commit `files` (with their nas-audit.yaml) and re-run them."""

    def run(files: Mapping[str, str], **options: Any) -> RerunResult:
        root = tmp_path / "repo"
        if not root.exists():  # a second call re-runs the same commit (cache tests)
            make_repo(root, files)
        manifest = load_manifest(root)
        assert manifest is not None
        commit = git(root, "rev-parse", "HEAD").strip()
        settings: dict[str, Any] = {
            "jobs": 2,
            "cache_dir": tmp_path / "cache",
            "no_cache": False,
            "strict_determinism": False,
            "python": None,
            "progress": lambda _: None,
            "config": FAST,
            "tty": False,
        }
        settings.update(options)
        return run_rerun(root, commit, manifest, **settings)

    return run
