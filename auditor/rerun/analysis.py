"""Per-metric statistics: repeat differences per seed, spread across seeds, timing.

Only runs whose status is `ok` and whose metric parsed count. A seed's value is the mean of
its repeats, so repeats (which test determinism) never narrow the spread across seeds. The
95% interval is the t-interval of the mean over seeds: mean ± t(n-1) · std / √n, with the
two-sided t quantiles hard-coded for 1..30 degrees of freedom and 1.96 beyond.
"""

from __future__ import annotations

import math
import statistics
import struct
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from auditor.rerun.models import MetricSummary, RepeatDiff, RunResult, Timing
from auditor.rerun.spec import MetricSpec

# fmt: off
T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
       2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
       2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
# fmt: on


def t95(df: int) -> float:
    """Two-sided 95% quantile of Student's t with `df` degrees of freedom (df >= 1)."""
    return T95[df - 1] if 1 <= df <= len(T95) else 1.96


def same_bits(values: Sequence[float]) -> bool:
    """All values are the same double, bit for bit (so -0.0 differs from 0.0)."""
    packed = {struct.pack("<d", v) for v in values}
    return len(packed) == 1


def values_by_seed(runs: Iterable[RunResult], name: str) -> dict[int, list[float]]:
    """Values of metric `name` from successful runs, per seed, in repeat order."""
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for run in runs:
        metric = run.metrics.get(name)
        if run.status == "ok" and metric is not None and metric.value is not None:
            found[run.seed].append((run.repeat, metric.value))
    return {seed: [v for _, v in sorted(pairs)] for seed, pairs in sorted(found.items())}


def repeat_diff(seed: int, values: Sequence[float]) -> RepeatDiff:
    """How much the repeats of one seed differ."""
    if len(values) < 2:
        return RepeatDiff(seed=seed, values=tuple(values), bitwise_equal=None)
    spread = max(values) - min(values)
    mean = math.fsum(values) / len(values)
    return RepeatDiff(
        seed=seed,
        values=tuple(values),
        bitwise_equal=same_bits(values),
        abs_diff=spread,
        rel_diff=spread / abs(mean) if mean else None,
    )


def _spread(per_seed: Sequence[float]) -> dict[str, float | None]:
    if not per_seed:
        return {}
    mean = math.fsum(per_seed) / len(per_seed)
    out: dict[str, float | None] = {"mean": mean, "min": min(per_seed), "max": max(per_seed)}
    if len(per_seed) >= 2:
        std = statistics.stdev(per_seed)
        half = t95(len(per_seed) - 1) * std / math.sqrt(len(per_seed))
        out.update(std=std, ci95_low=mean - half, ci95_high=mean + half)
    return out


def summarize_metric(spec: MetricSpec, runs: Sequence[RunResult]) -> MetricSummary:
    """Determinism and spread of one metric over all runs."""
    by_seed = values_by_seed(runs, spec.name)
    repeats = tuple(repeat_diff(seed, vals) for seed, vals in by_seed.items())
    checked = [r.bitwise_equal for r in repeats if r.bitwise_equal is not None]
    statuses = Counter(r.metrics[spec.name].status for r in runs if spec.name in r.metrics)
    per_seed = [math.fsum(vals) / len(vals) for vals in by_seed.values()]
    return MetricSummary(
        name=spec.name,
        goal=spec.goal,
        statuses=dict(sorted(statuses.items())),
        n_values=sum(len(v) for v in by_seed.values()),
        n_seeds=len(by_seed),
        repeats=repeats,
        deterministic=all(checked) if checked else None,
        **_spread(per_seed),
    )


def timing(runs: Sequence[RunResult], total: float, setup: RunResult | None) -> Timing:
    """Total and per-run wall time, and the largest peak memory of any run."""
    walls = [r.wall_seconds for r in runs if r.status != "cancelled"]
    peaks = [r.peak_rss_mib for r in runs if r.peak_rss_mib is not None]
    return Timing(
        total_wall_seconds=round(total, 3),
        setup_wall_seconds=setup.wall_seconds if setup is not None else 0.0,
        run_wall_seconds_sum=round(math.fsum(walls), 3),
        run_wall_seconds_mean=round(math.fsum(walls) / len(walls), 3) if walls else None,
        run_wall_seconds_max=max(walls) if walls else None,
        peak_rss_mib_max=max(peaks) if peaks else None,
    )


def overall_determinism(summaries: Sequence[MetricSummary]) -> bool | None:
    """True when every metric's repeats were bitwise equal; None when nothing was compared."""
    known = [s.deterministic for s in summaries if s.deterministic is not None]
    return all(known) if known else None
