"""Statistics over runs and the verdict on each claim."""

from __future__ import annotations

import pytest

from auditor.rerun import ClaimSpec, MetricSpec, MetricSummary, MetricValue, RunResult
from auditor.rerun.analysis import repeat_diff, same_bits, summarize_metric, t95
from auditor.rerun.claims import judge_claim
from auditor.rerun.models import RunStatus

SPEC = MetricSpec(name="acc", pattern=r"acc (\S+)", goal="max")


def run(seed: int, repeat: int, value: float | None, status: RunStatus = "ok") -> RunResult:
    metric = MetricValue(value=value, status="ok" if value is not None else "missing")
    return RunResult(
        run_id=f"seed{seed}-rep{repeat}",
        seed=seed,
        repeat=repeat,
        command="x",
        status=status,
        metrics={"acc": metric},
    )


def test_t_table() -> None:
    assert t95(1) == 12.706 and t95(2) == 4.303 and t95(30) == 2.042 and t95(31) == 1.96


def test_bitwise_equality_is_exact() -> None:
    assert same_bits([0.1 + 0.2, 0.1 + 0.2]) and not same_bits([0.1 + 0.2, 0.3])
    assert not same_bits([0.0, -0.0])
    diff = repeat_diff(0, [2.0, 2.5])
    assert diff.bitwise_equal is False and diff.abs_diff == 0.5 and diff.rel_diff == 0.5 / 2.25
    assert repeat_diff(0, [1.0]).bitwise_equal is None


def test_summary_uses_seed_means_and_only_successful_runs() -> None:
    runs = [
        run(0, 0, 90.0),
        run(0, 1, 90.0),
        run(1, 0, 92.0),
        run(1, 1, 92.0),
        run(2, 0, 94.0),
        run(2, 1, 50.0, status="failed"),
    ]
    summary = summarize_metric(SPEC, runs)
    assert summary.n_values == 5 and summary.n_seeds == 3
    assert summary.mean == 92.0 and summary.std == 2.0 and summary.min == 90.0
    half = 4.303 * 2.0 / 3**0.5
    assert summary.ci95_low == pytest.approx(92.0 - half)
    assert summary.deterministic is True
    assert summary.statuses == {"ok": 6}


def claim(value: float, std: float | None = None, tolerance: float | None = None) -> ClaimSpec:
    return ClaimSpec(metric="acc", value=value, std=std, tolerance=tolerance)


def summary_of(*values: float, repeats: int = 1) -> MetricSummary:
    runs = [run(s, r, v) for s, v in enumerate(values) for r in range(repeats)]
    return summarize_metric(SPEC, runs)


def test_claim_within_the_interval_is_reproduced() -> None:
    result = judge_claim(claim(92.5), summary_of(90.0, 92.0, 94.0))
    assert result.verdict == "reproduced" and "95% interval over 3 seeds" in result.reason


def test_claimed_std_widens_the_interval() -> None:
    narrow = summary_of(90.0, 90.1, 90.2)
    assert judge_claim(claim(91.0), narrow).verdict == "not_reproduced"
    widened = judge_claim(claim(91.0, std=1.0), narrow)
    assert widened.verdict == "reproduced" and "widened by the claimed std 1" in widened.reason


def test_tolerance_decides_when_given() -> None:
    summary = summary_of(90.0, 90.1, 90.2)
    assert judge_claim(claim(90.5, tolerance=0.5), summary).verdict == "reproduced"
    far = judge_claim(claim(97.0, tolerance=0.5), summary)
    assert far.verdict == "not_reproduced" and far.direction == "lower"
    assert far.gap == pytest.approx(-6.9) and far.gap_in_std == pytest.approx(-69.0)
    assert "6.9 lower than claimed, 69 observed std (worse than claimed)" in far.reason


def test_higher_than_claimed_is_said_so() -> None:
    result = judge_claim(claim(80.0), summary_of(90.0, 90.1, 90.2))
    assert result.direction == "higher" and "(better than claimed)" in result.reason


@pytest.mark.parametrize(
    ("summary", "why"),
    [
        (None, "0 successful run(s)"),
        (summary_of(90.0), "1 successful run(s)"),
        (summary_of(90.0, repeats=2), "only one seed"),
    ],
)
def test_inconclusive(summary: MetricSummary | None, why: str) -> None:
    result = judge_claim(claim(90.0), summary)
    assert result.verdict == "inconclusive" and why in result.reason


def test_one_seed_with_a_tolerance_is_judged() -> None:
    result = judge_claim(claim(90.2, tolerance=0.5), summary_of(90.0, repeats=2))
    assert result.verdict == "reproduced"


def test_zero_spread_over_seeds_needs_an_exact_match() -> None:
    same = summary_of(90.0, 90.0)
    assert judge_claim(claim(90.0), same).verdict == "reproduced"
    off = judge_claim(claim(90.1), same)
    assert off.verdict == "not_reproduced" and off.gap_in_std is None
