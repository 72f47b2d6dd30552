"""Judge a claimed number against the re-runs: reproduced, not reproduced, or inconclusive.

With `tolerance:` the claim is reproduced when the mean over seeds is within the tolerance.
Without it, the claimed value must lie in the 95% t-interval of the mean over seeds, widened
on both sides by the claimed std when the authors give one. Fewer than two successful runs,
or (without a tolerance) fewer than two seeds, leave the claim inconclusive.
"""

from __future__ import annotations

from typing import Any, Literal

from auditor.rerun.manifest import ClaimSpec
from auditor.rerun.models import ClaimResult, MetricSummary


def _num(value: float) -> str:
    return f"{value:.6g}"


def _direction(gap: float) -> Literal["higher", "lower", "equal"]:
    return "higher" if gap > 0 else "lower" if gap < 0 else "equal"


def _inconclusive(claim: ClaimSpec, summary: MetricSummary | None, why: str) -> ClaimResult:
    return ClaimResult(
        **_as_claimed(claim),
        verdict="inconclusive",
        reason=why,
        n_values=summary.n_values if summary else 0,
        n_seeds=summary.n_seeds if summary else 0,
        observed_mean=summary.mean if summary else None,
        observed_std=summary.std if summary else None,
    )


def _as_claimed(claim: ClaimSpec) -> dict[str, Any]:
    """The claim as the authors stated it, for every verdict."""
    return {"metric": claim.metric, "claimed": claim.value, "claimed_std": claim.std,
            "tolerance": claim.tolerance, "source": claim.source}  # fmt: skip


def _accepted(claim: ClaimSpec, summary: MetricSummary) -> tuple[float, float, str] | None:
    """The range the claimed value must fall in, and how it was made; None: no basis."""
    mean = summary.mean if summary.mean is not None else 0.0
    if claim.tolerance is not None:
        return mean - claim.tolerance, mean + claim.tolerance, f"± tolerance {claim.tolerance}"
    if summary.ci95_low is None or summary.ci95_high is None:
        return None
    widen = claim.std or 0.0
    how = f"95% interval over {summary.n_seeds} seeds"
    how += f", widened by the claimed std {_num(widen)}" if widen else ""
    return summary.ci95_low - widen, summary.ci95_high + widen, how


def _quality(gap: float, goal: str | None) -> str:
    if goal is None or gap == 0:
        return ""
    better = (gap > 0) == (goal == "max")
    return " (better than claimed)" if better else " (worse than claimed)"


def judge_claim(claim: ClaimSpec, summary: MetricSummary | None) -> ClaimResult:
    """One claim's verdict, with the gap in units of the observed spread."""
    if summary is None or summary.n_values < 2 or summary.mean is None:
        got = summary.n_values if summary else 0
        seen = ", ".join(f"{k}: {v}" for k, v in (summary.statuses if summary else {}).items())
        return _inconclusive(
            claim,
            summary,
            f"{got} successful run(s) produced "
            f"{claim.metric}; need 2" + (f" (metric statuses: {seen})" if seen else ""),
        )
    accepted = _accepted(claim, summary)
    if accepted is None:
        return _inconclusive(
            claim,
            summary,
            "only one seed produced the metric: no spread to "
            "judge against (add seeds or a `tolerance:`)",
        )
    low, high, how = accepted
    gap = summary.mean - claim.value
    gap_std = gap / summary.std if summary.std else None
    ok = low <= claim.value <= high
    where = f"within [{_num(low)}, {_num(high)}]" if ok else f"outside [{_num(low)}, {_num(high)}]"
    reason = f"claimed {_num(claim.value)} is {where} ({how}); runs average {_num(summary.mean)}"
    if not ok:
        units = f", {abs(gap_std):.2g} observed std" if gap_std is not None else ""
        reason += f", {_num(abs(gap))} {_direction(gap)} than claimed{units}"
        reason += _quality(gap, summary.goal)
    return ClaimResult(
        **_as_claimed(claim),
        verdict="reproduced" if ok else "not_reproduced",
        reason=reason,
        observed_mean=summary.mean,
        observed_std=summary.std,
        n_values=summary.n_values,
        n_seeds=summary.n_seeds,
        accepted_low=low,
        accepted_high=high,
        gap=gap,
        gap_in_std=gap_std,
        direction=_direction(gap),
    )
