"""End to end: a compliant DARTS-like repository passes every item, and taking away one
practice changes exactly the items that practice is about, with the evidence that says why."""

from __future__ import annotations

import nasvariants as v
import pytest
from nasfixtures import ITEMS, Audited, AuditFiles, all_pass, compliant_files

from auditor.models import EvidenceKind, Outcome, Status

PASS, PARTIAL, FAIL = Status.PASS, Status.PARTIAL, Status.FAIL
REVIEW, N_A = Status.NEEDS_REVIEW, Status.NOT_APPLICABLE
T, F, NV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_AVAILABLE


@pytest.fixture
def compliant(audited: AuditFiles) -> Audited:
    return audited("compliant", compliant_files())


def variant(audited: AuditFiles, name: str) -> Audited:
    return audited(name, v.VARIANTS[name]())


# ------------------------------------------------------------------------------ compliant


def test_every_item_of_the_compliant_repository_passes_fully(compliant: Audited) -> None:
    assert compliant.statuses() == all_pass(), compliant.explain()
    assert compliant.scores() == dict.fromkeys(ITEMS, 1.0), compliant.explain()
    assert compliant.report.facts.seed_problems == []
    assert compliant.report.facts.broken_references == []


def test_compliant_release_evidence(compliant: Audited) -> None:
    a = compliant
    assert a.where("R1.final-training-script") == [
        a.at("train.py", 'if __name__ == "__main__":'),
        a.at("train.py", "for epoch in range(args.epochs):"),
        a.at("trainer.py", "optimizer.step()"),
    ]
    assert a.where("R1.evaluation") == [a.at("trainer.py", "def evaluate(")]
    assert a.where("R2.operations") == [
        a.at("operations.py", "PRIMITIVES = ["),
        a.at("operations.py", "OPS = {"),
    ]
    assert a.where("R2.architecture-encoding") == [
        a.at("genotypes.py", "Genotype = namedtuple("),
        a.at("model_search.py", "class MixedOp("),
    ]
    set_seed = ["random.seed(seed)", "np.random.seed(seed)", "torch.manual_seed(seed)"]
    assert a.where("R3.seed-set") == [
        a.at("train.py", "utils.set_seed(args.seed)"),
        a.at("data.py", "torch.Generator().manual_seed(seed)"),
        *[a.at("utils.py", f"    {call}") for call in set_seed],
        a.at("utils.py", "torch.cuda.manual_seed_all(seed)"),
    ]
    assert a.where("R3.deterministic-settings") == [
        a.at("utils.py", "cudnn.deterministic = True"),
        a.at("utils.py", "cudnn.benchmark = False"),
    ]
    assert a.where("R5.seed-set")[:2] == [
        a.at("random_search.py", "utils.set_seed(args.seed)"),
        a.at("train_search.py", "utils.set_seed(args.seed)"),
    ]


def test_compliant_comparison_evidence(compliant: Audited) -> None:
    a = compliant
    # The comparison runs in code (NAS-Bench-201 is only queried by bench_eval.py), so C1 and
    # C4 are judged on the shared data module and on train.py run for both cells.
    assert a.where("C1.shared-training") == [
        a.at("trainer.py", "optimizer.step()"),
        a.at("random_search.py", 'if __name__ == "__main__":'),
        a.at("train_search.py", 'if __name__ == "__main__":'),
    ]
    assert a.where("C1.shared-data")[-2:] == a.where("C1.shared-training")[-2:]
    assert {p for p, _ in a.where("C1.shared-data")[:-2]} == {"data.py"}
    assert a.where("C4.shared-evaluation") == [
        a.at("scripts/run_all.sh", "--arch DARTS"),
        a.at("scripts/run_all.sh", "--arch RS_BEST"),
    ]
    assert a.where("C3.ablation") == [
        a.at("train_search.py", '"--no-skip"'),
        a.at("README.md", "## Ablation"),
    ]
    assert a.where("C7.multiple-runs")[:2] == [
        a.at("scripts/run_all.sh", "for seed in 0 1 2"),
        a.at("configs/train.yaml", "seeds: [0, 1, 2]"),
    ]
    assert a.where("C8.benchmark-used") == [
        a.at("bench_eval.py", "from nas_201_api import"),
        a.at("requirements.txt", "nas-bench-201"),
        a.at("bench_eval.py", 'if __name__ == "__main__":'),
    ]


def test_compliant_reporting_evidence(compliant: Audited) -> None:
    a = compliant
    assert a.where("D1.tuning-documented") == [a.at("README.md", "## Hyperparameter tuning")]
    assert a.where("D1.tuning-cost") == [
        a.at("README.md", "6 GPU hours"),
        a.at("README.md", "## Hyperparameter tuning"),
    ]
    assert a.where("D2.time-reported") == [a.at("README.md", "The search takes 0.4 GPU hours")]
    assert a.where("D3.hardware")[0] == a.at("README.md", "## Hardware")


# ---------------------------------------------------------------------- missing practices

# Each fixture changes exactly these items (every other item keeps PASS).
CHANGES: dict[str, dict[str, Status]] = {
    # no train.py: R3 has no final phase; C4 cannot see how DARTS's cell is evaluated
    "R1": {"R1": FAIL, "R3": FAIL, "C4": REVIEW},
    "R2": {"R2": PARTIAL},  # the Genotype and MixedOp encodings are still released
    "R3": {"R3": PARTIAL},
    # no search: nothing to ablate, time or compare with random search
    "R4": {"R4": FAIL, "R5": FAIL, "C3": N_A, "C5": N_A, "C6": N_A},
    "R5": {"R5": PARTIAL},
    "C1": {"C1": PARTIAL},  # the training loops are still shared
    "C2": {"C2": PARTIAL},  # the code still records torch's version
    "C3": {"C3": FAIL},
    "C4": {"C4": FAIL},  # C1 passes with a score < 1: the data is shared, the training not
    "C5": {"C5": FAIL},  # D2 passes with a score < 1: the README still reports the time
    "C6": {"C6": FAIL},
    "C7": {"C7": PARTIAL},  # the one seed is still named
    "C7-claimed": {"C7": REVIEW},  # the README's mean ± std over seeds is not in the code
    "C8": {"C8": FAIL},
    "D1": {"D1": FAIL},
    "D2": {"D2": PARTIAL},
    "D3": {},  # the code records the GPU, pins the versions and defines the split
    "D3-anywhere": {"D3": PARTIAL},
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_one_missing_practice_changes_exactly_its_items(audited: AuditFiles, name: str) -> None:
    a = variant(audited, name)
    assert a.statuses() == all_pass(**CHANGES[name]), a.explain()


def test_no_final_training_script(audited: AuditFiles) -> None:
    a = variant(audited, "R1")
    assert a.outcome("R1.final-training-script") is F
    assert a.where("R1.final-training-script") == [
        a.at("architect.py", "self.optimizer.step()"),
        a.at("random_search.py", "for epoch in range(args.epochs):"),
        a.at("train_search.py", "for epoch in range(args.epochs):"),
        a.at("trainer.py", "optimizer.step()"),
        (None, None),
    ]
    assert a.notes("R1.final-training-script")[0] == "training inside the search"
    # bench_eval.py only looks NAS-Bench-201 up: it evaluates no trained architecture
    assert a.outcome("R1.evaluation") is F
    assert a.where("R1.evaluation") == [a.at("trainer.py", "def evaluate(")]
    assert a.verdict("R3").score == 0.0
    assert a.finding("R3.seed-set").evidence[0].searched == (
        "entry points with role final_training",
    )


def test_no_search_space(audited: AuditFiles) -> None:
    a = variant(audited, "R2")
    assert a.outcome("R2.operations") is F
    (absent,) = a.finding("R2.operations").evidence
    assert absent.kind is EvidenceKind.ABSENCE
    assert absent.searched == (
        "PRIMITIVES/OPS and candidate-operation lists",
        "mixed/choice ops and supernets",
        "elastic dimension lists",
        "search-space classes",
        "ConfigSpace definitions",
    )
    assert a.where("R2.architecture-encoding") == [
        a.at("genotypes.py", "Genotype = namedtuple("),
        a.at("model_search.py", "class MixedOp("),
    ]


def test_final_training_unseeded(audited: AuditFiles) -> None:
    a = variant(audited, "R3")
    assert a.outcome("R3.seed-set") is F
    assert "seeds only a local torch.Generator" in a.finding("R3.seed-set").message
    assert a.where("R3.seed-set") == [
        a.at("data.py", "torch.Generator().manual_seed(seed)"),
        a.at("train.py", 'if __name__ == "__main__":'),
    ]
    assert a.verdict("R3").score == 0.667


def test_no_search_code(audited: AuditFiles) -> None:
    a = variant(audited, "R4")
    assert [f.outcome for f in a.verdict("R4").findings[:2]] == [F, F]
    assert a.finding("R4.search-code").evidence[0].searched == (
        "entry points with role search",
        "architects",
        "controllers",
        "evolution loops",
        "architecture samplers",
    )
    assert [f.outcome for f in a.verdict("R5").findings[:3]] == [F, F, F]


def test_search_unseeded(audited: AuditFiles) -> None:
    a = variant(audited, "R5")
    assert a.outcome("R5.seed-set") is F
    assert a.finding("R5.seed-set").message == (
        "random_search.py seeds the random generators, but train_search.py reaches no "
        "effective seeding call."
    )
    assert a.where("R5.seed-set")[-1] == a.at("train_search.py", 'if __name__ == "__main__":')
    assert a.outcome("R3.seed-set") is T


def test_random_search_on_its_own_split(audited: AuditFiles) -> None:
    a = variant(audited, "C1")
    assert a.outcome("C1.shared-data") is F
    assert a.outcome("C1.shared-training") is T
    assert a.finding("C1.shared-data").message == (
        "No data module is shared by random_search.py and train_search.py: random_search.py "
        "uses random_search.py; train_search.py uses data.py."
    )
    data = a.where("C1.shared-data")
    assert {p for p, _ in data[:5]} == {"data.py"}
    assert data[5:] == [
        a.at("random_search.py", "torchvision.datasets.CIFAR10("),
        a.at("random_search.py", "random_split("),
        a.at("random_search.py", 'if __name__ == "__main__":'),
    ]


def test_random_search_with_its_own_protocol(audited: AuditFiles) -> None:
    a = variant(audited, "C4")
    assert a.outcome("C4.shared-evaluation") is F
    assert a.where("C4.shared-evaluation") == [
        a.at("random_search.py", "def rs_infer("),
        a.at("train.py", 'if __name__ == "__main__":'),
    ]
    assert a.outcome("C1.shared-data") is T
    assert a.outcome("C1.shared-training") is F
    assert a.verdict("C1").score == 0.667


def test_unpinned_requirements(audited: AuditFiles) -> None:
    a = variant(audited, "C2")
    assert a.outcome("C2.pinned-dependencies") is F
    # a lower bound (numpy>=1.20) is no pin either
    assert a.where("C2.pinned-dependencies") == [("requirements.txt", n) for n in (1, 2, 3, 4)]
    assert a.finding("C2.pinned-dependencies").message == (
        "Only 0 of 4 declared dependencies are pinned; unpinned: torch, torchvision, "
        "numpy>=1.20, nas-bench-201."
    )
    assert a.outcome("C2.environment-recorded") is T


def test_no_ablation(audited: AuditFiles) -> None:
    a = variant(audited, "C3")
    (absent,) = a.finding("C3.ablation").evidence
    assert absent.searched == ("ablation flags", "ablation scripts", "docs on ablations")


def test_no_timing(audited: AuditFiles) -> None:
    a = variant(audited, "C5")
    assert [f.outcome for f in a.verdict("C5").findings] == [F, F]
    assert a.report.facts.timing_code == []
    assert a.outcome("D2.timing-code") is F
    assert a.verdict("D2").score == 0.667


def test_no_random_search(audited: AuditFiles) -> None:
    a = variant(audited, "C6")
    (absent,) = a.finding("C6.random-search").evidence
    assert absent.searched == (
        "random-search baselines",
        "random samplers over the search space",
        "docs on baselines",
    )


def test_single_seed(audited: AuditFiles) -> None:
    a = variant(audited, "C7")
    assert a.outcome("C7.multiple-runs") is F
    assert a.outcome("C7.seeds-reported") is T
    assert a.where("C7.seeds-reported")[:3] == [
        a.at("configs/train.yaml", "seed: 0"),
        ("logs/seed0.log", 1),
        a.at("scripts/run_all.sh", "train_search.py --seed 0"),
    ]


def test_single_seed_with_a_readme_claiming_several(audited: AuditFiles) -> None:
    a = variant(audited, "C7-claimed")
    assert a.outcome("C7.multiple-runs") is NV
    assert a.at("README.md", "mean ± std") in a.where("C7.multiple-runs")


def test_no_benchmark(audited: AuditFiles) -> None:
    a = variant(audited, "C8")
    (absent,) = a.finding("C8.benchmark-used").evidence
    assert "NAS-Bench-101/201/301" in absent.searched
    # without NAS-Bench-201, C1 and C4 are still judged on the code
    assert a.outcome("C1.shared-data") is T
    assert a.outcome("C4.shared-evaluation") is T


def test_no_tuning_docs(audited: AuditFiles) -> None:
    a = variant(audited, "D1")
    assert [f.outcome for f in a.verdict("D1").findings] == [F, F]
    assert a.finding("D1.tuning-documented").evidence[0].searched == (
        "tuning/HPO sections",
        "README.md",
    )


def test_no_time_docs_only_the_tuning_time(audited: AuditFiles) -> None:
    a = variant(audited, "D2")
    assert a.outcome("D2.time-reported") is F
    assert a.where("D2.time-reported") == [a.at("README.md", "6 GPU hours"), (None, None)]
    assert a.notes("D2.time-reported")[0] == "time of the tuning only"
    assert a.outcome("D1.tuning-cost") is T


def test_no_setup_details_in_the_readme(audited: AuditFiles) -> None:
    a = variant(audited, "D3")
    assert a.where("D3.hardware") == [a.at("utils.py", "get_device_name")]
    assert a.where("D3.software-versions")[0] == a.at("requirements.txt", "torch==")
    assert a.finding("D3.datasets").message == (
        "The code loads the datasets in data.py and defines the split in data.py."
    )
    b = variant(audited, "D3-anywhere")
    assert b.outcome("D3.hardware") is F
    assert b.finding("D3.hardware").evidence[0].searched == (
        "GPU model in docs",
        "torch.cuda.get_device_name",
        "README.md",
    )
