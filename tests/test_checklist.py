"""The checklist data: 16 items in three sections, valid signals, clear loading errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import InputFileError
from auditor.yamlfile import load_yaml_model
from checklist import Checklist, checklist_path, load_checklist


def test_bundled_checklist_has_sixteen_items_in_order() -> None:
    checklist = load_checklist()
    assert checklist.id == "lindauer-hutter-2020"
    assert [s.prefix for s in checklist.sections] == ["R", "C", "D"]
    assert [i.id for i in checklist.items] == [
        "R1",
        "R2",
        "R3",
        "R4",
        "R5",
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C6",
        "C7",
        "C8",
        "D1",
        "D2",
        "D3",
    ]
    assert all(item.signals and item.remediation and item.rationale for item in checklist.items)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = checklist_path().read_text().replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path


def test_error_names_file_line_and_field(tmp_path: Path) -> None:
    path = _broken(tmp_path, "checked_by: [static, rerun]", "checked_by: [static, telepathy]")
    with pytest.raises(InputFileError) as info:
        load_yaml_model(path, Checklist)
    message = str(info.value)
    assert message.startswith(f"{path}:")
    assert "sections[0].items[0].checked_by[1]" in message
    line = int(message.split(":")[1])
    assert "telepathy" in path.read_text().splitlines()[line - 1]


def test_unknown_field_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, "      - id: R2\n", "      - id: R2\n        colour: red\n")
    with pytest.raises(InputFileError, match=r"sections\[0\]\.items\[1\]\.colour: Extra inputs"):
        load_yaml_model(path, Checklist)


def test_signal_of_another_item_is_rejected(tmp_path: Path) -> None:
    path = _broken(tmp_path, "id: R1.evaluation", "id: R2.evaluation")
    with pytest.raises(InputFileError, match="does not belong to item R1"):
        load_yaml_model(path, Checklist)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nsections: [\n  - a: b\n")
    with pytest.raises(InputFileError, match=r"bad\.yaml:\d+: YAML syntax error"):
        load_yaml_model(path, Checklist)
