"""A hostile fixture repository: its file names, README, code comments, log lines, remote URL
and nas-audit.yaml notes try to inject markup, scripts and `javascript:` links, and to break
Markdown tables with `|`. Every report format must show all of it as inert text.

The repository is the compliant DARTS-like fixture of tests/e2e with a payload appended to
every line, so the payload reaches the evidence snippets of nearly every item.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from builders import make_repo
from nasfixtures import compliant_files

MARK = "PWNED"
SCRIPT = f"<script>document.title='{MARK}'</script>"
IMG = f"<img src=x onerror=\"document.title='{MARK}'\">"
SVG = f"<svg onload=\"document.title='{MARK}'\">"
JS_URL = f"javascript:document.title='{MARK}'"
PIPES = "a | b || c"
PAYLOAD = f'{SCRIPT} {IMG} {SVG} [run]({JS_URL}) <a href="{JS_URL}">x</a> {PIPES}'
# a remote whose permalinks would carry markup; a file name cannot contain '/'
REMOTE = f'https://github.com/example/evil"><img src=x onerror="document.title=\'{MARK}\'">'
NAME = f"<img src=x onerror=document.title='{MARK}'>|"


def _tag_lines(text: str, comment: str) -> str:
    """Each non-blank line with the payload appended after a comment marker."""
    return "".join(
        f"{line}  {comment} {PAYLOAD}\n" if line.strip() else "\n" for line in text.splitlines()
    )


def hostile_files() -> dict[str, str]:
    """The compliant fixture with payloads in code, README, logs, names and nas-audit.yaml."""
    files: dict[str, str] = {}
    for path, text in compliant_files().items():
        if path.endswith(".py"):
            files[path] = _tag_lines(text, "#")
        elif path.endswith(".md"):
            table = f"\n| col | {PIPES} |\n|---|---|\n| {PAYLOAD} | x |\n"
            files[path] = _tag_lines(text, "") + table
        elif path.endswith(".log"):
            files[path] = "".join(f"{line} {PAYLOAD}\n" for line in text.splitlines())
        else:
            files[path] = text
    files[f"logs/seed2{NAME}.log"] = files.pop("logs/seed1.log")
    files[f"train_extra{NAME}.py"] = files["train.py"]
    files[f"scripts/run{NAME}.sh"] = files.pop("scripts/run_all.sh")
    quoted_img = IMG.replace('"', '\\"')
    files["nas-audit.yaml"] = (
        "answers:\n"
        f'  R1: {{answer: yes, where: [train.py], justification: "{SCRIPT}"}}\n'
        f'  R2: {{answer: yes, where: ["missing{NAME}.py"], justification: "{PIPES}"}}\n'
        "waive:\n"
        f'  D1: {{reason: accepted, note: "{quoted_img} {PIPES}"}}\n'
    )
    return files


def build_hostile_repo(root: Path) -> Path:
    """Write and commit the hostile repository under root (with a hostile origin remote)."""
    return make_repo(root, hostile_files(), remote=REMOTE)


def audit_hostile(root: Path, out: Path) -> dict[str, Path]:
    """Build the repository and audit it through the CLI into JSON, HTML and Markdown files
    (the CLI also applies the declared answers and waivers of nas-audit.yaml)."""
    from auditor.cli import main

    build_hostile_repo(root)
    code = main(["audit", str(root), "-f", "json,html,markdown", "--output-dir", str(out), "-q"])
    assert code == 0, code
    return {ext: out / f"nas-audit-report.{ext}" for ext in ("json", "html", "md")}


class _Tags(HTMLParser):
    """Start tags and their attributes, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


ACTIVE_TAGS = frozenset({"script", "iframe", "object", "embed", "img", "link", "base", "form"})


def active_markup(html: str) -> list[str]:
    """Whatever in a page could run or load something: script-like or loading tags, event
    handler attributes, links that are neither in-page nor http(s). Empty for a safe page."""
    parser = _Tags()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.tags:
        if tag in ACTIVE_TAGS:
            problems.append(f"<{tag}> {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "xlink:href", "src", "action"} and not (value or "").startswith(
                ("#", "https://", "http://")
            ):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems
