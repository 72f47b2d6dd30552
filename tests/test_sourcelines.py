"""SourceLines cuts lines from the text exactly as splitting it would, without keeping them."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.sourcelines import NEWLINE, SourceLines

# line breaks of every kind, form feeds (no line break to `ast`) and ordinary characters
_TEXT = st.lists(st.sampled_from(["a", "é", " ", "\n", "\r", "\r\n", "\x0c", "\t"])).map("".join)


def _split(text: str) -> list[str]:
    return NEWLINE.split(text.removesuffix("\n"))


@given(_TEXT)
def test_lines_equal_the_split_text(text: str) -> None:
    lines = SourceLines(text)
    expected = _split(text)
    assert list(lines) == expected
    assert len(lines) == len(expected)
    assert [lines[i] for i in range(-len(expected), len(expected))] == expected + expected


@given(_TEXT, st.integers(-3, 12), st.integers(-3, 12))
def test_slices_equal_the_split_texts_slices(text: str, start: int, stop: int) -> None:
    assert SourceLines(text)[start:stop] == _split(text)[start:stop]


def test_a_line_past_the_end_is_an_index_error() -> None:
    lines = SourceLines("a\nb\n")
    assert list(lines) == ["a", "b"]
    with pytest.raises(IndexError):
        lines[2]
    with pytest.raises(IndexError):
        lines[-3]


def test_line_numbers_agree_with_ast() -> None:
    text = "x = 1\r\ny = 2\rz = 3\n\x0cw = 4\n\nv = 5\n"
    lines = SourceLines(text)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign):
            assert lines[node.lineno - 1].lstrip("\x0c").startswith(ast.unparse(node.targets[0]))
