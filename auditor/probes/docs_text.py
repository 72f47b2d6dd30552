"""Split Markdown and reStructuredText documents into sections of labelled lines.

Shared by the docs probe (topics per section) and the deps probe (version lines in setup
sections). Pure text processing: line numbers are 1-based and exact; HTML comments are blanked,
fenced and literal blocks are labelled "code" so prose patterns can skip them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

LineKind = Literal["prose", "code", "blank"]

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_HTML_HEADING = re.compile(r"^ {0,3}<h([1-6])\b[^>]*>(.*?)</h\1>\s*$", re.I)
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NOT_SETEXT_TEXT = re.compile(r"^\s*(?:[-*+>|]|\d+[.)]\s|#|<)")
_RST_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1+[ \t]*$")
_RST_CODE_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:code-block|code|sourcecode)::", re.I)
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:[\w:-]+::|_|\[|\|)")
_RST_COMMENT = re.compile(r"^\s*\.\.(?:\s|$)")
_RST_TARGET = re.compile(r"^\s*\.\.\s+(?:_|\|)")
_HTML_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class DocLine:
    """One line of a document: its 1-based number, raw text, visible text (comments blanked)."""

    number: int
    raw: str
    text: str
    kind: LineKind


@dataclass
class Section:
    """A heading (None for the preamble) and the lines up to the next heading."""

    heading: str | None
    line: int | None  # 1-based line of the heading text
    level: int
    lines: list[DocLine] = field(default_factory=list)


def is_rst(path: str) -> bool:
    """Whether a doc file is reStructuredText (by name: .rst, or Sphinx's .rst.txt)."""
    lower = path.lower()
    return lower.endswith((".rst", ".rst.txt", ".rest"))


def split_sections(text: str, rst: bool = False) -> list[Section]:
    """Sections of a Markdown (default) or reStructuredText document, in order."""
    raw = text.splitlines()
    visible = _blank_html_comments(raw)
    if rst:
        kinds = _rst_kinds(visible)
        headings = _rst_headings(visible, kinds)
    else:
        kinds = _md_kinds(visible)
        headings = _md_headings(visible, kinds)
    return _assemble(raw, visible, kinds, headings)


# ------------------------------------------------------------------------- comments, code


def _blank_html_comments(lines: list[str]) -> list[str]:
    """Lines with everything inside `<!-- ... -->` removed (comments may span lines)."""
    out: list[str] = []
    inside = False
    for line in lines:
        kept: list[str] = []
        rest = line
        while rest:
            if inside:
                end = rest.find("-->")
                if end < 0:
                    rest = ""
                else:
                    inside, rest = False, rest[end + 3 :]
            else:
                start = rest.find("<!--")
                if start < 0:
                    kept.append(rest)
                    rest = ""
                else:
                    kept.append(rest[:start])
                    inside, rest = True, rest[start + 4 :]
        out.append("".join(kept))
    return out


def _md_kinds(lines: list[str]) -> list[LineKind]:
    """Label Markdown lines: fenced code blocks are code (the fences themselves are markup)."""
    kinds: list[LineKind] = []
    fence: str | None = None
    for line in lines:
        match = _FENCE.match(line)
        if fence is not None:
            closing = (
                match is not None
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not line.strip()[len(match.group(1)) :].strip()
            )
            kinds.append("blank" if closing else "code")
            fence = None if closing else fence
        elif match and not (
            match.group(1)[0] == "`" and "`" in line.strip()[len(match.group(1)) :]
        ):
            fence = match.group(1)
            kinds.append("blank")
        else:
            kinds.append("prose" if line.strip() else "blank")
    return kinds


def _rst_kinds(lines: list[str]) -> list[LineKind]:
    """Label rST lines: literal blocks after `::` and code directives are code; comments blank."""
    kinds: list[LineKind] = []
    block_indent: int | None = None  # indentation of the line that opened a block
    block_kind: LineKind = "code"
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if block_indent is not None and (not line.strip() or indent > block_indent):
            kinds.append("blank" if not line.strip() else block_kind)
            continue
        block_indent = None
        if not line.strip():
            kinds.append("blank")
        elif _RST_CODE_DIRECTIVE.match(line):
            kinds.append("blank")  # the directive is markup; its indented body is the code
            block_indent, block_kind = indent, "code"
        elif _RST_TARGET.match(line):
            kinds.append("blank")
        elif _RST_COMMENT.match(line) and not _RST_DIRECTIVE.match(line):
            kinds.append("blank")
            block_indent, block_kind = indent, "blank"
        elif (
            line.rstrip().endswith("::")
            and not _RST_DIRECTIVE.match(line)
            and not _RST_ADORNMENT.match(line)
        ):
            kinds.append("prose")
            block_indent, block_kind = indent, "code"
        else:
            kinds.append("prose")
    return kinds


# ------------------------------------------------------------------------------ headings

Heading = tuple[int, int, str, set[int]]  # (line index, level, text, indexes it consumes)


def _md_headings(lines: list[str], kinds: list[LineKind]) -> list[Heading]:
    """ATX (`#`), setext (`===`/`---` underline) and single-line HTML `<hN>` headings."""
    out: list[Heading] = []
    for i, line in enumerate(lines):
        if kinds[i] != "prose":
            continue
        if match := _ATX.match(line):
            out.append((i, len(match.group(1)), (match.group(2) or "").strip(), {i}))
        elif match := _HTML_HEADING.match(line):
            title = _HTML_TAG.sub("", match.group(2)).strip()
            out.append((i, int(match.group(1)), title, {i}))
        elif (
            (match := _SETEXT.match(line))
            and len(match.group(1)) >= 2
            and i > 0
            and _setext_text(lines, kinds, i - 1)
            and (not out or out[-1][0] != i - 1)
        ):
            out.append(
                (i - 1, 1 if match.group(1)[0] == "=" else 2, lines[i - 1].strip(), {i - 1, i})
            )
    return out


def _setext_text(lines: list[str], kinds: list[LineKind], i: int) -> bool:
    """Whether line i can be the text of a setext heading (a lone paragraph line)."""
    line = lines[i]
    if kinds[i] != "prose" or not line.strip() or _NOT_SETEXT_TEXT.match(line):
        return False
    if len(line) - len(line.lstrip()) > 3 or _SETEXT.match(line):
        return False
    return i == 0 or not lines[i - 1].strip()


def _rst_headings(lines: list[str], kinds: list[LineKind]) -> list[Heading]:
    """Section titles: text underlined (optionally overlined) by one repeated punctuation mark."""
    out: list[Heading] = []
    styles: list[tuple[str, bool]] = []
    used: set[int] = set()
    for i in range(1, len(lines)):
        under = _RST_ADORNMENT.match(lines[i])
        if not under or i in used or kinds[i] != "prose" or kinds[i - 1] != "prose":
            continue
        title = lines[i - 1]
        over = i >= 2 and lines[i - 2].strip() == lines[i].strip() and i - 2 not in used
        if (
            _RST_ADORNMENT.match(title)
            or not title.strip()
            or not _rst_title_ok(lines, i - 1, over, len(lines[i].strip()))
        ):
            continue
        style = (under.group(1), over)
        if style not in styles:
            styles.append(style)
        consumed = {i - 2, i - 1, i} if over else {i - 1, i}
        used |= consumed
        out.append((i - 1, styles.index(style) + 1, title.strip(), consumed))
    return out


def _rst_title_ok(lines: list[str], t: int, over: bool, width: int) -> bool:
    """A title is preceded by a blank line (or overline) and its underline is long enough."""
    title = lines[t]
    if not over and (title[:1].isspace() or (t > 0 and lines[t - 1].strip())):
        return False
    return width >= len(title.strip()) or width >= 4


# ------------------------------------------------------------------------------ assembly


def _assemble(
    raw: list[str], visible: list[str], kinds: list[LineKind], headings: list[Heading]
) -> list[Section]:
    """Cut the labelled lines into sections at the heading lines (heading lines are not body)."""
    consumed: set[int] = set()
    starts: dict[int, tuple[int, str]] = {}
    for index, level, title, used in headings:
        consumed |= used
        starts[index] = (level, title)
    sections = [Section(heading=None, line=None, level=0)]
    for i, line in enumerate(raw):
        if i in starts:
            level, title = starts[i]
            sections.append(Section(heading=title, line=i + 1, level=level))
        elif i not in consumed:
            kind = kinds[i] if visible[i].strip() or kinds[i] == "code" else "blank"
            sections[-1].lines.append(DocLine(i + 1, line, visible[i], kind))
    if not sections[0].lines and len(sections) > 1:
        sections.pop(0)
    return sections


def paragraphs(section: Section) -> list[list[DocLine]]:
    """Runs of consecutive prose lines and runs of consecutive code lines."""
    out: list[list[DocLine]] = []
    current: list[DocLine] = []
    for line in section.lines:
        if current and line.kind != current[0].kind:
            out.append(current)
            current = []
        if line.kind != "blank":
            current.append(line)
    if current:
        out.append(current)
    return out


# ---------------------------------------------------------------------- version mentions

_VERSION_NAMES = {
    "python": "python",
    "pytorch": "torch",
    "torch": "torch",
    "torchvision": "torchvision",
    "tensorflow": "tensorflow",
    "tensorflow-gpu": "tensorflow",
    "tf": "tensorflow",
    "keras": "keras",
    "jax": "jax",
    "cuda": "cuda",
    "cudatoolkit": "cuda",
    "cudnn": "cudnn",
    "numpy": "numpy",
    "mxnet": "mxnet",
}
VERSION_MENTION = re.compile(
    r"(?<![\w.\-/])(?P<name>python|pytorch|torchvision|torch|tensorflow-gpu|tensorflow|tf|keras"
    r"|jax|cudatoolkit|cuda|cudnn|numpy|mxnet)"
    r"(?:(?:\s*\(\s*)?(?:\s*(?P<op>===|==|>=|<=|~=|!=|=|>|<|≥|≤)\s*v?|\s+v?|\s*v|-|(?<=\())"
    r"(?P<v1>\d+(?:\.\d+)*)"
    r"|(?P<v2>\d+\.\d+(?:\.\d+)*))(?P<tail>\.x|\.\*|\+)?(?!\w|[.-]\w)",
    re.I,
)


# "PyTorch 0.4 or above", "CUDA 10.1 and later": a floor, not a pin
_OPEN_ENDED = re.compile(r"\s*,?\s*(?:or|and)\s+(?:above|later|higher|newer|greater|up)\b", re.I)


@dataclass(frozen=True)
class VersionMention:
    """`PyTorch == 0.3.1` in prose: the package (import-style name), its spec, exact or not."""

    name: str
    spec: str
    pinned: bool


def version_mentions(text: str) -> list[VersionMention]:
    """Library/toolkit versions named in a line of prose ("Python >= 3.5.5, PyTorch 0.3.1").

    "0.4 or above" is a floor (`>=0.4`). A line that names two versions of one package
    ("pytorch 0.3.1 on the main branch, pytorch 1.0+ on the other") offers a choice, so it
    pins neither: one mention with both specs.
    """
    found: dict[str, list[VersionMention]] = {}
    for match in VERSION_MENTION.finditer(text):
        op = (match.group("op") or "").replace("≥", ">=").replace("≤", "<=")
        version = (match.group("v1") or match.group("v2")) + (match.group("tail") or "")
        name = _VERSION_NAMES[match.group("name").lower()]
        exact = "." in version or name == "cudnn"  # "Python 3" names a major version only
        floor = _OPEN_ENDED.match(text, match.end()) is not None
        if floor and op in {"", "=", "==", "==="}:
            op = ">="
        pinned = op in {"", "=", "==", "==="} and not match.group("tail") and exact
        found.setdefault(name, []).append(VersionMention(name, op + version, pinned))
    out: list[VersionMention] = []
    for name, mentions in found.items():
        specs = list(dict.fromkeys(m.spec for m in mentions))
        if len(specs) == 1:
            out.append(mentions[0])
        else:
            out.append(VersionMention(name, " or ".join(specs), pinned=False))
    return out
