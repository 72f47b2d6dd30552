"""`nas-audit init`: the commented nas-audit.yaml an author fills in, and writing it safely.

The text is a pure function of the static audit (entry points, what each item's check found)
and the inferred re-run recipe, so it is tested with golden files. Writing never replaces an
existing file unless asked (`--force`), and then keeps the old one as a numbered backup.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

from auditor.errors import AuditorError
from auditor.facts import Role
from auditor.models import AuditReport, EvidenceKind, Verdict
from auditor.rerun.recipe import Recipe
from auditor.selfcheck import CONFIG_NAME
from auditor.selfcheck.declared import MAX_LISTED
from auditor.selfcheck.summary import clean
from checklist import Checklist

MAX_COMMENT = 400  # characters of repository text in one comment
COMMENT_WIDTH = 96
MAX_BACKUPS = 1000
MAX_ENTRY_POINTS = 30
_ROLE_ORDER = {Role.FINAL_TRAINING: 0, Role.SEARCH: 1, Role.EVALUATION: 2}

_HEADER = """\
# nas-audit.yaml: the authors' self-check of this repository (nas-audit init wrote it).
#
# 1. Answer every item under `answers:` with yes | partial | no | n/a, list under `where:`
#    the files or folders that show it (relative to this folder) and justify it in one line.
# 2. Run `nas-audit check`: it compares each answer with what the audit finds and says which
#    answers the repository does not back up (contradicted, unsupported path).
# 3. Items that do not apply, or gaps you accept, go under `waive:` with a note.
# Commit this file with your code; reviewers' `nas-audit audit` shows your answers too.
#
"""

_SMOKE = """\
  # smoke:                    # uncomment: `nas-audit check` then also runs one short run
  #   params: {}              # overrides of params for the smallest budget, e.g. {epochs: 1}
  #   timeout: 120            # seconds (default: the shorter of timeout and 120)
"""

_NO_RECIPE = """\
# rerun:                      # how `nas-audit audit --rerun` re-runs the pipeline
#   command: "python train.py --seed {seed} --epochs {epochs}"
#   params: {epochs: 1}
#   seeds: [0, 1]
#   metrics:
#     - {name: valid_acc, from: stdout, pattern: 'valid_acc ([0-9.]+)', goal: max}
#   smoke: {}                 # lets `nas-audit check` run the first seed once
"""

_WAIVE = """\
# waive:                      # reasons: not-applicable | accepted | false-positive
#   C6: {reason: not-applicable, note: "a benchmark release: no new method to compare"}
"""


def _comment(prefix: str, text: str) -> list[str]:
    """`prefix` and repository text as YAML comment lines: one line of text, wrapped, bounded."""
    line = clean(text)
    if len(line) > MAX_COMMENT:
        line = line[: MAX_COMMENT - 1] + "…"
    width = max(40, COMMENT_WIDTH - len(prefix))
    wrapped = textwrap.wrap(line, width=width, break_on_hyphens=False) or [""]
    continued = prefix[: prefix.index("#") + 1] + " " * 5
    return [prefix + wrapped[0]] + [continued + rest for rest in wrapped[1:]]


def _entry_point_lines(report: AuditReport) -> list[str]:
    """The entry points, final training and search first, tests left out, at most
    MAX_ENTRY_POINTS (a large repository has a hundred)."""
    points = [e for e in report.facts.entry_points if Role.TEST not in e.roles]
    if not points:
        return ["# Entry points: none found (no `__main__` block or script that runs a file)."]
    points.sort(key=lambda e: (min(_ROLE_ORDER.get(r, len(_ROLE_ORDER)) for r in e.roles), e.path))
    lines = ["# Entry points found by the audit (path: roles; run by):"]
    for point in points[:MAX_ENTRY_POINTS]:
        roles = ", ".join(r.value.replace("_", " ") for r in point.roles)
        runners = f"; run by {', '.join(point.invoked_by[:3])}" if point.invoked_by else ""
        lines += _comment("#   ", f"{point.path}: {roles}{runners}")
    if len(points) > MAX_ENTRY_POINTS:
        lines += _comment(
            "#   ",
            f"… and {len(points) - MAX_ENTRY_POINTS} more (all of them: `nas-audit audit . "
            "-f json`, facts.entry_points)",
        )
    return lines


def _rerun_lines(recipe: Recipe) -> list[str]:
    if recipe.manifest is None:
        reasons = "; ".join(recipe.explanation)
        return [
            *_comment("# No re-run proposed: ", f"{reasons}."),
            "# To let nas-audit re-run your pipeline, fill in and uncomment:",
            *_NO_RECIPE.splitlines(),
        ]
    lines = [
        "# How to re-run the pipeline (`nas-audit audit . --rerun`, `nas-audit check --tier "
        "full`),",
        "# proposed from the README and the entry point's flags: check every line.",
        *(c for line in recipe.explanation for c in _comment("#   ", line)),
    ]
    return lines + recipe.manifest.to_yaml().splitlines() + _SMOKE.splitlines()


def _found(verdict: Verdict) -> str:
    paths = list(
        dict.fromkeys(
            e.path for e in verdict.evidence if e.path and e.kind is not EvidenceKind.ABSENCE
        )
    )
    shown = ", ".join(paths[:MAX_LISTED]) + (" …" if len(paths) > MAX_LISTED else "")
    return f"{verdict.status.value} (evidence in {shown})" if paths else verdict.status.value


def _answer_lines(report: AuditReport, checklist: Checklist) -> list[str]:
    found = {v.id: v for v in report.items}
    lines = ["answers:"]
    for section in checklist.sections:
        lines.append(f"  # --- {section.title} ---")
        for item in section.items:
            lines.append(f"  # {item.id}: {item.title}")
            lines.append(f"  #   {item.question}")
            if item.id in found:
                lines += _comment("  #   the audit finds: ", _found(found[item.id]))
            lines += [
                f"  {item.id}:",
                "    answer:           # yes | partial | no | n/a",
                "    where: []         # files or folders that show it",
                '    justification: ""',
            ]
    return lines


def render_init(report: AuditReport, recipe: Recipe, checklist: Checklist) -> str:
    """The commented nas-audit.yaml for the audited folder."""
    parts = [
        _HEADER.splitlines(),
        _entry_point_lines(report),
        [""],
        _rerun_lines(recipe),
        [""],
        _answer_lines(report, checklist),
        [""],
        _WAIVE.splitlines(),
    ]
    return "\n".join(line for part in parts for line in part) + "\n"


def _backup_path(path: Path) -> Path:
    """`nas-audit.yaml.bak`, else the first free `nas-audit.yaml.bak.N`."""
    candidates = [path.with_name(path.name + ".bak")]
    candidates += [path.with_name(f"{path.name}.bak.{n}") for n in range(1, MAX_BACKUPS)]
    for candidate in candidates:
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
    raise AuditorError(f"{path}: {MAX_BACKUPS} backups exist already; remove some")


def check_writable(root: Path, *, force: bool) -> Path:
    """The path to write; an error when it exists (without `force`) or `root` is read-only."""
    path = root / CONFIG_NAME
    exists = path.exists() or path.is_symlink()
    if exists and not force:
        raise AuditorError(f"{path} exists; edit it, or replace it with --force (keeps a backup)")
    if exists and not path.is_file():
        raise AuditorError(f"{path} exists and is not a regular file; remove it first")
    try:
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as exc:
        raise AuditorError(f"{root}: cannot write here: {exc.strerror}") from None
    return path


def write_config(root: Path, text: str, *, force: bool) -> tuple[Path, Path | None]:
    """Write nas-audit.yaml into `root`: (its path, the backup of the replaced one or None).

    The new text goes to a temporary file first and replaces the old one in one rename.
    """
    path = check_writable(root, force=force)
    exists = path.exists()
    fd, tmp = tempfile.mkstemp(prefix=".nas-audit.", suffix=".tmp", dir=root)
    backup = None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # NOTE: mkstemp makes it private; a config file is not secret
        if exists:
            backup = _backup_path(path)
            shutil.copy2(path, backup)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AuditorError(f"{path}: cannot write: {exc.strerror}") from None
    return path, backup
