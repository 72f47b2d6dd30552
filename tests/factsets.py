"""Hand-built fact sets for the check tests: realistic NAS repositories, no disk.

Every fact set is registered in FACT_SETS by name; the check tests look them up by name and
tests/test_registry.py runs every check over all of them. A variant is a small function that
changes a base set, so each test row says which single fact makes the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from auditor.facts import (
    BenchmarkUse,
    BrokenReference,
    CodeSignal,
    ConfigFile,
    Dependency,
    DeterminismSetting,
    DocMention,
    DocTopic,
    EntryPoint,
    Facts,
    Hyperparameter,
    LogRun,
    MethodFamily,
    MethodSignal,
    Role,
    ScriptInvocation,
    SeedCall,
    SeedProblem,
    SeedProblemKind,
    SeedSource,
    SeedSourceKind,
    clip_snippet,
)
from auditor.models import Finding, Outcome, Verdict
from auditor.registry import registered_checks
from auditor.rerun.analysis import overall_determinism, summarize_metric, timing
from auditor.rerun.claims import judge_claim
from auditor.rerun.manifest import ClaimSpec
from auditor.rerun.models import (
    Fingerprint,
    Isolation,
    MetricValue,
    RerunResult,
    RunResult,
    Totals,
)
from auditor.rerun.spec import MetricSpec
from auditor.scoring import evaluate
from checklist import load_checklist

FactSet = Callable[[], Facts]
FACT_SETS: dict[str, FactSet] = {}


def fact_set(fn: FactSet) -> FactSet:
    """Register a fact set under its function name."""
    FACT_SETS[fn.__name__] = fn
    return fn


def build(name: str) -> Facts:
    """A fresh copy of a registered fact set."""
    return FACT_SETS[name]()


# ---------------------------------------------------------------------------- builders


def ep(
    path: str, *roles: Role, uses: Sequence[str] = (), line: int = 1, reasons: Sequence[str] = ()
) -> EntryPoint:
    """An entry point."""
    return EntryPoint(
        path=path,
        line=line,
        roles=tuple(roles),
        uses=tuple(uses),
        reasons=tuple(reasons) or ("has a __main__ block",),
    )


def cs(path: str, line: int, kind: str, detail: str = "") -> CodeSignal:
    """A code signal."""
    return CodeSignal(
        path=path, line=line, kind=kind, detail=detail, snippet=clip_snippet(f"{kind} {detail}")
    )


def method(path: str, line: int, family: MethodFamily, detail: str = "") -> MethodSignal:
    """A NAS-method signal."""
    return MethodSignal(path=path, line=line, kind="method", family=family, detail=detail)


def seed(
    path: str,
    line: int,
    call: str,
    library: str,
    *,
    reach: Iterable[str],
    kind: SeedSourceKind = SeedSourceKind.CLI_FLAG,
    detail: str = "--seed",
    default: str | None = "0",
    effective: bool = True,
    problems: Sequence[str] = (),
) -> SeedCall:
    """A seeding call (library is checked by pydantic)."""
    return SeedCall.model_validate(
        {
            "path": path,
            "line": line,
            "call": call,
            "library": library,
            "source": SeedSource(kind=kind, detail=detail, default=default),
            "function": "main",
            "reachable_from": tuple(reach),
            "effective": effective,
            "problems": tuple(problems),
            "snippet": f"{call}(...)",
        }
    )


def problem(path: str, line: int, kind: SeedProblemKind, message: str) -> SeedProblem:
    """A seeding pitfall."""
    return SeedProblem(path=path, line=line, kind=kind, message=message)


def det(path: str, line: int, setting: str, value: str) -> DeterminismSetting:
    """A determinism setting."""
    return DeterminismSetting.model_validate(
        {"path": path, "line": line, "setting": setting, "value": value}
    )


def hp(
    path: str, line: int, name: str, default: str | None = None, source: str = "argparse"
) -> Hyperparameter:
    """A hyperparameter."""
    return Hyperparameter.model_validate(
        {"path": path, "line": line, "name": name, "default": default, "source": source}
    )


def doc(
    path: str, line: int, topic: DocTopic, heading: str | None = None, snippet: str | None = None
) -> DocMention:
    """A docs passage."""
    return DocMention(path=path, line=line, topic=topic, heading=heading, snippet=snippet)


def dep(path: str, line: int, name: str, spec: str = "", pinned: bool = False) -> Dependency:
    """A dependency declaration."""
    return Dependency(path=path, line=line, name=name, spec=spec, pinned=pinned)


def run(
    path: str,
    line: int,
    script: str,
    resolved: str | None,
    in_seed_loop: bool = False,
    **flags: str,
) -> ScriptInvocation:
    """A command that runs a repo file (flags given as seed="1" become --seed 1)."""
    return ScriptInvocation(
        path=path,
        line=line,
        script=script,
        resolved=resolved,
        flags={f"--{k}": v for k, v in flags.items()},
        in_seed_loop=in_seed_loop,
    )


def bench(path: str, line: int, name: str, how: str) -> BenchmarkUse:
    """A benchmark use."""
    return BenchmarkUse.model_validate({"path": path, "line": line, "benchmark": name, "how": how})


# ------------------------------------------------------------------------------ DARTS


_CNN_SHARED = ("cnn/operations.py", "cnn/genotypes.py", "cnn/utils.py")


@fact_set
def darts_like() -> Facts:
    """quark0/darts, cnn/ only: search and final training seeded from --seed, cudnn.benchmark on,
    PyTorch pinned in a README line, no baselines, no timing."""
    train, search = "cnn/train.py", "cnn/train_search.py"
    return Facts(
        entry_points=[
            ep(
                search,
                Role.SEARCH,
                uses=("cnn/model_search.py", "cnn/architect.py", *_CNN_SHARED),
                line=48,
                reasons=("name train_search", "calls architect.step"),
            ),
            ep(
                train,
                Role.FINAL_TRAINING,
                uses=("cnn/model.py", *_CNN_SHARED),
                line=56,
                reasons=("trains a fixed genotype from scratch",),
            ),
            ep("cnn/test.py", Role.EVALUATION, uses=("cnn/model.py", *_CNN_SHARED), line=40),
        ],
        seed_calls=[
            seed(train, 61, "numpy.random.seed", "numpy", reach=[train]),
            seed(train, 64, "torch.manual_seed", "torch", reach=[train]),
            seed(train, 66, "torch.cuda.manual_seed", "torch.cuda", reach=[train]),
            seed(search, 56, "numpy.random.seed", "numpy", reach=[search], default="2"),
            seed(search, 59, "torch.manual_seed", "torch", reach=[search], default="2"),
            seed(search, 61, "torch.cuda.manual_seed", "torch.cuda", reach=[search], default="2"),
        ],
        seed_problems=[
            problem(
                train,
                63,
                SeedProblemKind.BENCHMARK_AFTER_SEED,
                "cudnn.benchmark = True after seeding: kernels vary per run",
            )
        ],
        determinism=[
            det(train, 63, "cudnn.benchmark", "True"),
            det(search, 58, "cudnn.benchmark", "True"),
        ],
        hyperparameters=[
            hp(train, 22, "batch_size", "96"),
            hp(train, 23, "learning_rate", "0.025"),
            hp(train, 28, "epochs", "600"),
            hp(train, 38, "seed", "0"),
            hp(train, 39, "arch", "DARTS"),
            hp(search, 20, "batch_size", "64"),
            hp(search, 38, "arch_learning_rate", "3e-4"),
        ],
        script_invocations=[
            run("README.md", 60, "train_search.py", search, unrolled=""),
            run("README.md", 71, "train.py", train, auxiliary="", cutout=""),
        ],
        search_space=[
            cs("cnn/genotypes.py", 5, "operations", "PRIMITIVES"),
            cs("cnn/operations.py", 4, "operations", "OPS"),
            cs("cnn/genotypes.py", 3, "architecture_encoding", "Genotype"),
        ],
        nas_methods=[method("cnn/architect.py", 13, MethodFamily.GRADIENT_BASED, "Architect")],
        architecture_derivation=[cs("cnn/model_search.py", 150, "derive", "genotype()")],
        training_code=[
            cs(train, 129, "optimizer_step"),
            cs(train, 98, "epoch_loop"),
            cs(search, 140, "optimizer_step"),
        ],
        evaluation_code=[
            cs(train, 143, "evaluation", "valid"),
            cs(search, 160, "evaluation", "valid"),
        ],
        data_code=[
            cs(train, 80, "dataset", train),
            cs(search, 77, "dataset", search),
            cs(search, 82, "split", search),
        ],
        dependencies=[
            dep("README.md", 17, "Python", ">=3.5.5"),
            dep("README.md", 17, "PyTorch", "==0.3.1", pinned=True),
            dep("README.md", 17, "torchvision", "==0.2.0", pinned=True),
        ],
        docs=[
            doc("README.md", 9, DocTopic.HARDWARE, None, "Only a single GPU is required."),
            doc("README.md", 15, DocTopic.SETUP, "Requirements"),
            doc("README.md", 23, DocTopic.DATASETS, "Datasets"),
            doc("README.md", 70, DocTopic.REPRODUCE, "Architecture evaluation"),
            doc(
                "README.md",
                83,
                DocTopic.SEEDS,
                "Architecture evaluation",
                "the average test error of 10 independent runs",
            ),
        ],
        doc_files=["README.md"],
    )


@fact_set
def darts_no_seed_docs() -> Facts:
    """DARTS without the README sentence on independent runs."""
    facts = darts_like()
    facts.docs = [d for d in facts.docs if d.topic is not DocTopic.SEEDS]
    return facts


@fact_set
def darts_deterministic() -> Facts:
    """DARTS after the usual fix: deterministic cuDNN in the final training."""
    facts = darts_like()
    facts.seed_problems = []
    facts.determinism = [
        det("cnn/train.py", 63, "cudnn.benchmark", "False"),
        det("cnn/utils.py", 12, "cudnn.deterministic", "True"),
    ]
    return facts


@fact_set
def darts_benchmark_from_flag() -> Facts:
    """cudnn.benchmark set from a flag: its value is unknown statically."""
    facts = darts_like()
    facts.seed_problems = []
    facts.determinism = [det("cnn/train.py", 63, "cudnn.benchmark", "args.cudnn_benchmark")]
    return facts


@fact_set
def darts_cuda_only() -> Facts:
    """The final training seeds only CUDA (weights are initialised on the CPU)."""
    facts = darts_like()
    facts.seed_calls = [
        c for c in facts.seed_calls if not (c.path == "cnn/train.py" and c.library != "torch.cuda")
    ]
    return facts


@fact_set
def darts_clock_seed() -> Facts:
    """The final training seeds from the clock."""
    facts = darts_like()
    clock = seed(
        "cnn/train.py",
        61,
        "numpy.random.seed",
        "numpy",
        reach=["cnn/train.py"],
        kind=SeedSourceKind.TIME,
        detail="time.time()",
        default=None,
    )
    facts.seed_calls = [clock] + [c for c in facts.seed_calls if c.path != "cnn/train.py"]
    facts.seed_problems = [
        problem("cnn/train.py", 61, SeedProblemKind.SEED_FROM_TIME, "seeded with time.time()")
    ]
    return facts


@fact_set
def darts_imagenet_unseeded() -> Facts:
    """A second final-training script (ImageNet) that never seeds."""
    facts = darts_like()
    facts.entry_points.append(
        ep(
            "cnn/train_imagenet.py",
            Role.FINAL_TRAINING,
            uses=("cnn/model.py", *_CNN_SHARED),
            line=60,
        )
    )
    return facts


@fact_set
def darts_seeds_unknown_value() -> Facts:
    """Seeds from a flag without default, and nothing records the value."""
    facts = darts_no_seed_docs()
    facts.seed_calls = [
        c.model_copy(update={"source": SeedSource(kind=SeedSourceKind.CLI_FLAG, detail="--seed")})
        for c in facts.seed_calls
    ]
    return facts


@fact_set
def darts_several_archs() -> Facts:
    """A script evaluates DARTS_V1, DARTS_V2 and a random genotype with cnn/train.py."""
    facts = darts_like()
    facts.script_invocations += [
        run("scripts/eval.sh", 3, "train.py", "cnn/train.py", arch="DARTS_V1"),
        run("scripts/eval.sh", 4, "train.py", "cnn/train.py", arch="DARTS_V2"),
    ]
    return facts


@fact_set
def darts_missing_import() -> Facts:
    """cnn/train.py imports a module that is not committed."""
    facts = darts_like()
    facts.broken_references = [
        BrokenReference(path="cnn/train.py", line=12, target="model_zoo", kind="module_import")
    ]
    return facts


@fact_set
def darts_broken_extra_final() -> Facts:
    """DARTS plus an experimental final-training script that imports a missing module."""
    facts = darts_like()
    extra = "exps/meta/train_meta.py"
    facts.entry_points.append(ep(extra, Role.FINAL_TRAINING, reasons=("epoch loop",)))
    facts.broken_references = [
        BrokenReference(path=extra, line=7, target="models.xcore", kind="module_import")
    ]
    return facts


@fact_set
def single_random_arch() -> Facts:
    """DARTS plus one randomly sampled architecture as the only 'baseline'."""
    facts = darts_no_seed_docs()
    facts.baselines = [cs("cnn/genotypes.py", 80, "random_architecture", "RANDOM genotype")]
    return facts


# ------------------------------------------------------------------------ seeding pitfall


@fact_set
def seeding_pitfall() -> Facts:
    """--seed is parsed but unused, the seed helper is never called, a seed sits in a
    docstring; only the search seeds (with a literal)."""
    return Facts(
        entry_points=[
            ep("train.py", Role.FINAL_TRAINING, uses=("utils.py",), line=30),
            ep("search.py", Role.SEARCH, uses=("utils.py",), line=25),
        ],
        seed_calls=[
            seed(
                "utils.py",
                5,
                "torch.manual_seed",
                "torch",
                reach=[],
                kind=SeedSourceKind.PARAMETER,
                detail="s",
                default=None,
                effective=False,
                problems=("unreachable",),
            ),
            seed(
                "search.py",
                8,
                "torch.manual_seed",
                "torch",
                reach=["search.py"],
                kind=SeedSourceKind.LITERAL,
                detail="0",
                default=None,
            ),
        ],
        seed_problems=[
            problem(
                "train.py",
                12,
                SeedProblemKind.UNUSED_SEED_FLAG,
                "--seed is parsed but never reaches a seeding call",
            ),
            problem("utils.py", 5, SeedProblemKind.UNREACHABLE, "set_seed() is never called"),
            problem("train.py", 3, SeedProblemKind.IN_DOCSTRING, "the seed call is in a docstring"),
        ],
        hyperparameters=[hp("train.py", 10, "lr", "0.1"), hp("train.py", 12, "seed", "1")],
        training_code=[cs("train.py", 40, "epoch_loop"), cs("search.py", 30, "optimizer_step")],
        evaluation_code=[cs("train.py", 50, "evaluation", "test")],
        nas_methods=[method("search.py", 20, MethodFamily.EVOLUTION, "mutate")],
        dependencies=[dep("requirements.txt", 1, "torch")],
        dependency_files=["requirements.txt"],
    )


# ---------------------------------------------------------------------- benchmark release


@fact_set
def benchmark_release() -> Facts:
    """A NAS-Bench-201-style release: a table, an API and an example query; no method."""
    return Facts(
        entry_points=[ep("examples/query.py", Role.BENCHMARK_QUERY, uses=("nasbench/api.py",))],
        benchmarks=[
            bench("examples/query.py", 3, "NAS-Bench-201", "import"),
            bench("data/table.csv", 1, "own tabular benchmark", "data_file"),
        ],
        search_space=[cs("nasbench/search_space.py", 10, "operations", "OPS")],
        dependencies=[dep("requirements.txt", 1, "numpy", "==1.21.0", pinned=True)],
        dependency_files=["requirements.txt"],
        docs=[doc("README.md", 5, DocTopic.SETUP, "Installation")],
        doc_files=["README.md"],
    )


@fact_set
def benchmark_search() -> Facts:
    """naszilla-like: NAS methods run on NAS-Bench-101 and read each architecture's accuracy
    from it; only their predictors train, and the experiments repeat over trials."""
    return Facts(
        entry_points=[
            ep(
                "run_experiments.py",
                Role.SEARCH,
                Role.BENCHMARK_QUERY,
                uses=("nas_algorithms.py", "gcn/train_gcn.py", "nas_benchmarks.py"),
            ),
            ep("bo/makept.py", Role.SEARCH, uses=("nas_benchmarks.py",)),
        ],
        nas_methods=[method("nas_algorithms.py", 40, MethodFamily.BAYESIAN_OPTIMIZATION, "bo")],
        training_code=[cs("gcn/train_gcn.py", 56, "optimizer_step", "fit")],
        benchmarks=[bench("nas_benchmarks.py", 6, "NAS-Bench-101", "import")],
        seed_loops=[cs("run_experiments.py", 42, "python_run_loop", "for i in range(trials)")],
    )


@fact_set
def benchmark_and_dataset_search() -> Facts:
    """As benchmark_search, plus a search on a real dataset whose final training is missing."""
    facts = benchmark_search()
    facts.entry_points.append(ep("train_search.py", Role.SEARCH, uses=("model_search.py",)))
    facts.training_code.append(cs("train_search.py", 70, "optimizer_step"))
    return facts


# ------------------------------------------------------------------------------ TF repo


@fact_set
def tf_repo() -> Facts:
    """An ENAS-style TensorFlow repo: RL controller, tf seeds, half the dependencies pinned."""
    return Facts(
        entry_points=[
            ep("search.py", Role.SEARCH, uses=("controller.py",)),
            ep("train_final.py", Role.FINAL_TRAINING, uses=("model.py",)),
        ],
        seed_calls=[
            seed(
                "train_final.py",
                20,
                "tensorflow.set_random_seed",
                "tensorflow",
                reach=["train_final.py"],
                kind=SeedSourceKind.LITERAL,
                detail="1",
                default=None,
            ),
            seed(
                "search.py",
                18,
                "tensorflow.set_random_seed",
                "tensorflow",
                reach=["search.py"],
                kind=SeedSourceKind.CONFIG_KEY,
                detail="seed",
                default=None,
            ),
        ],
        hyperparameters=[
            hp("train_final.py", 8, "num_epochs", "310", source="absl"),
            hp("search.py", 9, "controller_lr", "0.0035", source="absl"),
        ],
        configs=[
            ConfigFile(
                path="configs/search.yaml", line=1, format="yaml", keys=("seed",), seeds=("7",)
            )
        ],
        nas_methods=[method("controller.py", 30, MethodFamily.REINFORCEMENT_LEARNING, "REINFORCE")],
        training_code=[cs("train_final.py", 60, "epoch_loop")],
        evaluation_code=[cs("train_final.py", 90, "evaluation", "test")],
        dependencies=[
            dep("requirements.txt", 1, "tensorflow-gpu", "==1.15", pinned=True),
            dep("requirements.txt", 2, "numpy"),
        ],
        dependency_files=["requirements.txt"],
    )


@fact_set
def enas_one_main() -> Facts:
    """melodyguan/enas: one main.py searches (search scripts) and trains a fixed architecture
    (final scripts: --child_fixed_arc); it logs elapsed minutes; macro and micro runs differ in
    --search_for and --child_num_cells, which name no architecture."""
    main = "src/cifar10/main.py"
    entry = ep(main, Role.SEARCH, Role.FINAL_TRAINING, uses=("src/utils.py", "src/controller.py"))
    return Facts(
        entry_points=[entry],
        nas_methods=[method("src/controller.py", 14, MethodFamily.REINFORCEMENT_LEARNING)],
        training_code=[cs("src/utils.py", 237, "optimizer_step")],
        timing_code=[cs(main, 272, "elapsed", "train")],
        script_invocations=[
            run(f"scripts/{space}_{phase}.sh", 5, main, main, search_for=space, **extra)
            for space in ("macro", "micro")
            for phase, extra in (
                ("search", {"controller_training": "", "child_num_cells": "5"}),
                ("final", {"child_fixed_arc": "0 3 0", "nocontroller_training": ""}),
            )
        ],
    )


# ------------------------------------------------------------------------- full pipeline


@fact_set
def full_pipeline() -> Facts:
    """A repo following every practice (like examples/tiny-nas)."""
    search, rs, train = "train_search.py", "random_search.py", "train.py"
    shared = ("data.py", "utils.py", "operations.py", "genotypes.py")
    helper = [
        seed(p, 40, "utils.set_seed", "helper", reach=[p], default="0") for p in (search, rs, train)
    ]
    inner = [
        seed(
            "utils.py",
            12,
            "random.seed",
            "random",
            reach=[search, rs, train],
            kind=SeedSourceKind.PARAMETER,
            detail="seed",
            default=None,
        ),
        seed(
            "utils.py",
            13,
            "torch.manual_seed",
            "torch",
            reach=[search, rs, train],
            kind=SeedSourceKind.PARAMETER,
            detail="seed",
            default=None,
        ),
    ]
    return Facts(
        entry_points=[
            ep(search, Role.SEARCH, uses=("model_search.py", "architect.py", *shared)),
            ep(rs, Role.SEARCH, uses=shared),
            ep(train, Role.FINAL_TRAINING, uses=("model.py", *shared)),
        ],
        seed_calls=helper + inner,
        determinism=[
            det("utils.py", 15, "cudnn.deterministic", "True"),
            det("utils.py", 16, "cudnn.benchmark", "False"),
        ],
        hyperparameters=[
            hp("configs/train.yaml", 2, "epochs", "20", source="config"),
            hp(train, 20, "config", "configs/train.yaml"),
            hp(search, 20, "config", "configs/search.yaml"),
            hp(rs, 20, "n_samples", "24"),
        ],
        configs=[
            ConfigFile(
                path="configs/train.yaml",
                line=1,
                format="yaml",
                keys=("epochs", "seeds"),
                seeds=("0", "1", "2"),
            ),
            ConfigFile(path="configs/search.yaml", line=1, format="yaml", keys=("epochs",)),
        ],
        script_invocations=[
            run("scripts/run_all.sh", 4, "train_search.py", search, True, seed="$s"),
            run("scripts/run_all.sh", 5, "train.py", train, True, seed="$s"),
        ],
        seed_loops=[cs("scripts/run_all.sh", 3, "shell_seed_loop", "for s in 0 1 2")],
        logs=[
            LogRun(
                path="logs/search_seed0.log", line=1, format="text", seed="0", elapsed_seconds=812.0
            ),
            LogRun(
                path="logs/search_seed1.log", line=1, format="text", seed="1", elapsed_seconds=790.5
            ),
        ],
        search_space=[
            cs("operations.py", 5, "operations", "OPS"),
            cs("genotypes.py", 4, "architecture_encoding", "Genotype"),
        ],
        nas_methods=[
            method("architect.py", 10, MethodFamily.GRADIENT_BASED, "Architect"),
            method(rs, 30, MethodFamily.RANDOM_SEARCH, "sample_genotype"),
        ],
        architecture_derivation=[cs("model_search.py", 90, "derive", "genotype()")],
        training_code=[cs("utils.py", 50, "epoch_loop", "train_epoch")],
        evaluation_code=[cs("utils.py", 70, "evaluation", "test")],
        data_code=[cs("data.py", 10, "dataset", "CIFAR-10"), cs("data.py", 30, "split", "valid")],
        benchmarks=[bench("tabular_bench.py", 5, "NAS-Bench-201", "import")],
        baselines=[cs(rs, 30, "random_search", "24 samples, same training")],
        ablations=[cs(search, 33, "ablation_flag", "--no_edge_norm")],
        timing_code=[cs(search, 100, "elapsed", "time.time()"), cs(train, 80, "elapsed")],
        time_curves=[cs("plot_anytime.py", 20, "anytime_plot")],
        dependencies=[
            dep("requirements.txt", 1, "torch", "==2.1.0", pinned=True),
            dep("requirements.txt", 2, "numpy", "==1.26.0", pinned=True),
        ],
        dependency_files=["requirements.txt"],
        environment_recording=[
            cs("utils.py", 80, "versions", "torch.__version__"),
            cs("utils.py", 82, "hardware", "torch.cuda.get_device_name"),
        ],
        docs=[
            doc("README.md", 5, DocTopic.SETUP, "Setup"),
            doc("README.md", 12, DocTopic.VERSIONS, "Setup"),
            doc("README.md", 20, DocTopic.DATASETS, "Data"),
            doc("README.md", 40, DocTopic.TUNING, "Hyperparameter tuning"),
            doc("README.md", 42, DocTopic.TIME, "Hyperparameter tuning", "took 2 GPU-days"),
            doc("README.md", 43, DocTopic.HARDWARE, "Hyperparameter tuning", "one V100"),
            doc("README.md", 50, DocTopic.TIME, "Cost", "search 0.4 GPU-days"),
            doc("README.md", 60, DocTopic.BASELINES, "Baselines", "random search baseline"),
            doc("README.md", 70, DocTopic.ABLATION, "Ablations"),
            doc("README.md", 80, DocTopic.SEEDS, "Seeds"),
        ],
        doc_files=["README.md"],
    )


@fact_set
def full_without_benchmark() -> Facts:
    """The full pipeline, judged on its own code (no NAS benchmark)."""
    facts = full_pipeline()
    facts.benchmarks = []
    return facts


# --------------------------------------------------------------------------- empty-ish


@fact_set
def empty() -> Facts:
    """Nothing found: a repository with no NAS code at all."""
    return Facts()


@fact_set
def search_only() -> Facts:
    """Only the search script exists and trains; no final training, no evaluation entry."""
    return Facts(
        entry_points=[ep("train_search.py", Role.SEARCH, uses=("model_search.py",))],
        nas_methods=[method("model_search.py", 10, MethodFamily.GRADIENT_BASED, "alphas")],
        training_code=[cs("train_search.py", 70, "optimizer_step")],
        evaluation_code=[cs("train_search.py", 90, "evaluation", "valid")],
        seed_calls=[
            seed("train_search.py", 30, "torch.manual_seed", "torch", reach=["train_search.py"])
        ],
    )


@fact_set
def broken_final() -> Facts:
    """The README runs train.py, which was never committed."""
    facts = search_only()
    facts.broken_references = [
        BrokenReference(path="README.md", line=20, target="train.py", kind="script_file")
    ]
    return facts


@fact_set
def orphan_trainer() -> Facts:
    """Training code in trainer.py that no entry point is known to run."""
    facts = search_only()
    facts.training_code.append(cs("trainer.py", 15, "epoch_loop"))
    facts.evaluation_code.append(cs("trainer.py", 40, "evaluation", "test"))
    return facts


@fact_set
def method_library() -> Facts:
    """An NNI-like library: method code with options, no search entry point."""
    return Facts(
        nas_methods=[method("nas/strategy/evolution.py", 20, MethodFamily.EVOLUTION, "mutate")],
        hyperparameters=[
            hp("nas/strategy/evolution.py", 12, "population_size", "100", source="constant")
        ],
        seed_calls=[
            seed(
                "nas/utils.py",
                5,
                "numpy.random.seed",
                "numpy",
                reach=[],
                kind=SeedSourceKind.PARAMETER,
                detail="seed",
                default=None,
            )
        ],
        search_space=[cs("nas/space.py", 3, "search_space_class", "ModelSpace")],
    )


@fact_set
def random_search_method() -> Facts:
    """The method itself is random search with weight sharing (Li & Talwalkar style): the
    probes see its loop as a random-search baseline too, and its README names random search."""
    return Facts(
        entry_points=[ep("rs.py", Role.SEARCH, uses=("wrapper.py",))],
        nas_methods=[method("rs.py", 12, MethodFamily.RANDOM_SEARCH, "sample_arch")],
        baselines=[cs("rs.py", 12, "random_search", "Random_NAS.get_eval_arch samples")],
        docs=[
            doc(
                "README.md",
                15,
                DocTopic.BASELINES,
                "Random Search with Weight Sharing",
                "## Random Search with Weight Sharing",
            )
        ],
        data_code=[cs("wrapper.py", 65, "dataset")],
        training_code=[cs("wrapper.py", 162, "optimizer_step")],
    )


@fact_set
def random_search_beside_unnamed_method() -> Facts:
    """A random-search baseline beside a search whose method the probes do not name."""
    return Facts(
        entry_points=[
            ep("search.py", Role.SEARCH, uses=("core.py",)),
            ep("random_search.py", Role.SEARCH, uses=("core.py",)),
        ],
        nas_methods=[method("random_search.py", 30, MethodFamily.RANDOM_SEARCH, "loop")],
        baselines=[cs("random_search.py", 30, "random_search", "run samples")],
        data_code=[cs("core.py", 5, "dataset")],
        training_code=[cs("core.py", 20, "optimizer_step")],
    )


@fact_set
def own_evaluation_baseline() -> Facts:
    """A random-search baseline that trains and evaluates with its own code."""
    return Facts(
        entry_points=[
            ep("search.py", Role.SEARCH, uses=("core.py",)),
            ep("baseline_rs.py", Role.SEARCH, uses=("rs_data.py",)),
            ep("train.py", Role.FINAL_TRAINING, uses=("core.py", "data.py")),
        ],
        nas_methods=[method("search.py", 9, MethodFamily.EVOLUTION, "evolve")],
        baselines=[cs("baseline_rs.py", 14, "random_search", "sample and train")],
        training_code=[cs("core.py", 20, "epoch_loop"), cs("baseline_rs.py", 40, "epoch_loop")],
        evaluation_code=[
            cs("core.py", 60, "evaluation", "test"),
            cs("baseline_rs.py", 70, "evaluation", "test"),
        ],
        data_code=[
            cs("data.py", 3, "dataset", "train.py"),
            cs("rs_data.py", 3, "dataset"),
            cs("core.py", 9, "dataset", "search.py"),
        ],
        docs=[
            doc("README.md", 30, DocTopic.TUNING, None, "we tuned lr by grid search"),
            doc("README.md", 55, DocTopic.TIME, None, "training takes 1 day"),
        ],
        timing_code=[cs("train.py", 88, "elapsed")],
    )


@fact_set
def sampler_baseline() -> Facts:
    """A baseline script that samples architectures but neither trains nor evaluates them."""
    facts = own_evaluation_baseline()
    facts.training_code = [t for t in facts.training_code if t.path != "baseline_rs.py"]
    facts.evaluation_code = [c for c in facts.evaluation_code if c.path != "baseline_rs.py"]
    return facts


@fact_set
def shared_core_baseline() -> Facts:
    """Method and random-search baseline both train, load data and evaluate through core.py."""
    facts = sampler_baseline()
    facts.entry_points[1] = ep("baseline_rs.py", Role.SEARCH, uses=("core.py", "train.py"))
    return facts


@fact_set
def doc_only_benchmark() -> Facts:
    """NAS-Bench-201 is named in the README, but no code uses it."""
    facts = darts_like()
    facts.benchmarks = [bench("README.md", 90, "NAS-Bench-201", "doc")]
    return facts


@fact_set
def deps_variants() -> Facts:
    """A lock file next to unpinned requirements."""
    return Facts(
        dependencies=[
            dep("pyproject.toml", 10, "torch", ">=2.0"),
            dep("pyproject.toml", 11, "numpy"),
        ],
        dependency_files=["pyproject.toml", "poetry.lock"],
    )


@fact_set
def unreadable_deps() -> Facts:
    """A setup.py whose dependencies could not be read."""
    return Facts(dependency_files=["setup.py"])


@fact_set
def readme_deps_unpinned() -> Facts:
    """Only README lines, and they do not pin the framework."""
    return Facts(
        dependencies=[
            dep("README.md", 8, "torch", ">=1.0"),
            dep("README.md", 8, "numpy", "==1.19", pinned=True),
        ]
    )


@fact_set
def genotype_only() -> Facts:
    """Only the encoding of the found cell is released, not the candidate operations."""
    return Facts(search_space=[cs("genotypes.py", 7, "architecture_encoding", "Genotype")])


@fact_set
def separate_data_shared_trainer() -> Facts:
    """Method and baseline train with core.py but each loads its own data."""
    return Facts(
        entry_points=[
            ep("search.py", Role.SEARCH, uses=("core.py", "data.py")),
            ep("baseline_rs.py", Role.SEARCH, uses=("core.py", "rs_data.py")),
        ],
        nas_methods=[method("search.py", 9, MethodFamily.EVOLUTION, "evolve")],
        baselines=[cs("baseline_rs.py", 14, "random_search", "sample and train")],
        training_code=[cs("core.py", 20, "epoch_loop")],
        data_code=[cs("data.py", 3, "dataset"), cs("rs_data.py", 5, "dataset")],
    )


@fact_set
def baseline_without_data_code() -> Facts:
    """A comparison whose data loading the probes could not find."""
    facts = shared_core_baseline()
    facts.data_code = []
    return facts


@fact_set
def unpinned_but_recorded() -> Facts:
    """Nothing pinned, but the code logs library versions and the GPU."""
    facts = seeding_pitfall()
    facts.environment_recording = [cs("train.py", 5, "versions", "torch.__version__")]
    return facts


@fact_set
def search_with_elapsed_logs() -> Facts:
    """Only committed search logs carry the elapsed time."""
    facts = search_only()
    facts.logs = [LogRun(path="logs/search.log", line=3, format="text", elapsed_seconds=3600.0)]
    return facts


@fact_set
def final_training_elapsed_logs() -> Facts:
    """Only the final training's logs (named after the architecture) carry elapsed time."""
    facts = search_only()
    facts.logs = [
        LogRun(path=f"logs/train/DARTS_V2/seed{k}.log", line=2, format="text", seed=str(k),
               elapsed_seconds=7200.0)
        for k in (0, 1)
    ]  # fmt: skip
    return facts


@fact_set
def darts_with_curves() -> Facts:
    """DARTS plus a notebook plotting accuracy over GPU hours, without timing code."""
    facts = darts_no_seed_docs()
    facts.time_curves = [cs("plots/anytime.ipynb", 4, "anytime_plot", "accuracy vs GPU hours")]
    return facts


@fact_set
def darts_channel_sampling_docs() -> Facts:
    """PC-DARTS: the README offers random sampling of channels, next to a comparison section."""
    facts = darts_like()
    facts.docs.append(
        doc(
            "README.md",
            94,
            DocTopic.BASELINES,
            "Comparisons",
            "- The implementation of random sampling is also provided `model_search_random.py`.",
        )
    )
    return facts


@fact_set
def darts_rs_docs() -> Facts:
    """The README reports a random-search baseline run with the same code."""
    facts = darts_like()
    facts.docs.append(
        doc(
            "README.md",
            95,
            DocTopic.BASELINES,
            "Baselines",
            "We compare against random search with the same budget.",
        )
    )
    return facts


@fact_set
def per_seed_logs() -> Facts:
    """Two committed logs of the final training with different seeds, nothing else."""
    facts = seeding_pitfall()
    facts.logs = [
        LogRun(path="logs/seed1.log", line=1, format="text", seed="1"),
        LogRun(path="logs/seed2.log", line=1, format="text", seed="2"),
    ]
    return facts


@fact_set
def tuning_with_cost_nearby() -> Facts:
    """A tuning paragraph followed closely by its cost, without headings."""
    facts = own_evaluation_baseline()
    facts.docs = [
        doc("README.md", 30, DocTopic.TUNING, None, "we tuned lr by grid search"),
        doc("README.md", 34, DocTopic.HARDWARE, None, "on 8 V100 GPUs"),
    ]
    return facts


@fact_set
def search_timing_only() -> Facts:
    """The search is timed; the docs report no time."""
    facts = search_only()
    facts.timing_code = [cs("train_search.py", 95, "elapsed", "time.time()")]
    return facts


@fact_set
def data_code_with_split() -> Facts:
    """No docs, but the code names the dataset and defines its split."""
    facts = seeding_pitfall()
    facts.data_code = [cs("train.py", 20, "dataset", "train.py"), cs("train.py", 24, "split")]
    return facts


@fact_set
def readme_baseline_table() -> Facts:
    """A README table row reports random search; no baseline code is committed."""
    facts = darts_like()
    facts.baselines = [cs("README.md", 99, "random_search", "table row")]
    return facts


@fact_set
def tf_deterministic_script() -> Facts:
    """The run script of the TF final training sets TF_DETERMINISTIC_OPS=1."""
    facts = tf_repo()
    facts.script_invocations = [run("scripts/final.sh", 3, "train_final.py", "train_final.py")]
    facts.determinism = [det("scripts/final.sh", 2, "TF_DETERMINISTIC_OPS", "1")]
    return facts


# ---------------------------------------------------------------------------- judging


def verdict(facts: Facts | str, item_id: str) -> Verdict:
    """Run the registered check of one item and score its findings with the checklist."""
    checklist = load_checklist()
    facts = build(facts) if isinstance(facts, str) else facts
    findings = list(registered_checks()[item_id](facts))
    return evaluate(checklist.item(item_id), checklist.section_of(item_id), findings)


def finding(facts: Facts | str, signal: str) -> Finding:
    """The finding of one signal."""
    found = [f for f in verdict(facts, signal.split(".")[0]).findings if f.signal == signal]
    assert len(found) == 1, f"{signal}: {len(found)} findings"
    return found[0]


def outcomes(v: Verdict) -> dict[str, Outcome]:
    """Signal id -> outcome."""
    return {f.signal: f.outcome for f in v.findings}


def places(f: Finding) -> list[tuple[str | None, int | None]]:
    """(path, line) of each piece of evidence, absences as (None, None)."""
    return [(e.path, e.line) for e in f.evidence]


# ----------------------------------------------------------------------------- re-runs


def rerun_result(
    command: str,
    *,
    values: dict[int, tuple[float, ...]],
    status: str = "ok",
    claimed: float | None = None,
    torch: str = "2.13.0+cpu",
) -> RerunResult:
    """A re-run block as auditor.rerun builds it, from per-seed metric values."""
    metric = MetricSpec.model_validate({"name": "valid_acc", "pattern": r"valid_acc ([0-9.]+)"})
    runs = tuple(
        RunResult(
            run_id=f"s{seed_}-r{rep}",
            seed=seed_,
            repeat=rep,
            command=command.format(seed=seed_),
            status="ok" if status == "ok" else "failed",
            exit_code=0 if status == "ok" else 1,
            reason="" if status == "ok" else "exit code 1",
            wall_seconds=2.0,
            metrics={"valid_acc": MetricValue(value=v, status="ok", raw=str(v))}
            if status == "ok"
            else {},
            stderr_tail="" if status == "ok" else "Traceback: CUDA out of memory",
        )
        for seed_, reps in values.items()
        for rep, v in enumerate(reps)
    )
    summary = summarize_metric(metric, runs)
    claims = (
        ()
        if claimed is None
        else (judge_claim(ClaimSpec(metric="valid_acc", value=claimed), summary),)
    )
    return RerunResult(
        manifest_source="nas-audit.yaml",
        command=command,
        seeds=tuple(values),
        repeats=max(len(r) for r in values.values()),
        isolation=Isolation(kind="unshare", network_cut=True),
        fingerprint=Fingerprint(python="3.11.7", torch=torch, cpu_model="AMD EPYC", os="Linux"),
        runs=runs,
        metrics=(summary,),
        claims=claims,
        deterministic=overall_determinism((summary,)),
        timing=timing(runs, 5.0, None),
        totals=Totals(planned=len(runs), by_status={status: len(runs)}),
    )


@fact_set
def full_pipeline_rerun_ok() -> Facts:
    """The full pipeline re-run: deterministic, claim reproduced, pinned torch used."""
    facts = full_pipeline()
    facts.dependencies.append(dep("requirements.txt", 1, "torch", "==2.13.0", pinned=True))
    facts.rerun = rerun_result(
        "python train.py --seed {seed}", values={0: (90.0, 90.0), 1: (91.0, 91.0)}, claimed=90.5
    )
    return facts


@fact_set
def search_rerun_nondeterministic() -> Facts:
    """The search re-run: repeats differ, the claim is far off, another torch version."""
    facts = full_pipeline()
    facts.dependencies.append(dep("requirements.txt", 1, "torch", "==1.9.0", pinned=True))
    facts.rerun = rerun_result(
        "python train_search.py --seed {seed}",
        values={0: (80.0, 80.5), 1: (81.0, 81.2)},
        claimed=97.0,
    )
    return facts


@fact_set
def darts_rerun_crashes() -> Facts:
    """DARTS's final training re-run on a machine where every run crashes."""
    facts = darts_like()
    facts.rerun = rerun_result(
        "cd cnn && python train.py --seed {seed}", values={0: (0.0,)}, status="failed"
    )
    return facts


@fact_set
def search_rerun_deterministic() -> Facts:
    """The search re-run with each seed repeating exactly, no claims."""
    facts = full_pipeline()
    facts.rerun = rerun_result(
        "python train_search.py --seed {seed}", values={0: (80.0, 80.0), 1: (81.0, 81.0)}
    )
    return facts
