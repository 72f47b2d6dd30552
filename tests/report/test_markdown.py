"""Markdown for PR comments: cells escaped, tables intact on hostile text, the whole comment
below GitHub's limit however much evidence a repository yields, waivers and declared answers
shown."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.models import AuditReport
from auditor.report.links import safe_url
from auditor.report.markdown import MAX_CHARS, md_cell, render_markdown
from checklist import load_checklist
from report.canonical import canonical_report
from report.checkers import assert_tables_intact, bare_pipes, table_rows
from report.nasty import hostile_report

CHECKLIST = load_checklist("lindauer-hutter-2020")


@given(st.text(max_size=600), st.integers(min_value=2, max_value=400))
@settings(max_examples=300, deadline=None)
def test_md_cell_is_one_bounded_inert_line(text: str, limit: int) -> None:
    cell = md_cell(text, limit)
    assert len(cell) <= limit
    assert "\n" not in cell and "\r" not in cell
    assert bare_pipes(cell) == 0
    without_breaks = cell.replace("<br>", "")
    assert "<" not in without_breaks and ">" not in without_breaks  # no raw HTML, no autolinks
    assert not re.search(r"(?<!\\)[\[\]`]", cell.replace("\\\\", "")), cell  # no links, no code
    assert not re.search(r"@(?!&#8203;)", cell), cell  # no mentions
    assert not re.search(r"(?<!\\)\$", cell.replace("\\\\", "")), cell  # no math
    assert not re.search("[\u202a-\u202e\u2066-\u2069\x00-\x1f]", cell)  # no bidi tricks
    if len(text.strip()) <= limit // 10 and "\n" not in text:
        assert not cell.endswith("…") or text.strip().endswith("…")  # short text is kept whole


def test_md_cell_keeps_snake_case_and_escapes_dunder() -> None:
    assert md_cell("py2_train.py") == "py2_train.py"
    assert md_cell("auditor/__init__.py") == "auditor/\\_\\_init\\_\\_.py"
    assert md_cell("- not a list") == "\\- not a list"
    assert md_cell("12. not a list") == "12\\. not a list"
    assert md_cell("0.1.0") == "0.1.0"


def test_safe_url_cannot_break_a_link_or_a_table() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://x/" + "a" * 2000) is None
    url = safe_url("https://github.com/o/r/blob/abc/a b|c).py#L3")
    assert url == "https://github.com/o/r/blob/abc/a%20b%7Cc%29.py#L3"


def test_canonical_shows_statuses_waivers_and_declarations() -> None:
    text = render_markdown(canonical_report(), CHECKLIST)
    assert_tables_intact(text)
    head = text.split("| Item |", 1)[0]
    # contradicted declarations come first, above the table, contradiction before path
    assert head.index("**R4** declared yes · contradicted") < head.index("**C2** declared partial")
    row = next(line for line in table_rows(text) if line.startswith("| D1 "))
    assert "❌ fail<br>waived" in row and "**Waived (accepted):** defaults" in row
    assert "no · acknowledged gap" in row
    assert "2 waived · 2 declared answers not backed" in head
    c7 = next(line for line in table_rows(text) if line.startswith("| C7 "))
    assert "](https://github.com/example/tiny-nas/blob/" in c7  # permalink as a link
    r5 = next(line for line in table_rows(text) if line.startswith("| R5 "))
    assert "](" not in r5  # no permalink, no link
    assert "**Re-run**" in text and "2 file(s) not read" in text


def test_without_declarations_there_is_no_declared_column() -> None:
    report = canonical_report(rerun=False)
    items = tuple(v.model_copy(update={"declaration": None}) for v in report.items)
    text = render_markdown(report.model_copy(update={"items": items}), CHECKLIST)
    assert "| Item | Status | Summary | Top evidence |" in text
    assert "Declared" not in text and "**Re-run**" not in text
    assert_tables_intact(text)


def test_hostile_text_keeps_the_table_intact() -> None:
    text = render_markdown(hostile_report(), CHECKLIST)
    assert_tables_intact(text)
    assert "<script>" not in text and "javascript:" not in text.replace("javascript:alert", "")
    assert "@octocat" not in text  # a zero-width space breaks the mention


@pytest.mark.parametrize(
    ("n_evidence", "length", "n_notes", "n_skipped"),
    [(2_000, 5_000, 500, 5_000), (50, 100_000, 10, 10)],
)
def test_huge_reports_stay_below_the_comment_limit(
    n_evidence: int, length: int, n_notes: int, n_skipped: int
) -> None:
    report = hostile_report(
        n_evidence=n_evidence, length=length, n_notes=n_notes, n_skipped=n_skipped
    )
    text = render_markdown(report, CHECKLIST)
    assert len(text) < MAX_CHARS
    assert_tables_intact(text)
    assert len(table_rows(text)) == 2 + len(report.items)  # every item still has its row


def test_a_checklist_of_hundreds_of_items_drops_rows_and_says_so() -> None:
    report = hostile_report(length=2_000)
    many = tuple(
        v.model_copy(update={"id": f"{v.id}x{i}"}) for i in range(40) for v in report.items
    )
    text = render_markdown(report.model_copy(update={"items": many}), CHECKLIST)
    assert len(text) < MAX_CHARS
    assert_tables_intact(text)
    omitted = int(re.search(r"… (\d+) more item\(s\)", text).group(1))  # type: ignore[union-attr]
    assert omitted + len(table_rows(text)) - 2 == len(many)


def test_markdown_is_deterministic_and_reads_no_clock() -> None:
    report: AuditReport = canonical_report()
    assert render_markdown(report, CHECKLIST) == render_markdown(report, CHECKLIST)
