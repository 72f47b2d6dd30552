"""Lexing of shell text for `auditor.shell`: logical lines and words, tolerant of anything.

Joins `\\` continuations (README style `\\   # comment` too), skips heredoc bodies, and splits
a line into simple commands on `;`, `&&`, `||`, `|`, `&` and parentheses, removing quotes,
comments and redirections while keeping `$(...)`, `${...}` and backquotes whole. Never raises.
"""

from __future__ import annotations

import re

MAX_LINES = 20_000
MAX_LINE_CHARS = 20_000

_CONTINUATION_RE = re.compile(r"\\[ \t]*(#.*)?$")
_HEREDOC_RE = re.compile(r"<<-?\s*['\"]?([A-Za-z_]\w*)['\"]?")
# NOTE: most lines hold none of these; such a line is its whitespace-separated words, so the
# character loop of `tokenize` is skipped (`#` anywhere and `$(`/`${` send a line to the loop)
_SPECIAL_RE = re.compile(r"[#\\'\"`<>&;|()]|\$\{")
_DOUBLE_ESCAPE_RE = re.compile(r'\\([\\"$`])')
_WORD_RE = re.compile(r"[^ \t\r\n]+")
# characters the loops below step over one at a time: in a word (after its first character),
# in double quotes, in parentheses, in braces
_ORDINARY_RUN_RE = re.compile(r"(?:[^ \t\r\n\\'\"$`<>&;|()]|\$(?![({]))*")
_DOUBLE_PLAIN_RE = re.compile(r"(?:[^\\\"$`]|\$(?![({]))*")
_PAREN_PLAIN_RE = re.compile(r"[^'\"\\()]*")
_BRACE_PLAIN_RE = re.compile(r"[^'\"\\{}]*")


# ------------------------------------------------------------------------------ logical lines


def logical_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join continuation lines (keeping the first line number) and drop heredoc bodies."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    start = 0
    heredoc: str | None = None
    for number, raw in lines[:MAX_LINES]:
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        if not buf:
            start = number
        match = _CONTINUATION_RE.search(raw) if "\\" in raw else None
        if match and not raw[: match.start()].endswith("\\"):
            buf.append(raw[: match.start()])
            continue
        buf.append(raw)
        joined = " ".join(buf)[:MAX_LINE_CHARS]
        buf = []
        out.append((start, joined))
        if "<<" in joined and (doc := _HEREDOC_RE.search(joined)) and "<<<" not in joined:
            heredoc = doc.group(1)
    if buf:
        out.append((start, " ".join(buf)[:MAX_LINE_CHARS]))
    return out


# ---------------------------------------------------------------------------------- tokenizer


def _run_end(plain: re.Pattern[str], line: str, i: int) -> int:
    """End of the run of characters from i that the caller's loop would step over one by one
    (the same result in one regex call)."""
    run = plain.match(line, i)
    return run.end() if run else i


def _end_double(line: str, i: int) -> int:
    """Index of the `"` closing a double-quoted string whose content starts at i."""
    n = len(line)
    while i < n:
        i = _run_end(_DOUBLE_PLAIN_RE, line, i)
        if i >= n:
            break
        c = line[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i
        elif line.startswith("$(", i) or line.startswith("${", i):
            i = _balanced(line, i + 1)
        elif c == "`":
            j = line.find("`", i + 1)
            i = n if j < 0 else j + 1
        else:
            i += 1
    return n


def _balanced(line: str, i: int) -> int:
    """Index just after the bracket closing the one at i (quotes respected)."""
    open_c = line[i]
    close_c = ")" if open_c == "(" else "}"
    plain = _PAREN_PLAIN_RE if open_c == "(" else _BRACE_PLAIN_RE
    depth, n = 0, len(line)
    while i < n:
        i = _run_end(plain, line, i)
        if i >= n:
            break
        c = line[i]
        if c == "'":
            j = line.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"':
            i = _end_double(line, i + 1) + 1
            continue
        if c == "\\":
            i += 2
            continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _skip_redirection(line: str, i: int) -> int:
    """Index after a redirection operator at i and its target word."""
    n = len(line)
    while i < n and line[i] in "<>":
        i += 1
    if i < n and line[i] in "&|":
        i += 1
        while i < n and (line[i].isdigit() or line[i] == "-"):
            i += 1
        if i > 0 and (line[i - 1].isdigit() or line[i - 1] == "-"):
            return i
    while i < n and line[i] in " \t":
        i += 1
    if i < n and line[i] == "(":
        return _balanced(line, i)
    while i < n and line[i] not in " \t;&|()<>":
        if line[i] in "'\"":
            end = line.find(line[i], i + 1)
            i = n if end < 0 else end + 1
        else:
            i += 1
    return i


def _double_content(raw: str) -> str:
    return _DOUBLE_ESCAPE_RE.sub(r"\1", raw) if "\\" in raw else raw


def tokenize(line: str) -> list[list[str]]:
    """Split a logical line into simple commands (lists of words); quotes removed."""
    if not _SPECIAL_RE.search(line):
        words = _WORD_RE.findall(line)
        return [words] if words else []
    segments: list[list[str]] = [[]]
    word: list[str] = []
    in_word = False
    i, n = 0, len(line)

    def flush() -> None:
        nonlocal word, in_word
        if in_word:
            segments[-1].append("".join(word))
        word, in_word = [], False

    while i < n:
        c = line[i]
        if c in " \t\r\n":
            flush()
            i += 1
        elif c == "#" and not in_word:
            break
        elif c == "\\":
            word.append(line[i + 1] if i + 1 < n else "")
            in_word, i = True, i + 2
        elif c == "'":
            j = line.find("'", i + 1)
            j = n if j < 0 else j
            word.append(line[i + 1 : j])
            in_word, i = True, j + 1
        elif c == '"':
            j = _end_double(line, i + 1)
            word.append(_double_content(line[i + 1 : j]))
            in_word, i = True, j + 1
        elif c == "$" and i + 1 < n and line[i + 1] in "({":
            j = _balanced(line, i + 1)
            word.append(line[i:j])
            in_word, i = True, j
        elif c == "`":
            j = line.find("`", i + 1)
            j = n if j < 0 else j + 1
            word.append(line[i:j])
            in_word, i = True, j
        elif c in "<>" or (c == "&" and line.startswith("&>", i)):
            if in_word and "".join(word).isdigit():
                word, in_word = [], False
            flush()
            i = _skip_redirection(line, i + (1 if c == "&" else 0))
        elif c == "(" and in_word and "".join(word).endswith("="):
            j = _balanced(line, i)
            word.append(line[i:j])
            i = j
        elif c in ";|&()":
            flush()
            i += 2 if line[i : i + 2] in {"&&", "||", ";;", "|&"} else 1
            if segments[-1]:
                segments.append([])
        else:
            j = _run_end(_ORDINARY_RUN_RE, line, i + 1)
            word.append(line[i:j])
            in_word, i = True, j
    flush()
    return [s for s in segments if s]
