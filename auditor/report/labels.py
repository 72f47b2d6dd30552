"""Words every format uses for declared answers, waivers and the counts line, so that a
waived item or a contradicted declaration reads the same in the terminal, Markdown, SARIF and
LaTeX."""

from __future__ import annotations

from auditor.models import (
    Agreement,
    AuditReport,
    Declaration,
    DeclaredAnswer,
    Status,
    Verdict,
    Waiver,
)

AGREEMENT_LABEL = {
    Agreement.CONFIRMED: "confirmed",
    Agreement.CONTRADICTED: "contradicted",
    Agreement.UNSUPPORTED_PATH: "path not backed",
    Agreement.HONEST_GAP: "acknowledged gap",
    Agreement.UNDECLARED: "not declared",
    Agreement.UNVERIFIED: "unverified",  # the audit can neither confirm nor contradict it
}

# The declarations a reader must see first: the repository does not back the author's word.
DISAGREEMENTS = (Agreement.CONTRADICTED, Agreement.UNSUPPORTED_PATH)

STATUS_WORD = {
    Status.PASS: "pass",
    Status.PARTIAL: "partial",
    Status.FAIL: "fail",
    Status.NOT_APPLICABLE: "n/a",
    Status.NEEDS_REVIEW: "needs review",
}


def agreement_label(agreement: Agreement) -> str:
    """A short phrase for how a declared answer compares with the audit."""
    return AGREEMENT_LABEL[agreement]


def declared_label(declaration: Declaration) -> str:
    """`yes · confirmed`, `yes · contradicted`, `— · not declared`."""
    answer = declaration.answer.value if declaration.answer else "—"
    return f"{answer} · {agreement_label(declaration.agreement)}"


def disagreements(report: AuditReport) -> list[tuple[Verdict, Declaration]]:
    """Verdicts whose declared answer the repository does not back, contradictions first."""
    pairs = [(v, v.declaration) for v in report.items if v.declaration is not None]
    found = [(v, d) for v, d in pairs if d.agreement in DISAGREEMENTS]
    return sorted(found, key=lambda pair: DISAGREEMENTS.index(pair[1].agreement))


def waiver_label(waiver: Waiver) -> str:
    """`waived (accepted): the note`."""
    return f"waived ({waiver.reason.value}): {waiver.note}"


def answer_word(answer: DeclaredAnswer) -> str:
    """The checklist answer as a paper's checklist writes it: Yes, Partial, No, N/A."""
    return {"yes": "Yes", "partial": "Partial", "no": "No", "n/a": "N/A"}[answer.value]


def count_parts(report: AuditReport) -> list[str]:
    """`6 pass`, `3 fail`, ..., `2 waived`, `1 declared answer contradicted` (non-zero only)."""
    parts = [f"{n} {STATUS_WORD[s]}" for s, n in report.counts().items() if n]
    waived = sum(v.waiver is not None for v in report.items)
    if waived:
        parts.append(f"{waived} waived")
    contradicted = len(disagreements(report))
    if contradicted:
        noun = "answer" if contradicted == 1 else "answers"
        parts.append(f"{contradicted} declared {noun} not backed")
    return parts


def clip(text: object, limit: int = 300) -> str:
    """Untrusted text bounded to `limit` characters, an ellipsis marking the cut."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"
