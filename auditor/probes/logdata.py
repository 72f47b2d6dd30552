"""Read structured logs: JSON, JSON Lines, CSV, and TensorBoard event files (when the optional
`tensorboard` package is installed) into `LogRun`s.

A record's hyperparameters come from an `args`/`config`/`hyperparameters`-like dict, metrics from
keys that name a metric (acc, loss, error, ppl, top1/top5 as a `_`-separated word) or from any
number inside a `metrics`/`results`-like dict; the last value of each metric wins.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from auditor.facts import LogRun, clip_snippet
from auditor.probes.logcurves import CurveBuilder

MAX_METRICS = 50
MAX_RECORDS = 100_000
MAX_HYPERPARAMETERS = 200
HP_KEYS = ("args", "config", "hyperparameters", "hparams", "params", "arguments", "cfg", "settings")
METRIC_CONTAINERS = frozenset({"metrics", "results", "final", "best", "test", "eval", "summary"})
SEED_KEYS = ("seed", "random_seed", "rng_seed", "manual_seed")
EPOCH_KEYS = frozenset({"epoch", "epochs"})
ELAPSED_KEYS = frozenset(
    {
        "elapsed",
        "elapsed_seconds",
        "elapsed_time",
        "total_time",
        "runtime",
        "wall_time",
        "wall_clock_time",
        "time_elapsed",
        "search_time",
        "train_time",
        "training_time",
    }
)
_METRIC_WORD_RE = re.compile(
    r"(?:^|_)(?:acc|accuracy|loss|error|err|ppl|perplexity|top1|top5)"
    r"(?:_|$)"
)


def metric_name(key: str) -> str | None:
    """The normalised metric name of a key ('Valid/Acc@1' -> 'valid_acc_1'), or None."""
    name = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_").replace("top_", "top")
    return name if _METRIC_WORD_RE.search(name) else None


@dataclass
class _Summary:
    """What the records of one run have shown so far."""

    line: int | None = None
    hyperparameters: dict[str, str] = field(default_factory=dict)
    seed: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    epochs: list[int] = field(default_factory=list)
    metric_records: int = 0
    longest_series: int = 0
    elapsed: float | None = None
    epoch: int | None = None  # the epoch of the record being read, for the learning curves
    curve: CurveBuilder = field(default_factory=CurveBuilder)

    def found(self) -> bool:
        return bool(self.metrics or self.hyperparameters or self.seed is not None or self.epochs)

    def to_run(
        self, path: str, fmt: Literal["json", "jsonl", "csv", "tensorboard"], snippet: str | None
    ) -> LogRun:
        epochs = None
        if self.epochs:  # 0-based counters mean one epoch more than the largest number
            epochs = max(self.epochs) + (1 if min(self.epochs) == 0 else 0)
        elif self.longest_series:
            epochs = self.longest_series
        elif fmt == "jsonl" and self.metric_records:
            epochs = self.metric_records
        return LogRun(
            path=path,
            line=self.line or 1,
            snippet=snippet,
            format=fmt,
            seed=self.seed,
            hyperparameters=self.hyperparameters,
            metrics=self.metrics,
            epochs=epochs,
            elapsed_seconds=self.elapsed,
            curve=self.curve.curves(),
        )


# --------------------------------------------------------------------------------- JSON(L)


def json_runs(path: str, text: str) -> list[LogRun]:
    """One run from a JSON log: a dict, or a list of per-epoch dicts."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    records = (
        [data]
        if isinstance(data, dict)
        else (
            [r for r in data[:MAX_RECORDS] if isinstance(r, dict)] if isinstance(data, list) else []
        )
    )
    if not records:
        return []
    summary = _Summary()
    for record in records:
        _add_record(summary, record)
    if not summary.found():
        return []
    lines = text.splitlines()
    first = next(iter(summary.metrics), None)
    if first is not None:
        summary.line = _json_key_line(text, first)
    snippet = lines[summary.line - 1] if summary.line and summary.line <= len(lines) else None
    return [summary.to_run(path, "json", clip_snippet(snippet) if snippet else None)]


def jsonl_runs(path: str, text: str) -> list[LogRun]:
    """One run from a JSON Lines log: hyperparameters from the first record that has them,
    metrics from the last value of each, epochs from an `epoch` field or the record count."""
    summary = _Summary()
    snippet = None
    for number, line in enumerate(text.splitlines()[:MAX_RECORDS], start=1):
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict) and _add_record(summary, record) and summary.line is None:
            summary.line, snippet = number, clip_snippet(line, max_lines=1)
    if not summary.found():
        return []
    return [summary.to_run(path, "jsonl", snippet)]


def _add_record(summary: _Summary, record: dict[str, object]) -> bool:
    """Fold one record into the summary; True when it held a metric."""
    if not summary.hyperparameters:
        hp = next((record[k] for k in HP_KEYS if isinstance(record.get(k), dict)), None)
        summary.hyperparameters = _flatten(hp) if isinstance(hp, dict) else {}
    if summary.seed is None:
        seeds = [record[k] for k in SEED_KEYS if k in record]
        seeds += [summary.hyperparameters[k] for k in SEED_KEYS if k in summary.hyperparameters]
        summary.seed = next(
            (_scalar_text(v) for v in seeds if isinstance(v, (int, str)) and v != "null"), None
        )
    epoch = record.get("epoch")
    summary.epoch = None
    if isinstance(epoch, int) and not isinstance(epoch, bool):
        summary.epochs.append(epoch)
        summary.epoch = epoch
    for key in ELAPSED_KEYS & record.keys():
        value = _number(record[key])
        summary.elapsed = value if value is not None else summary.elapsed
    found = _metrics_of(record, summary)
    summary.metrics.update(found)
    summary.metric_records += bool(found)
    return bool(found)


def _metrics_of(record: dict[str, object], summary: _Summary) -> dict[str, float]:
    found: dict[str, float] = {}
    for key, value in record.items():
        if isinstance(value, dict) and key.lower() in METRIC_CONTAINERS:
            for inner, inner_value in value.items():
                inner_name = metric_name(str(inner)) or re.sub(
                    r"[^a-z0-9]+", "_", str(inner).lower()
                )
                _put(found, inner_name, inner_value, summary)
        elif (name := metric_name(key)) is not None:
            _put(found, name, value, summary)
        if len(found) >= MAX_METRICS:
            break
    return found


def _put(found: dict[str, float], name: str, value: object, summary: _Summary) -> None:
    if isinstance(value, list) and value:
        summary.longest_series = max(summary.longest_series, len(value))
        if name:
            summary.curve.extend(name, (n for v in value if (n := _number(v)) is not None))
        value = value[-1]
    elif name and (point := _number(value)) is not None:
        summary.curve.add(name, point, summary.epoch)
    number = _number(value)
    if number is not None and name:
        found[name] = number


def _flatten(data: dict[object, object], prefix: str = "", depth: int = 1) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 3:
            out.update(_flatten(value, name + ".", depth + 1))
        else:
            out[name] = _scalar_text(value)
        if len(out) >= MAX_HYPERPARAMETERS:
            break
    return out


def _scalar_text(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 200 else text[:199] + "…"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value.rstrip("%") if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _json_key_line(text: str, key: str) -> int | None:
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text, re.IGNORECASE)
    return text.count("\n", 0, match.start()) + 1 if match else None


# -------------------------------------------------------------------------------------- CSV


def csv_runs(path: str, text: str) -> list[LogRun]:
    """Runs of a CSV log: one per value of a seed column (or one), last value of each metric."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
        columns = _columns(header)
        if not columns:
            return []
        groups: dict[str, tuple[_Summary, str]] = {}
        for count, row in enumerate(reader):
            if count >= MAX_RECORDS:
                break
            _add_row(groups, header, columns, row, reader.line_num)
    except (csv.Error, StopIteration):
        return []
    return [summary.to_run(path, "csv", snippet) for summary, snippet in groups.values()]


def _columns(header: list[str]) -> dict[int, str]:
    """Column index -> role: 'seed', 'epoch', 'elapsed' or 'metric:<name>'."""
    roles: dict[int, str] = {}
    for index, name in enumerate(header):
        lower = name.lower()
        if lower in SEED_KEYS:
            roles[index] = "seed"
        elif lower in EPOCH_KEYS:
            roles[index] = "epoch"
        elif lower in ELAPSED_KEYS:
            roles[index] = "elapsed"
        elif (metric := metric_name(name)) is not None:
            roles[index] = "metric:" + metric
    return roles if any(r != "elapsed" for r in roles.values()) else {}


def _add_row(
    groups: dict[str, tuple[_Summary, str]],
    header: list[str],
    columns: dict[int, str],
    row: list[str],
    line: int,
) -> None:
    seed = next((row[i].strip() for i, r in columns.items() if r == "seed" and i < len(row)), "")
    if seed not in groups:
        groups[seed] = (
            _Summary(line=line, seed=seed or None),
            clip_snippet(",".join(header) + "\n" + ",".join(row), max_lines=2),
        )
    summary = groups[seed][0]
    summary.epoch = None
    for index, role in columns.items():
        value = _number(row[index].strip()) if index < len(row) else None
        if value is None:
            continue
        if role == "epoch" and value.is_integer() and 0 <= value < 1e6:
            summary.epochs.append(int(value))
            summary.epoch = int(value)
        elif role == "elapsed":
            summary.elapsed = value
        elif role.startswith("metric:") and len(summary.metrics) < MAX_METRICS:
            summary.metrics[role.removeprefix("metric:")] = value
            summary.curve.add(role.removeprefix("metric:"), value, summary.epoch)


# ------------------------------------------------------------------------------ TensorBoard


def tensorboard_runs(root: Path, path: str) -> list[LogRun]:
    """Scalars of an event file, if `tensorboard` is installed; nothing otherwise."""
    try:
        accumulator = importlib.import_module(
            "tensorboard.backend.event_processing.event_accumulator"
        )
    except Exception:  # NOTE: ImportError, or a broken optional install: skip, never crash
        return []
    summary = _Summary()
    try:
        events = accumulator.EventAccumulator(str(root / path), size_guidance={"scalars": 0})
        events.Reload()
        for tag in list(events.Tags().get("scalars", []))[:MAX_METRICS]:
            scalars = events.Scalars(tag)
            if scalars:
                name = re.sub(r"[^a-z0-9]+", "_", str(tag).lower()).strip("_")
                value = _number(float(scalars[-1].value))
                if value is not None:
                    summary.metrics[name] = value
    except Exception:  # NOTE: event files are untrusted binary input for a third-party reader
        return []
    return [summary.to_run(path, "tensorboard", None)]
