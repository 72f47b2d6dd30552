"""Signals answered by a re-run (`--rerun`): does the pipeline run, repeat, match its claims?

Each function answers one `*.rerun-*` signal of the checklist from `facts.rerun`; without a
re-run every one is not applicable, so a static audit is judged on static evidence alone.
The registry appends these findings to the item's static check (see auditor/registry.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import PurePosixPath

from auditor.checks._common import no, not_applicable, unknown, yes
from auditor.facts import Evidence, EvidenceKind, Facts, Role
from auditor.models import Finding
from auditor.registry import rerun_signal
from auditor.rerun.models import RerunResult, RunResult

_NO_RERUN = "No re-run was made (audit with --rerun to answer this)."
_SCRIPT = re.compile(r"[\w./-]+\.py\b")


def _script(facts: Facts, rerun: RerunResult) -> str | None:
    """The repo path of the script the re-run command runs (`cd cnn && python train.py`)."""
    paths = [e.path for e in facts.entry_points]
    cwd = ""
    for part in re.split(r"&&|;", rerun.command):
        if m := re.match(r"\s*cd\s+(\S+)", part):
            cwd = m.group(1).strip("/") + "/"
        for token in _SCRIPT.findall(part):
            wanted = str(PurePosixPath(cwd + token)) if cwd else token
            for path in paths:
                if path == wanted or path.endswith("/" + wanted):
                    return path
    return None


def _evidence(facts: Facts, rerun: RerunResult, note: str, snippet: str | None = None) -> Evidence:
    """Re-run evidence, placed at the script it ran (so it links like any other finding)."""
    return Evidence(
        kind=EvidenceKind.RERUN,
        path=_script(facts, rerun),
        note=note,
        snippet=snippet[-400:] if snippet else None,
    )


def _phase(facts: Facts, rerun: RerunResult) -> Role:
    """Search or final training: the role of the script the re-run ran."""
    script = _script(facts, rerun)
    for entry in facts.entry_points:
        if entry.path == script and Role.SEARCH in entry.roles:
            return Role.SEARCH
    return Role.FINAL_TRAINING


RerunSignalFn = Callable[[Facts, RerunResult], Finding]


def _answers(signal: str) -> Callable[[RerunSignalFn], Callable[[Facts], Finding]]:
    """Register a re-run signal; without a re-run it is not applicable, said in one place."""

    def wrap(fn: RerunSignalFn) -> Callable[[Facts], Finding]:
        @functools.wraps(fn)
        def answer(facts: Facts) -> Finding:
            if facts.rerun is None:
                return not_applicable(signal, _NO_RERUN)
            return fn(facts, facts.rerun)

        return rerun_signal(signal)(answer)

    return wrap


def _ok(runs: tuple[RunResult, ...]) -> list[RunResult]:
    return [r for r in runs if r.status == "ok"]


@_answers("R1.rerun-completes")
def rerun_completes(facts: Facts, rerun: RerunResult) -> Finding:
    """TRUE when at least one run exits cleanly and reports a metric value."""
    signal = "R1.rerun-completes"
    ok = _ok(rerun.runs)
    with_value = [r for r in ok if any(v.status == "ok" for v in r.metrics.values())]
    counts = ", ".join(f"{n} {status}" for status, n in sorted(rerun.totals.by_status.items()))
    if with_value:
        note = f"{len(with_value)} of {len(rerun.runs)} re-runs completed with a metric ({counts})"
        return yes(
            signal,
            f"The re-run of `{rerun.command}` completes: {note}.",
            [_evidence(facts, rerun, note)],
        )
    if ok:
        note = f"{len(ok)} re-runs exited 0 but no metric value was found ({counts})"
        return no(
            signal,
            f"The re-runs complete but report no metric: {note}.",
            [_evidence(facts, rerun, note, ok[0].stdout_tail)],
        )
    if not rerun.runs:
        return unknown(
            signal,
            "The re-run was planned but no run was made.",
            [_evidence(facts, rerun, "no runs")],
        )
    first = rerun.runs[0]
    note = f"{first.status}: {first.reason}" if first.reason else first.status
    return no(
        signal,
        f"No re-run completes ({counts}); the first one: {note}.",
        [_evidence(facts, rerun, note, first.stderr_tail or first.stdout_tail)],
    )


def _deterministic(facts: Facts, rerun: RerunResult, signal: str, role: Role) -> Finding:
    if _phase(facts, rerun) is not role:
        return not_applicable(signal, f"The re-run ran `{rerun.command}`, not this phase.")
    if rerun.repeats < 2:
        return not_applicable(signal, "Each seed ran once, so determinism was not tested.")
    diffs = [(m.name, d) for m in rerun.metrics for d in m.repeats if d.bitwise_equal is not None]
    if rerun.deterministic is None or not diffs:
        return unknown(
            signal,
            "Too few repeats succeeded to compare a seed with itself.",
            [_evidence(facts, rerun, "no seed repeated successfully")],
        )
    differing = [(name, d) for name, d in diffs if not d.bitwise_equal]
    if not differing:
        note = f"{len(diffs)} seed/metric pairs repeat bitwise ({rerun.repeats} repeats each)"
        return yes(
            signal, f"A seeded re-run repeats exactly: {note}.", [_evidence(facts, rerun, note)]
        )
    name, diff = differing[0]
    values = ", ".join(f"{v:g}" for v in diff.values)
    note = f"seed {diff.seed}, {name}: {values} (abs diff {diff.abs_diff:g})"
    return no(
        signal,
        f"The same seed gives different results in {len(differing)} of "
        f"{len(diffs)} seed/metric pairs, e.g. {note}.",
        [_evidence(facts, rerun, note)],
    )


@_answers("R3.rerun-deterministic")
def final_training_rerun_deterministic(facts: Facts, rerun: RerunResult) -> Finding:
    """TRUE when every seed of a final-training re-run repeats bitwise."""
    return _deterministic(facts, rerun, "R3.rerun-deterministic", Role.FINAL_TRAINING)


@_answers("R5.rerun-deterministic")
def search_rerun_deterministic(facts: Facts, rerun: RerunResult) -> Finding:
    """TRUE when every seed of a search re-run repeats bitwise."""
    return _deterministic(facts, rerun, "R5.rerun-deterministic", Role.SEARCH)


def _framework(name: str) -> str:
    """Dependency name as the fingerprint names it (`PyTorch` -> `torch`)."""
    lowered = name.strip().lower()
    return "torch" if lowered == "pytorch" else lowered


def _release(version: str) -> str:
    """`2.13.0+cu121` -> `2.13.0`."""
    return version.split("+", 1)[0].strip()


@_answers("C2.rerun-environment")
def rerun_environment_matches(facts: Facts, rerun: RerunResult) -> Finding:
    """TRUE when the framework version the re-run used equals the one the repo pins."""
    signal = "C2.rerun-environment"
    fingerprint = rerun.fingerprint
    pins = {_framework(d.name): d for d in facts.dependencies if d.pinned}
    if "torch" not in pins:
        return not_applicable(signal, "The repository pins no torch version to compare with.")
    if fingerprint is None or not fingerprint.torch:
        return unknown(
            signal,
            "The re-run did not record its torch version.",
            [_evidence(facts, rerun, "no torch version in the fingerprint")],
        )
    pin = pins["torch"]
    wanted = re.sub(r"^[=~<>! ]+", "", pin.spec).strip()
    used = _release(fingerprint.torch)
    note = f"re-run used torch {fingerprint.torch}; {pin.path}:{pin.line} pins {pin.spec or wanted}"
    evidence = [_evidence(facts, rerun, note), pin.evidence(note="the pinned version")]
    if wanted and used == _release(wanted):
        return yes(signal, f"The re-run used the pinned torch {used}.", evidence)
    return no(
        signal,
        f"The re-run used torch {used}, not the pinned {wanted}: differences may "
        "come from the library, not the method.",
        evidence,
    )


@_answers("C7.rerun-claims")
def rerun_claims_hold(facts: Facts, rerun: RerunResult) -> Finding:
    """TRUE when every claim falls within what the re-runs over seeds produce."""
    signal = "C7.rerun-claims"
    if not rerun.claims:
        return not_applicable(signal, "The manifest states no claims to compare with.")
    lines = [f"{c.metric}: claimed {c.claimed:g}, {c.verdict} ({c.reason})" for c in rerun.claims]
    evidence = [_evidence(facts, rerun, line) for line in lines]
    failed = [c for c in rerun.claims if c.verdict == "not_reproduced"]
    if failed:
        return no(
            signal,
            f"{len(failed)} of {len(rerun.claims)} claims are not reproduced: "
            f"{lines[rerun.claims.index(failed[0])]}.",
            evidence,
        )
    if all(c.verdict == "reproduced" for c in rerun.claims):
        return yes(signal, f"All {len(rerun.claims)} claims are reproduced across seeds.", evidence)
    return unknown(signal, "Too few successful re-runs to judge the claims.", evidence)


@_answers("D2.rerun-time")
def rerun_time_measured(facts: Facts, rerun: RerunResult) -> Finding:
    """TRUE when the re-run measured wall time (always, once a run was made)."""
    signal = "D2.rerun-time"
    timing = rerun.timing
    if not rerun.runs:
        return unknown(signal, "No run was made, so no time was measured.")
    peak = f", peak RSS {timing.peak_rss_mib_max:.0f} MiB" if timing.peak_rss_mib_max else ""
    note = (
        f"{len(rerun.runs)} runs: {timing.run_wall_seconds_sum:.1f} s of run time, "
        f"{timing.total_wall_seconds:.1f} s wall in all{peak}"
    )
    return yes(
        signal,
        f"The re-run took {timing.total_wall_seconds:.1f} s ({note}).",
        [_evidence(facts, rerun, note)],
    )


@_answers("D3.rerun-environment")
def rerun_environment_recorded(facts: Facts, rerun: RerunResult) -> Finding:
    """TRUE when the re-run recorded its Python, framework and hardware."""
    signal = "D3.rerun-environment"
    fp = rerun.fingerprint
    if fp is None or fp.error or not fp.python:
        reason = fp.error if fp and fp.error else "no fingerprint"
        return unknown(signal, f"The re-run environment was not recorded: {reason}.")
    hardware = ", ".join(fp.gpus) or fp.cpu_model or "unknown hardware"
    note = (
        f"Python {fp.python}, torch {fp.torch or '-'}, CUDA {fp.cuda or '-'}, "
        f"{hardware}, {fp.os or ''}"
    ).strip(", ")
    return yes(
        signal, f"The re-run recorded its environment: {note}.", [_evidence(facts, rerun, note)]
    )
