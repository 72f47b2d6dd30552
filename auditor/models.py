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
    "Agreement",
    "AuditReport",
    "ChecklistRef",
    "Declaration",
    "DeclaredAnswer",
    "Evidence",
    "EvidenceKind",
    "Finding",
    "Outcome",
    "SkippedFile",
    "Status",
    "TargetInfo",
    "ToolInfo",
    "Verdict",
    "Waiver",
    "WaiverReason",
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


class DeclaredAnswer(StrEnum):
    """An author's answer to a checklist item in nas-audit.yaml."""

    YES = "yes"
    PARTIAL = "partial"
    NO = "no"
    NOT_APPLICABLE = "n/a"


class Agreement(StrEnum):
    """How a declared answer compares with what the audit found."""

    CONFIRMED = "confirmed"  # declared yes (or partial), and the evidence backs it
    CONTRADICTED = "contradicted"  # declared yes, evidence missing or against it
    UNSUPPORTED_PATH = "unsupported_path"  # a `where:` path is missing or lacks what it claims
    HONEST_GAP = "honest_gap"  # declared no
    UNDECLARED = "undeclared"  # no answer given
    UNVERIFIED = "unverified"  # the audit cannot decide (needs_review) or finds the item n/a


class Declaration(_Model):
    """The author's answer to one item, and whether the repository backs it up."""

    answer: DeclaredAnswer | None = None
    where: tuple[str, ...] = ()
    justification: str | None = None
    agreement: Agreement
    message: str  # what was searched and what was found, in one or two sentences
    unsupported_paths: tuple[str, ...] = ()


class WaiverReason(StrEnum):
    """Why an item is waived."""

    NOT_APPLICABLE = "not-applicable"
    ACCEPTED = "accepted"  # a known gap the authors accept, with a note saying why
    FALSE_POSITIVE = "false-positive"  # the audit is wrong here; the note says why


class Waiver(_Model):
    """An item the authors waived: it keeps its status and evidence, shown as waived."""

    reason: WaiverReason
    note: str


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
    declaration: Declaration | None = None  # only when nas-audit.yaml declares answers
    waiver: Waiver | None = None


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
