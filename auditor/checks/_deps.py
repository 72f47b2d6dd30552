"""Dependency pinning, shared by C2 (confounders) and D3 (software versions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor.checks._common import absence, located, names, no, unknown, yes
from auditor.facts import Dependency, EvidenceKind, Facts, evidence_kind_for
from auditor.models import Finding

_FRAMEWORKS = frozenset(
    {
        "torch",
        "pytorch",
        "tensorflow",
        "tensorflow-gpu",
        "jax",
        "jaxlib",
        "mxnet",
        "paddlepaddle",
        "paddlepaddle-gpu",
        "mindspore",
    }
)
_LOCK_SUFFIXES = (".lock", "-lock.yml", "-lock.yaml", ".lock.yml")
# NOTE: test, lint and notebook tools do not change a reported number; an unpinned `pytest`
# is no confounder, so these names are left out of the pinning share.
_DEV_TOOLS = frozenset(
    {
        "pytest", "pytest-cov", "pytest-xdist", "ruff", "black", "flake8", "pylint", "mypy",
        "isort", "pre-commit", "tox", "nox", "coverage", "jupyter", "notebook", "jupyterlab",
        "ipython", "ipykernel", "pip", "setuptools", "wheel", "twine", "build", "sphinx",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Pinning:
    """What the dependency declarations say about version pinning."""

    declared: tuple[Dependency, ...]  # one declaration per name, pinned ones preferred
    pinned: tuple[Dependency, ...]
    unpinned: tuple[Dependency, ...]
    lock_files: tuple[str, ...]
    docs_only: bool  # every declaration comes from README/docs lines

    @property
    def share(self) -> float:
        """Share of declared names that are pinned somewhere."""
        return len(self.pinned) / len(self.declared) if self.declared else 0.0

    @property
    def framework_pins(self) -> tuple[Dependency, ...]:
        """Pinned deep-learning frameworks (torch, tensorflow, jax...)."""
        return tuple(d for d in self.pinned if _norm(d.name) in _FRAMEWORKS)

    @property
    def sufficient(self) -> bool:
        """Pinned well enough: a lock file, >= 80% pinned, or (docs only) the framework pinned."""
        if self.lock_files:
            return True
        if self.docs_only:
            return bool(self.framework_pins)
        return bool(self.declared) and self.share >= 0.8


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def pinning(facts: Facts) -> Pinning:
    """Merge declarations by name: a name counts as pinned if any declaration pins it.
    Development tools (tests, lint, notebooks, packaging) are left out."""
    best: dict[str, Dependency] = {}
    for dep in facts.dependencies:
        key = _norm(dep.name)
        if key in _DEV_TOOLS:
            continue
        if key not in best or (dep.pinned and not best[key].pinned):
            best[key] = dep
    declared = tuple(best.values())
    locks = tuple(p for p in facts.dependency_files if p.lower().endswith(_LOCK_SUFFIXES))
    docs_only = (
        bool(declared)
        and not facts.dependency_files
        and all(evidence_kind_for(d.path) is EvidenceKind.DOC for d in facts.dependencies)
    )
    return Pinning(
        declared=declared,
        pinned=tuple(d for d in declared if d.pinned),
        unpinned=tuple(d for d in declared if not d.pinned),
        lock_files=locks,
        docs_only=docs_only,
    )


def dependency_names(deps: Sequence[Dependency], limit: int = 4) -> str:
    """'torch==1.0, numpy' style listing of a few declarations."""
    shown = [f"{d.name}{d.spec}" if d.spec else d.name for d in deps[:limit]]
    more = f" and {len(deps) - limit} more" if len(deps) > limit else ""
    return ", ".join(shown) + more


def pinned_finding(facts: Facts) -> Finding:
    """C2.pinned-dependencies: a lock file, >= 80% pinned, or (docs only) the framework pinned."""
    signal = "C2.pinned-dependencies"
    pins = pinning(facts)
    evidence = (
        located(pins.framework_pins, "pinned framework")
        + located(pins.unpinned[:4], "unpinned dependency")
        + located(pins.pinned[:4], "pinned dependency")
    )
    if pins.lock_files:
        return yes(
            signal,
            f"{names(pins.lock_files)} lock{'s' if len(pins.lock_files) == 1 else ''}"
            " the dependency versions.",
            [
                *located(pins.declared[:4], "declared dependency"),
                absence("lock file (not parsed)", *pins.lock_files),
            ],
        )
    if not pins.declared:
        if facts.dependency_files:
            return unknown(
                signal,
                f"{names(facts.dependency_files)} "
                f"{'declares' if len(facts.dependency_files) == 1 else 'declare'} no readable "
                "dependency.",
                [absence("no parsed dependency", *facts.dependency_files)],
            )
        return no(
            signal,
            "No dependency is declared anywhere.",
            [
                absence(
                    "no dependency declaration",
                    "requirements*.txt",
                    "environment.yml",
                    "setup.py",
                    "pyproject.toml",
                    "Pipfile",
                    "README version lines",
                )
            ],
        )
    if pins.docs_only:
        if pins.framework_pins:
            return yes(
                signal,
                f"{names(d.path for d in pins.framework_pins)} pins "
                f"{dependency_names(pins.framework_pins)}, though no requirements file "
                "exists.",
                evidence,
            )
        return no(
            signal,
            "Only the docs mention dependencies, and they do not pin the "
            f"deep-learning framework ({dependency_names(pins.declared)}).",
            evidence,
        )
    total = len(pins.declared)
    share = f"{len(pins.pinned)} of {total} declared " + (
        "dependency is" if total == 1 else "dependencies are"
    )
    if pins.sufficient:
        return yes(
            signal,
            f"{share} pinned ({names(dict.fromkeys(d.path for d in pins.declared))}).",
            located(pins.pinned[:4], "pinned dependency") + evidence,
        )
    return no(
        signal, f"Only {share} pinned; unpinned: {dependency_names(pins.unpinned)}.", evidence
    )
