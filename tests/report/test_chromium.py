"""The HTML report in a real browser: Debian's headless Chromium loads it, takes a screenshot
and dumps the DOM after load. No console message (a Content-Security-Policy violation would be
one), every item in the DOM, and nothing from a hostile repository runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.report.html import render_html
from checklist import load_checklist
from report.canonical import canonical_report
from report.hostile import MARK, active_markup, audit_hostile

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (`make system-deps` installs it)"
)
CONSOLE_RE = re.compile(r":CONSOLE[(:]\d*[)\]]?\]?\s*(.*)")
ITEMS = [item.id for item in load_checklist("lindauer-hutter-2020").items]


@dataclass(frozen=True)
class Page:
    """What Chromium made of a file: the DOM after load, console messages, a screenshot."""

    dom: str
    console: list[str]
    screenshot: Path

    @property
    def title(self) -> str:
        match = re.search(r"<title>(.*?)</title>", self.dom, re.S)
        return match.group(1) if match else ""


def open_in_chromium(page: Path, work: Path) -> Page:
    """Load `page` in headless Chromium (its own profile), dump the DOM, take a screenshot."""
    assert CHROMIUM is not None
    shot = work / f"{page.stem}.png"
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={work / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,4000",
            f"--screenshot={shot}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [m.group(1) for line in result.stderr.splitlines() if (m := CONSOLE_RE.search(line))]
    return Page(dom=result.stdout, console=console, screenshot=shot)


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000


@needs_chromium
def test_harness_sees_scripts_and_console(tmp_path: Path) -> None:
    """The checks below can fail: an unprotected page that runs a script is caught."""
    page = tmp_path / "unsafe.html"
    page.write_text(
        "<!DOCTYPE html><title>t</title><p>x</p>"
        f"<script>console.error('boom'); document.title = '{MARK}'</script>"
    )
    seen = open_in_chromium(page, tmp_path)
    assert seen.title == MARK
    assert any("boom" in message for message in seen.console)
    assert active_markup(seen.dom)


@needs_chromium
def test_canonical_report_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(canonical_report(), load_checklist("lindauer-hutter-2020")))
    seen = open_in_chromium(page, tmp_path)
    assert seen.console == []
    assert seen.title == "nas-audit: https://github.com/example/tiny-nas"
    assert re.findall(r'<article class="card[^"]*" id="item-(\w+)"', seen.dom) == ITEMS
    assert seen.dom.count("<svg") == 3  # two learning curves, one re-run plot
    assert_png(seen.screenshot)


@needs_chromium
def test_hostile_report_runs_nothing(tmp_path: Path) -> None:
    files = audit_hostile(tmp_path / "repo", tmp_path / "out")
    seen = open_in_chromium(files["html"], tmp_path)
    assert seen.console == []  # an injected script, handler or image would violate the CSP
    assert MARK not in seen.title
    assert active_markup(seen.dom) == []
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in seen.dom
    assert len(re.findall(r'<article class="card[^"]*" id="item-', seen.dom)) == 16
    assert_png(seen.screenshot)
