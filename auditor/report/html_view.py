"""What the HTML report shows, computed from the report model: items grouped by the checklist's
sections with their wording, counts per section (waivers too), the contradicted declarations,
and small text helpers (safe links, clipping, numbers, status badges). Pure functions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from auditor.models import Agreement, AuditReport, Outcome, Status, Verdict
from auditor.report.labels import STATUS_WORD, agreement_label, disagreements
from auditor.report.links import safe_url
from checklist import Checklist

MAX_EVIDENCE = 8  # per item; the rest is counted ("and 12 more")
MAX_ROWS = 100  # rows of any long table (runs, skipped files, logs, dependencies)
MAX_LIST = 12  # items of short inline lists (searched patterns, paths)

STATUS_ICON = {
    Status.PASS: "✔",
    Status.PARTIAL: "◐",
    Status.FAIL: "✘",
    Status.NOT_APPLICABLE: "–",
    Status.NEEDS_REVIEW: "?",
}
OUTCOME_LABEL = {
    Outcome.TRUE: ("✔", "yes"),
    Outcome.FALSE: ("✘", "no"),
    Outcome.NOT_APPLICABLE: ("–", "not applicable"),
    Outcome.NOT_AVAILABLE: ("?", "undecided"),
}
AGREEMENT_ICON = {
    Agreement.CONFIRMED: "✔",
    Agreement.CONTRADICTED: "✘",
    Agreement.UNSUPPORTED_PATH: "⚠",
    Agreement.HONEST_GAP: "○",
    Agreement.UNDECLARED: "·",
    Agreement.UNVERIFIED: "?",
}
WORD_LABEL = {  # re-run words: run status, claim verdict, determinism
    "ok": ("✔", "ok"),
    "reproduced": ("✔", "reproduced"),
    "not_reproduced": ("✘", "not reproduced"),
    "inconclusive": ("?", "inconclusive"),
    "yes": ("✔", "yes"),
    "no": ("✘", "no"),
    "untested": ("?", "not tested"),
}
_BADGE = Markup('<span class="badge {}"><span class="icon" aria-hidden="true">{}</span> {}</span>')


@dataclass(frozen=True)
class ItemView:
    """A verdict with the checklist's wording of its item (None when the item is unknown)."""

    verdict: Verdict
    question: str | None
    remediation: str | None


@dataclass(frozen=True)
class SectionView:
    """The items of one checklist section and how many have each status."""

    id: str
    title: str
    items: tuple[ItemView, ...]
    counts: dict[Status, int]
    waived: int


def sections(report: AuditReport, checklist: Checklist) -> list[SectionView]:
    """Verdicts grouped by section in checklist order; unknown sections come last."""
    titles = {s.id: s.title for s in checklist.sections}
    items = {i.id: i for i in checklist.items}
    grouped: dict[str, list[ItemView]] = {sid: [] for sid in titles}
    for verdict in report.items:
        item = items.get(verdict.id)
        grouped.setdefault(verdict.section, []).append(
            ItemView(
                verdict=verdict,
                question=item.question if item else None,
                remediation=item.remediation if item else None,
            )
        )
    return [
        SectionView(
            id=sid,
            title=titles.get(sid, sid),
            items=tuple(views),
            counts={s: sum(v.verdict.status is s for v in views) for s in Status},
            waived=sum(v.verdict.waiver is not None for v in views),
        )
        for sid, views in grouped.items()
        if views
    ]


def contradicted(report: AuditReport) -> list[Verdict]:
    """Items whose declared answer the repository does not back, contradictions first: the
    report's headline."""
    return [verdict for verdict, _ in disagreements(report)]


def agreement_counts(report: AuditReport) -> dict[Agreement, int]:
    """How many declared answers agree, contradict, ... (empty without declarations)."""
    counts: dict[Agreement, int] = {}
    for v in report.items:
        if v.declaration is not None:
            counts[v.declaration.agreement] = counts.get(v.declaration.agreement, 0) + 1
    return {a: counts[a] for a in Agreement if a in counts}


def badge(value: Status | Outcome | Agreement | str) -> Markup:
    """Icon and word (never colour alone) for a status, outcome, agreement or re-run word."""
    if isinstance(value, Status):
        icon, word = STATUS_ICON[value], STATUS_WORD[value]
    elif isinstance(value, Outcome):
        icon, word = OUTCOME_LABEL[value]
    elif isinstance(value, Agreement):
        icon, word = AGREEMENT_ICON[value], agreement_label(value)
    else:
        icon, word = WORD_LABEL.get(value, ("✘", value.replace("_", " ")))
    return _BADGE.format(f"b-{value}", icon, word)


def tree_url(permalink_base: str | None) -> str | None:
    """The repository at the audited commit: the permalink base with /blob/ as /tree/."""
    url = safe_url(permalink_base)
    return url.replace("/blob/", "/tree/", 1) if url else None


def tail(text: str, lines: int = 25, chars: int = 3000) -> str:
    """The last lines of a run's output, bounded."""
    kept = "\n".join(text.rstrip().splitlines()[-lines:])
    return kept if len(kept) <= chars else "…" + kept[-(chars - 1) :]


def num(value: float | None, digits: int = 4) -> str:
    """A number with `digits` significant digits; an em dash for none."""
    return "—" if value is None else f"{value:.{digits}g}"


def when(moment: datetime) -> str:
    """A timestamp as 'YYYY-MM-DD HH:MM:SS UTC' (or its own offset)."""
    zone = moment.tzname() or ""
    return moment.strftime("%Y-%m-%d %H:%M:%S") + (f" {zone}" if zone else "")


def seconds(value: float | None) -> str:
    """A duration in s, min or h, whichever reads best."""
    if value is None:
        return "—"
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"
