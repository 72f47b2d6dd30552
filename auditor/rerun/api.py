"""The public entry point: `run_rerun(...) -> RerunResult`.

Plan the runs (seeds x repeats), serve what the cache has, copy the repository into a sandbox,
run `setup` once, execute the rest while the environment fingerprint is taken alongside,
then analyse metrics and claims. Nothing a run does raises here; only unusable options
(a missing interpreter, a commit that cannot be exported) raise RerunError.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from auditor.rerun.analysis import overall_determinism, summarize_metric, timing
from auditor.rerun.cache import RunCache, manifest_key, source_key
from auditor.rerun.claims import judge_claim
from auditor.rerun.errors import RerunError
from auditor.rerun.executor import LocalExecutor
from auditor.rerun.isolation import NO_ISOLATION, detect_isolation
from auditor.rerun.manifest import Manifest
from auditor.rerun.models import (
    Fingerprint,
    Isolation,
    RerunResult,
    RunResult,
    RunSpec,
    Totals,
)
from auditor.rerun.progress import LineProgress, LiveTable, ProgressReporter
from auditor.rerun.sandbox import Sandbox, SandboxConfig
from auditor.rerun.spec import render


def resolve_python(python: str | None) -> Path:
    """The interpreter runs use: `--python` (a path or a name on PATH), else the auditor's."""
    if python is None:
        return Path(sys.executable)
    found = shutil.which(python)
    if found is None or not os.access(found, os.X_OK):
        raise RerunError(f"--python {python}: no such executable")
    return Path(os.path.abspath(found))


def plan_runs(manifest: Manifest) -> list[RunSpec]:
    """Every (seed, repeat) pair, seeds outermost, with its command filled in."""
    return [
        RunSpec(
            run_id=f"seed{seed}-rep{repeat}",
            seed=seed,
            repeat=repeat,
            command=render(manifest.command, manifest.run_values(seed, repeat), quote=True),
            timeout=manifest.timeout,
            metrics=tuple(manifest.metrics),
            params=dict(manifest.params),
        )
        for seed in manifest.seeds
        for repeat in range(manifest.repeats)
    ]


def _reporter(progress: Callable[[str], None], tty: bool | None) -> ProgressReporter:
    use_table = sys.stderr.isatty() if tty is None else tty
    return LiveTable() if use_table else LineProgress(progress)


@dataclass
class _Fresh:
    """What executing the non-cached runs produced."""

    runs: list[RunResult] = field(default_factory=list)
    setup: RunResult | None = None
    fingerprint: Fingerprint | None = None
    interrupted: bool = False
    sharing: Literal["copy_per_run", "shared_copy", "none"] = "none"
    wrote_outside: tuple[str, ...] = ()
    original_protected: bool = False


def _warnings(isolation: Isolation, fresh: _Fresh, runs: Sequence[RunResult]) -> list[str]:
    notes = []
    if not isolation.network_cut:
        notes.append(
            "no network isolation: runs could reach the network (install bubblewrap "
            "or allow `unshare --net`)"
        )
    if fresh.sharing == "shared_copy":
        notes.append(
            "the repository is over the copy limit: runs shared one working copy "
            "and may have overwritten each other's files"
        )
    if fresh.setup is not None and fresh.setup.status != "ok":
        notes.append(f"setup failed ({fresh.setup.reason}): no run was started")
    if fresh.wrote_outside and fresh.original_protected:
        notes.append(
            "the original checkout changed during the re-run, but not through the "
            "runs (it was read-only to them): another process was writing there"
        )
    elif fresh.wrote_outside or any(r.wrote_outside for r in runs):
        notes.append("a run wrote into the original checkout")
    if fresh.interrupted:
        notes.append("interrupted: unfinished runs were cancelled")
    return notes


def _execute(
    sandbox: Sandbox,
    manifest: Manifest,
    todo: Sequence[RunSpec],
    jobs: int,
    reporter: ProgressReporter,
    cache: RunCache | None,
    progress: Callable[[str], None],
) -> _Fresh:
    """Setup, fingerprint and the runs themselves, inside an open sandbox."""
    fresh = _Fresh()
    if manifest.setup:
        progress(f"rerun: setup: {manifest.setup}")
        fresh.setup = sandbox.run_setup(manifest.setup, manifest.timeout, threading.Event())
        if fresh.setup.status != "ok":
            return fresh
    fresh.sharing = sandbox.choose_sharing()
    probe = _Probe(sandbox, progress)
    executor = LocalExecutor(sandbox.run, jobs=jobs, reporter=reporter)
    results = list(executor.run(todo))
    fresh.interrupted = executor.interrupted
    fresh.fingerprint = probe.result(cancel=fresh.interrupted)
    specs = {s.run_id: s for s in todo}
    for result in results:
        result = result.model_copy(update={"fingerprint": fresh.fingerprint})
        if cache is not None:
            cache.store(result, specs[result.run_id])
        fresh.runs.append(result)
    return fresh


class _Probe:
    """The environment fingerprint, taken in a thread while the first runs start: the probe
    imports torch (2-5 s) and reads `pip freeze`, mostly waiting, so it overlaps the runs."""

    def __init__(self, sandbox: Sandbox, progress: Callable[[str], None]) -> None:
        self.value: Fingerprint | None = None
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None
        if sandbox.config.take_fingerprint:
            progress("rerun: taking the environment fingerprint")
            self.thread = threading.Thread(target=self._take, args=(sandbox,), daemon=True)
            self.thread.start()

    def _take(self, sandbox: Sandbox) -> None:
        self.value = sandbox.fingerprint(self.cancel)

    def result(self, *, cancel: bool) -> Fingerprint | None:
        """Wait for the probe (stopping it first when the runs were interrupted)."""
        if self.thread is not None:
            if cancel:
                self.cancel.set()
            self.thread.join()
        return self.value


def _count(runs: Sequence[RunResult]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.status] = counts.get(run.status, 0) + 1
    return counts


def _assemble(
    manifest: Manifest,
    commit: str | None,
    isolation: Isolation,
    strict: bool,
    runs: tuple[RunResult, ...],
    fresh: _Fresh,
    n_cached: int,
    started: float,
) -> RerunResult:
    summaries = tuple(summarize_metric(m, runs) for m in manifest.metrics)
    by_name = {s.name: s for s in summaries}
    return RerunResult(
        manifest_source=manifest.source,
        command=manifest.command,
        params=manifest.params,
        seeds=tuple(manifest.seeds),
        repeats=manifest.repeats,
        commit=commit,
        isolation=isolation,
        strict_determinism=strict,
        fingerprint=fresh.fingerprint or next((r.fingerprint for r in runs if r.fingerprint), None),
        sharing=fresh.sharing,
        warnings=tuple(_warnings(isolation, fresh, runs)),
        setup=fresh.setup,
        runs=runs,
        metrics=summaries,
        claims=tuple(judge_claim(c, by_name.get(c.metric)) for c in manifest.claims),
        deterministic=overall_determinism(summaries),
        wrote_outside=fresh.wrote_outside,
        interrupted=fresh.interrupted,
        timing=timing(runs, time.monotonic() - started, fresh.setup),
        totals=Totals(
            planned=len(manifest.seeds) * manifest.repeats, by_status=_count(runs), cached=n_cached
        ),
    )


def run_rerun(
    repo_root: Path,
    commit: str | None,
    manifest: Manifest,
    *,
    jobs: int | None,
    cache_dir: Path,
    no_cache: bool,
    strict_determinism: bool,
    python: str | None,
    progress: Callable[[str], None],
    config: SandboxConfig | None = None,
    tty: bool | None = None,
) -> RerunResult:
    """Re-run the manifest's command over its seeds and repeats; analyse metrics and claims.

    `commit`: the commit to export with `git archive` (None: copy the directory as it is).
    `jobs`: runs at once (None: CPU cores). `progress`: one-line messages; a live table is
    drawn on stderr instead when stderr is a terminal (or `tty=True`). `config`: limits.
    """
    started = time.monotonic()
    config = config or SandboxConfig()
    interpreter = resolve_python(python)
    plan = plan_runs(manifest)
    isolation_plan = detect_isolation() if config.isolate else NO_ISOLATION
    cache = RunCache(
        cache_dir,
        source_key(repo_root, commit),
        manifest_key(
            manifest,
            interpreter=interpreter,
            strict=strict_determinism,
            isolation=isolation_plan.kind,
        ),
    )
    cached = {} if no_cache else {s.run_id: r for s in plan if (r := cache.load(s)) is not None}
    todo = [s for s in plan if s.run_id not in cached]
    progress(f"rerun: {len(plan)} runs planned, {len(cached)} served from the cache")
    isolation = isolation_plan.describe([repo_root.resolve()])
    fresh = _Fresh()
    if todo:
        with Sandbox(
            repo_root,
            commit,
            interpreter=interpreter,
            strict_determinism=strict_determinism,
            config=config,
        ) as sandbox:
            fresh = _execute(
                sandbox,
                manifest,
                todo,
                jobs or os.cpu_count() or 1,
                _reporter(progress, tty),
                cache,
                progress,
            )
            isolation = sandbox.isolation()
            if sandbox.tripwire is not None:
                sandbox.tripwire.check()
                fresh.wrote_outside = tuple(sandbox.tripwire.changed)
            fresh.original_protected = sandbox.protects_original
    order = {s.run_id: i for i, s in enumerate(plan)}
    runs = tuple(sorted([*cached.values(), *fresh.runs], key=lambda r: order[r.run_id]))
    return _assemble(
        manifest, commit, isolation, strict_determinism, runs, fresh, len(cached), started
    )
