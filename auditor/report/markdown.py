"""Markdown for pull-request comments and CI step summaries: one table, cells escaped."""

from __future__ import annotations

import re

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from auditor.models import AuditReport, Status
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
_CELL_MAX = 300


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no raw HTML, pipes escaped, one line, bounded."""
    text = str(value)
    if len(text) > _CELL_MAX:
        text = text[: _CELL_MAX - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return re.sub(r"\s*\n\s*", "<br>", text.strip())


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
    env.globals["describe"] = describe_evidence
    env.globals["rerun_lines"] = rerun_lines
    env.globals["read_note_lines"] = read_note_lines
    return env


def render_markdown(report: AuditReport, checklist: Checklist) -> str:
    """The verdict table and counts as GitHub-flavoured Markdown."""
    template = _environment().get_template("report.md.j2")
    return template.render(report=report, checklist=checklist, counts=report.counts())
