"""Patterns compiled on first use answer as the compiled pattern does."""

from __future__ import annotations

import re

import pytest

from auditor.lazyre import lazy_compile


def test_a_lazy_pattern_compiles_on_first_use_and_matches_as_re_compile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int]] = []
    compile_ = re.compile

    def spy(pattern: str, flags: int = 0) -> re.Pattern[str]:
        calls.append((pattern, flags))
        return compile_(pattern, flags)

    monkeypatch.setattr(re, "compile", spy)
    lazy = lazy_compile(r"^(\w+)=(\d+)$", re.M)
    eager = compile_(r"^(\w+)=(\d+)$", re.M)
    assert calls == []
    text = "a=1\nb=x\nc=3"
    assert [m.groups() for m in lazy.finditer(text)] == [m.groups() for m in eager.finditer(text)]
    assert lazy.search(text) is not None and lazy.match("b=x") is None
    assert lazy.sub(r"\2=\1", text) == eager.sub(r"\2=\1", text)
    assert (lazy.pattern, lazy.flags, lazy.groups) == (eager.pattern, eager.flags, eager.groups)
    assert len(calls) == 1  # compiled once, then each attribute answered from the instance
