"""Read plain-text training logs: `Namespace(...)` dumps, epoch and metric lines, seeds, time.

Nothing here evaluates log text: the Namespace parser is a small bracket- and quote-aware
tokenizer (string values are decoded with `ast.literal_eval` of the single string token only).
A file with several Namespace dumps holds several runs.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from auditor.facts import LogRun, clip_snippet
from auditor.probes.logcurves import CurveBuilder

MAX_HYPERPARAMETERS = 200
MAX_VALUE_CHARS = 200
NAMESPACE_RE = re.compile(r"\bNamespace\(")
SEED_NAMES = ("seed", "random_seed", "rng_seed", "manual_seed")
_KEY_RE = re.compile(r"\s*([A-Za-z_]\w*)\s*=")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_METRIC_RE = re.compile(
    r"(?i)(?<![\w.])((?:train|valid|val|test|eval)[ _](?:acc|accuracy|loss|error|err|ppl|top1|top5)"
    r"|top-?[15]|acc|accuracy|loss|error|ppl|perplexity)(?![\w-])['\"]?\s*(?:[:=]\s*|\s+)"
    rf"({_NUMBER})(?![\w.])"
)
_EPOCH_RE = re.compile(r"(?i)\bepoch\b\s*[:=#]?\s*\[?\s*(\d{1,6})\b")
_SEED_RE = re.compile(r"(?i)\b(?:random[ _])?seed\b\s*[:=]?\s*(-?\d+)\b")
_AMOUNT = r"\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_UNITS = (
    r"(gpu[ -]?days?|gpu[ -]?hours?|days?|d|hours?|hrs?|h|minutes?|mins?|ms|m"
    r"|seconds?|secs?|s)"
)
_ELAPSED_RE = re.compile(
    r"(?i)\b(?:total[ _](?:(?:search|training|train|run)[ _])?time|elapsed(?:[ _]time)?"
    r"|time[ _]elapsed|search[ _]time|train(?:ing)?[ _]time|wall[ _-]?(?:clock[ _])?time"
    r"|run[ _]?time|time[ _]cost|took)\b\s*(?:[:=]|is)?\s*"
    rf"(?:(\d+):(\d\d):(\d\d(?:\.\d+)?)|({_AMOUNT})\s*{_UNITS}\b|({_AMOUNT})(?![\w.]|\s*[A-Za-z]))"
)
_BARE_TIME_RE = re.compile(r"(?i)\btime\s*[:=]\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)\b")
_DARTS_TS_RE = re.compile(r"\s*\[?(\d\d)/(\d\d) (\d\d?):(\d\d):(\d\d) ([AP]M)\b")
_ISO_TS_RE = re.compile(r"\s*\[?(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)")
_SECONDS_PER = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


# ------------------------------------------------------------------------------- Namespace


def parse_namespace(text: str) -> dict[str, str]:
    """key=value pairs of an argparse Namespace repr; `text` starts right after `Namespace(`.

    Values stay text: quoted strings are unquoted, anything else (numbers, lists, None, nested
    calls) is kept as written. Never raises; stops at the closing parenthesis or at garbage.
    """
    out: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n and len(out) < MAX_HYPERPARAMETERS:
        match = _KEY_RE.match(text, i)
        if match is None:
            break
        end = _value_end(text, match.end())
        out[match.group(1)] = _clean(text[match.end() : end].strip())
        if end >= n or text[end] != ",":
            break
        i = end + 1
    return out


def _value_end(text: str, i: int) -> int:
    """Index of the top-level ',' or ')' that ends the value starting at i (or len(text))."""
    depth, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "'\"":
            i = _string_end(text, i)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif char == "," and depth == 0:
            return i
        i += 1
    return n


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal opening at i; len(text) + 1 if unterminated."""
    quote, i, n = text[i], i + 1, len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    return n + 1


def _clean(raw: str) -> str:
    """Unquote a single string literal; keep any other value text as written."""
    if len(raw) >= 2 and raw[0] in "'\"" and _string_end(raw, 0) == len(raw):
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = raw[1:-1]
        raw = value if isinstance(value, str) else raw[1:-1]
    return raw if len(raw) <= MAX_VALUE_CHARS else raw[: MAX_VALUE_CHARS - 1] + "…"


# -------------------------------------------------------------------------------- text logs


@dataclass
class _Run:
    """What one run of a text log has shown so far."""

    line: int | None = None
    snippet: str | None = None
    namespace: dict[str, str] = field(default_factory=dict)
    has_namespace: bool = False
    metrics: dict[str, float] = field(default_factory=dict)
    epochs: list[int] = field(default_factory=list)  # [min, max]
    epoch: int | None = None  # the epoch last named, for the learning curves
    curve: CurveBuilder = field(default_factory=CurveBuilder)
    seed: str | None = None
    elapsed: float | None = None
    first_time: datetime | None = None
    last_time: datetime | None = None

    def found(self) -> bool:
        return bool(
            self.has_namespace
            or self.metrics
            or self.epochs
            or self.seed
            or self.elapsed is not None
        )

    def anchor(self, number: int, line: str) -> None:
        if self.line is None:
            self.line, self.snippet = number, clip_snippet(line, max_lines=1) or None


def parse_text_log(path: str, text: str) -> list[LogRun]:
    """Runs of a text log; each Namespace dump after other content starts a new run."""
    runs: list[_Run] = []
    current = _Run()
    for number, line in enumerate(text.splitlines(), start=1):
        stamp = _timestamp(line)
        if (ns := NAMESPACE_RE.search(line)) is not None:
            if current.has_namespace or current.metrics:
                runs.append(current)
                current = _Run()
            current.namespace = parse_namespace(line[ns.end() :])
            current.has_namespace = True
            current.line, current.snippet = number, clip_snippet(line, max_lines=1) or None
        else:
            _read_line(current, number, line)
        if stamp is not None:
            current.first_time = current.first_time or stamp
            current.last_time = stamp
    runs.append(current)
    return [_to_log_run(path, run) for run in runs if run.found()]


def _read_line(run: _Run, number: int, line: str) -> None:
    """Metrics, epoch, seed and elapsed time on one non-Namespace line."""
    if not any(c.isdigit() for c in line):
        return
    for match in _EPOCH_RE.finditer(line):
        epoch = run.epoch = int(match.group(1))
        run.epochs = (
            [min(run.epochs[0], epoch), max(run.epochs[1], epoch)] if run.epochs else [epoch, epoch]
        )
        run.anchor(number, line)
    for match in _METRIC_RE.finditer(line):
        value = float(match.group(2))
        if math.isfinite(value):
            name = re.sub(r"[ -]", "_", match.group(1).lower()).replace("top_", "top")
            run.metrics[name] = value
            run.curve.add(name, value, run.epoch)
            run.anchor(number, line)
    if run.seed is None and (seed := _SEED_RE.search(line)):
        run.seed = seed.group(1)
    seconds = elapsed_seconds(line)
    if seconds is not None:
        run.elapsed = max(run.elapsed or 0.0, seconds)


def elapsed_seconds(line: str) -> float | None:
    """Seconds from an explicit time line: 'Total time 12.3s', 'took 2 h', 'time: 01:02:03'."""
    match = _ELAPSED_RE.search(line) or _BARE_TIME_RE.search(line)
    if match is None:
        return None
    groups = match.groups()
    if groups[0] is not None:
        hours, minutes, seconds = groups[0], groups[1], groups[2]
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    amount, unit = (groups[3], groups[4]) if groups[3] is not None else (groups[5], "s")
    unit = unit.lower().replace("gpu", "").strip(" -")
    value = float(amount) * _SECONDS_PER["ms" if unit == "ms" else unit[0]]
    return value if math.isfinite(value) else None


def _timestamp(line: str) -> datetime | None:
    """A date-time starting a line: DARTS '10/25 12:01:02 AM' or ISO '2020-10-25 12:01:02'."""
    try:
        if match := _DARTS_TS_RE.match(line):
            month, day, hour, minute, second, half = match.groups()
            hour_24 = int(hour) % 12 + (12 if half == "PM" else 0)
            return datetime(2000, int(month), int(day), hour_24, int(minute), int(second))
        if match := _ISO_TS_RE.match(line):
            year, month, day, hour, minute, second = (int(g) for g in match.groups())
            return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return None


def _wall_time(first: datetime | None, last: datetime | None) -> float | None:
    """Seconds between the first and last timestamps; DARTS stamps have no year, so a run
    over New Year's Eve is assumed to end in the next year."""
    if first is None or last is None:
        return None
    if last < first and first.year == 2000:
        try:
            last = last.replace(year=2001)
        except ValueError:
            return None
    seconds = (last - first).total_seconds()
    return seconds if seconds > 0 else None


def _to_log_run(path: str, run: _Run) -> LogRun:
    seed = next((run.namespace[k] for k in SEED_NAMES if k in run.namespace), None) or run.seed
    epochs = None
    if run.epochs:  # 0-based counters ('epoch 0' ... 'epoch 599') mean one epoch more
        epochs = run.epochs[1] + 1 if run.epochs[0] == 0 else run.epochs[1]
    elapsed = run.elapsed if run.elapsed is not None else _wall_time(run.first_time, run.last_time)
    return LogRun(
        path=path,
        line=run.line or 1,
        snippet=run.snippet,
        format="text",
        seed=seed,
        hyperparameters=run.namespace,
        metrics=run.metrics,
        epochs=epochs,
        elapsed_seconds=elapsed,
        curve=run.curve.curves(),
    )
