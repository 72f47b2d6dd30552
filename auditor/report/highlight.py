"""Evidence snippets as syntax-highlighted HTML (pygments), numbered from the evidence's line.

Snippets come from untrusted files: they are clipped here, and pygments escapes every character
it emits, so the returned markup is safe to insert as is.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup

# NOTE: pygments ships no type hints (types-Pygments is not a dependency): its objects are Any
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from auditor.facts import Evidence, EvidenceKind

CSS_CLASS = "hl"
STYLE = "default"
MAX_LINES = 12
MAX_LINE_CHARS = 160
MAX_CHARS = 1500


def clip_lines(text: str) -> tuple[str, int]:
    """A snippet cut to MAX_LINES lines of MAX_LINE_CHARS characters (MAX_CHARS in all), and
    how many lines were left out."""
    lines = text.strip("\n").splitlines()
    kept = [ln if len(ln) <= MAX_LINE_CHARS else ln[: MAX_LINE_CHARS - 1] + "…" for ln in lines]
    kept = kept[:MAX_LINES]
    joined = "\n".join(kept)
    if len(joined) > MAX_CHARS:
        joined = joined[: MAX_CHARS - 1] + "…"
    return joined, len(lines) - joined.count("\n") - 1


# NOTE: a fixed table, not pygments' guess by file name: the guess scans every installed
# plugin's entry points, which costs more than rendering the whole report
LEXER_BY_SUFFIX = {
    ".py": "python",
    ".pyw": "python",
    ".ipynb": "python",  # notebook evidence is the code of a cell
    ".sh": "bash",
    ".bash": "bash",
    ".slurm": "bash",
    ".sbatch": "bash",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "json",
    ".toml": "toml",
    ".cfg": "ini",
    ".ini": "ini",
    ".md": "markdown",
    ".rst": "rst",
    ".tex": "latex",
}
LEXER_BY_NAME = {"makefile": "make", "dockerfile": "docker", "setup.py": "python"}


@lru_cache(maxsize=64)
def _lexer(alias: str) -> Any:
    return get_lexer_by_name(alias, stripnl=False, ensurenl=False)


def lexer_for(ev: Evidence) -> Any:
    """A lexer for the evidence's file: by its name, by its kind for code, else plain text."""
    name = (ev.path or "").rsplit("/", 1)[-1].lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    alias = LEXER_BY_NAME.get(name) or LEXER_BY_SUFFIX.get(suffix)
    if alias is None and ev.kind in {EvidenceKind.CODE, EvidenceKind.NOTEBOOK} and not suffix:
        alias = "python"
    return _lexer(alias or "text")


def highlight_snippet(ev: Evidence) -> Markup | None:
    """The evidence's snippet as a highlighted <div><pre>, lines numbered from ev.line."""
    if not ev.snippet or not ev.snippet.strip():
        return None
    formatter = HtmlFormatter(
        style=STYLE,
        cssclass=CSS_CLASS,
        linenos="inline" if ev.line else False,
        linenostart=ev.line or 1,
        wrapcode=True,
    )
    text, hidden = clip_lines(ev.snippet)
    code = Markup(highlight(text, lexer_for(ev), formatter))
    return code + Markup('<p class="more">… {} more lines</p>').format(hidden) if hidden else code


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The CSS rules of the highlighting style, scoped to the snippet class."""
    formatter = HtmlFormatter(style=STYLE, cssclass=CSS_CLASS)
    return str(formatter.get_style_defs(f".{CSS_CLASS}"))  # type: ignore[no-untyped-call]
