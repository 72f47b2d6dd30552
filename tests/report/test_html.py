"""The HTML report: golden file of the canonical report, what each part shows, escaping and
links, bounds, determinism, and that matplotlib stays unloaded when nothing is plotted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape

from auditor.facts import Evidence, EvidenceKind, LogRun
from auditor.models import AuditReport, Status
from auditor.report import OutputFormat, get_renderer
from auditor.report.highlight import MAX_LINE_CHARS, MAX_LINES
from auditor.report.html import CONTENT_SECURITY_POLICY, render_html
from auditor.report.html_view import MAX_EVIDENCE, MAX_ROWS
from checklist import load_checklist
from report.canonical import canonical_report
from report.golden import assert_golden
from report.hostile import active_markup

CHECKLIST = load_checklist("lindauer-hutter-2020")
SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)


def html_of(report: AuditReport) -> str:
    return render_html(report, CHECKLIST)


def card(html: str, item_id: str) -> str:
    """The <article> of one item."""
    match = re.search(rf'<article class="[^"]*" id="item-{item_id}">.*?</article>', html, re.S)
    assert match, item_id
    return match.group(0)


@pytest.fixture(scope="module")
def canonical_html() -> str:
    return html_of(canonical_report())


def test_golden(request: pytest.FixtureRequest, canonical_html: str) -> None:
    # NOTE: the plots' SVG depends on the matplotlib version; test_plots checks it instead
    normalised = SVG_RE.sub("<svg><!-- plot --></svg>", canonical_html)
    assert_golden(request, "report.html", normalised)


def test_get_renderer_gives_html() -> None:
    assert get_renderer(OutputFormat.HTML) is render_html


def test_rendering_is_deterministic(canonical_html: str) -> None:
    assert html_of(canonical_report()) == canonical_html


def test_one_self_contained_file(canonical_html: str) -> None:
    assert canonical_html.startswith("<!DOCTYPE html>")
    assert f'content="{CONTENT_SECURITY_POLICY}"' in canonical_html.replace("&#39;", "'")
    assert "<script" not in canonical_html.lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", canonical_html)
    assert not re.search(r'\ssrc="', canonical_html)
    assert "@media print" in canonical_html


def test_header_says_what_was_audited(canonical_html: str) -> None:
    report = canonical_report()
    head = canonical_html.split("</header>", 1)[0]
    assert report.target.commit is not None
    tree = f"https://github.com/example/tiny-nas/tree/{report.target.commit}/"
    assert f'<a href="{tree}"' in head
    assert "2026-11-27 12:00:00 UTC" in head and "took 14.2 s" in head
    assert "nas-audit 0.0.0-golden" in head


def test_every_item_has_a_card_with_status_text_and_icon(canonical_html: str) -> None:
    report = canonical_report()
    words = {"pass": "pass", "partial": "partial", "fail": "fail"}
    for verdict in report.items:
        text = card(canonical_html, verdict.id)
        item = CHECKLIST.item(verdict.id)
        assert escape(item.question) in text
        assert re.search(r'<span class="icon" aria-hidden="true">[^<]+</span> \w', text)
        assert words.get(verdict.status.value, "") in text
        needs_action = verdict.status in {Status.FAIL, Status.PARTIAL, Status.NEEDS_REVIEW}
        assert (escape(item.remediation) in text) is needs_action, verdict.id
    assert canonical_html.count('<article class="card') == 16


def test_sections_use_checklist_titles_and_counts(canonical_html: str) -> None:
    summary = canonical_html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    for section in CHECKLIST.sections:
        assert f'<a href="#section-{section.id}">{section.title}</a>' in summary
    # all items: 6 pass, 4 partial, 3 fail, 1 n/a, 2 needs review, 2 waived
    total = re.search(r"All items</th>((?:<td[^>]*>\d+</td>)+)", summary)
    assert total is not None
    assert re.findall(r">(\d+)<", total.group(1)) == ["6", "4", "3", "1", "2", "2"]


def test_waived_items_keep_status_and_evidence(canonical_html: str) -> None:
    d1 = card(canonical_html, "D1")
    assert "b-fail" in d1 and "waived" in d1
    assert "Waived (accepted):</strong> defaults from the DARTS paper | untuned" in d1
    assert "no tuning of hyperparameters is described" in d1  # its evidence is still shown
    assert "Waived (not-applicable)" in card(canonical_html, "C6")


def test_contradicted_answers_come_first(canonical_html: str) -> None:
    main = canonical_html.split("<main>", 1)[1]
    assert main.lstrip().startswith('<section class="alert" id="contradicted">')
    alert = main.split("</section>", 1)[0]
    assert alert.index('href="#item-R4"') < alert.index('href="#item-C2"')  # contradicted first
    r4 = card(canonical_html, "R4")
    assert "Declared:</strong> yes" in r4 and "b-contradicted" in r4
    assert "<code>search_space.py</code>" in r4


def test_no_contradiction_block_without_disagreements() -> None:
    report = canonical_report()
    items = tuple(v.model_copy(update={"declaration": None}) for v in report.items)
    html = html_of(report.model_copy(update={"items": items}))
    assert 'id="contradicted"' not in html and "Declared answers:" not in html


def test_evidence_permalinks_and_numbered_snippets(canonical_html: str) -> None:
    r1 = card(canonical_html, "R1")
    assert (
        '<a class="permalink" href="https://github.com/example/tiny-nas/blob/'
        '0123456789abcdef0123456789abcdef01234567/train.py#L42"' in r1
    )
    assert '<span class="linenos">42</span>' in r1 and '<span class="linenos">43</span>' in r1
    assert '<span class="k">for</span>' in r1  # highlighted as Python
    assert "<code>scripts/run_final.sh:3</code>" in r1  # no permalink: plain text
    r4 = card(canonical_html, "R4")
    assert "not found" in r4 and "<code>PRIMITIVES lists</code>" in r4


def test_rerun_block(canonical_html: str) -> None:
    rerun = canonical_html.split('<section id="rerun">', 1)[1].split("</section>", 1)[0]
    assert "python train.py --arch DARTS_TINY --seed {seed} --epochs {epochs}" in rerun
    assert "[76, 82.66]" in rerun and "78.665 ± 0.9405 (2)" in rerun  # claim vs reproduced
    assert "[70.2151, 87.1149]" in rerun  # the interval of the mean
    assert rerun.count("<tr><td><code>s") == 4  # runs table
    assert rerun.count("<svg") == 1  # seeds, interval and claim plotted
    assert html_of(canonical_report(rerun=False)).count("Not re-run") == 1


def test_learning_curves_and_environment(canonical_html: str) -> None:
    logs = canonical_html.split('<section id="logs">', 1)[1].split("</section>", 1)[0]
    assert logs.count("<svg") == 2  # test_acc and train_loss
    assert "2 with a learning curve" in logs
    env = canonical_html.split('<section id="environment">', 1)[1].split("</section>", 1)[0]
    assert "<code>2.13.0</code>" in env


def test_skipped_files_and_degraded_reads(canonical_html: str) -> None:
    skipped = canonical_html.split('<section id="skipped">', 1)[1].split("</section>", 1)[0]
    assert "2 files not read: 1 binary, 1 vendored" in skipped
    assert "<code>legacy/old_train.py:3</code>" in skipped


def _with_evidence(
    report: AuditReport, item_id: str, evidence: tuple[Evidence, ...]
) -> AuditReport:
    items = tuple(
        v.model_copy(update={"evidence": evidence}) if v.id == item_id else v for v in report.items
    )
    return report.model_copy(update={"items": items})


def test_only_http_urls_become_links() -> None:
    hostile = (
        Evidence(kind=EvidenceKind.CODE, path="a.py", line=1, url="javascript:alert(1)"),
        Evidence(kind=EvidenceKind.CODE, path="b.py", line=2, url="JavaScript:alert(2)"),
        Evidence(kind=EvidenceKind.CODE, path="c.py", line=3, url='https://x.org/"><b>c</b>'),
    )
    html = html_of(_with_evidence(canonical_report(rerun=False), "R2", hostile))
    r2 = card(html, "R2")
    assert "javascript:" not in r2.lower()
    assert "<code>a.py:1</code>" in r2 and "<code>b.py:2</code>" in r2
    assert 'href="https://x.org/%22%3E%3Cb%3Ec%3C/b%3E"' in r2
    assert "<b>" not in r2


def test_evidence_and_snippets_are_bounded() -> None:
    tall = "\n".join(f"x{i} = {i}" for i in range(40))
    wide = "y" * 5000
    many = tuple(
        Evidence(kind=EvidenceKind.CODE, path=f"f{i}.py", line=i + 1, snippet=wide if i else tall)
        for i in range(30)
    )
    html = html_of(_with_evidence(canonical_report(rerun=False), "R2", many))
    r2 = card(html, "R2")
    assert r2.count('<div class="hl">') == MAX_EVIDENCE
    assert f"… and {30 - MAX_EVIDENCE} more" in r2
    first = r2.split('<div class="hl">')[1]
    assert first.count('<span class="linenos">') == MAX_LINES
    assert "… 28 more lines" in first
    assert {len(run) for run in re.findall("yy+", r2)} == {MAX_LINE_CHARS - 1}
    assert len(html) < 200_000


def test_runs_and_logs_tables_are_bounded() -> None:
    report = canonical_report()
    assert report.rerun is not None
    runs = tuple(
        report.rerun.runs[0].model_copy(update={"run_id": f"s{i}-r0", "seed": i})
        for i in range(MAX_ROWS + 50)
    )
    rerun = report.rerun.model_copy(update={"runs": runs})
    report.facts.logs = [
        LogRun(path=f"logs/{i}.log", line=1, format="text", curve={"loss": [3.0, 2.0, 1.0]})
        for i in range(MAX_ROWS + 20)
    ]
    html = html_of(report.model_copy(update={"rerun": rerun}))
    assert html.count("<tr><td><code>s") == MAX_ROWS
    assert "… and 50 more runs" in html and "… and 20 more logged runs" in html
    assert "first 10 of 120 runs" in html  # the learning-curve plot draws ten of them


def test_matplotlib_is_not_imported_without_plots(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.path[:0] = ['tests']\n"
        "from report.canonical import canonical_report\n"
        "from auditor.report.html import render_html\n"
        "from checklist import load_checklist\n"
        "report = canonical_report(rerun=False)\n"
        "report.facts.logs.clear()\n"
        "html = render_html(report, load_checklist('lindauer-hutter-2020'))\n"
        "assert '<article' in html\n"
        "print(sorted(m for m in ('matplotlib', 'numpy') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == "[]"


def test_cli_writes_one_html_file(tmp_path: Path) -> None:
    from builders import make_repo
    from nasfixtures import compliant_files

    from auditor.cli import main

    root = make_repo(tmp_path / "repo", compliant_files())
    out = tmp_path / "report.html"
    assert main(["audit", str(root), "--format", "html", "--output", str(out), "-q"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count('<article class="card') == 16
    assert 'href="https://github.com/example/nas-repo/blob/' in html  # permalinks
    assert active_markup(html) == []
