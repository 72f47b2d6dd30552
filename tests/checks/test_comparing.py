"""C1–C8 over hand-built facts: final statuses and scores through the checklist, then the
evidence and wording of the findings that decide them."""

from __future__ import annotations

import pytest
from factsets import build, cs, finding, outcomes, places, verdict

from auditor.models import EvidenceKind, Outcome, Status

T, F, NA, NV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
PASS, PARTIAL, FAIL = Status.PASS, Status.PARTIAL, Status.FAIL
N_A, REVIEW = Status.NOT_APPLICABLE, Status.NEEDS_REVIEW

C1 = ("C1.shared-data", "C1.shared-training")
C2 = ("C2.pinned-dependencies", "C2.environment-recorded")
C3 = ("C3.ablation",)
C4 = ("C4.shared-evaluation",)
C5 = ("C5.time-logged", "C5.curves")
C6 = ("C6.random-search",)
C7 = ("C7.multiple-runs", "C7.seeds-reported")
C8 = ("C8.benchmark-used",)

CASES = [
    # fact set, item, status, score, signals, outcomes in signal order
    ("full_pipeline", "C1", PASS, 1.0, C1, (T, T)),
    ("full_without_benchmark", "C1", PASS, 1.0, C1, (T, T)),
    ("shared_core_baseline", "C1", PASS, 1.0, C1, (T, T)),
    ("single_random_arch", "C1", PASS, 1.0, C1, (T, T)),
    ("separate_data_shared_trainer", "C1", PARTIAL, 0.333, C1, (F, T)),
    ("own_evaluation_baseline", "C1", FAIL, 0.0, C1, (F, F)),
    ("sampler_baseline", "C1", FAIL, 0.0, C1, (F, NV)),
    ("baseline_without_data_code", "C1", REVIEW, 1.0, C1, (NV, T)),
    ("benchmark_release", "C1", PASS, 1.0, C1, (T, T)),
    ("darts_like", "C1", REVIEW, None, C1, (NV, NV)),
    ("random_search_method", "C1", REVIEW, None, C1, (NV, NV)),
    ("random_search_beside_unnamed_method", "C1", PASS, 1.0, C1, (T, T)),
    ("readme_baseline_table", "C1", REVIEW, None, C1, (NV, NV)),
    ("empty", "C1", N_A, None, C1, (NA, NA)),
    ("full_pipeline", "C2", PASS, 1.0, C2, (T, T)),
    ("darts_like", "C2", PASS, 0.667, C2, (T, F)),
    ("deps_variants", "C2", PASS, 0.667, C2, (T, F)),
    ("unpinned_but_recorded", "C2", PARTIAL, 0.333, C2, (F, T)),
    ("tf_repo", "C2", FAIL, 0.0, C2, (F, F)),
    ("readme_deps_unpinned", "C2", FAIL, 0.0, C2, (F, F)),
    ("unreadable_deps", "C2", REVIEW, 0.0, C2, (NV, F)),
    ("empty", "C2", FAIL, 0.0, C2, (F, F)),
    ("full_pipeline", "C3", PASS, 1.0, C3, (T,)),
    ("darts_like", "C3", FAIL, 0.0, C3, (F,)),
    ("benchmark_release", "C3", N_A, None, C3, (NA,)),
    ("empty", "C3", N_A, None, C3, (NA,)),
    ("full_pipeline", "C4", PASS, 1.0, C4, (T,)),
    ("full_without_benchmark", "C4", PASS, 1.0, C4, (T,)),
    ("darts_several_archs", "C4", PASS, 1.0, C4, (T,)),
    ("single_random_arch", "C4", PASS, 1.0, C4, (T,)),
    ("shared_core_baseline", "C4", PASS, 1.0, C4, (T,)),
    ("benchmark_release", "C4", PASS, 1.0, C4, (T,)),
    ("own_evaluation_baseline", "C4", FAIL, 0.0, C4, (F,)),
    ("sampler_baseline", "C4", REVIEW, None, C4, (NV,)),
    ("darts_like", "C4", REVIEW, None, C4, (NV,)),
    ("random_search_method", "C4", REVIEW, None, C4, (NV,)),
    ("readme_baseline_table", "C4", REVIEW, None, C4, (NV,)),
    ("empty", "C4", N_A, None, C4, (NA,)),
    ("enas_one_main", "C4", REVIEW, None, C4, (NV,)),
    ("full_pipeline", "C5", PASS, 1.0, C5, (T, T)),
    ("search_with_elapsed_logs", "C5", PARTIAL, 0.5, C5, (T, F)),
    ("darts_with_curves", "C5", PARTIAL, 0.5, C5, (F, T)),
    ("own_evaluation_baseline", "C5", FAIL, 0.0, C5, (F, F)),
    ("darts_like", "C5", FAIL, 0.0, C5, (F, F)),
    ("enas_one_main", "C5", PARTIAL, 0.5, C5, (T, F)),
    ("benchmark_release", "C5", N_A, None, C5, (NA, NA)),
    ("full_pipeline", "C6", PASS, 1.0, C6, (T,)),
    ("darts_rs_docs", "C6", PASS, 1.0, C6, (T,)),
    ("readme_baseline_table", "C6", PASS, 1.0, C6, (T,)),
    ("darts_like", "C6", FAIL, 0.0, C6, (F,)),
    ("single_random_arch", "C6", FAIL, 0.0, C6, (F,)),
    ("random_search_method", "C6", N_A, None, C6, (NA,)),
    ("random_search_beside_unnamed_method", "C6", PASS, 1.0, C6, (T,)),
    ("darts_channel_sampling_docs", "C6", FAIL, 0.0, C6, (F,)),
    ("benchmark_release", "C6", N_A, None, C6, (NA,)),
    ("full_pipeline", "C7", PASS, 1.0, C7, (T, T)),
    ("per_seed_logs", "C7", PASS, 1.0, C7, (T, T)),
    ("tf_repo", "C7", PARTIAL, 0.333, C7, (F, T)),
    ("benchmark_search", "C7", PARTIAL, 0.667, C7, (T, F)),
    ("darts_like", "C7", REVIEW, 1.0, C7, (NV, T)),
    ("darts_no_seed_docs", "C7", FAIL, 0.0, C7, (F, F)),
    ("full_pipeline", "C8", PASS, 1.0, C8, (T,)),
    ("benchmark_release", "C8", PASS, 1.0, C8, (T,)),
    ("doc_only_benchmark", "C8", REVIEW, None, C8, (NV,)),
    ("darts_like", "C8", FAIL, 0.0, C8, (F,)),
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


# ------------------------------------------------------------------------------------- C1


def test_shared_data_names_the_module_and_the_compared_entry_points() -> None:
    f = finding("full_without_benchmark", "C1.shared-data")
    assert places(f) == [
        ("data.py", 10),
        ("data.py", 30),
        ("train_search.py", 1),
        ("random_search.py", 1),
    ]
    assert f.message == "train_search.py and random_search.py share the data and split of data.py."


def test_separate_data_modules_are_named_per_entry_point() -> None:
    f = finding("own_evaluation_baseline", "C1.shared-data")
    assert f.message == (
        "No data module is shared by search.py and baseline_rs.py: search.py uses core.py; "
        "baseline_rs.py uses rs_data.py."
    )


def test_baselines_only_in_a_readme_table_need_review() -> None:
    f = finding("readme_baseline_table", "C1.shared-data")
    assert places(f) == [("README.md", 99)]
    assert f.message == (
        "Baselines appear only in README.md, not in the code, so how they were run cannot be told."
    )


def test_single_method_without_baseline_needs_review() -> None:
    v = verdict("darts_like", "C1")
    assert v.summary == (
        "No compared methods in the repository: one gradient-based method and no baseline."
        " Whether the paper's comparisons used the same data, split and training cannot be"
        " told from the code."
    )


# ------------------------------------------------------------------------------------- C2


def test_readme_pin_of_the_framework_counts_without_requirements() -> None:
    f = finding("darts_like", "C2.pinned-dependencies")
    assert places(f) == [("README.md", 17)]
    assert f.message == "README.md pins PyTorch==0.3.1, though no requirements file exists."


def test_unpinned_dependencies_are_listed() -> None:
    f = finding("tf_repo", "C2.pinned-dependencies")
    assert f.message == "Only 1 of 2 declared dependencies are pinned; unpinned: numpy."
    assert places(f) == [("requirements.txt", 1), ("requirements.txt", 2)]


def test_lock_file_pins_everything() -> None:
    f = finding("deps_variants", "C2.pinned-dependencies")
    assert f.message == "poetry.lock locks the dependency versions."
    assert places(f)[:2] == [("pyproject.toml", 10), ("pyproject.toml", 11)]


# ------------------------------------------------------------------------------------- C3


def test_ablation_evidence_has_flags_and_docs() -> None:
    f = finding("full_pipeline", "C3.ablation")
    assert places(f) == [("train_search.py", 33), ("README.md", 70)]
    assert "benchmark release" in finding("benchmark_release", "C3.ablation").message


# ------------------------------------------------------------------------------------- C4


def test_one_script_run_for_several_architectures() -> None:
    f = finding("darts_several_archs", "C4.shared-evaluation")
    assert places(f) == [("scripts/eval.sh", 3), ("scripts/eval.sh", 4)]
    assert f.message == (
        "cnn/train.py evaluates 2 architectures (DARTS_V1, DARTS_V2) with one protocol "
        "(scripts/eval.sh)."
    )


def test_random_architecture_goes_through_the_method_pipeline() -> None:
    f = finding("single_random_arch", "C4.shared-evaluation")
    assert places(f) == [("cnn/genotypes.py", 80), ("cnn/train.py", 56), ("cnn/test.py", 40)]


def test_baseline_with_its_own_evaluation_fails() -> None:
    f = finding("own_evaluation_baseline", "C4.shared-evaluation")
    assert places(f) == [("baseline_rs.py", 70), ("train.py", 1)]
    assert f.message.startswith("baseline_rs.py evaluates with its own code in baseline_rs.py")


def test_single_method_evaluation_needs_review() -> None:
    f = finding("darts_like", "C4.shared-evaluation")
    assert "cannot be told from the code" in f.message
    assert places(f) == [("cnn/train.py", 56), ("cnn/test.py", 40)]


def test_flags_that_only_contain_arch_or_cell_name_no_architecture() -> None:
    # --search_for=macro/micro and --child_num_cells=5 are no --arch values
    f = finding("enas_one_main", "C4.shared-evaluation")
    assert f.message.startswith("The repository has one method, one evaluation pipeline")


# ------------------------------------------------------------------------------------- C5


def test_time_logged_in_the_search_and_its_logs() -> None:
    f = finding("full_pipeline", "C5.time-logged")
    assert places(f) == [
        ("train_search.py", 100),
        ("logs/search_seed0.log", 1),
        ("logs/search_seed1.log", 1),
    ]


def test_timing_of_the_final_training_is_not_search_timing() -> None:
    f = finding("shared_core_baseline", "C5.time-logged")
    assert f.outcome is F
    assert f.message == "Elapsed time is measured only in train.py, not during the search."


def test_timing_in_a_file_that_searches_and_trains_a_fixed_architecture_is_search_timing() -> None:
    f = finding("enas_one_main", "C5.time-logged")
    assert f.message == "The search records elapsed time (src/cifar10/main.py)."
    assert places(f) == [("src/cifar10/main.py", 272)]


def test_elapsed_time_in_final_training_logs_is_not_search_timing() -> None:
    f = finding("final_training_elapsed_logs", "C5.time-logged")
    assert f.outcome is F
    assert f.message == (
        "Elapsed time is logged only by final training (logs/train/DARTS_V2/seed0.log and "
        "logs/train/DARTS_V2/seed1.log), not by the search."
    )
    assert places(f) == [("logs/train/DARTS_V2/seed0.log", 2), ("logs/train/DARTS_V2/seed1.log", 2)]


# ------------------------------------------------------------------------------------- C6


def test_single_random_architecture_is_not_random_search() -> None:
    f = finding("single_random_arch", "C6.random-search")
    assert places(f) == [("cnn/genotypes.py", 80)]
    assert "a single random architecture is not a random-search baseline" in f.message


def test_random_search_baseline_evidence() -> None:
    f = finding("full_pipeline", "C6.random-search")
    assert places(f) == [("random_search.py", 30), ("README.md", 60)]
    assert places(finding("darts_rs_docs", "C6.random-search")) == [("README.md", 95)]


def test_random_search_as_the_method_is_not_applicable() -> None:
    f = finding("random_search_method", "C6.random-search")
    assert f.message == "The method itself is random search (rs.py)."
    assert places(f) == [("rs.py", 12)]


def test_random_search_as_the_method_is_not_its_own_baseline() -> None:
    f = finding("random_search_method", "C1.shared-data")
    assert f.message == (
        "No compared methods in the repository: one random-search method and no baseline. "
        "Whether the paper's comparisons used the same data, split and training cannot be told "
        "from the code."
    )
    assert places(f) == [("rs.py", 1)]


def test_random_sampling_in_docs_counts_only_for_architectures() -> None:
    facts = build("darts_channel_sampling_docs")
    assert finding(facts, "C6.random-search").message == "No random-search baseline was found."
    facts.docs[-1] = facts.docs[-1].model_copy(
        update={"snippet": "Random sampling of architectures from the same search space."}
    )
    f = finding(facts, "C6.random-search")
    assert f.message == "A random-search baseline is in README.md."
    assert places(f) == [("README.md", 94)]


# ---------------------------------------------------------------------------------- C7, C8


def test_seed_loop_and_per_seed_logs_are_multiple_runs() -> None:
    f = finding("full_pipeline", "C7.multiple-runs")
    assert places(f)[:3] == [
        ("scripts/run_all.sh", 3),
        ("scripts/run_all.sh", 4),
        ("scripts/run_all.sh", 5),
    ]
    assert places(finding("per_seed_logs", "C7.multiple-runs")) == [
        ("logs/seed1.log", 1),
        ("logs/seed2.log", 1),
    ]


def test_a_loop_over_runs_repeats_experiments_but_names_no_seed() -> None:
    f = finding("benchmark_search", "C7.multiple-runs")
    assert f.message == "Experiments are repeated over several runs (run_experiments.py)."
    assert places(f) == [("run_experiments.py", 42)]
    assert finding("benchmark_search", "C7.seeds-reported").outcome is F
    counted = build("benchmark_search")
    counted.seed_loops = [cs("NASBench.ipynb", 409, "python_run_loop", "for repeat in range(10)")]
    assert finding(counted, "C7.seeds-reported").outcome is F  # 10 runs, not seed 10


def test_docs_about_runs_alone_need_review() -> None:
    f = finding("darts_like", "C7.multiple-runs")
    assert places(f) == [("README.md", 83)]


def test_benchmark_only_in_docs_needs_review() -> None:
    f = finding("doc_only_benchmark", "C8.benchmark-used")
    assert f.message == "NAS-Bench-201 is mentioned in docs but not used in code."
    assert places(f) == [("README.md", 90)]


def test_no_benchmark_is_an_absence() -> None:
    f = finding("darts_like", "C8.benchmark-used")
    assert [e.kind for e in f.evidence] == [EvidenceKind.ABSENCE]
    assert "NAS-Bench-101/201/301" in f.evidence[0].searched


def test_unpinned_development_tools_are_no_confounders() -> None:
    from auditor.facts import Dependency, Facts

    deps = [
        Dependency(path="requirements.txt", line=1, name="torch", spec="==2.13.0", pinned=True),
        Dependency(path="requirements.txt", line=2, name="numpy", spec="==2.4.6", pinned=True),
        Dependency(path="README.md", line=9, name="pytest", spec="", pinned=False),
        Dependency(path="README.md", line=9, name="ruff", spec="", pinned=False),
    ]
    facts = Facts(dependencies=deps, dependency_files=["requirements.txt"])
    f = finding(facts, "C2.pinned-dependencies")
    assert f.outcome is Outcome.TRUE
    assert f.message.startswith("2 of 2 declared dependencies are pinned")
