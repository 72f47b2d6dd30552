"""The generic status policy, table-tested on a two-signal item (one required, one optional)."""

from __future__ import annotations

import pytest

from auditor.models import Evidence, EvidenceKind, Finding, Outcome, Status
from auditor.scoring import error_verdict, evaluate
from checklist import load_checklist

T, F, NA, NV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE


def findings(required: Outcome | None, optional: Outcome | None) -> list[Finding]:
    ev = (Evidence(kind=EvidenceKind.CODE, path="train.py", line=3),)
    out = []
    if required is not None:
        out.append(Finding(signal="R2.operations", outcome=required, message="ops", evidence=ev))
    if optional is not None:
        out.append(Finding(signal="R2.architecture-encoding", outcome=optional, message="enc"))
    return out


@pytest.mark.parametrize(
    ("required", "optional", "status", "score"),
    [
        (T, T, Status.PASS, 1.0),
        (T, F, Status.PASS, 0.667),
        (T, None, Status.PASS, 1.0),
        (F, T, Status.PARTIAL, 0.333),
        (F, F, Status.FAIL, 0.0),
        (NV, T, Status.NEEDS_REVIEW, 1.0),
        (None, None, Status.NEEDS_REVIEW, None),
        (NA, NA, Status.NOT_APPLICABLE, None),
        (NA, T, Status.PASS, 1.0),
        (NA, F, Status.FAIL, 0.0),
    ],
)
def test_status_policy(
    required: Outcome | None, optional: Outcome | None, status: Status, score: float | None
) -> None:
    checklist = load_checklist()
    verdict = evaluate(
        checklist.item("R2"), checklist.section_of("R2"), findings(required, optional)
    )
    assert verdict.status is status
    assert verdict.score == score
    assert verdict.summary


def test_pass_summary_comes_from_a_true_finding_and_evidence_is_flattened() -> None:
    checklist = load_checklist()
    verdict = evaluate(checklist.item("R2"), checklist.section_of("R2"), findings(T, F))
    assert verdict.summary == "ops"
    assert [(e.path, e.line) for e in verdict.evidence] == [("train.py", 3)]


def test_error_verdict_is_needs_review_never_fail() -> None:
    checklist = load_checklist()
    verdict = error_verdict(checklist.item("C6"), checklist.section_of("C6"), "boom")
    assert verdict.status is Status.NEEDS_REVIEW and verdict.error == "boom"
