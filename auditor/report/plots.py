"""Plots for the HTML report, drawn by matplotlib as inline SVG: learning curves from committed
logs, and the re-run's values per seed against its 95% interval and the claimed number.

Deterministic (a fixed hash salt per figure, no date, text kept as text) and bounded (a few
plots of a few lines each). matplotlib is imported only when there is something to plot, so a
report without curves or re-run never loads it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from auditor.facts import LogRun
from auditor.rerun.models import ClaimResult, MetricSummary, RerunResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_PLOTS = 4  # per kind: learning curves, re-run metrics
MAX_LINES_PER_PLOT = 10
MAX_SEED_ROWS = 20
MAX_LABEL_CHARS = 48


@dataclass(frozen=True)
class Plot:
    """One figure: its caption (plain text, escaped by the template) and its <svg> element."""

    caption: str
    svg: Markup


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else "…" + text[-(MAX_LABEL_CHARS - 1) :]


@contextmanager
def _figure(salt: str, width: float, height: float) -> Iterator[Figure]:
    """A figure drawn under fixed settings; the salt keeps element ids unique per figure.

    NOTE: margins are fixed rather than computed by a layout engine, which would lay out
    every figure twice (half the cost of a plot).
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {
            "svg.hashsalt": salt,
            "svg.fonttype": "none",  # text stays text: smaller, searchable, no glyph paths
            "text.parse_math": False,  # labels come from the repository: '$' is a dollar sign
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        yield Figure(figsize=(width, height))


def _svg(figure: Figure) -> Markup:
    """The figure as an <svg> element, without XML prolog, date or creator metadata.

    matplotlib escapes every text it writes, so the markup is safe to inline.
    """
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
    )
    text = buffer.getvalue()
    return Markup(_drop_unused_ids(text[text.index("<svg") :].strip()))


def _drop_unused_ids(svg: str) -> str:
    """Remove the group ids nothing refers to ('figure_1', 'axes_1', ...): every figure has
    them, and an HTML page must not repeat an id. Referenced ids are salted per figure."""
    used = set(_ID_REF_RE.findall(svg))
    return _ID_ATTR_RE.sub(lambda m: m.group(0) if m.group(1) in used else "", svg)


_ID_REF_RE = re.compile(r"#([^\s\"')]+)")
_ID_ATTR_RE = re.compile(r' id="([^"]*)"')


# ------------------------------------------------------------------------ learning curves


def curve_groups(logs: Sequence[LogRun]) -> list[tuple[str, list[LogRun]]]:
    """Metrics with a learning curve and the runs that have one (most runs first), bounded."""
    runs_by_metric: dict[str, list[LogRun]] = {}
    for log_run in logs:
        for name, values in log_run.curve.items():
            if len(values) >= 2:
                runs_by_metric.setdefault(name, []).append(log_run)
    ranked = sorted(runs_by_metric.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(name, runs[:MAX_LINES_PER_PLOT]) for name, runs in ranked[:MAX_PLOTS]]


def learning_curve_plots(logs: Sequence[LogRun]) -> list[Plot]:
    """One plot per metric: its value over epochs in each logged run."""
    plots = []
    for index, (metric, runs) in enumerate(curve_groups(logs)):
        with _figure(f"nas-audit-curve-{index}", 7.5, 3.0) as figure:
            figure.subplots_adjust(left=0.09, right=0.6, bottom=0.15, top=0.96)
            axes = figure.add_subplot()
            by_epoch = all(r.epochs for r in runs)
            for log_run in runs:
                values = log_run.curve[metric]
                xs = _positions(len(values), log_run.epochs if by_epoch else None)
                seed = f" (seed {log_run.seed})" if log_run.seed is not None else ""
                axes.plot(xs, values, marker="." if len(values) <= 50 else "", linewidth=1.2,
                          label=_label(log_run.path + seed))  # fmt: skip
            axes.set_xlabel("epoch" if by_epoch else "logged value (in log order)")
            axes.set_ylabel(metric)
            axes.grid(True, linewidth=0.4, alpha=0.5)
            axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7, frameon=False)
            svg = _svg(figure)
        total = sum(1 for r in logs if metric in r.curve)
        more = f" (first {len(runs)} of {total} runs)" if total > len(runs) else ""
        plots.append(Plot(caption=f"{metric} per epoch in the committed logs{more}", svg=svg))
    return plots


def _positions(n: int, epochs: int | None) -> list[float]:
    """x of n evenly thinned points: epochs 1..E when the run's epoch count is known."""
    if not epochs or n < 2:
        return [float(i + 1) for i in range(n)]
    return [1 + i * (epochs - 1) / (n - 1) for i in range(n)]


# ------------------------------------------------------------------------------- re-run


def _seed_values(rerun: RerunResult, metric: str) -> dict[int, list[float]]:
    """Each seed's values of a metric over its successful repeats."""
    out: dict[int, list[float]] = {}
    for run in rerun.runs:
        value = run.metrics.get(metric)
        if run.status == "ok" and value is not None and value.value is not None:
            out.setdefault(run.seed, []).append(value.value)
    return out


def rerun_plots(rerun: RerunResult) -> list[Plot]:
    """One plot per metric with values: every run per seed, the mean with its 95% interval,
    and each claim with its accepted range."""
    plots = []
    claims = list(rerun.claims)
    for index, summary in enumerate([m for m in rerun.metrics if m.n_values][:MAX_PLOTS]):
        seeds = _seed_values(rerun, summary.name)
        rows = sorted(seeds)[:MAX_SEED_ROWS]
        own = [c for c in claims if c.metric == summary.name]
        height = 0.9 + 0.3 * (len(rows) + 1 + len(own))
        with _figure(f"nas-audit-rerun-{index}", 7.5, height) as figure:
            figure.subplots_adjust(
                left=0.25, right=0.97, bottom=0.55 / height, top=1 - 0.1 / height
            )
            axes = figure.add_subplot()
            labels = _draw_rerun(axes, summary, seeds, rows, own)
            axes.set_yticks(range(len(labels)), labels)
            axes.invert_yaxis()
            axes.set_xlabel(summary.name)
            axes.grid(True, axis="x", linewidth=0.4, alpha=0.5)
            svg = _svg(figure)
        more = f"; first {len(rows)} of {len(seeds)} seeds" if len(seeds) > len(rows) else ""
        plots.append(
            Plot(
                caption=f"{summary.name}: each run by seed, the mean with its 95% interval"
                f"{' and the claimed value' if own else ''}{more}",
                svg=svg,
            )
        )
    return plots


def _draw_rerun(
    axes: Axes,
    summary: MetricSummary,
    seeds: dict[int, list[float]],
    rows: list[int],
    claims: list[ClaimResult],
) -> list[str]:
    """Draw the rows (seeds, mean, claims) on axes; return their labels, top to bottom."""
    labels = []
    for y, seed in enumerate(rows):
        axes.plot(seeds[seed], [y] * len(seeds[seed]), "o", color="tab:blue", markersize=5,
                  fillstyle="none")  # fmt: skip
        labels.append(f"seed {seed}")
    y = len(rows)
    if summary.mean is not None:
        low = summary.ci95_low if summary.ci95_low is not None else summary.mean
        high = summary.ci95_high if summary.ci95_high is not None else summary.mean
        axes.errorbar([summary.mean], [y], xerr=[[summary.mean - low], [high - summary.mean]],
                      fmt="D", color="black", capsize=4, markersize=5)  # fmt: skip
    labels.append("mean, 95% CI")
    for claim in claims:
        y += 1
        if claim.accepted_low is not None and claim.accepted_high is not None:
            axes.fill_betweenx([y - 0.3, y + 0.3], claim.accepted_low, claim.accepted_high,
                               color="tab:green", alpha=0.18, linewidth=0)  # fmt: skip
        xerr = None if claim.claimed_std is None else [[claim.claimed_std], [claim.claimed_std]]
        color = "tab:green" if claim.verdict == "reproduced" else "tab:red"
        axes.errorbar([claim.claimed], [y], xerr=xerr, fmt="s", color=color, capsize=4,
                      markersize=5)  # fmt: skip
        labels.append(_label(f"claimed ({claim.verdict.replace('_', ' ')})"))
    return labels
