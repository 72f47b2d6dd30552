"""The checklist and the checks agree both ways, and every check keeps the project's promises
on every hand-built fact set (tests/factsets.py)."""

from __future__ import annotations

import time
from collections import defaultdict
from functools import cache

import pytest
from factsets import FACT_SETS, build, cs, dep, det, ep, seed

from auditor.checks._common import MAX_EVIDENCE
from auditor.facts import Facts, Role
from auditor.models import EvidenceKind, Finding, Outcome
from auditor.registry import registered_checks
from checklist import load_checklist

MODULE_OF_PREFIX = {"R": "releasing", "C": "comparing", "D": "reporting"}


@cache
def all_findings() -> dict[tuple[str, str], tuple[Finding, ...]]:
    """(fact set, item) -> findings, for every registered check and fact set."""
    return {
        (name, item_id): tuple(fn(build(name)))
        for name in FACT_SETS
        for item_id, fn in registered_checks().items()
    }


def test_every_item_has_exactly_one_check_named_as_in_the_checklist() -> None:
    checklist = load_checklist()
    checks = registered_checks()
    assert sorted(checks) == sorted(item.id for item in checklist.items)
    for item in checklist.items:
        fn = checks[item.id]
        assert fn.__name__ == item.check, item.id
        assert fn.__module__ == f"auditor.checks.{MODULE_OF_PREFIX[item.id[0]]}", item.id


@pytest.mark.parametrize("item_id", [item.id for item in load_checklist().items])
def test_check_docstring_has_the_three_sections(item_id: str) -> None:
    doc = registered_checks()[item_id].__doc__ or ""
    for section in ("Signals:", "Evidence accepted:", "Limitations:"):
        assert section in doc, f"{item_id}: {section}"
    for signal in load_checklist().item(item_id).signals:
        assert signal.id in doc, f"{item_id} docstring does not explain {signal.id}"


def test_each_check_answers_every_declared_signal_once_on_every_fact_set() -> None:
    declared = {item.id: [s.id for s in item.signals] for item in load_checklist().items}
    for (name, item_id), findings in all_findings().items():
        assert sorted(f.signal for f in findings) == sorted(declared[item_id]), (name, item_id)


def test_every_declared_signal_is_true_somewhere_and_not_true_elsewhere() -> None:
    seen: dict[str, set[Outcome]] = defaultdict(set)
    for findings in all_findings().values():
        for f in findings:
            seen[f.signal].add(f.outcome)
    for item in load_checklist().items:
        for signal in item.signals:
            assert Outcome.TRUE in seen[signal.id], f"{signal.id} is never TRUE"
            assert seen[signal.id] - {Outcome.TRUE}, f"{signal.id} is always TRUE"


def test_no_true_without_located_evidence_and_no_false_without_evidence() -> None:
    for key, findings in all_findings().items():
        for f in findings:
            assert len(f.evidence) <= MAX_EVIDENCE, (key, f.signal)
            if f.outcome is Outcome.TRUE:
                assert any(e.path and e.kind is not EvidenceKind.ABSENCE for e in f.evidence), (
                    key,
                    f.signal,
                )
            if f.outcome is Outcome.FALSE:
                assert f.evidence, (key, f.signal)
            for e in f.evidence:
                assert (e.kind is EvidenceKind.ABSENCE) == (e.path is None), (key, f.signal)
                assert e.kind is not EvidenceKind.ABSENCE or e.searched, (key, f.signal)


def test_messages_are_one_sentence() -> None:
    for key, findings in all_findings().items():
        for f in findings:
            assert f.message.endswith("."), (key, f.message)
            assert "\n" not in f.message and ".." not in f.message, (key, f.message)
            first = f.message.split()[0]
            # A sentence starts with a capital, a number or a file name (train.py seeds ...).
            assert first[0].isupper() or first[0].isdigit() or "." in first or "/" in first, (
                key,
                f.message,
            )


def test_checks_stay_fast_on_large_fact_lists() -> None:
    """60 entry points and 300 facts of each kind: every check together well under a second."""
    paths = [f"m{i}.py" for i in range(60)]
    roles = (Role.SEARCH, Role.FINAL_TRAINING)
    facts = Facts(
        entry_points=[ep(p, roles[i % 2], uses=tuple(paths[:40])) for i, p in enumerate(paths)],
        seed_calls=[
            seed(f"u{i}.py", i + 1, "torch.manual_seed", "torch", reach=paths) for i in range(300)
        ],
        training_code=[cs(paths[i % 60], i + 1, "epoch_loop") for i in range(300)],
        evaluation_code=[cs(paths[i % 60], i + 1, "evaluation", "test") for i in range(300)],
        data_code=[cs(paths[i % 60], i + 1, "dataset") for i in range(300)],
        baselines=[cs(paths[i % 60], i + 1, "random_search") for i in range(300)],
        determinism=[det(paths[i % 60], i + 1, "cudnn.benchmark", "True") for i in range(300)],
        dependencies=[dep("requirements.txt", i + 1, f"d{i}") for i in range(300)],
    )
    start = time.perf_counter()
    for fn in registered_checks().values():
        list(fn(facts))
    assert time.perf_counter() - start < 1.0
