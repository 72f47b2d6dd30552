"""Declared answers against hand-built verdicts: every (answer, status) pair of the table in
auditor/selfcheck/declared.py, `where:` paths, messages that say what was searched and found."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.models import (
    Agreement,
    DeclaredAnswer,
    Evidence,
    EvidenceKind,
    Finding,
    Outcome,
    Status,
    Verdict,
)
from auditor.selfcheck.config import Answer
from auditor.selfcheck.declared import declare
from checklist import load_checklist

CHECKLIST = load_checklist("lindauer-hutter-2020")
TRAIN = Evidence(kind=EvidenceKind.CODE, path="train.py", line=12, snippet="torch.manual_seed(0)")
CONFIG = Evidence(kind=EvidenceKind.CONFIG, path="configs/train.yaml", line=2, snippet="seed: 0")
ABSENT = Evidence.absence("no seeding call", ("torch.manual_seed calls", "set_seed helpers"))

FINDINGS = {
    Status.PASS: (
        Finding(signal="R3.seed-set", outcome=Outcome.TRUE, message="Seeds set.",
                evidence=(TRAIN,)),
        Finding(signal="R3.hparams-released", outcome=Outcome.TRUE, message="In configs.",
                evidence=(CONFIG,)),
    ),
    Status.PARTIAL: (
        Finding(signal="R3.seed-set", outcome=Outcome.FALSE, message="No seeding call found.",
                evidence=(ABSENT,)),
        Finding(signal="R3.hparams-released", outcome=Outcome.TRUE, message="In configs.",
                evidence=(CONFIG,)),
    ),
    Status.FAIL: (
        Finding(signal="R3.seed-set", outcome=Outcome.FALSE, message="No seeding call found.",
                evidence=(ABSENT,)),
    ),
    Status.NOT_APPLICABLE: (
        Finding(signal="R3.seed-set", outcome=Outcome.NOT_APPLICABLE, message="A benchmark."),
    ),
    Status.NEEDS_REVIEW: (
        Finding(signal="R3.seed-set", outcome=Outcome.NOT_AVAILABLE, message="Cannot tell.",
                evidence=(TRAIN,)),
    ),
}  # fmt: skip


def verdict(status: Status) -> Verdict:
    findings = FINDINGS[status]
    return Verdict(
        id="R3",
        title="Final-evaluation hyperparameters and seeds are released",
        section="releasing-code",
        status=status,
        summary=f"Summary of {status.value}.",
        findings=findings,
        evidence=tuple(e for f in findings for e in f.evidence),
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "configs").mkdir()
    (tmp_path / "train.py").write_text("import torch\n")
    (tmp_path / "configs" / "train.yaml").write_text("seed: 0\n")
    (tmp_path / "README.md").write_text("# r\n")
    (tmp_path / "weights.bin").write_bytes(b"\0" * 10)
    (tmp_path / "outside").symlink_to("/etc")
    return tmp_path


def judge(root: Path, status: Status, answer: str | None, *where: str) -> tuple[Agreement, str]:
    declared = Answer.model_validate({"answer": answer, "where": list(where)})
    declaration = declare(
        verdict(status), declared, root, {"weights.bin": "binary file"}, CHECKLIST
    )
    assert declaration.answer == (DeclaredAnswer(answer) if answer else None)
    return declaration.agreement, declaration.message


C, X, U, G, V = (
    Agreement.CONFIRMED,
    Agreement.CONTRADICTED,
    Agreement.UNSUPPORTED_PATH,
    Agreement.HONEST_GAP,
    Agreement.UNVERIFIED,
)
TABLE = {  # answer -> agreement per status: pass, partial, fail, not_applicable, needs_review
    "yes": (C, X, X, V, V),
    "partial": (C, C, X, V, V),
    "no": (G, G, G, G, G),
    "n/a": (X, X, X, C, V),
    None: (Agreement.UNDECLARED,) * 5,
}
STATUSES = (Status.PASS, Status.PARTIAL, Status.FAIL, Status.NOT_APPLICABLE, Status.NEEDS_REVIEW)


@pytest.mark.parametrize("answer", list(TABLE))
def test_every_answer_against_every_status(root: Path, answer: str | None) -> None:
    found = {status: judge(root, status, answer)[0] for status in STATUSES}
    assert found == dict(zip(STATUSES, TABLE[answer], strict=True))


def test_a_contradiction_says_what_was_searched_and_what_was_found(root: Path) -> None:
    _, failed = judge(root, Status.FAIL, "yes")
    assert failed.startswith("Declared yes, but the audit found no evidence (fail)")
    assert "Searched: torch.manual_seed calls; set_seed helpers." in failed
    assert "Found nothing that counts." in failed
    _, partly = judge(root, Status.PARTIAL, "yes")
    assert "missing R3.seed-set (No seeding call found)" in partly
    assert "Found: configs/train.yaml:2." in partly
    _, not_applicable = judge(root, Status.PASS, "n/a")
    assert "finds the item applies (pass)" in not_applicable
    assert "waive it with reason not-applicable" in not_applicable


@pytest.mark.parametrize(
    ("where", "agreement", "problem"),
    [
        (("train.py",), C, None),
        (("configs",), C, None),  # a folder holding the evidence
        (("./configs/",), C, None),
        ((".",), C, None),
        (
            ("train.py", "README.md"),
            U,
            "README.md holds no evidence for R3 (its evidence is in train.py; configs/train.yaml)",
        ),
        (("missing.py",), U, "missing.py does not exist"),
        (("weights.bin",), U, "weights.bin was not read by the audit (binary file)"),
        (("outside/passwd",), U, "outside/passwd leads outside the repository"),
    ],
)
def test_where_paths_must_exist_and_hold_evidence(
    root: Path, where: tuple[str, ...], agreement: Agreement, problem: str | None
) -> None:
    found, message = judge(root, Status.PASS, "yes", *where)
    assert found is agreement, message
    assert ("where: " in message) is (problem is not None)
    if problem:
        assert f"where: {problem}." in message


def test_where_paths_of_other_answers(root: Path) -> None:
    declared = Answer.model_validate({"answer": "yes", "where": ["missing.py", "train.py"]})
    contradicted = declare(verdict(Status.FAIL), declared, root, {}, CHECKLIST)
    assert contradicted.agreement is X  # the bigger problem stays the headline
    assert contradicted.unsupported_paths == ("missing.py", "train.py")  # no evidence to hold
    # declared no and unverified answers only need paths that exist
    assert judge(root, Status.FAIL, "no", "README.md")[0] is G
    assert judge(root, Status.FAIL, "no", "gone.md")[0] is U
    assert judge(root, Status.NEEDS_REVIEW, "yes", "README.md")[0] is V
    undeclared = declare(verdict(Status.PASS), None, root, {}, CHECKLIST)
    assert undeclared.agreement is Agreement.UNDECLARED
    assert undeclared.message == "No answer in nas-audit.yaml; the audit found: pass."
