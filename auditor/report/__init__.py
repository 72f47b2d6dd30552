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
    HTML = "html"
    SARIF = "sarif"
    LATEX = "latex"

    @property
    def extension(self) -> str:
        """File name extension used with --output-dir."""
        return _EXTENSIONS[self]


_EXTENSIONS = {
    OutputFormat.TEXT: "txt",
    OutputFormat.JSON: "json",
    OutputFormat.MARKDOWN: "md",
    OutputFormat.HTML: "html",
    OutputFormat.SARIF: "sarif",
    OutputFormat.LATEX: "tex",
}


Renderer = Callable[[AuditReport, Checklist], str | bytes]  # bytes: UTF-8 already (JSON)


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
        case OutputFormat.HTML:
            from auditor.report.html import render_html

            return render_html
        case OutputFormat.SARIF:
            from auditor.report.sarif import render_sarif

            return render_sarif
        case OutputFormat.LATEX:
            from auditor.report.latex import render_latex

            return render_latex
    assert_never(fmt)
