"""Parse a Python file once and index it: imports, calls with qualified names, functions.

Every Python probe reads this index instead of re-walking the tree; the repository frees the
tree once a module is indexed (`PyModule.release_tree`), so what the probes read of function
bodies, classes and `try` blocks is kept as small records. Files that do not parse as
Python 3 are first repaired (common Python 2 idioms, `async=True` keywords) with line numbers
kept; if that fails too, a token-level fallback still finds calls by name.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from auditor.facts import ReadMode, clip_snippet
from auditor.sourcelines import SourceLines

Span = tuple[int, int, int, int]  # line, column, end line, end column (UTF-8 byte offsets)


# NOTE: hashable but not frozen: a frozen dataclass sets each field through object.__setattr__,
# which costs more than the rest of indexing a call; nothing changes a record once built.
@dataclass(slots=True, unsafe_hash=True)
class CallSite:
    """One call: the qualified name of what is called, where, and in which function.

    NOTE: once the repository frees the module's tree, only calls whose node a probe reads often
    keep it (`KEPT_CALLS`); the others find theirs again on demand by re-parsing the source
    (`node`), so that a large repository's call subtrees need not stay in memory.
    """

    name: str  # resolved through import aliases: np.random.seed -> numpy.random.seed
    line: int
    scope: str | None  # enclosing function, dotted (Class.method); None at module level
    kept: ast.Call | None  # the node, while held; None in the token fallback or once dropped
    args_text: str = ""  # source text of the arguments (always set in the token fallback)
    span: Span | None = None  # the call's extent; None in the token fallback
    refs: tuple[str, ...] = ()  # qualified names passed as arguments: `f(helper, key=g.h)`
    keywords: tuple[str | None, ...] = ()  # keyword argument names (None for `**kwargs`)
    source: _Source | None = None  # where to find a dropped node again

    # NOTE: pickled as a plain tuple: the default for slots builds and reads a dict per record,
    # and records are most of what the index cache reads back (27% faster loads on NASLib)
    def __getstate__(self) -> tuple[Any, ...]:
        return (self.name, self.line, self.scope, self.kept, self.args_text, self.span,
                self.refs, self.keywords, self.source)  # fmt: skip

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.name, self.line, self.scope, self.kept, self.args_text, self.span,
         self.refs, self.keywords, self.source) = state  # fmt: skip
        self.name = intern(self.name)  # NOTE: one copy of a name however many modules call it

    @property
    def node(self) -> ast.Call | None:
        """The call's node (None in the token fallback)."""
        if self.kept is not None or self.source is None or self.span is None:
            return self.kept
        return self.source.call(self.span)


@dataclass(slots=True, unsafe_hash=True)  # NOTE: not frozen, like `CallSite`
class Assign:
    """One assignment to a name or attribute (`x = ...`, `self.lr: float = ...`).

    NOTE: like `CallSite`, the value's node is dropped once the tree is freed and found again
    on demand (`value`); the summary fields say what most probes ask of it. A small value keeps
    its source text instead, which parses alone far faster than its module.
    """

    target: str  # qualified: self.lr, torch.backends.cudnn.benchmark
    line: int
    scope: str | None  # enclosing function, dotted; None at module level
    kept: ast.expr | str | None  # the value's node while the tree is held; then a small
    # value's source text (`release_tree`), else None
    span: Span  # the value's extent
    kind: type  # the value's node class: ast.Call, ast.Name, ast.IfExp...
    made_by: str | None  # a call's qualified callee ("" when it has none); None if no call
    name: str | None  # `x = other`: the other name
    arg_names: tuple[str, ...]  # a call's plain-name arguments: `build(arch, n=cells)`
    refs: tuple[str, ...]  # qualified names stored: `f = helper`, `OPS = {"a": g}`, `f or g`
    strings: int  # string items of a list or tuple, string keys of a dict
    source: _Source

    # NOTE: pickled as a plain tuple, like `CallSite`
    def __getstate__(self) -> tuple[Any, ...]:
        return (self.target, self.line, self.scope, self.kept, self.span, self.kind,
                self.made_by, self.name, self.arg_names, self.refs, self.strings,
                self.source)  # fmt: skip

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.target, self.line, self.scope, self.kept, self.span, self.kind,
         self.made_by, self.name, self.arg_names, self.refs, self.strings,
         self.source) = state  # fmt: skip
        self.target = intern(self.target)  # NOTE: like `CallSite.name`
        if self.made_by:
            self.made_by = intern(self.made_by)

    @property
    def value(self) -> ast.expr:
        """The assigned value's node."""
        kept = self.kept
        if isinstance(kept, str):
            return parse_value(kept, self.span)
        if kept is not None:
            return kept
        found = self.source.value(self.span)
        assert found is not None  # the same text parses to the same tree
        return found


class _Source:
    """A parsed source's text, to find a dropped call node again by its span.

    NOTE: holds the text, not the module: a module -> call -> module cycle would keep every
    module alive until a full garbage collection.
    """

    __slots__ = ("path", "text")

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text

    def call(self, span: Span) -> ast.Call | None:
        return _reparsed(self.path, self.text)[0].get(span)

    def value(self, span: Span) -> ast.expr | None:
        return _reparsed(self.path, self.text)[1].get(span)

    def arguments(self, start: tuple[int, int]) -> ast.arguments | None:
        return _reparsed(self.path, self.text)[2].get(start)


# calls, assigned values and functions' parameters (by the `def`'s line and column)
_Reparsed = tuple[dict[Span, ast.Call], dict[Span, ast.expr], dict[tuple[int, int], ast.arguments]]
_REPARSED: dict[tuple[str, str], _Reparsed] = {}
_REPARSED_MAX = 4  # modules whose re-parsed nodes stay cached (the probes read module by module)


def _reparsed(path: str, text: str) -> _Reparsed:
    """Every call node and assigned value of a source by span, from a fresh parse (a few recent
    sources cached)."""
    key = (path, text)
    found = _REPARSED.pop(key, None)
    if found is None:
        calls: dict[Span, ast.Call] = {}
        values: dict[Span, ast.expr] = {}
        params: dict[tuple[int, int], ast.arguments] = {}
        for node in ast.walk(_parse(text, path)):
            if isinstance(node, ast.Call):
                calls[_span(node)] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                values[_span(node.value)] = node.value
            elif isinstance(node, _FUNCS):
                params[node.lineno, node.col_offset] = node.args
        found = calls, values, params
        while len(_REPARSED) >= _REPARSED_MAX:
            del _REPARSED[next(iter(_REPARSED))]
    _REPARSED[key] = found
    return found


def _span(node: ast.expr) -> Span:
    return node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0


Loop = tuple[int, int, bool]  # first line, last line, True for a comprehension
Handler = tuple[str | None, ...] | None  # names an `except` catches; None: a bare `except:`


@dataclass(slots=True, unsafe_hash=True)  # NOTE: not frozen, like `CallSite`
class FunctionInfo:
    """A function or method defined in the module, with what the probes read of its body.

    NOTE: `node` and `kept_args` are dropped (None) once the repository has indexed the module,
    so that its tree can be freed; the other fields keep what the probes need of the body, and
    `args` finds the parameters again by re-parsing the source.
    """

    name: str  # dotted within the module: main, Trainer.train
    line: int
    end_line: int
    node: ast.FunctionDef | ast.AsyncFunctionDef | None
    params: tuple[str, ...] = ()
    kept_args: ast.arguments | None = None  # parameters with defaults and annotations, if held
    decorators: tuple[str | None, ...] = ()  # qualified names (`@hydra.main(...)`: hydra.main)
    loops: tuple[Loop, ...] = ()  # loops and comprehensions anywhere in it (nested defs too)
    returns_value: bool = False  # a `return <value>` anywhere in it (nested defs too)
    after_terminal: tuple[tuple[int, int], ...] = ()  # statements after a return/raise/...
    default_refs: tuple[str, ...] = ()  # qualified names given as defaults: `fn=default_fn`
    col: int = 0  # the `def`'s column: with `line`, where to find it again
    source: _Source | None = None

    # NOTE: pickled as a plain tuple, like `CallSite`
    def __getstate__(self) -> tuple[Any, ...]:
        return (self.name, self.line, self.end_line, self.node, self.params, self.kept_args,
                self.decorators, self.loops, self.returns_value, self.after_terminal,
                self.default_refs, self.col, self.source)  # fmt: skip

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.name, self.line, self.end_line, self.node, self.params, self.kept_args,
         self.decorators, self.loops, self.returns_value, self.after_terminal,
         self.default_refs, self.col, self.source) = state  # fmt: skip

    @property
    def args(self) -> ast.arguments | None:
        """The parameters with their defaults and annotations."""
        if self.kept_args is not None or self.source is None:
            return self.kept_args
        return self.source.arguments((self.line, self.col))


@dataclass(frozen=True)
class ClassInfo:
    """A class defined at module level or one block down (in a def, an `if`, a `try`)."""

    name: str
    line: int
    bases: tuple[str, ...]  # qualified names of the bases that have one
    place: str  # "module", "def", "if" or "try": the block that holds it


@dataclass
class PyModule:
    """One Python source (a .py file or a notebook's code cells) and its index."""

    path: str
    source: str
    mode: ReadMode
    tree: ast.Module | None = None
    error: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    imports: list[tuple[str, int, int]] = field(default_factory=list)  # (module, level, line)
    calls: list[CallSite] = field(default_factory=list)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)  # class name -> line
    assigns: list[Assign] = field(default_factory=list)
    class_list: list[ClassInfo] = field(default_factory=list)  # in source order
    tries: list[tuple[int, int, tuple[Handler, ...]]] = field(default_factory=list)  # body span
    parsed: bool = False  # whether the source (maybe repaired) parsed into a tree
    docstring_lines: set[int] = field(default_factory=set)
    dead_lines: set[int] = field(default_factory=set)  # under `if False:` / `if 0:`
    main_guard_lines: tuple[int, int] | None = None  # the `if __name__ == "__main__":` block
    line_map: list[int] | None = None  # notebook: code line -> line in the .ipynb file
    # what the per-module scans found, by scan (probes/structure.py), kept with the index
    signals: dict[str, list[tuple[str, int, str, str, str | None]]] | None = None
    _lines: SourceLines | None = None
    _handle: _Source | None = None  # what the index's records hold of the text (`share_text`)

    @property
    def lines(self) -> SourceLines:
        """Source lines (0-based; file lines are 1-based)."""
        if self._lines is None:
            self._lines = SourceLines(self.source)
        return self._lines

    def share_text(self, text: str) -> None:
        """Hold `text` as the source, in the module and in its records.

        NOTE: the index cache stores a module without the text its key is made from and gives
        it back on load (`IndexCache`), so that the module holds the repository's own copy of
        the text rather than a second one (on NNI, 5 MiB) and its entry is smaller.
        """
        self.source = text
        if self._handle is not None:
            self._handle.text = text

    def file_line(self, line: int) -> int:
        """The line in the file on disk (differs from `line` for notebooks)."""
        if self.line_map and 1 <= line <= len(self.line_map):
            return self.line_map[line - 1]
        return line

    def snippet(self, line: int, end_line: int | None = None) -> str:
        """A clipped snippet of source lines [line, end_line]."""
        end = min(end_line or line, line + 4)
        return clip_snippet("\n".join(self.lines[line - 1 : end]))

    def qualname(self, node: ast.expr) -> str | None:
        """Dotted name of a Name/Attribute chain, with the first part resolved through imports."""
        if node.__class__ is ast.Name:  # NOTE: most calls' arguments; the index asks for each
            return self.aliases.get(node.id, node.id)
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Call):  # torch.Generator().manual_seed -> torch.Generator().x
            inner = self.qualname(node.func)
            if inner is None:
                return None
            parts.append(inner + "()")
            return ".".join(reversed(parts))
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.aliases.get(node.id, node.id))
        return ".".join(reversed(parts))

    def segment(self, node: ast.AST) -> str:
        """Source text of a node, clipped; reads the cached lines (ast.get_source_segment
        re-splits the whole file on every call). Offsets are UTF-8 byte offsets."""
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None or col is None or end_col is None:
            return ""
        return self.segment_at((start, col, end, end_col))

    def segment_at(self, span: Span) -> str:
        """Source text of a span, clipped (see `segment`)."""
        text = _span_bytes(self.lines, span).decode("utf-8", "replace")
        return text if len(text) <= 300 else text[:299] + "…"

    def is_live(self, line: int) -> bool:
        """False for lines inside docstrings or `if False:` blocks."""
        return line not in self.docstring_lines and line not in self.dead_lines

    def release_tree(self) -> None:
        """Drop the tree, the function nodes and the call nodes few probes read; the index
        keeps what the probes read.

        NOTE: a large repository's trees are most of an audit's memory; assigned values and
        the calls in `KEPT_CALLS` keep only their own small subtrees. What the seeds probe reads
        in every audit stays too, or it would re-parse each module that holds one: calls that
        seed by keyword (`DataLoader(worker_init_fn=...)`, `NGBRegressor(random_state=...)`)
        or pass a seed on (`set_seed(config.seed)`), and the parameters of functions that seed
        or take a seed (`set_seed(seed)`).
        """
        self.tree = None
        seeding: set[str | None] = set()
        for call in self.calls:
            if keeps_node(call.name) or any(
                _SEED_PARAM_RE.search(name or "") for name in (*call.keywords, *call.refs)
            ):
                seeding.add(call.scope)
            elif call.kept is not None:
                call.kept = None
        for dotted, info in self.functions.items():
            info.node = None
            if dotted not in seeding and not any(_SEED_PARAM_RE.search(p) for p in info.params):
                info.kept_args = None
        lines = self.lines
        for assign in self.assigns:
            kept = assign.kept
            if isinstance(kept, ast.expr):
                small = _small(kept) and _followed(assign)
                assign.kept = value_text(lines, assign.span) if small else None


_SEED_PARAM_RE = re.compile(r"(?i)seed|rng|random|worker_init_fn|generator")

# Calls whose node stays held once the tree is freed, by the last part of the called name: the
# ones the probes read in every module (argument parsers, seeding, determinism settings, setup).
# Any other call's node is found again on demand, so this list only trades memory for time.
KEPT_CALLS = frozenset(("add_argument", "option", "RandomState", "default_rng", "Random"))


# Assigned values that stay held: leaves the seed probes follow from name to name.
KEPT_VALUES: frozenset[type] = frozenset((ast.Constant, ast.Name, ast.Attribute, ast.UnaryOp))


def _small(value: ast.expr) -> bool:
    """A value kept once the tree is freed: a leaf, a call of leaves (`parser.parse_args()`,
    `int(args.seed)`) or a choice between leaves (`cfg = config.search if train else
    config.evaluation`), which the seed probes follow from name to name."""
    if value.__class__ in KEPT_VALUES:
        return True
    if isinstance(value, ast.IfExp):
        test = value.test
        parts = [value.body, value.orelse, test]
        if isinstance(test, ast.Compare):
            parts[2:] = [test.left, *test.comparators]
        return all(p.__class__ in KEPT_VALUES for p in parts)
    if not isinstance(value, ast.Call):
        return False
    args = [value.func, *value.args, *(k.value for k in value.keywords)]
    return all(a.__class__ in KEPT_VALUES for a in args)


def value_text(lines: Sequence[str], span: Span) -> str:
    """The exact source text of a span (`parse_value` reads it back)."""
    return _span_bytes(lines, span).decode("utf-8", "surrogateescape")


def _span_bytes(lines: Sequence[str], span: Span) -> bytes:
    """The UTF-8 bytes of a span, its lines joined by `\\n` (offsets are UTF-8 byte offsets)."""
    start, col, end, end_col = span
    chunk = [line.encode("utf-8", "surrogateescape") for line in lines[start - 1 : end]]
    if not chunk:
        return b""
    if len(chunk) == 1:
        return chunk[0][col:end_col]
    return b"\n".join([chunk[0][col:], *chunk[1:-1], chunk[-1][:end_col]])


def parse_value(text: str, span: Span) -> ast.expr:
    """The expression `value_text` cut from `span`, parsed alone, at its place in the file.

    NOTE: in parentheses, so that a value over several lines parses; offsets are UTF-8 bytes,
    so the first line's columns shift by the span's column less the parenthesis.
    """
    node = ast.parse(f"({text})", mode="eval").body
    line_shift, col_shift = span[0] - 1, span[1] - 1
    for sub in ast.walk(node):
        if isinstance(sub, (ast.expr, ast.keyword, ast.arg)):
            if sub.lineno == 1:
                sub.col_offset += col_shift
            if sub.end_lineno == 1 and sub.end_col_offset is not None:
                sub.end_col_offset += col_shift
            sub.lineno += line_shift
            if sub.end_lineno is not None:
                sub.end_lineno += line_shift
    return node


# Names a seed is read through (`args = parser.parse_args()`, `rng = default_rng(seed)`)
_FOLLOWED_RE = re.compile(r"(?i)seed|rng|rand|arg|opt|conf|cfg|flag|param|pars|hp|setting|env")


def _followed(assign: Assign) -> bool:
    """Whether the seed probes may follow a name to this value: a leaf, anything at module
    level, or a call inside a function that reads or makes a seed, settings or arguments.

    NOTE: `out = self.op(x)` in a forward pass is most kept calls and never followed; a value
    dropped here is found again by re-parsing, so this only decides what is fast.
    """
    if assign.scope is None or assign.kept.__class__ is not ast.Call:
        return True
    return bool(_FOLLOWED_RE.search(assign.target) or _FOLLOWED_RE.search(assign.made_by or ""))


def keeps_node(name: str) -> bool:
    """Whether a call's node stays held once its module's tree is freed."""
    last = name.rpartition(".")[2]
    return last in KEPT_CALLS or last.startswith("DEFINE") or "seed" in last.lower()


# ----------------------------------------------------------------------------- Python 2 repair

# NOTE: [ \t], not \s: a pattern must never reach over a line end, or lines would shift.
_REPAIRS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^([ \t]*)print[ \t]*>>[ \t]*([\w.]+)\s*,\s*(.+?)[ \t]*$", re.M),
        r"\1print(\3, file=\2)",
    ),
    (re.compile(r"^([ \t]*)print[ \t]*$", re.M), r"\1print()"),
    (re.compile(r"^([ \t]*)print[ \t]+(?![\s(=])(.+?)[ \t]*$", re.M), r"\1print(\2)"),
    (re.compile(r"^([ \t]*)print([ \t]*\(.*\)[ \t]*%.+?)[ \t]*$", re.M), r"\1print(\2)"),
    (re.compile(r"^([ \t]*except\s+[\w.()\s,]+?)\s*,\s*(\w+)\s*:", re.M), r"\1 as \2:"),
    (re.compile(r"^([ \t]*)raise[ \t]+([\w.]+)[ \t]*,[ \t]*(.+?)[ \t]*$", re.M), r"\1raise \2(\3)"),
    (re.compile(r"^([ \t]*)exec[ \t]+(?!\()(.+?)[ \t]*$", re.M), r"\1exec(\2)"),
    (re.compile(r"\basync\s*=(?!=)"), "async_="),
    (re.compile(r"\b(\d+)[lL]\b"), r"\1"),
    (re.compile(r"(?<![\w.])(?<![eE][+-])0(\d+)\b(?![.\w])"), r"0o\1"),
    (re.compile(r"<>"), "!="),
    (re.compile(r"\bur(['\"])"), r"r\1"),
    (re.compile(r"`([^`\n]+)`"), r"repr(\1)"),
)


def repair_python2(source: str) -> str:
    """Rewrite common Python 2 idioms to Python 3 without changing line numbers."""
    source = _repair_long_prints(source)
    for pattern, replacement in _REPAIRS:
        source = pattern.sub(replacement, source)
    return source


_PRINT_START = re.compile(r"^([ \t]*)print[ \t]+(?![\s(=>])(.*)$")
_MAX_PRINT_LINES = 20  # a statement left open longer than this is not a print to repair


def _repair_long_prints(source: str) -> str:
    """`print "{}: {}".format(` continued on the next lines: the call's `)` goes at the end of
    the line where the brackets close (the one-line rule would close it on the first line)."""
    lines = source.split("\n")
    for index, line in enumerate(lines):
        start = _PRINT_START.match(line)
        if start is None:
            continue
        depth = _bracket_depth(start.group(2))
        if depth <= 0:
            continue
        for end in range(index + 1, min(index + _MAX_PRINT_LINES, len(lines))):
            depth += _bracket_depth(lines[end])
            if depth <= 0:
                code = _before_comment(lines[end])
                lines[index] = f"{start.group(1)}print({start.group(2)}"
                lines[end] = code.rstrip() + ")" + lines[end][len(code.rstrip()) :]
                break
    return "\n".join(lines)


def _bracket_depth(text: str) -> int:
    """Opened minus closed brackets in a line of code, outside strings and comments."""
    depth, quote, escaped = 0, "", False
    for char in _before_comment(text):
        if quote:
            quote = "" if char == quote and not escaped else quote
            escaped = char == "\\" and not escaped
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
    return depth


def _before_comment(text: str) -> str:
    """The line without a trailing `#` comment (a `#` inside a string is kept)."""
    quote, escaped = "", False
    for at, char in enumerate(text):
        if quote:
            quote = "" if char == quote and not escaped else quote
            escaped = char == "\\" and not escaped
        elif char in "'\"":
            quote = char
        elif char == "#":
            return text[:at]
    return text


def _parse(source: str, path: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in audited code are not ours
        return ast.parse(source, filename=path)


# ------------------------------------------------------------------------------------ indexing

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_NAMES = (ast.Name, ast.Attribute)  # the values that can name a function
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)

# Fields that never hold a node `_index` collects or a node above one: names and other
# strings, numbers, and the operator and context singletons (`Load`, `Add`, `Eq`).
# fmt: off
_SKIPPED_FIELDS = frozenset((
    "ctx", "op", "ops", "type_comment", "type_ignores", "kind", "id", "attr", "arg", "name",
    "names", "module", "level", "asname", "is_async", "conversion", "simple", "tag", "rest",
    "kwd_attrs",
))
# fmt: on
# Nodes without children worth a visit (`Constant.value` and `MatchSingleton.value` hold plain
# Python values); None, str and int appear in lists (`Dict.keys`, `Global.names`).
_NO_CHILDREN = (ast.Constant, ast.MatchSingleton)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
_COLLECTED = (
    *(ast.Call, ast.Assign, ast.AnnAssign, *_DEFS, ast.Import, ast.ImportFrom, ast.If),
    *(*_LOOPS, *_COMPREHENSIONS, ast.Return, ast.Try, ast.TryStar),
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that may lead to a collected node."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        names = () if cls in _NO_CHILDREN else getattr(cls, "_fields", ())
        fields = _CHILD_FIELDS[cls] = tuple(f for f in names if f not in _SKIPPED_FIELDS)
    return fields


def _leaves() -> frozenset[type]:
    """Classes never worth pushing on the walk's stack: nodes without child fields."""
    classes = [c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.AST)]
    nodes = [c for c in classes if not _child_fields(c) and c not in _COLLECTED]
    return frozenset([*nodes, type(None), str, int])


_LEAVES = _leaves()


def _index(module: PyModule, tree: ast.Module) -> None:
    """One iterative pass over the tree (no recursion: deeply nested code is fine).

    NOTE: this pass is the audit's hot path (it touches every node of every file), so it only
    collects nodes; names are resolved once aliases are complete, and scopes come from the
    line ranges of the definitions afterwards. It skips fields and leaf nodes (names,
    constants, operators) that cannot hold a collected node: a third of the pass's time.
    """
    calls: list[ast.Call] = []
    assigns: list[ast.Assign | ast.AnnAssign] = []
    defs: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = []
    imports: list[ast.Import | ast.ImportFrom] = []
    ifs: list[ast.If] = []
    loops: list[ast.expr | ast.stmt] = []
    returns: list[ast.Return] = []
    tries: list[ast.Try | ast.TryStar] = []
    buckets: dict[type, list[Any]] = {ast.Call: calls, ast.If: ifs, ast.Return: returns}
    buckets.update(dict.fromkeys((*_LOOPS, *_COMPREHENSIONS), loops))
    buckets.update(dict.fromkeys((ast.Try, ast.TryStar), tries))
    buckets.update(dict.fromkeys((ast.Assign, ast.AnnAssign), assigns))
    buckets.update(dict.fromkeys(_DEFS, defs))
    buckets.update(dict.fromkeys((ast.Import, ast.ImportFrom), imports))
    bucket_of, fields_of, leaves = buckets.get, _CHILD_FIELDS.get, _LEAVES
    stack: list[Any] = [tree]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        cls = node.__class__
        bucket = bucket_of(cls)
        if bucket is not None:
            bucket.append(node)
        fields = fields_of(cls)
        for name in _child_fields(cls) if fields is None else fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if item.__class__ not in leaves:
                        push(item)
            elif value.__class__ not in leaves:
                push(value)
    _note_docstring(module, tree)
    for node in defs:
        _note_docstring(module, node)
    for imp in sorted(imports, key=lambda n: (n.lineno, n.col_offset)):
        _note_import(module, imp)  # source order: a later import of a name wins
    for branch in sorted(ifs, key=lambda n: n.lineno):
        _note_if(module, branch)
    _note_classes(module, tree)
    _note_tries(module, tries)
    source = module._handle = _Source(module.path, module.source)
    scope_of = _scopes(module, source, defs, _Body(loops, returns))
    qualname = module.qualname
    for call in calls:
        qual = qualname(call.func)
        if qual is None and isinstance(call.func, ast.Subscript):  # `REG[key](...)`: REG[]
            inner = qualname(call.func.value)
            qual = None if inner is None else inner + "[]"
        if qual is not None:
            refs: tuple[str, ...] = ()
            keywords: tuple[str | None, ...] = ()
            if call.keywords:
                keywords = tuple([k.arg for k in call.keywords])
                values = [*call.args, *[k.value for k in call.keywords]]
                refs = tuple([q for v in values if v.__class__ in _NAMES and (q := qualname(v))])
            elif call.args:
                refs = tuple([q for v in call.args if v.__class__ in _NAMES and (q := qualname(v))])
            scope = scope_of(call.lineno)
            module.calls.append(
                CallSite(
                    intern(qual), call.lineno, scope, call, "", _span(call), refs, keywords, source
                )
            )
    for assign in assigns:
        if assign.value is None:
            continue
        targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
        summary: _Summary | None = None
        for target in targets:
            if isinstance(target, (ast.Name, ast.Attribute)) and (tname := module.qualname(target)):
                if summary is None:
                    summary = _summary(module, assign.value)
                line = assign.lineno
                module.assigns.append(
                    Assign(tname, line, scope_of(line), assign.value, *summary, source)
                )
    module.calls.sort(key=lambda c: c.line)
    module.assigns.sort(key=lambda a: a.line)


_Summary = tuple[Span, type, str | None, str | None, tuple[str, ...], tuple[str, ...], int]


def _summary(module: PyModule, value: ast.expr) -> _Summary:
    """What the probes ask of an assigned value, for `Assign` (span onwards, source apart)."""
    made_by = name = None
    arg_names: tuple[str, ...] = ()
    if isinstance(value, ast.Call):
        made_by = module.qualname(value.func) or ""
        args = [*value.args, *(k.value for k in value.keywords)]
        arg_names = tuple(a.id for a in args if isinstance(a, ast.Name))
    elif isinstance(value, ast.Name):
        name = value.id
    refs = tuple(q for v in value_names(value) if (q := module.qualname(v)))
    items: list[ast.expr | None] = []
    if isinstance(value, (ast.List, ast.Tuple)):
        items = [*value.elts]
    elif isinstance(value, ast.Dict):
        items = value.keys
    strings = sum(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items)
    return _span(value), value.__class__, made_by, name, arg_names, refs, strings


def value_names(value: ast.expr) -> list[ast.expr]:
    """Names stored by an assignment: `f = helper`, `OPS = {"a": helper}`, `[f, g]`, `f or g`."""
    if isinstance(value, (ast.Name, ast.Attribute)):
        return [value]
    if isinstance(value, ast.Subscript):  # `cls = MODELS[name]`
        return value_names(value.value)
    if isinstance(value, ast.IfExp):  # `fn if fn else default_fn`
        return [*value_names(value.body), *value_names(value.orelse)]
    if isinstance(value, ast.BoolOp):  # `fn or default_fn`
        return [name for v in value.values for name in value_names(v)]
    if isinstance(value, ast.Dict):
        return [v for v in value.values if isinstance(v, (ast.Name, ast.Attribute))]
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return [v for v in value.elts if isinstance(v, (ast.Name, ast.Attribute))]
    return []


class _Body:
    """Loops and `return <value>`s of a module by position, to give each function its own."""

    def __init__(self, loops: list[Any], returns: list[ast.Return]) -> None:
        loops.sort(key=_start)
        self.loops = loops
        self.loop_starts = [_start(n) for n in loops]
        self.returns = sorted(_start(n) for n in returns if n.value is not None)

    def of(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[tuple[Loop, ...], bool]:
        """The loops in a function's subtree and whether it returns a value.

        NOTE: a node's subtree is exactly the nodes that start within its span; the span of a
        decorated function starts at its first decorator.
        """
        first = min([_start(d) for d in node.decorator_list] + [_start(node)])
        last = (node.end_lineno or node.lineno, node.end_col_offset or 0)
        at = bisect.bisect_left(self.loop_starts, first)
        found: list[Loop] = []
        while at < len(self.loops) and self.loop_starts[at] <= last:
            loop = self.loops[at]
            end = getattr(loop, "end_lineno", None) or loop.lineno
            found.append((loop.lineno, end, isinstance(loop, _COMPREHENSIONS)))
            at += 1
        index = bisect.bisect_left(self.returns, first)
        returns = index < len(self.returns) and self.returns[index] <= last
        return tuple(found), returns


_TERMINAL = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_BLOCK_STMTS: tuple[type[ast.stmt], ...] = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With)
_BLOCK_STMTS += (ast.AsyncWith, ast.Try, ast.TryStar)
# Statement blocks to descend into, by statement class (not into nested defs or `match` cases).
_BLOCKS: dict[type, tuple[str, ...]] = {
    cls: tuple(f for f in ("body", "orelse", "finalbody", "handlers") if f in cls._fields)
    for cls in _BLOCK_STMTS
}


def _after_terminal(body: list[ast.stmt]) -> tuple[tuple[int, int], ...]:
    """Line spans of statements that follow a return/raise/continue/break in the same block
    (nested functions and classes are their own)."""
    dead: list[tuple[int, int]] = []
    stack = [body]
    while stack:
        block = stack.pop()
        ended = False
        for stmt in block:
            if ended:
                dead.append((stmt.lineno, stmt.end_lineno or stmt.lineno))
                continue
            ended = isinstance(stmt, _TERMINAL)
            for name in _BLOCKS.get(stmt.__class__, ()):
                if name == "handlers":
                    stack.extend(h.body for h in stmt.handlers)  # type: ignore[attr-defined]
                else:
                    stack.append(getattr(stmt, name))
    return tuple(dead)


def _start(node: Any) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _scopes(
    module: PyModule,
    source: _Source,
    defs: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef],
    body: _Body,
) -> Callable[[int], str | None]:
    """Register functions with dotted names; return line -> innermost enclosing function."""
    defs.sort(key=lambda d: (d.lineno, -(d.end_lineno or d.lineno)))
    open_defs: list[tuple[ast.AST, str, int]] = []  # (node, dotted, end line)
    spans: list[tuple[int, int, str]] = []  # function body spans, outer before inner
    for node in defs:
        while open_defs and open_defs[-1][2] < node.lineno:
            open_defs.pop()
        dotted = f"{open_defs[-1][1]}.{node.name}" if open_defs else node.name
        end = node.end_lineno or node.lineno
        open_defs.append((node, dotted, end))
        if isinstance(node, _FUNCS):
            args = node.args
            params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
            if dotted not in module.functions:
                decorators = tuple(
                    module.qualname(d.func if isinstance(d, ast.Call) else d)
                    for d in node.decorator_list
                )
                loops, returns = body.of(node)
                defaults = [d for d in [*args.defaults, *args.kw_defaults] if d is not None]
                module.functions[dotted] = FunctionInfo(
                    *(dotted, node.lineno, end, node, params, args, decorators, loops, returns),
                    after_terminal=_after_terminal(node.body),
                    default_refs=tuple(
                        q for d in defaults if d.__class__ in _NAMES and (q := module.qualname(d))
                    ),
                    col=node.col_offset,
                    source=source,
                )
            spans.append((node.lineno, end, dotted))
        else:
            module.classes.setdefault(node.name, node.lineno)
    if not spans:
        return lambda line: None
    starts = [s[0] for s in spans]

    def scope_of(line: int) -> str | None:
        index = bisect.bisect_right(starts, line) - 1
        while index >= 0:  # spans nest: walk back to the innermost one containing the line
            start, end, dotted = spans[index]
            if start <= line <= end:
                return dotted
            index -= 1
        return None

    return scope_of


_CLASS_PLACES: dict[type, str] = {ast.FunctionDef: "def", ast.If: "if", ast.Try: "try"}


def _note_classes(module: PyModule, tree: ast.Module) -> None:
    """Classes at module level and one block down, in source order (no tree walk)."""
    for node in tree.body:
        place = _CLASS_PLACES.get(node.__class__)
        inner = node.body if isinstance(node, (ast.FunctionDef, ast.If, ast.Try)) else [node]
        for klass in inner:
            if isinstance(klass, ast.ClassDef):
                bases = tuple(q for b in klass.bases if (q := module.qualname(b)) is not None)
                module.class_list.append(
                    ClassInfo(klass.name, klass.lineno, bases, place or "module")
                )


def _note_tries(module: PyModule, tries: list[ast.Try | ast.TryStar]) -> None:
    """Body spans of `try:` blocks with the names each handler catches."""
    for node in tries:
        if not node.body:
            continue
        handlers: list[Handler] = []
        for handler in node.handlers:
            if handler.type is None:
                handlers.append(None)
                continue
            kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            handlers.append(
                tuple(
                    k.attr if isinstance(k, ast.Attribute) else getattr(k, "id", None)
                    for k in kinds
                )
            )
        end = node.body[-1].end_lineno or node.body[-1].lineno
        module.tries.append((node.body[0].lineno, end, tuple(handlers)))


def _note_import(module: PyModule, node: ast.Import | ast.ImportFrom) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            module.aliases[local] = alias.name if alias.asname else local
            module.imports.append((alias.name, 0, node.lineno))
        return
    base = node.module or ""
    module.imports.append((base, node.level, node.lineno))
    for alias in node.names:
        if alias.name != "*":
            prefix = "." * node.level + base
            full = f"{prefix}.{alias.name}" if base else f"{prefix}{alias.name}"
            module.aliases[alias.asname or alias.name] = full


def _note_docstring(module: PyModule, node: ast.AST) -> None:
    body = getattr(node, "body", None)
    if not body or not isinstance(body, list):
        return
    first = body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        module.docstring_lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))


def _is_main_guard(test: ast.expr) -> bool:
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    consts = [s.value for s in sides if isinstance(s, ast.Constant)]
    return names == ["__name__"] and consts == ["__main__"]


def _note_if(module: PyModule, node: ast.If) -> None:
    test = node.test
    start = node.body[0].lineno
    end = node.body[-1].end_lineno or start
    if (
        isinstance(test, ast.Constant)
        and test.value in (False, 0, None)
        and not isinstance(test.value, str)
    ):
        module.dead_lines.update(range(start, end + 1))
    elif _is_main_guard(test):
        module.main_guard_lines = (node.lineno, end)


# ------------------------------------------------------------------------------ token fallback

_IMPORT_RE = re.compile(
    r"^\s*import\s+([\w.]+)(?:\s+as\s+(\w+))?|^\s*from\s+([\w.]+)\s+import\s+(.+)$"
)
_CALL_RE = re.compile(r"([A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(")


def _token_fallback(module: PyModule) -> None:
    """Find imports and calls line by line; comments and strings are blanked by the tokenizer."""
    code = _blank_strings_and_comments(module.source)
    for number, line in enumerate(code.splitlines(), start=1):
        if m := _IMPORT_RE.match(line):
            if m.group(1):
                local = m.group(2) or m.group(1).split(".")[0]
                module.aliases[local] = m.group(1) if m.group(2) else local
                module.imports.append((m.group(1), 0, number))
            else:
                base = m.group(3)
                module.imports.append((base.lstrip("."), len(base) - len(base.lstrip(".")), number))
                for part in m.group(4).strip("() \\").split(","):
                    bits = part.split(" as ")
                    if bits[0].strip():
                        module.aliases[bits[-1].strip()] = f"{base}.{bits[0].strip()}"
        original = module.lines[number - 1] if number - 1 < len(module.lines) else line
        for m in _CALL_RE.finditer(line):
            dotted = re.sub(r"\s+", "", m.group(1))
            head, _, rest = dotted.partition(".")
            if head in {
                "print",
                "if",
                "while",
                "for",
                "return",
                "elif",
                "and",
                "or",
                "not",
                "in",
                "lambda",
            } or line[: m.start()].rstrip().endswith(("def", "class")):
                continue
            resolved = module.aliases.get(head, head) + (f".{rest}" if rest else "")
            module.calls.append(CallSite(resolved, number, None, None, original[m.end() :].strip()))


def _blank_strings_and_comments(source: str) -> str:
    lines = source.splitlines()
    tokens: list[tokenize.TokenInfo] = []
    try:  # NOTE: keep the tokens read before an error: unbalanced brackets fail only at EOF
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            tokens.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        if not tokens:
            return "\n".join(re.sub(r"#.*$", "", ln) for ln in lines)
    out = [list(ln) for ln in lines]
    for tok in tokens:
        if tok.type in (tokenize.COMMENT, tokenize.STRING):
            (sr, sc), (er, ec) = tok.start, tok.end
            for row in range(sr, er + 1):
                if row - 1 >= len(out):
                    break
                start = sc if row == sr else 0
                end = ec if row == er else len(out[row - 1])
                for col in range(start, min(end, len(out[row - 1]))):
                    out[row - 1][col] = " "
    return "\n".join("".join(chars) for chars in out)


# ------------------------------------------------------------------------------------ entrance


def parse_module(path: str, source: str) -> PyModule:
    """Parse and index `source`; never raises on bad code."""
    module = PyModule(path=path, source=source, mode=ReadMode.AST)
    for mode, text in ((ReadMode.AST, source), (ReadMode.REPAIRED, None)):
        try:
            if text is None:
                text = repair_python2(source)
                if text == source:
                    break
            tree = _parse(text, path)
        except (SyntaxError, ValueError) as exc:
            module.error = (
                module.error
                or f"{type(exc).__name__}: {exc.msg if isinstance(exc, SyntaxError) else exc}"
            )
            if isinstance(exc, SyntaxError) and exc.lineno:
                module.error += f" (line {exc.lineno})"
            continue
        except (RecursionError, MemoryError):
            module.error = "too deeply nested to parse"
            break
        module.mode, module.tree, module.source, module._lines = mode, tree, text, None
        module.parsed = True
        try:
            _index(module, tree)
        except RecursionError:  # ast.unparse of absurd expressions
            module.error = "too deeply nested to index"
        return module
    module.mode = ReadMode.TOKENS
    _token_fallback(module)
    return module
