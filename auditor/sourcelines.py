"""The lines of a Python source as `ast` numbers them, cut from the text when asked for.

NOTE: a list of line strings costs ~90 bytes a line on top of the text: on NNI the split
lines of the modules that evidence quotes took 11 MiB, more than any other part of an audit
but the index. A line's start offset costs 8 bytes, and the probes ask for a few lines of a
module at a time (snippets, one-line checks), so each is sliced from the text on demand.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Sequence
from typing import overload

# NOTE: not str.splitlines(): form feeds and other separators are not line breaks to `ast`
NEWLINE = re.compile(r"\r\n|\r|\n")


class SourceLines(Sequence[str]):
    """`NEWLINE.split(text.removesuffix("\\n"))`, without keeping the pieces."""

    __slots__ = ("_end", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text  # NOTE: not `removesuffix`, which copies the text
        self._end = len(text) - 1 if text.endswith("\n") else len(text)
        self._starts = array("q", [0])
        self._starts.extend(match.end() for match in NEWLINE.finditer(text, 0, self._end))

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._line(i) for i in range(*index.indices(len(self._starts)))]
        count = len(self._starts)
        if not -count <= index < count:
            raise IndexError("line index out of range")
        return self._line(index % count)

    def __iter__(self) -> Iterator[str]:
        return (self._line(i) for i in range(len(self._starts)))

    def _line(self, index: int) -> str:
        """Line `index` (0-based) without its line break; lines hold no `\\r` or `\\n`, so the
        break is the last one or two characters before the next line's start."""
        start = self._starts[index]
        if index + 1 == len(self._starts):
            return self._text[start : self._end]
        end = self._starts[index + 1]
        cut = 2 if self._text.startswith("\r\n", end - 2) and end - 2 >= start else 1
        return self._text[start : end - cut]
