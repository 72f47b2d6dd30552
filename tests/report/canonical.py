"""One canonical audit report for golden files: every status, evidence with and without a
permalink, an absence, a re-run block, a skipped file, a file read by fallback, declared answers
of every kind and a waiver. Built by hand with fixed values so renderers are compared byte for
byte."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.facts import (
    Evidence,
    EvidenceKind,
    Facts,
    LogRun,
    ReadMode,
    ReadNote,
    SeedCall,
    SeedSource,
    SeedSourceKind,
)
from auditor.models import (
    Agreement,
    AuditReport,
    ChecklistRef,
    Declaration,
    DeclaredAnswer,
    Finding,
    Outcome,
    SkippedFile,
    Status,
    TargetInfo,
    ToolInfo,
    Verdict,
    Waiver,
    WaiverReason,
)
from auditor.rerun.models import (
    ClaimResult,
    Fingerprint,
    Isolation,
    MetricSummary,
    MetricValue,
    RepeatDiff,
    RerunResult,
    RunResult,
    Timing,
    Totals,
)
from checklist import load_checklist

COMMIT = "0123456789abcdef0123456789abcdef01234567"
BASE = f"https://github.com/example/tiny-nas/blob/{COMMIT}/"

# item id -> status; every status appears, and each section has more than one
STATUSES = {
    "R1": Status.PASS,
    "R2": Status.PASS,
    "R3": Status.PARTIAL,
    "R4": Status.FAIL,
    "R5": Status.NEEDS_REVIEW,
    "C1": Status.PASS,
    "C2": Status.PARTIAL,
    "C3": Status.PASS,
    "C4": Status.NEEDS_REVIEW,
    "C5": Status.FAIL,
    "C6": Status.NOT_APPLICABLE,
    "C7": Status.PASS,
    "C8": Status.PARTIAL,
    "D1": Status.FAIL,
    "D2": Status.PASS,
    "D3": Status.PARTIAL,
}


def _code(path: str, line: int, snippet: str, linked: bool = True) -> Evidence:
    return Evidence(
        kind=EvidenceKind.CODE,
        path=path,
        line=line,
        snippet=snippet,
        url=f"{BASE}{path}#L{line}" if linked else None,
    )


EVIDENCE: dict[str, tuple[Evidence, ...]] = {
    "R1": (
        _code("train.py", 42, "for epoch in range(args.epochs):\n    train_one_epoch(model)"),
        Evidence(
            kind=EvidenceKind.SCRIPT,
            path="scripts/run_final.sh",
            line=3,
            snippet="python train.py --arch DARTS_TINY --seed $seed",
        ),
    ),
    "R3": (
        _code("train.py", 17, "torch.manual_seed(args.seed)"),
        Evidence(
            kind=EvidenceKind.CONFIG,
            path="configs/search.yaml",
            line=2,
            snippet="seed: 0",
            note="seed from a config key",
        ),
    ),
    "R4": (
        Evidence.absence(
            "no search-space definition was found",
            ("Python classes with candidate operations", "PRIMITIVES lists", "genotype files"),
        ),
    ),
    "R5": (_code("search.py", 88, "alphas = model.arch_parameters()", linked=False),),
    "C2": (
        Evidence(
            kind=EvidenceKind.DEPENDENCY,
            path="requirements.txt",
            line=1,
            snippet="torch>=2.0",
            note="not pinned",
        ),
    ),
    "C5": (Evidence.absence("no search-time curves", ("plots over time", "anytime tables")),),
    "C7": (
        Evidence(
            kind=EvidenceKind.LOG,
            path="logs/train/seed0.log",
            line=12,
            snippet="epoch 9 test_acc 79.1 | valid 80.2 <final>",
            url=f"{BASE}logs/train/seed0.log#L12",
        ),
    ),
    "D1": (
        Evidence.absence(
            "no tuning of hyperparameters is described",
            ("README sections on tuning", "hyperparameter-search code"),
        ),
    ),
    "D2": (
        Evidence(kind=EvidenceKind.RERUN, note="4 runs took 12.4 s in total on 2 cores"),
        Evidence(
            kind=EvidenceKind.DOC,
            path="README.md",
            line=30,
            snippet="Search takes 0.2 GPU-days on one V100.",
            url=f"{BASE}README.md#L30",
        ),
    ),
}

SUMMARIES = {
    Status.PASS: "Every required signal was found.",
    Status.PARTIAL: "Some signals were found, others are missing.",
    Status.FAIL: "None of the signals was found.",
    Status.NOT_APPLICABLE: "Does not apply to this repository.",
    Status.NEEDS_REVIEW: "Could not be decided from the files; a person must look.",
}

OUTCOME_BY_STATUS = {
    Status.PASS: Outcome.TRUE,
    Status.PARTIAL: Outcome.TRUE,
    Status.FAIL: Outcome.FALSE,
    Status.NOT_APPLICABLE: Outcome.NOT_APPLICABLE,
    Status.NEEDS_REVIEW: Outcome.NOT_AVAILABLE,
}

DECLARATIONS = {
    "R1": Declaration(
        answer=DeclaredAnswer.YES,
        where=("train.py",),
        justification="train.py retrains the found cell",
        agreement=Agreement.CONFIRMED,
        message="Declared yes; the audit found a final training entry point.",
    ),
    "R4": Declaration(
        answer=DeclaredAnswer.YES,
        where=("search_space.py",),
        justification="the search space is in search_space.py",
        agreement=Agreement.CONTRADICTED,
        message="Declared yes, but no search-space definition was found "
        "(searched: candidate-operation classes, PRIMITIVES lists, genotypes).",
        unsupported_paths=("search_space.py",),
    ),
    "C2": Declaration(
        answer=DeclaredAnswer.PARTIAL,
        where=("requirements.txt", "env/missing.yml"),
        justification="requirements pinned",
        agreement=Agreement.UNSUPPORTED_PATH,
        message="env/missing.yml does not exist.",
        unsupported_paths=("env/missing.yml",),
    ),
    "D1": Declaration(
        answer=DeclaredAnswer.NO,
        justification="no tuning was done",
        agreement=Agreement.HONEST_GAP,
        message="Declared no: an acknowledged gap.",
    ),
    "C5": Declaration(agreement=Agreement.UNDECLARED, message="No answer in nas-audit.yaml."),
    "R5": Declaration(
        answer=DeclaredAnswer.YES,
        where=("search.py",),
        agreement=Agreement.UNVERIFIED,
        message="Declared yes; the audit could not decide this item (needs review).",
    ),
}

WAIVERS = {
    "C6": Waiver(reason=WaiverReason.NOT_APPLICABLE, note="benchmark release, no new method"),
    "D1": Waiver(reason=WaiverReason.ACCEPTED, note="defaults from the DARTS paper | untuned"),
}


def _verdicts() -> tuple[Verdict, ...]:
    checklist = load_checklist("lindauer-hutter-2020")
    verdicts = []
    for section in checklist.sections:
        for item in section.items:
            status = STATUSES[item.id]
            evidence = EVIDENCE.get(item.id, ())
            signal = item.signals[0]
            verdicts.append(
                Verdict(
                    id=item.id,
                    title=item.title,
                    section=section.id,
                    status=status,
                    score={Status.PASS: 1.0, Status.PARTIAL: 0.5, Status.FAIL: 0.0}.get(status),
                    summary=SUMMARIES[status],
                    findings=(
                        Finding(
                            signal=signal.id,
                            outcome=OUTCOME_BY_STATUS[status],
                            message=f"{signal.id}: {SUMMARIES[status]}",
                            evidence=evidence,
                        ),
                    ),
                    evidence=evidence,
                    error="KeyError: 'seed'" if item.id == "C4" else None,
                    declaration=DECLARATIONS.get(item.id),
                    waiver=WAIVERS.get(item.id),
                )
            )
    return tuple(verdicts)


def _facts() -> Facts:
    return Facts(
        python_files=12,
        read_notes=[
            ReadNote(
                path="legacy/old_train.py",
                line=3,
                snippet="print 'epoch', epoch",
                mode=ReadMode.REPAIRED,
                reason="Python 2 print statement",
            ),
        ],
        seed_calls=[
            SeedCall(
                path="train.py",
                line=17,
                snippet="torch.manual_seed(args.seed)",
                call="torch.manual_seed",
                library="torch",
                source=SeedSource(kind=SeedSourceKind.CLI_FLAG, detail="--seed", default="0"),
                function="main",
            ),
        ],
        logs=[
            LogRun(
                path=f"logs/train/seed{seed}.log",
                line=1,
                format="text",
                seed=str(seed),
                metrics={"test_acc": acc},
                epochs=10,
                elapsed_seconds=61.5 + seed,
                curve={
                    "test_acc": [round(acc * (epoch + 1) / 10, 2) for epoch in range(10)],
                    "train_loss": [round(2.3 / (epoch + 1 + seed), 3) for epoch in range(10)],
                },
            )
            for seed, acc in ((0, 79.1), (1, 80.2))
        ],
    )


def _run(seed: int, repeat: int, acc: float) -> RunResult:
    return RunResult(
        run_id=f"s{seed}-r{repeat}",
        seed=seed,
        repeat=repeat,
        command=f"python train.py --arch DARTS_TINY --seed {seed} --epochs 10",
        status="ok",
        exit_code=0,
        reason="exited 0",
        wall_seconds=3.1 + seed / 10,
        peak_rss_mib=310.5,
        metrics={"test_acc": MetricValue(value=acc, status="ok", raw=str(acc))},
        isolation="bwrap",
    )


def _rerun() -> RerunResult:
    runs = (_run(0, 0, 79.33), _run(0, 1, 79.33), _run(1, 0, 78.0), _run(1, 1, 78.0))
    return RerunResult(
        manifest_source="nas-audit.yaml",
        command="python train.py --arch DARTS_TINY --seed {seed} --epochs {epochs}",
        params={"epochs": 10},
        seeds=(0, 1),
        repeats=2,
        commit=COMMIT,
        isolation=Isolation(kind="bwrap", network_cut=True, detail="bubblewrap 0.8.0"),
        fingerprint=Fingerprint(
            python="3.11.2",
            os="Linux",
            machine="x86_64",
            cpu_count=2,
            torch="2.13.0",
            cuda_available=False,
            numpy="2.1.0",
        ),
        sharing="copy_per_run",
        runs=runs,
        metrics=(
            MetricSummary(
                name="test_acc",
                goal="max",
                statuses={"ok": 4},
                n_values=4,
                n_seeds=2,
                mean=78.665,
                std=0.9405,
                min=78.0,
                max=79.33,
                ci95_low=70.2151,
                ci95_high=87.1149,
                repeats=(
                    RepeatDiff(
                        seed=0,
                        values=(79.33, 79.33),
                        bitwise_equal=True,
                        abs_diff=0.0,
                        rel_diff=0.0,
                    ),
                    RepeatDiff(
                        seed=1, values=(78.0, 78.0), bitwise_equal=True, abs_diff=0.0, rel_diff=0.0
                    ),
                ),
                deterministic=True,
            ),
        ),
        claims=(
            ClaimResult(
                metric="test_acc",
                claimed=79.33,
                claimed_std=1.33,
                source="README.md",
                verdict="reproduced",
                reason="the claim lies in the accepted range",
                observed_mean=78.665,
                observed_std=0.9405,
                n_values=4,
                n_seeds=2,
                accepted_low=76.0,
                accepted_high=82.66,
                gap=-0.665,
                gap_in_std=-0.7071,
                direction="lower",
            ),
        ),
        deterministic=True,
        timing=Timing(
            total_wall_seconds=12.4,
            run_wall_seconds_sum=12.6,
            run_wall_seconds_mean=3.15,
            run_wall_seconds_max=3.2,
            peak_rss_mib_max=310.5,
        ),
        totals=Totals(planned=4, by_status={"ok": 4}),
    )


def canonical_report(*, rerun: bool = True) -> AuditReport:
    """The canonical report (with its re-run block unless `rerun=False`)."""
    checklist = load_checklist("lindauer-hutter-2020")
    from checklist import checklist_sha256

    rerun_result = _rerun() if rerun else None
    facts = _facts()
    facts.rerun = rerun_result
    return AuditReport(
        tool=ToolInfo(version="0.0.0-golden"),
        target=TargetInfo(
            source="https://github.com/example/tiny-nas",
            path="/cache/tiny-nas",
            commit=COMMIT,
            ref="main",
            remote="https://github.com/example/tiny-nas",
            permalink_base=BASE,
        ),
        checklist=ChecklistRef(
            id=checklist.id,
            version=checklist.version,
            sha256=checklist_sha256("lindauer-hutter-2020"),
        ),
        started_at=datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 27, 12, 0, 14, tzinfo=UTC),
        duration_seconds=14.2,
        items=_verdicts(),
        facts=facts,
        skipped=(
            SkippedFile(path="data/cifar_subset.bin", reason="binary"),
            SkippedFile(path="third_party/nasbench/api.py", reason="vendored"),
        ),
        files_by_kind={"python": 12, "config": 3, "log": 4, "doc": 2, "binary": 1},
        rerun=rerun_result,
    )
