"""Renderers: pure functions from the report model (and the checklist) to text."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import assert_never

from auditor.models import AuditReport
from checklist import Checklist


class OutputFormat(StrEnum):
    """Report formats `nas-audit audit --format` accepts."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


Renderer = Callable[[AuditReport, Checklist], str]


def get_renderer(fmt: OutputFormat) -> Renderer:
    """The render function of a format."""
    match fmt:
        case OutputFormat.JSON:
            from auditor.report.json import render_json

            return render_json
        case OutputFormat.MARKDOWN:
            from auditor.report.markdown import render_markdown

            return render_markdown
        case OutputFormat.TEXT:
            from auditor.report.terminal import render_text

            return render_text
    assert_never(fmt)
