"""The `rerun:` manifest: defaults, placeholders, and errors that name file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from builders import lines_of

from auditor.errors import InputFileError
from auditor.rerun import Manifest, load_manifest
from auditor.rerun.api import plan_runs
from auditor.rerun.manifest import MANIFEST_NAME
from auditor.rerun.spec import placeholders, render

FULL = """
answers: {R1: yes}          # the self-check's keys (auditor/selfcheck/config.py)
waive: {}
rerun:
  setup: "echo prepare"
  command: "python train.py --seed {seed} --epochs {epochs} --tag run{repeat}"
  params: {epochs: 2}
  seeds: [0, 1, 2]
  repeats: 2
  timeout: 900
  metrics:
    - name: valid_acc
      from: stdout
      pattern: 'valid_acc ([0-9.]+)'
      goal: max
    - name: test_acc
      file: "logs/{seed}/metrics.jsonl"
      key: test.acc
      reduce: max
    - name: loss
      from: file
      file: "log.csv"
      column: loss
      goal: min
  claims:
    - metric: valid_acc
      value: 97.24
      std: 0.09
      tolerance: 0.5
      source: "README, Table 1"
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / MANIFEST_NAME).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return tmp_path / MANIFEST_NAME


def error_of(tmp_path: Path, text: str) -> InputFileError:
    write(tmp_path, text)
    with pytest.raises(InputFileError) as caught:
        load_manifest(tmp_path)
    return caught.value


def test_full_manifest_loads_with_its_source(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    manifest = load_manifest(tmp_path)
    assert manifest is not None and manifest.source == str(path)
    assert manifest.seeds == [0, 1, 2] and manifest.repeats == 2 and manifest.timeout == 900
    kinds = [(m.name, m.kind, m.reduce) for m in manifest.metrics]
    assert kinds == [
        ("valid_acc", "stdout", "last"),
        ("test_acc", "file", "max"),
        ("loss", "file", "last"),
    ]
    assert manifest.claims[0].std == 0.09 and manifest.claims[0].source == "README, Table 1"


def test_defaults() -> None:
    manifest = Manifest(command="python train.py")
    assert manifest.repeats == 2 and manifest.seeds == [0, 1] and manifest.setup is None


def test_plan_fills_placeholders_with_quoted_values() -> None:
    manifest = Manifest(
        command="python t.py --seed {seed} --name {name} ${HOME} {{x}}",
        params={"name": "a b"},
        seeds=[3],
        repeats=2,
    )
    commands = [s.command for s in plan_runs(manifest)]
    assert commands == ["python t.py --seed 3 --name 'a b' ${HOME} {x}"] * 2
    assert [s.run_id for s in plan_runs(manifest)] == ["seed3-rep0", "seed3-rep1"]
    assert placeholders("a {seed} ${B} {{c}} {d}") == ["seed", "d"]
    assert render("{seed}/{repeat}", {"seed": 1, "repeat": 0}, quote=False) == "1/0"


def test_no_manifest_file_or_no_rerun_section_is_none(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) is None
    write(tmp_path, "answers: {}\n")
    assert load_manifest(tmp_path) is None


def test_explicit_manifest_without_rerun_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "answers: {}\n")
    with pytest.raises(InputFileError, match="rerun"):
        load_manifest(Path("/nonexistent"), path)


def test_explicit_manifest_is_used_over_the_repository(tmp_path: Path) -> None:
    reviewer = tmp_path / "reviewer.yaml"
    reviewer.write_text("rerun:\n  command: python t.py --seed {seed}\n", encoding="utf-8")
    manifest = load_manifest(tmp_path, reviewer)
    assert manifest is not None and manifest.source == str(reviewer)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("    goal: max", "    gaol: max", "rerun.metrics[0].gaol", "Extra inputs"),
        ("  repeats: 2", "  repeatz: 2", "rerun.repeatz", "Extra inputs"),
        ("  repeats: 2", "  repeats: 0", "rerun.repeats", "greater than or equal to 1"),
        ("--epochs {epochs}", "--epochs {epochs} --lr {lr}", "rerun.command", "{lr}"),
        (
            "metric: valid_acc",
            "metric: valid_accuracy",
            "rerun.claims[0].metric",
            "no metric named",
        ),
        (
            "'valid_acc ([0-9.]+)'",
            "'(valid)_acc ([0-9.]+)'",
            "rerun.metrics[0].pattern",
            "one capturing group",
        ),
        ("logs/{seed}/", "logs/{run}/", "rerun.metrics[1].file", "{run}"),
        ("seeds: [0, 1, 2]", "seeds: [0, 1, 1]", "rerun.seeds", "distinct"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    text = textwrap.dedent(FULL).lstrip("\n").replace(old, new, 1)
    error = error_of(tmp_path, text)
    assert error.path == str(tmp_path / MANIFEST_NAME) and error.field == field
    assert error.line == lines_of(tmp_path, MANIFEST_NAME, new.strip())[0]
    assert message in str(error)


def test_metric_needs_a_reader_for_its_source(tmp_path: Path) -> None:
    error = error_of(
        tmp_path, "rerun:\n  command: x\n  metrics:\n    - name: a\n      from: file\n"
    )
    assert error.field == "rerun.metrics[0]" and error.line == 4
    assert "needs `file:`" in str(error)


def test_yaml_round_trip(tmp_path: Path) -> None:
    write(tmp_path, FULL)
    manifest = load_manifest(tmp_path)
    assert manifest is not None
    (tmp_path / "again.yaml").write_text(manifest.to_yaml(), encoding="utf-8")
    again = load_manifest(tmp_path, tmp_path / "again.yaml")
    assert again is not None and again.model_dump() == manifest.model_dump()
