"""Typed facts that probes collect from a repository, each with where it was found.

Probes append to a `Facts`; checks only read it. Every fact record is `Located`, so any fact
can become evidence (path, line, snippet) without re-reading the file.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.rerun.models import RerunResult

SNIPPET_MAX_CHARS = 400


class EvidenceKind(StrEnum):
    """What sort of thing a piece of evidence is."""

    CODE = "code"
    CONFIG = "config"
    SCRIPT = "script"
    NOTEBOOK = "notebook"
    LOG = "log"
    DOC = "doc"
    DEPENDENCY = "dependency"
    ABSENCE = "absence"  # "not found" is evidence too: `searched` says what was looked for
    RERUN = "rerun"


class Evidence(BaseModel):
    """Where a verdict comes from: a place in the repository, or what was searched in vain."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: EvidenceKind
    path: str | None = None  # repo-relative, POSIX
    line: int | None = Field(default=None, ge=1)
    end_line: int | None = Field(default=None, ge=1)
    snippet: str | None = None
    url: str | None = None  # permalink at the audited commit; None when dirty or unknown remote
    note: str | None = None
    searched: tuple[str, ...] = ()

    @classmethod
    def absence(cls, note: str, searched: tuple[str, ...] | list[str]) -> Evidence:
        """Evidence that something was looked for and not found."""
        return cls(kind=EvidenceKind.ABSENCE, note=note, searched=tuple(searched))


_KIND_BY_SUFFIX = {
    ".py": EvidenceKind.CODE,
    ".pyw": EvidenceKind.CODE,
    ".ipynb": EvidenceKind.NOTEBOOK,
    ".sh": EvidenceKind.SCRIPT,
    ".bash": EvidenceKind.SCRIPT,
    ".slurm": EvidenceKind.SCRIPT,
    ".sbatch": EvidenceKind.SCRIPT,
    ".md": EvidenceKind.DOC,
    ".rst": EvidenceKind.DOC,
    ".log": EvidenceKind.LOG,
    ".jsonl": EvidenceKind.LOG,
    ".yaml": EvidenceKind.CONFIG,
    ".yml": EvidenceKind.CONFIG,
    ".json": EvidenceKind.CONFIG,
    ".toml": EvidenceKind.CONFIG,
    ".cfg": EvidenceKind.CONFIG,
    ".ini": EvidenceKind.CONFIG,
}


def evidence_kind_for(path: str) -> EvidenceKind:
    """A reasonable evidence kind from a file name (probes may say better)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.startswith("requirements") or name in {
        "environment.yml",
        "environment.yaml",
        "setup.py",
        "pyproject.toml",
        "pipfile",
        "setup.cfg",
    }:
        return EvidenceKind.DEPENDENCY
    if name.startswith("readme"):
        return EvidenceKind.DOC
    if name == "makefile":
        return EvidenceKind.SCRIPT
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return _KIND_BY_SUFFIX.get(suffix, EvidenceKind.CODE)


class Located(BaseModel):
    """Base of every fact: the file and 1-based line it was found at, and a short snippet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    line: int | None = Field(default=None, ge=1)
    snippet: str | None = Field(default=None, max_length=SNIPPET_MAX_CHARS)

    def evidence(self, note: str | None = None, kind: EvidenceKind | None = None) -> Evidence:
        """This fact as evidence for a verdict."""
        return Evidence(
            kind=kind or evidence_kind_for(self.path),
            path=self.path,
            line=self.line,
            snippet=self.snippet,
            note=note,
        )


def clip_snippet(text: str, max_lines: int = 5) -> str:
    """Bound a snippet taken from an untrusted file: a few lines, a few hundred characters."""
    lines = text.strip("\n").splitlines()[:max_lines]
    out = "\n".join(line.rstrip() for line in lines)
    if len(out) > SNIPPET_MAX_CHARS:
        out = out[: SNIPPET_MAX_CHARS - 1] + "…"
    return out


def clip_around(line: str, needle: str, width: int = 60) -> str:
    """One long line (a minified JSON config) cut to `width` characters either side of the
    first `needle`, so that each key of the line does not repeat the whole line as evidence."""
    at = line.find(needle)
    if len(line) <= 2 * width + len(needle) or at < 0:
        return clip_snippet(line)
    start, end = max(0, at - width), min(len(line), at + len(needle) + width)
    return clip_snippet(("…" if start else "") + line[start:end] + ("…" if end < len(line) else ""))


# ----------------------------------------------------------------------------------- reading


class ReadMode(StrEnum):
    """How a Python file was read: a full AST, an AST after Python 2 repairs, or tokens only."""

    AST = "ast"
    REPAIRED = "repaired"
    TOKENS = "tokens"


class ReadNote(Located):
    """A file read in a degraded way (repaired Python 2, token fallback, bad encoding)."""

    mode: ReadMode | Literal["latin-1", "error"]
    reason: str


# ------------------------------------------------------------------------------------ seeds


# The names probes may use; probes import these instead of repeating them.
SeedLibrary = Literal[
    "random",
    "numpy",
    "torch",
    "torch.cuda",
    "tensorflow",
    "jax",
    "lightning",
    "sklearn",
    "transformers",
    "helper",
    "other",
]
DeterminismName = Literal[
    "cudnn.benchmark",
    "cudnn.deterministic",
    "use_deterministic_algorithms",
    "CUBLAS_WORKSPACE_CONFIG",
    "PYTHONHASHSEED",
    "worker_init_fn",
    "generator",
    "tf.config.experimental.enable_op_determinism",
    "TF_DETERMINISTIC_OPS",
]


class SeedSourceKind(StrEnum):
    """Where a seed value comes from."""

    LITERAL = "literal"
    CLI_FLAG = "cli_flag"
    CONFIG_KEY = "config_key"
    ENV = "env"
    TIME = "time"
    NONE = "none"
    PARAMETER = "parameter"  # a function parameter (the caller decides)
    VARIABLE = "variable"
    UNKNOWN = "unknown"


class SeedSource(BaseModel):
    """Where a seed value comes from: a literal, `args.seed` (flag --seed, default 2), a key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: SeedSourceKind
    detail: str | None = None  # flag name, config key, literal text, expression
    default: str | None = None  # the flag's default, when known


class SeedCall(Located):
    """A call that seeds a random number generator, or a repo helper that does."""

    call: str  # qualified name: torch.manual_seed, numpy.random.seed, utils.set_seed
    library: SeedLibrary
    source: SeedSource
    function: str | None = None  # enclosing function, dotted; None at module level
    via: tuple[str, ...] = ()  # repo helpers that lead here, outermost first
    reachable_from: tuple[str, ...] = ()  # entry-point paths whose run reaches this call
    effective: bool = True  # False: in a docstring, dead code, never reached, ...
    problems: tuple[str, ...] = ()


class SeedProblemKind(StrEnum):
    """Ways a seed looks set but is not."""

    UNUSED_SEED_FLAG = "unused_seed_flag"
    UNREACHABLE = "unreachable"
    IN_DOCSTRING = "in_docstring"
    DEAD_CODE = "dead_code"
    WORKER_INIT_FN_CALLED = "worker_init_fn_called"
    BENCHMARK_AFTER_SEED = "benchmark_after_seed"
    SEED_FROM_TIME = "seed_from_time"
    SEED_NONE = "seed_none"


class SeedProblem(Located):
    """A seeding pitfall, with a one-sentence explanation."""

    kind: SeedProblemKind
    message: str


class DeterminismSetting(Located):
    """A determinism-relevant setting: cudnn flags, deterministic algorithms, env vars, loaders."""

    setting: DeterminismName
    value: str


# --------------------------------------------------------------------------- hyperparameters


class Hyperparameter(Located):
    """A tunable value: a CLI option, a config key, a constant hard-coded in main()."""

    name: str
    default: str | None = None
    type: str | None = None
    help: str | None = None
    source: Literal["argparse", "click", "config", "hydra", "constant", "absl", "script_flag"]
    pitfall: str | None = None  # e.g. "type=bool: any non-empty string is True"


class ConfigFile(Located):
    """A YAML/JSON/TOML/INI config file, its top-level keys and any seeds it lists."""

    format: Literal["yaml", "json", "toml", "ini"]
    keys: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    parse_error: str | None = None


# ------------------------------------------------------------------------- roles and methods


class Role(StrEnum):
    """What an entry point is for."""

    SEARCH = "search"
    FINAL_TRAINING = "final_training"
    EVALUATION = "evaluation"
    BENCHMARK_QUERY = "benchmark_query"
    DATA_PREP = "data_prep"
    VISUALIZATION = "visualization"
    TEST = "test"
    OTHER = "other"


class EntryPoint(Located):
    """A file meant to be run (`__main__` block, called from scripts), with its roles and why."""

    roles: tuple[Role, ...]
    reasons: tuple[str, ...] = ()
    invoked_by: tuple[str, ...] = ()  # scripts/docs that run it
    uses: tuple[str, ...] = ()  # repo modules it imports, transitively (repo paths)


class CodeSignal(Located):
    """A code pattern that shows a practice: a PRIMITIVES list, a seed loop, an ablation flag."""

    kind: str  # short machine-readable label, e.g. "primitives", "seed_loop", "ablation_flag"
    detail: str = ""


class MethodFamily(StrEnum):
    """Families of NAS methods (Elsken et al. 2019)."""

    RANDOM_SEARCH = "random_search"
    EVOLUTION = "evolution"
    REINFORCEMENT_LEARNING = "reinforcement_learning"
    GRADIENT_BASED = "gradient_based"
    BAYESIAN_OPTIMIZATION = "bayesian_optimization"
    OTHER = "other"


class MethodSignal(CodeSignal):
    """Evidence that the repo implements a NAS method of a family."""

    family: MethodFamily


class BenchmarkUse(Located):
    """Use of a tabular or surrogate NAS benchmark."""

    benchmark: str  # NAS-Bench-201, NAS-Bench-301, NATS-Bench, ...
    how: Literal["import", "data_file", "doc", "code"]


class ScriptInvocation(Located):
    """A command in a shell script, Makefile, notebook or README that runs a repo file."""

    script: str  # the file it runs, as written
    resolved: str | None = None  # repo path, None when it does not exist
    flags: dict[str, str] = {}
    in_seed_loop: bool = False


# ------------------------------------------------------------------------------ logs, deps


class LogRun(Located):
    """A run found in a committed log: its hyperparameters, seed, final metrics, elapsed time."""

    format: Literal["text", "csv", "json", "jsonl", "tensorboard"]
    seed: str | None = None
    hyperparameters: dict[str, str] = {}
    metrics: dict[str, float] = {}
    epochs: int | None = None
    elapsed_seconds: float | None = None
    # per-epoch values of each metric (per logged value when the log names no epochs), in
    # log order, thinned to at most 200 points and 8 metrics: the run's learning curves
    curve: dict[str, list[float]] = {}


class LogMismatch(Located):
    """A hyperparameter whose logged value differs from the code default."""

    name: str
    log_value: str
    code_default: str
    code_path: str
    code_line: int | None = None


class Dependency(Located):
    """A declared dependency and whether its version is pinned."""

    name: str
    spec: str = ""
    pinned: bool = False


# Words that make "random sampling" in the docs a sampling of architectures (a random-search
# baseline), not of channels or data: the docs probe finds such passages, C6 reads them.
ARCHITECTURE_WORDS = (
    r"\b(?:architectures?|(?:sub-?)?networks?|subnets?|cells?|genotypes?|search[- ]space)\b"
)


class DocTopic(StrEnum):
    """What a documentation passage talks about."""

    SETUP = "setup"
    HARDWARE = "hardware"
    TIME = "time"
    TUNING = "tuning"
    RESULTS = "results"
    DATASETS = "datasets"
    SEEDS = "seeds"
    VERSIONS = "versions"
    REPRODUCE = "reproduce"
    ABLATION = "ablation"
    BASELINES = "baselines"


class DocMention(Located):
    """A README/docs passage about a topic (a heading or a sentence)."""

    topic: DocTopic
    heading: str | None = None


class BrokenReference(Located):
    """A script that runs a file that does not exist, or an import of a missing repo module."""

    target: str
    kind: Literal["script_file", "module_import"]
    same_name: str | None = None  # the one repo file with the missing script's name (moved?)


# ------------------------------------------------------------------------------------ facts


class Facts(BaseModel):
    """Everything the probes found. Lists are appended by probes, in a fixed probe order."""

    model_config = ConfigDict(extra="forbid")

    python_files: int = 0
    read_notes: list[ReadNote] = []

    seed_calls: list[SeedCall] = []
    seed_problems: list[SeedProblem] = []
    determinism: list[DeterminismSetting] = []

    hyperparameters: list[Hyperparameter] = []
    configs: list[ConfigFile] = []

    entry_points: list[EntryPoint] = []
    script_invocations: list[ScriptInvocation] = []
    search_space: list[CodeSignal] = []
    nas_methods: list[MethodSignal] = []
    estimation_shortcuts: list[CodeSignal] = []
    architecture_derivation: list[CodeSignal] = []
    training_code: list[CodeSignal] = []  # optimizer steps, epoch loops, train() functions
    evaluation_code: list[CodeSignal] = []  # valid/test evaluation
    data_code: list[CodeSignal] = []  # dataset loading and splits, with the files that use them
    benchmarks: list[BenchmarkUse] = []
    baselines: list[CodeSignal] = []
    ablations: list[CodeSignal] = []
    seed_loops: list[CodeSignal] = []  # seeds or runs: shell loops, SLURM arrays, seed lists

    logs: list[LogRun] = []
    log_mismatches: list[LogMismatch] = []

    dependencies: list[Dependency] = []
    dependency_files: list[str] = []
    environment_recording: list[CodeSignal] = []  # code that logs versions or hardware
    timing_code: list[CodeSignal] = []  # elapsed-time measurement
    time_curves: list[CodeSignal] = []  # anytime / over-time plots and tables

    docs: list[DocMention] = []
    doc_files: list[str] = []
    broken_references: list[BrokenReference] = []

    # Set by the engine after a re-run (`--rerun`); None in a static audit. Not serialised
    # here: the report carries it once, as `AuditReport.rerun`.
    rerun: RerunResult | None = Field(default=None, exclude=True)

    def entry_paths(self, role: Role) -> list[str]:
        """Paths of entry points with this role."""
        return [e.path for e in self.entry_points if role in e.roles]
