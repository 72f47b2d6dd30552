"""JSON: the report model itself, versioned (schema in docs/report.schema.json)."""

from __future__ import annotations

from auditor.models import AuditReport
from checklist import Checklist


def render_json(report: AuditReport, checklist: Checklist) -> str:
    """The report as indented JSON; `checklist` is unused (the report carries its ids)."""
    del checklist
    return report.model_dump_json(indent=2) + "\n"
