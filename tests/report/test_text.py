"""The terminal table: declared answers in their own column, contradictions above the table,
waivers below it, and text from the repository never read as rich markup."""

from __future__ import annotations

from auditor.report.terminal import describe_evidence, render_text
from checklist import load_checklist
from report.canonical import canonical_report
from report.nasty import hostile_report

CHECKLIST = load_checklist("lindauer-hutter-2020")


def test_declarations_and_waivers_are_shown() -> None:
    text = render_text(canonical_report(), CHECKLIST, width=140)
    head, table = text.split("┏", 1)
    assert "! R4 declared yes · contradicted: Declared yes" in head
    assert head.index("! R4") < head.index("! C2 declared partial · path not backed")
    assert "Declared" in table.splitlines()[1]
    d1 = [line for line in table.splitlines() if line.startswith(("│D1", "│    "))]
    assert any("waived" in line for line in d1)
    assert "D1 waived (accepted): defaults from the DARTS paper | untuned" in text
    assert "2 waived, 2 declared answers not backed" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_repository_text_is_not_markup() -> None:
    report = canonical_report(rerun=False)
    items = tuple(
        v.model_copy(update={"summary": "[bold red]x[/] [link=http://e]y[/link]"})
        for v in report.items
    )
    text = render_text(report.model_copy(update={"items": items}), CHECKLIST, width=200)
    assert "[bold red]x[/] [link=http://e]y[/link]" in text
    render_text(hostile_report(n_evidence=50, length=2_000), CHECKLIST, width=80, color=True)


def test_describe_evidence_without_a_path_has_no_leading_space() -> None:
    rerun = canonical_report().verdict("D2").evidence[0]
    assert describe_evidence(rerun) == "4 runs took 12.4 s in total on 2 cores"


def test_rerun_line_says_how_many_runs_came_from_the_cache() -> None:
    from auditor.report.terminal import rerun_lines

    rerun = canonical_report().rerun
    assert rerun is not None
    assert "4 ok · isolation" in rerun_lines(rerun)[0]
    cached = rerun.model_copy(update={"totals": rerun.totals.model_copy(update={"cached": 4})})
    assert "4 ok (4 from the cache) · isolation" in rerun_lines(cached)[0]
