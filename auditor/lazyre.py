"""Regular expressions compiled on first use, for the patterns of per-file scans.

An audit of an unchanged repository replays what the scans found in each file from the index
cache, so it never matches most of their line and name patterns; compiling them at import cost
~0.1 ms each, ~8 ms of every start-up. `lazy_compile` stands in for `re.compile`.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    """Stands in for a compiled pattern: compiles it on first use, then answers with its
    attributes (`search`, `match`, `finditer`, `pattern`, ...)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        # NOTE: Python calls this only for a name missing from the instance; the compiled
        # pattern's attribute is stored there, so a later `p.search` is one dict look-up
        # (~20 ns more than on the pattern itself)
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        value = getattr(self._compiled, name)
        setattr(self, name, value)
        return value


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, compiled when the pattern is first used.

    For module-level patterns used through their own methods and attributes alone: the
    stand-in is no `re.Pattern` for `isinstance`, `re.sub(p, ...)` or pickling.
    """
    # NOTE: typed as the pattern it stands in for, which it answers for attribute by attribute
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
