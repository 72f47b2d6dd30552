"""LaTeX: the Lindauer & Hutter checklist filled in, to paste into a paper's appendix.

Each item gets the answer a paper's checklist shows ([Yes], [Partial], [No], [N/A], or
[Needs review] where the audit cannot decide), a one-line justification and where the evidence
is. Where nas-audit.yaml declares an answer, the declared answer is shown and the audit's
finding next to it. The fragment needs no package (see README, "LaTeX checklist").
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from auditor.models import AuditReport, EvidenceKind, Status, Verdict
from auditor.report.labels import (
    DISAGREEMENTS,
    STATUS_WORD,
    agreement_label,
    answer_word,
    clip,
    count_parts,
    disagreements,
)
from auditor.report.terminal import rerun_lines
from auditor.report.texescape import latex_code, latex_escape
from auditor.resources import templates_dir
from checklist import Checklist

ANSWER = {
    Status.PASS: "Yes",
    Status.PARTIAL: "Partial",
    Status.FAIL: "No",
    Status.NOT_APPLICABLE: "N/A",
    Status.NEEDS_REVIEW: "Needs review",
}
_MAX_TEXT = 300
_MAX_REFS = 3
_MAX_RERUN_LINES = 12


@dataclass(frozen=True)
class Row:
    """One item, every field already LaTeX."""

    id: str
    question: str
    answer: str
    justification: str
    evidence: str
    audit: str
    waiver: str


def _clip(text: str) -> str:
    return clip(" ".join(text.split()), _MAX_TEXT)


def _tex(text: str) -> str:
    return latex_code(_clip(text))


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _evidence(verdict: Verdict) -> str:
    located = [ev for ev in verdict.evidence if ev.path]
    refs = [
        f"\\texttt{{{latex_escape(_clip(f'{ev.path}:{ev.line}' if ev.line else ev.path or ''))}}}"
        for ev in located[:_MAX_REFS]
    ]
    if len(located) > _MAX_REFS:
        refs.append(f"and {len(located) - _MAX_REFS} more")
    if refs:
        return ", ".join(refs) + "."
    for ev in verdict.evidence:
        if ev.note:  # an absence says what was searched; a re-run what it measured
            absent = ev.kind is EvidenceKind.ABSENCE
            return f"none found ({_tex(ev.note)})." if absent else _tex(_sentence(ev.note))
    return "none recorded."


def _audit(verdict: Verdict) -> str:
    decl = verdict.declaration
    if decl is None:
        return ""
    found = f"nas-audit found {STATUS_WORD[verdict.status]}"
    if decl.answer is None:
        return f"{found}; no answer declared."
    line = f"{found}; declared answer: {agreement_label(decl.agreement)}"
    if decl.agreement in DISAGREEMENTS:
        return f"\\textbf{{{line}}}: {_tex(_sentence(decl.message))}"
    return line + "."


def _row(verdict: Verdict, checklist: Checklist) -> Row:
    ids = {item.id for item in checklist.items}
    question = checklist.item(verdict.id).question if verdict.id in ids else verdict.title
    decl = verdict.declaration
    given = decl.answer if decl else None
    answer = answer_word(given) if given else ANSWER[verdict.status]
    reason = decl.justification if decl and given and decl.justification else verdict.summary
    waiver = verdict.waiver
    return Row(
        id=latex_escape(verdict.id),
        question=_tex(question),
        answer=answer,
        justification=_tex(_sentence(reason)),
        evidence=_evidence(verdict),
        audit=_audit(verdict),
        waiver=f"({waiver.reason.value}): {_tex(_sentence(waiver.note))}" if waiver else "",
    )


def _environment() -> Environment:
    # NOTE: LaTeX is full of braces and percent signs; these delimiters never clash with them.
    return Environment(
        loader=FileSystemLoader(templates_dir()),
        block_start_string="<%",
        block_end_string="%>",
        variable_start_string="<<",
        variable_end_string=">>",
        comment_start_string="<#",
        comment_end_string="#>",
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_latex(report: AuditReport, checklist: Checklist) -> str:
    """The filled-in checklist as a LaTeX fragment (a \\section* and its lists)."""
    by_section = {section.id: section.title for section in checklist.sections}
    sections: list[tuple[str, list[Row]]] = []
    for verdict in report.items:
        title = latex_escape(by_section.get(verdict.section, verdict.section))
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append(_row(verdict, checklist))
    rerun = rerun_lines(report.rerun) if report.rerun else []
    target = report.target
    return (
        _environment()
        .get_template("report.tex.j2")
        .render(
            version=latex_escape(report.tool.version),
            source=latex_escape(_clip(target.source)),
            commit=latex_escape((target.commit or "no commit")[:12]),
            dirty=target.dirty,
            checklist_id=latex_escape(report.checklist.id),
            checklist_version=latex_escape(report.checklist.version),
            paper=latex_escape(checklist.source.title),
            counts=latex_escape(", ".join(count_parts(report))),
            disagreements=[
                (latex_escape(v.id), _tex(d.message.rstrip("."))) for v, d in disagreements(report)
            ],
            sections=sections,
            rerun=[_tex(line) for line in rerun[:_MAX_RERUN_LINES]],
            rerun_more=max(0, len(rerun) - _MAX_RERUN_LINES),
        )
    )
