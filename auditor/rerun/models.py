"""Results of a re-run: one run, one metric across runs, one claim, and the whole block.

`RerunResult.model_dump(mode="json")` is what goes into the audit report's `rerun` field.
All models are frozen; floats that are NaN never appear (a NaN metric has value None and
status `nan`), so the JSON is always valid.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.rerun.spec import MetricSpec

RunStatus = Literal["ok", "failed", "timeout", "killed", "command_not_found", "cancelled"]
MetricStatus = Literal["ok", "missing", "nan", "unparsable", "file_missing", "reader_unavailable"]
IsolationKind = Literal["bwrap", "unshare", "none"]
ClaimVerdict = Literal["reproduced", "not_reproduced", "inconclusive"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MetricValue(_Model):
    """One metric of one run. `value` is set only when `status` is ok."""

    value: float | None = None
    status: MetricStatus
    raw: str | None = None  # the text the value was parsed from (clipped), to compare bitwise
    detail: str | None = None


class Isolation(_Model):
    """What the sandbox could enforce on this machine."""

    kind: IsolationKind
    network_cut: bool
    readonly_paths: tuple[str, ...] = ()  # mounted read-only inside the run (the original repo)
    detail: str = ""


class Fingerprint(_Model):
    """The environment as the run's own interpreter sees it (taken in a child process)."""

    python: str | None = None
    python_executable: str | None = None
    os: str | None = None
    kernel: str | None = None
    machine: str | None = None
    cpu_model: str | None = None
    cpu_count: int | None = None
    gpus: tuple[str, ...] = ()
    torch: str | None = None
    cuda: str | None = None
    cudnn: str | None = None
    cuda_available: bool | None = None
    numpy: str | None = None
    pip_freeze_sha256: str | None = None
    pip_packages: int | None = None
    determinism_env: dict[str, str] = Field(default_factory=dict)
    torch_flags: dict[str, str | int | bool | None] = Field(default_factory=dict)
    error: str | None = None


class Refusal(_Model):
    """An operation that has no deterministic implementation (strict-determinism mode)."""

    op: str
    message: str


class StrictReport(_Model):
    """What the strict-determinism shim saw in one run."""

    torch_patched: bool  # torch was imported and use_deterministic_algorithms(True) applied
    refusals: tuple[Refusal, ...] = ()
    errors: tuple[str, ...] = ()


class RunSpec(_Model):
    """One run to execute: everything an executor needs besides the sandbox itself."""

    run_id: str
    seed: int
    repeat: int
    command: str  # placeholders already filled
    timeout: float
    metrics: tuple[MetricSpec, ...] = ()
    params: dict[str, int | float | str | bool] = Field(default_factory=dict)


class RunResult(_Model):
    """The outcome of one run (or of the setup command, with run_id `setup`)."""

    run_id: str
    seed: int
    repeat: int
    command: str
    status: RunStatus
    exit_code: int | None = None  # negative: killed by that signal
    reason: str = ""  # why this status, in words
    wall_seconds: float = 0.0
    peak_rss_mib: float | None = None
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    stdout_tail: str = ""
    stderr_tail: str = ""
    output_truncated: bool = False
    isolation: IsolationKind = "none"
    fingerprint: Fingerprint | None = None
    strict: StrictReport | None = None  # None when strict-determinism mode was off
    wrote_outside: tuple[str, ...] = ()  # original checkout paths changed during this run
    leftover_processes: int = 0  # processes still alive after the run's main process ended
    cached: bool = False


class RepeatDiff(_Model):
    """The same seed run several times: are the metric values identical?"""

    seed: int
    values: tuple[float, ...]
    bitwise_equal: bool | None  # None with fewer than two successful repeats
    abs_diff: float | None = None  # max - min
    rel_diff: float | None = None  # abs_diff / |mean|, None when the mean is 0


class MetricSummary(_Model):
    """One metric across all runs: determinism per seed and spread across seeds."""

    name: str
    goal: Literal["max", "min"] | None = None
    statuses: dict[str, int] = Field(default_factory=dict)  # metric status -> count of runs
    n_values: int = 0  # successful runs with a value
    n_seeds: int = 0  # seeds with at least one value
    mean: float | None = None  # over seeds (each seed: mean of its repeats)
    std: float | None = None  # sample std over seeds (n-1)
    min: float | None = None
    max: float | None = None
    ci95_low: float | None = None  # t-interval of the mean over seeds
    ci95_high: float | None = None
    repeats: tuple[RepeatDiff, ...] = ()
    deterministic: bool | None = None  # every seed's repeats bitwise equal


class ClaimResult(_Model):
    """A claimed number against what the runs produced."""

    metric: str
    claimed: float
    claimed_std: float | None = None
    tolerance: float | None = None
    source: str | None = None
    verdict: ClaimVerdict
    reason: str
    observed_mean: float | None = None
    observed_std: float | None = None
    n_values: int = 0
    n_seeds: int = 0
    accepted_low: float | None = None  # the range the claim had to fall in
    accepted_high: float | None = None
    gap: float | None = None  # observed_mean - claimed
    gap_in_std: float | None = None  # gap / observed_std
    direction: Literal["higher", "lower", "equal"] | None = None  # observed vs claimed


class Timing(_Model):
    """Wall time and memory of the re-run (checklist item D2)."""

    total_wall_seconds: float
    setup_wall_seconds: float = 0.0
    run_wall_seconds_sum: float = 0.0
    run_wall_seconds_mean: float | None = None
    run_wall_seconds_max: float | None = None
    peak_rss_mib_max: float | None = None


class Totals(_Model):
    """How many runs ended how."""

    planned: int
    by_status: dict[str, int] = Field(default_factory=dict)
    cached: int = 0


class RerunResult(_Model):
    """Everything the re-run found: the `rerun` block of the audit report."""

    manifest_source: str
    command: str
    params: dict[str, int | float | str | bool] = Field(default_factory=dict)
    seeds: tuple[int, ...]
    repeats: int
    commit: str | None = None
    isolation: Isolation
    strict_determinism: bool = False
    fingerprint: Fingerprint | None = None
    sharing: Literal["copy_per_run", "shared_copy", "none"] = "none"
    warnings: tuple[str, ...] = ()
    setup: RunResult | None = None
    runs: tuple[RunResult, ...] = ()
    metrics: tuple[MetricSummary, ...] = ()
    claims: tuple[ClaimResult, ...] = ()
    deterministic: bool | None = None  # every metric of every seed bitwise equal across repeats
    wrote_outside: tuple[str, ...] = ()  # every original checkout path changed meanwhile
    interrupted: bool = False
    timing: Timing
    totals: Totals
