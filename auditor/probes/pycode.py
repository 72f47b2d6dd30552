"""Small shared readers over a parsed module for the structural probes.

Everything here works from the `PyModule` index (calls, assigns, functions) or from one regex
pass over the source; nothing re-walks a whole tree. `Code` caches per-module lookups (line
offsets, function spans) for one audit.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from auditor.facts import CodeSignal
from auditor.pyast import CallSite, ClassInfo, PyModule

MAX_PER_KIND = 300

# What a recording scan saw, to replay into the audit's sinks (structure.py): the channel
# (a sink's name, "note" for traits, "data" for data hits), the module's source line, then the
# channel's own arguments.
Event = tuple[str, int, str, str, str | None]


@dataclass
class Code:
    """One module with cached line and scope lookups."""

    module: PyModule

    @property
    def path(self) -> str:
        """Repo path of the module."""
        return self.module.path

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        for match in re.finditer("\n", self.module.source):
            starts.append(match.end())
        return starts

    @cached_property
    def _spans(self) -> list[tuple[int, int, str]]:
        spans = [(f.line, f.end_line, name) for name, f in self.module.functions.items()]
        return sorted(spans, key=lambda s: (s[0], -s[1]))

    @cached_property
    def calls_by_scope(self) -> dict[str | None, list[CallSite]]:
        """Calls grouped by their enclosing function (None: module level)."""
        out: dict[str | None, list[CallSite]] = {}
        for call in self.module.calls:
            out.setdefault(call.scope, []).append(call)
        return out

    def calls_in(self, function: str) -> list[CallSite]:
        """Calls in a function and the functions nested in it."""
        prefix = function + "."
        return [
            c
            for scope, calls in self.calls_by_scope.items()
            if scope is not None and (scope == function or scope.startswith(prefix))
            for c in calls
        ]

    def body_text(self, function: str, limit: int = 6000) -> str:
        """Source of a function (clipped), for cheap word checks."""
        info = self.module.functions.get(function)
        if info is None:
            return ""
        return "\n".join(self.module.lines[info.line - 1 : info.end_line])[:limit]

    @cached_property
    def class_nodes(self) -> list[ClassInfo]:
        """Class definitions at module level and one level inside `if`/`try` blocks."""
        return [c for c in self.module.class_list if c.place != "def"]

    def scope_at(self, line: int) -> str | None:
        """The innermost function (dotted) containing a source line."""
        best: str | None = None
        for start, end, name in self._spans:
            if start > line:
                break
            if line <= end:
                best = name
        return best

    def line_of(self, offset: int) -> int:
        """1-based source line of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_text(self, line: int) -> str:
        """One source line, split on newlines exactly as `ast` numbers them."""
        starts = self._line_starts
        end = starts[line] - 1 if line < len(starts) else len(self.module.source)
        return self.module.source[starts[line - 1] : end].rstrip("\r")

    def matches(
        self, pattern: re.Pattern[str], anchors: tuple[str, ...]
    ) -> Iterator[tuple[int, re.Match[str]]]:
        """Matches of a one-line pattern in live code (not docstrings, dead code, comments).

        Only lines holding one of the lowercase `anchors` are tried (found with `str.find`),
        which keeps a pass over a large repository cheap; every match must contain an anchor.
        """
        for line in anchored_lines(self._lower, anchors, self.line_of):
            if not self.module.is_live(line):
                continue
            text = self.line_text(line)
            for match in pattern.finditer(text):
                if "#" in text[: match.start()] and _in_comment(text[: match.start()]):
                    continue
                yield line, match

    @cached_property
    def _lower(self) -> str:
        return self.module.source.lower()

    def bases(self, node: ClassInfo) -> list[str]:
        """Qualified names of a class's bases."""
        return list(node.bases)

    def text(self, node: ast.AST) -> str:
        """Source text of a node (clipped)."""
        return self.module.segment(node)


def anchored_lines(
    lower: str, anchors: tuple[str, ...], line_of: Callable[[int], int]
) -> list[int]:
    """Sorted 1-based lines of a (lowercased) text that contain any of the anchors."""
    lines: set[int] = set()
    find = lower.find
    for anchor in anchors:
        index = find(anchor)
        while index >= 0:
            lines.add(line_of(index))
            # NOTE: one hit per line is enough: go on from the next line (`end` or `step` can
            # occur many times on one line of a large file)
            index = find("\n", index)
            if index < 0:
                break
            index = find(anchor, index)
    return sorted(lines)


def _in_comment(prefix: str) -> bool:
    """Whether a `#` in this line prefix starts a comment (not inside a string)."""
    quote: str | None = None
    for char in prefix:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return True
    return False


def last(name: str) -> str:
    """Last component of a dotted name."""
    return name.rpartition(".")[2]  # NOTE: twice as fast as rsplit; called per call per probe


def str_args(call: CallSite) -> list[str]:
    """String constants among a call's positional arguments."""
    if call.node is None:
        return re.findall(r"""['"]([^'"]{1,200})['"]""", call.args_text)[:4]
    return [
        a.value for a in call.node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]


def keyword(call: CallSite, name: str) -> ast.expr | None:
    """A keyword argument's expression, if given."""
    if call.node is None:
        return None
    return next((k.value for k in call.node.keywords if k.arg == name), None)


def call_text(code: Code, call: CallSite) -> str:
    """The call's source text, or its line in the token fallback."""
    if call.span is not None:
        return code.module.segment_at(call.span)
    return code.module.snippet(call.line)


@dataclass
class Sink:
    """Appends signals to a facts list with a cap per kind and no duplicates."""

    target: list[CodeSignal]
    seen: set[tuple[str, str, str]] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def add(
        self, code: Code, line: int, kind: str, detail: str = "", key: str | None = None
    ) -> bool:
        """Record a signal at a source line of `code`; `key` dedupes (default: the detail)."""
        ident = (code.path, kind, detail if key is None else key)
        if ident in self.seen or self.counts.get(kind, 0) >= MAX_PER_KIND:
            return False
        self.seen.add(ident)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        module = code.module
        self.target.append(
            CodeSignal(
                path=code.path,
                line=module.file_line(line),
                snippet=module.snippet(line),
                kind=kind,
                detail=detail[:200],
            )
        )
        return True

    def add_located(self, fact: CodeSignal) -> bool:
        """Record a signal built elsewhere (a file, a shell line)."""
        ident = (fact.path, fact.kind, fact.detail + f"@{fact.line}")
        if ident in self.seen or self.counts.get(fact.kind, 0) >= MAX_PER_KIND:
            return False
        self.seen.add(ident)
        self.counts[fact.kind] = self.counts.get(fact.kind, 0) + 1
        self.target.append(fact)
        return True


@dataclass
class Traits:
    """What each function does, for assigning roles to entry points through the call graph.

    Keys are (path, function, class or None for module level); values are (trait, reason)
    pairs. Traits: search, supernet, opt_step, epoch_loop, genotype_lookup, eval, bench_query,
    plot.
    """

    at: dict[tuple[str, str | None], list[tuple[str, str]]] = field(default_factory=dict)

    def note(
        self, code: Code, line: int, trait: str, reason: str, klass: str | None = None
    ) -> None:
        """Record that the function around `line` shows a trait, or the class `klass` (what
        its class statement shows counts where the class is created or its methods run, not
        where its module is imported)."""
        bucket = self.at.setdefault((code.path, klass or code.scope_at(line)), [])
        if len(bucket) < 40 and all(t != trait for t, _ in bucket):
            bucket.append((trait, f"{reason} ({code.path}:{code.module.file_line(line)})"))


class SinkRecorder(Sink):
    """Stands in for a sink while one module is scanned on its own: keeps each signal as an
    event (structure.py replays it into the audit's sink, which decides caps and duplicates)."""

    def __init__(self, channel: str, events: list[Event]) -> None:
        super().__init__([])
        self.channel, self.events = channel, events

    def add(
        self, code: Code, line: int, kind: str, detail: str = "", key: str | None = None
    ) -> bool:
        self.events.append((self.channel, line, kind, detail, key))
        return True


class TraitsRecorder(Traits):
    """Stands in for the traits while one module is scanned on its own (see SinkRecorder)."""

    def __init__(self, events: list[Event]) -> None:
        super().__init__()
        self.events = events

    def note(
        self, code: Code, line: int, trait: str, reason: str, klass: str | None = None
    ) -> None:
        self.events.append(("note", line, trait, reason, klass))
