"""What `nas-audit check` prints: contradictions first, then the other agreements, waivers,
the audit's counts, the re-run and the policy's result. Plain text for terminals, pre-commit
and CI logs; text from the audited repository is stripped of control characters."""

from __future__ import annotations

import re

from auditor.models import Agreement, AuditReport, Verdict
from auditor.report.terminal import rerun_lines
from auditor.selfcheck.policy import Policy, Violation
from auditor.selfcheck.tiers import TierPlan

# headline first; confirmed and undeclared are listed by id only
_DETAILED = (
    (Agreement.CONTRADICTED, "Contradicted"),
    (Agreement.UNSUPPORTED_PATH, "Unsupported paths"),
    (Agreement.UNVERIFIED, "Unverified (a person must check)"),
    (Agreement.HONEST_GAP, "Honest gaps"),
)
_BRIEF = ((Agreement.CONFIRMED, "Confirmed"), (Agreement.UNDECLARED, "Undeclared"))
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean(text: str) -> str:
    """One line without control characters (terminal escapes from a repository included)."""
    return _CONTROL_RE.sub(" ", text).strip()


def _agreement(verdict: Verdict) -> Agreement | None:
    return verdict.declaration.agreement if verdict.declaration else None


def _declared_lines(report: AuditReport, config_note: str) -> list[str]:
    declared = [v for v in report.items if v.declaration is not None]
    if not declared:
        return [f"Declared answers: none ({clean(config_note)}; `nas-audit init` writes one)."]
    counts = " · ".join(
        f"{sum(_agreement(v) is a for v in declared)} {a.value}"
        for a in Agreement
        if any(_agreement(v) is a for v in declared)
    )
    lines = [f"Declared answers ({clean(config_note)}): {counts}"]
    for agreement, heading in _DETAILED:
        chosen = [v for v in declared if _agreement(v) is agreement]
        if chosen:
            lines.append(f"{heading}:")
        for v in chosen:
            assert v.declaration is not None
            lines.append(f"  {v.id}  {clean(v.title)}")
            lines.append(f"      {clean(v.declaration.message)}")
    for agreement, heading in _BRIEF:
        ids = [v.id for v in declared if _agreement(v) is agreement]
        if ids:
            lines.append(f"{heading}: {', '.join(ids)}")
    return lines


def _waiver_lines(report: AuditReport) -> list[str]:
    waived = [v for v in report.items if v.waiver is not None]
    lines = ["Waived (no policy fails on them):"] if waived else []
    for v in waived:
        assert v.waiver is not None
        lines.append(
            f"  {v.id}  {v.waiver.reason.value}: {clean(v.waiver.note)} (audit: {v.status.value})"
        )
    return lines


def render_summary(
    report: AuditReport,
    *,
    tier: TierPlan,
    config_note: str,
    policy: Policy,
    failed: list[Violation],
) -> str:
    """The check's summary; `config_note` says which nas-audit.yaml was read (or none)."""
    commit = report.target.commit[:12] if report.target.commit else "no commit"
    dirty = " (dirty)" if report.target.dirty else ""
    lines = [
        f"nas-audit check · {clean(report.target.source)} @ {commit}{dirty} · "
        f"tier {tier.tier.value} ({clean(tier.reason)})",
        *_declared_lines(report, config_note),
        *_waiver_lines(report),
    ]
    counts = report.counts()
    lines.append("Audit: " + " · ".join(f"{n} {s.value}" for s, n in counts.items() if n))
    if report.rerun is not None:
        lines += [_CONTROL_RE.sub(" ", line).rstrip() for line in rerun_lines(report.rerun)]
    verdict = "FAILED: " + "; ".join(str(v) for v in failed) if failed else "passed"
    lines.append(f"Policy --fail-on {policy}: {verdict}")
    return "\n".join(lines) + "\n"
