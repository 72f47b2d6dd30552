"""Runs over time and over seeds: C5.time-logged, C7.multiple-runs, C7.seeds-reported."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.checks._common import (
    absence,
    flag_name,
    in_files,
    located,
    method_files,
    names,
    no,
    unknown,
    yes,
)
from auditor.facts import DocTopic, Facts
from auditor.models import Finding

_SEARCH_WORDS = ("search", "evolution", "controller", "bohb", "hpo", "anytime")
_FINAL_WORDS = ("train", "retrain", "final", "eval", "test", "finetune")
# NOTE: a loop over runs (`for repeat in range(10)`) repeats an experiment but names no seed:
# its count is not a seed, so it counts for C7.multiple-runs only.
_RUN_LOOP = "python_run_loop"


def _is_final_training_log(path: str, method_stems: set[str]) -> bool:
    """A log of the final training: its path says train/eval/final and nothing of the search.

    NOTE: the training logs of the final architectures carry elapsed time too, but C5 asks
    about the search's anytime performance. Method names (darts, enas) also name the
    architectures (logs/train/DARTS_V2), so they do not make a log a search log; a log whose
    path says neither (logs/seed0.log) still counts for the search.
    """
    words = {w for w in re.split(r"[^a-z0-9]+", path.lower()) if w}
    stems = {part for part in re.split(r"[/.]", path.lower()) if part}
    if stems & method_stems or any(w.startswith(_SEARCH_WORDS) for w in words):
        return False
    return any(w.startswith(_FINAL_WORDS) for w in words)


def time_logged(facts: Facts) -> Finding:
    signal = "C5.time-logged"
    files = method_files(facts)
    timed = in_files(facts.timing_code, files)
    stems = {Path(f).stem.lower() for f in files}
    timed_logs = [g for g in facts.logs if g.elapsed_seconds is not None]
    logs = [g for g in timed_logs if not _is_final_training_log(g.path, stems)]
    if timed or logs:
        where = names(dict.fromkeys([t.path for t in timed] + [g.path for g in logs]))
        return yes(
            signal,
            f"The search records elapsed time ({where}).",
            located(timed, "timing in the search") + located(logs, "log with elapsed time"),
        )
    if timed_logs and not facts.timing_code:
        return no(
            signal,
            f"Elapsed time is logged only by final training ({names(g.path for g in timed_logs)})"
            ", not by the search.",
            located(timed_logs, "timed log outside the search"),
        )
    if facts.timing_code:
        return no(
            signal,
            f"Elapsed time is measured only in {names(t.path for t in facts.timing_code)}"
            ", not during the search.",
            located(facts.timing_code, "timing outside the search"),
        )
    return no(
        signal,
        "The search does not record elapsed time or budget.",
        [absence("no timing", "time.time()/perf_counter() deltas", "logged elapsed time")],
    )


def multiple_runs(facts: Facts) -> Finding:
    signal = "C7.multiple-runs"
    seeds = {g.seed for g in facts.logs if g.seed is not None}
    logs = [g for g in facts.logs if g.seed is not None] if len(seeds) > 1 else []
    looped = [i for i in facts.script_invocations if i.in_seed_loop]
    lists = [c for c in facts.configs if len(c.seeds) > 1]
    seeded = [s for s in facts.seed_loops if s.kind != _RUN_LOOP]
    repeats = [s for s in facts.seed_loops if s.kind == _RUN_LOOP]
    if seeded or logs or looped or lists:
        where = names(dict.fromkeys(x.path for x in [*seeded, *looped, *lists, *logs]))
        return yes(
            signal,
            f"Experiments run over several seeds ({where}).",
            located(seeded, "seed loop")
            + located(looped, "run inside a seed loop")
            + located(lists, "several seeds")
            + located(logs, "per-seed log")
            + located(repeats, "repeated-run loop"),
        )
    if repeats:
        return yes(
            signal,
            f"Experiments are repeated over several runs ({names(s.path for s in repeats)}).",
            located(repeats, "repeated-run loop"),
        )
    docs = [d for d in facts.docs if d.topic is DocTopic.SEEDS]
    if docs:
        return unknown(
            signal,
            f"{names(d.path for d in docs)} talks about seeds or runs, but no "
            "seed loop, per-seed logs or seed list is in the repository.",
            located(docs, "docs on seeds"),
        )
    return no(
        signal,
        "Experiments are run with a single seed: no seed loop, per-seed logs or "
        "seed list was found.",
        [
            absence(
                "no repeated runs",
                "shell seed loops",
                "SLURM arrays",
                "seed lists",
                "per-seed logs",
            )
        ],
    )


def seeds_reported(facts: Facts) -> Finding:
    signal = "C7.seeds-reported"
    configs = [c for c in facts.configs if c.seeds]
    logs = [g for g in facts.logs if g.seed is not None]
    docs = [d for d in facts.docs if d.topic is DocTopic.SEEDS]
    runs = [i for i in facts.script_invocations if any("seed" in flag_name(k) for k in i.flags)]
    loops = [
        s
        for s in facts.seed_loops
        if s.kind != _RUN_LOOP and re.search(r"\d", f"{s.detail} {s.snippet or ''}")
    ]
    if configs or logs or docs or runs or loops:
        where = names(dict.fromkeys(x.path for x in [*configs, *logs, *docs, *runs, *loops]))
        return yes(
            signal,
            f"The seeds are named in {where}.",
            located(configs, "config with seeds")
            + located(logs, "log with its seed")
            + located(docs, "docs on seeds")
            + located(runs, "run with a seed")
            + located(loops, "seed loop with its seeds"),
        )
    return no(
        signal,
        "The seeds used are not named in configs, logs, scripts or docs.",
        [
            absence(
                "no named seeds",
                "config seeds",
                "log seeds",
                "--seed in run commands",
                "docs on seeds",
            )
        ],
    )
