"""Re-run a repository's training pipeline in a sandbox: seeds, determinism, claims.

Public API (everything else in this package is internal):
    load_manifest(repo_root, manifest_path=None) -> Manifest | None
    infer_recipe(repo_root) -> Recipe            (a proposed manifest + explanation)
    run_rerun(repo_root, commit, manifest, *, jobs, cache_dir, no_cache,
              strict_determinism, python, progress, config=None, tty=None) -> RerunResult
    detect_isolation() -> IsolationPlan          (bwrap / unshare / none, probed once)
`RerunResult.model_dump(mode="json")` is the report's `rerun` block.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real names, for type checkers; at run time they load lazily
    from auditor.rerun.api import plan_runs, resolve_python, run_rerun
    from auditor.rerun.errors import RerunError
    from auditor.rerun.isolation import IsolationPlan, detect_isolation
    from auditor.rerun.manifest import (
        MANIFEST_NAME,
        ClaimSpec,
        Manifest,
        load_manifest,
    )
    from auditor.rerun.models import (
        ClaimResult,
        Fingerprint,
        Isolation,
        MetricSummary,
        MetricValue,
        RerunResult,
        RunResult,
        RunSpec,
    )
    from auditor.rerun.recipe import Recipe, infer_recipe
    from auditor.rerun.sandbox import SandboxConfig
    from auditor.rerun.spec import MetricSpec

# NOTE: exports load lazily: a static audit imports auditor.rerun.models (the report's
# rerun block) and must not pay for the executor, sandbox and progress display.
_EXPORTS = {
    "plan_runs": "api", "resolve_python": "api", "run_rerun": "api",
    "RerunError": "errors", "IsolationPlan": "isolation", "detect_isolation": "isolation",
    "MANIFEST_NAME": "manifest", "ClaimSpec": "manifest", "Manifest": "manifest",
    "MetricSpec": "spec", "load_manifest": "manifest",
    "ClaimResult": "models", "Fingerprint": "models", "Isolation": "models",
    "MetricSummary": "models", "MetricValue": "models", "RerunResult": "models",
    "RunResult": "models", "RunSpec": "models",
    "Recipe": "recipe", "infer_recipe": "recipe", "SandboxConfig": "sandbox",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """Import an export's module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'auditor.rerun' has no attribute {name!r}")
    return getattr(importlib.import_module(f"auditor.rerun.{module}"), name)


__all__ = [
    "MANIFEST_NAME",
    "ClaimResult",
    "ClaimSpec",
    "Fingerprint",
    "Isolation",
    "IsolationPlan",
    "Manifest",
    "MetricSpec",
    "MetricSummary",
    "MetricValue",
    "Recipe",
    "RerunError",
    "RerunResult",
    "RunResult",
    "RunSpec",
    "SandboxConfig",
    "detect_isolation",
    "infer_recipe",
    "load_manifest",
    "plan_runs",
    "resolve_python",
    "run_rerun",
]
