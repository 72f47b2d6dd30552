"""Probes read the repository and record facts; they never judge. Order matters: later probes
read facts of earlier ones (seeds need entry points; logs compare with hyperparameters)."""

from __future__ import annotations

from collections.abc import Callable

from auditor.facts import Facts
from auditor.repo import Repo

Probe = Callable[[Repo, Facts], None]


def _probes() -> list[Probe]:
    from auditor.probes import (
        benchmarks,
        deps,
        docs,
        hyperparams,
        logs,
        references,
        roles,
        seeds,
    )

    return [
        docs.run,
        deps.run,
        roles.run,
        benchmarks.run,
        hyperparams.run,
        seeds.run,
        logs.run,
        references.run,
    ]


def run_probes(repo: Repo) -> Facts:
    """Collect every fact about the repository, in probe order."""
    facts = Facts()
    facts.python_files = len(repo.modules)
    for probe in _probes():
        probe(repo, facts)
    facts.read_notes = list(repo.read_notes)
    return facts
