"""End to end: each seeding pitfall in the compliant repository, and what R3 (final training)
or R5 (search) says about it, with the line that shows the pitfall."""

from __future__ import annotations

import nasvariants as v
import pytest
from nasfixtures import Audited, AuditFiles, all_pass

from auditor.facts import SeedProblemKind
from auditor.models import Outcome, Status

T, F = Outcome.TRUE, Outcome.FALSE
MAIN = 'if __name__ == "__main__":'


def pitfall(audited: AuditFiles, name: str) -> Audited:
    return audited(f"pitfall-{name}", v.PITFALLS[name]())


# pitfall -> (file and line text of the pitfall, problem kind, words of the R3.seed-set message).
# Where train.py no longer reads args.seed, its --seed flag is reported unused as well.
FLAG = 'parser.add_argument("--seed"'
FLAG_UNUSED_TOO = {"unreachable_helper", "worker_init_fn", "time"}
UNSEEDED = {
    "unused_flag": (
        "train.py",
        'parser.add_argument("--seed"',
        SeedProblemKind.UNUSED_SEED_FLAG,
        "The seed option --seed is defined but its value is never read",
    ),
    "unreachable_helper": (
        "data.py",
        "np.random.seed(0)",
        SeedProblemKind.UNREACHABLE,
        "numpy.random.seed is reached from no entry point",
    ),
    "docstring": (
        "train.py",
        "torch.manual_seed(args.seed)",
        SeedProblemKind.IN_DOCSTRING,
        "torch.manual_seed appears in a docstring",
    ),
    "dead_code": (
        "train.py",
        "utils.set_seed(args.seed)",
        SeedProblemKind.DEAD_CODE,
        "utils.set_seed sits in code that never runs",
    ),
    "worker_init_fn": (
        "data.py",
        "worker_init_fn=np.random.seed(0)",
        SeedProblemKind.WORKER_INIT_FN_CALLED,
        "worker_init_fn receives the result of np.random.seed(0)",
    ),
    "time": (
        "train.py",
        "utils.set_seed(int(time.time()))",
        SeedProblemKind.SEED_FROM_TIME,
        "utils.set_seed takes its seed from int(time.time())",
    ),
}


@pytest.mark.parametrize("name", sorted(UNSEEDED))
def test_seed_that_looks_set_but_is_not(audited: AuditFiles, name: str) -> None:
    a = pitfall(audited, name)
    path, needle, kind, words = UNSEEDED[name]
    assert a.statuses() == all_pass(R3=Status.PARTIAL), a.explain()
    assert a.verdict("R3").score == 0.5
    assert a.outcome("R3.seed-set") is F
    assert a.outcome("R3.seed-recorded") is F
    problems = [(*a.at(path, needle), kind)]
    if name in FLAG_UNUSED_TOO:
        problems.append((*a.at("train.py", FLAG), SeedProblemKind.UNUSED_SEED_FLAG))
    assert sorted((p.path, p.line, p.kind) for p in a.report.facts.seed_problems) == sorted(
        problems
    )
    assert a.where("R3.seed-set") == [
        *((p, line) for p, line, _ in problems),
        a.at("train.py", MAIN),
    ]
    assert a.notes("R3.seed-set") == [
        *["seeding problem"] * len(problems),
        "final-training entry point without seeding",
    ]
    assert a.finding("R3.seed-set").message.startswith(
        f"Seeds in train.py look set but are not effective: {words}"
    )


def test_benchmark_switched_on_after_seeding(audited: AuditFiles) -> None:
    a = pitfall(audited, "benchmark_after_seed")
    assert a.statuses() == all_pass(), a.explain()
    assert a.verdict("R3").score == 0.833
    assert a.outcome("R3.seed-set") is T
    assert a.outcome("R3.deterministic-settings") is F
    benchmark = a.at("train.py", "torch.backends.cudnn.benchmark = True")
    assert a.where("R3.deterministic-settings") == [
        benchmark,
        a.at("utils.py", "cudnn.deterministic = True"),
        a.at("utils.py", "cudnn.benchmark = False"),
    ]
    assert a.finding("R3.deterministic-settings").message == (
        "train.py sets cudnn.benchmark = True, so GPU kernels and results can differ from run "
        "to run."
    )
    assert [(p.path, p.line, p.kind) for p in a.report.facts.seed_problems] == [
        (*benchmark, SeedProblemKind.BENCHMARK_AFTER_SEED)
    ]


def test_search_seeded_from_the_clock(audited: AuditFiles) -> None:
    a = audited("pitfall-search-time", v.search_seed_from_clock())
    assert a.statuses() == all_pass(R5=Status.PARTIAL), a.explain()
    assert a.outcome("R5.seed-set") is F
    assert a.finding("R5.seed-set").message == (
        "random_search.py seeds the random generators, but train_search.py reaches no "
        "effective seeding call."
    )
    assert a.where("R5.seed-set") == [
        a.at("train_search.py", "utils.set_seed(int(time.time()))"),
        a.at("train_search.py", FLAG),
        a.at("random_search.py", "utils.set_seed(args.seed)"),
        *[a.at("utils.py", f"    {call}(seed)") for call in ("random.seed", "np.random.seed")],
        a.at("utils.py", "torch.manual_seed(seed)"),
        a.at("utils.py", "torch.cuda.manual_seed_all(seed)"),
        a.at("train_search.py", MAIN),
    ]
    assert a.notes("R5.seed-set")[:3] == [
        "seeding problem",
        "seeding problem",
        "seeding call of another entry point",
    ]
    # the same helper, called by train.py with the flag, still seeds the final training
    assert a.outcome("R3.seed-set") is T
    assert a.where("R3.seed-set")[0] == a.at("train.py", "utils.set_seed(args.seed)")
