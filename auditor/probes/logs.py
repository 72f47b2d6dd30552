"""Committed logs: the runs they record (hyperparameters, seed, final metrics, epochs, time), and
the logged hyperparameters that differ from the released code defaults.

Read: every FileKind.LOG file (text, JSON, JSON Lines, CSV; TensorBoard event files only when
`tensorboard` is installed), plus `.txt` docs and `.csv` data files named like logs
(`train_log.txt`). A `.log`/`.out`/`.err` file yields a run even when nothing in it was
recognised; other files only when something was.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Literal

from auditor.facts import Facts, Hyperparameter, LogMismatch, LogRun, clip_snippet
from auditor.inventory import FileEntry, FileKind
from auditor.repo import Repo

MAX_RUNS = 500
MAX_MISMATCHES = 200
MAX_CURVE_POINTS_TOTAL = 20_000  # learning-curve points over all runs; later runs keep none
MIN_COVERAGE = 0.3  # share of logged names a script must define to be compared with the log
MAX_LOG_CHARS = 2 * 1024 * 1024
LOG_NAME_WORDS = frozenset(
    {"log", "logs", "logfile", "trainlog", "searchlog", "evallog", "testlog"}
)
LOG_SUFFIXES = frozenset({".log", ".out", ".err"})
CODE_SOURCES = frozenset({"argparse", "click", "absl"})
# NOTE: run bookkeeping, rewritten at run time (DARTS turns save='EXP' into
# 'eval-EXP-20190101-...') or machine-specific: a differing value says nothing about results.
BOOKKEEPING = frozenset(
    {
        "save",
        "save_dir",
        "save_path",
        "data",
        "data_dir",
        "data_path",
        "dataroot",
        "data_root",
        "root",
        "dir",
        "path",
        "log_dir",
        "logdir",
        "log_path",
        "output",
        "output_dir",
        "out_dir",
        "exp_name",
        "exp",
        "name",
        "experiment",
        "gpu",
        "gpus",
        "gpu_id",
        "device",
        "workers",
        "num_workers",
        "report_freq",
        "print_freq",
        "log_freq",
        "log_interval",
        "save_freq",
        "checkpoint",
        "resume",
        "model_path",
        "local_rank",
        "rank",
        "world_size",
        "dist_url",
        "dist_backend",
        "port",
        "debug",
        "verbose",
        "config",
        "config_file",
        "cfg",
    }
)
Scalar = str | int | float | bool | None
_FORMAT_BY_SUFFIX: dict[str, Literal["jsonl", "json", "csv"]] = {
    ".jsonl": "jsonl",
    ".json": "json",
    ".csv": "csv",
}


def run(repo: Repo, facts: Facts) -> None:
    """Record the runs of every committed log, then where they contradict the code defaults."""
    runs: list[LogRun] = []
    for entry, always in _log_files(repo):
        runs.extend(_runs_of(repo, entry, always))
        if len(runs) >= MAX_RUNS:
            break
    runs = _bound_curves(runs[:MAX_RUNS])
    facts.logs.extend(runs)
    facts.log_mismatches.extend(find_mismatches(runs, facts.hyperparameters))


def _bound_curves(runs: list[LogRun]) -> list[LogRun]:
    """Drop the learning curves of the runs past MAX_CURVE_POINTS_TOTAL (bounded JSON)."""
    budget = MAX_CURVE_POINTS_TOTAL
    out = []
    for log_run in runs:
        points = sum(len(values) for values in log_run.curve.values())
        if points > budget:
            log_run, points = log_run.model_copy(update={"curve": {}}), 0
        budget -= points
        out.append(log_run)
    return out


def _log_files(repo: Repo) -> Iterator[tuple[FileEntry, bool]]:
    """Log files, and whether each must yield a run even if nothing in it is recognised (only
    files whose suffix says "log": a JSON or .txt file in `results/` may be anything)."""
    for entry in repo.files(FileKind.LOG, FileKind.DOC, FileKind.DATA):
        name = PurePosixPath(entry.path).name.lower()
        if entry.kind is FileKind.LOG:
            yield entry, PurePosixPath(name).suffix in LOG_SUFFIXES
        elif (
            name.endswith(".txt" if entry.kind is FileKind.DOC else ".csv")
            and entry.size <= MAX_LOG_CHARS
            and LOG_NAME_WORDS.intersection(re.split(r"[^a-z0-9]+", name))
        ):
            yield entry, False


def _runs_of(repo: Repo, entry: FileEntry, always: bool) -> list[LogRun]:
    # NOTE: imported here: most repositories commit no logs, and the parsers' modules (with
    # their patterns and csv) are a good part of the start-up of an audit that needs none
    from auditor.probes import logdata

    name = PurePosixPath(entry.path).name.lower()
    if name.startswith("events.out.tfevents"):
        return logdata.tensorboard_runs(repo.inventory.root, entry.path)
    text = repo.text(entry.path)
    if text is None:
        return []
    text = text[:MAX_LOG_CHARS]
    suffix = PurePosixPath(name).suffix
    runs = _parser(suffix)(entry.path, text)
    if runs or not always:
        return runs
    fmt = _FORMAT_BY_SUFFIX.get(suffix, "text")
    first = text.lstrip("\n").split("\n", 1)[0]
    return [LogRun(path=entry.path, line=1, snippet=clip_snippet(first) or None, format=fmt)]


def _parser(suffix: str) -> Callable[[str, str], list[LogRun]]:
    """The parser for a log file's suffix (lazy, see `_runs_of`)."""
    from auditor.probes import logdata, logtext

    parsers = {".jsonl": logdata.jsonl_runs, ".json": logdata.json_runs, ".csv": logdata.csv_runs}
    return parsers.get(suffix, logtext.parse_text_log)


# ------------------------------------------------------------------------------ mismatches


def normalise_name(name: str) -> str:
    """'--learning-rate' and 'learning_rate' name the same option."""
    return name.lstrip("-").replace("-", "_")


def find_mismatches(runs: list[LogRun], hyperparameters: list[Hyperparameter]) -> list[LogMismatch]:
    """Logged hyperparameters whose value differs from every literal code default they match.

    Each run is compared with the file whose options best match the logged names (Jaccard
    overlap, ties kept), so a final-training log is not held against the search script.
    """
    by_file: dict[str, dict[str, list[Hyperparameter]]] = {}
    for hp in hyperparameters:
        if hp.source in CODE_SOURCES:
            by_file.setdefault(hp.path, {}).setdefault(normalise_name(hp.name), []).append(hp)
    out: list[LogMismatch] = []
    for log_run in runs:
        if log_run.hyperparameters and by_file:
            out.extend(_run_mismatches(log_run, by_file))
        if len(out) >= MAX_MISMATCHES:
            break
    return out[:MAX_MISMATCHES]


def _run_mismatches(
    log_run: LogRun, by_file: dict[str, dict[str, list[Hyperparameter]]]
) -> Iterator[LogMismatch]:
    logged = {normalise_name(k): v for k, v in log_run.hyperparameters.items()}
    best = _best_files(set(logged), by_file)
    if not best:
        return
    for name, value in logged.items():
        if name in BOOKKEEPING or _path_like(value):
            continue
        candidates = [hp for path in best for hp in by_file[path].get(name, [])] or [
            hp for options in by_file.values() for hp in options.get(name, [])
        ]
        defaults = [
            (hp, literal)
            for hp in candidates
            if (literal := _literal(hp.default)) is not None and not _path_like(str(literal))
        ]
        if not defaults or any(_same(value, literal) for _, literal in defaults):
            continue
        code = defaults[0][0]
        yield LogMismatch(
            path=log_run.path,
            line=log_run.line,
            snippet=log_run.snippet,
            name=name,
            log_value=value,
            code_default=code.default or "",
            code_path=code.path,
            code_line=code.line,
        )


def _best_files(names: set[str], by_file: dict[str, dict[str, list[Hyperparameter]]]) -> list[str]:
    """Files whose option names overlap the logged names most (Jaccard), all ties; none when
    even the best covers under MIN_COVERAGE of the logged names (a log of some other tool)."""
    scores = {
        path: len(names & options.keys()) / len(names | options.keys())
        for path, options in by_file.items()
        if names & options.keys()
    }
    if not scores:
        return []
    top = max(scores.values())
    best = sorted(path for path, score in scores.items() if score == top)
    covered = len(names & by_file[best[0]].keys())
    return best if covered >= MIN_COVERAGE * len(names) else []


def _literal(text: str | None) -> Scalar:
    """The value of a scalar literal default ('0.025', "'DARTS'", 'True'); None otherwise."""
    if text is None or len(text) > 100:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (str, int, float, bool)) else None


def _canonical(value: Scalar) -> Scalar:
    if isinstance(value, str):
        text = value.strip().strip("'\"")
        lower = text.lower()
        if lower in {"true", "false"}:
            return lower == "true"
        if lower in {"none", "null"}:
            return None
        try:
            return float(text)
        except ValueError:
            return text
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _same(logged: str, default: Scalar) -> bool:
    a, b = _canonical(logged), _canonical(default)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def _path_like(text: str) -> bool:
    return "/" in text or "\\" in text
