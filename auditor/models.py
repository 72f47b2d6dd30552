"""The audit report and its parts: the one contract between the engine and every renderer.

`AuditReport.model_dump_json()` is the JSON format; its schema is committed in
docs/report.schema.json and versioned by SCHEMA_VERSION.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from auditor.facts import Evidence, EvidenceKind, Facts
from auditor.rerun.models import RerunResult

SCHEMA_VERSION = "1"

__all__ = [
    "SCHEMA_VERSION",
    "AuditReport",
    "ChecklistRef",
    "Evidence",
    "EvidenceKind",
    "Finding",
    "Outcome",
    "SkippedFile",
    "Status",
    "TargetInfo",
    "ToolInfo",
    "Verdict",
    "report_json_schema",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Outcome(StrEnum):
    """The answer to one signal (a yes/no sub-question of an item)."""

    TRUE = "true"
    FALSE = "false"
    NOT_APPLICABLE = "not_applicable"
    NOT_AVAILABLE = "not_available"  # cannot be decided from what was found


class Status(StrEnum):
    """The verdict on one checklist item."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_REVIEW = "needs_review"


class Finding(_Model):
    """A check's answer to one signal, with the evidence behind it."""

    signal: str
    outcome: Outcome
    message: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def item_id(self) -> str:
        """The checklist item this signal belongs to (the prefix before the dot)."""
        return self.signal.split(".", 1)[0]


class Verdict(_Model):
    """The status of one checklist item, its one-sentence summary and its findings."""

    id: str
    title: str
    section: str
    status: Status
    score: float | None = Field(default=None, ge=0, le=1)
    summary: str
    findings: tuple[Finding, ...] = ()
    evidence: tuple[Evidence, ...] = ()  # the findings' evidence, flattened, most telling first
    error: str | None = None  # the check raised: the verdict is needs_review with this text


class ToolInfo(_Model):
    """Which nas-audit wrote the report."""

    name: Literal["nas-audit"] = "nas-audit"
    version: str


class TargetInfo(_Model):
    """What was audited: where it came from and which commit."""

    source: str
    path: str
    commit: str | None = None
    ref: str | None = None
    dirty: bool = False
    remote: str | None = None
    permalink_base: str | None = None  # e.g. https://github.com/o/r/blob/<sha>/ ; None if dirty

    @field_validator("commit")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None and (
            len(value) != 40 or not all(c in "0123456789abcdef" for c in value)
        ):
            raise ValueError("commit must be 40 lowercase hex digits")
        return value


class ChecklistRef(_Model):
    """Which checklist, in which version, judged the repository."""

    id: str
    version: str
    sha256: str


class SkippedFile(_Model):
    """A file the audit did not read, and why (binary, too large, vendored, link outside...)."""

    path: str
    reason: str


class AuditReport(_Model):
    """One audit: target, verdicts in checklist order, the facts behind them, what was skipped."""

    schema_version: Literal["1"] = "1"  # = SCHEMA_VERSION
    tool: ToolInfo
    target: TargetInfo
    checklist: ChecklistRef
    started_at: datetime
    finished_at: datetime
    duration_seconds: float = Field(ge=0)
    items: tuple[Verdict, ...]
    facts: Facts
    skipped: tuple[SkippedFile, ...] = ()
    files_by_kind: dict[str, int] = {}
    rerun: RerunResult | None = None

    def verdict(self, item_id: str) -> Verdict:
        """The verdict for one item id."""
        for verdict in self.items:
            if verdict.id == item_id:
                return verdict
        raise KeyError(item_id)

    def counts(self) -> dict[Status, int]:
        """How many items have each status."""
        return {status: sum(v.status is status for v in self.items) for status in Status}


def report_json_schema() -> str:
    """The JSON Schema of AuditReport, as committed in docs/report.schema.json."""
    import json

    schema = AuditReport.model_json_schema()
    schema["$id"] = f"https://nas-audit.invalid/report.schema.v{SCHEMA_VERSION}.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
