"""Terminal output: a table of the items, their status and the evidence that decided them."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from auditor.models import AuditReport, Evidence, EvidenceKind, Status, Verdict
from auditor.report.labels import count_parts, declared_label, disagreements, waiver_label
from auditor.rerun.models import RerunResult
from checklist import Checklist

STATUS_STYLE = {
    Status.PASS: ("✔ pass", "green"),
    Status.PARTIAL: ("◐ partial", "yellow"),
    Status.FAIL: ("✘ fail", "red"),
    Status.NOT_APPLICABLE: ("– n/a", "dim"),
    Status.NEEDS_REVIEW: ("? review", "magenta"),
}


def rerun_lines(rerun: RerunResult) -> list[str]:
    """A few lines on the re-run: runs, isolation, determinism, spread, claims, time."""
    counts = ", ".join(f"{n} {s}" for s, n in sorted(rerun.totals.by_status.items()))
    if rerun.totals.cached:
        counts += f" ({rerun.totals.cached} from the cache)"
    lines = [
        f"Re-run: `{rerun.command}` · seeds {list(rerun.seeds)} × {rerun.repeats} · {counts}"
        f" · isolation: {rerun.isolation.kind} · {rerun.timing.total_wall_seconds:.1f} s",
    ]
    deterministic = {True: "yes", False: "NO", None: "not tested"}[rerun.deterministic]
    lines.append(f"  same seed, same result: {deterministic}")
    for m in rerun.metrics:
        if m.mean is not None:
            std = f" ± {m.std:.4g}" if m.std is not None else ""
            lines.append(
                f"  {m.name}: {m.mean:.4g}{std} over {m.n_seeds} seeds "
                f"(min {m.min:.4g}, max {m.max:.4g})"
            )
    for c in rerun.claims:
        lines.append(f"  claim {c.metric} = {c.claimed:g}: {c.verdict} ({c.reason})")
    lines += [f"  warning: {w}" for w in rerun.warnings]
    return lines


def read_note_lines(report: AuditReport, limit: int = 5) -> list[str]:
    """Files read in a degraded way (repaired Python 2, tokens only, Latin-1, unreadable)."""
    by_mode: dict[str, list[str]] = {}
    for note in report.facts.read_notes:
        by_mode.setdefault(str(note.mode), []).append(note.path)
    labels = {"repaired": "read after rewriting Python 2 idioms", "tokens": "read as tokens only",
              "latin-1": "not UTF-8, read as Latin-1", "error": "unreadable"}  # fmt: skip
    lines = []
    for mode, paths in sorted(by_mode.items()):
        shown = ", ".join(paths[:limit]) + (
            f" and {len(paths) - limit} more" if len(paths) > limit else ""
        )
        lines.append(f"{len(paths)} file(s) {labels.get(mode, mode)}: {shown}")
    return lines


def describe_evidence(ev: Evidence) -> str:
    """One short line for a piece of evidence."""
    if ev.kind is EvidenceKind.ABSENCE:
        return f"not found: {ev.note or ''}".strip()
    where = f"{ev.path}:{ev.line}" if ev.path and ev.line else (ev.path or "")
    what = (ev.snippet or ev.note or "").strip().splitlines()
    return f"{where} {what[0][:70]}".strip() if what else where


def render_text(
    report: AuditReport, checklist: Checklist, width: int = 120, color: bool = False
) -> str:
    """The verdict table as plain or coloured text."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
    )
    target = report.target
    commit = (target.commit or "no commit")[:12] + (" (dirty)" if target.dirty else "")
    console.print(
        f"nas-audit {report.tool.version} · {escape(target.source)} @ {commit} · "
        f"{report.checklist.id}",
        markup=True,
    )
    for verdict, declaration in disagreements(report):
        console.print(
            f"[bold red]! {escape(verdict.id)} declared {escape(declared_label(declaration))}:[/] "
            f"{escape(declaration.message)}",
            markup=True,
        )
    console.print(_table(report))
    for verdict in report.items:
        if verdict.waiver is not None:
            console.print(escape(f"{verdict.id} {waiver_label(verdict.waiver)}"), markup=True)
    if report.rerun is not None:
        for line in rerun_lines(report.rerun):
            console.print(escape(line), markup=True)
    for line in read_note_lines(report):
        console.print(escape(line), markup=True)
    console.print(
        escape(", ".join(count_parts(report)))
        + f" · {sum(report.files_by_kind.values())} files read, "
        f"{len(report.skipped)} skipped · {report.duration_seconds:.2f} s",
        markup=True,
    )
    del checklist
    # NOTE: rich pads wrapped lines with a space; golden files and diffs want none.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _status_cell(verdict: Verdict) -> str:
    label, style = STATUS_STYLE[verdict.status]
    return f"[{style}]{label}[/]" + ("\n[dim]waived[/]" if verdict.waiver else "")


def _table(report: AuditReport) -> Table:
    declared = any(v.declaration is not None for v in report.items)
    table = Table(show_lines=False, expand=False, pad_edge=False)
    table.add_column("Item", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    if declared:
        table.add_column("Declared", no_wrap=True)
    table.add_column("Summary", ratio=3)
    table.add_column("Top evidence", ratio=2)
    for verdict in report.items:
        top = describe_evidence(verdict.evidence[0]) if verdict.evidence else ""
        cells = [escape(verdict.id), _status_cell(verdict)]
        if declared:
            decl = verdict.declaration
            cells.append(escape(declared_label(decl)) if decl else "")
        table.add_row(*cells, escape(verdict.summary), escape(top))
    return table
