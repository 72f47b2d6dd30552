"""Which seeding calls reach which entry point of a phase (the state behind R3/R5 seeds).

A call counts for an entry point when the call graph says the entry point runs it, the call is
effective (not in a docstring, dead code or unreachable), it seeds a training library with a
fixed value, and, inside a repo helper, the entry point calls that helper with a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.checks._phase import Phase
from auditor.facts import (
    EntryPoint,
    Facts,
    Located,
    SeedCall,
    SeedProblem,
    SeedProblemKind,
    SeedSourceKind,
)

# NOTE: sklearn/"other" seeding does not seed a deep-learning training run; torch.cuda alone
# leaves the CPU generator (weight initialisation) unseeded, so it is judged separately.
_SEEDING_LIBRARIES = frozenset(
    {"random", "numpy", "torch", "tensorflow", "jax", "lightning", "transformers", "helper"}
)
_UNFIXED_SOURCES = frozenset({SeedSourceKind.TIME, SeedSourceKind.NONE})
# NOTE: a seeded torch.Generator (DataLoader shuffling, random_split) leaves the global
# generator that initialises the weights unseeded, like torch.cuda seeding alone.
LOCAL_GENERATORS = frozenset({"torch.Generator.manual_seed"})
_UNFIXED_KINDS = frozenset({SeedProblemKind.SEED_FROM_TIME, SeedProblemKind.SEED_NONE})
_SEEDING_PROBLEMS = frozenset(set(SeedProblemKind) - {SeedProblemKind.BENCHMARK_AFTER_SEED})


@dataclass
class SeedState:
    """Which effective seeding calls reach which entry point of a phase."""

    calls: list[SeedCall] = field(default_factory=list)  # effective, fixed, reaching the phase
    seeded: list[EntryPoint] = field(default_factory=list)
    unseeded: list[EntryPoint] = field(default_factory=list)
    cuda_only: list[SeedCall] = field(default_factory=list)  # all an unseeded entry has:
    # torch.cuda or torch.Generator seeds, which leave the weight initialisation unseeded
    unfixed: list[SeedCall] = field(default_factory=list)  # seeded from the clock or None
    broken: list[Located] = field(default_factory=list)  # problems and ineffective calls


def reaches(call: SeedCall, entry: EntryPoint) -> bool:
    """Does the entry point run this call?"""
    if entry.path in call.reachable_from:
        return True
    # NOTE: an effective call in the entry file itself is run even if reachability is unknown.
    return call.path == entry.path and not call.reachable_from


def _unique(calls: list[SeedCall]) -> list[SeedCall]:
    """Calls without repeats, by identity (pydantic equality is slow on long lists)."""
    seen: set[int] = set()
    out: list[SeedCall] = []
    for call in calls:
        if id(call) not in seen:
            seen.add(id(call))
            out.append(call)
    return out


def _partial(call: SeedCall) -> bool:
    """Seeds only CUDA or a local torch.Generator: not enough to seed a run on its own."""
    return call.library == "torch.cuda" or call.call in LOCAL_GENERATORS


def _via_fixed_helper(
    call: SeedCall, entry: EntryPoint, helpers: dict[str, list[SeedCall]]
) -> bool:
    """A seeding call inside a repo helper counts for an entry point only if the entry point
    calls that helper with a fixed seed: `set_seed(int(time.time()))` in train.py seeds nothing
    fixed, whatever flag train_search.py passes to the same helper."""
    if not call.via:
        return True
    sites = [h for h in helpers.get(call.via[0], []) if reaches(h, entry)]
    return not sites or any(h.effective and h.source.kind not in _UNFIXED_SOURCES for h in sites)


def _effective(facts: Facts) -> list[SeedCall]:
    """Effective calls, without those passed as `worker_init_fn=np.random.seed(0)`: meant to
    seed the DataLoader workers, they seed none (the probe reports the misuse)."""
    misused = {
        (p.path, p.line)
        for p in facts.seed_problems
        if p.kind is SeedProblemKind.WORKER_INIT_FN_CALLED
    }
    return [c for c in facts.seed_calls if c.effective and (c.path, c.line) not in misused]


def seed_state(facts: Facts, ph: Phase) -> SeedState:
    """Sort the seeding calls and problems that concern this phase."""
    state = SeedState()
    effective = _effective(facts)
    helpers: dict[str, list[SeedCall]] = {}
    for c in facts.seed_calls:
        if c.library == "helper":
            helpers.setdefault(c.call, []).append(c)
    for entry in ph.entries:
        reaching = [
            c for c in effective if reaches(c, entry) and _via_fixed_helper(c, entry, helpers)
        ]
        fixed = [
            c
            for c in reaching
            if c.library in _SEEDING_LIBRARIES | {"torch.cuda"}
            and c.source.kind not in _UNFIXED_SOURCES
        ]
        state.calls += fixed
        state.unfixed += [c for c in reaching if c.source.kind in _UNFIXED_SOURCES]
        if any(not _partial(c) for c in fixed):
            state.seeded.append(entry)
        else:
            state.unseeded.append(entry)
            state.cuda_only += fixed
    state.calls, state.unfixed = _unique(state.calls), _unique(state.unfixed)
    state.cuda_only = _unique(state.cuda_only)
    # NOTE: calls in the entry points' own files first: their seed is the one a user sets.
    state.calls.sort(key=lambda c: c.path not in ph.paths)
    state.broken = [
        p for p in facts.seed_problems if p.kind in _SEEDING_PROBLEMS and p.path in ph.files
    ]
    state.broken += [
        c
        for c in facts.seed_calls
        if not c.effective and (c.path in ph.files or set(c.reachable_from) & ph.paths)
    ]
    # NOTE: a seed that runs but changes every run (clock, None) explains more than the unused
    # flag it leaves behind, so it leads.
    state.broken.sort(key=lambda p: not (isinstance(p, SeedProblem) and p.kind in _UNFIXED_KINDS))
    return state
