"""Declared answers compared with the audit: does the repository back up what the authors say?

| declared | audit status                 | agreement                                  |
|----------|------------------------------|--------------------------------------------|
| (none)   | any                          | undeclared                                 |
| no       | any                          | honest_gap                                 |
| yes      | pass                         | confirmed                                  |
| yes      | fail, partial                | contradicted: what was searched and found  |
| partial  | pass, partial                | confirmed                                  |
| partial  | fail                         | contradicted                               |
| n/a      | not_applicable               | confirmed                                  |
| n/a      | pass, partial, fail          | contradicted (the audit finds it applies;  |
|          |                              | waive it with reason not-applicable)       |
| yes,     | needs_review                 | unverified: the audit cannot decide        |
| partial, | not_applicable (yes/partial) | unverified: nothing to confirm             |
| n/a      |                              |                                            |

`where:` paths must exist inside the repository and must not be skipped by the audit; for
yes and partial they must also hold evidence of the item (an evidence path equal to or under
them). A bad path turns confirmed or unverified into unsupported_path; a contradicted answer
stays contradicted and lists its bad paths too. Waivers are attached as they are declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from auditor.models import (
    Agreement,
    AuditReport,
    Declaration,
    DeclaredAnswer,
    Evidence,
    EvidenceKind,
    Outcome,
    Status,
    Verdict,
)
from auditor.selfcheck.config import Answer, NasAuditFile
from checklist import Checklist

MAX_LISTED = 6  # searched patterns, found places, missing signals named in one message

_YES, _PARTIAL, _NO, _NA = (
    DeclaredAnswer.YES,
    DeclaredAnswer.PARTIAL,
    DeclaredAnswer.NO,
    DeclaredAnswer.NOT_APPLICABLE,
)


def _listing(things: list[str]) -> str:
    unique = list(dict.fromkeys(things))
    more = len(unique) - MAX_LISTED
    return "; ".join(unique[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")


def _all_evidence(verdict: Verdict) -> list[Evidence]:
    return [*verdict.evidence, *(e for f in verdict.findings for e in f.evidence)]


def _evidence_paths(verdict: Verdict) -> list[str]:
    return list(
        dict.fromkeys(
            e.path for e in _all_evidence(verdict) if e.path and e.kind is not EvidenceKind.ABSENCE
        )
    )


def _searched(verdict: Verdict) -> list[str]:
    return [s for e in _all_evidence(verdict) if e.kind is EvidenceKind.ABSENCE for s in e.searched]


def _found(verdict: Verdict) -> str:
    places = [
        f"{e.path}:{e.line}" if e.line else str(e.path)
        for e in _all_evidence(verdict)
        if e.path and e.kind is not EvidenceKind.ABSENCE
    ]
    return f"Found: {_listing(places)}." if places else "Found nothing that counts."


def _missing(verdict: Verdict, checklist: Checklist) -> str:
    """The signals that keep the item from passing, required ones first."""
    try:
        required = {s.id for s in checklist.item(verdict.id).signals if s.required}
    except KeyError:
        required = set()
    false = [f for f in verdict.findings if f.outcome is Outcome.FALSE]
    false.sort(key=lambda f: f.signal not in required)
    return _listing([f"{f.signal} ({f.message.rstrip('.')})" for f in false]) or "a signal"


def _contradiction(answer: DeclaredAnswer, verdict: Verdict, checklist: Checklist) -> str:
    said = f"Declared {answer.value}"
    if answer is _NA:
        return (
            f"{said}, but the audit finds the item applies ({verdict.status.value}): "
            f"{verdict.summary} If it does not apply, waive it with reason not-applicable."
        )
    searched = _searched(verdict)
    searched_text = f" Searched: {_listing(searched)}." if searched else ""
    if verdict.status is Status.PARTIAL:
        return (
            f"{said}, but the audit backs it only in part (partial): missing "
            f"{_missing(verdict, checklist)}.{searched_text} {_found(verdict)}"
        )
    return f"{said}, but the audit found no evidence (fail): {verdict.summary}{searched_text} " + (
        _found(verdict)
    )


def _agreement(answer: DeclaredAnswer, status: Status) -> Agreement:
    """The table of the module docstring, before `where:` paths are looked at."""
    if answer is _NO:
        return Agreement.HONEST_GAP
    if status is Status.NEEDS_REVIEW:
        return Agreement.UNVERIFIED
    if answer is _NA:
        return Agreement.CONFIRMED if status is Status.NOT_APPLICABLE else Agreement.CONTRADICTED
    if status is Status.NOT_APPLICABLE:
        return Agreement.UNVERIFIED
    if status is Status.PASS or (answer is _PARTIAL and status is Status.PARTIAL):
        return Agreement.CONFIRMED
    return Agreement.CONTRADICTED


def _message(
    answer: DeclaredAnswer, verdict: Verdict, agreement: Agreement, checklist: Checklist
) -> str:
    said, status = f"Declared {answer.value}", verdict.status.value
    if agreement is Agreement.CONTRADICTED:
        return _contradiction(answer, verdict, checklist)
    if agreement is Agreement.HONEST_GAP:
        if verdict.status is Status.PASS:
            return f"{said} (a gap), but the audit found evidence (pass): {verdict.summary}"
        return f"{said}: an acknowledged gap. The audit found: {status}. {verdict.summary}"
    if agreement is Agreement.UNVERIFIED:
        why = "could not decide" if verdict.status is Status.NEEDS_REVIEW else "finds it n/a"
        return f"{said}; the audit {why} ({status}): {verdict.summary} A person must check."
    if answer is _PARTIAL and verdict.status is Status.PASS:
        return f"{said}; the audit found every required signal (pass): {verdict.summary}"
    return f"{said}; the audit agrees ({status}): {verdict.summary}"


def _normal(path: str) -> str:
    text = str(PurePosixPath(path))
    return "" if text == "." else text


def _under(evidence_path: str, where: str) -> bool:
    return not where or evidence_path == where or evidence_path.startswith(where + "/")


def _path_problem(
    where: str,
    root: Path,
    skipped: Mapping[str, str],
    evidence: list[str] | None,
    item_id: str,
) -> str | None:
    """Why a `where:` path does not support the answer, or None. `evidence`: None = no check."""
    rel = _normal(where)
    target = root / rel
    if not target.exists() and not target.is_symlink():
        return f"{where} does not exist"
    if not target.resolve().is_relative_to(root.resolve()):
        return f"{where} leads outside the repository"
    if rel in skipped:
        return f"{where} was not read by the audit ({skipped[rel]})"
    if evidence is not None and not any(_under(p, rel) for p in evidence):
        held = f" (its evidence is in {_listing(evidence)})" if evidence else ""
        return f"{where} holds no evidence for {item_id}{held}"
    return None


def declare(
    verdict: Verdict,
    declared: Answer | None,
    root: Path,
    skipped: Mapping[str, str],
    checklist: Checklist,
) -> Declaration:
    """The declaration of one item: the author's answer and how the audit compares."""
    if declared is None or declared.answer is None:
        return Declaration(
            where=declared.where if declared else (),
            justification=declared.justification if declared else None,
            agreement=Agreement.UNDECLARED,
            message=f"No answer in nas-audit.yaml; the audit found: {verdict.status.value}.",
        )
    answer = declared.answer
    agreement = _agreement(answer, verdict.status)
    wants_evidence = answer in (_YES, _PARTIAL) and agreement is not Agreement.UNVERIFIED
    evidence = _evidence_paths(verdict) if wants_evidence else None
    problems = [
        (where, problem)
        for where in declared.where
        if (problem := _path_problem(where, root, skipped, evidence, verdict.id))
    ]
    message = _message(answer, verdict, agreement, checklist)
    if problems and agreement is not Agreement.CONTRADICTED:
        agreement = Agreement.UNSUPPORTED_PATH
    if problems:
        message += " where: " + "; ".join(p for _, p in problems) + "."
    return Declaration(
        answer=answer,
        where=declared.where,
        justification=declared.justification,
        agreement=agreement,
        message=message,
        unsupported_paths=tuple(w for w, _ in problems),
    )


def apply_declarations(
    report: AuditReport, config: NasAuditFile | None, checklist: Checklist
) -> AuditReport:
    """The report with every verdict's declaration (when `answers:` exists) and waiver."""
    if config is None or (config.answers is None and not config.waive):
        return report
    root = Path(report.target.path)
    skipped = {s.path: s.reason for s in report.skipped}
    items = []
    for verdict in report.items:
        update: dict[str, object] = {}
        if config.answers is not None:
            update["declaration"] = declare(
                verdict, config.answers.get(verdict.id), root, skipped, checklist
            )
        if verdict.id in config.waive:
            update["waiver"] = config.waive[verdict.id].to_waiver()
        items.append(verdict.model_copy(update=update))
    return report.model_copy(update={"items": tuple(items)})
