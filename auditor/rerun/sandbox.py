"""The sandbox: a throwaway copy of the repository, and one isolated process per run.

Layout under a fresh temporary directory:
    base/                 the repository at the audited commit; `setup` runs here once
    tools/                python wrappers, the fingerprint probe, the strict-determinism shim
    runs/<run_id>/work    the run's own copy of base/ (see below), its working directory
    runs/<run_id>/home, tmp, out/{stdout,stderr}.log, out/strict/

Copies: when base/ (after setup) is under 50 MB every run gets a fresh copy of it, so runs
cannot see each other's outputs and every repeat starts from identical files. Larger
repositories (datasets, checkpoints) share base/ as working directory, and each run gets its
own home, tmp and log folders only; runs that write to the same fixed path then interfere,
and the report carries a warning.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

from auditor.rerun import environment, fingerprint, strict
from auditor.rerun.isolation import NO_ISOLATION, IsolationPlan, detect_isolation
from auditor.rerun.metrics import extract_metric
from auditor.rerun.models import Fingerprint, Isolation, RunResult, RunSpec
from auditor.rerun.outcome import run_status
from auditor.rerun.process import Limits, ProcessOutcome, run_process
from auditor.rerun.workspace import Tripwire, copy_directory, prepare_base, tree_size

GIB = 1024**3
Sharing = Literal["copy_per_run", "shared_copy"]


@dataclass(frozen=True)
class SandboxConfig:
    """Limits of every run; the defaults suit a CPU training job."""

    memory_limit_bytes: int | None = 8 * GIB  # RLIMIT_AS; dropped when a GPU is visible
    output_cap_bytes: int = 10 * 1024 * 1024  # per stream; the run is killed past 2x
    kill_grace_seconds: float = 3.0  # SIGTERM, then SIGKILL after this
    copy_limit_bytes: int = 50 * 1024 * 1024  # per-run copies below, one shared copy above
    isolate: bool = True  # False: no network namespace or read-only mounts (for debugging)
    tail_bytes: int = 2048
    take_fingerprint: bool = True  # ~2 s (imports torch in a child); tests switch it off
    parent_env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


class Sandbox:
    """One re-run's temporary tree. Use as a context manager; everything is deleted after."""

    def __init__(
        self,
        repo_root: Path,
        commit: str | None,
        *,
        interpreter: Path,
        strict_determinism: bool,
        config: SandboxConfig | None = None,
    ) -> None:
        self.repo_root = repo_root.resolve()
        self.commit = commit
        self.interpreter = interpreter
        self.strict_determinism = strict_determinism
        self.config = config or SandboxConfig()
        self.plan: IsolationPlan = detect_isolation() if self.config.isolate else NO_ISOLATION
        self.sharing: Sharing = "copy_per_run"
        self.root = Path(tempfile.gettempdir()).resolve() / "nas-audit-rerun-unopened"
        self.tripwire: Tripwire | None = None

    @property
    def base(self) -> Path:
        """The pristine copy (working directory of setup, and of runs when shared)."""
        return self.root / "base"

    @property
    def tools(self) -> Path:
        """Interpreter wrappers, the fingerprint probe and the shim."""
        return self.root / "tools"

    def __enter__(self) -> Sandbox:
        self.root = Path(tempfile.mkdtemp(prefix="nas-audit-rerun-")).resolve()
        try:
            prepare_base(self.repo_root, self.commit, self.base)
            environment.write_python_wrappers(self.tools / "bin", self.interpreter)
            if self.strict_determinism:
                strict.install_shim(self.tools / "shim")
            self.tripwire = Tripwire(self.repo_root)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Delete the temporary tree."""
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def readonly(self) -> list[Path]:
        """Paths a run must not write: the original checkout, and base/ when runs copy it."""
        paths = [self.repo_root] + ([self.base] if self.sharing == "copy_per_run" else [])
        return [p for p in paths if not self.root.is_relative_to(p)]  # never hide the sandbox

    @property
    def protects_original(self) -> bool:
        """Runs cannot write the original checkout (read-only mount), so changes seen there
        come from some other process and are not blamed on a run."""
        protected = self.plan.kind == "bwrap" or self.plan.mounts
        return protected and self.repo_root in self.readonly

    def isolation(self) -> Isolation:
        """What is enforced, for the report (the sandbox's own paths are not worth naming)."""
        return self.plan.describe([p for p in self.readonly if not p.is_relative_to(self.root)])

    def choose_sharing(self) -> Sharing:
        """Per-run copies for small repositories, one shared copy for large ones."""
        small = tree_size(self.base) < self.config.copy_limit_bytes
        self.sharing = "copy_per_run" if small else "shared_copy"
        return self.sharing

    def _memory_limit(self) -> int | None:
        if environment.gpu_visible(self.config.parent_env):
            return None  # CUDA reserves far more address space than it uses
        return self.config.memory_limit_bytes

    def _argv(self, command: str, run_dir: Path, workdir: Path) -> list[str]:
        lines = [self.plan.prelude(self.readonly)]
        if (limit := self._memory_limit()) is not None:
            lines.append(f"ulimit -v {limit // 1024} 2>/dev/null")
        lines.append('exec /bin/sh -c "$1"')
        inner = [
            "/bin/sh",
            "-c",
            "\n".join(line for line in lines if line),
            "nas-audit-run",
            command,
        ]
        writable = [run_dir] + ([workdir] if workdir == self.base else [])
        readable = [self.tools, self.base, *interpreter_roots(self.interpreter)]
        return self.plan.argv(inner, readable=readable, writable=writable)

    def _env(self, run_dir: Path) -> dict[str, str]:
        extra = {}
        if self.strict_determinism:
            extra = strict.shim_environment(self.tools / "shim", run_dir / "out" / "strict")
        home, tmp = run_dir / "home", run_dir / "tmp"
        home.mkdir(parents=True, exist_ok=True)
        tmp.mkdir(parents=True, exist_ok=True)
        return environment.run_environment(
            self.config.parent_env,
            bin_dir=self.tools / "bin",
            interpreter=self.interpreter,
            home=home,
            tmp=tmp,
            extra=extra,
        )

    def execute(
        self, command: str, run_dir: Path, workdir: Path, timeout: float, cancel: threading.Event
    ) -> ProcessOutcome:
        """Run one shell line isolated in `workdir`, logs under `run_dir/out`."""
        limits = Limits(
            timeout=timeout,
            output_cap=self.config.output_cap_bytes,
            kill_grace=self.config.kill_grace_seconds,
            tail_bytes=self.config.tail_bytes,
        )
        return run_process(
            self._argv(command, run_dir, workdir),
            cwd=workdir,
            env=self._env(run_dir),
            limits=limits,
            out_dir=run_dir / "out",
            cancel=cancel,
        )

    def run_setup(self, command: str, timeout: float, cancel: threading.Event) -> RunResult:
        """The manifest's `setup` line, once, in base/ (before any copy is made)."""
        run_dir = self.root / "setup"
        saved, self.sharing = self.sharing, "shared_copy"  # base/ must be writable now
        try:
            outcome = self.execute(command, run_dir, self.base, timeout, cancel)
        finally:
            self.sharing = saved
        status, reason = run_status(outcome)
        return self._result(
            RunSpec(run_id="setup", seed=0, repeat=0, command=command, timeout=timeout),
            outcome,
            status,
            reason,
        )

    def fingerprint(self, cancel: threading.Event) -> Fingerprint:
        """The environment as seen by the runs' interpreter."""
        probe = fingerprint.install_probe(self.tools)
        run_dir = self.root / "fingerprint"
        outcome = self.execute(
            fingerprint.probe_command(probe), run_dir, self.base, fingerprint.PROBE_TIMEOUT, cancel
        )
        stdout = (run_dir / "out" / "stdout.log").read_text(encoding="utf-8", errors="replace")
        return fingerprint.parse_fingerprint(stdout, outcome.stderr_tail, outcome.exit_code)

    def run(self, spec: RunSpec, cancel: threading.Event) -> RunResult:
        """One run: fresh copy (or the shared one), isolated process, metrics, checks."""
        run_dir = self.root / "runs" / spec.run_id
        workdir = run_dir / "work" if self.sharing == "copy_per_run" else self.base
        if workdir != self.base:
            copy_directory(self.base, workdir)
        outcome = self.execute(spec.command, run_dir, workdir, spec.timeout, cancel)
        status, reason = run_status(outcome)
        values = {**spec.params, "seed": spec.seed, "repeat": spec.repeat}
        out = run_dir / "out"
        metrics = {
            m.name: extract_metric(
                m,
                workdir=workdir,
                stdout=out / "stdout.log",
                stderr=out / "stderr.log",
                values=values,
            )
            for m in spec.metrics
        }
        result = self._result(spec, outcome, status, reason).model_copy(
            update={
                "metrics": metrics,
                "strict": strict.read_report(out / "strict") if self.strict_determinism else None,
            }
        )
        if workdir != self.base:
            shutil.rmtree(workdir, ignore_errors=True)  # checkpoints can be large
        return result

    def _result(
        self, spec: RunSpec, outcome: ProcessOutcome, status: str, reason: str
    ) -> RunResult:
        wrote = self.tripwire.check() if self.tripwire is not None else []
        wrote = [] if self.protects_original else wrote
        return RunResult.model_validate(
            {
                "run_id": spec.run_id,
                "seed": spec.seed,
                "repeat": spec.repeat,
                "command": spec.command,
                "status": status,
                "exit_code": outcome.exit_code,
                "reason": reason,
                "wall_seconds": round(outcome.wall_seconds, 3),
                "peak_rss_mib": outcome.peak_rss_mib,
                "stdout_tail": outcome.stdout_tail,
                "stderr_tail": outcome.stderr_tail,
                "output_truncated": outcome.output_truncated,
                "isolation": self.plan.kind,
                "wrote_outside": tuple(wrote),
                "leftover_processes": outcome.leftovers,
            }
        )


def interpreter_roots(interpreter: Path) -> list[Path]:
    """Where the runs' Python lives (its virtual environment and its base installation).

    NOTE: bubblewrap gives runs a fresh /tmp; a venv under /tmp (a CI clone, say) must be
    bound back read-only or `python` is not found inside the sandbox."""
    roots = []
    venv = interpreter.parent.parent
    if (venv / "pyvenv.cfg").is_file():
        roots.append(venv)
    roots.append(interpreter.resolve().parent.parent)
    return [r for r in dict.fromkeys(roots) if r != Path("/")]
