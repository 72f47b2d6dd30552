"""Parse shell text (scripts, Makefile recipes, README code blocks) into simple commands.

Audited scripts are untrusted and often sloppy, so this is a tolerant reader, not a shell:
it joins `\\` continuations, skips heredoc bodies, tracks `for` loops, `cd` and simple
variable assignments (`PY=${PYTHON:-python}`), and splits lines on `;`, `&&`, `||`, `|`, `&`.
It never raises. `auditor.shellcmd` turns a command's words into the file it runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.lazyre import lazy_compile
from auditor.shelllex import logical_lines, tokenize

SCRIPT_DIR = "@scriptdir@"  # stands for $(dirname "$0"): the script's own directory

# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository replays the commands found in its scripts and docs from the index cache
_DIRECTIVE_RE = lazy_compile(r"^\s*#\s*(SBATCH|PBS|BSUB|\$)\s+(.*)$")
_FUNCTION_RE = lazy_compile(r"^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\s*\)\s*\{?")
_CSTYLE_FOR_RE = lazy_compile(r"^\s*for\s*\(\((.*?)\)\)\s*;?\s*")
_ASSIGN_RE = lazy_compile(r"^([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?=(.*)$", re.S)
_VAR_RE = lazy_compile(r"\$(?:\{([A-Za-z_]\w*)(?::?[-=]([^}]*))?\}|([A-Za-z_]\w*))")
_BARE_VAR_RE = lazy_compile(r"^\$(?:\{[A-Za-z_]\w*(?::?[-=][^}]*)?\}|[A-Za-z_]\w*)$")
_DIRNAME_RE = lazy_compile(
    r"\$\(\s*dirname\s+[\"']?\$(?:0|\{?BASH_SOURCE(?:\[0\])?\}?)[\"']?\s*\)"
    r"|`\s*dirname\s+[\"']?\$(?:0|\{?BASH_SOURCE(?:\[0\])?\}?)[\"']?\s*`"
)
_CD_PWD_RE = lazy_compile(
    r"\$\(\s*cd\s+[\"']?" + re.escape(SCRIPT_DIR) + r"([^\"')]*)[\"']?"
    r"\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\)"
)
_PREFIX_KEYWORDS = frozenset(
    {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "exec", "coproc"}
)
_END_KEYWORDS = frozenset({"fi", "esac", "}", ";;", "in"})
_DECLARE = frozenset({"export", "declare", "local", "readonly", "typeset"})


@dataclass
class Loop:
    """A `for` (or `while`) loop: its variable, the raw text it iterates over, its line."""

    var: str
    items: str
    line: int
    text: str


@dataclass(frozen=True)
class Command:
    """One simple command, with the loops around it and the `cd`s in effect."""

    words: tuple[str, ...]  # quotes removed, known variables expanded, env prefix removed
    line: int  # first line of the logical line
    text: str  # the logical line, for snippets
    cwd: tuple[str, ...] = ()  # `cd` arguments in effect, in order (may start with SCRIPT_DIR)
    loops: tuple[Loop, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    timed: bool = False  # run under the shell's `time`


@dataclass
class Script:
    """Everything read from one piece of shell text."""

    commands: list[Command] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)
    directives: list[tuple[int, str]] = field(default_factory=list)  # `#SBATCH --array=0-4`
    functions: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------------------- expansion


def expand(word: str, variables: dict[str, str], depth: int = 0) -> str:
    """Expand `$X`, `${X}` and `${X:-default}` for known variables; leave the rest as is."""
    # NOTE: the `in` tests skip the two substitutions for words that cannot match them
    if "dirname" in word:
        word = _DIRNAME_RE.sub(SCRIPT_DIR, word)
    if SCRIPT_DIR in word:
        word = _CD_PWD_RE.sub(lambda m: SCRIPT_DIR + m.group(1), word)
    if "$" not in word or depth > 3:
        return word

    def sub(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables:
            return variables[name]
        if match.group(2) is not None:
            return expand(match.group(2), variables, depth + 1)
        return match.group(0)

    return _VAR_RE.sub(sub, word)


def _expand_words(words: list[str], variables: dict[str, str]) -> list[str]:
    out: list[str] = []
    for word in words:
        value = expand(word, variables)
        if value != word and _BARE_VAR_RE.match(word):
            out.extend(value.split())
        else:
            out.append(value)
    return out


# -------------------------------------------------------------------------------- structure


@dataclass
class _State:
    script: Script
    variables: dict[str, str]
    cwd: list[str] = field(default_factory=list)
    cwd_stack: list[list[str]] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)


def _strip_keywords(
    words: list[str], state: _State, line: int, text: str
) -> tuple[list[str], bool]:
    timed = False
    while words and words[0] in _PREFIX_KEYWORDS:
        head = words.pop(0)
        timed = timed or head == "time"
        if head in {"while", "until"}:
            state.loops.append(Loop(var="", items=" ".join(words), line=line, text=text))
    return words, timed


def _assignments(words: list[str], state: _State) -> tuple[list[tuple[str, str]], list[str]]:
    env: list[tuple[str, str]] = []
    while words and (match := _ASSIGN_RE.match(words[0])):
        value = expand(match.group(2), state.variables)
        env.append((match.group(1), value))
        words = words[1:]
    return env, words


def _change_dir(words: list[str], state: _State) -> None:
    head = words[0]
    if head == "popd":
        state.cwd = state.cwd_stack.pop() if state.cwd_stack else []
        return
    args = [w for w in words[1:] if not w.startswith("-")]
    if head == "pushd":
        state.cwd_stack.append(list(state.cwd))
    if not args or args[0] in {"~", "$HOME"}:
        state.cwd = []
        return
    target = expand(args[0], state.variables)
    if target.startswith(("/", "~", SCRIPT_DIR)):
        state.cwd = [target]
    else:
        state.cwd.append(target)


def _segment(words: list[str], state: _State, line: int, text: str) -> None:
    words, timed = _strip_keywords(words, state, line, text)
    if not words:
        return
    head = words[0]
    if head == "done":
        if state.loops:
            state.loops.pop()
        return
    if head in _END_KEYWORDS or head.startswith(")"):
        return
    if head == "for" and len(words) >= 2:
        items = " ".join(words[3:]) if len(words) > 2 and words[2] == "in" else '"$@"'
        loop = Loop(var=words[1], items=items, line=line, text=text)
        state.variables.pop(words[1], None)
        state.loops.append(loop)
        state.script.loops.append(loop)
        return
    env, rest = _assignments(words, state)
    if rest and rest[0] in _DECLARE:
        env, rest = _assignments([w for w in rest[1:] if not w.startswith("-")], state)
        rest = []
    if not rest:
        state.variables.update(env)
        return
    if rest[0] in {"cd", "pushd", "popd"}:
        _change_dir(rest, state)
        return
    state.script.commands.append(
        Command(
            words=tuple(_expand_words(rest, state.variables)),
            line=line,
            text=text[:400],
            cwd=tuple(state.cwd),
            loops=tuple(state.loops),
            env=tuple(env),
            timed=timed,
        )
    )


def _one_line(number: int, line: str, state: _State) -> None:
    # NOTE: each regex needs a character the `in` test looks for; a blank or comment line
    # (spaces as `tokenize` counts them) holds no command, function or loop
    if "#" in line:
        if directive := _DIRECTIVE_RE.match(line):
            state.script.directives.append((number, f"{directive.group(1)} {directive.group(2)}"))
            return
        if line.lstrip(" \t\r\n").startswith("#"):
            return
    elif not line.strip(" \t\r\n"):
        return
    if "(" in line and (function := _FUNCTION_RE.match(line)):
        state.script.functions.add(function.group(1))
        line = line[function.end() :]
    if "((" in line and (cstyle := _CSTYLE_FOR_RE.match(line)):
        var = re.match(r"\s*([A-Za-z_]\w*)", cstyle.group(1))
        loop = Loop(var=var.group(1) if var else "", items=cstyle.group(1), line=number, text=line)
        state.loops.append(loop)
        state.script.loops.append(loop)
        line = line[cstyle.end() :]
    for words in tokenize(line):
        _segment(words, state, number, line.strip())


def parse_lines(lines: list[tuple[int, str]], variables: dict[str, str] | None = None) -> Script:
    """Parse numbered shell lines (a script, a code block, a recipe) into commands."""
    script = Script()
    state = _State(script=script, variables=dict(variables or {}))
    for number, line in logical_lines(lines):
        _one_line(number, line, state)
    script.variables = state.variables
    return script


def parse_script(text: str, first_line: int = 1) -> Script:
    """Parse a whole shell script."""
    return parse_lines(list(enumerate(text.splitlines(), start=first_line)))
