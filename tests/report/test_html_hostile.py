"""A repository that tries to inject markup: the HTML report shows every payload as text and
holds nothing that could run or load, and the Markdown table keeps its columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from report.hostile import MARK, SCRIPT, active_markup, audit_hostile


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("hostile")
    return audit_hostile(base / "repo", base / "out")


def test_payloads_reach_the_report(outputs: dict[str, Path]) -> None:
    """Guard for the other tests: the payloads are in evidence, names and notes; the remote
    with markup gives no permalinks at all (auditor.target refuses it)."""
    report = json.loads(outputs["json"].read_text())
    snippets = [e.get("snippet") or "" for v in report["items"] for e in v["evidence"]]
    assert sum(SCRIPT in s for s in snippets) >= 20
    assert any(MARK in (e.get("path") or "") for v in report["items"] for e in v["evidence"])
    assert MARK in report["target"]["remote"] and report["target"]["permalink_base"] is None
    assert MARK in report["items"][-3]["waiver"]["note"]  # D1
    assert any(MARK in log["path"] and log["curve"] for log in report["facts"]["logs"])


def test_html_shows_payloads_as_text_only(outputs: dict[str, Path]) -> None:
    html = outputs["html"].read_text()
    assert active_markup(html) == []
    assert str(escape(SCRIPT)) in html  # shown, escaped
    assert html.count(MARK) > 50
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("#", "https://")) for h in hrefs)


def test_markdown_table_keeps_its_columns(outputs: dict[str, Path]) -> None:
    markdown = outputs["md"].read_text()
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 16  # header, rule, one row per item

    def columns(row: str) -> int:
        return len(re.findall(r"(?<!\\)\|", row))

    assert {columns(row) for row in rows} == {columns(rows[0])}
    assert MARK in markdown  # the payloads are there, escaped
    assert not re.search(r"<(?!br>)", markdown)  # no raw tag besides line breaks
    targets = re.findall(r"(?<!\\)\]\(([^)\s]*)", markdown)
    assert all(t.startswith("https://") for t in targets)  # no javascript: link
    assert SCRIPT not in markdown
