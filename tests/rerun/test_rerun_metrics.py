"""Metric extraction: every reader answers with a status, never an exception."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.rerun import MetricSpec
from auditor.rerun.capture import CappedOutput
from auditor.rerun.metrics import extract_metric, from_csv, from_json, from_text, parse_number
from auditor.rerun.script_read import NUMBER

LOG = "epoch 0 valid_acc 90.5\nepoch 1 valid_acc 91.25\nepoch 2 valid_acc 90.75\n"


@pytest.mark.parametrize(
    ("how", "expected"), [("last", 90.75), ("max", 91.25), ("min", 90.5), ("mean", 90.833333)]
)
def test_regex_reduce(how: str, expected: float) -> None:
    value = from_text(LOG, r"valid_acc ([0-9.]+)", how)  # type: ignore[arg-type]
    assert value.status == "ok" and value.value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("valid_acc nan", "nan"),
        ("valid_acc inf", "nan"),
        ("nothing here", "missing"),
        ("valid_acc 1.2.3", "unparsable"),
        ("valid_acc 97.5%", "ok"),
    ],
)
def test_regex_statuses(text: str, status: str) -> None:
    assert from_text(text, r"valid_acc (\S+)").status == status


def test_nan_among_values_poisons_max_but_not_last() -> None:
    text = "acc nan\nacc 3\n"
    assert from_text(text, r"acc (\S+)", "max").status == "nan"
    assert from_text(text, r"acc (\S+)", "last").value == 3.0


def test_json_dotted_key_and_jsonl_rows() -> None:
    doc = '{"test": {"acc": 93.1, "hist": [1, 2, 5]}}'
    assert from_json(doc, "test.acc", "last", jsonl=False).value == 93.1
    assert from_json(doc, "test.hist", "max", jsonl=False).value == 5.0
    assert from_json(doc, "test.hist.-1", "last", jsonl=False).value == 5.0
    rows = '{"acc": 1}\n{"loss": 2}\nnot json\n{"acc": 3}\n'
    assert from_json(rows, "acc", "last", jsonl=True).value == 3.0
    assert from_json(rows, "acc", "mean", jsonl=True).value == 2.0
    assert from_json(rows, "nope", "last", jsonl=True).status == "missing"
    assert from_json("{broken", "acc", "last", jsonl=False).status == "unparsable"
    assert from_json('{"acc": null}', "acc", "last", jsonl=False).status == "missing"
    assert from_json('{"acc": NaN}', "acc", "last", jsonl=False).status == "nan"
    assert from_json('{"acc": {"a": 1}}', "acc", "last", jsonl=False).status == "unparsable"


def test_csv_column() -> None:
    text = "epoch,loss,acc\n0,1.5,80\n1,0.9,85\n2,0.7,84\n"
    assert from_csv(text, "acc", "last", tab=False).value == 84.0
    assert from_csv(text, "acc", "max", tab=False).value == 85.0
    assert from_csv(text, "top1", "last", tab=False).status == "missing"
    assert from_csv("a\tb\n1\t2\n", "b", "last", tab=True).value == 2.0


def test_file_metrics_resolve_seed_and_repeat(tmp_path: Path) -> None:
    (tmp_path / "logs" / "3").mkdir(parents=True)
    (tmp_path / "logs" / "3" / "m.jsonl").write_text('{"acc": 7}\n')
    spec = MetricSpec(name="acc", file="logs/{seed}/m.jsonl", key="acc")
    args = {"workdir": tmp_path, "stdout": tmp_path / "o", "stderr": tmp_path / "e"}
    assert extract_metric(spec, values={"seed": 3, "repeat": 0}, **args).value == 7.0
    missing = extract_metric(spec, values={"seed": 4, "repeat": 0}, **args)
    assert missing.status == "file_missing" and "logs/4/m.jsonl" in (missing.detail or "")


def test_file_path_cannot_escape_the_run_copy(tmp_path: Path) -> None:
    (tmp_path / "secret.json").write_text('{"acc": 1}')
    work = tmp_path / "work"
    work.mkdir()
    spec = MetricSpec(name="acc", file="{where}/secret.json", key="acc")
    value = extract_metric(
        spec,
        workdir=work,
        stdout=work / "o",
        stderr=work / "e",
        values={"where": "..", "seed": 0, "repeat": 0},
    )
    assert value.status == "file_missing"


def test_tensorboard_without_the_reader(tmp_path: Path) -> None:
    if importlib.util.find_spec("tensorboard") is not None:
        pytest.skip("tensorboard is installed here")
    (tmp_path / "runs").mkdir()
    spec = MetricSpec.model_validate(
        {"name": "acc", "from": "tensorboard", "file": "runs", "tag": "valid/acc"}
    )
    value = extract_metric(
        spec,
        workdir=tmp_path,
        stdout=tmp_path / "o",
        stderr=tmp_path / "e",
        values={"seed": 0, "repeat": 0},
    )
    assert value.status == "reader_unavailable"


def test_capped_output_keeps_head_and_tail(tmp_path: Path) -> None:
    sink = CappedOutput(tmp_path / "out.log", cap=1000, keep=100)
    for i in range(300):
        sink.write(f"line {i:04d}\n".encode())
    sink.close()
    text = (tmp_path / "out.log").read_text()
    assert sink.truncated and sink.runaway and sink.total == 300 * 10
    assert text.startswith("line 0000") and text.endswith("line 0299\n")
    assert "bytes omitted" in text and len(text) < 1000 + 100 + 60
    assert sink.tail(25) == "line 0298\nline 0299\n"


@settings(max_examples=300, deadline=None)
@given(
    st.text(),
    st.sampled_from(
        [r"acc (\S+)", r"([0-9.eE+-]+)", r"(.*)", r"x(\d*)", "valid_acc " + NUMBER, r"(a|b)?"]
    ),
    st.sampled_from(["last", "max", "min", "mean"]),
)
def test_regex_extraction_never_raises(text: str, pattern: str, how: str) -> None:
    value = from_text(text, pattern, how)  # type: ignore[arg-type]
    assert value.status in ("ok", "missing", "nan", "unparsable")
    assert (value.value is not None) == (value.status == "ok")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_user_patterns_never_raise(pattern: str) -> None:
    value = from_text("valid_acc 1.0", pattern)
    assert value.status in ("ok", "missing", "nan", "unparsable")


@given(st.text(max_size=80))
def test_parse_number_never_raises(text: str) -> None:
    value = parse_number(text)
    assert value.status in ("ok", "nan", "unparsable")


def test_inferred_number_pattern_reads_common_formats() -> None:
    regex = re.compile("acc " + NUMBER)
    texts = ("97.24", "-1e-3", ".5", "nan", "3")
    found = [m.group(1) for t in texts if (m := regex.search(f"acc {t}")) is not None]
    assert found == ["97.24", "-1e-3", ".5", "nan", "3"]
