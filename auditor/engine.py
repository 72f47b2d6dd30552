"""Run one static audit: open the target, list files, run probes, run checks, build the report."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from auditor import __version__
from auditor.errors import AuditorError
from auditor.facts import Evidence, Facts
from auditor.indexcache import IndexCache
from auditor.inventory import DEFAULT_MAX_FILE_BYTES, build_inventory
from auditor.models import AuditReport, ChecklistRef, TargetInfo, ToolInfo, Verdict
from auditor.probes import run_probes
from auditor.registry import registered_checks
from auditor.repo import Repo
from auditor.scoring import error_verdict, evaluate
from auditor.target import Snapshot, default_cache_dir, open_target
from checklist import DEFAULT_CHECKLIST, Checklist, checklist_sha256, load_checklist

if TYPE_CHECKING:
    from auditor.rerun.manifest import Manifest
    from auditor.rerun.models import RerunResult

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AuditOptions:
    """What to audit and how."""

    source: str
    ref: str | None = None
    checklist_id: str = DEFAULT_CHECKLIST
    cache_dir: Path | None = None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    rerun: Literal["manifest", "inferred"] | None = None  # None: static audit only
    manifest_path: Path | None = None
    manifest: Manifest | None = None  # already loaded (check's smoke variant); wins over the path
    jobs: int | None = None  # None: one run per CPU core
    no_cache: bool = False
    strict_determinism: bool = False
    python: str | None = None


def _quiet(_: str) -> None:
    return None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while trees are built and read.

    NOTE: with thousands of ASTs alive, every collection rescans them all; pausing saves
    about 20% of an audit of a large repository. The trees hold no cycles worth collecting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_audit(
    options: AuditOptions,
    progress: Progress = _quiet,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> AuditReport:
    """Audit a repository statically; never imports or runs its code."""
    started_at, t0 = clock(), time.perf_counter()
    checklist = load_checklist(options.checklist_id)
    progress(f"opening {options.source}")
    snapshot = open_target(options.source, options.ref, options.cache_dir)
    inventory = build_inventory(snapshot, options.max_file_bytes)
    progress(f"reading {len(inventory.files)} files ({len(inventory.skipped)} skipped)")
    cache = IndexCache(options.cache_dir or default_cache_dir(), read=not options.no_cache)
    repo = Repo(snapshot, inventory, index_cache=cache)
    with _gc_paused():
        modules = len(repo.modules)
        if cache.hits:
            progress(f"{cache.hits} of {modules} Python files unchanged since an earlier audit")
        facts = run_probes(repo)
        repo.save_derived()
        # NOTE: drop the trees while the collector is paused: once it resumes, its first pass
        # would otherwise scan every object of every tree (half a second on a large repo)
        del repo
    if options.rerun:
        facts.rerun = _rerun(options, snapshot, progress)
    progress(f"judging {len(checklist.items)} checklist items")
    verdicts = judge(checklist, facts)
    verdicts = tuple(_with_permalinks(v, snapshot) for v in verdicts)
    return AuditReport(
        tool=ToolInfo(version=__version__),
        target=_target_info(snapshot),
        checklist=ChecklistRef(
            id=checklist.id,
            version=checklist.version,
            sha256=checklist_sha256(options.checklist_id),
        ),
        started_at=started_at,
        finished_at=clock(),
        duration_seconds=round(time.perf_counter() - t0, 3),
        items=verdicts,
        facts=facts,
        skipped=tuple(inventory.skipped),
        files_by_kind=inventory.counts(),
        rerun=facts.rerun,
    )


def _rerun(options: AuditOptions, snapshot: Snapshot, progress: Progress) -> RerunResult:
    """Re-run the pipeline per the manifest (or the inferred recipe) in a sandbox."""
    from auditor.rerun import infer_recipe, load_manifest, run_rerun

    manifest = options.manifest or load_manifest(snapshot.root, options.manifest_path)
    if manifest is None:
        recipe = infer_recipe(snapshot.root)
        if options.rerun != "inferred" or recipe.manifest is None:
            proposal = (
                "; proposed (run it with --rerun inferred):\n" + recipe.manifest.to_yaml()
                if recipe.manifest is not None
                else "; no runnable command was found in the README either"
            )
            raise AuditorError(
                f"{snapshot.root}: no nas-audit.yaml with a `rerun:` section and no --manifest"
                + proposal
            )
        for line in recipe.explanation:
            progress(f"inferred recipe: {line}")
        progress("inferred manifest:\n" + recipe.manifest.to_yaml())
        manifest = recipe.manifest
    # NOTE: a dirty worktree is copied as it is; a clean one is exported at its commit.
    commit = None if snapshot.dirty else snapshot.commit
    return run_rerun(
        snapshot.root,
        commit,
        manifest,
        jobs=options.jobs,
        cache_dir=options.cache_dir or default_cache_dir(),
        no_cache=options.no_cache,
        strict_determinism=options.strict_determinism,
        python=options.python,
        progress=progress,
    )


def judge(checklist: Checklist, facts: Facts) -> tuple[Verdict, ...]:
    """Run every item's check over the facts; a check that raises gives needs_review."""
    checks = registered_checks()
    verdicts = []
    for section in checklist.sections:
        for item in section.items:
            fn = checks.get(item.id)
            if fn is None:
                verdicts.append(
                    error_verdict(item, section, "no check is registered for this item")
                )
                continue
            try:
                findings = list(fn(facts))
            except Exception as exc:  # NOTE: one broken check must not abort the audit
                verdicts.append(error_verdict(item, section, f"{type(exc).__name__}: {exc}"))
                continue
            verdicts.append(evaluate(item, section, findings))
    return tuple(verdicts)


def _target_info(snapshot: Snapshot) -> TargetInfo:
    return TargetInfo(
        source=snapshot.source,
        path=str(snapshot.root),
        commit=snapshot.commit,
        ref=snapshot.ref,
        dirty=snapshot.dirty,
        remote=snapshot.remote,
        permalink_base=snapshot.permalink_base,
    )


def permalink(
    base: str | None, path: str | None, line: int | None, end_line: int | None = None
) -> str | None:
    """`<base><path>#L<line>[-L<end>]`, or None without a base or a path."""
    if not base or not path:
        return None
    from urllib.parse import quote

    url = base + quote(path)
    if line:
        url += f"#L{line}" + (f"-L{end_line}" if end_line and end_line > line else "")
    return url


def _link(ev: Evidence, base: str | None) -> Evidence:
    url = permalink(base, ev.path, ev.line, ev.end_line)
    return ev.model_copy(update={"url": url}) if url else ev


def _with_permalinks(verdict: Verdict, snapshot: Snapshot) -> Verdict:
    base = snapshot.permalink_base
    if not base:
        return verdict
    findings = tuple(
        f.model_copy(update={"evidence": tuple(_link(e, base) for e in f.evidence)})
        for f in verdict.findings
    )
    evidence = tuple(_link(e, base) for e in verdict.evidence)
    return verdict.model_copy(update={"findings": findings, "evidence": evidence})
