"""Small helpers every check uses: building findings, naming files, and repo-shape questions.

Checks are pure functions over `Facts`; these helpers keep them short and make sure the
project's two promises hold everywhere: a TRUE finding always carries located evidence, and
a "not found" carries an absence record saying what was looked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from auditor.facts import (
    BenchmarkUse,
    BrokenReference,
    EntryPoint,
    Evidence,
    EvidenceKind,
    Facts,
    Located,
    LogRun,
    Role,
)
from auditor.models import Finding, Outcome

MAX_EVIDENCE = 8

L = TypeVar("L", bound=Located)

BENCHMARK_RELEASE = (
    "this is a benchmark release (benchmark queries, no search or final-training entry point, "
    "no NAS method): results come from the table"
)


def sentence(fragment: str) -> str:
    """A fragment as a sentence: capitalised, with a final period."""
    text = fragment[:1].upper() + fragment[1:]
    return text if text.endswith(".") else text + "."


# ---------------------------------------------------------------------------- findings


def finding(
    signal: str, outcome: Outcome, message: str, evidence: Iterable[Evidence] = ()
) -> Finding:
    """A finding with at most MAX_EVIDENCE pieces of evidence, without repeats.

    NOTE: a TRUE outcome without any located evidence is downgraded to NOT_AVAILABLE, so that no
    check can pass an item on a hunch.
    """
    kept = _dedupe(evidence)[:MAX_EVIDENCE]
    if outcome is Outcome.TRUE and not any(e.path for e in kept):
        outcome = Outcome.NOT_AVAILABLE
    return Finding(signal=signal, outcome=outcome, message=message, evidence=tuple(kept))


def yes(signal: str, message: str, evidence: Iterable[Evidence]) -> Finding:
    """A TRUE finding (downgraded when the evidence locates nothing)."""
    return finding(signal, Outcome.TRUE, message, evidence)


def no(signal: str, message: str, evidence: Iterable[Evidence]) -> Finding:
    """A FALSE finding."""
    return finding(signal, Outcome.FALSE, message, evidence)


def unknown(signal: str, message: str, evidence: Iterable[Evidence] = ()) -> Finding:
    """A signal the static facts cannot decide."""
    return finding(signal, Outcome.NOT_AVAILABLE, message, evidence)


def not_applicable(signal: str, message: str, evidence: Iterable[Evidence] = ()) -> Finding:
    """A signal that does not apply to this repository."""
    return finding(signal, Outcome.NOT_APPLICABLE, message, evidence)


def absence(note: str, *searched: str) -> Evidence:
    """Evidence that something was looked for and not found."""
    return Evidence.absence(note, list(searched))


def located(items: Iterable[Located], note: str | None = None) -> list[Evidence]:
    """Facts as evidence, in the given order, all with the same note (a log stays a log even
    when it is a .json file)."""
    return [
        item.evidence(note=note, kind=EvidenceKind.LOG if isinstance(item, LogRun) else None)
        for item in items
    ]


def _dedupe(evidence: Iterable[Evidence]) -> list[Evidence]:
    seen: set[tuple[str | None, int | None, str | None]] = set()
    out: list[Evidence] = []
    for ev in evidence:
        key = (ev.path, ev.line, ev.note if ev.path is None else None)
        if key not in seen:
            seen.add(key)
            out.append(ev)
    return out


# ------------------------------------------------------------------------------ wording


def names(paths: Iterable[str], limit: int = 3) -> str:
    """'a.py', 'a.py and b.py', 'a.py, b.py and c.py', 'a.py, b.py and 3 more' (order kept)."""
    unique = list(dict.fromkeys(paths))
    if len(unique) > limit:
        return ", ".join(unique[: limit - 1]) + f" and {len(unique) - limit + 1} more"
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def plural(count: int, word: str) -> str:
    """'1 seed', '3 seeds'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def flag_name(key: str) -> str:
    """A flag or config key without dashes, lower-case: '--Seed' -> 'seed'."""
    return key.strip().lstrip("-").lower()


# ---------------------------------------------------------------------- repository shape


def entries(facts: Facts, role: Role) -> list[EntryPoint]:
    """Entry points with this role, in probe order."""
    return [e for e in facts.entry_points if role in e.roles]


def missing_imports(facts: Facts, found: list[EntryPoint]) -> list[BrokenReference]:
    """Imports of repo modules that do not exist, in these entry points' own files."""
    paths = {e.path for e in found}
    return [r for r in facts.broken_references if r.kind == "module_import" and r.path in paths]


def runnable(facts: Facts, found: list[EntryPoint]) -> list[EntryPoint]:
    """The entry points that can run as released (no import of a missing repo module), or all
    of them when none can: a broken experimental script does not hide a working pipeline."""
    broken = {r.path for r in missing_imports(facts, found)}
    return [e for e in found if e.path not in broken] or found


def evaluators_of(facts: Facts) -> list[EntryPoint]:
    """Evaluation entry points, without benchmark look-ups that evaluate nothing themselves
    (bench_eval.py querying NAS-Bench-201 trains and tests no architecture)."""
    found = []
    for entry in entries(facts, Role.EVALUATION):
        own = files_of(entry)
        if Role.BENCHMARK_QUERY not in entry.roles or any(
            c.path in own for c in facts.evaluation_code
        ):
            found.append(entry)
    return found


def files_of(entry: EntryPoint) -> set[str]:
    """The entry point's file and every repo module it imports, transitively."""
    return {entry.path, *entry.uses}


def files_of_all(items: Iterable[EntryPoint]) -> set[str]:
    """Union of `files_of` over several entry points."""
    out: set[str] = set()
    for entry in items:
        out |= files_of(entry)
    return out


def benchmark_code(facts: Facts) -> list[BenchmarkUse]:
    """Benchmark uses in code or data (not mere doc mentions)."""
    return [b for b in facts.benchmarks if b.how != "doc"]


def has_method(facts: Facts) -> bool:
    """Does the repo contain a NAS method: a search entry point or method code?"""
    return bool(entries(facts, Role.SEARCH) or facts.nas_methods)


def is_benchmark_release(facts: Facts) -> bool:
    """A repo that releases a benchmark table and its API, with no search and no final training."""
    if has_method(facts) or entries(facts, Role.FINAL_TRAINING):
        return False
    return bool(entries(facts, Role.BENCHMARK_QUERY) or benchmark_code(facts))


def benchmark_evidence(facts: Facts) -> list[Evidence]:
    """Benchmark uses in code, then benchmark-query entry points, as evidence; located lines
    first, since a line says more than a whole file."""
    found = located(benchmark_code(facts), "benchmark used in code") + located(
        entries(facts, Role.BENCHMARK_QUERY), "benchmark-query entry point"
    )
    return sorted(found, key=lambda ev: ev.line is None)


def method_files(facts: Facts) -> set[str]:
    """Files of the NAS method: search entry points, their imports and method code, but not a
    final-training script a search happens to import (one that also searches stays)."""
    final = {e.path for e in entries(facts, Role.FINAL_TRAINING) if Role.SEARCH not in e.roles}
    search = files_of_all(entries(facts, Role.SEARCH)) - final
    return search | {m.path for m in facts.nas_methods}


def in_files(items: Iterable[L], files: set[str] | frozenset[str]) -> list[L]:
    """Facts located in one of these files."""
    return [item for item in items if item.path in files]
