"""Golden files: every format of the canonical report, byte for byte. After an intended change,
`pytest tests/report --update-golden` rewrites them and the diff is reviewed like code."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.models import AuditReport
from auditor.report import OutputFormat, get_renderer
from auditor.report.terminal import render_text
from checklist import Checklist, load_checklist
from report import golden
from report.canonical import canonical_report

CHECKLIST = load_checklist("lindauer-hutter-2020")


def _text(report: AuditReport, checklist: Checklist) -> str:
    return render_text(report, checklist, width=110, color=False)


FORMATS: dict[str, Callable[[AuditReport, Checklist], str | bytes]] = {
    "report.txt": _text,
    "report.json": get_renderer(OutputFormat.JSON),
    "report.md": get_renderer(OutputFormat.MARKDOWN),
    "report.sarif": get_renderer(OutputFormat.SARIF),
    "report.tex": get_renderer(OutputFormat.LATEX),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_golden(request: pytest.FixtureRequest, name: str) -> None:
    rendered = FORMATS[name](canonical_report(), CHECKLIST)
    assert rendered == FORMATS[name](canonical_report(), CHECKLIST), "output is not deterministic"
    text = rendered.decode("utf-8") if isinstance(rendered, bytes) else rendered
    golden.assert_golden(request, name, text)


def test_every_format_but_html_has_a_golden_file() -> None:
    """A new format gets a golden file here (HTML has its own test module)."""
    covered = {name.rsplit(".", 1)[1] for name in FORMATS} | {"html"}
    assert {f.extension for f in OutputFormat} <= covered


def test_renderers_need_no_engine_or_probes() -> None:
    """Renderers get the model: importing them pulls in neither the engine nor the probes."""
    code = (
        "import sys\n"
        "import auditor.report.terminal, auditor.report.json, auditor.report.markdown\n"
        "import auditor.report.sarif, auditor.report.latex\n"
        "bad = [m for m in sys.modules if m.startswith(('auditor.engine', 'auditor.probes',"
        " 'auditor.checks', 'auditor.rerun.executor', 'git'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


class _Config:
    def __init__(self, update: bool) -> None:
        self.update = update

    def getoption(self, name: str) -> bool:
        assert name == "--update-golden"
        return self.update


class _Request:
    def __init__(self, update: bool) -> None:
        self.config = _Config(update)


def test_update_golden_option_is_wired(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The option exists, --update-golden writes the file, and without it a change fails."""
    assert request.config.getoption("--update-golden") in (True, False)
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        golden.assert_golden(_Request(update=False), "x.txt", "one\n")  # type: ignore[arg-type]
    golden.assert_golden(_Request(update=True), "x.txt", "one\n")  # type: ignore[arg-type]
    assert (tmp_path / "x.txt").read_text() == "one\n"
    golden.assert_golden(_Request(update=False), "x.txt", "one\n")  # type: ignore[arg-type]
    with pytest.raises(pytest.fail.Exception, match="differs from its golden file"):
        golden.assert_golden(_Request(update=False), "x.txt", "two\n")  # type: ignore[arg-type]


def test_every_agreement_has_a_label_an_icon_and_a_canonical_example() -> None:
    from auditor.models import Agreement
    from auditor.report.html_view import AGREEMENT_ICON
    from auditor.report.labels import AGREEMENT_LABEL
    from report.canonical import DECLARATIONS

    assert set(AGREEMENT_LABEL) == set(AGREEMENT_ICON) == set(Agreement)
    assert {d.agreement for d in DECLARATIONS.values()} == set(Agreement)
