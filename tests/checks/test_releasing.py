"""R1–R5 over hand-built facts: final statuses and scores through the checklist, then the
evidence and wording of the findings that decide them."""

from __future__ import annotations

import pytest
from factsets import build, ep, finding, outcomes, places, verdict

from auditor.facts import Role
from auditor.models import EvidenceKind, Outcome, Status

T, F, NA, NV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
PASS, PARTIAL, FAIL = Status.PASS, Status.PARTIAL, Status.FAIL
N_A, REVIEW = Status.NOT_APPLICABLE, Status.NEEDS_REVIEW

R1 = ("R1.final-training-script", "R1.evaluation")
R2 = ("R2.operations", "R2.architecture-encoding")
R3 = ("R3.hyperparameters", "R3.seed-set", "R3.seed-recorded", "R3.deterministic-settings")
R4 = ("R4.search-code", "R4.derive-architecture")
R5 = ("R5.hyperparameters", "R5.seed-set", "R5.seed-recorded")

CASES = [
    # fact set, item, status, score, outcomes in signal order
    ("darts_like", "R1", PASS, 1.0, R1, (T, T)),
    ("benchmark_release", "R1", N_A, None, R1, (NA, NA)),
    ("benchmark_search", "R1", N_A, None, R1, (NA, NA)),
    ("benchmark_and_dataset_search", "R1", FAIL, 0.0, R1, (F, F)),
    ("search_only", "R1", FAIL, 0.0, R1, (F, F)),
    ("broken_final", "R1", FAIL, 0.0, R1, (F, F)),
    ("orphan_trainer", "R1", REVIEW, None, R1, (NV, NV)),
    ("darts_missing_import", "R1", REVIEW, 1.0, R1, (NV, T)),
    ("darts_broken_extra_final", "R1", PASS, 1.0, R1, (T, T)),
    ("empty", "R1", FAIL, 0.0, R1, (F, F)),
    ("darts_like", "R2", PASS, 1.0, R2, (T, T)),
    ("benchmark_release", "R2", PASS, 0.667, R2, (T, F)),
    ("method_library", "R2", PASS, 0.667, R2, (T, F)),
    ("genotype_only", "R2", PARTIAL, 0.333, R2, (F, T)),
    ("empty", "R2", FAIL, 0.0, R2, (F, F)),
    # DARTS: seeded, but cudnn.benchmark = True lowers the score of a passing item.
    ("darts_like", "R3", PASS, 0.833, R3, (T, T, T, F)),
    ("darts_deterministic", "R3", PASS, 1.0, R3, (T, T, T, T)),
    ("darts_benchmark_from_flag", "R3", PASS, 1.0, R3, (T, T, T, NV)),
    ("darts_seeds_unknown_value", "R3", PASS, 0.667, R3, (T, T, F, F)),
    ("darts_cuda_only", "R3", PARTIAL, 0.5, R3, (T, F, T, F)),
    ("darts_clock_seed", "R3", PARTIAL, 0.333, R3, (T, F, F, F)),
    ("darts_imagenet_unseeded", "R3", PARTIAL, 0.5, R3, (T, F, T, F)),
    ("seeding_pitfall", "R3", PARTIAL, 0.333, R3, (T, F, F, F)),
    ("tf_repo", "R3", PASS, 1.0, R3, (T, T, T, NA)),
    ("tf_deterministic_script", "R3", PASS, 1.0, R3, (T, T, T, T)),
    ("full_pipeline", "R3", PASS, 1.0, R3, (T, T, T, T)),
    ("benchmark_release", "R3", N_A, None, R3, (NA, NA, NA, NA)),
    ("benchmark_search", "R3", N_A, None, R3, (NA, NA, NA, NA)),
    ("search_only", "R3", FAIL, 0.0, R3, (F, F, F, F)),
    ("orphan_trainer", "R3", REVIEW, None, R3, (NV, NV, NV, NV)),
    ("darts_like", "R4", PASS, 1.0, R4, (T, T)),
    ("method_library", "R4", PASS, 0.667, R4, (T, F)),
    ("benchmark_release", "R4", N_A, None, R4, (NA, NA)),
    ("empty", "R4", FAIL, 0.0, R4, (F, F)),
    ("darts_like", "R5", PASS, 1.0, R5, (T, T, T)),
    ("tf_repo", "R5", PASS, 1.0, R5, (T, T, T)),
    ("seeding_pitfall", "R5", PARTIAL, 0.6, R5, (F, T, T)),
    ("method_library", "R5", REVIEW, 1.0, R5, (T, NV, NV)),
    ("random_search_method", "R5", FAIL, 0.0, R5, (F, F, F)),
    ("benchmark_release", "R5", N_A, None, R5, (NA, NA, NA)),
    ("empty", "R5", FAIL, 0.0, R5, (F, F, F)),
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


# ------------------------------------------------------------------------------------- R1


def test_final_training_evidence_is_the_entry_point_then_its_training_code() -> None:
    f = finding("darts_like", "R1.final-training-script")
    assert places(f) == [("cnn/train.py", 56), ("cnn/train.py", 129), ("cnn/train.py", 98)]
    assert f.message.startswith("cnn/train.py is the final-training pipeline")
    assert "cnn/train_search.py" not in f.message


def test_evaluation_names_the_split_and_the_evaluation_entry_point() -> None:
    f = finding("darts_like", "R1.evaluation")
    assert places(f) == [("cnn/train.py", 143), ("cnn/test.py", 40)]
    assert f.message == "cnn/train.py and cnn/test.py evaluate on the valid split."


def test_missing_train_script_fails_with_the_readme_command() -> None:
    f = finding("broken_final", "R1.final-training-script")
    assert places(f) == [("README.md", 20)]
    assert f.message.startswith("README.md runs train.py, which is not in the repository")


def test_missing_train_script_names_a_file_of_that_name_elsewhere() -> None:
    from factsets import FACT_SETS

    from auditor.checks.releasing import final_training_pipeline

    facts = FACT_SETS["broken_final"]()
    facts.broken_references = [
        r.model_copy(update={"same_name": "exps/train.py"}) for r in facts.broken_references
    ]
    (f,) = [x for x in final_training_pipeline(facts) if x.signal == "R1.final-training-script"]
    assert f.message == (
        "README.md runs train.py, which is not in the repository (a file of that name is at "
        "exps/train.py), and no other final-training entry point exists."
    )


def test_search_that_trains_is_not_a_final_training_pipeline() -> None:
    f = finding("search_only", "R1.final-training-script")
    assert places(f) == [("train_search.py", 70), (None, None)]
    assert "Only the search code (train_search.py) trains" in f.message
    assert finding("search_only", "R1.evaluation").message.startswith("Only the search")


def test_missing_import_in_the_final_script_needs_review() -> None:
    f = finding("darts_missing_import", "R1.final-training-script")
    assert places(f)[0] == ("cnn/train.py", 12)
    assert "model_zoo" in f.message


def test_a_broken_extra_final_script_does_not_hide_the_working_one() -> None:
    f = finding("darts_broken_extra_final", "R1.final-training-script")
    assert f.message == (
        "cnn/train.py is the final-training pipeline (trains a fixed genotype from scratch), "
        "with training code in cnn/train.py; exps/meta/train_meta.py cannot run as released "
        "(exps/meta/train_meta.py imports models.xcore, which is missing)."
    )
    assert places(f)[0] == ("cnn/train.py", 56)
    assert places(f)[-1] == ("exps/meta/train_meta.py", 7)


def test_benchmark_release_says_why_not_applicable() -> None:
    v = verdict("benchmark_release", "R1")
    assert v.summary.startswith("This is a benchmark release")
    assert places(v.findings[0]) == [
        ("examples/query.py", 3),
        ("data/table.csv", 1),
        ("examples/query.py", 1),
    ]


def test_searches_evaluated_by_benchmark_queries_have_no_final_training_to_release() -> None:
    v = verdict("benchmark_search", "R1")
    assert v.summary.startswith("The searches run on a benchmark")
    assert places(v.findings[0]) == [("nas_benchmarks.py", 6), ("run_experiments.py", 1)]
    f = finding("benchmark_and_dataset_search", "R1.final-training-script")
    assert f.message.startswith("Only the search code (gcn/train_gcn.py and train_search.py)")


# ------------------------------------------------------------------------------------- R2


def test_search_space_evidence_lists_operations_then_encoding() -> None:
    assert places(finding("darts_like", "R2.operations")) == [
        ("cnn/genotypes.py", 5),
        ("cnn/operations.py", 4),
    ]
    assert places(finding("darts_like", "R2.architecture-encoding")) == [("cnn/genotypes.py", 3)]
    absent = finding("empty", "R2.operations").evidence[0]
    assert absent.kind is EvidenceKind.ABSENCE and "elastic dimension lists" in absent.searched


# ------------------------------------------------------------------------------------- R3


def test_darts_seeds_from_the_flag_and_cudnn_benchmark_lowers_the_score() -> None:
    seed_set = finding("darts_like", "R3.seed-set")
    assert places(seed_set) == [("cnn/train.py", 61), ("cnn/train.py", 64), ("cnn/train.py", 66)]
    assert seed_set.message == (
        "cnn/train.py seeds numpy, torch and torch.cuda from the flag --seed (default 0)."
    )
    det = finding("darts_like", "R3.deterministic-settings")
    assert places(det) == [("cnn/train.py", 63)]
    assert "cudnn.benchmark = True" in det.message
    recorded = finding("darts_like", "R3.seed-recorded")
    assert recorded.message == "The seed flag --seed of cnn/train.py defaults to 0."


def test_hyperparameters_come_from_the_final_script_only() -> None:
    f = finding("darts_like", "R3.hyperparameters")
    assert places(f) == [
        ("cnn/train.py", 22),
        ("cnn/train.py", 23),
        ("cnn/train.py", 28),
        ("cnn/train.py", 38),
        ("README.md", 71),
    ]
    assert "5 hyperparameters (argparse: batch_size, learning_rate, epochs)" in f.message


def test_configs_named_by_a_flag_default_count_as_hyperparameters() -> None:
    f = finding("full_pipeline", "R3.hyperparameters")
    assert ("configs/train.yaml", 1) in places(f)
    assert ("configs/search.yaml", 1) not in places(f)


def test_unused_seed_flag_is_not_a_seed() -> None:
    f = finding("seeding_pitfall", "R3.seed-set")
    assert places(f) == [("train.py", 12), ("utils.py", 5), ("train.py", 3), ("train.py", 30)]
    assert f.message == (
        "Seeds in train.py look set but are not effective: --seed is parsed but never reaches "
        "a seeding call."
    )


def test_seeds_of_the_search_do_not_count_for_the_final_training() -> None:
    assert finding("seeding_pitfall", "R5.seed-set").outcome is T
    assert finding("seeding_pitfall", "R3.seed-set").outcome is F


def test_cuda_only_seeding_leaves_weight_initialisation_unseeded() -> None:
    f = finding("darts_cuda_only", "R3.seed-set")
    assert places(f) == [("cnn/train.py", 66), ("cnn/train.py", 56)]
    assert "seeds only CUDA" in f.message


def test_seed_from_the_clock_is_not_a_fixed_seed() -> None:
    f = finding("darts_clock_seed", "R3.seed-set")
    assert places(f) == [("cnn/train.py", 61), ("cnn/train.py", 56)]
    assert "clock" in f.message


def test_every_final_training_script_must_seed() -> None:
    f = finding("darts_imagenet_unseeded", "R3.seed-set")
    assert f.message == (
        "cnn/train.py seeds the random generators, but cnn/train_imagenet.py reaches no "
        "effective seeding call."
    )
    assert ("cnn/train_imagenet.py", 60) in places(f)


def test_helper_seeding_names_the_helper_and_the_libraries() -> None:
    f = finding("full_pipeline", "R3.seed-set")
    assert f.message == (
        "train.py seeds random and torch via utils.set_seed from the flag --seed (default 0)."
    )
    assert places(f)[0] == ("train.py", 40)


def test_seed_recorded_ignores_a_config_named_after_another_phase() -> None:
    f = finding("full_pipeline", "R5.seed-recorded")
    assert ("configs/train.yaml", 1) not in places(f)
    assert ("configs/train.yaml", 1) in places(finding("full_pipeline", "R3.seed-recorded"))


def test_tensorflow_repo_has_no_cudnn_question() -> None:
    f = finding("tf_repo", "R3.deterministic-settings")
    assert "does not" in f.message or "no PyTorch" in f.message


def test_determinism_set_by_the_run_script_counts() -> None:
    f = finding("tf_deterministic_script", "R3.deterministic-settings")
    assert places(f) == [("scripts/final.sh", 2)]
    assert f.message == "scripts/final.sh sets TF_DETERMINISTIC_OPS = 1."


def test_no_final_training_fails_r3_with_an_absence() -> None:
    f = finding("search_only", "R3.seed-set")
    assert f.evidence[0].kind is EvidenceKind.ABSENCE
    assert "(see R1)" in f.message


# ---------------------------------------------------------------------------------- R4, R5


def test_search_code_evidence_is_the_entry_point_then_the_method() -> None:
    f = finding("darts_like", "R4.search-code")
    assert places(f) == [("cnn/train_search.py", 48), ("cnn/architect.py", 13)]
    assert f.message == "cnn/train_search.py runs the search (gradient-based)."


def test_method_library_without_search_script_needs_review_for_seeds() -> None:
    f = finding("method_library", "R5.seed-set")
    assert places(f) == [("nas/utils.py", 5)]
    assert finding("method_library", "R5.hyperparameters").message == (
        "The search code (nas/strategy/evolution.py) releases 1 hyperparameter "
        "(constant: population_size)."
    )


def test_seeds_of_a_broken_extra_final_script_are_not_asked_for() -> None:
    """R3 judges the final-training scripts that can run, as R1 does; R1 names the broken one."""
    assert verdict("darts_like", "R3").status is PASS
    v = verdict("darts_broken_extra_final", "R3")
    assert v.status is PASS
    assert "exps/meta/train_meta.py" not in v.summary


def test_unseeded_scripts_are_named_with_a_plural_verb() -> None:
    facts = build("darts_like")
    for extra in ("exps/a/train.py", "exps/b/train.py"):
        facts.entry_points.append(ep(extra, Role.FINAL_TRAINING, reasons=("epoch loop",)))
    assert finding(facts, "R3.seed-set").message.endswith(
        "but exps/a/train.py and exps/b/train.py reach no effective seeding call."
    )
