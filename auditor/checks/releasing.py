"""Checks R1–R5: is the code released (final training, search space, method) with its
hyperparameters and seeds?"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.checks._common import (
    BENCHMARK_RELEASE,
    absence,
    benchmark_code,
    benchmark_evidence,
    entries,
    files_of,
    files_of_all,
    finding,
    has_method,
    is_benchmark_release,
    located,
    names,
    no,
    not_applicable,
    sentence,
    yes,
)
from auditor.checks._determinism import deterministic_finding
from auditor.checks._phase import hyperparameter_finding, phase
from auditor.checks._pipeline import (
    evaluation,
    final_script,
    missing_final_scripts,
    no_final_script,
    orphan_training,
)
from auditor.checks._seed_state import seed_state
from auditor.checks._seeds import seed_recorded_finding, seed_set_finding
from auditor.facts import Facts, Role
from auditor.models import Finding, Outcome
from auditor.registry import check

BENCHMARK_EVALUATED = (
    "the searches run on a benchmark and take the accuracy of the architectures they find from "
    "its table; no final architecture is trained, so there is no final-training pipeline to "
    "release"
)


def _na_all(signals: tuple[str, ...], message: str, facts: Facts) -> Iterator[Finding]:
    for signal in signals:
        yield not_applicable(signal, sentence(message), benchmark_evidence(facts)[:3])


def _no_final_phase_reason(facts: Facts) -> str | None:
    """Why R1 and R3 do not apply: a benchmark release, or searches evaluated by benchmark
    queries alone (naszilla: every method runs on NAS-Bench-101/201/301).

    NOTE: every search entry point must run benchmark code and one must query it, so that a
    search on a real dataset next to a benchmark experiment still needs its final training;
    a README that runs a missing training script keeps R1 applicable too.
    """
    if is_benchmark_release(facts):
        return BENCHMARK_RELEASE
    search = entries(facts, Role.SEARCH)
    if not search or entries(facts, Role.FINAL_TRAINING) or missing_final_scripts(facts):
        return None
    used = {b.path for b in benchmark_code(facts)}
    if any(Role.BENCHMARK_QUERY in e.roles for e in search) and all(
        files_of(e) & used for e in search
    ):
        return BENCHMARK_EVALUATED
    return None


# ------------------------------------------------------------------------------------- R1


@check("R1")
def final_training_pipeline(facts: Facts) -> Iterator[Finding]:
    """R1: the pipeline that trains and evaluates the final architectures.

    Signals:
        R1.final-training-script: an entry point with role final_training; FALSE when only the
            search trains, when nothing trains, or when the README runs a missing train script;
            needs review when every such entry point imports a missing module.
        R1.evaluation: evaluation code in the final-training files, or an evaluation entry point.
    Evidence accepted:
        Entry points and their reasons, training code (optimizer steps, epoch loops) in the
        entry point or the modules it imports, evaluation code, broken script references.
    Limitations:
        Roles come from the probes; training code no entry point runs gives needs_review. A
        benchmark release (table plus API, no method), or searches whose architectures are
        evaluated by benchmark queries alone, is not applicable.
    """
    reason = _no_final_phase_reason(facts)
    if reason:
        yield from _na_all(("R1.final-training-script", "R1.evaluation"), reason, facts)
        return
    final = entries(facts, Role.FINAL_TRAINING)
    yield final_script(facts, final) if final else no_final_script(facts)
    yield evaluation(facts, final)


# ------------------------------------------------------------------------------------- R2


# NOTE: what defines the candidate operations (or a whole space); every other search-space
# fact (cells, genotypes, index-to-operation tables) encodes an architecture in it
_OPERATION_KINDS = frozenset(
    {"operations", "search_space_class", "choice_op", "elastic_dimensions"}
)


@check("R2")
def search_space_code(facts: Facts) -> Iterator[Finding]:
    """R2: the search space (candidate operations and how an architecture is encoded).

    Signals:
        R2.operations: an operation set (PRIMITIVES, OPS, candidate lists), a mixed/choice op
            or supernet that takes the candidates or the sampled choice, elastic dimension
            lists, or a search-space class.
        R2.architecture-encoding: a cell, genotype or supernet definition (optional).
    Evidence accepted:
        search_space facts of kind operations / search_space_class / choice_op /
        elastic_dimensions (operations) and every other kind, such as architecture_encoding
        (encoding).
    Limitations:
        Names, not semantics: a list called OPS that is not a search space still counts.
    """
    ops = [s for s in facts.search_space if s.kind in _OPERATION_KINDS]
    enc = [s for s in facts.search_space if s.kind not in _OPERATION_KINDS]
    if ops:
        yield yes(
            "R2.operations",
            f"The search space is defined in {names(s.path for s in ops)} "
            f"({names(s.detail or s.kind for s in ops)}).",
            located(ops, "search space"),
        )
    else:
        # an index-to-operation table names the operations; their code is elsewhere
        tables = {s.path for s in enc if s.kind == "operation_index"}
        verb = "maps" if len(tables) == 1 else "map"
        only = f"; {names(sorted(tables))} only {verb} indices to operation names" if tables else ""
        yield no(
            "R2.operations",
            f"No operation set or search-space class was found{only}.",
            [
                absence(
                    "no search space",
                    "PRIMITIVES/OPS and candidate-operation lists",
                    "mixed/choice ops and supernets",
                    "elastic dimension lists",
                    "search-space classes",
                    "ConfigSpace definitions",
                )
            ],
        )
    if enc:
        yield yes(
            "R2.architecture-encoding",
            f"Architectures are encoded in "
            f"{names(s.path for s in enc)} ({names(s.detail or s.kind for s in enc)}).",
            located(enc, "architecture encoding"),
        )
    else:
        yield no(
            "R2.architecture-encoding",
            "No cell, genotype or supernet encoding was found.",
            [absence("no architecture encoding", "Genotype", "cell classes", "supernets")],
        )


# ------------------------------------------------------------------------------------- R3

_R3 = ("R3.hyperparameters", "R3.seed-set", "R3.seed-recorded", "R3.deterministic-settings")


@check("R3")
def final_training_hyperparameters_and_seeds(facts: Facts) -> Iterator[Finding]:
    """R3: hyperparameters and seeds of the final-training entry points.

    Signals:
        R3.hyperparameters: options, config keys or constants in the final-training files,
            run commands passing it flags, or configs they point at.
        R3.seed-set: every final-training entry point reaches an effective seeding call of
            random/numpy/torch/tf/jax/lightning or a repo helper; FALSE with the seed problems
            (unused flag, unreachable, docstring, dead code, clock) otherwise.
        R3.seed-recorded: the seed value is known (literal, flag default, run command, config,
            log or docs) (optional).
        R3.deterministic-settings: cudnn.deterministic / benchmark = False /
            use_deterministic_algorithms in the final-training files; not applicable without
            PyTorch (optional).
    Evidence accepted:
        Hyperparameter, seed-call, seed-problem, determinism, invocation, config, log and doc
        facts.
    Limitations:
        Configs are linked to an entry point by name or by a flag that names them; seeds in
        logs and docs are not tied to one phase. Not applicable where R1 is not.
    """
    reason = _no_final_phase_reason(facts)
    if reason:
        yield from _na_all(_R3, reason, facts)
        return
    ph = phase(facts, Role.FINAL_TRAINING, "final-training")
    if not ph.entries:
        yield from _no_final_phase(facts)
        return
    state = seed_state(facts, ph)
    yield hyperparameter_finding(facts, ph, "R3.hyperparameters")
    yield seed_set_finding(facts, ph, state, "R3.seed-set")
    yield seed_recorded_finding(facts, ph, state, "R3.seed-recorded")
    yield deterministic_finding(facts, ph, "R3.deterministic-settings")


def _no_final_phase(facts: Facts) -> Iterator[Finding]:
    orphans = [] if missing_final_scripts(facts) else orphan_training(facts)
    outcome = Outcome.NOT_AVAILABLE if orphans else Outcome.FALSE
    evidence = located(orphans[:3], "training code without a final-training entry point") or [
        absence("no final-training entry point", "entry points with role final_training")
    ]
    message = (
        "No entry point was identified as final training (see R1), so its hyperparameters "
        "and seeds cannot be located."
        if orphans
        else "No final-training entry point exists (see R1), so its hyperparameters and seeds "
        "are not released."
    )
    for signal in _R3:
        yield finding(signal, outcome, message, evidence)


# ------------------------------------------------------------------------------------- R4


@check("R4")
def nas_method_code(facts: Facts) -> Iterator[Finding]:
    """R4: the NAS method (search loop) and the step that derives the final architecture.

    Signals:
        R4.search-code: a search entry point or NAS-method code of any family.
        R4.derive-architecture: code that derives or selects the final architecture, in a
            repository with search code (optional).
    Evidence accepted:
        Search entry points, nas_methods (with family), architecture_derivation.
    Limitations:
        A benchmark release (table plus API, no method) is not applicable; any other repo
        without search code fails.
    """
    if is_benchmark_release(facts):
        message = BENCHMARK_RELEASE + ", and there is no NAS method to release"
        yield from _na_all(("R4.search-code", "R4.derive-architecture"), message, facts)
        return
    yield _search_code(facts)
    derive = facts.architecture_derivation
    if derive and not has_method(facts):
        # NOTE: without a search, genotype code (a model printing the genotype it is given)
        # derives nothing from a search.
        paths = list(dict.fromkeys(d.path for d in derive))
        yield no(
            "R4.derive-architecture",
            f"No search exists to derive an architecture from; {names(paths)} only "
            f"handle{'s' if len(paths) == 1 else ''} fixed genotypes.",
            located(derive, "genotype code without a search"),
        )
    elif derive:
        yield yes(
            "R4.derive-architecture",
            f"The final architecture is derived in "
            f"{names(d.path for d in derive)} ({names(d.detail or d.kind for d in derive)}).",
            located(derive, "architecture derivation"),
        )
    else:
        yield no(
            "R4.derive-architecture",
            "No code derives or selects the final architecture from the search.",
            [
                absence(
                    "no derivation", "genotype()/argmax derivation", "best-architecture selection"
                )
            ],
        )


def _search_code(facts: Facts) -> Finding:
    search = entries(facts, Role.SEARCH)
    methods = facts.nas_methods
    if not has_method(facts):
        return no(
            "R4.search-code",
            "No search entry point and no NAS-method code were found.",
            [
                absence(
                    "no NAS method",
                    "entry points with role search",
                    "architects",
                    "controllers",
                    "evolution loops",
                    "architecture samplers",
                )
            ],
        )
    families = names(dict.fromkeys(m.family.value.replace("_", "-") for m in methods)) or "method"
    own = files_of_all(search)
    ordered = [m for m in methods if m.path in own] + [m for m in methods if m.path not in own]
    evidence = located(search, "search entry point") + located(ordered, "NAS-method code")
    if search:
        message = f"{names(e.path for e in search)} run{'s' if len(search) == 1 else ''} the search"
        message += f" ({families})." if methods else "."
    else:
        message = (
            f"NAS-method code ({families}) is in {names(m.path for m in methods)}, "
            "though no search entry point was identified."
        )
    return yes("R4.search-code", message, evidence)


# ------------------------------------------------------------------------------------- R5

_R5 = ("R5.hyperparameters", "R5.seed-set", "R5.seed-recorded")


@check("R5")
def search_hyperparameters_and_seeds(facts: Facts) -> Iterator[Finding]:
    """R5: hyperparameters and seeds of the search entry points.

    Signals:
        R5.hyperparameters, R5.seed-set, R5.seed-recorded: as in R3, for the search phase.
    Evidence accepted:
        As in R3. Without a search entry point the method's own files are read for
        hyperparameters; which seeds the search runs then needs review.
    Limitations:
        Not applicable for a benchmark release; FALSE when the repo has no search code at all.
    """
    if is_benchmark_release(facts):
        message = BENCHMARK_RELEASE + ", and there is no search whose settings could be released"
        yield from _na_all(_R5, message, facts)
        return
    if not has_method(facts):
        for signal in _R5:
            yield no(
                signal,
                "The repository contains no search code (see R4), so no search "
                "hyperparameters or seeds are released.",
                [absence("no search code", "entry points with role search", "NAS methods")],
            )
        return
    ph = phase(facts, Role.SEARCH, "search", fallback=(m.path for m in facts.nas_methods))
    state = seed_state(facts, ph)
    yield hyperparameter_finding(facts, ph, "R5.hyperparameters")
    yield seed_set_finding(facts, ph, state, "R5.seed-set")
    yield seed_recorded_finding(facts, ph, state, "R5.seed-recorded")
