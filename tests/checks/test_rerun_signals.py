"""Re-run signals over hand-built re-run results: what a re-run adds to R1, R3, R5, C2, C7,
D2 and D3, and that a static audit (no re-run) is judged on static evidence alone."""

from __future__ import annotations

import pytest
from factsets import finding, verdict

from auditor.models import EvidenceKind, Outcome, Status

T, F, NA, NV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE


@pytest.mark.parametrize(
    ("name", "signal", "outcome"),
    [
        ("full_pipeline", "R1.rerun-completes", NA),
        ("full_pipeline_rerun_ok", "R1.rerun-completes", T),
        ("full_pipeline_rerun_ok", "R3.rerun-deterministic", T),
        ("full_pipeline_rerun_ok", "R5.rerun-deterministic", NA),
        ("full_pipeline_rerun_ok", "C2.rerun-environment", T),
        ("full_pipeline_rerun_ok", "C7.rerun-claims", T),
        ("full_pipeline_rerun_ok", "D2.rerun-time", T),
        ("full_pipeline_rerun_ok", "D3.rerun-environment", T),
        ("search_rerun_nondeterministic", "R5.rerun-deterministic", F),
        ("search_rerun_nondeterministic", "R3.rerun-deterministic", NA),
        ("search_rerun_nondeterministic", "C2.rerun-environment", F),
        ("search_rerun_nondeterministic", "C7.rerun-claims", F),
        ("search_rerun_deterministic", "R5.rerun-deterministic", T),
        ("search_rerun_deterministic", "C7.rerun-claims", NA),
        ("darts_rerun_crashes", "R1.rerun-completes", F),
        ("darts_rerun_crashes", "R3.rerun-deterministic", NA),
    ],
)
def test_rerun_signal_outcomes(name: str, signal: str, outcome: Outcome) -> None:
    assert finding(name, signal).outcome is outcome


@pytest.mark.parametrize(
    ("name", "item", "status"),
    [
        ("full_pipeline_rerun_ok", "R1", Status.PASS),
        ("full_pipeline_rerun_ok", "R3", Status.PASS),
        ("full_pipeline_rerun_ok", "C7", Status.PASS),
        ("search_rerun_nondeterministic", "R5", Status.PARTIAL),
        ("search_rerun_nondeterministic", "C2", Status.PARTIAL),
        ("search_rerun_nondeterministic", "C7", Status.PARTIAL),
        ("darts_rerun_crashes", "R1", Status.PARTIAL),
    ],
)
def test_a_failed_rerun_signal_lowers_the_static_status(
    name: str, item: str, status: Status
) -> None:
    assert verdict(name, item).status is status


def test_rerun_evidence_points_at_the_script_it_ran() -> None:
    f = finding("darts_rerun_crashes", "R1.rerun-completes")
    ev = f.evidence[0]
    assert (ev.kind, ev.path) == (EvidenceKind.RERUN, "cnn/train.py")
    assert "CUDA out of memory" in (ev.snippet or "")
    assert f.message.startswith("No re-run completes (1 failed)")


def test_nondeterminism_names_the_seed_and_values() -> None:
    f = finding("search_rerun_nondeterministic", "R5.rerun-deterministic")
    assert "seed 0, valid_acc: 80, 80.5" in f.message


def test_torch_mismatch_names_both_versions() -> None:
    f = finding("search_rerun_nondeterministic", "C2.rerun-environment")
    assert f.message.startswith("The re-run used torch 2.13.0, not the pinned 1.9.0")
