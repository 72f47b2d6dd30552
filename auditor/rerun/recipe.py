"""The inferred recipe: a proposed manifest when the repository has none.

It takes the README's `python X.py ...` command whose script exists (a training script
preferred over a search script), sets the seed and epochs flags that the script's argparse
declares, and reads a metric from the script's print/logging format strings. The result is
only a proposal, with an explanation of where each part came from; it runs only when the
user asks for it (`--rerun inferred`).
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from auditor.rerun.manifest import Manifest
from auditor.rerun.script_read import (
    EPOCH_FLAGS,
    SEED_FLAGS,
    Flag,
    find_flag,
    find_flag_in_function,
    guess_metrics,
    helper_modules,
    parse_script,
)
from auditor.rerun.spec import MetricSpec

MAX_README_BYTES = 1024 * 1024
INFERRED_TIMEOUT = 900.0
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_PYTHON_RE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*python[0-9.]*\s+(?:-u\s+)?(\S+\.py)\b")
_PROMPT_RE = re.compile(r"^\s*(?:\$|>>>|>)\s+")
_COMMENT_RE = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True)
class Recipe:
    """A proposed manifest (None when nothing runnable was found) and why it looks so."""

    manifest: Manifest | None
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class _Command:
    readme: str
    line: int
    text: str  # the `python X.py ...` segment
    cd: str  # folder from a preceding `cd DIR &&`, or ""
    script: str  # repository-relative path of X.py


def _readme(repo_root: Path) -> Path | None:
    candidates = sorted(p for p in repo_root.iterdir() if p.name.lower().startswith("readme"))
    return next((p for p in candidates if p.is_file()), None)


def _command_lines(text: str) -> list[tuple[int, str]]:
    """(line, text) of fenced code lines, continuation lines joined; all lines if no fence."""
    fenced: list[tuple[int, str]] = []
    inside, pending, start = False, "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if _FENCE_RE.match(raw):
            inside = not inside
            continue
        line = _COMMENT_RE.sub("", raw)
        if inside:
            start = start or number
            pending += _PROMPT_RE.sub("", line).rstrip().removesuffix("\\") + " "
            if not line.rstrip().endswith("\\"):
                fenced.append((start, pending.strip()))
                pending, start = "", 0
    if fenced:
        return fenced
    lines = enumerate(text.splitlines(), start=1)
    return [(n, _PROMPT_RE.sub("", _COMMENT_RE.sub("", ln)).strip()) for n, ln in lines]


def _commands(repo_root: Path, readme: Path) -> list[_Command]:
    text = readme.read_text(encoding="utf-8", errors="replace")[:MAX_README_BYTES]
    found: list[_Command] = []
    for number, line in _command_lines(text):
        cd = ""
        for segment in re.split(r"&&|;", line):
            segment = segment.strip()
            if segment.startswith("cd "):
                cd = segment[3:].strip().strip("'\"")
            elif match := _PYTHON_RE.match(segment):
                script = str(PurePosixPath(cd or ".") / match.group(1))
                text = " ".join(segment.split())
                found.append(_Command(readme.name, number, text, cd, script))
    return [c for c in found if _inside(repo_root, c.script)]


def _inside(repo_root: Path, rel: str) -> bool:
    path = (repo_root / rel).resolve()
    return path.is_file() and path.is_relative_to(repo_root.resolve())


def _rank(command: _Command) -> tuple[int, int]:
    name = PurePosixPath(command.script).name.lower()
    score = 3 if "train" in name and "search" not in name else 2 if "main" in name else 1
    return -score, command.line


def _set_flag(tokens: list[str], flag: str, placeholder: str) -> list[str]:
    """Replace the flag's value with the placeholder, or append `flag placeholder`."""
    for i, token in enumerate(tokens):
        if token == flag and i + 1 < len(tokens):
            return [*tokens[: i + 1], placeholder, *tokens[i + 2 :]]
        if token.startswith(flag + "="):
            return [*tokens[:i], f"{flag}={placeholder}", *tokens[i + 1 :]]
    return [*tokens, flag, placeholder]


def _shell(tokens: list[str]) -> str:
    return " ".join(t if re.fullmatch(r"[\w./={}:,+-]+", t) else shlex.quote(t) for t in tokens)


def _build_command(command: _Command, seed: Flag | None, epochs: Flag | None) -> str:
    try:
        tokens = shlex.split(command.text)
    except ValueError:
        tokens = command.text.split()
    tokens = tokens[next(i for i, t in enumerate(tokens) if t.startswith("python")) :]
    tokens[0] = "python"
    if seed is not None:
        tokens = _set_flag(tokens, seed.name, "{seed}")
    if epochs is not None:
        tokens = _set_flag(tokens, epochs.name, "{epochs}")
    prefix = f"cd {shlex.quote(command.cd)} && " if command.cd else ""
    return prefix + _shell(tokens)


def _flag_notes(command: _Command, seed: Flag | None, epochs: Flag | None) -> list[str]:
    notes = []
    if seed is not None:
        where = f"{seed.path or command.script}:{seed.line}"
        helper = f" (for {command.script})" if seed.path else ""
        notes.append(f"seed: {where} declares {seed.name}{helper}; each run sets it")
    else:
        notes.append(
            f"seed: {command.script} declares none of {', '.join(SEED_FLAGS)}; runs "
            "cannot choose a seed, so different 'seeds' are plain repeats"
        )
    if epochs is not None:
        notes.append(
            f"epochs: {command.script}:{epochs.line} declares {epochs.name} (default "
            f"{epochs.default}); lowered to 1 for a quick check"
        )
    return notes


def _seed_flag(repo_root: Path, script: str, tree: ast.Module) -> Flag | None:
    """The script's seed flag, or one a repo helper adds to the script's parser."""
    flag = find_flag(tree, SEED_FLAGS)
    for path, function in [] if flag else helper_modules(tree, script):
        if not _inside(repo_root, path):
            continue
        source = (repo_root / path).read_text(encoding="utf-8", errors="replace")
        helper_tree = parse_script(path, source)
        if helper_tree is not None:
            flag = find_flag_in_function(helper_tree, function, SEED_FLAGS, path)
        if flag is not None:
            break
    return flag


def infer_recipe(repo_root: Path) -> Recipe:
    """Propose a manifest from the README and the entry point's argparse."""
    readme = _readme(repo_root)
    if readme is None:
        return Recipe(None, ("no README: nothing says how to run the code",))
    commands = sorted(_commands(repo_root, readme), key=_rank)
    if not commands:
        return Recipe(
            None,
            (f"{readme.name} has no `python X.py` command whose script exists in the repository",),
        )
    chosen = commands[0]
    source = (repo_root / chosen.script).read_text(encoding="utf-8", errors="replace")
    tree = parse_script(chosen.script, source)
    seed = _seed_flag(repo_root, chosen.script, tree) if tree else None
    epochs = find_flag(tree, EPOCH_FLAGS) if tree else None
    notes = [f"command: {chosen.readme}:{chosen.line}: `{chosen.text}`"]
    notes += _flag_notes(chosen, seed, epochs)
    metrics: list[MetricSpec] = []
    guesses = guess_metrics(tree, source) if tree else []
    if guesses:
        best = guesses[0]
        metrics.append(
            MetricSpec.model_validate(
                {"name": best.name, "from": best.stream, "pattern": best.pattern, "goal": best.goal}
            )
        )
        notes.append(
            f"metric {best.name}: {chosen.script}:{best.line} prints "
            f"{best.text!r} (to {best.stream}); the last value is read"
        )
    else:
        notes.append(
            f"metric: no metric-like print or logging format in {chosen.script}; "
            "add `metrics:` to a manifest"
        )
    manifest = Manifest(
        command=_build_command(chosen, seed, epochs),
        params={"epochs": 1} if epochs else {},
        seeds=[0, 1],
        repeats=2,
        timeout=INFERRED_TIMEOUT,
        metrics=metrics,
    )
    return Recipe(manifest.with_source("inferred"), tuple(notes))
