"""One phase (final training for R3, search for R5) and its hyperparameters.

A phase is the set of entry points with one role and the files they import. Both items ask
the same questions of their phase; seeds are answered in _seeds.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from auditor.checks._common import (
    absence,
    entries,
    files_of_all,
    located,
    names,
    no,
    plural,
    runnable,
    yes,
)
from auditor.facts import (
    ConfigFile,
    EntryPoint,
    Facts,
    Hyperparameter,
    Role,
    ScriptInvocation,
)
from auditor.models import Finding


@dataclass(frozen=True)
class Phase:
    """Entry points of one role and the repo files they run."""

    role: Role
    label: str  # "final-training" or "search", for messages
    entries: tuple[EntryPoint, ...]
    files: frozenset[str]

    @property
    def paths(self) -> frozenset[str]:
        """The entry points' own paths."""
        return frozenset(e.path for e in self.entries)

    @property
    def who(self) -> str:
        """The entry points (or, without any, the phase's files), named for a message."""
        return names(e.path for e in self.entries) if self.entries else names(sorted(self.files))


def phase(facts: Facts, role: Role, label: str, fallback: Iterable[str] = ()) -> Phase:
    """The phase of this role; without entry points, its files are `fallback` (method code).
    Entry points that cannot run as released are left out while others can (R1 names them)."""
    found = tuple(runnable(facts, entries(facts, role)))
    return Phase(role, label, found, frozenset(files_of_all(found) if found else fallback))


# ------------------------------------------------------------------------ hyperparameters


def hyperparameter_finding(facts: Facts, ph: Phase, signal: str) -> Finding:
    """TRUE if the phase's files define hyperparameters, run commands pass flags, or configs."""
    hps = _phase_hyperparameters(facts, ph)
    invocations = [i for i in facts.script_invocations if i.resolved in ph.paths and i.flags]
    configs = _linked_configs(facts, ph, hps, invocations)
    hps += [h for h in facts.hyperparameters if h.path in {c.path for c in configs}]
    if not (hps or invocations or configs):
        return no(
            signal,
            f"{ph.who} defines no options, config keys or constants, and no run "
            "command passes it flags.",
            [
                absence(
                    f"no hyperparameters for {ph.who}",
                    "argparse/click/absl/hydra options",
                    "config files",
                    "module constants",
                    "run scripts with flags",
                )
            ],
        )
    evidence = (
        located(hps[:4], "hyperparameter")
        + located(invocations[:2], "run command with flags")
        + located(configs[:2], "config file")
    )
    return yes(signal, _hyperparameter_message(ph, hps, invocations, configs), evidence)


def _phase_hyperparameters(facts: Facts, ph: Phase) -> list[Hyperparameter]:
    own = [h for h in facts.hyperparameters if h.path in ph.paths]
    imported = [h for h in facts.hyperparameters if h.path in ph.files and h.path not in ph.paths]
    return own + imported


def _hyperparameter_message(
    ph: Phase,
    hps: list[Hyperparameter],
    invocations: list[ScriptInvocation],
    configs: list[ConfigFile],
) -> str:
    parts = []
    if hps:
        kinds = names(dict.fromkeys(h.source for h in hps))
        examples = ", ".join(h.name for h in hps[:3])
        parts.append(f"{plural(len(hps), 'hyperparameter')} ({kinds}: {examples})")
    if invocations:
        parts.append(f"run commands with flags in {names(i.path for i in invocations)}")
    if configs:
        parts.append(f"the configs {names(c.path for c in configs)}")
    return f"The {ph.label} code ({ph.who}) releases " + "; ".join(parts) + "."


def _linked_configs(
    facts: Facts, ph: Phase, hps: list[Hyperparameter], invocations: list[ScriptInvocation]
) -> list[ConfigFile]:
    """Configs a run command or an option default points at, or named like the entry point."""
    refs = [v for i in invocations for v in i.flags.values()] + [h.default or "" for h in hps]
    named = {r.strip().strip("'\"").removeprefix("./") for r in refs} - {""}
    stems = {PurePosixPath(p).stem for p in ph.paths}
    return [
        c for c in facts.configs if PurePosixPath(c.path).stem in stems or _named(c.path, named)
    ]


def _named(path: str, refs: set[str]) -> bool:
    """Whether a reference names the path: all of it, or its tail after some `/`.

    NOTE: a set lookup per tail, not a test per reference: large repos have thousands of each.
    """
    if path in refs:
        return True
    slash = path.find("/")
    while slash >= 0:
        if path[slash + 1 :] in refs:
            return True
        slash = path.find("/", slash + 1)
    return False
