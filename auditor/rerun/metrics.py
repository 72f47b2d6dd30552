"""Read a metric after a run: stdout/stderr regex, JSON/JSONL key, CSV column, TensorBoard.

Every reader returns a MetricValue whose status says what happened (ok, missing, nan,
unparsable, file_missing, reader_unavailable); nothing here raises on bad run output.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from auditor.rerun.models import MetricValue
from auditor.rerun.spec import MetricSpec, ParamValue, Reduce, render

MAX_READ = 64 * 1024 * 1024  # larger files: only their last 64 MiB are read
_RAW_CLIP = 64
_JSON_SUFFIXES = (".jsonl", ".ndjson")
_REDUCERS: dict[str, Callable[[list[float]], float]] = {
    "max": max,
    "min": min,
    "mean": lambda xs: math.fsum(xs) / len(xs),
}


def parse_number(text: str) -> MetricValue:
    """One captured string as a number (a trailing % is allowed)."""
    raw = text.strip()[:_RAW_CLIP]
    try:
        value = float(raw.removesuffix("%").strip())
    except (ValueError, OverflowError):
        return MetricValue(status="unparsable", raw=raw, detail="not a number")
    if not math.isfinite(value):
        return MetricValue(status="nan", raw=raw)
    return MetricValue(value=value, status="ok", raw=raw)


def _from_json_value(item: Any) -> MetricValue:
    if isinstance(item, bool) or not isinstance(item, int | float | str):
        detail = "null" if item is None else f"a {type(item).__name__}, not a number"
        return MetricValue(status="missing" if item is None else "unparsable", detail=detail)
    return parse_number(str(item)) if isinstance(item, str) else parse_number(repr(float(item)))


def reduce_values(values: Sequence[MetricValue], how: Reduce, empty: str) -> MetricValue:
    """Several readings of one metric -> one: last, or max/min/mean over the numbers."""
    if not values:
        return MetricValue(status="missing", detail=empty)
    if how == "last":
        return values[-1]
    if any(v.status == "nan" for v in values):
        return MetricValue(status="nan", detail=f"a NaN among {len(values)} values")
    numbers = [v.value for v in values if v.value is not None]
    if not numbers:
        return MetricValue(status="unparsable", detail=f"none of {len(values)} values parsed")
    result = _REDUCERS[how](numbers)
    return MetricValue(value=result, status="ok", raw=repr(result))


def from_text(text: str, pattern: str, how: Reduce = "last") -> MetricValue:
    """Every match of `pattern` (group 1 is the number) reduced to one value."""
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        return MetricValue(status="unparsable", detail=f"bad pattern: {exc}")
    if regex.groups < 1:
        return MetricValue(status="unparsable", detail="the pattern has no group")
    found = [parse_number(m.group(1) or "") for m in regex.finditer(text)]
    return reduce_values(found, how, "the pattern never matched")


def _index(part: str, length: int) -> int | None:
    """`part` as a valid list index (negative counts from the end), else None."""
    if not part.lstrip("-").isdigit():
        return None
    index = int(part)
    return index if -length <= index < length else None


def _dig(row: Any, key: str) -> Any:
    """`a.b.0.c` into nested dicts and lists; KeyError when absent."""
    for part in key.split("."):
        if isinstance(row, dict) and part in row:
            row = row[part]
        elif isinstance(row, list) and _index(part, len(row)) is not None:
            row = row[int(part)]
        else:
            raise KeyError(part)
    return row


def _rows_of_json(text: str, jsonl: bool) -> list[Any] | None:
    if not jsonl:
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        return doc if isinstance(doc, list) else [doc]
    rows: list[Any] = []
    for line in text.splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
    return rows if rows or not text.strip() else None


def from_json(text: str, key: str, how: Reduce, jsonl: bool) -> MetricValue:
    """`key` (dotted) from a JSON document, a JSON list of rows, or JSON lines."""
    rows = _rows_of_json(text, jsonl)
    if rows is None:
        return MetricValue(status="unparsable", detail="not valid JSON")
    found: list[MetricValue] = []
    for row in rows:
        try:
            item = _dig(row, key)
        except KeyError:
            continue
        items = item if isinstance(item, list) else [item]
        found.extend(_from_json_value(x) for x in items)
    return reduce_values(found, how, f"no key {key!r}")


def from_csv(text: str, column: str, how: Reduce, tab: bool) -> MetricValue:
    """`column` of a CSV/TSV file with a header row (last row unless `reduce:`)."""
    sample = text[:4096]
    delimiter = "\t" if tab else ","
    if not tab:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if column not in (reader.fieldnames or []):
        return MetricValue(status="missing", detail=f"no column {column!r}")
    found = [parse_number(row.get(column) or "") for row in reader if row.get(column)]
    return reduce_values(found, how, f"column {column!r} is empty")


def read_limited(path: Path) -> str:
    """A file's text; of a huge file, its first line (a CSV header) and its last MAX_READ bytes."""
    with path.open("rb") as fh:
        size = fh.seek(0, io.SEEK_END)
        fh.seek(0)
        if size <= MAX_READ:
            data = fh.read()
        else:
            head = fh.readline(65536)
            fh.seek(size - MAX_READ)
            fh.readline()
            data = head + fh.read()
    return data.decode("utf-8", errors="replace")


def from_tensorboard(path: Path, tag: str, how: Reduce) -> MetricValue:
    """Scalars of `tag` from TensorBoard event files (needs the optional `tensorboard`)."""
    try:
        from tensorboard.backend.event_processing.event_accumulator import (  # type: ignore[import-not-found]
            EventAccumulator,
        )
    except ImportError:
        return MetricValue(status="reader_unavailable", detail="pip install tensorboard")
    try:
        acc = EventAccumulator(str(path), size_guidance={"scalars": 0})
        acc.Reload()
        events = acc.Scalars(tag) if tag in acc.Tags().get("scalars", []) else []
    except Exception as exc:  # the reader's own errors on corrupt event files
        return MetricValue(status="unparsable", detail=f"tensorboard: {exc}"[:200])
    return reduce_values(
        [parse_number(repr(float(e.value))) for e in events], how, f"no scalar {tag!r}"
    )


def _from_file(spec: MetricSpec, path: Path) -> MetricValue:
    if spec.kind == "tensorboard":
        return from_tensorboard(path, spec.tag or "", spec.reduce)
    if not path.is_file():
        return MetricValue(status="file_missing", detail=f"{spec.file} is not a file")
    text = read_limited(path)
    if spec.key is not None:
        return from_json(text, spec.key, spec.reduce, path.suffix.lower() in _JSON_SUFFIXES)
    if spec.column is not None:
        return from_csv(text, spec.column, spec.reduce, path.suffix.lower() == ".tsv")
    return from_text(text, spec.pattern or "", spec.reduce)


def extract_metric(
    spec: MetricSpec,
    *,
    workdir: Path,
    stdout: Path,
    stderr: Path,
    values: Mapping[str, ParamValue],
) -> MetricValue:
    """The metric of one finished run; paths are relative to the run's working copy."""
    if spec.kind in ("stdout", "stderr"):
        log = stdout if spec.kind == "stdout" else stderr
        text = read_limited(log) if log.is_file() else ""
        return from_text(text, spec.pattern or "", spec.reduce)
    rel = render(spec.file or "", values, quote=False)
    path = workdir / rel
    if not path.resolve().is_relative_to(workdir.resolve()) or not path.exists():
        return MetricValue(status="file_missing", detail=f"{rel} not found in the run's copy")
    try:
        return _from_file(spec, path)
    except OSError as exc:
        return MetricValue(status="file_missing", detail=f"cannot read: {exc.strerror}")
