"""Checks C1–C8: are methods compared fairly (same benchmark, same protocol, random search,
several seeds, controlled environment, ablations, anytime performance, NAS benchmarks)?"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.checks._common import (
    BENCHMARK_RELEASE,
    absence,
    benchmark_code,
    benchmark_evidence,
    entries,
    has_method,
    is_benchmark_release,
    located,
    names,
    no,
    not_applicable,
    unknown,
    yes,
)
from auditor.checks._compare import (
    NO_METHOD,
    baseline_evaluation,
    benchmark_settles,
    is_comparison,
    no_comparison_reason,
    outside_code_finding,
    outside_code_only,
    random_search_finding,
    several_architectures,
    shared_data,
    shared_training,
)
from auditor.checks._deps import pinned_finding
from auditor.checks._runs import multiple_runs, seeds_reported, time_logged
from auditor.facts import DocTopic, Facts, Role
from auditor.models import Finding
from auditor.registry import check


def _benchmark_names(facts: Facts) -> str:
    named = (
        "the repository's own tabular benchmark"
        if b.benchmark == "own tabular benchmark"
        else b.benchmark
        for b in benchmark_code(facts)
    )
    return names(dict.fromkeys(named))


# ------------------------------------------------------------------------------------- C1


@check("C1")
def same_benchmark(facts: Facts) -> Iterator[Finding]:
    """C1: every compared method runs on the same data, split and training code.

    Signals:
        C1.shared-data: one data module used by every search, final-training and baseline
            entry point, or a NAS benchmark API (that the compared methods query, when they
            are compared in code).
        C1.shared-training: searches and baselines share training code, or a benchmark
            (optional).
    Evidence accepted:
        data_code and training_code facts with the entry points that import them; benchmarks.
    Limitations:
        Not applicable with one method and no baseline (comparisons with numbers from other
        papers are invisible to a static audit). Two modules that load data identically still
        count as two.
    """
    if benchmark_settles(facts):
        message = (
            f"Methods are compared on {_benchmark_names(facts)}, whose table fixes the "
            "data, split and training for all."
        )
        yield yes("C1.shared-data", message, benchmark_evidence(facts))
        yield yes("C1.shared-training", message, benchmark_evidence(facts))
        return
    if not is_comparison(facts):
        reason = no_comparison_reason(facts)
        if has_method(facts):
            # NOTE: a paper compares its one method with numbers from other papers; whether
            # those used the same benchmark cannot be told from this repository.
            reason += (
                " Whether the paper's comparisons used the same data, split and training"
                " cannot be told from the code."
            )
            method = located(entries(facts, Role.SEARCH)[:4], note="the only method")
            yield unknown("C1.shared-data", reason, method)
            yield unknown("C1.shared-training", reason, method)
            return
        yield not_applicable("C1.shared-data", reason)
        yield not_applicable("C1.shared-training", reason)
        return
    outside = outside_code_only(facts)
    if outside:
        yield outside_code_finding("C1.shared-data", outside)
        yield outside_code_finding("C1.shared-training", outside)
        return
    yield shared_data(facts)
    yield shared_training(facts)


# ------------------------------------------------------------------------------------- C2


@check("C2")
def confounders_controlled(facts: Facts) -> Iterator[Finding]:
    """C2: library versions pinned and the environment recorded.

    Signals:
        C2.pinned-dependencies: a lock file or >= 80% of declared dependencies pinned; with only
            README version lines, TRUE when they pin the deep-learning framework.
        C2.environment-recorded: code that records library versions or hardware (optional).
    Evidence accepted:
        Dependency declarations (requirements, environment, setup, pyproject, README lines),
        dependency files, environment_recording.
    Limitations:
        Equal time budgets across methods are not checked statically.
    """
    yield pinned_finding(facts)
    rec = facts.environment_recording
    if rec:
        yield yes(
            "C2.environment-recorded",
            f"{names(r.path for r in rec)} record"
            f"{'s' if len({r.path for r in rec}) == 1 else ''} "
            f"{names(dict.fromkeys(r.detail or r.kind for r in rec))}.",
            located(rec, "environment recording"),
        )
    else:
        yield no(
            "C2.environment-recorded",
            "No code records library versions or hardware.",
            [
                absence(
                    "no environment recording",
                    "torch.__version__",
                    "pip freeze",
                    "torch.cuda.get_device_name",
                    "platform",
                )
            ],
        )


# ------------------------------------------------------------------------------------- C3


@check("C3")
def ablation_studies(facts: Facts) -> Iterator[Finding]:
    """C3: ablation switches, scripts or documented results.

    Signals:
        C3.ablation: ablation flags, scripts or docs.
    Evidence accepted:
        ablations facts (ablation_flag / ablation_script / ablation_doc), docs on ablations.
    Limitations:
        Not applicable without a NAS method (for example a benchmark release).
    """
    if not has_method(facts):
        why = BENCHMARK_RELEASE if is_benchmark_release(facts) else NO_METHOD
        yield not_applicable("C3.ablation", f"No ablation is expected: {why}.")
        return
    docs = [d for d in facts.docs if d.topic is DocTopic.ABLATION]
    if facts.ablations or docs:
        kinds = names(
            dict.fromkeys(
                [a.kind.replace("_", " ") for a in facts.ablations] + ["ablation docs"] * bool(docs)
            )
        )
        where = names(dict.fromkeys([a.path for a in facts.ablations] + [d.path for d in docs]))
        yield yes(
            "C3.ablation",
            f"Ablations are supported: {kinds} in {where}.",
            located(facts.ablations, "ablation") + located(docs, "docs on ablations"),
        )
        return
    yield no(
        "C3.ablation",
        "No ablation switch, script or documented ablation was found.",
        [absence("no ablation", "ablation flags", "ablation scripts", "docs on ablations")],
    )


# ------------------------------------------------------------------------------------- C4


@check("C4")
def same_evaluation_protocol(facts: Facts) -> Iterator[Finding]:
    """C4: one evaluation protocol for every compared method's architectures.

    Signals:
        C4.shared-evaluation: a benchmark table for all (queried by the compared methods, when
            they are compared in code), one evaluation/final-training script
            run for several architectures, or a baseline evaluated by the method's pipeline.
    Evidence accepted:
        benchmarks, script_invocations with different --arch values, baselines importing the
        final-training or evaluation code.
    Limitations:
        With one method and one pipeline the paper's comparison (often with published numbers)
        cannot be seen in code: needs review. Not applicable without any method or baseline.
    """
    signal = "C4.shared-evaluation"
    if benchmark_settles(facts):
        yield yes(
            signal,
            f"Architectures are evaluated by {_benchmark_names(facts)} queries, "
            "one protocol for all.",
            benchmark_evidence(facts),
        )
        return
    several = several_architectures(facts)
    if several:
        yield several
        return
    if not (has_method(facts) or facts.baselines):
        yield not_applicable(signal, no_comparison_reason(facts))
        return
    yield baseline_evaluation(facts)


# ------------------------------------------------------------------------------------- C5


@check("C5")
def performance_over_time(facts: Facts) -> Iterator[Finding]:
    """C5: anytime performance: time logged during the search, curves over time.

    Signals:
        C5.time-logged: timing code in the search files or method code, or logs with elapsed
            time.
        C5.curves: plots or tables of performance over time (optional).
    Evidence accepted:
        timing_code, logs (elapsed_seconds), time_curves.
    Limitations:
        Not applicable without a NAS method: there is no search to time.
    """
    if not has_method(facts):
        why = BENCHMARK_RELEASE if is_benchmark_release(facts) else NO_METHOD
        yield not_applicable("C5.time-logged", f"No search to time: {why}.")
        yield not_applicable("C5.curves", f"No search to time: {why}.")
        return
    yield time_logged(facts)
    curves = facts.time_curves
    if curves:
        yield yes(
            "C5.curves",
            f"{names(c.path for c in curves)} plot or tabulate performance over time.",
            located(curves, "curve over time"),
        )
    else:
        yield no(
            "C5.curves",
            "No plot or table of performance over time was found.",
            [absence("no anytime curve", "plots against time or budget", "anytime tables")],
        )


# ------------------------------------------------------------------------------------- C6


@check("C6")
def random_search_baseline(facts: Facts) -> Iterator[Finding]:
    """C6: a random-search baseline over the same search space.

    Signals:
        C6.random-search: a random_search baseline, random-search method code beside another
            method, or docs on a random-search baseline; a single random architecture is not.
    Evidence accepted:
        baselines, nas_methods families, docs on baselines.
    Limitations:
        Not applicable without a NAS method, or when the method is random search itself.
    """
    signal = "C6.random-search"
    if not has_method(facts):
        why = BENCHMARK_RELEASE if is_benchmark_release(facts) else NO_METHOD
        yield not_applicable(signal, f"No method to compare with random search: {why}.")
        return
    yield random_search_finding(facts)


# ------------------------------------------------------------------------------------- C7


@check("C7")
def multiple_runs_and_seeds(facts: Facts) -> Iterator[Finding]:
    """C7: experiments repeated over several seeds, and the seeds named.

    Signals:
        C7.multiple-runs: seed loops (shell, SLURM array, config list, Python loop, per-seed
            logs), logs with two or more seeds, run commands inside a seed loop, configs listing
            several seeds, Python loops over repeated runs; docs alone need review.
        C7.seeds-reported: seeds in configs, logs, docs, run commands or seed loops; without
            them repeated runs are partial, as the item asks for both.
    Evidence accepted:
        seed_loops, logs, script_invocations (in_seed_loop), configs, docs on seeds.
    Limitations:
        Mean ± std tables in a paper are invisible; docs that mention runs are not verified.
    """
    yield multiple_runs(facts)
    yield seeds_reported(facts)


# ------------------------------------------------------------------------------------- C8


@check("C8")
def tabular_or_surrogate_benchmark(facts: Facts) -> Iterator[Finding]:
    """C8: a tabular or surrogate NAS benchmark is used (or released).

    Signals:
        C8.benchmark-used: a benchmark imported, queried or loaded from a data file, a repo's own
            tabular benchmark, or a benchmark release; docs-only mentions need review.
    Evidence accepted:
        benchmarks (how import / code / data_file / doc), benchmark-query entry points.
    Limitations:
        Which experiments used the benchmark is not checked.
    """
    signal = "C8.benchmark-used"
    used = benchmark_code(facts)
    queries = entries(facts, Role.BENCHMARK_QUERY)
    if used or queries:
        what = _benchmark_names(facts) or "a tabular benchmark"
        where = list(dict.fromkeys([b.path for b in used] + [e.path for e in queries]))
        yield yes(
            signal,
            f"{names(where)} use{'s' if len(where) == 1 else ''} {what}.",
            benchmark_evidence(facts),
        )
        return
    mentioned = [b for b in facts.benchmarks if b.how == "doc"]
    if mentioned:
        yield unknown(
            signal,
            f"{names(dict.fromkeys(b.benchmark for b in mentioned))} "
            f"{'is' if len(mentioned) == 1 else 'are'} mentioned in docs but not used "
            "in code.",
            located(mentioned, "benchmark mentioned in docs"),
        )
        return
    yield no(
        signal,
        "No tabular or surrogate NAS benchmark is used.",
        [
            absence(
                "no NAS benchmark",
                "NAS-Bench-101/201/301",
                "NATS-Bench",
                "HW-NAS-Bench",
                "NAS-Bench-Suite",
                "surrogate models",
                "own benchmark tables",
            )
        ],
    )
