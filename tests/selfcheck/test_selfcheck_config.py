"""nas-audit.yaml read strictly: answers, waivers, the rerun section with `smoke:`, and every
bad input named by file, line and field."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from auditor.errors import InputFileError
from auditor.models import DeclaredAnswer, WaiverReason
from auditor.rerun import load_manifest
from auditor.rerun.manifest import Manifest
from auditor.selfcheck.config import load_config
from checklist import load_checklist

CHECKLIST = load_checklist("lindauer-hutter-2020")

GOOD = """
rerun:
  command: "python train.py --seed {seed} --epochs {epochs}"
  params: {epochs: 50, width: 16}
  seeds: [3, 4, 5]
  timeout: 900
  smoke:
    params: {epochs: 1}
answers:
  R1:
    answer: yes
    where: train.py
    justification: "train.py retrains the cell"
  R2: no
  R3: {answer: partial, where: [configs/, ./train.py]}
  C6:
    answer: n/a
  D1:
  D2:
    answer:
    where: []
    justification: ""
waive:
  C6: {reason: not-applicable, note: "  benchmark release  "}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "nas-audit.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        load_config(write(tmp_path, text), CHECKLIST)
    return caught.value


def test_answers_waivers_and_rerun_load(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), CHECKLIST)
    assert config.answers is not None
    answers = {k: (v.answer, v.where, v.justification) for k, v in config.answers.items()}
    assert answers == {
        "R1": (DeclaredAnswer.YES, ("train.py",), "train.py retrains the cell"),
        "R2": (DeclaredAnswer.NO, (), None),  # `R2: no`, and YAML's false read as the word
        "R3": (DeclaredAnswer.PARTIAL, ("configs", "./train.py"), None),
        "C6": (DeclaredAnswer.NOT_APPLICABLE, (), None),
        "D1": (None, (), None),  # `D1:` with nothing under it: not answered yet
        "D2": (None, (), None),
    }
    waiver = config.waive["C6"].to_waiver()
    assert (waiver.reason, waiver.note) == (WaiverReason.NOT_APPLICABLE, "benchmark release")
    assert config.rerun is not None and config.rerun.smoke is not None


def test_no_answers_key_is_none_and_an_empty_file_is_valid(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "rerun:\n  command: python t.py\n")).answers is None
    assert load_config(write(tmp_path, "answers:\n")).answers == {}
    empty = load_config(write(tmp_path, ""))
    assert (empty.rerun, empty.answers, empty.waive) == (None, None, {})


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("anwsers:\n  R1: {answer: yes}\n", 1, "anwsers", "unknown top-level key 'anwsers'"),
        ("answers:\n  R1: {answer: yes, wher: [a]}\n", 2, "answers.R1.wher", "unknown key"),
        ("answers:\n  R1:\n    answer: maybe\n", 3, "answers.R1.answer", "'yes', 'partial'"),
        ("answers:\n  R1: maybe\n", 2, "answers.R1.answer", "'yes', 'partial'"),
        ("answers:\n  X9: {answer: yes}\n", 2, "answers.X9", "not an item of the checklist"),
        ("waive:\n  R0: {reason: accepted, note: x}\n", 2, "waive.R0", "not an item"),
        (
            "answers:\n  R1: {answer: yes}\n  R2: {answer: no}\n  R1: {answer: no}\n",
            4,
            "answers.R1",
            "duplicate key 'R1' (first at line 2)",
        ),
        ("answers: {}\nwaive: {}\nanswers: {}\n", 3, "answers", "duplicate key 'answers'"),
        ("answers:\n  R1: {answer: yes\n", 3, None, "YAML syntax error"),
        ("answers:\n  R1: {answer: yes, where: [../x.py]}\n", 2, "answers.R1.where[0]", "'..'"),
        (
            "answers:\n  R1: {answer: yes, where: [/etc/passwd]}\n",
            2,
            "answers.R1.where[0]",
            "relative",
        ),
        ("waive:\n  C6: {reason: accepted}\n", 2, "waive.C6.note", "Field required"),
        ("waive:\n  C6: {reason: accepted, note: ' '}\n", 2, "waive.C6.note", "say why"),
        ("waive:\n  C6: {reason: meh, note: x}\n", 2, "waive.C6.reason", "not-applicable"),
        ("answers: [R1, R2]\n", 1, "answers", "valid dictionary"),
        ("- R1\n", 1, None, "must be a mapping with rerun, answers, waive"),
        (
            "rerun:\n  command: python t.py --epochs {epochs}\n  params: {epochs: 3}\n"
            "  smoke:\n    params: {epoch: 1}\n",
            5,
            "rerun.smoke.params",
            "epoch is not a key of rerun.params",
        ),
        ("rerun:\n  command: python t.py\n  smoke: {timeout: 0}\n", 3, "rerun.smoke.timeout", ""),
    ],
)
def test_bad_files_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, message: str
) -> None:
    error = error_of(tmp_path, text)
    assert (error.line, error.field) == (line, field), str(error)
    assert message in str(error)
    assert str(error).startswith(f"{tmp_path / 'nas-audit.yaml'}:{line}: ")


def test_the_rerun_loader_is_strict_about_the_whole_file(tmp_path: Path) -> None:
    write(tmp_path, "rerun:\n  command: python t.py\nrerun_notes: x\n")
    with pytest.raises(InputFileError, match="unknown top-level key 'rerun_notes'"):
        load_manifest(tmp_path)
    write(tmp_path, "rerun:\n  command: python a.py\n  command: python b.py\n")
    with pytest.raises(InputFileError, match="duplicate key 'command'"):
        load_manifest(tmp_path)


def test_aliases_are_not_walked_exponentially(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    text = "answers:\n  R1:\n    justification: j\n" + "".join(
        f"x{i}:\n  {line}\n" for i, line in enumerate(levels)
    )
    started = time.perf_counter()
    error = error_of(tmp_path, text)
    assert "unknown top-level key 'x0'" in str(error)
    assert time.perf_counter() - started < 5


def test_smoke_variant_is_one_short_run_without_claims() -> None:
    manifest = Manifest.model_validate(
        {
            "command": "python t.py --seed {seed} --epochs {epochs}",
            "params": {"epochs": 50, "width": 16},
            "seeds": [3, 4, 5],
            "timeout": 900,
            "metrics": [{"name": "acc", "from": "stdout", "pattern": r"acc (\d+)"}],
            "claims": [{"metric": "acc", "value": 90}],
            "smoke": {"params": {"epochs": 1}},
        }
    ).with_source("nas-audit.yaml")
    smoke = manifest.smoke_variant()
    assert (smoke.seeds, smoke.repeats, smoke.params) == ([3], 1, {"epochs": 1, "width": 16})
    assert (smoke.timeout, smoke.claims, smoke.smoke) == (120, [], None)
    assert smoke.metrics == manifest.metrics and smoke.source == "nas-audit.yaml (smoke)"
    short = manifest.model_copy(update={"timeout": 30.0}).smoke_variant()
    assert short.timeout == 30  # never longer than the manifest's own timeout
    chosen = Manifest.model_validate({"command": "python t.py", "smoke": {"timeout": 400}})
    assert chosen.smoke_variant().timeout == 400  # an explicit smoke timeout wins
    assert "smoke" not in Manifest(command="python t.py").to_yaml()
