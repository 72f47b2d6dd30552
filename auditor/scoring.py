"""Turn a check's findings into an item's status and score, driven by the checklist's signals."""

from __future__ import annotations

from collections.abc import Sequence

from auditor.models import Evidence, EvidenceKind, Finding, Outcome, Status, Verdict
from checklist import Item, Section

_MAX_EVIDENCE = 20


def evaluate(item: Item, section: Section, findings: Sequence[Finding]) -> Verdict:
    """Generic policy, the same for every item.

    All signals not applicable -> not_applicable; a required signal that cannot be decided ->
    needs_review; every required signal true -> pass; nothing true -> fail; else partial.
    Score = weight of true signals / weight of applicable ones. Signals without a finding
    count as not available: a check that says nothing never passes.
    """
    by_signal = {f.signal: f for f in findings}
    outcomes = {
        s.id: (by_signal[s.id].outcome if s.id in by_signal else Outcome.NOT_AVAILABLE)
        for s in item.signals
    }
    applicable = [s for s in item.signals if outcomes[s.id] is not Outcome.NOT_APPLICABLE]
    required = [s for s in applicable if s.required]
    if not applicable:
        status = Status.NOT_APPLICABLE
    elif any(outcomes[s.id] is Outcome.NOT_AVAILABLE for s in required):
        status = Status.NEEDS_REVIEW
    elif not any(outcomes[s.id] is Outcome.TRUE for s in applicable):
        status = Status.FAIL
    elif all(outcomes[s.id] is Outcome.TRUE for s in required):
        status = Status.PASS
    else:
        status = Status.PARTIAL
    decided = [s for s in applicable if outcomes[s.id] is not Outcome.NOT_AVAILABLE]
    weight = sum(s.weight for s in decided)
    score = (
        sum(s.weight for s in decided if outcomes[s.id] is Outcome.TRUE) / weight
        if weight
        else None
    )
    ordered = [by_signal[s.id] for s in item.signals if s.id in by_signal]
    return Verdict(
        id=item.id,
        title=item.title,
        section=section.id,
        status=status,
        score=None if score is None else round(score, 3),
        summary=_summary(status, ordered),
        findings=tuple(ordered),
        evidence=_top_evidence(ordered),
    )


def error_verdict(item: Item, section: Section, error: str) -> Verdict:
    """A check that raised: needs_review with the error, never fail."""
    return Verdict(
        id=item.id,
        title=item.title,
        section=section.id,
        status=Status.NEEDS_REVIEW,
        summary=f"The check could not run: {error}",
        error=error,
    )


def _summary(status: Status, findings: Sequence[Finding]) -> str:
    """One sentence: the message of the finding that decided the status."""
    if not findings:
        return "No signal could be decided."
    wanted = {
        Status.PASS: (Outcome.TRUE,),
        Status.NOT_APPLICABLE: (Outcome.NOT_APPLICABLE,),
        Status.NEEDS_REVIEW: (Outcome.NOT_AVAILABLE,),
        Status.FAIL: (Outcome.FALSE, Outcome.NOT_AVAILABLE),
        Status.PARTIAL: (Outcome.FALSE, Outcome.NOT_AVAILABLE),
    }[status]
    for finding in findings:
        if finding.outcome in wanted:
            return finding.message
    return findings[0].message


def _top_evidence(findings: Sequence[Finding]) -> tuple[Evidence, ...]:
    """Evidence of all findings, places before absences, without repeats, bounded."""
    seen: set[tuple[str | None, int | None, str | None]] = set()
    located: list[Evidence] = []
    absent: list[Evidence] = []
    for finding in findings:
        for ev in finding.evidence:
            key = (ev.path, ev.line, ev.note)
            if key in seen:
                continue
            seen.add(key)
            (absent if ev.kind is EvidenceKind.ABSENCE else located).append(ev)
    return tuple((located + absent)[:_MAX_EVIDENCE])
