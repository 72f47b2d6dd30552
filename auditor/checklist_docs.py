"""Render the checklist itself (not an audit): text, Markdown, JSON, or its JSON Schema."""

from __future__ import annotations

import json

from checklist import Checklist
from checklist.schema import Checklist as ChecklistModel

FORMATS = ("text", "markdown", "json", "schema")


def render_checklist(checklist: Checklist, fmt: str) -> str:
    """The checklist in one of FORMATS."""
    if fmt == "json":
        return checklist.model_dump_json(indent=2) + "\n"
    if fmt == "schema":
        return json.dumps(ChecklistModel.model_json_schema(), indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(checklist)
    return _text(checklist)


def _text(checklist: Checklist) -> str:
    lines = [f"{checklist.title} ({checklist.id}, version {checklist.version})", ""]
    for section in checklist.sections:
        lines.append(section.title)
        for item in section.items:
            how = ", ".join(m.value for m in item.checked_by)
            lines.append(f"  {item.id}  {item.title}  [{how}]")
            lines.append(f"      {item.question}")
        lines.append("")
    return "\n".join(lines)


def _markdown(checklist: Checklist) -> str:
    lines = [
        f"# {checklist.title}",
        "",
        f"Checklist `{checklist.id}`, version {checklist.version}. "
        f"Source: {checklist.source.title}.",
        "",
    ]
    for section in checklist.sections:
        lines += [f"## {section.title}", ""]
        for item in section.items:
            how = ", ".join(m.value for m in item.checked_by)
            lines += [
                f"### {item.id}. {item.title}",
                "",
                f"**Question.** {item.question}",
                "",
                f"**Why.** {item.rationale}",
                "",
                f"**What counts.** {item.evidence}",
                "",
                f"**Checked by.** {how}",
                "",
                "| signal | question | required | weight |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| `{s.id}` | {s.question} | {'yes' if s.required else 'no'} | {s.weight} |"
                for s in item.signals
            ]
            lines += ["", f"**What to do.** {item.remediation}", ""]
    return "\n".join(lines)
