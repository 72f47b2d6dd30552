"""Plots of the HTML report: matplotlib SVG that is deterministic, escaped, free of repeated
ids, and drawn only from data the report holds."""

from __future__ import annotations

import re

from auditor.facts import LogRun
from auditor.report.plots import MAX_PLOTS, curve_groups, learning_curve_plots, rerun_plots
from report.canonical import canonical_report


def texts(svg: str) -> list[str]:
    """The text of every <text> element (fonts are kept as text, not paths)."""
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)


def test_learning_curves_of_the_canonical_logs() -> None:
    plots = learning_curve_plots(canonical_report().facts.logs)
    assert [p.caption for p in plots] == [
        "test_acc per epoch in the committed logs",
        "train_loss per epoch in the committed logs",
    ]
    labels = texts(plots[0].svg)
    assert "logs/train/seed0.log (seed 0)" in labels and "epoch" in labels
    assert plots[0].svg.startswith("<svg") and "<?xml" not in plots[0].svg
    assert "dc:date" not in plots[0].svg and "Matplotlib v" not in plots[0].svg


def test_plots_are_deterministic_and_ids_unique_per_page() -> None:
    report = canonical_report()
    assert report.rerun is not None
    first = learning_curve_plots(report.facts.logs) + rerun_plots(report.rerun)
    second = learning_curve_plots(report.facts.logs) + rerun_plots(report.rerun)
    assert [p.svg for p in first] == [p.svg for p in second]
    ids = [i for p in first for i in re.findall(r' id="([^"]+)"', p.svg)]
    assert ids and len(ids) == len(set(ids))
    for plot in first:  # every remaining id is referenced inside its own figure
        for found in re.findall(r' id="([^"]+)"', plot.svg):
            assert f"#{found}" in plot.svg


def test_rerun_plot_rows() -> None:
    rerun = canonical_report().rerun
    assert rerun is not None
    (plot,) = rerun_plots(rerun)
    labels = texts(plot.svg)
    assert {"seed 0", "seed 1", "mean, 95% CI", "claimed (reproduced)"} <= set(labels)
    assert "test_acc" in labels


def test_labels_from_the_repository_are_escaped_and_literal() -> None:
    evil = "logs/<script>alert(1)</script>$x^2$.log"
    runs = [LogRun(path=evil, line=1, format="text", curve={"loss": [2.0, 1.0]})]
    (plot,) = learning_curve_plots(runs)
    assert "<script" not in plot.svg
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;$x^2$.log" in t for t in texts(plot.svg))


def test_nothing_to_plot() -> None:
    assert learning_curve_plots([LogRun(path="a.log", line=1, format="text")]) == []
    rerun = canonical_report().rerun
    assert rerun is not None
    assert rerun_plots(rerun.model_copy(update={"metrics": ()})) == []


def test_curve_groups_are_bounded_and_ranked() -> None:
    runs = [
        LogRun(
            path=f"{i}.log",
            line=1,
            format="text",
            curve={f"m{j}": [1.0, 2.0] for j in range(i % 9)},
        )
        for i in range(30)
    ]
    groups = curve_groups(runs)
    assert len(groups) == MAX_PLOTS
    assert [name for name, _ in groups][:2] == ["m0", "m1"]  # most runs first
    assert all(len(group) <= 10 for _, group in groups)
