"""D1–D3 over hand-built facts: final statuses and scores through the checklist, then the
evidence and wording of the findings that decide them."""

from __future__ import annotations

import pytest
from factsets import finding, outcomes, places, verdict

from auditor.facts import Dependency, Facts
from auditor.models import EvidenceKind, Outcome, Status

T, F, NA, NV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
PASS, PARTIAL, FAIL = Status.PASS, Status.PARTIAL, Status.FAIL

D1 = ("D1.tuning-documented", "D1.tuning-cost")
D2 = ("D2.time-reported", "D2.timing-code")
D3 = ("D3.setup-instructions", "D3.hardware", "D3.software-versions", "D3.datasets")

CASES = [
    # fact set, item, status, score, signals, outcomes in signal order
    ("full_pipeline", "D1", PASS, 1.0, D1, (T, T)),
    ("tuning_with_cost_nearby", "D1", PASS, 1.0, D1, (T, T)),
    ("own_evaluation_baseline", "D1", PASS, 0.667, D1, (T, F)),
    ("darts_like", "D1", FAIL, 0.0, D1, (F, F)),
    ("full_pipeline", "D2", PASS, 1.0, D2, (T, T)),
    ("own_evaluation_baseline", "D2", PASS, 0.667, D2, (T, F)),
    ("search_timing_only", "D2", PARTIAL, 0.333, D2, (F, T)),
    ("darts_like", "D2", FAIL, 0.0, D2, (F, F)),
    ("full_pipeline", "D3", PASS, 1.0, D3, (T, T, T, T)),
    ("darts_like", "D3", PASS, 1.0, D3, (T, T, T, T)),
    ("benchmark_release", "D3", PARTIAL, 0.5, D3, (T, F, T, F)),
    ("unpinned_but_recorded", "D3", PARTIAL, 0.25, D3, (F, F, T, F)),
    ("data_code_with_split", "D3", PARTIAL, 0.25, D3, (F, F, F, T)),
    ("empty", "D3", FAIL, 0.0, D3, (F, F, F, F)),
]


@pytest.mark.parametrize(
    ("name", "item", "status", "score", "signals", "expected"),
    CASES,
    ids=[f"{c[1]}-{c[0]}" for c in CASES],
)
def test_status_score_and_outcomes(
    name: str,
    item: str,
    status: Status,
    score: float | None,
    signals: tuple[str, ...],
    expected: tuple[Outcome, ...],
) -> None:
    v = verdict(name, item)
    static = {k: o for k, o in outcomes(v).items() if ".rerun-" not in k}
    assert static == dict(zip(signals, expected, strict=True))
    assert (v.status, v.score) == (status, score)


def test_tuning_cost_comes_from_the_same_section() -> None:
    f = finding("full_pipeline", "D1.tuning-cost")
    # The time at README.md:50 is in another section ("Cost") and is not tuning cost.
    assert places(f) == [("README.md", 42), ("README.md", 43), ("README.md", 40)]
    assert places(finding("tuning_with_cost_nearby", "D1.tuning-cost"))[0] == ("README.md", 34)


def test_tuning_cost_far_from_the_tuning_paragraph_does_not_count() -> None:
    f = finding("own_evaluation_baseline", "D1.tuning-cost")
    assert places(f) == [("README.md", 30), (None, None)]
    assert f.message == "The tuning docs in README.md give no time or hardware for the tuning."


def test_missing_tuning_docs_list_what_was_searched() -> None:
    f = finding("darts_like", "D1.tuning-documented")
    assert f.evidence[0].kind is EvidenceKind.ABSENCE
    assert f.evidence[0].searched == ("tuning/HPO sections", "README.md")


def test_timing_code_must_cover_every_phase() -> None:
    f = finding("own_evaluation_baseline", "D2.timing-code")
    assert f.message == "Elapsed time is measured in train.py, but not in the search."
    ok = finding("full_pipeline", "D2.timing-code")
    assert ok.message == (
        "Elapsed time is measured in train_search.py and train.py (search and final training)."
    )
    assert places(ok) == [("train_search.py", 100), ("train.py", 80)]


def test_setup_evidence_orders_docs_as_found() -> None:
    assert places(finding("darts_like", "D3.setup-instructions")) == [
        ("README.md", 15),
        ("README.md", 70),
    ]


def test_hardware_and_versions_can_be_recorded_by_code() -> None:
    hardware = finding("full_pipeline", "D3.hardware")
    assert places(hardware) == [("README.md", 43), ("utils.py", 82)]
    versions = finding("full_pipeline", "D3.software-versions")
    assert places(versions) == [
        ("README.md", 12),
        ("requirements.txt", 1),
        ("requirements.txt", 2),
        ("utils.py", 80),
    ]


def test_pinned_readme_framework_reports_versions() -> None:
    f = finding("darts_like", "D3.software-versions")
    assert places(f) == [("README.md", 17)]


def test_datasets_from_code_need_a_split() -> None:
    f = finding("data_code_with_split", "D3.datasets")
    assert places(f) == [("train.py", 20), ("train.py", 24)]
    assert f.message == "The code loads the datasets in train.py and defines the split in train.py."


def test_a_pinned_framework_gives_versions_though_too_few_others_are_pinned() -> None:
    # naszilla: torch==1.5.0 and tensorflow==1.14.0 pinned, most other packages not (C2 fails)
    f = finding("tf_repo", "D3.software-versions")
    assert f.outcome is T
    assert f.message == "Software versions are given in requirements.txt."
    assert places(f) == [("requirements.txt", 1)]
    assert finding("tf_repo", "C2.pinned-dependencies").outcome is F


def test_pins_of_other_packages_alone_need_the_c2_share() -> None:
    deps = [
        Dependency(path="requirements.txt", line=1, name="numpy", spec="==1.16", pinned=True),
        Dependency(path="requirements.txt", line=2, name="torch", spec=">=1.0"),
        Dependency(path="requirements.txt", line=3, name="scipy"),
    ]
    facts = Facts(dependencies=deps, dependency_files=["requirements.txt"])
    f = finding(facts, "D3.software-versions")
    assert f.outcome is F
    assert f.message == "Software versions are not documented, pinned or recorded."
