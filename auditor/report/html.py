"""HTML: one self-contained file to attach to a review, open offline and print.

Jinja2 templates (templates/report.html.j2 and templates/html/*) with autoescaping and strict
undefined; inline CSS, inline SVG plots (matplotlib) and highlighted snippets (pygments); a
Content-Security-Policy that forbids scripts and every load. Pure: the report model and the
checklist in, the page out (no clock, no disk besides the templates).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from auditor.models import AuditReport, Status
from auditor.report import highlight, html_view
from auditor.report.labels import clip
from auditor.report.links import safe_url
from auditor.report.plots import Plot, learning_curve_plots, rerun_plots
from auditor.resources import templates_dir
from checklist import Checklist

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@lru_cache(maxsize=4)
def _environment(root: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(root),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(clip=clip, tail=html_view.tail, num=html_view.num, seconds=html_view.seconds)
    env.globals.update(
        badge=html_view.badge,
        safe_url=safe_url,
        snippet=highlight.highlight_snippet,
        max_evidence=html_view.MAX_EVIDENCE,
        max_rows=html_view.MAX_ROWS,
        max_list=html_view.MAX_LIST,
        statuses=list(Status),
        csp=CONTENT_SECURITY_POLICY,
    )
    return env


def _plots(report: AuditReport) -> tuple[list[Plot], list[Plot]]:
    """Learning curves and re-run plots (plots.py loads matplotlib only when there is data)."""
    curves = learning_curve_plots(report.facts.logs)
    rerun = rerun_plots(report.rerun) if report.rerun is not None else []
    return curves, rerun


def render_html(report: AuditReport, checklist: Checklist) -> str:
    """The whole report as one HTML page."""
    template = _environment(templates_dir()).get_template("report.html.j2")
    curves, reruns = _plots(report)
    return template.render(
        report=report,
        checklist=checklist,
        sections=html_view.sections(report, checklist),
        counts=report.counts(),
        waived=sum(v.waiver is not None for v in report.items),
        contradicted=html_view.contradicted(report),
        agreements=html_view.agreement_counts(report),
        started=html_view.when(report.started_at),
        tree_url=html_view.tree_url(report.target.permalink_base),
        curve_plots=curves,
        rerun_plots=reruns,
        curve_runs=[r for r in report.facts.logs if r.curve],
        pygments_css=Markup(highlight.stylesheet()),
    )
