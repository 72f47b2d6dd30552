"""YAML models load through the fast (libyaml) loader; errors still read as before: the
pure-Python parser's message, with the file, the line and the field."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from auditor.errors import InputFileError
from auditor.yamlfile import validate_yaml_text


class _Run(BaseModel):
    name: str
    seeds: list[int]


def test_valid_text_loads() -> None:
    assert validate_yaml_text("name: a\nseeds: [1, 2]\n", "m.yaml", _Run).seeds == [1, 2]


def test_syntax_errors_keep_the_pure_parser_message_and_line() -> None:
    with pytest.raises(InputFileError) as info:
        validate_yaml_text("name: a\nseeds: b: c\n", "m.yaml", _Run)
    assert str(info.value) == "m.yaml:2: YAML syntax error: mapping values are not allowed here"


def test_invalid_data_names_the_line_and_field() -> None:
    with pytest.raises(InputFileError) as info:
        validate_yaml_text("name: a\nseeds:\n  - 1\n  - x\n", "m.yaml", _Run)
    assert str(info.value).startswith("m.yaml:4: seeds[1]: ")
