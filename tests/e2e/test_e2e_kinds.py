"""End to end on other kinds of repositories: TensorFlow, JAX, a benchmark release, Python 2,
notebooks only, a README that runs a missing script; and permalinks of the evidence."""

from __future__ import annotations

import naskinds as kinds
from builders import audit
from nasfixtures import ITEMS, AuditFiles, compliant_files

from auditor.checks._common import BENCHMARK_RELEASE
from auditor.facts import ReadMode, Role
from auditor.models import EvidenceKind, Outcome, Status

PASS, PARTIAL, FAIL = Status.PASS, Status.PARTIAL, Status.FAIL
REVIEW, N_A = Status.NEEDS_REVIEW, Status.NOT_APPLICABLE
T, F, NA = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_APPLICABLE
MAIN = 'if __name__ == "__main__":'


def expect(*statuses: Status) -> dict[str, Status]:
    """Statuses in checklist order (R1..R5, C1..C8, D1..D3)."""
    assert len(statuses) == len(ITEMS)
    return dict(zip(ITEMS, statuses, strict=True))


def test_tensorflow_repository(audited: AuditFiles) -> None:
    a = audited("tensorflow", kinds.tensorflow_files())
    assert a.statuses() == expect(
        PASS, PASS, PASS, PASS, PASS,  # R: Keras training, ops list, seeds, evolution
        REVIEW, PASS, FAIL, REVIEW, FAIL, FAIL, FAIL, FAIL,  # C: one method, no baseline
        FAIL, FAIL, PARTIAL,  # D: no README
    ), a.explain()  # fmt: skip
    assert a.where("R3.seed-set") == [
        a.at("train.py", "tf.random.set_seed(args.seed)"),
        a.at("train.py", "np.random.seed(args.seed)"),
    ]
    assert a.finding("R3.seed-set").message == (
        "train.py seeds tensorflow and numpy from the flag --seed (default 1)."
    )
    assert a.outcome("R3.deterministic-settings") is NA
    assert a.verdict("R3").score == 1.0
    assert a.where("R5.seed-set") == [
        a.at("search.py", "tf.compat.v1.set_random_seed(args.seed)"),
        a.at("search.py", "random.seed(args.seed)"),
    ]
    # Keras trains with model.fit and evaluates with model.evaluate
    assert a.where("R1.final-training-script") == [
        a.at("train.py", MAIN),
        a.at("train.py", "model.fit("),
    ]
    assert a.where("R1.evaluation") == [a.at("train.py", "model.evaluate("), a.at("train.py", MAIN)]
    assert a.finding("R1.evaluation").message == "train.py evaluates on the test split."
    assert a.where("R4.search-code") == [a.at("search.py", MAIN), a.at("search.py", "def mutate(")]


def test_jax_repository(audited: AuditFiles) -> None:
    a = audited("jax", kinds.jax_files())
    assert a.statuses() == expect(
        PASS, FAIL, PASS, FAIL, FAIL,  # R: a training script only
        N_A, PASS, N_A, N_A, N_A, N_A, FAIL, FAIL,
        FAIL, FAIL, PARTIAL,
    ), a.explain()  # fmt: skip
    assert a.where("R3.seed-set") == [a.at("train.py", "jax.random.PRNGKey(args.seed)")]
    assert (
        a.finding("R3.seed-set").message == "train.py seeds jax from the flag --seed (default 42)."
    )
    assert a.where("R3.seed-recorded") == [a.at("train.py", "jax.random.PRNGKey(args.seed)")]
    assert a.outcome("R3.deterministic-settings") is NA


def test_benchmark_table_release(audited: AuditFiles) -> None:
    a = audited("benchmark-release", kinds.benchmark_release_files())
    assert a.statuses() == expect(
        N_A, PASS, N_A, N_A, N_A,  # R: the space is released; no training, no search
        N_A, PASS, N_A, N_A, N_A, N_A, FAIL, PASS,  # C: nothing compared; the table itself
        FAIL, FAIL, PARTIAL,
    ), a.explain()  # fmt: skip
    query = a.at("examples/query_bench.py", MAIN)
    for item in ("R1", "R3"):
        assert (
            a.verdict(item).summary == BENCHMARK_RELEASE[:1].upper() + BENCHMARK_RELEASE[1:] + "."
        )
    assert a.verdict("R4").summary.endswith("and there is no NAS method to release.")
    assert a.verdict("R5").summary.endswith(
        "and there is no search whose settings could be released."
    )
    for signal in ("R1.final-training-script", "R3.seed-set", "R4.search-code", "R5.seed-set"):
        assert a.outcome(signal) is NA
        assert a.where(signal) == [query]
    assert a.outcome("C8.benchmark-used") is T
    assert a.where("C8.benchmark-used") == [query]
    assert a.notes("C8.benchmark-used") == ["benchmark-query entry point"]
    assert [(e.path, e.roles) for e in a.report.facts.entry_points] == [
        ("examples/query_bench.py", (Role.BENCHMARK_QUERY,))
    ]


def test_python2_darts_era_repository(audited: AuditFiles) -> None:
    a = audited("python2", kinds.python2_files())
    assert a.statuses() == expect(
        PASS, PASS, PASS, FAIL, FAIL,
        N_A, FAIL, N_A, N_A, N_A, N_A, FAIL, FAIL,
        FAIL, FAIL, FAIL,
    ), a.explain()  # fmt: skip
    notes = [(n.path, n.mode) for n in a.report.facts.read_notes]
    assert notes == [("model.py", ReadMode.REPAIRED), ("train.py", ReadMode.REPAIRED)]
    assert all("print" in n.reason for n in a.report.facts.read_notes)
    assert a.where("R3.seed-set") == [
        a.at("train.py", "np.random.seed(args.seed)"),
        a.at("train.py", "torch.manual_seed(args.seed)"),
    ]
    assert a.where("R3.deterministic-settings") == [
        a.at("train.py", "cudnn.benchmark = False"),
        a.at("train.py", "cudnn.deterministic = True"),
    ]
    assert a.where("R1.final-training-script") == [
        a.at("train.py", "if __name__ == '__main__':"),
        a.at("train.py", "optimizer.step()"),
        a.at("train.py", "for epoch in range(args.epochs):"),
    ]
    assert a.where("R1.evaluation") == [a.at("train.py", "def infer(")]
    # printing the genotype it is given is no derivation: there is no search at all
    assert a.outcome("R4.derive-architecture") is F
    assert a.where("R4.derive-architecture") == [a.at("model.py", 'print "building"')]


def test_notebook_only_repository(audited: AuditFiles) -> None:
    a = audited("notebook", kinds.notebook_files())
    assert a.statuses() == expect(
        FAIL, PASS, FAIL, PASS, PASS,
        REVIEW, FAIL, FAIL, REVIEW, FAIL, FAIL, FAIL, FAIL,
        FAIL, FAIL, FAIL,
    ), a.explain()  # fmt: skip
    # evidence lines are lines of the .ipynb file (its JSON), not of the cell
    assert a.where("R5.seed-set") == [
        a.at("search.ipynb", '"random.seed(SEED)'),
        a.at("search.ipynb", '"np.random.seed(SEED)'),
        a.at("search.ipynb", '"torch.manual_seed(SEED)'),
    ]
    assert {e.kind for e in a.finding("R5.seed-set").evidence} == {EvidenceKind.NOTEBOOK}
    assert a.where("R2.operations") == [a.at("search.ipynb", '"PRIMITIVES = [')]
    assert a.finding("R5.seed-recorded").message == "search.ipynb seeds with the literal 0."


def test_readme_runs_a_missing_script(audited: AuditFiles) -> None:
    a = audited("missing-script", kinds.missing_script_files())
    statuses = dict.fromkeys(ITEMS, PASS) | {"R1": FAIL, "R3": FAIL, "C4": REVIEW}
    assert a.statuses() == statuses, a.explain()
    missing = a.at("README.md", "python train_imagenet.py")
    assert a.where("R1.final-training-script") == [missing]
    assert a.finding("R1.final-training-script").message == (
        "README.md runs train_imagenet.py, which is not in the repository, and no other "
        "final-training entry point exists."
    )
    assert [(b.path, b.line, b.target, b.kind) for b in a.report.facts.broken_references] == [
        (*missing, "train_imagenet.py", "script_file")
    ]


# ------------------------------------------------------------------------------ permalinks


def test_evidence_of_a_clean_repository_has_permalinks(audited: AuditFiles) -> None:
    a = audited("compliant", compliant_files())
    commit = a.report.target.commit
    assert commit is not None and not a.report.target.dirty
    base = f"https://github.com/example/nas-repo/blob/{commit}/"
    assert a.report.target.permalink_base == base
    located = [e for v in a.report.items for f in v.findings for e in f.evidence if e.path]
    assert located
    for ev in located:
        suffix = f"#L{ev.line}" if ev.line else ""
        assert ev.url == f"{base}{ev.path}{suffix}", ev
    seed = a.verdict("R3").findings[1].evidence[0]
    assert (seed.path, seed.line) == a.at("train.py", "utils.set_seed(args.seed)")
    assert seed.url == f"{base}train.py#L{seed.line}"
    absences = [e for v in a.report.items for e in v.evidence if e.kind is EvidenceKind.ABSENCE]
    assert all(e.url is None for e in absences)


def test_evidence_of_a_dirty_repository_has_no_permalinks(audited: AuditFiles) -> None:
    files = compliant_files()
    a = audited("dirty", files)
    (a.root / "README.md").write_text(files["README.md"] + "\nUncommitted note.\n")
    report = audit(a.root)
    assert report.target.dirty
    assert report.target.permalink_base is None
    assert [v.status for v in report.items] == [PASS] * len(ITEMS)
    assert {e.url for v in report.items for f in v.findings for e in f.evidence} == {None}


def test_search_library_whose_trainer_retrains_the_found_architecture(
    audited: AuditFiles,
) -> None:
    a = audited("library-retrains", kinds.library_files())
    roles = {e.path: e.roles for e in a.report.facts.entry_points}
    assert roles == {
        "runners/explore.py": (Role.SEARCH,),  # creates the trainer, never calls evaluate()
        "runners/runner.py": (Role.SEARCH, Role.FINAL_TRAINING),
    }
    assert a.statuses()["R1"] is PASS, a.explain()
    assert a.finding("R1.final-training-script").message.startswith(
        "runners/runner.py is the final-training pipeline (retrains best_arch in "
        "Trainer.evaluate() (nasl/trainer.py:"
    )
    assert a.statuses()["R3"] is PASS, a.explain()
    assert a.where("R3.seed-set") == [
        a.at("runners/runner.py", "utils.set_seed(config.seed)"),
        a.at("nasl/utils.py", "    random.seed(seed)"),
        a.at("nasl/utils.py", "np.random.seed(seed)"),
        a.at("nasl/utils.py", "torch.manual_seed(seed)"),
    ]
    assert a.finding("R3.seed-set").message == (
        "runners/runner.py seeds random, numpy and torch via nasl.utils.set_seed from the "
        "config key seed."
    )


def test_search_library_whose_evaluate_only_queries_a_benchmark(audited: AuditFiles) -> None:
    a = audited("library-queries", kinds.library_files(retrains=False))
    roles = {e.path: e.roles for e in a.report.facts.entry_points}
    assert all(Role.FINAL_TRAINING not in r for r in roles.values()), roles
    assert roles["runners/runner.py"] == (Role.SEARCH, Role.EVALUATION)
    assert a.outcome("R1.final-training-script") is F, a.explain()
    assert a.finding("R1.final-training-script").message.startswith("Only the search code")
    assert a.outcome("R3.seed-set") is F
