"""Seeds of one phase (R3.seed-set / R3.seed-recorded, and the same for R5).

Every entry point of the phase must reach an effective seeding call with a fixed value; the
seed value must be recoverable from a literal, a flag default, a run command, a config, a log
or the docs.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from auditor.checks._common import (
    absence,
    flag_name,
    located,
    names,
    no,
    unknown,
    yes,
)
from auditor.checks._phase import Phase
from auditor.checks._seed_state import LOCAL_GENERATORS, SeedState, reaches
from auditor.facts import (
    DocTopic,
    Evidence,
    Facts,
    Located,
    SeedCall,
    SeedProblem,
    SeedSource,
    SeedSourceKind,
)
from auditor.models import Finding

SEED_SEARCHED = (
    "random.seed",
    "numpy.random.seed",
    "torch.manual_seed",
    "tf.random.set_seed",
    "jax.random.PRNGKey",
    "seed_everything",
    "repo seed helpers",
)


def seed_set_finding(facts: Facts, ph: Phase, state: SeedState, signal: str) -> Finding:
    """TRUE when every entry point of the phase reaches an effective, fixed seeding call."""
    if not ph.entries:
        return _seed_without_entries(facts, ph, signal)
    if state.seeded and not state.unseeded:
        calls = _per_entry_first(state)
        return yes(
            signal,
            f"{ph.who} {_verb(ph)} {_libraries(state.calls)}{_source_phrase(_best(state.calls))}.",
            located(calls, "seeding call reached from the entry point")
            + located(state.broken, "seeding problem"),
        )
    return no(signal, _unseeded_message(facts, ph, state), _unseeded_evidence(facts, ph, state))


def _seed_without_entries(facts: Facts, ph: Phase, signal: str) -> Finding:
    if not facts.seed_calls:
        return no(
            signal,
            f"No seeding call exists in the repository, and no {ph.label} entry "
            "point was identified.",
            [absence("no seeding call", *SEED_SEARCHED)],
        )
    return unknown(
        signal,
        f"No {ph.label} entry point was identified, so it cannot be told whether the "
        f"{ph.label} runs the seeding calls in {names(c.path for c in facts.seed_calls)}.",
        located(facts.seed_calls[:4], "seeding call"),
    )


def _per_entry_first(state: SeedState) -> list[SeedCall]:
    """Calls ordered so that every seeded entry point shows up in the first few, its own file
    first."""
    first: list[SeedCall] = []
    for entry in state.seeded:
        reaching = [c for c in state.calls if reaches(c, entry)]
        own = [c for c in reaching if c.path == entry.path]
        first += (own or reaching)[:1]
    ids = {id(c) for c in first}
    return first + [c for c in state.calls if id(c) not in ids]


def _verb(ph: Phase) -> str:
    return "seeds" if len(ph.entries) == 1 else "seed"


def _libraries(calls: list[SeedCall]) -> str:
    """'numpy and torch', 'random and torch via utils.set_seed', 'the helper utils.set_seed'."""
    libraries = names(dict.fromkeys(c.library for c in calls if c.library != "helper"), limit=5)
    helpers = names(dict.fromkeys(c.call for c in calls if c.library == "helper"))
    if libraries and helpers:
        return f"{libraries} via {helpers}"
    return libraries or f"through the helper {helpers}"


def _best(calls: list[SeedCall]) -> SeedSource:
    """The most telling seed source: a literal, flag, config key or env var before the rest."""
    told = (
        SeedSourceKind.LITERAL,
        SeedSourceKind.CLI_FLAG,
        SeedSourceKind.CONFIG_KEY,
        SeedSourceKind.ENV,
    )
    return next((c.source for c in calls if c.source.kind in told), calls[0].source)


def _source_phrase(source: SeedSource) -> str:
    detail = source.detail or ""
    match source.kind:
        case SeedSourceKind.LITERAL:
            return f" with the literal {detail}" if detail else " with a literal"
        case SeedSourceKind.CLI_FLAG:
            default = f" (default {source.default})" if source.default else ""
            return f" from the flag {detail or 'seed'}{default}"
        case SeedSourceKind.CONFIG_KEY:
            return f" from the config key {detail}" if detail else " from a config key"
        case SeedSourceKind.ENV:
            return f" from the environment variable {detail}" if detail else " from the environment"
        case _:
            return f" from {detail}" if detail else ""


def _unseeded_message(facts: Facts, ph: Phase, state: SeedState) -> str:
    missing = names(e.path for e in state.unseeded)
    one = len(state.unseeded) == 1
    reaches, seeds = ("reaches", "seeds") if one else ("reach", "seed")
    if state.seeded:
        return (
            f"{names(e.path for e in state.seeded)} {'seeds' if len(state.seeded) == 1 else 'seed'}"
            f" the random generators, but {missing} {reaches} no effective seeding call."
        )
    if state.unfixed:
        return f"{missing} {seeds} only from the clock or with None, so every run differs."
    if state.cuda_only and state.cuda_only[0].call in LOCAL_GENERATORS:
        return (
            f"{missing} {seeds} only a local torch.Generator ({state.cuda_only[0].path}); the "
            "global generator that initialises the weights stays unseeded."
        )
    if state.cuda_only:
        return (
            f"{missing} {seeds} only CUDA ({state.cuda_only[0].call}); the CPU generator that "
            "initialises the weights stays unseeded."
        )
    if state.broken:
        return (
            f"Seeds in {missing} look set but are not effective: {_problem_text(state.broken[0])}"
        )
    others = [c for c in facts.seed_calls if c.effective]
    if others:
        return (
            f"{missing} {reaches} no seeding call; seeds are set only in "
            f"{names(c.path for c in others)}."
        )
    return f"No seeding call is reachable from {missing}, and the repository sets no seed."


def _problem_text(item: Located) -> str:
    if isinstance(item, SeedProblem):
        return item.message if item.message.endswith(".") else item.message + "."
    if isinstance(item, SeedCall):
        why = ", ".join(item.problems) or "never runs"
        return f"{item.call} in {item.path} ({why})."
    return f"see {item.path}."


def _unseeded_evidence(facts: Facts, ph: Phase, state: SeedState) -> list[Evidence]:
    evidence = (
        located(state.broken, "seeding problem")
        + located(state.unfixed, "seed not fixed")
        + located([c for c in state.cuda_only if c.library == "torch.cuda"], "seeds only CUDA")
        + located(
            [c for c in state.cuda_only if c.library != "torch.cuda"],
            "seeds only a local torch.Generator",
        )
        + located(state.calls, "seeding call of another entry point")
        + located(state.unseeded, f"{ph.label} entry point without seeding")
    )
    if not (state.broken or state.unfixed or state.cuda_only):
        ids = {id(c) for c in state.calls}
        others = [c for c in facts.seed_calls if c.effective and id(c) not in ids]
        evidence += located(others[:3], "seeding call not reached from this phase")
        evidence.append(
            absence(
                f"no seeding call reachable from {names(e.path for e in state.unseeded)}",
                *SEED_SEARCHED,
            )
        )
    return evidence


# ------------------------------------------------------------------------- seed recorded


def seed_recorded_finding(facts: Facts, ph: Phase, state: SeedState, signal: str) -> Finding:
    """TRUE when the value of the seed used is known from code, scripts, configs, logs or docs."""
    if not ph.entries:
        return _seed_without_entries(facts, ph, signal)
    if not state.calls:
        return no(
            signal,
            f"No effective seed is set in the {ph.label} code, so no seed value is recorded.",
            [absence(f"no effective seeding in the {ph.label} code", *SEED_SEARCHED)],
        )
    sources = _seed_records(facts, ph, state)
    if sources:
        message, _ = sources[0]
        return yes(signal, message, [ev for _, evs in sources for ev in evs])
    return no(
        signal,
        f"The seed of {ph.who} comes{_source_phrase(_best(state.calls))} and no "
        "default, run command, config, log or doc records its value.",
        [
            *located(state.calls[:2], "seed of unknown value"),
            absence(
                "no recorded seed value",
                "literal seeds",
                "flag defaults",
                "--seed in run commands",
                "config seeds",
                "log seeds",
                "docs on seeds",
            ),
        ],
    )


def _seed_records(facts: Facts, ph: Phase, state: SeedState) -> list[tuple[str, list[Evidence]]]:
    """(message, evidence) for every place that records a seed value, most telling first."""
    out: list[tuple[str, list[Evidence]]] = []
    literal = [c for c in state.calls if c.source.kind is SeedSourceKind.LITERAL]
    if literal:
        out.append(
            (
                f"{literal[0].path} seeds with the literal {literal[0].source.detail or 'value'}.",
                located(literal[:2], "literal seed"),
            )
        )
    flagged = [
        c
        for c in state.calls
        if c.source.kind is SeedSourceKind.CLI_FLAG and (c.source.default or "None") != "None"
    ]
    if flagged:
        src = flagged[0].source
        out.append(
            (
                f"The seed flag {src.detail or 'seed'} of {flagged[0].path} defaults to "
                f"{src.default}.",
                located(flagged[:2], "seed flag with a default"),
            )
        )
    runs = [
        i
        for i in facts.script_invocations
        if i.resolved in ph.paths and any("seed" in flag_name(k) for k in i.flags)
    ]
    if runs:
        out.append(
            (
                f"{names(i.path for i in runs)} run {ph.who} with an explicit seed.",
                located(runs[:2], "run command with a seed"),
            )
        )
    out += _recorded_elsewhere(facts, ph)
    return out


def _recorded_elsewhere(facts: Facts, ph: Phase) -> list[tuple[str, list[Evidence]]]:
    out: list[tuple[str, list[Evidence]]] = []
    # NOTE: a config named after an entry point of another phase (train.yaml beside train.py,
    # judged for the search) records that phase's seeds, not these.
    foreign = {PurePosixPath(e.path).stem for e in facts.entry_points if e.path not in ph.paths}
    configs = [c for c in facts.configs if c.seeds and PurePosixPath(c.path).stem not in foreign]
    if configs:
        out.append(
            (
                f"{configs[0].path} lists the seeds {', '.join(configs[0].seeds[:5])}.",
                located(configs[:2], "config with seeds"),
            )
        )
    logs = [g for g in facts.logs if g.seed is not None]
    if logs:
        out.append(
            (
                f"Committed logs record the seed ({names(g.path for g in logs)}).",
                located(logs[:2], "log with the seed"),
            )
        )
    docs = [d for d in facts.docs if d.topic is DocTopic.SEEDS]
    if docs:
        out.append((f"{docs[0].path} documents the seeds.", located(docs[:2], "docs on seeds")))
    return out
