"""How much of the pipeline `nas-audit check` runs: static, smoke or full.

static: the static audit only (seconds; what pre-commit runs).
smoke:  static plus one short re-run: the first seed, one repeat, `rerun.smoke.params` over
        `rerun.params`, a timeout of `rerun.smoke.timeout` or min(`rerun.timeout`, 120 s), no
        claims. Only when nas-audit.yaml has `rerun.smoke` (even `smoke: {}`).
full:   static plus the manifest's re-run as written (every seed and repeat, the claims).
Without `--tier`: smoke when the manifest has `rerun.smoke`, else static.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from auditor.errors import AuditorError
from auditor.rerun.manifest import MANIFEST_NAME, Manifest


class Tier(StrEnum):
    """How much `check` runs."""

    STATIC = "static"
    SMOKE = "smoke"
    FULL = "full"


@dataclass(frozen=True)
class TierPlan:
    """The tier chosen, why, and the manifest to re-run (None for static)."""

    tier: Tier
    reason: str
    manifest: Manifest | None


def plan_tier(requested: Tier | None, manifest: Manifest | None, config: str | None) -> TierPlan:
    """Choose the tier; a tier the manifest cannot support is a usage error (exit 2).

    `config`: the nas-audit.yaml read, None when the repository has none.
    """
    if requested is None:
        if manifest is not None and manifest.smoke is not None:
            return TierPlan(Tier.SMOKE, f"{config} has rerun.smoke", manifest.smoke_variant())
        why = "has no rerun.smoke" if manifest is not None else "has no rerun section"
        return TierPlan(Tier.STATIC, f"{config} {why}" if config else f"no {MANIFEST_NAME}", None)
    config = config or MANIFEST_NAME
    if requested is Tier.STATIC:
        return TierPlan(Tier.STATIC, "--tier static", None)
    if manifest is None:
        raise AuditorError(
            f"--tier {requested} needs a `rerun:` section in {config} "
            "(nas-audit init proposes one; see docs/rerun.md)"
        )
    if requested is Tier.FULL:
        return TierPlan(Tier.FULL, "--tier full", manifest)
    if manifest.smoke is None:
        raise AuditorError(
            f"--tier smoke needs `smoke:` under `rerun:` in {config}, e.g. "
            "`smoke: {params: {epochs: 1}}` (or `smoke: {}` to run the first seed once as it is)"
        )
    return TierPlan(Tier.SMOKE, "--tier smoke", manifest.smoke_variant())
