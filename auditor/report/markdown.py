"""Markdown for pull-request comments and CI step summaries: one compact table, every cell
escaped, the whole text bounded below GitHub's comment limit whatever the repository holds."""

from __future__ import annotations

import re
from collections.abc import Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from auditor.models import AuditReport, Evidence, Status, Verdict
from auditor.report.labels import STATUS_WORD, count_parts, declared_label, disagreements
from auditor.report.links import safe_url
from auditor.report.terminal import describe_evidence, read_note_lines, rerun_lines
from auditor.resources import templates_dir
from checklist import Checklist

STATUS_ICON = {
    Status.PASS: "✅",
    Status.PARTIAL: "🟡",
    Status.FAIL: "❌",
    Status.NOT_APPLICABLE: "➖",
    Status.NEEDS_REVIEW: "🔍",
}
# GitHub refuses comments over 65,536 characters; stay clear of it with room for a footer.
MAX_CHARS = 60_000
_CELL_CAPS = (300, 120, 50)  # cell widths tried in turn until the whole text fits
_MAX_LIST_LINES = 20  # re-run and read-note lines shown; the rest are counted

_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\\": "\\\\",
    "|": "\\|",
    "`": "\\`",
    "[": "\\[",
    "]": "\\]",
    "*": "\\*",
    "_": "\\_",
    "~": "\\~",
    "#": "\\#",
    "$": "\\$",  # GitHub renders $...$ as math
    # NOTE: a zero-width space after @ keeps text from the audited repository from
    # mentioning (and notifying) GitHub users in a pull-request comment.
    "@": "@&#8203;",
}
# control characters, and bidirectional overrides that make text read other than it is
_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_BREAK = re.compile(r"[ \t]*\n\s*")
_LIST_START = re.compile(r"^([-+]|\d{1,9}[.)])(?=\s|$)")


def _escaped(text: str, index: int) -> str:
    char = text[index]
    if char == "\n":
        return "<br>"
    if char == "_" and text[index - 1 : index].isalnum() and text[index + 1 : index + 2].isalnum():
        return "_"  # snake_case cannot open emphasis; keep it readable
    return _ESCAPES.get(char, char)


def md_cell(value: object, limit: int = _CELL_CAPS[0]) -> str:
    """Text safe in a Markdown table cell or list item: no raw HTML, no links, mentions or
    emphasis, pipes escaped, newlines as <br>, at most `limit` characters once escaped."""
    text = _BREAK.sub("\n", _CONTROL.sub(" ", str(value)).strip())
    start = _LIST_START.match(text)
    escape_at = start.end() - 1 if start else -1  # `- x`, `1. x` would nest a list
    pieces: list[str] = []
    size = 0
    for index in range(len(text)):
        piece = ("\\" if index == escape_at else "") + _escaped(text, index)
        if size + len(piece) > limit:
            while pieces and size + 1 > limit:
                size -= len(pieces.pop())
            pieces.append("…")
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)


def evidence_cell(verdict: Verdict, limit: int) -> str:
    """The top evidence as a link where it has a permalink, and how many more there are."""
    if not verdict.evidence:
        return ""
    top: Evidence = verdict.evidence[0]
    text = md_cell(describe_evidence(top), limit)
    url = safe_url(top.url)
    cell = f"[{text}]({url})" if url and text else text
    more = len(verdict.evidence) - 1
    return cell + (f" (+{more} more)" if more else "")


def _bounded(lines: Sequence[str]) -> list[str]:
    shown = list(lines[:_MAX_LIST_LINES])
    if len(lines) > _MAX_LIST_LINES:
        shown.append(f"… and {len(lines) - _MAX_LIST_LINES} more lines (see the JSON report)")
    return shown


def _skipped_line(report: AuditReport, shown: int = 5) -> str:
    listed = ", ".join(f"{s.path} ({s.reason})" for s in report.skipped[:shown])
    more = len(report.skipped) - shown
    return f"{len(report.skipped)} file(s) not read: {listed}" + (
        f" and {more} more" if more > 0 else ""
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md_cell"] = md_cell
    env.globals["icon"] = STATUS_ICON.__getitem__
    env.globals["word"] = STATUS_WORD.__getitem__
    env.globals["declared_label"] = declared_label
    env.globals["evidence_cell"] = evidence_cell
    return env


def render_markdown(report: AuditReport, checklist: Checklist) -> str:
    """The verdict table and counts as GitHub-flavoured Markdown, under MAX_CHARS characters."""
    del checklist
    template = _environment().get_template("report.md.j2")
    context = {
        "report": report,
        "counts": " · ".join(count_parts(report)),
        "disagreements": disagreements(report),
        "declared": any(v.declaration is not None for v in report.items),
        "rerun": _bounded(rerun_lines(report.rerun)) if report.rerun else [],
        "notes": _bounded(read_note_lines(report)),
        "skipped": _skipped_line(report) if report.skipped else "",
    }
    rows = list(report.items)
    for cap in _CELL_CAPS:
        text = template.render(context, rows=rows, omitted=0, cap=cap)
        if len(text) < MAX_CHARS:
            return text
    while len(text) >= MAX_CHARS and rows:  # only a checklist of hundreds of items gets here
        rows = rows[: len(rows) * MAX_CHARS // len(text) - 1]
        text = template.render(context, rows=rows, omitted=len(report.items) - len(rows), cap=50)
    return text
