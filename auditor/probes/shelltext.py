"""Where shell commands hide: scripts, Makefile recipes, Dockerfiles, README code blocks and
notebook `!` lines. Each source becomes blocks of numbered shell lines for `auditor.shell`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from auditor.lazyre import lazy_compile
from auditor.pyast import PyModule
from auditor.repo import Repo

Lines = list[tuple[int, str]]

# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository replays the commands found in its scripts and docs from the index cache
_FENCE_RE = lazy_compile(r"^\s{0,3}(`{3,}|~{3,})\s*\{?\.?([\w+-]*)")
_SHELL_LANGS = frozenset(
    {
        "",
        "bash",
        "sh",
        "shell",
        "console",
        "zsh",
        "shell-session",
        "sh-session",
        "shellsession",
        "terminal",
    }
)
_PROMPT_RE = lazy_compile(r"^\s*(?:\([\w.-]+\)\s*)?\$\s+(.*)$")
_INDENTED_PROMPT_RE = lazy_compile(r"^(?: {4,}|\t)\s*(?:\([\w.-]+\)\s*)?\$\s+(.*)$")
_RST_DIRECTIVE_RE = lazy_compile(
    r"^(\s*)\.\.\s+(?:code-block|code|sourcecode|prompt)::\s*"
    r"(bash|sh|shell|console|zsh|shell-session)\b"
)
_MAKE_VAR_RE = lazy_compile(r"^([A-Za-z_][\w.-]*)\s*(?:::?|\?|\+|!)?=\s*(.*)$")
_MAKE_REF_RE = lazy_compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
_DOCKER_RE = lazy_compile(r"^\s*(RUN|CMD|ENTRYPOINT|WORKDIR|ENV)\s+(.*)$", re.I)
_NB_BANG_RE = lazy_compile(r"^#\s*!\s*(.*)$")
_NB_RUN_RE = lazy_compile(r"^#\s*%run\s+(.*)$")
_NB_CELL_MAGIC_RE = lazy_compile(r"^#\s*%%(?:bash|sh|script\s+(?:bash|sh))\b")


@dataclass(frozen=True)
class Block:
    """Numbered shell lines from one file, the folder they run from, and how to resolve them."""

    path: str
    lines: Lines
    base: str  # the folder of the file ("" at the repository root)
    doc: bool = False  # README/docs/notebooks: no script-relative `$0` semantics


def doc_file_blocks(path: str, text: str) -> list[Block]:
    """The shell blocks of one README or docs file."""
    if not ("`" in text or "$ " in text or ".. " in text or "~~~" in text):
        return []
    return [Block(path, b, _parent(path), doc=True) for b in doc_blocks(text)]


def notebook_blocks(repo: Repo) -> list[Block]:
    """Shell lines of the notebooks (`!cmd`, `%run`, `%%bash` cells)."""
    out: list[Block] = []
    for path, module in repo.modules.items():
        if path.endswith(".ipynb"):
            lines = notebook_lines(module)
            if lines:
                out.append(Block(path, lines, _parent(path), doc=True))
    return out


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def shell_file_blocks(path: str, text: str) -> list[Block]:
    """The shell blocks of one script, Makefile or Dockerfile."""
    name = path.rpartition("/")[2].lower()
    numbered = list(enumerate(text.splitlines(), start=1))
    if name == "makefile" or name.endswith(".mk") or name == "gnumakefile":
        return makefile_blocks(path, numbered)
    if name == "dockerfile" or name.startswith("dockerfile."):
        return [Block(path, dockerfile_lines(numbered), _parent(path))]
    return [Block(path, numbered, _parent(path))]


def doc_blocks(text: str) -> list[Lines]:
    """Shell code blocks of Markdown/reST text: fenced, reST directives, indented `$ cmd`."""
    found: list[Lines] = []
    lines = text.splitlines()[:50_000]
    i = 0
    # NOTE: each pattern needs the text its `in` test looks for; most lines are prose
    while i < len(lines):
        line = lines[i]
        if ("```" in line or "~~~" in line) and (fence := _FENCE_RE.match(line)):
            end = _fence_end(lines, i, fence.group(1))
            if fence.group(2).lower() in _SHELL_LANGS:
                found.append(_prompted(list(enumerate(lines[i + 1 : end], start=i + 2))))
            i = end + 1
        elif ".." in line and (rst := _RST_DIRECTIVE_RE.match(line)):
            end = _indented_end(lines, i, len(rst.group(1)))
            found.append(_prompted(list(enumerate(lines[i + 1 : end], start=i + 2))))
            i = end
        elif "$" in line and (prompt := _INDENTED_PROMPT_RE.match(line)):
            found.append([(i + 1, prompt.group(1))])
            i += 1
        else:
            i += 1
    return [b for b in found if b]


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return j
    return len(lines)


def _indented_end(lines: list[str], start: int, indent: int) -> int:
    j = start + 1
    while j < len(lines) and (
        not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent
    ):
        j += 1
    return j


def _prompted(block: Lines) -> Lines:
    """Console blocks: keep only the commands after `$ ` prompts (the rest is output)."""
    prompted = [(n, m.group(1)) for n, line in block if (m := _PROMPT_RE.match(line))]
    return prompted if prompted else block


def makefile_blocks(path: str, numbered: Lines) -> list[Block]:
    """Recipe lines of each rule, with make variables expanded (`$$` becomes `$`)."""
    variables: dict[str, str] = {}
    out: list[Block] = []
    current: Lines = []
    for number, line in numbered:
        if line.startswith("\t"):
            body = line[1:].lstrip("@-+ ")
            body = _MAKE_REF_RE.sub(lambda m: variables.get(m.group(1), m.group(0)), body)
            current.append((number, body.replace("$$", "$")))
            continue
        if current:
            out.append(Block(path, current, _parent(path)))
            current = []
        if var := _MAKE_VAR_RE.match(line):
            variables[var.group(1)] = var.group(2).strip()
    if current:
        out.append(Block(path, current, _parent(path)))
    return out


def dockerfile_lines(numbered: Lines) -> Lines:
    """RUN/CMD/ENTRYPOINT as shell, WORKDIR as `cd`, ENV as `export`; other lines blank."""
    out: Lines = []
    continuing = False
    for number, line in numbered:
        if continuing:
            out.append((number, line))
        elif match := _DOCKER_RE.match(line):
            word, rest = match.group(1).upper(), match.group(2)
            if word in {"CMD", "ENTRYPOINT"} and rest.lstrip().startswith("["):
                rest = _exec_form(rest)
            prefix = {"WORKDIR": "cd ", "ENV": "export "}.get(word, "")
            out.append((number, prefix + rest))
        else:
            out.append((number, ""))
            continuing = False
            continue
        continuing = line.rstrip().endswith("\\")
    return out


def _exec_form(rest: str) -> str:
    try:
        words = json.loads(rest)
    except ValueError:
        return rest
    if not isinstance(words, list):
        return rest
    return " ".join("'" + str(w).replace("'", "") + "'" for w in words)


def notebook_lines(module: PyModule) -> Lines:
    """`!cmd` lines, `%run x.py` and `%%bash` cells of a notebook, at their .ipynb lines."""
    out: Lines = []
    in_cell_magic = False
    for index, line in enumerate(module.lines, start=1):
        if not line.strip():
            in_cell_magic = False
            continue
        if _NB_CELL_MAGIC_RE.match(line):
            in_cell_magic = True
        elif in_cell_magic:
            out.append((module.file_line(index), line))
        elif bang := _NB_BANG_RE.match(line):
            out.append((module.file_line(index), bang.group(1)))
        elif run := _NB_RUN_RE.match(line):
            out.append((module.file_line(index), "python " + run.group(1)))
    return out
